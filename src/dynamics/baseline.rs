//! The convex baseline of Gunasekar et al.'s conjecture: the minimum nuclear-norm matrix consistent with the
//! observations (minimum trace over PSD matrices for the symmetric model).
//!
//! Solved by accelerated proximal gradient (FISTA, with adaptive restart) on h(W) + λ‖W‖_* with
//! λ-continuation towards 0, where h is the unnormalised data misfit (½Σ_Ω (W_ij − M_ij)², or
//! ½‖A vec W − y‖² for sensing) and the proximal map is singular-value soft-thresholding (eigenvalue
//! thresholding onto the PSD cone for the trace).

use crate::config::{Config, ProblemConfig};
use crate::dynamics::metrics;
use crate::dynamics::problem::{Observation, Problem};
use crate::dynamics::sampling::Sampler;
use crate::kernel;
use nalgebra::{DMatrix, DVector, DVectorView};
use serde::{Deserialize, Serialize};

/// λ shrinks by this factor between stages.
const CONTINUATION: f64 = 0.5;
/// Final λ relative to the first.
const LAMBDA_FLOOR: f64 = 1e-9;
const MAX_STAGE_ITERATIONS: usize = 5000;
/// Cap on all iterations (each costs one SVD or eigendecomposition).
pub const MAX_ITERATIONS: usize = 20_000;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    pub nuclear_norm: f64,
    pub singular_values: Vec<f64>,
    #[serde(rename = "W")]
    pub w: Vec<Vec<f64>>,
    /// Root-mean-square misfit on the observations (≈ 0: the solution interpolates).
    pub residual: f64,
    pub iterations: usize,
    /// Whether the PSD (minimum-trace) form was solved.
    pub psd: bool,
}

/// What fixes an experiment's baseline: its first run's problem and seed (the problem is drawn from the seed
/// before anything else) and the form solved. Runs that differ only in model, optimiser or length share it, so
/// a page can solve it once for all of them (e.g. while α is dragged).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BaselineKey {
    pub problem: ProblemConfig,
    pub seed: u64,
    pub psd: bool,
}

impl BaselineKey {
    pub fn of(config: &Config, psd: bool) -> BaselineKey {
        BaselineKey { problem: config.problem.clone(), seed: config.seed, psd }
    }

    /// A validated config with this problem and seed (defaults elsewhere); Err names the bad field.
    pub fn config(&self) -> Result<Config, String> {
        let json = serde_json::json!({ "seed": self.seed, "problem": self.problem }).to_string();
        Config::from_json(&json).map_err(|e| e.to_string())
    }

    /// The solver for this key's problem (None for full observation), drawn as [`crate::experiment::Run`] draws it.
    pub fn solver(&self, config: &Config) -> Option<BaselineSolver> {
        let problem = Problem::from_config(config, &mut Sampler::new(config.seed));
        BaselineSolver::new(&problem, self.psd)
    }
}

/// Incremental solver: call [`BaselineSolver::iterate`] until it returns true (lets a page spread the work
/// over frames).
pub struct BaselineSolver {
    problem: Problem,
    psd: bool,
    step: f64,
    w: DMatrix<f64>,
    y: DMatrix<f64>,
    t: f64,
    lambda: f64,
    lambda_min: f64,
    stage_iterations: usize,
    iterations: usize,
    done: bool,
}

impl BaselineSolver {
    /// None for full observation (the baseline is M itself).
    pub fn new(problem: &Problem, psd: bool) -> Option<Self> {
        let (m, n) = (problem.rows, problem.cols);
        let lipschitz = match &problem.observation {
            Observation::Full { .. } => return None,
            Observation::Entries { .. } => 1.0,
            Observation::Sensing { a, .. } => spectral_norm_squared(a),
        };
        let zero = DMatrix::zeros(m, n);
        let g0 = misfit_gradient(problem, &zero);
        let problem = problem.clone();
        let lambda0 = kernel::linalg::singular_values(g0.clone()).max().max(1e-12);
        Some(Self {
            problem,
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

    /// Runs up to `k` iterations; true once converged at the final λ.
    pub fn iterate(&mut self, k: usize) -> bool {
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
                if self.lambda <= self.lambda_min || self.iterations >= MAX_ITERATIONS {
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

    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn result(&self) -> Baseline {
        let sv = metrics::singular_values(&self.w);
        let count = match &self.problem.observation {
            Observation::Entries { values, .. } => values.len(),
            Observation::Sensing { y, .. } => y.len(),
            Observation::Full { .. } => self.w.len(),
        };
        Baseline {
            nuclear_norm: metrics::nuclear_norm(&sv),
            singular_values: sv,
            w: self.w.row_iter().map(|r| r.iter().copied().collect()).collect(),
            residual: (2.0 * misfit(&self.problem, &self.w) / count as f64).sqrt(),
            iterations: self.iterations,
            psd: self.psd,
        }
    }
}

/// Solves to the end.
pub fn min_nuclear_norm(problem: &Problem, psd: bool) -> Option<Baseline> {
    let mut solver = BaselineSolver::new(problem, psd)?;
    while !solver.iterate(1000) {}
    Some(solver.result())
}

/// h(W): ½Σ_Ω (W_ij − v_ij)² or ½‖A vec W − y‖².
fn misfit(problem: &Problem, w: &DMatrix<f64>) -> f64 {
    match &problem.observation {
        Observation::Full { target } => 0.5 * (w - target).norm_squared(),
        Observation::Entries { rows, cols, values, .. } => {
            0.5 * rows.iter().zip(cols).zip(values).map(|((&i, &j), &v)| (w[(i, j)] - v).powi(2)).sum::<f64>()
        }
        Observation::Sensing { a, y } => 0.5 * (a * DVectorView::from_slice(w.as_slice(), w.len()) - y).norm_squared(),
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
