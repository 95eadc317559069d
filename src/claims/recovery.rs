//! Incremental learning recovers the target from few measurements (Li et al. 2021 on matrix sensing): the
//! values are learned one at a time as for completion, and the end point is the low-rank target itself.

use super::checks::{num, Checks};
use super::{staircase, Claim, Verdict};
use crate::experiment::run::Run;
use crate::experiment::Experiment;
use crate::figure::build::Options;
use crate::figure::Figure;
use serde_json::{json, Map, Value};

pub struct Recovery;

/// Largest recovery error ‖W − M‖_F/‖M‖_F at the end for the claim to hold.
pub const MAX_ERROR: f64 = 1e-4;

/// ‖W − M‖_F/‖M‖_F now; None without a ground truth.
pub fn recovery_error(run: &Run) -> Option<f64> {
    let m = run.problem.truth.as_ref()?;
    Some((run.end_to_end() - m).norm() / m.norm().max(1e-300))
}

impl Claim for Recovery {
    fn id(&self) -> &'static str {
        "recovery"
    }

    fn leads(&self) -> bool {
        false
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let (mut lines, mut values) = staircase::learned_lines(exp);
        for m in &exp.members {
            let e = recovery_error(&m.run);
            lines.push(format!("{}: recovery error ‖W − M‖/‖M‖ = {}", m.name(), e.map_or("–".into(), num)));
            values.insert(format!("{} recovery error", m.name()), json!(e));
        }
        (lines, values)
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
        for m in &exp.members {
            match recovery_error(&m.run) {
                Some(e) => checks.check(
                    e <= MAX_ERROR,
                    format!("{}: recovery error ‖W − M‖/‖M‖ = {} (needs ≤ {})", m.name(), num(e), num(MAX_ERROR)),
                ),
                None => checks.missing(format!("{}: no ground truth to recover", m.name())),
            }
        }
        checks.verdict("one value at a time, then the target recovered")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        (id == "claim").then(|| staircase::figure(exp, opts, staircase::plateaus))
    }
}
