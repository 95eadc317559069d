//! What a claim records while the runs step, attached to an experiment from outside (the experiment calls it
//! at every multiple of each run's `record_every` and at the run's end, whatever the caller's slicing).

use crate::experiment::run::Run;
use std::any::Any;

/// Watches the members of an experiment as they step (`Send + Sync`: a finished experiment can be shared across
/// threads).
pub trait Observer: Send + Sync {
    /// Member `i` at its current step (step 0 when attached, then every `record_every` steps and at its end).
    fn observe(&mut self, i: usize, run: &Run);
    /// For reading the observer back as its own type ([`crate::experiment::Experiment::observer`]).
    fn as_any(&self) -> &dyn Any;
}

/// A bounded record of one scalar against step, measured at multiples of `every` (which doubles, dropping
/// every other point, whenever [`PROBE_CAPACITY`] points are kept), so memory stays flat.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    pub points: Vec<(u64, f64)>,
    every: u64,
}

/// Most points a probe keeps.
pub const PROBE_CAPACITY: usize = 2048;

impl Probe {
    /// A probe sampling at multiples of `every` (≥ 1).
    pub fn new(every: u64) -> Probe {
        Probe { points: vec![], every: every.max(1) }
    }

    /// Records `value` at `step` when the step is due (always when `end`).
    pub fn record(&mut self, step: u64, value: f64, end: bool) {
        if !(step.is_multiple_of(self.every) || end) || self.points.last().is_some_and(|p| p.0 == step) {
            return;
        }
        if self.points.len() >= PROBE_CAPACITY {
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
        self.points.push((step, value));
    }
}
