//! Deeper factorizations recover a low-rank matrix from fewer observations (Arora, Cohen, Hu & Luo, NeurIPS
//! 2019): GD on a depth-3 or depth-4 factorization from small init reaches a near-zero test error at a number of
//! observed entries where depth 2 and the minimum nuclear norm do not. Read off the test error on unobserved
//! entries against the number observed, median over seeds, beside the convex baseline solved per problem.

use super::checks::Checks;
use super::depth_alpha::median;
use super::{Claim, Verdict};
use crate::dynamics::baseline::BaselineSolver;
use crate::experiment::observer::Observer;
use crate::experiment::run::Run;
use crate::experiment::Experiment;
use crate::figure::build::{line, views, Options};
use crate::figure::{Area, Axis, Figure, Glyph, Ink, Reference, Series, Stroke};
use crate::notation::short;
use nalgebra::DMatrix;
use serde_json::{json, Map, Value};
use std::any::Any;

pub struct FewerObservations;

/// A run (or the baseline) has recovered the target when its test error is at most this.
pub const RECOVERED: f64 = 1e-2;

/// Baseline work (in SVDs of W) done at each observation of any member: the solves are spread over the runs
/// instead of stalling one step slice (a problem here takes ≈ 60–90 barrier Newton steps of ≈ 30 units each).
const ITERATIONS_PER_OBSERVATION: usize = 32;

/// The convex baseline of every distinct problem (members of one seed and one observed count share it), solved
/// a few iterations at every observation, and finished when a run of that problem ends.
#[derive(Default)]
struct Baselines {
    /// Per member: the index of its problem in `problems`.
    of_member: Vec<Option<usize>>,
    problems: Vec<Solve>,
}

/// One distinct problem: (seed, observed entries), the solver while it runs, the test error once solved.
struct Solve {
    key: (u64, usize),
    solver: Option<BaselineSolver>,
    test_error: Option<f64>,
}

impl Baselines {
    fn finish(&mut self, k: usize, run: &Run) {
        let Some(mut solver) = self.problems[k].solver.take() else { return };
        while !solver.iterate(1000) {}
        let b = solver.result();
        let (m, n) = (b.w.len(), b.w.first().map_or(0, Vec::len));
        self.problems[k].test_error = run.problem.test_error(&DMatrix::from_fn(m, n, |r, c| b.w[r][c]));
    }

    /// The baseline's test error for member i's problem, once solved.
    fn test_error(&self, i: usize) -> Option<f64> {
        self.problems[self.of_member.get(i).copied().flatten()?].test_error
    }
}

impl Observer for Baselines {
    fn observe(&mut self, i: usize, run: &Run) {
        if self.of_member.len() <= i {
            self.of_member.resize(i + 1, None);
        }
        if self.of_member[i].is_none() {
            let key = (run.config.seed, observed(run));
            let k = match self.problems.iter().position(|p| p.key == key) {
                Some(k) => k,
                None => {
                    let solver = BaselineSolver::new(&run.problem, false);
                    self.problems.push(Solve { key, solver, test_error: None });
                    self.problems.len() - 1
                }
            };
            self.of_member[i] = Some(k);
        }
        if let Some(solver) = self.problems.iter_mut().find_map(|p| p.solver.as_mut().filter(|s| !s.is_done())) {
            solver.iterate(ITERATIONS_PER_OBSERVATION);
        }
        if let Some(k) = self.of_member[i].filter(|_| !run.running()) {
            self.finish(k, run);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Observed entries of a run's problem.
fn observed(run: &Run) -> usize {
    run.problem.observed_mask().iter().filter(|b| **b).count()
}

/// One curve: per observed count, the test errors over seeds.
struct Curve {
    name: String,
    counts: Vec<(usize, Vec<f64>)>,
}

impl Curve {
    fn add(&mut self, count: usize, value: Option<f64>) {
        let i = match self.counts.iter().position(|c| c.0 == count) {
            Some(i) => i,
            None => {
                self.counts.push((count, vec![]));
                self.counts.len() - 1
            }
        };
        self.counts[i].1.extend(value);
    }

    /// (count, median) in count order.
    fn medians(&self) -> Vec<(usize, Option<f64>)> {
        self.counts.iter().map(|(c, v)| (*c, median(v))).collect()
    }

    /// The smallest count from which the median test error stays ≤ [`RECOVERED`] (None: not within the counts).
    fn threshold(&self) -> Option<usize> {
        let m = self.medians();
        let from = m.iter().rposition(|(_, v)| !v.is_some_and(|v| v <= RECOVERED)).map_or(0, |i| i + 1);
        m.get(from).map(|c| c.0)
    }
}

/// The depths' curves (one per group) and, last, the convex baseline's (once every run has ended).
fn curves(exp: &Experiment) -> (Vec<Curve>, Option<Curve>) {
    let mut out: Vec<Curve> = vec![];
    let mut convex = Curve { name: "minimum nuclear norm".into(), counts: vec![] };
    let baselines = exp.observer::<Baselines>();
    let mut seen: Vec<(u64, usize)> = vec![];
    for (i, m) in exp.members.iter().enumerate() {
        let i_curve = match out.iter().position(|c| c.name == m.group) {
            Some(k) => k,
            None => {
                out.push(Curve { name: m.group.clone(), counts: vec![] });
                out.len() - 1
            }
        };
        let count = observed(&m.run);
        // The test error now (live while the runs go; the verdict waits for their end).
        let error = m.run.trace.last().and_then(|s| s.test_error);
        out[i_curve].add(count, error);
        let key = (m.run.config.seed, count);
        if !seen.contains(&key) {
            seen.push(key);
            convex.add(count, baselines.and_then(|b| b.test_error(i)));
        }
    }
    for c in out.iter_mut().chain([&mut convex]) {
        c.counts.sort_by_key(|x| x.0);
    }
    let solved = convex.counts.iter().all(|c| !c.1.is_empty());
    (out, solved.then_some(convex))
}

fn threshold_text(t: Option<usize>, largest: usize) -> String {
    t.map_or(format!("not within {largest} observations"), |t| format!("from {t} observations"))
}

impl Claim for FewerObservations {
    fn id(&self) -> &'static str {
        "fewer_observations"
    }

    fn observer(&self, exp: &mut Experiment) -> Option<Box<dyn Observer>> {
        Some(Box::new(Baselines { of_member: vec![None; exp.members.len()], problems: vec![] }))
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        let (depths, convex) = curves(exp);
        let largest = depths.iter().flat_map(|c| c.counts.iter().map(|x| x.0)).max().unwrap_or(0);
        for c in depths.iter().chain(convex.as_ref()) {
            let shown: Vec<String> =
                c.medians().iter().map(|(n, v)| format!("{} at {n}", v.map_or("–".into(), short))).collect();
            lines.push(format!(
                "{}: median test error {}; recovered (≤ {}) {}",
                c.name,
                shown.join(", "),
                short(RECOVERED),
                threshold_text(c.threshold(), largest)
            ));
            let medians: Vec<Value> = c.medians().iter().map(|(n, v)| json!({"observed": n, "median": v})).collect();
            values.insert(c.name.clone(), json!({"medians": medians, "recovered_from": c.threshold()}));
        }
        if convex.is_none() {
            lines.push("minimum nuclear norm: solved as each problem's runs end…".into());
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "test error"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        exp.members[i].run.trace.last().and_then(|s| s.test_error).map_or("–".into(), short)
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        let (depths, convex) = curves(exp);
        let largest = depths.iter().flat_map(|c| c.counts.iter().map(|x| x.0)).max().unwrap_or(0);
        let at = |t: Option<usize>| t.unwrap_or(usize::MAX);
        let two = depths.iter().find(|c| c.name == "L = 2");
        let deep: Vec<&Curve> = depths.iter().filter(|c| c.name != "L = 2").collect();
        let Some(two) = two.filter(|_| !deep.is_empty()) else {
            checks.missing("needs depth 2 (group \"L = 2\") and a deeper group to compare");
            return checks.verdict("deeper factorizations recover from fewer observations");
        };
        let Some(convex) = convex else {
            checks.missing("the minimum nuclear norm is not solved for every problem");
            return checks.verdict("deeper factorizations recover from fewer observations");
        };
        for d in deep {
            let t = d.threshold();
            let Some(count) = t else {
                checks.missing(format!(
                    "{}: never recovered (median test error ≤ {}) within {largest}",
                    d.name,
                    short(RECOVERED)
                ));
                continue;
            };
            let median_at = |c: &Curve| c.medians().iter().find(|m| m.0 == count).and_then(|m| m.1);
            for other in [two, &convex] {
                checks.check(
                    at(t) < at(other.threshold()),
                    format!(
                        "{} recovers {} (median {}), {} {} (median there {})",
                        d.name,
                        threshold_text(t, largest),
                        median_at(d).map_or("–".into(), short),
                        other.name,
                        threshold_text(other.threshold(), largest),
                        median_at(other).map_or("–".into(), short)
                    ),
                );
            }
        }
        checks.verdict("deeper factorizations recover from fewer observations")
    }

    fn figure(&self, exp: &Experiment, id: &str, _opts: Options) -> Option<Figure> {
        (id == "claim").then(|| figure(exp))
    }
}

/// Test error against observed entries: per depth the median over seeds (solid) with its min–max band, the
/// minimum nuclear norm dashed, the recovery threshold as a reference.
fn figure(exp: &Experiment) -> Figure {
    let counts: Vec<f64> = exp.members.iter().map(|m| observed(&m.run) as f64).collect();
    let lo = counts.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = counts.iter().copied().fold(0.0, f64::max);
    let pad = 0.04 * (hi - lo).max(1.0);
    let x = Axis { label: "observed entries".into(), log: false, range: Some((lo - pad, hi + pad)), integer: true };
    let mut fig = Figure::new(
        "claim",
        "Test error against observations: deeper recovers from fewer".into(),
        x,
        Axis::new("test error on unseen entries", true),
    );
    let inks: Vec<(String, Ink)> =
        views(exp).into_iter().filter(|v| v.first_of_group).map(|v| (v.member.group.clone(), v.ink)).collect();
    let (depths, convex) = curves(exp);
    let mut text = vec![];
    let largest = hi as usize;
    for c in &depths {
        let ink = inks.iter().find(|i| i.0 == c.name).map_or(Ink::Neutral, |i| i.1);
        let band: Vec<(f64, f64, f64)> = c
            .counts
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| {
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().fold(0.0, f64::max);
                (*n as f64, lo, hi)
            })
            .collect();
        fig.areas.push(Area { ink, points: band });
        let medians = c.medians().iter().map(|(n, v)| v.map(|v| (*n as f64, v))).collect();
        fig.series.push(line(format!("{} median", c.name), ink, Stroke::Solid, medians));
        let dots = c.counts.iter().flat_map(|(n, v)| v.iter().map(move |&e| Some((*n as f64, e)))).collect();
        fig.series.push(Series::dots(format!("{} seeds", c.name), ink, dots));
        fig.legend(format!("{} (median, min–max band)", c.name), ink, Glyph::Line);
        text.push(format!("{} recovers {}", c.name, threshold_text(c.threshold(), largest)));
    }
    if let Some(c) = &convex {
        let medians = c.medians().iter().map(|(n, v)| v.map(|v| (*n as f64, v))).collect();
        fig.series.push(line("minimum nuclear norm".into(), Ink::Neutral, Stroke::Dashed, medians));
        fig.legend("minimum nuclear norm (convex)", Ink::Neutral, Glyph::Dashed);
        text.push(format!("the minimum nuclear norm {}", threshold_text(c.threshold(), largest)));
    }
    fig.references.push(Reference {
        y: RECOVERED,
        ink: Ink::Muted,
        label: Some(format!("recovered: test error ≤ {}", short(RECOVERED))),
    });
    fig.caption = format!(
        "Test error on the unobserved entries after training, median over seeds, against the number observed — {}.",
        text.join("; ")
    );
    fig
}
