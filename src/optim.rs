//! Optimisers: one step of an update rule on the model's factors. Observers (metrics, trace) watch the run
//! from outside; an optimiser only knows the model and the problem.

use crate::config::{Config, OptimizerConfig};
use crate::glrl::{Glrl, Phase};
use crate::model::Model;
use crate::noisy_gd::NoisyGd;
use crate::problem::Problem;

/// One update rule.
pub trait Optimizer {
    /// Called once before the first step (GLRL resets the model to its first greedy phase here).
    fn prepare(&mut self, _model: &mut Model, _problem: &Problem) {}
    /// One step; returns ℓ(W) at the point where the gradient was taken.
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64;
    /// Why the method stopped by itself (GLRL's stopping rule), once it has.
    fn stopped(&self) -> Option<&str> {
        None
    }
    /// GLRL's greedy phases so far (empty for other methods).
    fn phases(&self) -> &[Phase] {
        &[]
    }
}

/// Gradient descent: W_j ← W_j − η ∇_{W_j} ℓ(W_L⋯W_1) for every factor at once.
pub struct GradientDescent {
    pub lr: f64,
}

impl Optimizer for GradientDescent {
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64 {
        let loss = model.loss_and_gradients(problem);
        descend(model, self.lr);
        loss
    }
}

/// W_j ← W_j − η·grads_j for every factor.
pub fn descend(model: &mut Model, lr: f64) {
    for (f, g) in model.factors.iter_mut().zip(&model.grads) {
        for (x, dx) in f.as_mut_slice().iter_mut().zip(g.as_slice()) {
            *x -= lr * dx;
        }
    }
}

/// The optimiser a validated config asks for.
pub fn from_config(cfg: &Config) -> Box<dyn Optimizer> {
    match &cfg.optimizer {
        OptimizerConfig::Gd { lr } => Box::new(GradientDescent { lr: *lr }),
        OptimizerConfig::NoisyGd { lr, noise, anneal_steps } => {
            let factors = if cfg.model.symmetric { 1 } else { cfg.model.depth };
            let sigma = if noise.len() == 1 { vec![noise[0]; factors] } else { noise.clone() };
            // A stream of its own, so the problem and the initialisation match plain GD with the same seed.
            Box::new(NoisyGd::new(*lr, sigma, *anneal_steps, cfg.seed ^ 0x9E37_79B9_7F4A_7C15))
        }
        OptimizerConfig::Glrl { lr, epsilon, tolerance, max_phase_steps } => {
            Box::new(Glrl::new(*lr, *epsilon, *tolerance, *max_phase_steps, cfg.model.symmetric))
        }
    }
}
