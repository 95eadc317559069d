//! Greedy Low-Rank Learning (Li, Luo & Lyu, ICLR 2021).
//!
//! Symmetric form: W_0 = 0; for r = 1, 2, …: (λ, u) = top eigenpair of −½(∇ℓ + ∇ℓᵀ)(W_{r−1}); stop if
//! λ ≤ tolerance; else U ← [U, √ε u] and run GD on ℓ(U Uᵀ) to convergence, W_r = U Uᵀ.
//! Asymmetric form (W = W₂W₁): the top singular pair (σ, u, v) of −∇ℓ(W_{r−1}); append √ε u as a column of
//! W₂ and √ε vᵀ as a row of W₁.

use super::{descend, Optimizer, Phase, Stop};
use crate::dynamics::model::Model;
use crate::dynamics::problem::Problem;
use crate::kernel;
use nalgebra::{DMatrix, DVector};

#[derive(Clone)]
pub struct Glrl {
    lr: f64,
    epsilon: f64,
    tolerance: f64,
    max_phase_steps: u64,
    symmetric: bool,
    phases: Vec<Phase>,
    t: u64,
    phase_steps: u64,
    stopped: Option<Stop>,
}

impl Glrl {
    pub fn new(lr: f64, epsilon: f64, tolerance: f64, max_phase_steps: u64, symmetric: bool) -> Self {
        Self { lr, epsilon, tolerance, max_phase_steps, symmetric, phases: vec![], t: 0, phase_steps: 0, stopped: None }
    }

    /// Starts the next phase from the current W, or stops when the top value is ≤ tolerance.
    fn grow(&mut self, model: &mut Model, problem: &Problem) {
        let (m, n) = model.target_shape();
        let w = if self.phases.is_empty() { DMatrix::zeros(m, n) } else { model.product() };
        let mut g = DMatrix::zeros(m, n);
        problem.loss_and_gradient(&w, &mut g);
        let (value, u, v) = top_direction(&g, self.symmetric);
        if value.is_nan() || value <= self.tolerance {
            let k = self.phases.len();
            self.stopped = Some(Stop {
                message: format!(
                    "GLRL converged after {k} phase{}: the top {} of −∇ℓ(W) is {value:.3e} ≤ tolerance {:.1e}",
                    if k == 1 { "" } else { "s" },
                    if self.symmetric { "eigenvalue" } else { "singular value" },
                    self.tolerance
                ),
                converged: true,
            });
            if self.phases.is_empty() {
                // Nothing to learn: W stays 0.
                let zero = if self.symmetric {
                    vec![DMatrix::zeros(m, 1)]
                } else {
                    vec![DMatrix::zeros(1, n), DMatrix::zeros(m, 1)]
                };
                *model = Model::new(zero, self.symmetric, m, n);
            }
            return;
        }
        let s = self.epsilon.sqrt();
        let factors = if self.phases.is_empty() {
            let col = |x: &DVector<f64>| DMatrix::from_column_slice(x.len(), 1, x.as_slice()) * s;
            if self.symmetric {
                vec![col(&u)]
            } else {
                vec![col(&v).transpose(), col(&u)]
            }
        } else if self.symmetric {
            let uu = &model.factors[0];
            vec![append_column(uu, &(u * s))]
        } else {
            let w1t = model.factors[0].transpose();
            vec![append_column(&w1t, &(v * s)).transpose(), append_column(&model.factors[1], &(u * s))]
        };
        let rank = self.phases.len() + 1;
        *model = Model::new(factors, self.symmetric, m, n);
        self.phases.push(Phase {
            step: self.t,
            rank,
            top_value: value,
            end_step: None,
            converged: false,
            output: None,
        });
        self.phase_steps = 0;
    }

    fn end_phase(&mut self, model: &Model, converged: bool) {
        if let Some(p) = self.phases.last_mut() {
            p.end_step = Some(self.t);
            p.converged = converged;
            p.output = Some(model.product());
        }
    }
}

impl Optimizer for Glrl {
    fn boxed(&self) -> Box<dyn Optimizer> {
        Box::new(self.clone())
    }
    fn prepare(&mut self, model: &mut Model, problem: &Problem) {
        self.grow(model, problem);
    }

    fn step(&mut self, model: &mut Model, problem: &Problem) -> f64 {
        if self.stopped.is_some() {
            return problem.loss(&model.product());
        }
        let loss = model.loss_and_gradients(problem);
        let grad_norm = model.grads.iter().map(|g| g.norm_squared()).sum::<f64>().sqrt();
        // A fresh direction starts with ‖∇L‖ ≈ 2λ√ε > 2·tolerance·√ε, so this cannot end a phase at its start.
        let converged = grad_norm <= 0.1 * self.tolerance * self.epsilon.sqrt();
        if converged || self.phase_steps >= self.max_phase_steps {
            self.end_phase(model, converged);
            self.grow(model, problem);
            if self.stopped.is_some() {
                return loss;
            }
            model.loss_and_gradients(problem);
        }
        descend(model, self.lr);
        self.t += 1;
        self.phase_steps += 1;
        loss
    }

    fn stopped(&self) -> Option<&Stop> {
        self.stopped.as_ref()
    }

    fn phases(&self) -> &[Phase] {
        &self.phases
    }
}

fn append_column(a: &DMatrix<f64>, c: &DVector<f64>) -> DMatrix<f64> {
    let k = a.ncols();
    let mut out = a.clone().insert_column(k, 0.0);
    out.set_column(k, c);
    out
}

/// Top eigenpair of −½(G + Gᵀ) (symmetric) or top singular triple of −G: (value, u, v).
pub fn top_direction(g: &DMatrix<f64>, symmetric: bool) -> (f64, DVector<f64>, DVector<f64>) {
    if symmetric {
        let sym = -(g + g.transpose()) * 0.5;
        let eig = kernel::linalg::symmetric_eigen(sym);
        let i = eig.eigenvalues.imax();
        let u = eig.eigenvectors.column(i).into_owned();
        (eig.eigenvalues[i], u.clone(), u)
    } else {
        let svd = kernel::linalg::svd(-g);
        let i = svd.singular_values.imax();
        let u = svd.u.as_ref().expect("u requested").column(i).into_owned();
        let v = svd.v_t.as_ref().expect("v requested").row(i).transpose().into_owned();
        (svd.singular_values[i], u, v)
    }
}
