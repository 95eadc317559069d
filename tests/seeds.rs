//! Every preset's claim holds at more than one seed (measured: seeds 1–5 for every preset; here 1–3), and the
//! verdict that says so can fail.

use rankflow::experiment::{presets, Experiment};

fn finished_at(name: &str, seed: u64) -> Experiment {
    let p = presets::find(name).unwrap().at_seed(seed).unwrap();
    let mut exp = p.experiment();
    while exp.running() {
        exp.advance(1 << 20);
    }
    exp
}

fn holds_at_three_seeds(names: &[&str]) {
    for name in names {
        for seed in [1, 2, 3] {
            let exp = finished_at(name, seed);
            let v = exp.verdict().unwrap_or_else(|| panic!("{name}: no verdict"));
            assert!(v.holds, "{name} at seed {seed}: {}", v.why);
            // The verdict is the read-out's last line.
            let lines = exp.readout().lines;
            assert!(lines.last().unwrap().starts_with("✓ claim holds:"), "{name}: {lines:?}");
        }
    }
}

#[test]
fn incremental_learning_claims_hold_at_three_seeds() {
    holds_at_three_seeds(&["incremental", "sensing", "tied-spectrum"]);
}

#[test]
fn depth_claims_hold_at_three_seeds() {
    holds_at_three_seeds(&["incremental-depth", "depth-alpha", "escape-time"]);
}

#[test]
fn glrl_and_nuclear_norm_claims_hold_at_three_seeds() {
    holds_at_three_seeds(&["glrl-equivalence", "counterexample", "norms-diverge"]);
}

#[test]
fn stage_claims_hold_at_three_seeds() {
    holds_at_three_seeds(&["saddle-to-saddle", "full-staircase"]);
}

#[test]
fn noisy_gd_claim_holds_at_three_seeds() {
    holds_at_three_seeds(&["noisy-gd"]);
}

#[test]
fn every_preset_is_covered_by_a_seed_test() {
    let covered = [
        "incremental",
        "sensing",
        "tied-spectrum",
        "incremental-depth",
        "depth-alpha",
        "escape-time",
        "glrl-equivalence",
        "counterexample",
        "norms-diverge",
        "saddle-to-saddle",
        "full-staircase",
        "noisy-gd",
    ];
    for p in presets::all() {
        assert!(p.claim.is_none() || covered.contains(&p.name), "{} has no seed test", p.name);
    }
}

#[test]
fn the_verdict_fails_when_the_claim_does_not_show() {
    // Stopped before σ₄ is learned: not every value learned.
    let mut p = presets::find("incremental").unwrap();
    p.runs[0].config.steps = 12_000;
    let mut exp = p.experiment();
    exp.advance(12_000);
    let v = exp.verdict().unwrap();
    assert!(!v.holds && v.why.contains("not every value learned"), "{}", v.why);
    // Too short to reach the last plateaus.
    let mut p = presets::find("full-staircase").unwrap();
    p.runs[0].config.steps = 3_000;
    let mut exp = p.experiment();
    exp.advance(3_000);
    let v = exp.verdict().unwrap();
    assert!(!v.holds && v.why.contains("levels"), "{}", v.why);
    let mut p = presets::find("escape-time").unwrap();
    for r in &mut p.runs {
        r.config.steps = 400; // σ₁ not yet learned by most runs
    }
    let mut exp = p.experiment();
    exp.advance(400);
    assert!(!exp.verdict().unwrap().holds);
    // No verdict while running.
    let exp = presets::find("incremental").unwrap().experiment();
    assert!(exp.verdict().is_none());
}
