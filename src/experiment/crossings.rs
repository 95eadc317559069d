//! Exact learning events: for each target singular value s_k and each fraction f in [`FRACTIONS`], the first
//! step t at which σ_k(W(t)) > f·s_k ("σ_k learned" is f = ½). Checked every [`interval`] steps (the run's base
//! recording interval, never the thinned one, capped at [`MAX_INTERVAL`]); when a check finds a new crossing, the
//! stretch since the last check is replayed one step at a time from a copy of the model and optimiser taken there,
//! so the step is exact — the same however long the run and however its steps are sliced.

use crate::dynamics::metrics;
use crate::dynamics::model::Model;
use crate::dynamics::optim::Optimizer;
use crate::dynamics::problem::Problem;

/// Fractions of s_k whose crossings are recorded: the rise starts (10 %), is learned (50 %), ends (90 %).
pub const FRACTIONS: [f64; 3] = [0.1, 0.5, 0.9];
/// Index of "learned" (σ_k > s_k/2) in [`FRACTIONS`].
pub const LEARNED: usize = 1;
/// Longest stretch between two checks: a replay takes an SVD at each of its steps, so without a cap a run with a
/// long recording interval would replay (and decompose) up to `record_every` steps per crossing.
pub const MAX_INTERVAL: u64 = 512;

/// Steps between two checks for a run recording every `record_every` steps: min(record_every, [`MAX_INTERVAL`]),
/// at least 1. A check at a step where a sample is also due shares its SVD.
pub fn interval(record_every: u64) -> u64 {
    record_every.clamp(1, MAX_INTERVAL)
}

pub struct Crossings {
    targets: Vec<f64>,
    /// steps[k][j]: first step with σ_k > FRACTIONS[j]·s_k.
    steps: Vec<[Option<u64>; 3]>,
    /// W's singular values at the step σ_k was learned (j = [`LEARNED`]).
    values: Vec<Option<Vec<f64>>>,
    /// The state at the last check while some crossing is pending: (step, model, optimiser).
    checkpoint: Option<(u64, Model, Box<dyn Optimizer>)>,
    /// Steps replayed so far (each with an SVD): at most [`MAX_INTERVAL`] per crossing.
    replayed: u64,
}

impl Crossings {
    /// `targets`: the target's singular values, descending (empty: nothing to record).
    pub fn new(targets: Vec<f64>) -> Crossings {
        let steps = vec![[None; 3]; targets.len()];
        let values = vec![None; targets.len()];
        Crossings { targets, steps, values, checkpoint: None, replayed: 0 }
    }

    pub fn pending(&self) -> bool {
        self.steps.iter().any(|s| s.iter().any(Option::is_none))
    }

    /// Records the crossings that happened in (last check, `step`], given W's singular values at `step`.
    pub fn check(&mut self, step: u64, sv: &[f64], model: &Model, optimizer: &dyn Optimizer, problem: &Problem) {
        if !self.pending() {
            self.checkpoint = None;
            return;
        }
        let new: Vec<(usize, usize)> = self.pending_below(sv);
        if !new.is_empty() {
            match self.checkpoint.take() {
                Some((from, mut m, mut opt)) if step > from + 1 => {
                    // Replay from the checkpoint: the same steps, bit for bit.
                    let mut left = new;
                    for t in from + 1..=step {
                        opt.step(&mut m, problem);
                        self.replayed += 1;
                        let s = if t == step { sv.to_vec() } else { metrics::singular_values(&m.product()) };
                        left.retain(|&(k, j)| {
                            let crossed = s.get(k).is_some_and(|v| *v > FRACTIONS[j] * self.targets[k]);
                            if crossed {
                                self.record(k, j, t, &s);
                            }
                            !crossed
                        });
                        if left.is_empty() {
                            break;
                        }
                    }
                    for (k, j) in left {
                        self.record(k, j, step, sv);
                    }
                }
                _ => {
                    for (k, j) in new {
                        self.record(k, j, step, sv);
                    }
                }
            }
        }
        self.checkpoint = self.pending().then(|| (step, model.clone(), optimizer.boxed()));
    }

    fn record(&mut self, k: usize, j: usize, step: u64, sv: &[f64]) {
        self.steps[k][j] = Some(step);
        if j == LEARNED {
            self.values[k] = Some(sv.to_vec());
        }
    }

    /// Steps replayed so far to place crossings exactly.
    pub fn replayed(&self) -> u64 {
        self.replayed
    }

    /// W's singular values at the step σ_k was learned (None before).
    pub fn values_when_learned(&self, k: usize) -> Option<&[f64]> {
        self.values.get(k)?.as_deref()
    }

    /// Pending crossings that `sv` has passed.
    fn pending_below(&self, sv: &[f64]) -> Vec<(usize, usize)> {
        let mut out = vec![];
        for (k, s) in self.steps.iter().enumerate() {
            for j in 0..FRACTIONS.len() {
                if s[j].is_none() && sv.get(k).is_some_and(|v| *v > FRACTIONS[j] * self.targets[k]) {
                    out.push((k, j));
                }
            }
        }
        out
    }

    /// The step σ_k first exceeded FRACTIONS[j]·s_k, for every k.
    pub fn at(&self, j: usize) -> Vec<Option<u64>> {
        self.steps.iter().map(|s| s[j]).collect()
    }
}
