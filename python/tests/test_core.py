"""rankflow from Python against the CLI: the same numbers bit for bit, the same figures, bad input named."""

import json
import math
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import rankflow

CLI = os.environ.get("RANKFLOW_CLI", str(Path(__file__).resolve().parents[2] / "target" / "fast" / "rankflow"))

# A custom problem: 12 × 12 completion, rank 2, depth 3, 2,000 steps.
CUSTOM = {
    "problem": {"kind": "completion", "m": 12, "n": 12, "rank": 2, "observed_fraction": 0.6},
    "model": {"depth": 3, "width": 12, "init_scale": 0.01},
    "optimizer": {"kind": "gd", "lr": 2.0},
    "steps": 2000,
    "record_every": 10,
    "seed": 4,
}


def cli_report(tmp_path, *args):
    out = tmp_path / "report.json"
    subprocess.run([CLI, "run", *args, "--out", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


def same_bits(a, b, path=""):
    """Equal structure and every number equal bit for bit (nan where the CLI writes null)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), path
        assert np.float64(a).tobytes() == np.float64(b).tobytes(), f"{path}: {a!r} vs {b!r}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), path
        for k in a:
            same_bits(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same_bits(x, y, f"{path}/{i}")
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("preset", ["incremental", "noisy-gd", "escape-time"])
def test_a_preset_equals_the_clis_out(tmp_path, preset):
    result = rankflow.run(preset=preset)
    same_bits(result.report, cli_report(tmp_path, "--preset", preset))
    assert result.verdict["holds"] is True
    assert result.claim[-1].startswith("✓ claim holds")


def test_a_custom_config_equals_the_clis_out_and_its_arrays_are_the_reports(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(CUSTOM))
    cli = cli_report(tmp_path, "--config", str(path))
    result = rankflow.run(CUSTOM)
    same_bits(result.report, cli)
    samples = cli["samples"]
    assert result.steps.dtype == np.int64 and list(result.steps) == [s["step"] for s in samples]
    assert result.steps[-1] == 2000 and len(result.steps) == 201
    assert result.singular_values.shape == (201, 12)
    assert result.singular_values[-1].tobytes() == np.array(samples[-1]["singular_values"]).tobytes()
    assert result.loss[-1] == samples[-1]["loss"]
    assert result.factor_norms.shape == (201, 3)
    assert result.W.shape == (12, 12) and result.W.tobytes() == np.array(cli["final"]["W"]).tobytes()
    assert np.isfinite(result.test_error).all()
    learned = {e["k"]: e["step"] for e in cli["learned"]}
    assert [int(s) for s in result.learned if not math.isnan(s)] == [learned[k] for k in sorted(learned)]
    assert result.verdict is None and result.claim == []


def test_seed_and_steps_are_the_clis(tmp_path):
    cli = cli_report(tmp_path, "--preset", "tied-spectrum", "--seed", "3")
    same_bits(rankflow.run(preset="tied-spectrum", seed=3).report, cli)
    short = rankflow.run(preset="tied-spectrum", steps=500)
    assert short.steps[-1] == 500 and short.report["config"]["steps"] == 500


def test_a_multi_run_preset_has_one_trajectory_per_run():
    result = rankflow.run(preset="escape-time")
    assert len(result.runs) == 12 and result.runs[0].label == "L = 2, α = 0.01"
    with pytest.raises(AttributeError, match="12 runs; use result.runs"):
        result.singular_values  # noqa: B018


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"config": {**CUSTOM, "model": {**CUSTOM["model"], "depth": 99}}}, "model.depth"),
        ({"config": {**CUSTOM, "optimizer": {"kind": "gd", "lr": -1}}}, "optimizer.lr"),
        ({"config": {**CUSTOM, "problem": {**CUSTOM["problem"], "m": "twelve"}}}, "problem.m"),
        ({"config": {**CUSTOM, "stepz": 3}}, "stepz"),
        ({"config": {**CUSTOM, "seed": float("nan")}}, "config"),
        ({"config": [1, 2]}, "config"),
        ({"preset": "incremental", "seed": 2**60}, "seed"),
        ({"preset": "incremental", "steps": -5}, "steps"),
        ({"preset": "incremental", "steps": 10**13}, "steps"),
        ({"preset": "no-such-preset"}, "preset"),
        ({}, "config="),
        ({"config": CUSTOM, "preset": "incremental"}, "config="),
    ],
)
def test_bad_input_raises_value_error_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        rankflow.run(**kwargs)


def test_figures_are_the_pages_svg_with_its_ids(tmp_path):
    for preset in ["incremental", "saddle-to-saddle"]:
        result = rankflow.run(preset=preset)
        out = tmp_path / preset
        subprocess.run([CLI, "figures", "--preset", preset, "--out", str(out)], check=True, capture_output=True)
        index = json.loads((out / "figures.json").read_text())
        assert result.figures == [f["id"] for f in index], preset
        for f in index:
            figure = result.figure(f["id"])
            root = ET.fromstring(figure.svg)
            assert root.tag.endswith("svg") and root.get("width") == "1200", f["id"]
            assert figure._repr_svg_() == figure.svg
            assert figure.svg == (out / f["file"]).read_text(), f"{preset} {f['id']}: differs from the CLI's"
    saved = result.figure("loss", width=800, height=500).save(tmp_path / "loss.svg")
    assert ET.parse(saved).getroot().get("width") == "800"
    with pytest.raises(ValueError, match="figure: unknown id"):
        result.figure("nope")
    with pytest.raises(ValueError, match="width, height"):
        result.figure("loss", width=10)


def test_csv_is_the_clis(tmp_path):
    csv = tmp_path / "t.csv"
    subprocess.run([CLI, "run", "--preset", "tied-spectrum", "--csv", str(csv)], check=True, capture_output=True)
    assert rankflow.run(preset="tied-spectrum").csv() == csv.read_text()


def test_presets_are_the_clis():
    cli = json.loads(subprocess.run([CLI, "presets", "--json"], check=True, capture_output=True).stdout)
    assert rankflow.presets() == cli


def test_the_lab_widget_checks_its_input_and_runs_what_it_shows():
    lab = rankflow.Lab(preset="tied-spectrum", height=400)
    assert "preset=tied-spectrum" in lab.query and "embed=1" in lab.query
    assert lab._page.startswith("<!doctype html>") and len(lab._page) > 100_000
    same_bits(lab.result().report, rankflow.run(preset="tied-spectrum").report)
    other = rankflow.Lab(config=CUSTOM, seed=7)
    assert other.model_id != lab.model_id
    assert other.result().report["config"]["seed"] == 7
    with pytest.raises(ValueError, match="preset: unknown name"):
        rankflow.Lab(preset="nope")
    with pytest.raises(ValueError, match=r"model\.depth"):
        rankflow.Lab(config={**CUSTOM, "model": {**CUSTOM["model"], "depth": 0}})
    with pytest.raises(ValueError, match="height"):
        rankflow.Lab(height=5)
    with pytest.raises(ValueError, match="n: expected"):
        lab.step(0)
    with pytest.raises(ValueError, match="event"):
        lab.on("nope", print)
    heard = []
    lab.on("finished", heard.append)
    lab._on_event(lab, {"type": "rankflow", "event": "finished", "state": {"status": "finished"}}, [])
    assert heard == [{"type": "rankflow", "event": "finished", "state": {"status": "finished"}}]
