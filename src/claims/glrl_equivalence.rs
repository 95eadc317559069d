//! GD ≡ GLRL as α → 0 (Li, Luo & Lyu 2021): gradient descent from a small initialisation follows the path of
//! Greedy Low-Rank Learning, W₁, W₂, … in order, and comes closer to it as α shrinks. Measured as the largest
//! distance of GD's W(t) from GLRL's path once GD has left the scale of W(0) (before, it only measures W(0)).

use super::checks::{num, Checks};
use super::{Claim, Verdict};
use crate::experiment::glrl_path::{first_reaching, Tracker, ESCAPE};
use crate::experiment::observer::Observer;
use crate::experiment::{is_glrl, Experiment};
use crate::figure::build::{claim_figure, line, sx, views, Options};
use crate::figure::{Axis, Figure, Glyph, Ink, Series, Stroke};
use crate::notation::{self, short};
use serde_json::{json, Map, Value};

pub struct GlrlEquivalence;

/// Largest distance from GLRL's path (relative to ‖W_GLRL(∞)‖) allowed at the smallest α.
pub const MAX_DISTANCE: f64 = 0.15;
/// The distance must fall at least this much per two decades of α.
pub const RATE: f64 = 1.25;
/// GLRL's output counts as the target itself below this relative distance: then the end point says nothing
/// about GLRL, only that GD fits M.
pub const IS_TARGET: f64 = 1e-3;

fn tracker(exp: &Experiment) -> Option<&Tracker> {
    exp.observer::<Tracker>()
}

/// Steps by which member i's time is shifted to align with GLRL's: its step at which σ₁ reaches half of
/// GLRL's first phase output, minus GLRL's. None until both have.
pub fn shift(exp: &Experiment, i: usize) -> Option<i64> {
    let path = tracker(exp)?.path.as_ref()?;
    let own = first_reaching(&exp.members[i].run, path.threshold)?;
    Some(own as i64 - path.first? as i64)
}

/// The GD runs as (α, member index), α descending.
fn gd_runs(exp: &Experiment) -> Vec<(f64, usize)> {
    let mut v: Vec<(f64, usize)> = exp
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| !is_glrl(&m.run.config))
        .map(|(i, m)| (m.run.config.model.init_scale, i))
        .collect();
    crate::order::by_key_descending(&mut v, |p| p.0);
    v
}

/// ‖W_GLRL(∞) − M‖/‖M‖ when there is a target.
fn glrl_output_vs_target(exp: &Experiment) -> Option<f64> {
    let path = tracker(exp)?.path.as_ref()?;
    let m = exp.members[0].run.problem.truth.as_ref()?;
    Some((&path.end - m).norm() / m.norm().max(1e-300))
}

/// ‖W(t) − W_GLRL(∞)‖/‖W_GLRL(∞)‖ of member i now.
fn final_distance(exp: &Experiment, i: usize) -> Option<f64> {
    let path = tracker(exp)?.path.as_ref()?;
    Some((exp.members[i].run.end_to_end() - &path.end).norm() / path.end.norm().max(1e-300))
}

impl Claim for GlrlEquivalence {
    fn id(&self) -> &'static str {
        "glrl_distance"
    }

    fn observer(&self, exp: &mut Experiment) -> Option<Box<dyn Observer>> {
        Some(Box::new(Tracker::start(exp)))
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        let Some(t) = tracker(exp) else { return (lines, values) };
        for (i, m) in exp.members.iter().enumerate() {
            if is_glrl(&m.run.config) {
                let tops: Vec<String> = m.run.phases().iter().map(|p| format!("{:.3}", p.top_value)).collect();
                let outputs = t.path.as_ref().map_or(0, |p| p.outputs.len());
                lines.push(format!("{}: {outputs} phases (top values {})", m.name(), tops.join(", ")));
                continue;
            }
            let closest = &t.closest[i];
            let worst = closest.iter().copied().fold(0.0, f64::max);
            let shown: Vec<String> = closest.iter().map(|d| num(*d)).collect();
            let escaped = t.farthest_escaped[i].map_or("– (still at the scale of W(0))".into(), |d| {
                format!("{} after leaving W(0)'s scale", num(d))
            });
            lines.push(format!(
                "{}: farthest from GLRL's path {escaped} ({} from step 0); closest approach to W₁…W{}: {}",
                m.name(),
                num(t.farthest[i]),
                notation::sub(closest.len()),
                shown.join(", ")
            ));
            values.insert(
                m.name(),
                json!({"closest": closest, "worst": worst, "path_farthest": t.farthest[i],
                       "path_farthest_escaped": t.farthest_escaped[i], "final_distance": final_distance(exp, i)}),
            );
        }
        if let Some(e) = glrl_output_vs_target(exp) {
            if e < IS_TARGET {
                lines.push(format!(
                    "GLRL's output is the target M itself (‖W_GLRL − M‖/‖M‖ = {}): GD ending there shows it fits M, \
                     not that it follows GLRL — the path above is the test",
                    short(e)
                ));
            }
            values.insert("glrl_output_vs_target".into(), json!(e));
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "farthest from GLRL's path"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        if is_glrl(&exp.members[i].run.config) {
            return format!("{} phases", exp.members[i].run.phases().len());
        }
        tracker(exp).and_then(|t| t.farthest_escaped[i]).map_or("–".into(), num)
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        let Some(t) = tracker(exp).filter(|t| t.path.is_some()) else {
            checks.missing("no GLRL run to compare with (add a GLRL run of the same problem)");
            return checks.verdict("GD follows GLRL's path as α → 0");
        };
        let gd = gd_runs(exp);
        if gd.len() < 2 {
            checks.missing("needs GD at two α or more");
        }
        let mut measured = vec![];
        for &(alpha, i) in &gd {
            match t.farthest_escaped[i] {
                Some(d) => measured.push((alpha, d)),
                None => checks.missing(format!(
                    "GD at α = {} never left the scale of W(0) (‖W‖ < {ESCAPE}·‖W(0)‖)",
                    short(alpha)
                )),
            }
        }
        if let Some(&(alpha, d)) = measured.last() {
            checks.check(
                d <= MAX_DISTANCE,
                format!("largest distance {} at α = {} (needs ≤ {})", num(d), short(alpha), num(MAX_DISTANCE)),
            );
        }
        for w in measured.windows(2) {
            let ((a0, d0), (a1, d1)) = (w[0], w[1]);
            let need = RATE.powf((a0 / a1).log10() / 2.0);
            checks.check(
                d0 >= need * d1,
                format!(
                    "α {} → {}: {} → {}, {}× closer (needs ≥ {}×: {RATE}× per two decades)",
                    short(a0),
                    short(a1),
                    num(d0),
                    num(d1),
                    num(d0 / d1),
                    num(need)
                ),
            );
        }
        match glrl_output_vs_target(exp) {
            Some(e) if e < IS_TARGET => {}
            _ => {
                // GLRL's output is not simply the target: GD's end point must approach it as α shrinks.
                let fin: Vec<(f64, f64)> =
                    gd.iter().filter_map(|&(a, i)| final_distance(exp, i).map(|d| (a, d))).collect();
                if fin.len() >= 2 {
                    let falls = fin.windows(2).all(|w| w[1].1 < w[0].1);
                    let shown: Vec<String> = fin.iter().map(|p| num(p.1)).collect();
                    checks.check(
                        falls,
                        format!("final distance to GLRL's output as α shrinks: {} (needs to fall)", shown.join(", ")),
                    );
                }
            }
        }
        checks.verdict("GD follows GLRL's path as α → 0")
    }

    fn figure_ids(&self, exp: &Experiment) -> Vec<&'static str> {
        if gd_runs(exp).len() > 1 {
            vec!["claim", "glrl_alpha"]
        } else {
            vec!["claim"]
        }
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        match id {
            "claim" => Some(distance_figure(exp, opts)),
            "glrl_alpha" => alpha_figure(exp),
            _ => None,
        }
    }
}

/// Relative distance from GD's W(t) to GLRL's path against step, log scale, one line per α; each GD run's
/// time shifted so that its first value is learned at GLRL's step (until then, unshifted).
fn distance_figure(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = claim_figure(
        exp,
        opts,
        "Distance from GD to GLRL's path, time-aligned",
        Axis::new("‖W − path‖/‖W_GLRL(∞)‖", true),
    );
    fig.x.label = "step (GD shifted to learn σ₁ at GLRL's step)".into();
    let mut text = vec![];
    let Some(t) = tracker(exp) else { return fig };
    for (i, v) in views(exp).into_iter().enumerate() {
        if is_glrl(&v.member.run.config) {
            if v.first_of_group {
                fig.legend.retain(|e| e.label != v.legend_name);
            }
            continue;
        }
        let shift = shift(exp, i).unwrap_or(0);
        let probe = &t.probes[i].points;
        let points = probe
            .iter()
            .filter_map(|&(s, d)| {
                let t = s as i64 - shift;
                (t >= 1 || (shift == 0 && t >= 0)).then(|| Some((sx(t as u64, opts), d)))
            })
            .collect();
        fig.series.push(line(format!("{} distance", v.member.name()), v.ink, Stroke::Solid, points));
        if !probe.is_empty() {
            let shown = match super::glrl_equivalence::shift(exp, i) {
                None => ", not yet aligned".to_string(),
                Some(0) => ", not shifted".to_string(),
                Some(s) => {
                    format!(", shifted by {}{}", if s < 0 { "+" } else { "−" }, notation::step(s.unsigned_abs() as f64))
                }
            };
            let far = t.farthest_escaped[i].map_or("–".into(), short);
            text.push(format!("{} {far}{shown}", v.member.name()));
        }
    }
    fig.caption = if text.is_empty() {
        "GD's distance to GLRL's path against step.".into()
    } else {
        format!(
            "Largest distance from GLRL's path once GD has left the scale of W(0): {}; the curves fall as α \
             shrinks (Li et al.: GD → GLRL as α → 0).",
            text.join("; ")
        )
    };
    fig
}

/// The GD runs' largest distance to GLRL's path against α, log–log, and — where GLRL's output is not simply the
/// target — their final distance to GLRL's output (Li et al.: both → 0 as α → 0).
fn alpha_figure(exp: &Experiment) -> Option<Figure> {
    let t = tracker(exp)?;
    let path = t.path.as_ref()?;
    let mut far = vec![];
    let mut fin = vec![];
    for (a, i) in gd_runs(exp) {
        far.push((a, t.farthest_escaped[i].unwrap_or(f64::NAN)));
        fin.push((a, final_distance(exp, i)?));
    }
    if far.is_empty() || path.is_empty() {
        return None;
    }
    crate::order::by_key(&mut far, |p| p.0);
    crate::order::by_key(&mut fin, |p| p.0);
    let (lo, hi) = (far[0].0, far[far.len() - 1].0);
    let x = Axis {
        label: "α (init scale of each factor)".into(),
        log: true,
        range: Some((lo / 3.0, hi * 3.0)),
        integer: false,
    };
    let mut fig =
        Figure::new("glrl_alpha", "Distance to GLRL against α".into(), x, Axis::new("relative distance", true));
    let pts = |v: &[(f64, f64)]| v.iter().map(|&p| (p.1 > 0.0).then_some(p)).collect::<Vec<_>>();
    fig.series.push(line("largest distance to GLRL's path".into(), Ink::Series(0), Stroke::Solid, pts(&far)));
    fig.series.push(Series::dots("largest distance to GLRL's path (runs)", Ink::Series(0), pts(&far)));
    fig.legend("largest distance to GLRL's path (after leaving W(0))", Ink::Series(0), Glyph::Line);
    let target = glrl_output_vs_target(exp).is_some_and(|e| e < IS_TARGET);
    if !target {
        fig.series.push(line("final distance to GLRL's output".into(), Ink::Series(1), Stroke::Dashed, pts(&fin)));
        fig.series.push(Series::dots("final distance to GLRL's output (runs)", Ink::Series(1), pts(&fin)));
        fig.legend("final distance to GLRL's output", Ink::Series(1), Glyph::Dashed);
    }
    let fmt = |v: &[(f64, f64)]| {
        v.iter().rev().map(|p| format!("{} at α = {}", short(p.1), short(p.0))).collect::<Vec<_>>().join(", ")
    };
    fig.caption = format!(
        "{}Largest distance from GLRL's path: {}{} (relative to ‖W_GLRL(∞)‖).",
        if exp.running() { "So far (runs still going). " } else { "" },
        fmt(&far),
        if target {
            "; GLRL's output is the target itself, so GD's end point is not compared with it".into()
        } else {
            format!("; final distance to GLRL's output: {}", fmt(&fin))
        }
    );
    Some(fig)
}
