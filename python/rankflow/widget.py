"""The lab as a Jupyter widget (anywidget): the page itself, offline (its single-file build, with its worker and
wasm inside, travels in the package), driven from Python through the page's embed API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import anywidget
import traitlets

from . import _rankflow
from ._result import Result, check_whole, run

_HERE = Path(__file__).parent

# Events the page tells its host (the embed API) that `on` can listen to.
EVENTS = ("ready", "statechange", "milestone", "finished", "error", "lesson-step", "lesson-question", "lesson-answer")


def _page() -> str:
    """The page as one file: in the package (a wheel from `cargo xtask wheel`), else the checkout's dist/."""
    for path in (_HERE / "static" / "rankflow.html", Path(_rankflow.CHECKOUT_DIST) / "rankflow.html"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise RuntimeError(
        "rankflow.Lab: the lab's page is not in this install; build it with `cargo xtask dist` in the checkout "
        "(or install the wheel that `cargo xtask wheel` builds)"
    )


class Lab(anywidget.AnyWidget):
    """The rankflow lab in a notebook cell: ``Lab(preset="incremental", height=480)`` or ``Lab(config={...})``.

    Drive it like an embed: ``play()``, ``pause()``, ``reset()``, ``step(n)``, ``set(preset=… | config=…)``;
    ``state`` follows the page (status, step, runs, …; synced from the browser, so read it in a later cell);
    ``on("milestone" | "finished" | …, callback)`` calls ``callback(event_dict)``; ``result()`` runs what the lab runs
    in process and returns it as ``rankflow.run`` does. Commands sent before the page is ready wait for it."""

    _esm = _HERE / "widget.js"
    _page = traitlets.Unicode("").tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(480).tag(sync=True)
    state = traitlets.Dict({}).tag(sync=True)

    def __init__(
        self,
        preset: str | None = None,
        *,
        config: dict[str, Any] | None = None,
        seed: int | None = None,
        height: int = 480,
        **kwargs: Any,
    ):
        if preset is not None and config is not None:
            raise ValueError("give at most one of preset= and config=")
        if isinstance(height, bool) or not isinstance(height, int) or not 240 <= height <= 4000:
            raise ValueError(f"height: expected pixels in 240..4000, got {height!r}")
        # A blob: document has no link to copy (its address means nothing outside this notebook).
        params: dict[str, str] = {"embed": "1", "hide": "copy-link"}
        check_whole("seed", seed)
        if config is not None:
            if not isinstance(config, dict):
                raise ValueError(f"config: expected a dict, got {type(config).__name__}")
            config = config if seed is None else {**config, "seed": seed}
            # Checked by the core first: a bad config is named here, not in the frame.
            _check_config(config)
            params["config"] = json.dumps(config, separators=(",", ":"))
        else:
            preset = preset or "incremental"
            _check_preset(preset)
            params["preset"] = preset
            if seed is not None:
                params["seed"] = str(seed)
        super().__init__(_page=_page(), query=urlencode(params), height=height, **kwargs)
        self._handlers: dict[str, list[Callable[[dict[str, Any]], None]]] = {}
        self.on_msg(self._on_event)

    # -- commands (the embed API's) --------------------------------------------------------------------------

    def _command(self, command: str, **fields: Any) -> None:
        self.send({"type": "rankflow", "command": command, **fields})

    def play(self) -> None:
        self._command("play")

    def pause(self) -> None:
        self._command("pause")

    def reset(self) -> None:
        self._command("reset")

    def step(self, n: int = 1) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10**9:
            raise ValueError(f"n: expected a whole number from 1 to 1e9, got {n!r}")
        self._command("step", n=n)

    def set(self, preset: str | None = None, config: dict[str, Any] | None = None) -> None:
        """Loads a preset, or a config (merged into the current one by the page, as the embed API's "set")."""
        if (preset is None) == (config is None):
            raise ValueError("give exactly one of preset= and config=")
        if preset is not None:
            _check_preset(preset)
            self._command("set", preset=preset)
        else:
            if not isinstance(config, dict):
                raise ValueError(f"config: expected a dict, got {type(config).__name__}")
            self._command("set", config=config)

    def on(self, event: str, callback: Callable[[dict[str, Any]], None]) -> None:
        """Calls ``callback(message)`` each time the page tells ``event`` (one of rankflow.widget.EVENTS)."""
        if event not in EVENTS:
            raise ValueError(f"event: expected one of {', '.join(EVENTS)}, got {event!r}")
        self._handlers.setdefault(event, []).append(callback)

    def _on_event(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "rankflow":
            for callback in self._handlers.get(content.get("event"), []):
                callback(content)

    # -- what it runs -------------------------------------------------------------------------------------------

    def result(self) -> Result:
        """What the lab runs (its preset and seed, or its config, as its state last said), run in process to its
        end: the numbers of ``rankflow run --out``, which the page's own run equals to rounding."""
        source = self.state.get("source") or _source_of(self.query)
        if source.get("preset"):
            return run(preset=source["preset"], seed=source.get("seed"))
        if source.get("config"):
            return run(config=json.loads(source["config"]))
        raise ValueError("result(): this lab runs a comparison or an imported experiment; use rankflow.run")


def _source_of(query: str) -> dict[str, Any]:
    from urllib.parse import parse_qs

    q = {k: v[0] for k, v in parse_qs(query).items()}
    seed = int(q["seed"]) if "seed" in q else None
    return {"preset": q.get("preset"), "seed": seed, "config": q.get("config")}


def _check_preset(name: str) -> None:
    names = [p["name"] for p in json.loads(_rankflow.presets_json())]
    if name not in names:
        raise ValueError(f"preset: unknown name {name!r}; one of {', '.join(names)}")


def _check_config(config: dict[str, Any]) -> None:
    try:
        text = json.dumps(config, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ValueError(f"config: not JSON data ({e})") from None
    _rankflow.check_config(text)
