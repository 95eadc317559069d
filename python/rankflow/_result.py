"""Runs in process: ``run`` returns a ``Result`` whose trajectories are numpy arrays, and whose figures are the
core's own SVG (the page's and the CLI's drawing, not a redraw)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from . import _rankflow


def presets() -> list[dict[str, Any]]:
    """Every preset as ``rankflow presets --json`` prints it: name, title, explanation, runs (label, group, config)
    and the claim that judges them."""
    return json.loads(_rankflow.presets_json())


def run(
    config: dict[str, Any] | None = None,
    *,
    preset: str | None = None,
    seed: int | None = None,
    steps: int | None = None,
) -> Result:
    """Runs a config (a dict in the form of ``rankflow run --config``) or a preset to its end, the convex baseline
    solved, and returns its trajectories, claim and verdict. ``seed`` re-seeds (a preset's runs keep their offsets),
    ``steps`` sets every run's length. Bad input raises ``ValueError`` naming the field; Ctrl-C interrupts."""
    if (config is None) == (preset is None):
        raise ValueError("give exactly one of config= and preset=")
    check_whole("seed", seed)
    check_whole("steps", steps)
    if preset is not None:
        if not isinstance(preset, str):
            raise ValueError(f"preset: expected a name, got {preset!r}")
        finished = _rankflow.run_preset(preset, seed, steps)
    else:
        if not isinstance(config, dict):
            raise ValueError(f"config: expected a dict (the form of `rankflow run --config`), got {type(config).__name__}")
        try:
            text = json.dumps(config, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ValueError(f"config: not JSON data ({e})") from None
        finished = _rankflow.run_config(text, seed, steps)
    return Result(finished)


def check_whole(name: str, value: Any) -> None:
    """None, or a whole number ≥ 0 (the extension takes u64: a negative int would not be a ValueError there)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name}: expected a whole number ≥ 0, got {value!r}")


def _floats(values: list[Any]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=np.float64)


class Trajectory:
    """One run: its config and recorded samples as numpy arrays (one row per recorded step).

    steps (T,), singular_values (T × k, descending), loss, test_error (nan where there is no test set),
    nuclear_norm, effective_rank, balance (T,), factor_norms (T × L, Frobenius norm of each factor W₁ … W_L);
    learned (k,): the exact step at which σ_k was learned (nan: not learned; empty where the experiment tracks no
    target values); W: the final end-to-end matrix; target: the matrix to recover."""

    def __init__(self, report: dict[str, Any]):
        self.report = report
        self.label: str = report.get("label", "")
        self.group: str = report.get("group", "")
        self.config: dict[str, Any] = report["config"]
        samples = report["samples"]
        self.steps = np.array([s["step"] for s in samples], dtype=np.int64)
        self.singular_values = np.array([s["singular_values"] for s in samples], dtype=np.float64)
        self.loss = _floats([s["loss"] for s in samples])
        self.test_error = _floats([s["test_error"] for s in samples])
        self.nuclear_norm = _floats([s["nuclear_norm"] for s in samples])
        self.effective_rank = _floats([s["effective_rank"] for s in samples])
        self.balance = _floats([s["balance"] for s in samples])
        self.factor_norms = np.array([s["factor_norms"] for s in samples], dtype=np.float64)
        learned = {entry["k"]: entry["step"] for entry in report.get("learned", [])}
        k = max(learned, default=0)
        self.learned = _floats([learned.get(i) for i in range(1, k + 1)])
        self.W = np.array(report["final"]["W"], dtype=np.float64)
        self.target = np.array(report["problem"]["target"], dtype=np.float64)

    def __repr__(self) -> str:
        name = f" {self.label!r}" if self.label else ""
        return f"<rankflow.Trajectory{name}: {len(self.steps)} samples to step {int(self.steps[-1])}>"


class Figure:
    """One of the core's figures as SVG: shown as an image in Jupyter, written to a file by ``save``."""

    def __init__(self, id: str, svg: str):
        self.id = id
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | Path) -> Path:
        """Writes the SVG to ``path`` (a .svg file) and returns the path."""
        path = Path(path)
        path.write_text(self.svg, encoding="utf-8")
        return path

    def __repr__(self) -> str:
        return f"<rankflow.Figure {self.id!r}: {len(self.svg)} characters of SVG>"


class Result:
    """A finished experiment: ``runs`` (one ``Trajectory`` each), ``claim`` (its lines, the verdict last),
    ``verdict`` ({"holds", "why"} or None), ``report`` (the JSON of ``rankflow run --out`` as a dict), ``figures``
    (the ids the page shows) and ``figure(id)``. With one run, its arrays are also attributes of the result."""

    def __init__(self, finished: Any):
        self._finished = finished
        self.report: dict[str, Any] = json.loads(finished.report_json())
        runs = self.report["runs"] if "runs" in self.report else [self.report]
        self.runs = [Trajectory(r) for r in runs]
        claim = self.report.get("claim") or {}
        self.claim: list[str] = claim.get("lines", [])
        self.verdict: dict[str, Any] | None = claim.get("verdict")
        self.figures: list[str] = list(finished.figure_ids())

    def __getattr__(self, name: str) -> Any:
        # Called only for names the result itself lacks: a single run's arrays.
        runs = self.__dict__.get("runs", [])
        if name.startswith("_") or not runs or name not in runs[0].__dict__:
            raise AttributeError(name)
        if len(runs) > 1:
            raise AttributeError(f"{name}: this experiment has {len(runs)} runs; use result.runs[i].{name}")
        return getattr(runs[0], name)

    def figure(self, id: str = "singular_values", width: int = 1200, height: int = 700) -> Figure:
        """The figure ``id`` (one of ``figures``), drawn by the core at ``width``×``height`` pixels."""
        return Figure(id, self._finished.figure_svg(id, width, height))

    def csv(self) -> str:
        """Every run's trajectory as CSV (the page's export, ``rankflow run --csv``)."""
        return self._finished.csv()

    def __repr__(self) -> str:
        verdict = ""
        if self.verdict is not None:
            verdict = "; ✓ claim holds" if self.verdict["holds"] else "; ✗ claim fails"
        return f"<rankflow.Result: {len(self.runs)} run(s){verdict}>"
