//! Phase-diagram sweeps: spec validation, the same numbers in slices (worker) and in one go (CLI), on all cores.

use rankflow::experiment::sweep::{Job, SweepSpec};
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
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let rankflow = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_rankflow")).args(args).output().unwrap();
    let whole = dir.join("whole.csv");
    let o =
        rankflow(&["sweep", "--spec", spec_path.to_str().unwrap(), "--csv", whole.to_str().unwrap(), "--threads", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut parts = vec![];
    for i in 1..=5 {
        let part = dir.join(format!("part{i}.csv"));
        let shard = format!("{i}/5");
        let o = rankflow(&[
            "sweep",
            "--spec",
            spec_path.to_str().unwrap(),
            "--shard",
            &shard,
            "--csv",
            part.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        parts.push(part.to_str().unwrap().to_string());
    }
    // Merged in any order: byte for byte the unsharded file, and a heatmap.
    parts.reverse();
    let (merged, svg) = (dir.join("merged.csv"), dir.join("merged.svg"));
    let mut args = vec!["sweep", "merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--csv", merged.to_str().unwrap(), "--svg", svg.to_str().unwrap()]);
    let o = rankflow(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (std::fs::read(&whole).unwrap(), std::fs::read(&merged).unwrap());
    assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    assert!(String::from_utf8_lossy(&a).contains("optimizer.lr: must be"), "the invalid row keeps its note");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("test_error over model.init_scale × optimizer.lr"));
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
