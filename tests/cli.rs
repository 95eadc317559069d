//! The native CLI end to end: a valid run writes the documented JSON; bad input exits 2 with only the message.

use serde_json::{json, Value};
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
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("preset counterexample [α = 1e-2]: 300000 steps"), "{text}");
    assert!(text.contains("claim: convex baseline (minimum trace, PSD): 3.800"), "{text}");
}

#[test]
fn report_carries_factor_norms_hessian_phases_and_baseline() {
    let cfg = temp("glrl.json");
    let out = temp("glrl-out.json");
    std::fs::write(
        &cfg,
        r#"{"seed": 1, "steps": 1000000, "record_every": 500, "hessian": true,
            "problem": {"kind": "entries", "values": [[null, 1, 1], [1, null, 0.1], [1, 0.1, null]]},
            "model": {"depth": 2, "symmetric": true},
            "optimizer": {"kind": "glrl", "lr": 0.1, "epsilon": 1e-6, "tolerance": 1e-6}}"#,
    )
    .unwrap();
    let o = rankflow(&["run", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let phases = r["phases"].as_array().unwrap();
    // GLRL's output here is the rank-1 completion: one phase, nuclear norm 1/c + 2c = 10.2.
    assert_eq!(phases.len(), 1);
    assert!((r["final"]["nuclear_norm"].as_f64().unwrap() - 10.2).abs() < 1e-6);
    assert_eq!(phases[0]["step"], 0);
    assert!(phases[0]["top_value"].as_f64().unwrap() > 0.0);
    assert!(r["stop_reason"].as_str().unwrap().contains("GLRL converged after 1 phase:"));
    let s = &r["samples"][1];
    assert_eq!(s["factor_norms"].as_array().unwrap().len(), 1);
    assert!(s["hessian_min"].is_f64() && s["hessian_max"].is_f64());
    assert!(s["hessian_min"].as_f64().unwrap() <= s["hessian_max"].as_f64().unwrap());
    let b = &r["baseline"];
    assert!((b["nuclear_norm"].as_f64().unwrap() - 3.8).abs() < 0.01);
    assert_eq!(b["W"].as_array().unwrap().len(), 3);
    assert_eq!(b["singular_values"].as_array().unwrap().len(), 3);
}

#[test]
fn multi_run_presets_write_every_run_and_the_claim() {
    let out = temp("noisy.json");
    let o = rankflow(&["run", "--preset", "noisy-gd", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let runs = r["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    assert_eq!(runs[0]["label"], "noisy GD from W₂ ≫ W₁");
    assert_eq!(runs[0]["config"]["optimizer"]["noise"], serde_json::json!([0.05, 0.1]));
    let norms = runs[0]["samples"].as_array().unwrap().last().unwrap()["factor_norms"].as_array().unwrap().clone();
    let ratio = norms[1].as_f64().unwrap() / norms[0].as_f64().unwrap();
    assert!((ratio / 2.0 - 1.0).abs() < 0.03, "ratio {ratio}");
    assert!((r["claim"]["values"]["noisy GD from W₂ ≫ W₁"]["ratio"].as_f64().unwrap() - ratio).abs() < 1e-9);
}

/// The presets `rankflow figures` is run on (one single-run, one multi-run, both short): its files must be the
/// drawings of the same run made in process. Every other preset's figures are drawn in process from the run the
/// other tests share (`common::finished`), with the same drawing code the CLI calls.
const BY_CLI: [&str; 2] = ["counterexample", "escape-time"];

#[test]
fn figures_writes_every_figure_of_every_preset_with_an_index() {
    use rankflow::figure::{build::Options, export, render::Style};
    // (id, caption, SVG) of every figure of the finished preset, drawn in process as `rankflow figures` draws them.
    let in_process = |name: &str| -> Vec<(String, String, String)> {
        let opts = Options { log_steps: true, baseline: true, max_points: 0, cursor: None };
        let drawings = rankflow::claims::drawings(crate::common::finished(name), opts);
        let svg = |d| export::to_svg(d, 1200, 700, Style::default()).unwrap();
        drawings.iter().map(|d| (d.id().to_string(), d.caption().to_string(), svg(d))).collect()
    };
    let dirs: Vec<std::path::PathBuf> = BY_CLI.iter().map(|name| temp(&format!("figs-{name}"))).collect();
    let children: Vec<_> = BY_CLI
        .iter()
        .zip(&dirs)
        .map(|(name, dir)| {
            Command::new(env!("CARGO_BIN_EXE_rankflow"))
                .args(["figures", "--preset", name, "--out", dir.to_str().unwrap()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (name, child) in BY_CLI.iter().zip(children) {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
    }
    for preset in &rankflow::experiment::presets::all() {
        let name = &preset.name;
        let written = match BY_CLI.iter().position(|n| n == name) {
            Some(i) => {
                let dir = &dirs[i];
                let index: Value =
                    serde_json::from_str(&std::fs::read_to_string(dir.join("figures.json")).unwrap()).unwrap();
                let files = index.as_array().unwrap().iter();
                let by_cli: Vec<(String, String, String)> = files
                    .map(|f| {
                        let svg = std::fs::read_to_string(dir.join(f["file"].as_str().unwrap())).unwrap();
                        (f["id"].as_str().unwrap().into(), f["caption"].as_str().unwrap().into(), svg)
                    })
                    .collect();
                assert!(by_cli == in_process(name), "{name}: the CLI's files differ from the drawings in process");
                by_cli
            }
            None => in_process(name),
        };
        let ids: Vec<&str> = written.iter().map(|(id, _, _)| id.as_str()).collect();
        let page_ids = rankflow::claims::figure_ids(&preset.experiment());
        assert_eq!(ids, page_ids, "{name}: the CLI writes the figures the page shows");
        for (id, caption, svg) in &written {
            assert!(svg.starts_with("<svg") && caption.len() > 10, "{name} {id}");
        }
        let sv = &written.iter().find(|(id, _, _)| id == "singular_values").unwrap().2;
        for run in &preset.runs {
            let alone = preset.runs.iter().filter(|o| o.group == run.group).count() == 1;
            let shown = if alone { &run.label } else { &run.group };
            assert!(shown.is_empty() || sv.contains(shown.as_str()), "{name}: {shown} not in the legend");
        }
    }
}

#[test]
fn figures_png_and_bad_input() {
    let dir = temp("figs-png");
    let o = rankflow(&[
        "figures",
        "--preset",
        "counterexample",
        "--out",
        dir.to_str().unwrap(),
        "--format",
        "png",
        "--width",
        "800",
        "--height",
        "500",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(dir.join("claim.png")).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    let o = rankflow(&["figures", "--preset", "nope", "--out", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("preset: unknown name \"nope\""));
    let file = temp("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let o = rankflow(&["figures", "--preset", "incremental", "--out", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("--out: cannot create directory"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = rankflow(&["figures", "--preset", "incremental", "--out", dir.to_str().unwrap(), "--format", "gif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--format: expected svg or png"));
}

#[test]
fn presets_json_is_what_the_page_receives_and_run_svg_is_the_page_figure() {
    let o = rankflow(&["presets", "--json"]);
    assert!(o.status.success());
    let printed: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(rankflow::experiment::presets::all()).unwrap());
    let svg = temp("sv.svg");
    let o = rankflow(&["run", "--preset", "noisy-gd", "--svg", svg.to_str().unwrap(), "--log-steps", "--no-baseline"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("noisy GD") && text.contains("plain GD") && text.contains("Singular values of W"));
}

#[test]
fn the_report_carries_the_problem() {
    let out = temp("problem.json");
    let o = rankflow(&["run", "--preset", "counterexample", "--out", out.to_str().unwrap(), "--no-baseline"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let p = &r["runs"][0]["problem"];
    assert_eq!(p["target"], serde_json::json!([[null, 1.0, 1.0], [1.0, null, 0.1], [1.0, 0.1, null]]));
    assert_eq!(p["observed"], serde_json::json!([[false, true, true], [true, false, true], [true, true, false]]));
    let cfg = temp("completion.json");
    std::fs::write(
        &cfg,
        r#"{"steps": 10, "problem": {"kind": "completion", "n": 6, "rank": 2, "observed_fraction": 0.5}}"#,
    )
    .unwrap();
    let o = rankflow(&["run", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let target = r["problem"]["target"].as_array().unwrap();
    let observed: usize = r["problem"]["observed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().unwrap().iter().filter(|b| b.as_bool().unwrap()).count())
        .sum();
    assert_eq!(target.len(), 6);
    assert!(
        target.iter().all(|row| row.as_array().unwrap().iter().all(Value::is_f64)),
        "completion targets are known everywhere"
    );
    assert_eq!(observed, 18);
}

#[test]
fn seed_reruns_every_run_of_a_preset_at_that_seed() {
    let out = temp("seeded.json");
    let o =
        rankflow(&["run", "--preset", "depth-alpha", "--seed", "11", "--out", out.to_str().unwrap(), "--no-baseline"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let seeds: Vec<u64> = r["runs"].as_array().unwrap().iter().map(|x| x["config"]["seed"].as_u64().unwrap()).collect();
    // Three seeds per depth and initial scale keep their offsets: 11…13 in each cell.
    assert_eq!(seeds, [11, 12, 13].repeat(9));
    // Another seed, another trajectory; the same seed, the same one.
    let line = |seed: &str| {
        let o = rankflow(&["run", "--preset", "counterexample", "--seed", seed, "--no-baseline"]);
        assert!(o.status.success());
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("claim: α"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(line("2"), line("2"));
    assert_ne!(line("2"), line("3"));
    let o = rankflow(&["run", "--preset", "incremental", "--seed", "-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("--seed: expected an integer in [0, 9007199254740991]"));
    let o = rankflow(&["run", "--config", "x.json", "--seed", "2"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The preset `name` as `rankflow presets --json` prints it.
fn preset_json(name: &str) -> Value {
    let o = rankflow(&["presets", "--json"]);
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    all.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap().clone()
}

#[test]
fn an_experiment_file_is_judged_by_its_claim_and_check_sets_the_exit_code() {
    // The preset as printed: the claim holds, exit 0.
    let file = temp("tied.json");
    std::fs::write(&file, preset_json("tied-spectrum").to_string()).unwrap();
    let o = rankflow(&["run", "--experiment", file.to_str().unwrap(), "--check"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.lines().any(|l| l.starts_with("claim: ✓ claim holds: ")), "{text}");
    // A variant that stops before σ₃ is learned: the claim fails, exit 3, the verdict line says why.
    let mut p = preset_json("tied-spectrum");
    p["runs"][0]["config"]["steps"] = 400.into();
    std::fs::write(&file, p.to_string()).unwrap();
    let o = rankflow(&["run", "--experiment", file.to_str().unwrap(), "--check"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{text}");
    assert!(text.lines().any(|l| l.starts_with("claim: ✗ claim fails: ") && l.contains("never learned")), "{text}");
    // Without --check the same run exits 0.
    assert_eq!(rankflow(&["run", "--experiment", file.to_str().unwrap()]).status.code(), Some(0));
    // A bad file: exit 2, the field named.
    let unknown_claim =
        json!({"runs": [{"config": preset_json("tied-spectrum")["runs"][0]["config"]}], "claim": "nonsense"});
    let unknown_claim = unknown_claim.to_string();
    for (bad, field) in [
        (
            r#"{"runs": [{"config": {"problem": {"kind": "full", "n": 10}, "model": {"depth": 99}}}]}"#,
            "runs[0].config.model.depth",
        ),
        (r#"{"runs": [], "claim": "stage_times"}"#, "runs:"),
        (unknown_claim.as_str(), "claim: unknown claim"),
        (r#"{"rune": []}"#, "rune: unknown field"),
        ("not json", "experiment: not JSON"),
    ] {
        std::fs::write(&file, bad).unwrap();
        let o = rankflow(&["run", "--experiment", file.to_str().unwrap(), "--check"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains(field), "{bad}: {err}");
    }
}

#[test]
fn learned_steps_are_exact_whatever_the_run_length() {
    // Depth 2, α = 1e-3, recorded every 10 steps: σ₁ crosses s₁/2 at the same step in a run of 3,000 steps as
    // in one of 30,000 (whose history is thinned 16×), and that step is the first at which it exceeds s₁/2.
    let learned = |steps: u64| {
        let cfg = temp(&format!("exact-{steps}.json"));
        let out = temp(&format!("exact-{steps}-out.json"));
        std::fs::write(
            &cfg,
            json!({"seed": 3, "steps": steps, "record_every": 10,
                   "problem": {"kind": "full", "n": 10, "rank": 1, "singular_values": [1.0]},
                   "model": {"depth": 2, "init_scale": 1e-3}, "optimizer": {"kind": "gd", "lr": 0.02}})
            .to_string(),
        )
        .unwrap();
        let o = rankflow(&["run", "--config", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(r["learned"][0]["k"], 1);
        r["learned"][0]["step"].as_u64().expect("σ₁ learned")
    };
    let (short, long) = (learned(3000), learned(30000));
    assert_eq!(short, long);
    // The exact step: σ₁ ≤ ½ one step before, > ½ at it.
    let sigma1 = |steps: u64| {
        let mut r = rankflow::Run::new(
            rankflow::Config::from_json(
                &json!({"seed": 3, "steps": steps, "problem": {"kind": "full", "n": 10, "rank": 1, "singular_values": [1.0]},
                        "model": {"depth": 2, "init_scale": 1e-3}, "optimizer": {"kind": "gd", "lr": 0.02}})
                .to_string(),
            )
            .unwrap(),
        );
        r.advance(steps);
        r.measure().singular_values[0]
    };
    assert!(sigma1(short - 1) <= 0.5 && sigma1(short) > 0.5, "{short}");
}

#[test]
fn help_explains_every_subcommand_with_examples() {
    let o = rankflow(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let top = String::from_utf8_lossy(&o.stdout).to_string();
    for sub in ["run", "figures", "presets", "sweep", "bench"] {
        assert!(top.contains(sub), "rankflow --help does not list {sub}: {top}");
        let o = rankflow(&[sub, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{sub} --help");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Usage: rankflow") && text.contains("Example"), "{sub} --help: {text}");
    }
    let o = rankflow(&["sweep", "merge", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    // `run --help` lists every config field with its range and default, from the field table.
    let run = String::from_utf8_lossy(&rankflow(&["run", "--help"]).stdout).to_string();
    for f in &rankflow::fields::FIELDS {
        let line = run.lines().find(|l| l.trim_start().starts_with(&format!("{} ", f.path)));
        let line = line.unwrap_or_else(|| panic!("run --help does not list {}", f.path));
        assert!(line.contains(&format!("default {}", f.default.text())), "{line}");
        if let Some(r) = f.range {
            assert!(line.contains(&r.text()), "{line}");
        }
    }
    // Usage errors still exit 2, naming what is wrong.
    let o = rankflow(&["run", "--preset", "incremental", "--config", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--config"), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rankflow(&["run", "--frobnicate"]).status.code(), Some(2));
}

#[test]
fn run_csv_writes_the_trajectories_the_page_exports() {
    let csv = temp("tied.csv");
    let o = rankflow(&["run", "--preset", "tied-spectrum", "--csv", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    // The page's Export → CSV is the same function of the same experiment.
    let mut exp = rankflow::experiment::presets::find("tied-spectrum").unwrap().experiment();
    while exp.running() {
        exp.advance(1 << 20);
    }
    assert_eq!(text, rankflow::experiment::report::trajectories_csv(&exp));
    let mut lines = text.lines();
    let k = exp.members[0].run.trace.samples()[0].singular_values.len();
    let sigmas: String = (1..=k).map(|i| format!(",sigma_{i}")).collect();
    assert_eq!(
        lines.next(),
        Some(format!("run,step,loss,test_error,nuclear_norm,effective_rank,balance{sigmas}").as_str())
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[1], "0");
    assert_eq!(text.lines().count(), 1 + exp.members[0].run.trace.samples().len());
}

#[test]
fn posters_reject_a_bad_thread_count_naming_the_flag() {
    for bad in ["0", "65", "two"] {
        let o = rankflow(&["posters", "--out", temp("posters").to_str().unwrap(), "--threads", bad]);
        assert_eq!(o.status.code(), Some(2), "--threads {bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--threads: expected a whole number in 1..64"), "{err}");
    }
}
