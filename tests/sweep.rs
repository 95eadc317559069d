//! Phase-diagram sweeps: spec validation, the same numbers in slices (worker) and in one go (CLI), on all cores.

use rankflow::experiment::sweep::{self, Job, SweepSpec};
use serde_json::json;
use std::process::Command;

fn spec() -> serde_json::Value {
    json!({"base": {"seed": 1, "steps": 100000, "record_every": 1000,
                    "problem": {"kind": "entries", "values": [[null, 1, 1], [1, null, 0.1], [1, 0.1, null]]},
                    "model": {"depth": 2, "symmetric": true}, "optimizer": {"kind": "gd", "lr": 0.02}},
           "x": {"field": "model.init_scale", "values": [1e-1, 1e-3, 1e-5]},
           "y": {"field": "model.depth", "values": [2, 3]},
           "outcome": "nuclear_norm_ratio"})
}

#[test]
fn bad_specs_name_the_field() {
    let bad = |patch: serde_json::Value, field: &str| {
        let mut s = spec();
        for (k, v) in patch.as_object().unwrap() {
            s[k] = v.clone();
        }
        let e = SweepSpec::from_json(&s.to_string()).unwrap_err();
        assert_eq!(e.field, field, "{e}");
    };
    bad(json!({"x": {"field": "problem.kind", "values": [1]}}), "sweep.x.field");
    bad(json!({"y": {"field": "model.depth", "values": []}}), "sweep.y.values");
    bad(json!({"outcome": "beauty"}), "sweep.outcome");
    bad(
        json!({"x": {"field": "model.init_scale", "values": (0..30).map(|i| i as f64).collect::<Vec<_>>()},
               "y": {"field": "seed", "values": (0..30).map(|i| i as f64).collect::<Vec<_>>()}}),
        "sweep",
    );
}

#[test]
fn slices_and_whole_cells_agree_and_invalid_cells_carry_a_note() {
    let spec = SweepSpec::from_json(&spec().to_string()).unwrap();
    let whole: Vec<_> = (0..spec.cells()).map(|k| spec.run_cell(k)).collect();
    let mut job = Job::new(spec.clone());
    let mut slices = 0;
    while !job.advance(777) {
        slices += 1;
    }
    assert!(slices > 10, "the job should take many slices");
    assert_eq!(job.cells, whole);
    // Row y = 2 (depth 2): the nuclear norm over the convex minimum grows as α shrinks (science.md item 3).
    let ratios: Vec<f64> = whole[..3].iter().map(|c| c.value.unwrap()).collect();
    assert!(ratios[0] < ratios[1] && ratios[1] < ratios[2], "{ratios:?}");
    assert!(ratios[0] > 1.0);
    // Row y = 3: the symmetric model needs depth 2; each cell says why it has no value.
    for c in &whole[3..] {
        assert!(c.value.is_none() && c.note.as_deref().unwrap().starts_with("model.depth: must be 2"), "{c:?}");
    }
}

#[test]
fn cli_sweep_writes_csv_and_svg_on_all_cores() {
    let dir = std::env::temp_dir().join(format!("rankflow-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (spec_path, csv, svg) = (dir.join("spec.json"), dir.join("out.csv"), dir.join("out.svg"));
    std::fs::write(&spec_path, spec().to_string()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_rankflow"))
        .args([
            "sweep",
            "--spec",
            spec_path.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--svg",
            svg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("6 cells in"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains(&format!("on {} threads", std::thread::available_parallelism().unwrap().get())),
        "thread count"
    );
    let table = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "model.init_scale,model.depth,nuclear_norm_ratio,note");
    assert_eq!(lines.len(), 7);
    let image = std::fs::read_to_string(&svg).unwrap();
    assert!(image.starts_with("<svg") && image.contains("nuclear_norm_ratio over model.init_scale × model.depth"));
    let bad = Command::new(env!("CARGO_BIN_EXE_rankflow")).args(["sweep", "--spec", "/nonexistent"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn shards_merge_into_exactly_the_unsharded_csv() {
    let dir = std::env::temp_dir().join(format!("rankflow-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A quick 4 × 3 grid (12 cells) whose last row is an invalid config: shards carry the notes too.
    let spec = json!({"base": {"seed": 1, "steps": 3000, "record_every": 100,
                          "problem": {"kind": "completion", "n": 8, "rank": 2, "observed_fraction": 0.6},
                          "model": {"depth": 2}, "optimizer": {"kind": "gd", "lr": 1.0}},
                      "x": {"field": "model.init_scale", "values": [1e-1, 1e-2, 1e-3, 1e-4]},
                      "y": {"field": "optimizer.lr", "values": [0.5, 1.0, 1e5]},
                      "outcome": "test_error"});
    let run = shard_and_merge(&dir, &spec, 5);
    let (a, b) = (&run.whole, &run.merged);
    let (parts, spec_path) = (&run.parts, &run.spec);
    assert_eq!(a, b);
    assert!(a.contains("optimizer.lr: must be"), "the invalid row keeps its note");
    assert!(run.merged_svg.contains("test_error over model.init_scale × optimizer.lr"));
    // A missing or doubled shard is an error naming the problem.
    let o = rankflow(&["sweep", "merge", &parts[0], &parts[1]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cells missing"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = rankflow(&["sweep", "merge", &parts[0], &parts[0]]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("appears twice"));
    let o = rankflow(&["sweep", "--spec", spec_path.to_str().unwrap(), "--shard", "6/5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("--shard: expected i/N"));
}

#[test]
fn one_d_sweep_specs_are_checked() {
    let base = json!({"seed": 1, "steps": 1000, "problem": {"kind": "full", "n": 6, "singular_values": [1.0]},
                      "model": {"depth": 2}, "optimizer": {"kind": "noisy_gd", "lr": 0.02, "noise": [0.05, 0.1]}});
    let bad = |s: serde_json::Value, field: &str, says: &str| {
        let e = SweepSpec::from_json(&s.to_string()).unwrap_err();
        assert_eq!(e.field, field, "{e}");
        assert!(e.message.contains(says), "{e}");
    };
    let x = json!({"field": "model.init_scale", "values": [0.1, 0.01]});
    let depth = json!({"field": "model.depth", "values": [2, 3]});
    bad(json!({"base": base, "x": x, "y": depth, "series": depth, "outcome": "loss"}), "sweep.series", "not both");
    bad(json!({"base": base, "x": x, "seeds": 0, "outcome": "loss"}), "sweep.seeds", "1 to 20");
    bad(json!({"base": base, "x": x, "seeds": 21, "outcome": "loss"}), "sweep.seeds", "1 to 20");
    bad(json!({"base": base, "x": x, "y": depth, "seeds": 3, "outcome": "loss"}), "sweep.seeds", "1-D");
    for field in ["optimizer.noise[x]", "model.depth[1]", "optimizer.noise", "optimizer.noise[25]"] {
        bad(
            json!({"base": base, "x": {"field": field, "values": [0.1]}, "outcome": "loss"}),
            "sweep.x.field",
            "list entry",
        );
    }
    // An index beyond the base config's list is a note on the run, naming it.
    let s = SweepSpec::from_json(
        &json!({"base": base, "x": {"field": "model.init_scales[3]", "values": [0.1]}, "outcome": "loss"}).to_string(),
    )
    .unwrap();
    let cell = s.run_cell(0);
    assert!(cell.value.is_none() && cell.note.as_deref().unwrap().contains("model.init_scales"), "{cell:?}");
    // glrl_distance only where GLRL is defined.
    let mut gd = base.clone();
    gd["optimizer"] = json!({"kind": "gd", "lr": 0.02});
    let s = SweepSpec::from_json(
        &json!({"base": gd, "x": {"field": "model.depth", "values": [3]}, "outcome": "glrl_distance"}).to_string(),
    )
    .unwrap();
    assert!(s.run_cell(0).note.unwrap().contains("depth 2 or a symmetric model"));
}

#[test]
fn one_d_sweep_aggregates_seeds_per_series_and_matches_single_runs() {
    // Escape time against α at depths 2 and 3, 3 seeds: each point is the mean/min/max of the runs at seeds
    // 1, 2, 3, each run exactly what the experiment measures on its own.
    let text = json!({"base": {"seed": 1, "steps": 6000, "record_every": 10,
                               "problem": {"kind": "full", "n": 8, "singular_values": [1.0]},
                               "model": {"init": "gaussian"}, "optimizer": {"kind": "gd", "lr": 0.02}},
                      "x": {"field": "model.init_scale", "values": [0.02, 0.05]},
                      "series": {"field": "model.depth", "values": [2, 3]},
                      "seeds": 3, "outcome": "first_learned_step"})
    .to_string();
    let spec = SweepSpec::from_json(&text).unwrap();
    assert_eq!(spec.cells(), 12);
    let cells: Vec<_> = (0..12).map(|k| spec.run_cell(k)).collect();
    let table = sweep::csv(&spec, &cells);
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0], ["x", "series", "mean", "std", "min", "max", "n"]);
    assert_eq!(rows.len(), 5);
    for (r, (depth, alpha)) in rows[1..].iter().zip([(2, 0.02), (2, 0.05), (3, 0.02), (3, 0.05)]) {
        let steps: Vec<f64> = (1..=3)
            .map(|seed| {
                let cfg = json!({"seed": seed, "steps": 6000, "record_every": 10,
                                 "problem": {"kind": "full", "n": 8, "singular_values": [1.0]},
                                 "model": {"init": "gaussian", "depth": depth, "init_scale": alpha},
                                 "optimizer": {"kind": "gd", "lr": 0.02}});
                let mut run = rankflow::Run::new(rankflow::Config::from_json(&cfg.to_string()).unwrap());
                run.advance(6000);
                run.learned()[0].unwrap() as f64
            })
            .collect();
        let mean = steps.iter().sum::<f64>() / 3.0;
        assert_eq!((r[0].parse::<f64>().unwrap(), r[1].parse::<f64>().unwrap()), (alpha, depth as f64));
        assert!((r[2].parse::<f64>().unwrap() - mean).abs() < 1e-9, "{r:?} vs {steps:?}");
        assert_eq!(r[4].parse::<f64>().unwrap(), steps.iter().copied().fold(f64::INFINITY, f64::min));
        assert_eq!(r[5].parse::<f64>().unwrap(), steps.iter().copied().fold(0.0, f64::max));
        assert_eq!(r[6], "3");
    }
    // Deeper waits longer at the same α.
    assert!(rows[3][2].parse::<f64>().unwrap() > rows[1][2].parse::<f64>().unwrap());
    // The figure: one line per depth with a min–max band.
    let points = sweep::aggregate(&cells, 3);
    let fig = rankflow::figure::lines::sweep_lines("model.init_scale", "model.depth", "first_learned_step", 3, &points);
    assert_eq!(fig.areas.len(), 2);
    assert!(
        fig.legend.iter().any(|e| e.label == "model.depth = 2")
            && fig.legend.iter().any(|e| e.label == "min–max over 3 seeds")
    );
}

#[test]
fn noisy_law_sweep_draws_the_prediction_from_a_list_entry() {
    // optimizer.noise[1] (the noise on W₂) against a fixed 0.05 on W₁: predicted ratio = noise[1]/0.05.
    let text = json!({"base": {"seed": 1, "steps": 200000, "record_every": 1000,
                               "problem": {"kind": "full", "n": 10, "singular_values": [1.0]},
                               "model": {"depth": 2, "width": 10, "init": "gaussian", "init_scales": [0.01, 0.5]},
                               "optimizer": {"kind": "noisy_gd", "lr": 0.02, "noise": [0.05, 0.1], "anneal_steps": 20000}},
                      "x": {"field": "optimizer.noise[1]", "values": [0.025, 0.1]},
                      "outcome": "norm_ratio"})
    .to_string();
    let spec = SweepSpec::from_json(&text).unwrap();
    let cells: Vec<_> = (0..spec.cells()).map(|k| spec.run_cell(k)).collect();
    for c in &cells {
        let predicted = c.predicted.unwrap();
        assert!((predicted - c.x / 0.05).abs() < 1e-12);
        assert!((c.value.unwrap() / predicted - 1.0).abs() < 0.03, "{c:?}");
    }
    let table = sweep::csv(&spec, &cells);
    assert!(table.starts_with("x,series,mean,std,min,max,n,predicted\n0.025,,"), "{table}");
}

#[test]
fn one_d_shards_merge_into_exactly_the_unsharded_csv() {
    let dir = std::env::temp_dir().join(format!("rankflow-shards-1d-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = json!({"base": {"seed": 1, "steps": 2000, "record_every": 100,
                          "problem": {"kind": "completion", "n": 8, "rank": 2, "observed_fraction": 0.6},
                          "model": {"depth": 2}, "optimizer": {"kind": "gd", "lr": 1.0}},
                      "x": {"field": "model.init_scale", "values": [1e-1, 1e-2, 1e-3]},
                      "series": {"field": "model.depth", "values": [2, 3]},
                      "seeds": 4, "outcome": "test_error"});
    let run = shard_and_merge(&dir, &spec, 3);
    let (a, parts) = (&run.whole, &run.parts);
    assert_eq!(a, &run.merged);
    assert_eq!(a.lines().count(), 7);
    assert!(a.lines().skip(1).all(|l| l.ends_with(",4")), "4 seeds per point:\n{a}");
    assert_eq!(run.merged_svg, run.whole_svg);
    let o = rankflow(&["sweep", "merge", &parts[0], &parts[1]]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cells missing"));
}

fn rankflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rankflow")).args(args).output().unwrap()
}

/// A sweep run through the CLI whole and as `n` shards merged in reverse order (files in `dir`).
struct Sharded {
    spec: std::path::PathBuf,
    parts: Vec<String>,
    whole: String,
    whole_svg: String,
    merged: String,
    merged_svg: String,
}

fn shard_and_merge(dir: &std::path::Path, spec: &serde_json::Value, n: usize) -> Sharded {
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let spec_arg = spec_path.to_str().unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let ok = |o: std::process::Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (whole, whole_svg) = (path("whole.csv"), path("whole.svg"));
    ok(rankflow(&["sweep", "--spec", spec_arg, "--csv", &whole, "--svg", &whole_svg, "--threads", "1"]));
    let mut parts = vec![];
    for i in 1..=n {
        let part = path(&format!("part{i}.csv"));
        ok(rankflow(&["sweep", "--spec", spec_arg, "--shard", &format!("{i}/{n}"), "--csv", &part]));
        parts.push(part);
    }
    let (merged, merged_svg) = (path("merged.csv"), path("merged.svg"));
    let mut args = vec!["sweep", "merge"];
    args.extend(parts.iter().rev().map(String::as_str));
    args.extend(["--csv", &merged, "--svg", &merged_svg]);
    ok(rankflow(&args));
    let read = |p: &str| std::fs::read_to_string(p).unwrap();
    Sharded {
        spec: spec_path.clone(),
        whole: read(&whole),
        whole_svg: read(&whole_svg),
        merged: read(&merged),
        merged_svg: read(&merged_svg),
        parts,
    }
}
