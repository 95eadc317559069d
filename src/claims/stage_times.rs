//! Incremental learning (Arora et al. 2019; Gissin et al. 2020; Li et al. 2021): from a small initialisation
//! the target's singular values are learned one at a time, largest first, each after a loss plateau; tied
//! values are learned together.

use super::checks::Checks;
use super::{staircase, Claim, Verdict};
use crate::experiment::Experiment;
use crate::figure::build::Options;
use crate::figure::Figure;
use serde_json::{Map, Value};

pub struct StageTimes;

impl Claim for StageTimes {
    fn id(&self) -> &'static str {
        "stage_times"
    }

    fn leads(&self) -> bool {
        false
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        staircase::learned_lines(exp)
    }

    fn column(&self) -> &'static str {
        "learned at steps"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        staircase::learned_cell(&exp.members[i])
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        staircase::check_staircase(exp, &mut checks, |_| true);
        checks.verdict("one value at a time")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        (id == "claim").then(|| staircase::figure(exp, opts, staircase::plateaus))
    }
}
