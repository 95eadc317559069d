//! The JSON document the CLI writes: config, recorded samples and the final state.

use crate::config::Config;
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
    pub fn from_run(run: &Run) -> Report {
        let w = run.model.product();
        let sv = metrics::singular_values(&w);
        let final_state = FinalState {
            w: w.row_iter().map(|r| r.iter().copied().collect()).collect(),
            loss: run.problem.loss(&w),
            nuclear_norm: metrics::nuclear_norm(&sv),
            singular_values: sv,
        };
        Report { config: run.config.clone(), samples: run.trace.samples().to_vec(), final_state }
    }
}
