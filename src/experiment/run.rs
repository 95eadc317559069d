//! A run: one problem, one model, one optimiser, stepped on demand, watched by the bounded trace.

use crate::config::Config;
use crate::config::OptimizerConfig;
use crate::dynamics::aligned::{self, Aligned};
use crate::dynamics::landscape;
use crate::dynamics::metrics;
use crate::dynamics::model::Model;
use crate::dynamics::optim::gd::GradientDescent;
use crate::dynamics::optim::glrl::Glrl;
use crate::dynamics::optim::noisy_gd::NoisyGd;
use crate::dynamics::optim::{Optimizer, Phase, Stop};
use crate::dynamics::problem::Problem;
use crate::dynamics::sampling::Sampler;
use crate::experiment::crossings::{self, Crossings, LEARNED};
use crate::experiment::snapshots::{self, Snapshots};
use crate::experiment::trace::{Sample, Trace, DEFAULT_CAPACITY};
use nalgebra::DMatrix;

/// Factor by which the loss may exceed its starting value before the run is declared divergent.
pub const DIVERGENCE_GROWTH: f64 = 1e6;

/// Points per axis kind (log and linear steps) at which an aligned run's theory is recorded.
const THEORY_POINTS: usize = 300;

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Running,
    /// All `config.steps` steps are done, or the method stopped by itself (see [`Run::stop_reason`]).
    Finished,
    /// The loss became NaN/∞ or grew by [`DIVERGENCE_GROWTH`]; the message says what to change.
    Diverged(String),
}

pub struct Run {
    pub config: Config,
    pub problem: Problem,
    pub model: Model,
    optimizer: Box<dyn Optimizer>,
    pub trace: Trace,
    /// W at log-spaced steps (the page's time slider).
    pub snapshots: Snapshots,
    /// Exact steps at which σ_k(W) crosses fractions of the target's s_k (see [`Crossings`]).
    pub crossings: Crossings,
    /// The exact per-mode trajectory, where the run is one the aligned recursion describes (see
    /// [`aligned`]).
    pub theory: Option<Aligned>,
    step: u64,
    initial_loss: f64,
    last_loss: f64,
    status: Status,
    stop: Option<Stop>,
}

impl Run {
    /// Starts a run from a validated config (see [`Config::from_json`]). Problem and initialisation both
    /// come from `config.seed`, so equal configs give identical trajectories.
    pub fn new(config: Config) -> Run {
        let mut sampler = Sampler::new(config.seed);
        let problem = Problem::from_config(&config, &mut sampler);
        let mut model = Model::from_config(&config, &mut sampler);
        let mut optimizer = optimizer_for(&config);
        optimizer.prepare(&mut model, &problem);
        let trace = Trace::new(config.record_every, DEFAULT_CAPACITY);
        let snapshots = Snapshots::new(snapshots::MAX_PER_RUN, config.steps);
        let targets = problem.truth_singular_values().unwrap_or_default();
        let theory = aligned::trajectory(&config, &targets, &aligned::recording_steps(config.steps, THEORY_POINTS));
        let crossings = Crossings::new(targets);
        let mut run = Run {
            config,
            problem,
            model,
            optimizer,
            trace,
            snapshots,
            crossings,
            theory,
            step: 0,
            initial_loss: f64::NAN,
            last_loss: f64::NAN,
            status: Status::Running,
            stop: None,
        };
        let sample = run.measure();
        run.initial_loss = sample.loss;
        run.last_loss = sample.loss;
        run.crossings.check(0, &sample.singular_values, &run.model, run.optimizer.as_ref(), &run.problem);
        run.trace.push(sample);
        run.snapshots.keep(0, run.model.product());
        if let Some(stop) = run.optimizer.stopped() {
            run.stop = Some(stop.clone());
            run.status = Status::Finished;
        }
        run
    }

    /// Steps done so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// ℓ(W) at the most recent step taken.
    pub fn last_loss(&self) -> f64 {
        self.last_loss
    }

    /// True while the run still takes steps.
    pub fn running(&self) -> bool {
        self.status == Status::Running
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Why the optimiser stopped before `steps` (GLRL's stopping rule), if it did.
    pub fn stop_reason(&self) -> Option<&str> {
        self.stop.as_ref().map(|s| s.message.as_str())
    }

    /// How the optimiser stopped by itself, if it did.
    pub fn stop(&self) -> Option<&Stop> {
        self.stop.as_ref()
    }

    /// GLRL's greedy phases (empty for other optimisers).
    /// The exact step at which each target value s_k was learned (σ_k(W) first above s_k/2), None before.
    pub fn learned(&self) -> Vec<Option<u64>> {
        self.crossings.at(LEARNED)
    }

    pub fn phases(&self) -> &[Phase] {
        self.optimizer.phases()
    }

    /// Keeps at most `count` snapshots of W (call before the first step).
    pub fn limit_snapshots(&mut self, count: usize) {
        self.snapshots = Snapshots::new(count, self.config.steps);
        self.snapshots.keep(self.step, self.model.product());
    }

    /// Runs up to `k` more steps (fewer when the run finishes or diverges); returns how many were done.
    pub fn advance(&mut self, k: u64) -> u64 {
        let mut done = 0;
        while done < k && self.status == Status::Running {
            // (A sample already taken at this step by the crossings' check below is not taken again.)
            if self.step > 0 && self.trace.due(self.step) && self.trace.last().map(|s| s.step) != Some(self.step) {
                let sample = self.measure();
                self.trace.push(sample);
            }
            if self.snapshots.due(self.step) {
                self.snapshots.keep(self.step, self.model.product());
            }
            let loss = self.optimizer.step(&mut self.model, &self.problem);
            self.last_loss = loss;
            if let Some(stop) = self.optimizer.stopped() {
                self.stop = Some(stop.clone());
                self.finish();
                break;
            }
            if !loss.is_finite() || loss > DIVERGENCE_GROWTH * self.initial_loss.max(f64::MIN_POSITIVE) {
                self.diverge(loss);
                break;
            }
            self.step += 1;
            done += 1;
            if self.crossings.pending() && self.step.is_multiple_of(crossings::interval(self.config.record_every)) {
                // One SVD for both: where a sample is due at this step, it is taken now and its singular values
                // are the ones checked.
                let sample = self.trace.due(self.step).then(|| self.measure());
                let sv = match &sample {
                    Some(s) => s.singular_values.clone(),
                    None => metrics::singular_values(&self.model.product()),
                };
                if sv.iter().all(|v| v.is_finite()) {
                    self.crossings.check(self.step, &sv, &self.model, self.optimizer.as_ref(), &self.problem);
                }
                if let Some(sample) = sample {
                    self.trace.push(sample);
                }
            }
            if self.step >= self.config.steps {
                self.finish();
            }
        }
        done
    }

    fn finish(&mut self) {
        self.status = Status::Finished;
        let last = self.measure();
        self.last_loss = last.loss;
        if self.crossings.pending() && last.singular_values.iter().all(|v| v.is_finite()) {
            self.crossings.check(self.step, &last.singular_values, &self.model, self.optimizer.as_ref(), &self.problem);
        }
        if !last.loss.is_finite() {
            self.diverge(last.loss);
        } else if self.trace.last().map(|s| s.step) != Some(self.step) {
            self.trace.push(last);
        }
        if self.status == Status::Finished {
            self.snapshots.keep(self.step, self.model.product());
        }
    }

    /// The current end-to-end matrix W.
    pub fn end_to_end(&self) -> DMatrix<f64> {
        self.model.product()
    }

    /// Metrics of the current factors (recomputes W; Hessian extremes when `config.hessian`).
    pub fn measure(&self) -> Sample {
        let w = self.model.product();
        let loss = self.problem.loss(&w);
        let finite = w.iter().all(|v| v.is_finite());
        let sv = if finite { metrics::singular_values(&w) } else { vec![f64::NAN; w.nrows().min(w.ncols())] };
        let (hessian_min, hessian_max) = if self.config.hessian && finite {
            let (lo, hi) = landscape::hessian_extremes(&self.model, &self.problem);
            (Some(lo), Some(hi))
        } else {
            (None, None)
        };
        Sample {
            step: self.step,
            loss,
            nuclear_norm: metrics::nuclear_norm(&sv),
            effective_rank: metrics::effective_rank(&sv),
            test_error: self.problem.test_error(&w),
            balance: self.model.balance_gap(),
            factor_norms: self.model.factor_norms(),
            singular_values: sv,
            hessian_min,
            hessian_max,
        }
    }

    fn diverge(&mut self, loss: f64) {
        let lr = self.config.optimizer.lr();
        let what = if loss.is_finite() {
            format!("the loss grew from {:.3e} to {:.3e}", self.initial_loss, loss)
        } else {
            "the loss became NaN or infinite".to_string()
        };
        self.status = Status::Diverged(format!(
            "Diverged at step {}: {what}. The step size optimizer.lr = {lr} is too large for this problem; try lr = {} or smaller.",
            self.step,
            suggest_lr(lr)
        ));
    }
}

/// A round step size about four times smaller than `lr`.
fn suggest_lr(lr: f64) -> String {
    let target = lr / 4.0;
    let mag = 10f64.powf(target.log10().floor());
    let lead = [5.0, 2.0, 1.0].into_iter().find(|&c| c * mag <= target).unwrap_or(1.0);
    let decimals = (-target.log10().floor()).max(0.0) as usize;
    format!("{:.*}", decimals, lead * mag)
}

/// The optimiser a validated config asks for.
pub fn optimizer_for(cfg: &Config) -> Box<dyn Optimizer> {
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
