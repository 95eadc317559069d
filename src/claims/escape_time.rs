//! Escape time (Li et al. 2021; derived in `science.md`): the step at which σ₁ is learned grows like log(1/α)
//! at depth 2 — ln 10/(η s₁) steps per decade of 1/α — and like a power α^−(L−2) at depth L ≥ 3.

use super::checks::{num, Checks};
use super::{Claim, Verdict};
use crate::config::OptimizerConfig;
use crate::experiment::run::Run;
use crate::experiment::Experiment;
use crate::figure::build::{line, views, Options};
use crate::figure::{Axis, Figure, Glyph, Ink, Mark, Series, Stroke};
use crate::notation::{self, short};
use serde::Serialize;
use serde_json::{json, Map, Value};

pub struct EscapeTime;

/// Each depth's fitted rate must be within this relative distance of the predicted one.
pub const TOLERANCE: f64 = 0.15;

/// The exact step at which σ₁(W) first exceeds s₁/2 (the escape from the origin's plateau). None without a
/// ground truth or before it happens.
pub fn first_learned_step(run: &Run) -> Option<u64> {
    run.learned().first().copied().flatten()
}

/// The escape times of one depth's runs: (α, step at which σ₁ is learned) in α order, the fitted and the
/// predicted rate — steps per decade of 1/α at depth 2 (predicted ln 10/(η s₁)), the log–log slope
/// d log t / d log α at depth L ≥ 3 (predicted −(L−2)).
#[derive(Clone, Debug, Serialize)]
pub struct EscapeTimes {
    pub group: String,
    pub depth: usize,
    pub points: Vec<(f64, f64)>,
    pub fitted: Option<f64>,
    pub predicted: Option<f64>,
    /// Runs in the group (learned or not).
    pub runs: usize,
}

/// Escape times of every group of an experiment (runs of one group share a depth and vary α).
pub fn escape_times(exp: &Experiment) -> Vec<EscapeTimes> {
    let mut out: Vec<EscapeTimes> = vec![];
    for m in &exp.members {
        let c = &m.run.config;
        let i = match out.iter().position(|e| e.group == m.group) {
            Some(i) => i,
            None => {
                let s1 = m.run.problem.truth_singular_values().and_then(|t| t.first().copied());
                let lr = match &c.optimizer {
                    OptimizerConfig::Gd { lr } => Some(*lr),
                    _ => None,
                };
                let predicted = match (c.model.depth, s1, lr) {
                    (2, Some(s), Some(lr)) => Some(std::f64::consts::LN_10 / (lr * s)),
                    (d, Some(_), _) if d >= 3 => Some(-(d as f64 - 2.0)),
                    _ => None,
                };
                out.push(EscapeTimes {
                    group: m.group.clone(),
                    depth: c.model.depth,
                    points: vec![],
                    fitted: None,
                    predicted,
                    runs: 0,
                });
                out.len() - 1
            }
        };
        out[i].runs += 1;
        if let Some(t) = first_learned_step(&m.run) {
            out[i].points.push((c.model.init_scale, t as f64));
        }
    }
    for e in &mut out {
        crate::order::by_key(&mut e.points, |p| p.0);
        // Least squares of t (depth 2) or log t (depth ≥ 3) against log₁₀ α.
        let xs: Vec<f64> = e.points.iter().map(|p| p.0.log10()).collect();
        let ys: Vec<f64> = e.points.iter().map(|p| if e.depth == 2 { p.1 } else { p.1.log10() }).collect();
        e.fitted = least_squares_slope(&xs, &ys).map(|s| if e.depth == 2 { -s } else { s });
    }
    out
}

/// Slope of the least-squares line through (x, y); None for fewer than two distinct x.
pub fn least_squares_slope(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// "+116 steps per decade of 1/α" at depth 2, "slope −1.02" deeper.
fn rate(depth: usize, x: f64) -> String {
    if depth == 2 {
        format!("{} steps per decade of 1/α", num(x))
    } else {
        format!("slope {}", num(x))
    }
}

impl Claim for EscapeTime {
    fn id(&self) -> &'static str {
        "escape_time"
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        for e in escape_times(exp) {
            let shown: Vec<String> =
                e.points.iter().map(|p| format!("{} at α = {}", notation::step(p.1), short(p.0))).collect();
            let fit = match (e.fitted, e.predicted) {
                (Some(f), Some(p)) => format!("; {} (predicted {})", rate(e.depth, f), rate(e.depth, p)),
                _ => String::new(),
            };
            lines.push(format!(
                "{}: σ₁ learned at {}{fit}",
                e.group,
                if shown.is_empty() { "– (not yet)".into() } else { shown.join(", ") }
            ));
            values.insert(e.group.clone(), json!({"points": e.points, "fitted": e.fitted, "predicted": e.predicted}));
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "σ₁ learned at step"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        first_learned_step(&exp.members[i].run).map_or("not yet".into(), |s| notation::step(s as f64))
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        for e in escape_times(exp) {
            match (e.fitted, e.predicted) {
                (_, None) => checks.missing(format!("{}: no predicted law (needs a target and plain GD)", e.group)),
                (None, _) => checks.missing(format!(
                    "{}: σ₁ learned in {} of {} runs, too few to fit a law",
                    e.group,
                    e.points.len(),
                    e.runs
                )),
                (Some(f), Some(p)) => checks.check(
                    (f / p - 1.0).abs() <= TOLERANCE,
                    format!(
                        "{}: {} against the predicted {} (needs within {} %)",
                        e.group,
                        rate(e.depth, f),
                        num(p),
                        TOLERANCE * 100.0
                    ),
                ),
            }
        }
        checks.verdict("escape time ∝ log(1/α) at depth 2, α^−(L−2) deeper")
    }

    fn figure(&self, exp: &Experiment, id: &str, _opts: Options) -> Option<Figure> {
        (id == "claim").then(|| figure(exp))
    }
}

/// The step at which σ₁ is learned against α, one colour per depth (log–log), each with its predicted law
/// drawn through the measured points' centre: slope −(L−2) at depth L ≥ 3, ln 10/(η s₁) steps per decade
/// of 1/α at depth 2 (a curve on these axes).
fn figure(exp: &Experiment) -> Figure {
    let alphas: Vec<f64> = exp.members.iter().map(|m| m.run.config.model.init_scale).collect();
    let lo = alphas.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = alphas.iter().copied().fold(0.0, f64::max);
    let x = Axis {
        label: "α (init scale of each factor)".into(),
        log: true,
        range: Some((lo / 1.5, hi * 1.5)),
        integer: false,
    };
    let mut fig = Figure::new(
        "claim",
        "Escape time: the step σ₁ is learned, against α".into(),
        x,
        Axis::new("step σ₁ learned", true),
    );
    let inks: Vec<(String, Ink)> =
        views(exp).into_iter().filter(|v| v.first_of_group).map(|v| (v.member.group.clone(), v.ink)).collect();
    let mut text = vec![];
    for e in escape_times(exp) {
        let ink = inks.iter().find(|g| g.0 == e.group).map_or(Ink::Neutral, |g| g.1);
        fig.series.push(Series::dots(
            format!("{} measured", e.group),
            ink,
            e.points.iter().map(|&p| Some(p)).collect(),
        ));
        fig.legend(format!("{} (dots: measured)", e.group), ink, Glyph::Point);
        let (Some(pred), false) = (e.predicted, e.points.is_empty()) else { continue };
        let n = e.points.len() as f64;
        let mean_x = e.points.iter().map(|p| p.0.log10()).sum::<f64>() / n;
        let (a0, a1) = (e.points[0].0, e.points[e.points.len() - 1].0);
        let curve: Vec<Option<(f64, f64)>> = if e.depth == 2 {
            let c = e.points.iter().map(|p| p.1).sum::<f64>() / n + pred * mean_x;
            (0..=24)
                .map(|i| {
                    let lx = a0.log10() + (a1.log10() - a0.log10()) * i as f64 / 24.0;
                    let t = c - pred * lx;
                    (t > 0.0).then(|| (10f64.powf(lx), t))
                })
                .collect()
        } else {
            let b = e.points.iter().map(|p| p.1.log10()).sum::<f64>() / n - pred * mean_x;
            [a0, a1].iter().map(|&a| Some((a, 10f64.powf(b + pred * a.log10())))).collect()
        };
        fig.series.push(line(format!("{} predicted", e.group), ink, Stroke::Dashed, curve));
        let (law, fitted) = if e.depth == 2 {
            (
                format!("+{} steps per decade of 1/α", num(pred)),
                e.fitted.map_or("–".into(), |f| format!("+{} per decade", num(f))),
            )
        } else {
            (format!("slope {}", num(pred)), e.fitted.map_or("–".into(), |f| format!("slope {}", num(f))))
        };
        if let Some(&(a, t)) = e.points.first() {
            let short = if e.depth == 2 { format!("+{}", num(pred)) } else { num(pred) };
            fig.marks.push(Mark { x: a, y: t, ink, label: format!("{}: {fitted} (predicted {short})", e.group) });
        }
        text.push(format!("{}: {fitted} (predicted {law})", e.group));
    }
    if fig.series.iter().any(|s| s.stroke == Stroke::Dashed) {
        fig.legend("predicted law (dashed)", Ink::Neutral, Glyph::Dashed);
    }
    fig.caption = if text.is_empty() {
        "Step at which σ₁ is learned, against α per depth: no run has learned σ₁ yet.".into()
    } else {
        format!(
            "Step at which σ₁ first exceeds s₁/2 — {}. Depth 2 waits log(1/α), deeper models a power of 1/α.",
            text.join("; ")
        )
    };
    fig
}
