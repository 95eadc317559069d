//! Depth weakens the dependence on α (Li, Luo & Lyu 2021): when the top direction is learned, a competing one
//! (growth-rate ratio r = s₂/s₁) has grown to ≈ w₀^(1−r) at depth 2 but only ≈ w₀·(1−r)^(−L/(L−2)) at depth
//! L ≥ 3, where w₀ is the end-to-end initial scale (α^L for factors of scale α). So as w₀ shrinks, σ₂ at that
//! moment shrinks like w₀^(1−r) at depth 2 (exponent 0.5 for r = ½) but like w₀ itself deeper (exponent 1):
//! deeper models stay closer to rank one. Measured over several w₀ per depth, medians over seeds.

use super::checks::{num, Checks};
use super::escape_time::least_squares_slope;
use super::{Claim, Verdict};
use crate::config::{Config, InitConvention};
use crate::experiment::run::Run;
use crate::experiment::Experiment;
use crate::figure::build::{line, views, Options};
use crate::figure::{Axis, Figure, Glyph, Ink, Mark, Series, Stroke};
use crate::notation::short;
use serde_json::{json, Map, Value};

pub struct DepthAlpha;

/// Each depth's fitted exponent d log σ₂ / d log w₀ must be within this of the predicted one.
pub const EXPONENT_TOLERANCE: f64 = 0.15;
/// At the smallest w₀, the depth-2 median must exceed every deeper median by this factor.
pub const SEPARATION: f64 = 10.0;
/// Each median must be within this factor of its prediction (either way).
pub const WITHIN: f64 = 3.0;

/// The median of `v` (the mean of the two middle values for an even count), None when empty.
pub fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    crate::order::numbers(&mut v);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(0.5 * (v[n / 2 - 1] + v[n / 2])),
    }
}

/// σ₂(W) at the exact step σ₁ is learned (σ₁ > s₁/2).
pub fn second_at_first(run: &Run) -> Option<f64> {
    Some(run.crossings.values_when_learned(0)?.get(1).copied().unwrap_or(0.0))
}

/// The end-to-end initial scale w₀: α^L for factors of scale α, α itself under the product convention.
pub fn initial_scale(config: &Config) -> f64 {
    match config.model.init_convention {
        InitConvention::Product => config.model.init_scale,
        _ => config.model.init_scale.powi(config.model.depth as i32),
    }
}

/// Li et al.'s prediction for σ₂ when σ₁ is learned, from w₀ and r = s₂/s₁: w₀^(1−r) at depth 2,
/// w₀·(1−r)^(−L/(L−2)) at depth L ≥ 3. None without two target values.
pub fn predicted_second_at_first(config: &Config, truth: &[f64]) -> Option<f64> {
    let (s1, s2) = (*truth.first()?, *truth.get(1)?);
    let depth = config.model.depth;
    let w0 = initial_scale(config);
    let r = s2 / s1;
    match depth {
        2 => Some(w0.powf(1.0 - r)),
        d if d >= 3 => Some(w0 * (1.0 - r).powf(-(d as f64) / (d as f64 - 2.0))),
        _ => None,
    }
}

/// The predicted exponent d log σ₂ / d log w₀: 1 − r at depth 2, 1 deeper.
pub fn predicted_exponent(depth: usize, truth: &[f64]) -> Option<f64> {
    let r = truth.get(1)? / truth.first()?;
    match depth {
        2 => Some(1.0 - r),
        d if d >= 3 => Some(1.0),
        _ => None,
    }
}

/// The runs of one depth at one w₀ (seeds).
struct Cell {
    w0: f64,
    values: Vec<f64>,
    runs: usize,
    predicted: Option<f64>,
}

/// One depth: its cells in w₀ order, its fitted and predicted exponents.
struct Depth {
    group: String,
    depth: usize,
    cells: Vec<Cell>,
    fitted: Option<f64>,
    predicted: Option<f64>,
}

fn depths(exp: &Experiment) -> Vec<Depth> {
    let mut out: Vec<Depth> = vec![];
    for m in &exp.members {
        let c = &m.run.config;
        let truth = m.run.problem.truth_singular_values().unwrap_or_default();
        let i = match out.iter().position(|d| d.group == m.group) {
            Some(i) => i,
            None => {
                out.push(Depth {
                    group: m.group.clone(),
                    depth: c.model.depth,
                    cells: vec![],
                    fitted: None,
                    predicted: predicted_exponent(c.model.depth, &truth),
                });
                out.len() - 1
            }
        };
        let w0 = initial_scale(c);
        let cells = &mut out[i].cells;
        let j = match cells.iter().position(|x| (x.w0 / w0 - 1.0).abs() < 1e-3) {
            Some(j) => j,
            None => {
                cells.push(Cell { w0, values: vec![], runs: 0, predicted: predicted_second_at_first(c, &truth) });
                cells.len() - 1
            }
        };
        cells[j].runs += 1;
        cells[j].values.extend(second_at_first(&m.run));
    }
    for d in &mut out {
        crate::order::by_key(&mut d.cells, |c| c.w0);
        let pts: Vec<(f64, f64)> =
            d.cells.iter().filter_map(|c| Some((c.w0.log10(), median(&c.values)?.log10()))).collect();
        let (x, y): (Vec<f64>, Vec<f64>) = pts.into_iter().unzip();
        d.fitted = least_squares_slope(&x, &y);
    }
    out
}

impl Claim for DepthAlpha {
    fn id(&self) -> &'static str {
        "second_at_first"
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        for d in depths(exp) {
            let medians: Vec<Option<f64>> = d.cells.iter().map(|c| median(&c.values)).collect();
            let shown: Vec<String> = d
                .cells
                .iter()
                .zip(&medians)
                .map(|(c, m)| format!("{} at w₀ = {}", m.map_or("–".into(), short), short(c.w0)))
                .collect();
            let counted: usize = d.cells.iter().map(|c| c.values.len()).sum();
            let runs: usize = d.cells.iter().map(|c| c.runs).sum();
            lines.push(format!(
                "{}: σ₂ when σ₁ is learned, median over seeds {} ({counted}/{runs} runs); exponent {} (predicted {})",
                d.group,
                shown.join(", "),
                d.fitted.map_or("–".into(), num),
                d.predicted.map_or("–".into(), num)
            ));
            let cells: Vec<Value> = d
                .cells
                .iter()
                .zip(&medians)
                .map(|(c, m)| json!({"w0": c.w0, "median": m, "values": c.values, "predicted": c.predicted}))
                .collect();
            values.insert(d.group, json!({"cells": cells, "exponent": d.fitted, "predicted_exponent": d.predicted}));
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "σ₂ when σ₁ is learned"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        second_at_first(&exp.members[i].run).map_or("not yet".into(), short)
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        let depths = depths(exp);
        for d in &depths {
            if d.cells.len() < 3 {
                checks.missing(format!("{}: needs ≥ 3 initial scales w₀, has {}", d.group, d.cells.len()));
                continue;
            }
            if let Some(c) = d.cells.iter().find(|c| c.values.is_empty()) {
                checks.missing(format!("{}: σ₁ never learned at w₀ = {}", d.group, short(c.w0)));
                continue;
            }
            match (d.fitted, d.predicted) {
                (Some(f), Some(p)) => checks.check(
                    (f - p).abs() <= EXPONENT_TOLERANCE,
                    format!(
                        "{}: σ₂ ∝ w₀^{} against the predicted w₀^{} (needs within ±{})",
                        d.group,
                        num(f),
                        num(p),
                        num(EXPONENT_TOLERANCE)
                    ),
                ),
                _ => checks.missing(format!("{}: no exponent (needs two target values and ≥ 2 w₀)", d.group)),
            }
            let off: Vec<String> = d
                .cells
                .iter()
                .filter_map(|c| {
                    let (m, p) = (median(&c.values)?, c.predicted?);
                    (m > WITHIN * p || p > WITHIN * m).then(|| format!("{} against {}", short(m), short(p)))
                })
                .collect();
            checks.check(
                off.is_empty(),
                if off.is_empty() {
                    format!("{}: every median within {WITHIN}× of its prediction", d.group)
                } else {
                    format!("{}: medians {} (needs within {WITHIN}× of the prediction)", d.group, off.join(", "))
                },
            );
        }
        let Some(two) = depths.iter().find(|d| d.depth == 2) else {
            checks.missing("no depth-2 runs to compare with");
            return checks.verdict("deeper models keep σ₂ smaller when σ₁ is learned");
        };
        for d in depths.iter().filter(|d| d.depth > 2) {
            // At the smallest initial scale both depths share (the claim is about small init).
            let pair = d.cells.iter().find_map(|c| {
                let t = two.cells.iter().find(|t| (t.w0 / c.w0 - 1.0).abs() < 1e-3)?;
                Some((c.w0, median(&t.values)?, median(&c.values)?))
            });
            match pair {
                Some((w0, t, v)) => checks.check(
                    t >= SEPARATION * v,
                    format!(
                        "at w₀ = {}, L = 2's median {} is {}× {}'s {} (needs ≥ {}×)",
                        short(w0),
                        short(t),
                        num(t / v),
                        d.group,
                        short(v),
                        num(SEPARATION)
                    ),
                ),
                None => checks.missing(format!("{}: no w₀ shared with depth 2", d.group)),
            }
        }
        checks.verdict("deeper models keep σ₂ smaller when σ₁ is learned")
    }

    fn figure(&self, exp: &Experiment, id: &str, _opts: Options) -> Option<Figure> {
        (id == "claim").then(|| figure(exp))
    }
}

/// σ₂ at the step σ₁ is learned against w₀ (log–log), one colour per depth: a dot per seed, the medians
/// joined, the prediction dashed.
fn figure(exp: &Experiment) -> Figure {
    let w0s: Vec<f64> = exp.members.iter().map(|m| initial_scale(&m.run.config)).collect();
    let lo = w0s.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = w0s.iter().copied().fold(0.0, f64::max);
    let x = Axis {
        label: "w₀ = α^L (initial scale of W)".into(),
        log: true,
        range: Some((lo / 3.0, hi * 3.0)),
        integer: false,
    };
    let mut fig = Figure::new(
        "claim",
        "σ₂ when σ₁ is learned: depth keeps it small".into(),
        x,
        Axis::new("σ₂ at that step", true),
    );
    let inks: Vec<(String, Ink)> =
        views(exp).into_iter().filter(|v| v.first_of_group).map(|v| (v.member.group.clone(), v.ink)).collect();
    let mut text = vec![];
    for d in depths(exp) {
        let ink = inks.iter().find(|i| i.0 == d.group).map_or(Ink::Neutral, |i| i.1);
        let dots = d.cells.iter().flat_map(|c| c.values.iter().map(move |&v| Some((c.w0, v)))).collect();
        fig.series.push(Series::dots(format!("{} seeds", d.group), ink, dots));
        let medians: Vec<Option<(f64, f64)>> = d.cells.iter().map(|c| median(&c.values).map(|m| (c.w0, m))).collect();
        fig.series.push(line(format!("{} median", d.group), ink, Stroke::Solid, medians.clone()));
        let predicted = d.cells.iter().map(|c| c.predicted.map(|p| (c.w0, p))).collect();
        fig.series.push(line(format!("{} predicted", d.group), ink, Stroke::Dashed, predicted));
        fig.legend(format!("{} (dots: seeds)", d.group), ink, Glyph::Point);
        if let (Some(Some((x, y))), Some(f)) = (medians.first(), d.fitted) {
            fig.marks.push(Mark { x: *x, y: *y, ink, label: format!("w₀^{}", num(f)) });
        }
        text.push(format!(
            "{}: exponent {} (predicted {})",
            d.group,
            d.fitted.map_or("–".into(), num),
            d.predicted.map_or("–".into(), num)
        ));
    }
    fig.legend("predicted (Li et al., dashed)", Ink::Neutral, Glyph::Dashed);
    fig.caption = format!(
        "σ₂ at the exact step σ₁ is learned, median over seeds, against the initial scale w₀ — {}. Deeper \
         models keep σ₂ near w₀ itself; depth 2 lets it grow to w₀^(1−s₂/s₁).",
        text.join("; ")
    );
    fig
}
