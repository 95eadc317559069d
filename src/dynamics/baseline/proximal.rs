//! Accelerated proximal gradient (FISTA, with adaptive restart) on h(W) + λ‖W‖_* with λ-continuation towards 0,
//! where h is the unnormalised data misfit (½Σ_Ω (W_ij − M_ij)², or ½‖A vec W − y‖² for sensing) and the proximal
//! map is singular-value soft-thresholding (eigenvalue thresholding onto the PSD cone for the trace). Each
//! iteration costs one SVD (or eigendecomposition) of W; the solution interpolates only in the limit λ → 0.

use crate::dynamics::problem::{Observation, Problem};
use crate::kernel;
use nalgebra::{DMatrix, DVector, DVectorView};

/// λ shrinks by this factor between stages.
const CONTINUATION: f64 = 0.5;
/// Final λ relative to the first.
const LAMBDA_FLOOR: f64 = 1e-9;
const MAX_STAGE_ITERATIONS: usize = 5000;

pub(super) struct Proximal {
    problem: Problem,
    psd: bool,
    step: f64,
    w: DMatrix<f64>,
    y: DMatrix<f64>,
    t: f64,
    lambda: f64,
    lambda_min: f64,
    stage_iterations: usize,
    pub(super) iterations: usize,
    done: bool,
}

impl Proximal {
    /// None for full observation (the baseline is M itself).
    pub(super) fn new(problem: &Problem, psd: bool) -> Option<Proximal> {
        let (m, n) = (problem.rows, problem.cols);
        let lipschitz = match &problem.observation {
            Observation::Full { .. } => return None,
            Observation::Entries { .. } => 1.0,
            Observation::Sensing { a, .. } => spectral_norm_squared(a),
        };
        let zero = DMatrix::zeros(m, n);
        let g0 = misfit_gradient(problem, &zero);
        let lambda0 = kernel::linalg::singular_values(g0).max().max(1e-12);
        Some(Proximal {
            problem: problem.clone(),
            psd,
            step: 1.0 / lipschitz,
            w: zero.clone(),
            y: zero,
            t: 1.0,
            lambda: lambda0 * CONTINUATION,
            lambda_min: lambda0 * LAMBDA_FLOOR,
            stage_iterations: 0,
            iterations: 0,
            done: false,
        })
    }

    /// Runs up to `k` iterations, stopping at `cap` in all; true once converged at the final λ (or at the cap).
    pub(super) fn iterate(&mut self, k: usize, cap: usize) -> bool {
        for _ in 0..k {
            if self.done {
                break;
            }
            let g = misfit_gradient(&self.problem, &self.y);
            let z = &self.y - g * self.step;
            let next = if self.psd {
                prox_trace_psd(&z, self.lambda * self.step)
            } else {
                prox_nuclear(&z, self.lambda * self.step)
            };
            let change = (&next - &self.w).norm();
            // Adaptive restart (O'Donoghue & Candès 2015): when the momentum points uphill,
            // ⟨y − next, next − w⟩ > 0, drop it and start the momentum sequence afresh.
            if (&self.y - &next).dot(&(&next - &self.w)) > 0.0 {
                self.t = 1.0;
            }
            let t_next = (1.0 + (1.0 + 4.0 * self.t * self.t).sqrt()) / 2.0;
            self.y = &next + (&next - &self.w) * ((self.t - 1.0) / t_next);
            self.w = next;
            self.t = t_next;
            self.iterations += 1;
            self.stage_iterations += 1;
            if change <= 1e-8 * self.w.norm().max(1.0) || self.stage_iterations >= MAX_STAGE_ITERATIONS {
                if self.lambda <= self.lambda_min || self.iterations >= cap {
                    self.done = true;
                } else {
                    self.lambda = (self.lambda * CONTINUATION).max(self.lambda_min);
                    self.stage_iterations = 0;
                    self.t = 1.0;
                    self.y = self.w.clone();
                }
            }
        }
        self.done
    }

    pub(super) fn is_done(&self) -> bool {
        self.done
    }

    pub(super) fn solution(&self) -> &DMatrix<f64> {
        &self.w
    }
}

/// ∇h(W).
fn misfit_gradient(problem: &Problem, w: &DMatrix<f64>) -> DMatrix<f64> {
    match &problem.observation {
        Observation::Full { target } => w - target,
        Observation::Entries { rows, cols, values, .. } => {
            let mut g = DMatrix::zeros(w.nrows(), w.ncols());
            for ((&i, &j), &v) in rows.iter().zip(cols).zip(values) {
                g[(i, j)] = w[(i, j)] - v;
            }
            g
        }
        Observation::Sensing { a, y } => {
            let r = a * DVectorView::from_slice(w.as_slice(), w.len()) - y;
            DMatrix::from_column_slice(w.nrows(), w.ncols(), (a.transpose() * r).as_slice())
        }
    }
}

/// argmin_X ½‖X − Z‖² + τ‖X‖_*: soft-threshold the singular values.
fn prox_nuclear(z: &DMatrix<f64>, tau: f64) -> DMatrix<f64> {
    let mut svd = kernel::linalg::svd(z.clone());
    svd.singular_values.apply(|s| *s = (*s - tau).max(0.0));
    kernel::linalg::recompose(svd).expect("u and v computed")
}

/// argmin_{X ⪰ 0} ½‖X − Z‖² + τ tr(X): threshold the eigenvalues of the symmetric part at τ.
fn prox_trace_psd(z: &DMatrix<f64>, tau: f64) -> DMatrix<f64> {
    let sym = (z + z.transpose()) * 0.5;
    let mut eig = kernel::linalg::symmetric_eigen(sym);
    eig.eigenvalues.apply(|l| *l = (*l - tau).max(0.0));
    eig.recompose()
}

/// ‖A‖₂² by power iteration on AᵀA.
fn spectral_norm_squared(a: &DMatrix<f64>) -> f64 {
    let mut v = DVector::from_element(a.ncols(), 1.0 / (a.ncols() as f64).sqrt());
    let mut est = 0.0;
    for _ in 0..200 {
        let w = a.transpose() * (a * &v);
        let norm = w.norm();
        if norm == 0.0 {
            return 1.0;
        }
        let converged = (norm - est).abs() <= 1e-10 * norm;
        est = norm;
        v = w / norm;
        if converged {
            break;
        }
    }
    est * 1.01
}
