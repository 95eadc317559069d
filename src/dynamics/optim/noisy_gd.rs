//! Perturbed (noisy) gradient descent, Liu et al. (AISTATS 2021): the gradient is taken at a randomly
//! perturbed point, W_j ← W_j − η ∇_{W_j} L(W_1 + ξ_1, …, W_L + ξ_L), ξ_j with i.i.d. N(0, σ_{j,t}²) entries,
//! σ_{j,t} = σ_j / (1 + t/T). For W = XYᵀ this adds ½(m σ_X² ‖Y‖_F² + n σ_Y² ‖X‖_F²) to the expected loss, so
//! among the global minima the noise selects ‖X‖_F/‖Y‖_F = (σ_X/σ_Y)√(m/n).

use super::{descend, Optimizer};
use crate::dynamics::model::Model;
use crate::dynamics::problem::Problem;
use crate::dynamics::sampling::Sampler;
use nalgebra::DMatrix;

#[derive(Clone)]
pub struct NoisyGd {
    lr: f64,
    /// σ_j per factor, order W_1 … W_L.
    sigma: Vec<f64>,
    anneal_steps: Option<f64>,
    sampler: Sampler,
    saved: Vec<DMatrix<f64>>,
    t: u64,
}

impl NoisyGd {
    pub fn new(lr: f64, sigma: Vec<f64>, anneal_steps: Option<f64>, seed: u64) -> Self {
        Self { lr, sigma, anneal_steps, sampler: Sampler::new(seed), saved: vec![], t: 0 }
    }

    /// σ of factor j at step t.
    pub fn sigma_at(&self, j: usize, t: u64) -> f64 {
        self.sigma[j] / self.anneal_steps.map_or(1.0, |big_t| 1.0 + t as f64 / big_t)
    }
}

impl Optimizer for NoisyGd {
    fn boxed(&self) -> Box<dyn Optimizer> {
        Box::new(self.clone())
    }
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64 {
        if self.saved.len() != model.factors.len() {
            self.saved = model.factors.clone();
        }
        for j in 0..model.factors.len() {
            self.saved[j].copy_from(&model.factors[j]);
            let s = self.sigma_at(j, self.t);
            if s > 0.0 {
                for x in model.factors[j].as_mut_slice() {
                    *x += s * self.sampler.normal();
                }
            }
        }
        let loss = model.loss_and_gradients(problem);
        for (f, saved) in model.factors.iter_mut().zip(&self.saved) {
            f.copy_from(saved);
        }
        descend(model, self.lr);
        self.t += 1;
        loss
    }
}

/// Liu et al.'s selected balance ‖W_L‖/‖W₁‖ = (σ_L/σ₁)·√(m/n) for noisy GD, where it is derived: depth 2, full
/// observation, nonzero noise; None elsewhere (and for other optimisers).
pub fn predicted_balance(config: &crate::config::Config) -> Option<f64> {
    use crate::config::{OptimizerConfig, ProblemKind};
    let OptimizerConfig::NoisyGd { noise, .. } = &config.optimizer else { return None };
    if config.model.depth != 2 || config.model.symmetric || config.problem.kind != ProblemKind::Full {
        return None;
    }
    let (rows, cols) = config.dims();
    let noise_ratio = if noise.len() > 1 { noise[noise.len() - 1] / noise[0] } else { 1.0 };
    (noise_ratio.is_finite() && noise_ratio > 0.0).then(|| noise_ratio * (rows as f64 / cols as f64).sqrt())
}
