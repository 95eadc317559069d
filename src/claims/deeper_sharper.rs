//! Deeper is sharper (Arora et al. 2019; Li et al. 2021): at depth L ≥ 3 each value rises from 10 % to 90 %
//! of its target in a far smaller fraction of the time it took to start than at depth 2, so the staircase's
//! steps get sharper as depth grows.

use super::checks::{num, Checks};
use super::{staircase, Claim, Verdict};
use crate::experiment::crossings::FRACTIONS;
use crate::experiment::run::Run;
use crate::experiment::Experiment;
use crate::figure::build::Options;
use crate::figure::Figure;
use serde_json::{json, Map, Value};

pub struct DeeperSharper;

/// Each added layer must narrow the median rise by at least this factor.
pub const NARROWING: f64 = 1.5;

/// The rise widths of a run: (t₉₀ − t₁₀)/t₅₀ for each target value, from the exact crossings of 10 %, 50 %
/// and 90 % of s_k (None where a crossing has not happened).
pub fn rise_widths(run: &Run) -> Vec<Option<f64>> {
    let (t10, t50, t90) = (run.crossings.at(0), run.crossings.at(1), run.crossings.at(2));
    debug_assert_eq!(FRACTIONS, [0.1, 0.5, 0.9]);
    (0..t50.len())
        .map(|k| match (t10[k], t50[k], t90[k]) {
            (Some(a), Some(m), Some(b)) if m > 0 => Some((b - a) as f64 / m as f64),
            _ => None,
        })
        .collect()
}

/// The median of the widths of every value (a true median: the mean of the middle two for an even count).
pub fn median_width(run: &Run) -> Option<f64> {
    let v: Vec<f64> = rise_widths(run).into_iter().flatten().collect();
    super::depth_alpha::median(&v)
}

impl Claim for DeeperSharper {
    fn id(&self) -> &'static str {
        "deeper_sharper"
    }

    fn leads(&self) -> bool {
        false
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let (mut lines, mut values) = staircase::learned_lines(exp);
        for m in &exp.members {
            let w = rise_widths(&m.run);
            let shown: Vec<String> = w.iter().map(|x| x.map_or("–".into(), num)).collect();
            lines.push(format!(
                "{}: rise 10 % → 90 % of sₖ lasts {} of the step it is learned at",
                m.name(),
                shown.join(" · ")
            ));
            values.insert(format!("{} rise", m.name()), json!(w));
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "median rise (t₉₀ − t₁₀)/t₅₀"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        median_width(&exp.members[i].run).map_or("–".into(), num)
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        staircase::check_staircase(exp, &mut checks, |m| m.run.config.model.depth >= 3);
        let mut by_depth: Vec<(usize, Option<f64>)> =
            exp.members.iter().map(|m| (m.run.config.model.depth, median_width(&m.run))).collect();
        crate::order::by_key(&mut by_depth, |d| d.0 as f64);
        if by_depth.len() < 2 {
            checks.missing("needs runs at two depths or more");
        }
        for w in by_depth.windows(2) {
            let ((d0, a), (d1, b)) = (w[0], w[1]);
            match (a, b) {
                (Some(a), Some(b)) => {
                    let need = NARROWING.powi((d1 - d0) as i32);
                    checks.check(
                        d1 > d0 && a >= need * b,
                        format!(
                            "median rise (t₉₀ − t₁₀)/t₅₀ {} at L = {d0}, {} at L = {d1}: {}× narrower (needs ≥ {}×)",
                            num(a),
                            num(b),
                            num(a / b),
                            num(need)
                        ),
                    );
                }
                _ => checks.missing(format!("rise widths not measured at L = {d0} and {d1} (values not learned)")),
            }
        }
        checks.verdict("deeper factorizations learn each value in a sharper step")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        (id == "claim").then(|| staircase::figure(exp, opts, staircase::plateaus))
    }
}
