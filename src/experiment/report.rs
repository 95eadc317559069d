//! The JSON document the CLI writes: config, recorded samples and the final state.

use crate::config::Config;
use crate::dynamics::baseline::Baseline;
use crate::dynamics::metrics;
use crate::dynamics::optim::Phase;
use crate::dynamics::problem::{Observation, Problem};
use crate::experiment::run::Run;
use crate::experiment::trace::Sample;
use serde::Serialize;

#[derive(Serialize)]
pub struct Report {
    pub config: Config,
    pub samples: Vec<Sample>,
    #[serde(rename = "final")]
    pub final_state: FinalState,
    /// GLRL's greedy phases, one per phase actually run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    /// The exact step at which each target value s_k was learned (σ_k(W) first above s_k/2), in target
    /// order; null for a value not learned. Absent without a ground truth.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub learned: Vec<Learned>,
    /// Why the optimiser stopped before `steps`, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    /// Minimum nuclear-norm (PSD: minimum-trace) solution consistent with the observations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// The target and which entries are observed (full, completion and entries problems), so the run and the
    /// baseline can be checked with another tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemReport>,
}

/// The problem as matrices: `target` (rows; `null` where an `entries` problem leaves an entry unknown) and
/// `observed` (true where ℓ sees the entry).
#[derive(Serialize)]
pub struct ProblemReport {
    pub target: Vec<Vec<Option<f64>>>,
    pub observed: Vec<Vec<bool>>,
}

impl ProblemReport {
    /// None for sensing, whose observations are not entries.
    pub fn of(p: &Problem) -> Option<ProblemReport> {
        if matches!(p.observation, Observation::Sensing { .. }) {
            return None;
        }
        let mask = p.observed_mask();
        let mut target = vec![vec![None; p.cols]; p.rows];
        match (&p.truth, &p.observation) {
            (Some(m), _) => {
                for (i, row) in target.iter_mut().enumerate() {
                    for (j, v) in row.iter_mut().enumerate() {
                        *v = Some(m[(i, j)]);
                    }
                }
            }
            (None, Observation::Entries { rows, cols, values, .. }) => {
                for ((&i, &j), &v) in rows.iter().zip(cols).zip(values) {
                    target[i][j] = Some(v);
                }
            }
            _ => {}
        }
        let observed = (0..p.rows).map(|i| (0..p.cols).map(|j| mask[(i, j)]).collect()).collect();
        Some(ProblemReport { target, observed })
    }
}

/// σ_k learned at `step` (None: not yet).
#[derive(Serialize)]
pub struct Learned {
    pub k: usize,
    pub step: Option<u64>,
}

#[derive(Serialize)]
pub struct FinalState {
    /// W as rows.
    #[serde(rename = "W")]
    pub w: Vec<Vec<f64>>,
    pub singular_values: Vec<f64>,
    pub loss: f64,
    pub nuclear_norm: f64,
}

impl Report {
    /// The report of a finished run (with the convex baseline when given).
    pub fn from_run(run: &Run, baseline: Option<Baseline>) -> Report {
        let w = run.model.product();
        let sv = metrics::singular_values(&w);
        let final_state = FinalState {
            w: w.row_iter().map(|r| r.iter().copied().collect()).collect(),
            loss: run.problem.loss(&w),
            nuclear_norm: metrics::nuclear_norm(&sv),
            singular_values: sv,
        };
        Report {
            config: run.config.clone(),
            samples: run.trace.samples().to_vec(),
            final_state,
            phases: run.phases().to_vec(),
            learned: run.learned().into_iter().enumerate().map(|(k, step)| Learned { k: k + 1, step }).collect(),
            stop_reason: run.stop_reason().map(str::to_string),
            baseline,
            problem: ProblemReport::of(&run.problem),
        }
    }
}

/// One run of a multi-run experiment.
#[derive(Serialize)]
pub struct LabelledReport {
    pub label: String,
    pub group: String,
    #[serde(flatten)]
    pub report: Report,
}

/// The JSON document of an experiment: one run's [`Report`] (plus `claim`, the claim's read-out as given),
/// or `{"runs": [{label, group, …}], "baseline", "claim"}` for several runs. The baseline is included once
/// solved.
pub fn experiment_report(exp: &crate::experiment::Experiment, claim: Option<serde_json::Value>) -> serde_json::Value {
    let baseline = exp.baseline();
    if exp.members.len() == 1 {
        let mut v = serde_json::to_value(Report::from_run(&exp.members[0].run, baseline)).expect("report serializes");
        if let Some(c) = claim {
            v["claim"] = c;
        }
        return v;
    }
    let runs: Vec<LabelledReport> = exp
        .members
        .iter()
        .map(|m| LabelledReport {
            label: m.label.clone(),
            group: m.group.clone(),
            report: Report::from_run(&m.run, None),
        })
        .collect();
    serde_json::json!({"runs": runs, "baseline": baseline, "claim": claim})
}

/// The recorded trajectories as CSV, one row per run and sample: `run,step,loss,test_error,nuclear_norm,
/// effective_rank,balance,sigma_1…sigma_k` (k the most values any sample holds; test_error blank without a ground
/// truth). The page's Export → CSV and the CLI's `run --csv` write this.
pub fn trajectories_csv(exp: &crate::experiment::Experiment) -> String {
    use std::fmt::Write;
    let k = exp
        .members
        .iter()
        .flat_map(|m| m.run.trace.samples().iter().map(|s| s.singular_values.len()))
        .max()
        .unwrap_or(0);
    let mut out = String::from("run,step,loss,test_error,nuclear_norm,effective_rank,balance");
    for i in 1..=k {
        let _ = write!(out, ",sigma_{i}");
    }
    out.push('\n');
    for m in &exp.members {
        let label = m.label.replace([',', '"', '\n'], " ");
        for s in m.run.trace.samples() {
            let test = s.test_error.map_or(String::new(), |t| t.to_string());
            let _ = write!(
                out,
                "{label},{},{},{test},{},{},{}",
                s.step, s.loss, s.nuclear_norm, s.effective_rank, s.balance
            );
            for v in &s.singular_values {
                let _ = write!(out, ",{v}");
            }
            out.push('\n');
        }
    }
    out
}
