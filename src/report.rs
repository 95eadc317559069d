//! The JSON document the CLI writes: config, recorded samples and the final state.

use crate::baseline::Baseline;
use crate::config::Config;
use crate::glrl::Phase;
use crate::metrics;
use crate::run::Run;
use crate::trace::Sample;
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
    /// Why the optimiser stopped before `steps`, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<String>,
    /// Minimum nuclear-norm (PSD: minimum-trace) solution consistent with the observations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
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
            stop_reason: run.stop_reason().map(str::to_string),
            baseline,
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
