//! Optimisers: one step of an update rule on the model's factors.

use crate::config::OptimizerConfig;
use crate::model::Model;
use crate::problem::Problem;

/// One update rule. `step` returns ℓ(W) at the point where the gradient was taken (before the update).
pub trait Optimizer {
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64;
}

/// Gradient descent: W_j ← W_j − η ∇_{W_j} ℓ(W_L⋯W_1) for every factor at once.
pub struct GradientDescent {
    pub lr: f64,
}

impl Optimizer for GradientDescent {
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64 {
        let loss = model.loss_and_gradients(problem);
        for (f, g) in model.factors.iter_mut().zip(&model.grads) {
            for (x, dx) in f.as_mut_slice().iter_mut().zip(g.as_slice()) {
                *x -= self.lr * dx;
            }
        }
        loss
    }
}

/// The optimiser a validated config asks for.
pub fn from_config(cfg: &OptimizerConfig) -> Box<dyn Optimizer> {
    match *cfg {
        OptimizerConfig::Gd { lr } => Box::new(GradientDescent { lr }),
    }
}
