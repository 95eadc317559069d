//! The convex baseline of Gunasekar et al.'s conjecture: the minimum nuclear-norm matrix consistent with the
//! observations (minimum trace over PSD matrices for the symmetric model).
//!
//! The minimum nuclear norm of observed entries (p ≤ [`BARRIER_MAX_OBSERVED`]) is solved as a semidefinite
//! program by a barrier method ([`barrier`]): interpolating to rounding, optimal to a relative duality gap of
//! 1e-9 (1e-6 at worst). Sensing, the minimum trace (its primal has no interior once an observed principal block
//! is singular), larger completions and any program the barrier cannot finish use accelerated proximal gradient
//! with λ-continuation ([`proximal`]).

mod barrier;
mod proximal;

use crate::config::{Config, ProblemConfig};
use crate::dynamics::metrics;
use crate::dynamics::problem::{Observation, Problem};
use crate::dynamics::sampling::Sampler;
use barrier::{Barrier, Status};
use nalgebra::{DMatrix, DVectorView};
use proximal::Proximal;
use serde::{Deserialize, Serialize};

/// Cap on the proximal method's iterations (each costs one SVD or eigendecomposition).
pub const MAX_ITERATIONS: usize = 20_000;
/// Most observed entries solved by the barrier method: its Newton step factorises a p×p matrix (p³/3 flops).
pub const BARRIER_MAX_OBSERVED: usize = 1000;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    pub nuclear_norm: f64,
    pub singular_values: Vec<f64>,
    #[serde(rename = "W")]
    pub w: Vec<Vec<f64>>,
    /// Root-mean-square misfit on the observations (≈ 0: the solution interpolates).
    pub residual: f64,
    /// Barrier Newton steps, plus proximal iterations when the proximal method solved it.
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
    method: Method,
    /// Work granted by `iterate` and not yet spent, in SVDs of W.
    credit: usize,
    /// A barrier Newton step's cost in SVDs of W (≥ 1; 1 for the proximal method).
    step_cost: usize,
    barrier_steps: usize,
}

enum Method {
    Barrier(Barrier),
    Proximal(Proximal),
}

impl BaselineSolver {
    /// None for full observation (the baseline is M itself).
    pub fn new(problem: &Problem, psd: bool) -> Option<Self> {
        let (m, n) = (problem.rows, problem.cols);
        let (method, step_cost) = match &problem.observation {
            Observation::Full { .. } => return None,
            Observation::Entries { rows, cols, values, .. } if !psd && values.len() <= BARRIER_MAX_OBSERVED => {
                (Method::Barrier(Barrier::new(m, n, (rows, cols, values))), newton_cost(m, n, values.len()))
            }
            _ => (Method::Proximal(Proximal::new(problem, psd)?), 1),
        };
        Some(Self { problem: problem.clone(), psd, method, credit: 0, step_cost, barrier_steps: 0 })
    }

    /// Runs up to `k` units of work, each about one SVD of W (a proximal iteration; a barrier Newton step
    /// costs `newton_cost` units and runs once they have accumulated); true once solved.
    pub fn iterate(&mut self, k: usize) -> bool {
        self.credit += k;
        loop {
            match &mut self.method {
                Method::Proximal(p) => {
                    p.iterate(self.credit, MAX_ITERATIONS);
                    self.credit = 0;
                    return p.is_done();
                }
                Method::Barrier(b) => match b.status {
                    Status::Solved => {
                        self.credit = 0;
                        return true;
                    }
                    Status::Failed => {
                        self.barrier_steps = b.steps;
                        self.method = Method::Proximal(Proximal::new(&self.problem, self.psd).expect("observed"));
                    }
                    Status::Running if self.credit >= self.step_cost => {
                        b.step();
                        self.credit -= self.step_cost;
                    }
                    Status::Running => return false,
                },
            }
        }
    }

    pub fn is_done(&self) -> bool {
        match &self.method {
            Method::Barrier(b) => matches!(b.status, Status::Solved),
            Method::Proximal(p) => p.is_done(),
        }
    }

    /// The baseline (the current iterate until [`Self::is_done`]).
    pub fn result(&self) -> Baseline {
        let (w, iterations) = match &self.method {
            Method::Barrier(b) => {
                (b.solution().cloned().unwrap_or_else(|| DMatrix::zeros(self.problem.rows, self.problem.cols)), b.steps)
            }
            Method::Proximal(p) => (p.solution().clone(), self.barrier_steps + p.iterations),
        };
        let sv = metrics::singular_values(&w);
        let count = match &self.problem.observation {
            Observation::Entries { values, .. } => values.len(),
            Observation::Sensing { y, .. } => y.len(),
            Observation::Full { .. } => w.len(),
        };
        Baseline {
            nuclear_norm: metrics::nuclear_norm(&sv),
            singular_values: sv,
            residual: (2.0 * misfit(&self.problem, &w) / count as f64).sqrt(),
            w: w.row_iter().map(|r| r.iter().copied().collect()).collect(),
            iterations,
            psd: self.psd,
        }
    }
}

/// A barrier Newton step's work in SVDs of the m×n W: (p³/3 + 3N³) flops (factorising H and S, inverting S;
/// N = m + n) over 20·m·n·min(m, n) (one SVD with U and V), at least 1.
fn newton_cost(m: usize, n: usize, observed: usize) -> usize {
    let dim = (m + n) as f64;
    let flops = (observed as f64).powi(3) / 3.0 + 3.0 * dim.powi(3);
    let svd = 20.0 * (m * n * m.min(n)).max(1) as f64;
    (flops / svd).ceil().max(1.0) as usize
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
