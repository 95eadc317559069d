//! Named experiments: a config plus what to look at.

use crate::config::Config;
use crate::experiment::{Claim, Experiment};
use serde::Serialize;
use serde_json::json;

#[derive(Clone, Debug, Serialize)]
pub struct Preset {
    /// URL- and CLI-friendly identifier.
    pub name: &'static str,
    pub title: &'static str,
    /// Two to four sentences: what to look at and the number to expect.
    pub explanation: &'static str,
    /// The runs shown side by side (one for most presets).
    pub runs: Vec<PresetRun>,
    /// The number the claim is checked by (shown live on the page, printed by the CLI).
    pub claim: Option<Claim>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PresetRun {
    pub label: String,
    /// Runs of one group share a colour and are aggregated together.
    pub group: String,
    pub config: Config,
}

impl Preset {
    /// The first run's config (what the page's form shows).
    pub fn config(&self) -> &Config {
        &self.runs[0].config
    }

    /// The preset re-seeded: the first run at `seed`, the others keeping their offsets from it (seeds of one
    /// depth stay distinct), so problem and initialisation change together. None when a seed would exceed
    /// the largest accepted one.
    pub fn at_seed(&self, seed: u64) -> Option<Preset> {
        let base = self.runs[0].config.seed;
        let mut p = self.clone();
        for r in &mut p.runs {
            let s = seed.checked_add(r.config.seed.checked_sub(base)?)?;
            if s > crate::config::MAX_SEED {
                return None;
            }
            r.config.seed = s;
        }
        Some(p)
    }

    pub fn experiment(&self) -> Experiment {
        Experiment::new(
            self.runs.iter().map(|r| (r.label.clone(), r.group.clone(), r.config.clone())).collect(),
            self.claim,
        )
    }
}

/// Name of the preset the page opens with.
pub const DEFAULT: &str = "incremental";

fn config(name: &str, cfg: &serde_json::Value) -> Config {
    Config::from_json(&cfg.to_string()).unwrap_or_else(|e| panic!("preset {name} is invalid: {e}"))
}

fn one(
    name: &'static str,
    title: &'static str,
    explanation: &'static str,
    claim: Option<Claim>,
    cfg: serde_json::Value,
) -> Preset {
    let config = config(name, &cfg);
    Preset {
        name,
        title,
        explanation,
        runs: vec![PresetRun { label: String::new(), group: String::new(), config }],
        claim,
    }
}

/// Several runs: (label, group, JSON patch applied to `base`).
fn many(
    name: &'static str,
    title: &'static str,
    explanation: &'static str,
    claim: Claim,
    base: serde_json::Value,
    variants: Vec<(String, String, serde_json::Value)>,
) -> Preset {
    let runs = variants
        .into_iter()
        .map(|(label, group, patch)| {
            let mut cfg = base.clone();
            merge(&mut cfg, &patch);
            PresetRun { label, group, config: config(name, &cfg) }
        })
        .collect();
    Preset { name, title, explanation, runs, claim: Some(claim) }
}

/// Recursive JSON merge: objects merge key by key, anything else replaces.
fn merge(base: &mut serde_json::Value, patch: &serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(serde_json::Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// All presets, the default first.
pub fn all() -> Vec<Preset> {
    let noisy = json!({"kind": "noisy_gd", "lr": 0.02, "noise": [0.05, 0.1], "anneal_steps": 20000});
    let incremental_problem =
        json!({"kind": "completion", "n": 30, "singular_values": [12.0, 6.0, 3.0, 1.5], "observed_fraction": 0.4});
    vec![
        one(
            "incremental",
            "Incremental learning: one singular value at a time",
            "A 30×30 rank-4 target (singular values 12, 6, 3, 1.5) is completed from 40% of its entries by a \
             depth-3 factorization started at α = 1e-3. The singular values of W leave the floor one at a time, \
             largest first (at steps 4.1k, 6.4k, 9.6k and 35k), each jump ending a plateau of the loss; the test error \
             on unseen entries reaches ≈ 0 only after the fourth.",
            Some(Claim::StageTimes),
            json!({"seed": 1, "steps": 50000, "record_every": 20, "problem": incremental_problem,
                   "model": {"depth": 3, "init": "gaussian", "init_scale": 1e-3},
                   "optimizer": {"kind": "gd", "lr": 4.0}}),
        ),
        many(
            "incremental-depth",
            "Incremental learning at depth 2, 3 and 4",
            "The incremental problem at depths 2, 3 and 4 (α = 1.8e-4, 1.8e-3, 1e-2). All three learn the four values \
             in order, but deeper models wait longer on each plateau and then jump more sharply: σ₁ is learned at \
             step 200 at depth 2, 2.3k at depth 3 and 3k at depth 4, and σ₄ at 1.1k, 19.6k and 38k (read-out below the chart).",
            Claim::StageTimes,
            json!({"seed": 1, "steps": 100000, "record_every": 50, "problem": incremental_problem,
                   "model": {"init": "gaussian"}, "optimizer": {"kind": "gd", "lr": 4.0}}),
            vec![
                ("L = 2".into(), "L = 2".into(), json!({"model": {"depth": 2, "init_scale": 1.8e-4}})),
                ("L = 3".into(), "L = 3".into(), json!({"model": {"depth": 3, "init_scale": 1.8e-3}})),
                ("L = 4".into(), "L = 4".into(), json!({"model": {"depth": 4, "init_scale": 1e-2}})),
            ],
        ),
        many(
            "glrl-equivalence",
            "Gradient descent ≡ Greedy Low-Rank Learning as α → 0",
            "A 10×10 PSD rank-3 target (eigenvalues 6, 3, 1.5), 70% observed, symmetric model W = UUᵀ. GLRL \
             (markers: its phases) adds one rank at a time and stops after exactly 3 phases. GD from α = 1e-2, 1e-4 \
             and 1e-6 follows GLRL's path ever more closely as α shrinks: its largest distance from that path falls \
             0.125, 0.061, 0.027 and its final distance to GLRL's output 9.4e-4, 7.1e-6, 2.9e-8 (relative; second \
             chart, log–log). Time is aligned at the step each run learns its first value.",
            Claim::GlrlDistance,
            json!({"seed": 1, "steps": 60000, "record_every": 20,
                   "problem": {"kind": "completion", "n": 10, "psd": true, "singular_values": [6.0, 3.0, 1.5], "observed_fraction": 0.7},
                   "model": {"depth": 2, "symmetric": true, "init": "gaussian"}, "optimizer": {"kind": "gd", "lr": 1.0}}),
            vec![
                ("GLRL".into(), "GLRL".into(), json!({"optimizer": {"kind": "glrl", "lr": 1.0, "epsilon": 1e-6, "tolerance": 1e-6}})),
                ("GD α = 1e-2".into(), "α = 1e-2".into(), json!({"model": {"init_scale": 1e-2}})),
                ("GD α = 1e-4".into(), "α = 1e-4".into(), json!({"model": {"init_scale": 1e-4}})),
                ("GD α = 1e-6".into(), "α = 1e-6".into(), json!({"model": {"init_scale": 1e-6}})),
            ],
        ),
        many(
            "counterexample",
            "3×3 completion where GD avoids the minimum nuclear norm",
            "Observed: W₁₂ = W₁₃ = 1, W₂₃ = 0.1, diagonal unknown; symmetric model W = UUᵀ, η = 0.02. Every run \
             fits exactly, yet the nuclear norm grows as α shrinks — 5.78, 8.05 and 9.76 for α = 1e-2, 1e-4, 1e-6 — \
             away from the convex minimum 3.8 and towards GLRL's output, the rank-1 completion (10.2). The nuclear-norm \
             conjecture fails.",
            Claim::NuclearNorm,
            json!({"seed": 1, "steps": 300000, "record_every": 100,
                   "problem": {"kind": "entries", "values": [[null, 1.0, 1.0], [1.0, null, 0.1], [1.0, 0.1, null]]},
                   "model": {"depth": 2, "symmetric": true, "init": "gaussian"}, "optimizer": {"kind": "gd", "lr": 0.02}}),
            vec![
                ("α = 1e-2".into(), "α = 1e-2".into(), json!({"model": {"init_scale": 1e-2}})),
                ("α = 1e-4".into(), "α = 1e-4".into(), json!({"model": {"init_scale": 1e-4}})),
                ("α = 1e-6".into(), "α = 1e-6".into(), json!({"model": {"init_scale": 1e-6}})),
                ("GLRL".into(), "GLRL".into(), json!({"optimizer": {"kind": "glrl", "lr": 0.1, "epsilon": 1e-6, "tolerance": 1e-6}})),
            ],
        ),
        many(
            "depth-alpha",
            "Depth weakens the dependence on α",
            "Full observation of σ = 1, 0.5 (λ₂/λ₁ = 0.5), balanced orthogonal start with W(0) = 1e-6 · orthogonal, \
             four seeds per depth. When σ₁ is learned, σ₂ has grown to ≈ α^(1−λ₂/λ₁) = 1e-3 at depth 2 but only \
             ≈ α(1−λ₂/λ₁)^(−N/(N−2)) = 8e-6 at depth 3 and 4e-6 at depth 4 (medians here: 1.27e-3, 5.9e-6, 2.3e-6). \
             With depth, small init really means one direction at a time; medians over seeds, since single seeds vary.",
            Claim::SecondAtFirst,
            json!({"steps": 16000, "record_every": 10, "problem": {"kind": "full", "n": 10, "singular_values": [1.0, 0.5]},
                   "model": {"init": "orthogonal"}, "optimizer": {"kind": "gd", "lr": 0.1}}),
            [(2usize, 1e-3f64), (3, 1e-2), (4, 10f64.powf(-1.5))]
                .iter()
                .flat_map(|&(depth, a)| {
                    (1..=4u64).map(move |seed| {
                        (format!("L = {depth}, seed {seed}"), format!("L = {depth}"), json!({"seed": seed, "model": {"depth": depth, "init_scale": a}}))
                    })
                })
                .collect(),
        ),
        many(
            "saddle-to-saddle",
            "Saddle-to-saddle: one stage per singular value",
            "Full observation of an 8×8 target with singular values 10, 5, 2.5, 1.25 (rank R = 4), depth 2 and \
             depth 4 from small init. Each run passes R = 4 plateaus — loss ½(sₖ₊₁² + … + s₄²) = 66.4, 16.4, 3.91, \
             0.79 — each a saddle escaped along one new direction. The Hessian's smallest eigenvalue on the plateaus is \
             −10, −5, −2.5, −1.25 (= −sₖ₊₁) at depth 2 but only −0.54 … −0.022 at depth 4: deep saddles are degenerate \
             (flat to second order), so stages are counted from the loss, not from curvature.",
            Claim::Stages,
            json!({"seed": 2, "steps": 30000, "record_every": 10, "hessian": true,
                   "problem": {"kind": "full", "n": 8, "singular_values": [10.0, 5.0, 2.5, 1.25]},
                   "model": {"init": "gaussian"}, "optimizer": {"kind": "gd", "lr": 0.01}}),
            vec![
                ("L = 2".into(), "L = 2".into(), json!({"model": {"depth": 2, "init_scale": 1e-8}})),
                ("L = 4".into(), "L = 4".into(), json!({"model": {"depth": 4, "init_scale": 3e-2}})),
            ],
        ),
        many(
            "noisy-gd",
            "Noisy GD selects the flat minimum, from either side",
            "W = W₂W₁ (10×10, rank-1 target s = 1), started imbalanced both ways: ‖W₂‖ ≫ ‖W₁‖ and ‖W₁‖ ≫ ‖W₂‖. \
             Noisy GD with noise 0.05 on W₁ and 0.1 on W₂ (annealed over T = 20k steps) drives ‖W₂‖/‖W₁‖ to \
             (0.1/0.05)·√(m/n) = 2 from both starts (1.98 and 1.98 here): the noise, not the start, picks the minimum. \
             Plain GD from the same starts keeps its imbalance (ratios 6.22 and 0.148; ‖W₂‖² − ‖W₁‖² = 23.6 and −29.7, conserved).",
            Claim::NormRatio,
            json!({"seed": 1, "steps": 200000, "record_every": 200,
                   "problem": {"kind": "full", "n": 10, "singular_values": [1.0]},
                   "model": {"depth": 2, "width": 10, "init": "gaussian", "init_scales": [0.01, 0.5]}}),
            vec![
                ("noisy GD from W₂ ≫ W₁".into(), "noisy GD from W₂ ≫ W₁".into(), json!({"optimizer": noisy})),
                ("noisy GD from W₁ ≫ W₂".into(), "noisy GD from W₁ ≫ W₂".into(), json!({"optimizer": noisy, "model": {"init_scales": [0.5, 0.01]}})),
                ("plain GD from W₂ ≫ W₁".into(), "plain GD from W₂ ≫ W₁".into(), json!({"optimizer": {"kind": "gd", "lr": 0.02}})),
                ("plain GD from W₁ ≫ W₂".into(), "plain GD from W₁ ≫ W₂".into(), json!({"optimizer": {"kind": "gd", "lr": 0.02}, "model": {"init_scales": [0.5, 0.01]}})),
            ],
        ),
        many(
            "norms-diverge",
            "Norms diverge while the rank falls",
            "2×2 completion with W₁₂ = W₂₁ = 1, W₂₂ = 0 observed (Razin & Cohen 2020): every completion has rank 2 and \
             the minimum nuclear norm one has W₁₁ = 0. GD from α·I at depth 2 and 3 instead drives |W₁₁| up without \
             bound (26.9 and 45 after 10⁶ steps, still growing) while σ₂/σ₁ → 0: the effective rank falls to 1 as every norm grows.",
            Claim::NormsDiverge,
            json!({"seed": 1, "steps": 1000000, "record_every": 500,
                   "problem": {"kind": "entries", "values": [[null, 1.0], [1.0, 0.0]]},
                   "model": {"init": "identity"}, "optimizer": {"kind": "gd", "lr": 0.01}}),
            vec![
                ("L = 2".into(), "L = 2".into(), json!({"model": {"depth": 2, "init_scale": 1e-3}})),
                ("L = 3".into(), "L = 3".into(), json!({"model": {"depth": 3, "init_scale": 1e-2}})),
            ],
        ),
        many(
            "escape-time",
            "Escape time: log(1/α) at depth 2, a power of 1/α deeper",
            "Full observation of a 10×10 rank-1 target (s = 1), η = 0.02, Gaussian init at four scales α per depth. \
             The step at which σ₁ is learned grows like log(1/α) at depth 2 (+116 steps per decade, predicted \
             ln 10/(ηs) = 115) but like α^−(L−2) deeper: slope −1.02 at depth 3 and −1.99 at depth 4 on log–log \
             axes (predicted −1, −2). Small init costs little at depth 2 and a great deal at depth 4.",
            Claim::EscapeTime,
            json!({"seed": 1, "steps": 6000, "record_every": 10,
                   "problem": {"kind": "full", "n": 10, "singular_values": [1.0]},
                   "model": {"init": "gaussian"}, "optimizer": {"kind": "gd", "lr": 0.02}}),
            [(2usize, [1e-2f64, 1e-3, 1e-4, 1e-5]), (3, [0.04, 0.02, 0.01, 0.005]), (4, [0.1, 0.07, 0.05, 0.035])]
                .iter()
                .flat_map(|&(depth, alphas)| {
                    alphas.into_iter().map(move |a| {
                        (
                            format!("L = {depth}, α = {}", crate::notation::short(a)),
                            format!("L = {depth}"),
                            json!({"model": {"depth": depth, "init_scale": a}}),
                        )
                    })
                })
                .collect(),
        ),
        one(
            "tied-spectrum",
            "Tied singular values are learned together",
            "Full observation of a 10×10 target with singular values 3, 3, 1 — the top value tied — depth 2 from \
             α = 1e-4, η = 0.01. σ₁ and σ₂ leave the floor together (steps 300 and 330) and σ₃ follows much later \
             (855): GD learns the whole tied plane in one stage, so there are two stages for three values. GLRL \
             assumes a simple top value: here its first phase would pick an arbitrary direction of the tied plane \
             and stop at a rank-1 point that GD never visits.",
            Some(Claim::StageTimes),
            json!({"seed": 1, "steps": 3000, "record_every": 5,
                   "problem": {"kind": "full", "n": 10, "singular_values": [3.0, 3.0, 1.0]},
                   "model": {"depth": 2, "init": "gaussian", "init_scale": 1e-4},
                   "optimizer": {"kind": "gd", "lr": 0.01}}),
        ),
        one(
            "full-staircase",
            "Full observation: a staircase of plateaus",
            "Full observation of a target with singular values 10, 5, 2.5, 1.25 (ℓ = ½‖W − M‖²). With depth 4 and \
             α = 1e-2 the loss rests near ½(sₖ₊₁² + … + s₄²) — 66.4, 16.4, 3.91, 0.79 — one plateau per learned value, then falls to 0.",
            Some(Claim::Stages),
            json!({"seed": 2, "steps": 40000, "record_every": 20,
                   "problem": {"kind": "full", "n": 20, "singular_values": [10.0, 5.0, 2.5, 1.25]},
                   "model": {"depth": 4, "init": "gaussian", "init_scale": 1e-2},
                   "optimizer": {"kind": "gd", "lr": 0.01}}),
        ),
        one(
            "sensing",
            "Matrix sensing with Gaussian measurements",
            "A 20×20 target with singular values 12, 6, 3 is seen only through 240 random Gaussian measurements \
             ⟨Aₖ, W⟩: fewer than its 400 entries, more than its 111 degrees of freedom. Depth 3 from α = 1e-3 learns \
             the three values in turn (at steps 1.9k, 4.3k and 9.5k) and the recovery error ‖W − M‖/‖M‖ falls below 1e-6.",
            Some(Claim::StageTimes),
            json!({"seed": 3, "steps": 20000, "record_every": 20,
                   "problem": {"kind": "sensing", "n": 20, "singular_values": [12.0, 6.0, 3.0], "measurements": 240},
                   "model": {"depth": 3, "init": "gaussian", "init_scale": 1e-3},
                   "optimizer": {"kind": "gd", "lr": 0.01}}),
        ),
    ]
}

/// The preset called `name`, if any.
pub fn find(name: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.name == name)
}

/// Comma-separated list of preset names, for messages.
pub fn names() -> String {
    all().iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}
