//! Optimisers: one step of an update rule on the model's factors. Observers (metrics, trace) watch the run
//! from outside; an optimiser only knows the model and the problem.

pub mod gd;
pub mod glrl;
pub mod noisy_gd;

use crate::dynamics::model::Model;
use crate::dynamics::problem::Problem;
use nalgebra::DMatrix;
use serde::Serialize;

/// A stretch of a run that an optimiser itself delimits (GLRL: one greedy phase, started along a new
/// direction and ended when the gradient vanishes).
#[derive(Clone, Debug, Serialize)]
pub struct Phase {
    /// Global step at which the phase started.
    pub step: u64,
    /// Rank of W during the phase.
    pub rank: usize,
    /// The value that started it (GLRL: top eigen/singular value of −∇ℓ(W_{r−1})).
    pub top_value: f64,
    /// Step at which the phase ended, once it has.
    pub end_step: Option<u64>,
    /// Whether the phase converged (false: stopped by a step cap or by the end of the run).
    pub converged: bool,
    /// W at the end of the phase (set when the phase ends).
    #[serde(skip)]
    pub output: Option<DMatrix<f64>>,
}

/// One update rule (`Send + Sync`, so that runs and experiments can be shared across threads).
pub trait Optimizer: Send + Sync {
    /// A copy in the same state (the same next step, the same random draws): runs replay a stretch from it.
    fn boxed(&self) -> Box<dyn Optimizer>;
    /// Called once before the first step (GLRL resets the model to its first greedy phase here).
    fn prepare(&mut self, _model: &mut Model, _problem: &Problem) {}
    /// One step; returns ℓ(W) at the point where the gradient was taken.
    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64;
    /// Why the method stopped by itself, once it has (`Ok`: it converged; `Err`: it gave up).
    fn stopped(&self) -> Option<&Stop> {
        None
    }
    /// The phases the method delimits itself so far (empty for methods without phases).
    fn phases(&self) -> &[Phase] {
        &[]
    }
}

/// How a method ended by itself before its step budget: a status line and whether it reached its goal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stop {
    /// One sentence, e.g. "GLRL converged after 3 phases: …".
    pub message: String,
    /// True when the method reached what it aims for (GLRL: no direction left to grow along).
    pub converged: bool,
}

/// W_j ← W_j − η·grads_j for every factor.
pub fn descend(model: &mut Model, lr: f64) {
    for (f, g) in model.factors.iter_mut().zip(&model.grads) {
        for (x, dx) in f.as_mut_slice().iter_mut().zip(g.as_slice()) {
            *x -= lr * dx;
        }
    }
}
