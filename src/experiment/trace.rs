//! Bounded history of metric samples: at most `capacity` samples however long the run; when full, every
//! other sample is dropped and the recording interval doubles, so memory stays flat and the samples stay
//! evenly spaced in steps.

use serde::Serialize;

/// Metrics of W at one step.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Sample {
    pub step: u64,
    /// ℓ(W).
    pub loss: f64,
    /// Singular values of W, descending.
    pub singular_values: Vec<f64>,
    pub nuclear_norm: f64,
    pub effective_rank: f64,
    /// Relative error on unobserved entries (see `Problem::test_error`); null without a ground truth.
    pub test_error: Option<f64>,
    /// max_j ‖W_{j+1}ᵀW_{j+1} − W_j W_jᵀ‖_F.
    pub balance: f64,
    /// ‖W_j‖_F for each factor, order W_1 … W_L.
    pub factor_norms: Vec<f64>,
    /// Smallest Hessian eigenvalue of the loss (when `hessian` is on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hessian_min: Option<f64>,
    /// Largest Hessian eigenvalue of the loss (when `hessian` is on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hessian_max: Option<f64>,
}

pub struct Trace {
    samples: Vec<Sample>,
    capacity: usize,
    interval: u64,
}

/// Default number of samples kept.
pub const DEFAULT_CAPACITY: usize = 2048;

impl Trace {
    /// `record_every` ≥ 1; `capacity` ≥ 2.
    pub fn new(record_every: u64, capacity: usize) -> Self {
        let capacity = capacity.max(2);
        Self { samples: Vec::with_capacity(capacity), capacity, interval: record_every.max(1) }
    }

    /// Whether a sample is due at `step` under the current (possibly doubled) interval.
    pub fn due(&self, step: u64) -> bool {
        step.is_multiple_of(self.interval)
    }

    pub fn push(&mut self, sample: Sample) {
        if self.samples.len() >= self.capacity {
            let mut i = 0;
            self.samples.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.interval *= 2;
            if !self.due(sample.step) {
                return;
            }
        }
        self.samples.push(sample);
    }

    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    pub fn interval(&self) -> u64 {
        self.interval
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn last(&self) -> Option<&Sample> {
        self.samples.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(step: u64) -> Sample {
        Sample {
            step,
            loss: 0.0,
            singular_values: vec![],
            nuclear_norm: 0.0,
            effective_rank: 0.0,
            test_error: None,
            balance: 0.0,
            factor_norms: vec![],
            hessian_min: None,
            hessian_max: None,
        }
    }

    #[test]
    fn stays_bounded_and_evenly_spaced() {
        let mut t = Trace::new(3, 16);
        for step in 0..100_000u64 {
            if t.due(step) {
                t.push(sample(step));
            }
            assert!(t.samples().len() <= 16);
        }
        let steps: Vec<u64> = t.samples().iter().map(|s| s.step).collect();
        assert_eq!(steps[0], 0);
        let gap = steps[1] - steps[0];
        assert!(steps.windows(2).all(|w| w[1] - w[0] == gap), "{steps:?}");
        assert_eq!(gap, t.interval());
        assert!(*steps.last().unwrap() + gap >= 100_000 - gap);
    }
}
