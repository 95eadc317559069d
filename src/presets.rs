//! Named experiments: a config plus what to look at.

use crate::config::Config;
use serde::Serialize;
use serde_json::json;

#[derive(Clone, Debug, Serialize)]
pub struct Preset {
    /// URL- and CLI-friendly identifier.
    pub name: &'static str,
    pub title: &'static str,
    /// Two to four sentences: what to look at and the number to expect.
    pub explanation: &'static str,
    pub config: Config,
}

/// Name of the preset the page opens with.
pub const DEFAULT: &str = "incremental";

/// All presets, the default first.
pub fn all() -> Vec<Preset> {
    let mk = |name, title, explanation, cfg: serde_json::Value| Preset {
        name,
        title,
        explanation,
        config: Config::from_json(&cfg.to_string()).unwrap_or_else(|e| panic!("preset {name} is invalid: {e}")),
    };
    vec![
        mk(
            "incremental",
            "Incremental learning: one singular value at a time",
            "A 30×30 rank-4 target (singular values 12, 6, 3, 1.5) is completed from 40% of its entries by a \
             depth-3 factorization started at α = 1e-3. The singular values of W leave the floor one at a time, \
             largest first (near steps 4k, 6k, 10k and 35k), each jump ending a plateau of the loss; the test error \
             on unseen entries reaches ≈ 0 only after the fourth.",
            json!({"seed": 1, "steps": 50000, "record_every": 20,
                   "problem": {"kind": "completion", "n": 30, "singular_values": [12.0, 6.0, 3.0, 1.5], "observed_fraction": 0.4},
                   "model": {"depth": 3, "init": "gaussian", "init_scale": 1e-3},
                   "optimizer": {"kind": "gd", "lr": 4.0}}),
        ),
        mk(
            "depth-2",
            "Same target, depth 2",
            "The incremental preset at depth 2 (W = W₂W₁). The singular values still arrive in order, but the \
             steps are softer: small directions grow alongside the large ones, so plateaus are shorter and less flat. \
             Compare the shape of the curves with the depth-3 preset.",
            json!({"seed": 1, "steps": 50000, "record_every": 20,
                   "problem": {"kind": "completion", "n": 30, "singular_values": [12.0, 6.0, 3.0, 1.5], "observed_fraction": 0.4},
                   "model": {"depth": 2, "init": "gaussian", "init_scale": 1e-3},
                   "optimizer": {"kind": "gd", "lr": 4.0}}),
        ),
        mk(
            "full-staircase",
            "Full observation: a staircase of plateaus",
            "Full observation of a target with singular values 10, 5, 2.5, 1.25 (ℓ = ½‖W − M‖²). With depth 4 and \
             α = 1e-2 the loss rests near ½Σ_{i>k} s_i² — 39.8, 3.9, 0.78, 0 — one plateau per learned value.",
            json!({"seed": 2, "steps": 40000, "record_every": 20,
                   "problem": {"kind": "full", "n": 20, "singular_values": [10.0, 5.0, 2.5, 1.25]},
                   "model": {"depth": 4, "init": "gaussian", "init_scale": 1e-2},
                   "optimizer": {"kind": "gd", "lr": 0.01}}),
        ),
        mk(
            "sensing",
            "Matrix sensing with Gaussian measurements",
            "A 20×20 target with singular values 12, 6, 3 is seen only through 240 random Gaussian measurements \
             ⟨A_k, W⟩: fewer than its 400 entries, more than its 111 degrees of freedom. Depth 3 from α = 1e-3 learns \
             the three values in turn (near steps 2k, 4k and 9.5k) and the recovery error ‖W − M‖/‖M‖ falls below 1e-6.",
            json!({"seed": 3, "steps": 20000, "record_every": 20,
                   "problem": {"kind": "sensing", "n": 20, "singular_values": [12.0, 6.0, 3.0], "measurements": 240},
                   "model": {"depth": 3, "init": "gaussian", "init_scale": 1e-3},
                   "optimizer": {"kind": "gd", "lr": 0.01}}),
        ),
        mk(
            "counterexample",
            "3×3 completion where GD avoids the minimum nuclear norm",
            "Observed: W₁₂ = W₁₃ = 1, W₂₃ = 0.1, diagonal unknown; symmetric model W = UUᵀ from α = 1e-4. The \
             minimum nuclear norm completion has trace 3.8, yet GD fits exactly and ends near 7.9, on its way to the \
             rank-1 completion (trace 10.2) as α shrinks.",
            json!({"seed": 1, "steps": 200000, "record_every": 50,
                   "problem": {"kind": "entries", "values": [[null, 1.0, 1.0], [1.0, null, 0.1], [1.0, 0.1, null]]},
                   "model": {"depth": 2, "symmetric": true, "init": "gaussian", "init_scale": 1e-4},
                   "optimizer": {"kind": "gd", "lr": 0.02}}),
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
