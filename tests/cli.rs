//! The native CLI end to end: a valid run writes the documented JSON; bad input exits 2 with only the message.

use serde_json::Value;
use std::process::Command;

fn rankflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rankflow")).args(args).output().expect("run rankflow")
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rankflow-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn valid_config_runs_and_writes_the_report() {
    let cfg = temp("ok.json");
    let out = temp("out.json");
    std::fs::write(
        &cfg,
        r#"{"seed": 1, "steps": 3000, "record_every": 20,
            "problem": {"kind": "completion", "n": 12, "rank": 2, "observed_fraction": 0.5, "psd": false},
            "model": {"depth": 3, "width": 12, "symmetric": false, "init": "gaussian", "init_scale": 1e-2},
            "optimizer": {"kind": "gd", "lr": 2.0}}"#,
    )
    .unwrap();
    let o = rankflow(&["run", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8(o.stdout).unwrap();
    assert_eq!(summary.lines().count(), 1, "one-line summary: {summary}");
    assert!(summary.contains("3000 steps") && summary.contains("loss"), "{summary}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["config"]["steps"], 3000);
    assert_eq!(report["config"]["problem"]["kind"], "completion");
    let samples = report["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 3000 / 20 + 1, "a sample every 20 steps from 0 to 3000");
    assert_eq!(samples[0]["step"], 0);
    assert_eq!(samples.last().unwrap()["step"], 3000);
    for key in ["step", "loss", "singular_values", "nuclear_norm", "effective_rank", "test_error", "balance"] {
        assert!(samples[1].get(key).is_some(), "sample lacks {key}");
    }
    assert_eq!(samples[1]["singular_values"].as_array().unwrap().len(), 12);
    assert!(samples[1]["test_error"].is_f64());
    let fin = &report["final"];
    let w = fin["W"].as_array().unwrap();
    assert_eq!((w.len(), w[0].as_array().unwrap().len()), (12, 12));
    let sv: Vec<f64> = fin["singular_values"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!((sv.iter().sum::<f64>() - fin["nuclear_norm"].as_f64().unwrap()).abs() < 1e-9);
    // The loss decreased: the run learned something.
    assert!(fin["loss"].as_f64().unwrap() < 0.1 * samples[0]["loss"].as_f64().unwrap());
}

#[test]
fn bad_config_exits_2_with_only_the_message() {
    let cfg = temp("bad.json");
    std::fs::write(&cfg, r#"{"problem": {"kind": "full", "n": 20}, "model": {"depth": 12}}"#).unwrap();
    let o = rankflow(&["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(String::from_utf8(o.stderr).unwrap().trim(), "model.depth: must be an integer in [1, 8], got 12");
}

#[test]
fn bad_usage_and_unknown_preset_exit_2() {
    let o = rankflow(&["run", "--preset", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("preset: unknown name \"nope\"; one of incremental"));
    assert_eq!(rankflow(&["run"]).status.code(), Some(2));
    assert_eq!(rankflow(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(rankflow(&["run", "--config", "/nonexistent/x.json"]).status.code(), Some(2));
}

#[test]
fn presets_are_listed_and_runnable_by_name() {
    let o = rankflow(&["presets"]);
    assert!(o.status.success());
    let list = String::from_utf8(o.stdout).unwrap();
    assert!(list.lines().next().unwrap().starts_with("incremental"));
    let o = rankflow(&["run", "--preset", "counterexample"]);
    assert!(o.status.success());
    assert!(String::from_utf8(o.stdout).unwrap().starts_with("preset counterexample: 200000 steps"));
}
