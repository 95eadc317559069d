//! Plain gradient descent.

use super::{descend, Optimizer};
use crate::dynamics::model::Model;
use crate::dynamics::problem::Problem;

/// Gradient descent: W_j ← W_j − η ∇_{W_j} ℓ(W_L⋯W_1) for every factor at once.
#[derive(Clone)]
pub struct GradientDescent {
    pub lr: f64,
}

impl Optimizer for GradientDescent {
    fn boxed(&self) -> Box<dyn Optimizer> {
        Box::new(self.clone())
    }
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64 {
        let loss = model.loss_and_gradients(problem);
        descend(model, self.lr);
        loss
    }
}
