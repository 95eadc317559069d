//! Saddle-to-saddle stages (Qian et al. 2023) read off a loss curve: a stage is a plateau, a stretch where
//! the loss stays within ±2% of its level for at least 30% more steps (flat on a log step axis), above the
//! converged floor. Detected from the loss and the singular values only — curvature cannot tell the stages
//! apart at depth ≥ 3, where the saddles are degenerate.

use crate::experiment::trace::Sample;
use serde::Serialize;

/// Relative band a plateau stays inside.
pub const FLAT_BAND: f64 = 0.02;
/// A plateau lasts from step a to at least `MIN_LOG_SPAN`·a.
pub const MIN_LOG_SPAN: f64 = 1.3;
/// Plateaus below this fraction of the initial loss are the converged floor, not stages.
pub const FLOOR: f64 = 1e-7;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plateau {
    pub start_step: u64,
    pub end_step: u64,
    /// Loss at the start of the plateau.
    pub loss: f64,
}

/// Plateaus of the loss curve, in order.
pub fn plateaus(samples: &[Sample]) -> Vec<Plateau> {
    let Some(first) = samples.first() else { return vec![] };
    let floor = FLOOR * first.loss;
    let pts: Vec<(u64, f64)> =
        samples.iter().filter(|s| s.step > 0 && s.loss.is_finite()).map(|s| (s.step, s.loss)).collect();
    let mut out = vec![];
    let mut i = 0;
    while i < pts.len() {
        let (a, level) = pts[i];
        let mut j = i;
        while j + 1 < pts.len() && (pts[j + 1].1 - level).abs() <= FLAT_BAND * level {
            j += 1;
        }
        let b = pts[j].0;
        if level > floor && j >= i + 2 && b as f64 >= MIN_LOG_SPAN * a as f64 {
            out.push(Plateau { start_step: a, end_step: b, loss: level });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}
