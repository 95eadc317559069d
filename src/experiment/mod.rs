//! Several runs side by side (same problem and seed, different models or optimisers), the convex baseline,
//! and an [`Observer`] that a claim attaches from outside to record what it needs while the runs step. The
//! experiment knows no claim: it carries the claim's id as data (see `crate::claims`).

pub mod crossings;
pub mod glrl_path;
pub mod observer;
pub mod presets;
pub mod report;
pub mod run;
pub mod snapshots;
pub mod stages;
pub mod sweep;
pub mod trace;

use crate::config::{Config, OptimizerConfig};
use crate::dynamics::baseline::{Baseline, BaselineKey, BaselineSolver};
pub use observer::Observer;
use run::{Run, Status};
use serde::Deserialize;
use serde_json::Value;

/// Most runs compared side by side (the page's Compare panel and `compare=` links).
pub const MAX_COMPARED: usize = 3;

/// Runs to compare from a JSON array of {label, config} (2 to [`MAX_COMPARED`]; labels cut to 40 characters);
/// the error names the run and the field.
pub fn comparison_runs(json: &str) -> Result<Vec<(String, Config)>, String> {
    #[derive(Deserialize)]
    struct Entry {
        label: String,
        config: Value,
    }
    let entries: Vec<Entry> = serde_json::from_str(json).map_err(|e| format!("comparison: {e}"))?;
    if !(2..=MAX_COMPARED).contains(&entries.len()) {
        return Err(format!("comparison: needs 2 to {MAX_COMPARED} runs, got {}", entries.len()));
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let config = Config::from_json(&e.config.to_string())
                .map_err(|err| format!("comparison run {} ({}): {err}", i + 1, e.label))?;
            Ok((e.label.chars().take(40).collect(), config))
        })
        .collect()
}

pub struct Member {
    pub label: String,
    /// Runs of one group share a colour and are aggregated together (e.g. seeds of one depth).
    pub group: String,
    pub run: Run,
}

pub struct Experiment {
    pub members: Vec<Member>,
    /// The id of the claim these runs are judged by (`crate::claims::find` gives the claim itself).
    pub claim: Option<&'static str>,
    baseline: Option<BaselineSolver>,
    /// A baseline solved elsewhere (the page's worker) for this experiment's problem.
    adopted: Option<Baseline>,
    observer: Option<Box<dyn Observer>>,
}

/// Largest m·n for which the page solves the baseline (a proximal iteration is one SVD of W).
pub const MAX_LIVE_BASELINE_ENTRIES: usize = 100 * 100;

impl Experiment {
    /// `members`: (label, group, validated config). The convex baseline is solved alongside (PSD form for the
    /// symmetric model) whenever the first run's problem has observations.
    pub fn new(members: Vec<(String, String, Config)>, claim: Option<&'static str>) -> Experiment {
        let mut members: Vec<Member> =
            members.into_iter().map(|(label, group, config)| Member { label, group, run: Run::new(config) }).collect();
        if let Some(first) = members.first() {
            let (m, n) = first.run.config.dims();
            let count = snapshots::per_run(members.len(), m * n);
            for member in members.iter_mut().filter(|_| count < snapshots::MAX_PER_RUN) {
                member.run.limit_snapshots(count);
            }
        }
        let baseline = members.first().and_then(|m| {
            let c = &m.run.config;
            BaselineSolver::new(&m.run.problem, baseline_is_psd(c))
        });
        Experiment { members, claim, baseline, adopted: None, observer: None }
    }

    /// One run from one config.
    pub fn single(config: Config) -> Experiment {
        Experiment::new(vec![(String::new(), String::new(), config)], None)
    }

    /// Attaches `observer` (replacing any other) and lets it see every member as it is now.
    pub fn attach(&mut self, mut observer: Box<dyn Observer>) {
        for (i, m) in self.members.iter().enumerate() {
            observer.observe(i, &m.run);
        }
        self.observer = Some(observer);
    }

    /// The attached observer, if it is a `T`.
    pub fn observer<T: 'static>(&self) -> Option<&T> {
        self.observer.as_ref()?.as_any().downcast_ref::<T>()
    }

    /// Advances every running member by up to `k` steps; returns the most steps any member took. With an
    /// observer attached, each member stops at every multiple of its `record_every` (and at its end) to be
    /// observed there, so what is observed does not depend on how the caller slices its calls. The baseline
    /// advances separately.
    pub fn advance(&mut self, k: u64) -> u64 {
        let mut most = 0;
        for (i, member) in self.members.iter_mut().enumerate() {
            let every = member.run.config.record_every.max(1);
            let mut done = 0;
            while done < k {
                let chunk = if self.observer.is_some() { every - member.run.step() % every } else { k.max(1) };
                let n = member.run.advance(chunk.min(k - done));
                if n == 0 {
                    break;
                }
                done += n;
                let run = &member.run;
                if let Some(o) = &mut self.observer {
                    if run.step().is_multiple_of(every) || *run.status() != Status::Running {
                        o.observe(i, run);
                    }
                }
            }
            most = most.max(done);
        }
        most
    }
    /// Runs up to `iterations` more units of the baseline solver's work (each about one SVD of W); true once it
    /// is solved (or absent).
    pub fn advance_baseline(&mut self, iterations: usize) -> bool {
        if self.adopted.is_some() {
            return true;
        }
        match &mut self.baseline {
            Some(b) => b.iterate(iterations),
            None => true,
        }
    }

    /// True while some member is still running.
    pub fn running(&self) -> bool {
        self.members.iter().any(|m| *m.run.status() == Status::Running)
    }

    /// The first divergence message, if any member diverged.
    pub fn diverged(&self) -> Option<String> {
        self.members.iter().find_map(|m| match m.run.status() {
            Status::Diverged(msg) => Some(if m.label.is_empty() { msg.clone() } else { format!("{}: {msg}", m.label) }),
            _ => None,
        })
    }

    /// Runs every member to its end, then (with `baseline`) solves the convex baseline (CLI, tests, posters).
    pub fn run_to_end(&mut self, baseline: bool) {
        while self.running() {
            self.advance(1 << 20);
        }
        if baseline {
            self.finish_baseline();
        }
    }

    /// Solves the baseline to the end (CLI, tests).
    pub fn finish_baseline(&mut self) {
        if let Some(b) = &mut self.baseline {
            while !b.iterate(1000) {}
        }
    }

    /// The baseline once solved.
    pub fn baseline(&self) -> Option<Baseline> {
        self.adopted.clone().or_else(|| self.baseline.as_ref().filter(|b| b.is_done()).map(|b| b.result()))
    }

    /// Whether this experiment has a convex baseline to solve (its problem has observations).
    pub fn wants_baseline(&self) -> bool {
        self.baseline.is_some()
    }

    /// What fixes this experiment's baseline (None when it has none): solving the key elsewhere gives exactly
    /// the baseline solved here.
    pub fn baseline_key(&self) -> Option<BaselineKey> {
        let first = self.members.first().filter(|_| self.baseline.is_some())?;
        Some(BaselineKey::of(&first.run.config, baseline_is_psd(&first.run.config)))
    }

    /// Takes a baseline solved elsewhere for the same problem (e.g. by the page's worker, from the same config
    /// and seed); refused (false) when its shape or values cannot be this problem's.
    pub fn adopt_baseline(&mut self, b: Baseline) -> bool {
        let p = &self.members[0].run.problem;
        let fits = self.baseline.is_some()
            && b.w.len() == p.rows
            && b.w.iter().all(|r| r.len() == p.cols && r.iter().all(|v| v.is_finite()))
            && b.nuclear_norm.is_finite()
            && b.singular_values.iter().all(|v| v.is_finite());
        if fits {
            self.adopted = Some(b);
        }
        fits
    }
}

/// Whether the convex baseline of a config is the minimum-trace PSD completion: only for the symmetric model
/// W = UUᵀ. The asymmetric W₂W₁ is compared with the unconstrained minimum nuclear norm, even for a PSD target
/// (Gunasekar et al.'s conjecture is about the model being trained).
pub fn baseline_is_psd(c: &Config) -> bool {
    c.model.symmetric
}

/// Whether a config runs GLRL.
pub fn is_glrl(c: &Config) -> bool {
    matches!(c.optimizer, OptimizerConfig::Glrl { .. })
}

impl Member {
    /// The label shown for this run ("run" when it has none).
    pub fn name(&self) -> String {
        if self.label.is_empty() {
            "run".into()
        } else {
            self.label.clone()
        }
    }
}
