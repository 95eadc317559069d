//! The figures every experiment has, as data: `singular_values`, `loss`, `hessian` (λₘₐₓ, when recorded) and
//! `matrices`, and the helpers a claim's own figures are built with (`crate::claims` adds those and orders
//! them). The page and the CLI both draw these.

use super::{Axis, Band, Figure, Glyph, Ink, Mark, Marker, Matrices, Panel, Reference, Series, Stroke};
use crate::experiment::{stages::Plateau, trace::Sample, Experiment, Member};
use crate::notation::{self, sigma};

/// Most singular values drawn per run (the rest are not informative at a glance).
pub const MAX_SV_SERIES: usize = 20;
/// Convex-baseline singular values below this fraction of its largest are not drawn.
pub const BASELINE_FLOOR: f64 = 1e-3;
/// Distinct series colours before single-run singular values turn muted.
const COLOURED: usize = 6;

/// What the figures show beyond the data.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Log₁₀ step axis (step 0 is drawn at step 1, the axis' left edge).
    pub log_steps: bool,
    /// Draw the convex baseline where it is known.
    pub baseline: bool,
    /// At most this many points per series from the trace (0: every sample), kept evenly along the step axis
    /// (in log₁₀ step on a log axis), first and last always: the page sends figures every frame, and a chart
    /// shows no more than a few hundred distinct x positions anyway.
    pub max_points: usize,
    /// The step the reader looks at (the page's time slider): a labelled vertical line on every step axis,
    /// and the matrix view shows W at the snapshot nearest to it. None: the latest step.
    pub cursor: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options { log_steps: true, baseline: true, max_points: 0, cursor: None }
    }
}

/// Indices of the samples kept by [`Options::max_points`]: the first sample of each of `max_points` equal
/// intervals of the (mapped) step axis, and the last sample.
fn kept(samples: &[Sample], opts: Options) -> Vec<usize> {
    let n = samples.len();
    if opts.max_points == 0 || n <= opts.max_points {
        return (0..n).collect();
    }
    let map = |s: &Sample| sx(s.step, opts).max(1.0);
    let map = |s: &Sample| if opts.log_steps { map(s).log10() } else { s.step as f64 };
    let (lo, hi) = (map(&samples[0]), map(&samples[n - 1]));
    let width = (hi - lo) / opts.max_points as f64;
    let mut out = vec![];
    let mut last_bucket = None;
    for (i, s) in samples.iter().enumerate() {
        let bucket = if width > 0.0 { ((map(s) - lo) / width).floor() as i64 } else { 0 };
        if last_bucket != Some(bucket) || i == n - 1 {
            out.push(i);
            last_bucket = Some(bucket);
        }
    }
    out
}

/// Puts the reader's cursor on a figure whose x axis is the step axis.
pub fn with_cursor(mut fig: Figure, exp: &Experiment, opts: Options) -> Figure {
    if let Some(step) = opts.cursor {
        if fig.x == step_axis(exp, opts) {
            fig.cursor =
                Some(super::Cursor { x: sx(step, opts), label: format!("step {}", notation::step(step as f64)) });
        }
    }
    fig
}

/// A member as drawn: its colour (one per group), whether it names its group in the legend, and that name
/// (the run's own label when it is alone in its group, else the group's).
pub struct View<'a> {
    pub member: &'a Member,
    pub ink: Ink,
    pub first_of_group: bool,
    pub legend_name: String,
}

pub fn views(exp: &Experiment) -> Vec<View<'_>> {
    let mut groups: Vec<&str> = vec![];
    exp.members
        .iter()
        .map(|m| {
            let first_of_group = !groups.contains(&m.group.as_str());
            if first_of_group {
                groups.push(&m.group);
            }
            let idx = groups.iter().position(|g| *g == m.group).unwrap_or(0);
            let alone = exp.members.iter().filter(|o| o.group == m.group).count() == 1;
            let legend_name = if alone && !m.label.is_empty() { m.label.clone() } else { m.group.clone() };
            View { member: m, ink: Ink::Series(idx), first_of_group, legend_name }
        })
        .collect()
}

/// The step axis over the planned run length (the longest member's `steps`), fixed from the start.
pub fn step_axis(exp: &Experiment, opts: Options) -> Axis {
    let steps = exp.members.iter().map(|m| m.run.config.steps).max().unwrap_or(1).max(2) as f64;
    Axis {
        label: "step".into(),
        log: opts.log_steps,
        range: Some((if opts.log_steps { 1.0 } else { 0.0 }, steps)),
        integer: false,
    }
}

/// x of a step: on a log axis step 0 sits at 1, the left edge.
pub fn sx(step: u64, opts: Options) -> f64 {
    if opts.log_steps {
        step.max(1) as f64
    } else {
        step as f64
    }
}

pub fn line(label: String, ink: Ink, stroke: Stroke, points: Vec<Option<(f64, f64)>>) -> Series {
    Series::line(label, ink, stroke, points)
}

pub fn of_samples(samples: &[Sample], opts: Options, f: impl Fn(&Sample) -> Option<f64>) -> Vec<Option<(f64, f64)>> {
    if opts.max_points == 0 || samples.len() <= opts.max_points {
        return samples.iter().map(|s| f(s).map(|v| (sx(s.step, opts), v))).collect();
    }
    kept(samples, opts).into_iter().map(|i| &samples[i]).map(|s| f(s).map(|v| (sx(s.step, opts), v))).collect()
}

/// "σ₁…σ₄".
fn sigma_range(k: usize) -> String {
    match k {
        0 => "no value".into(),
        1 => sigma(1),
        _ => format!("σ₁…{}", sigma(k)),
    }
}

/// σᵢ(W) against step on a log scale: targets dashed, the convex baseline in grey, a labelled mark where each
/// target value is learned, GLRL phase starts as vertical lines.
pub fn singular_values(exp: &Experiment, opts: Options) -> Figure {
    let single = exp.members.len() == 1;
    let truth = exp.members[0].run.problem.truth_singular_values();
    let per_run = if single { MAX_SV_SERIES } else { truth.as_ref().map_or(4, |t| t.len().max(1)).min(MAX_SV_SERIES) };
    let mut fig =
        Figure::new("singular_values", "Singular values of W".into(), step_axis(exp, opts), Axis::new("σᵢ(W)", true));
    for v in views(exp) {
        let samples = v.member.run.trace.samples();
        let k = samples.iter().map(|s| s.singular_values.len()).max().unwrap_or(0).min(per_run);
        for i in 0..k {
            let (label, ink, width) = if single {
                (
                    sigma(i + 1),
                    if i < COLOURED { Ink::Series(i) } else { Ink::Muted },
                    if i < COLOURED { 2.0 } else { 1.2 },
                )
            } else {
                (format!("{} {}", v.member.name(), sigma(i + 1)), v.ink, 2.0)
            };
            let points = of_samples(samples, opts, |s| s.singular_values.get(i).copied());
            fig.series.push(Series { label, ink, stroke: Stroke::Solid, width, points });
        }
        if single {
            for i in 0..k.min(COLOURED) {
                fig.legend(sigma(i + 1), Ink::Series(i), Glyph::Line);
            }
            if k > COLOURED {
                fig.legend(format!("{}…{}", sigma(COLOURED + 1), sigma(k)), Ink::Muted, Glyph::Line);
            }
        } else if v.first_of_group {
            fig.legend(v.legend_name.clone(), v.ink, Glyph::Line);
        }
    }
    if let Some(t) = &truth {
        for (i, &s) in t.iter().enumerate().take(MAX_SV_SERIES) {
            let ink = if single && i < COLOURED { Ink::Series(i) } else { Ink::Neutral };
            fig.references.push(Reference { y: s, ink, label: None });
        }
        fig.legend("target sᵢ (dashed)", Ink::Neutral, Glyph::Dashed);
    }
    if opts.baseline {
        if let Some(b) = exp.baseline() {
            let top = b.singular_values.first().copied().unwrap_or(0.0);
            for &s in b.singular_values.iter().filter(|&&s| s >= BASELINE_FLOOR * top && s > 0.0).take(MAX_SV_SERIES) {
                fig.references.push(Reference { y: s, ink: Ink::Muted, label: None });
            }
            fig.legend(
                if b.psd { "convex baseline (minimum trace)" } else { "convex baseline (minimum ‖W‖*)" },
                Ink::Muted,
                Glyph::Dashed,
            );
        }
    }
    // Milestones: where each target value is learned (σᵢ first above ½ sᵢ).
    let mut learned_text = vec![];
    if truth.is_some() {
        for v in views(exp) {
            let samples = v.member.run.trace.samples();
            let steps = v.member.run.learned();
            let mut shown = vec![];
            for (i, step) in steps.iter().enumerate() {
                let Some(step) = *step else { continue };
                // The value drawn is the first recorded one at or after the exact step.
                let Some(y) = samples.iter().find(|s| s.step >= step).and_then(|s| s.singular_values.get(i)) else {
                    continue;
                };
                // Several runs of one group (seeds): only the first one's marks carry a label.
                let label = if single {
                    format!("{} · {}", sigma(i + 1), notation::step(step as f64))
                } else if v.first_of_group {
                    notation::step(step as f64)
                } else {
                    String::new()
                };
                let ink = if single && i < COLOURED { Ink::Series(i) } else { v.ink };
                fig.marks.push(Mark { x: sx(step, opts), y: *y, ink, label });
                shown.push(notation::step(step as f64));
            }
            if !shown.is_empty() {
                let who = if single { String::new() } else { format!("{}: ", v.member.name()) };
                let steps = if shown.len() == 1 { "step" } else { "steps" };
                learned_text.push(format!("{who}{} learned at {steps} {}", sigma_range(shown.len()), shown.join(", ")));
            }
        }
        if !fig.marks.is_empty() {
            fig.legend("learned (σᵢ > sᵢ/2)", Ink::Neutral, Glyph::Point);
        }
    }
    // Theory where it is exact (aligned init, full PSD target, plain GD): each mode's σ_k dotted, and the
    // step it predicts for each value to be learned as a point on s_k/2.
    let mut theory_text = vec![];
    let drawn = fig.series.len();
    for v in views(exp) {
        let Some(th) = &v.member.run.theory else { continue };
        let who = if single { String::new() } else { format!("{} ", v.member.name()) };
        for k in 0..th.targets.len().min(MAX_SV_SERIES) {
            let points = th
                .points
                .iter()
                .filter(|(t, _)| !opts.log_steps || *t > 0)
                .map(|(t, s)| Some((sx(*t, opts), s[k])))
                .collect();
            fig.series.push(Series {
                label: format!("{who}{} theory", sigma(k + 1)),
                ink: Ink::Muted,
                stroke: Stroke::Dotted,
                width: 5.0,
                points,
            });
            if let Some(t) = th.learned[k] {
                fig.marks.push(Mark {
                    x: sx(t, opts),
                    y: 0.5 * th.targets[k],
                    ink: Ink::Neutral,
                    label: String::new(),
                });
            }
        }
        let shown: Vec<String> =
            th.learned.iter().map(|t| t.map_or("–".into(), |t| notation::step(t as f64))).collect();
        theory_text.push(format!("{who}theory: learned at {}", shown.join(", ")));
    }
    if !theory_text.is_empty() {
        // Under the simulation's lines: where GD matches it, the theory shows as a halo around them.
        let theory: Vec<Series> = fig.series.drain(drawn..).collect();
        fig.series.splice(0..0, theory);
        fig.legend("theory: exact recursion for aligned init", Ink::Muted, Glyph::Dotted);
    }
    for v in views(exp) {
        for p in v.member.run.phases() {
            fig.markers.push(Marker { x: sx(p.step, opts), ink: v.ink });
        }
        if !v.member.run.phases().is_empty() {
            fig.legend("GLRL phase starts", v.ink, Glyph::Marker);
        }
    }
    fig.caption = sv_caption(exp, truth.as_deref(), &learned_text);
    if !theory_text.is_empty() {
        fig.caption.push_str(&format!(" Dotted: the exact per-mode recursion ({}).", theory_text.join("; ")));
    }
    if exp.members.iter().any(|m| m.run.config.model.init_convention == crate::config::InitConvention::Product) {
        fig.caption.push_str(" α sets the scale of the product W(0) (product convention), not of each factor.");
    }
    fig
}

fn sv_caption(exp: &Experiment, truth: Option<&[f64]>, learned: &[String]) -> String {
    let step = exp.members.iter().map(|m| m.run.step()).max().unwrap_or(0);
    if step == 0 {
        let s = exp.members[0].run.trace.samples().first().and_then(|s| s.singular_values.first().copied());
        return format!(
            "Singular values of W at step 0 (largest {}), before any step; {}.",
            s.map_or("–".into(), notation::short),
            truth.map_or("no ground truth".into(), |t| format!("targets {}", fmt_list(t)))
        );
    }
    let mut parts = vec![];
    if learned.is_empty() {
        if truth.is_some() {
            parts.push(format!("No target value learned yet at step {}", notation::step(step as f64)));
        }
    } else {
        parts.extend(learned.iter().cloned());
    }
    if exp.members.len() > 1 && truth.is_none() {
        for m in &exp.members {
            let last = m.run.trace.last().map(|s| s.singular_values.clone()).unwrap_or_default();
            parts.push(format!("{}: {} now", m.name(), fmt_list(&last[..last.len().min(3)])));
        }
    }
    if exp.members.len() == 1 {
        let run = &exp.members[0].run;
        let r = truth.map_or(0, <[f64]>::len);
        let rest_max =
            run.trace.samples().iter().flat_map(|s| s.singular_values.iter().skip(r)).copied().fold(0.0, f64::max);
        let last = run.trace.last().map(|s| s.singular_values.clone()).unwrap_or_default();
        if r > 0 && last.len() > r {
            parts.push(format!("the other {} stay below {}", last.len() - r, notation::short(rest_max)));
        } else if r == 0 {
            parts.push(format!("largest singular values now {}", fmt_list(&last[..last.len().min(4)])));
        }
    }
    format!("{}.", parts.join("; "))
}

fn fmt_list(v: &[f64]) -> String {
    v.iter().map(|x| notation::number(*x, 3)).collect::<Vec<_>>().join(", ")
}

/// ℓ(W) and the test error against step, log scale; `plateaus` of each run shaded (the claim's stages).
pub fn loss(exp: &Experiment, opts: Options, plateaus: &dyn Fn(&Member) -> Vec<Plateau>) -> Figure {
    let single = exp.members.len() == 1;
    let mut fig = Figure::new("loss", "Loss".into(), step_axis(exp, opts), Axis::new("", true));
    let mut tests = false;
    for v in views(exp) {
        let samples = v.member.run.trace.samples();
        let (ink, test_ink) = if single { (Ink::Series(0), Ink::Series(1)) } else { (v.ink, v.ink) };
        let name = if single { String::new() } else { format!("{} ", v.member.name()) };
        fig.series.push(line(format!("{name}loss"), ink, Stroke::Solid, of_samples(samples, opts, |s| Some(s.loss))));
        if samples.iter().any(|s| s.test_error.is_some()) {
            tests = true;
            fig.series.push(line(
                format!("{name}test error"),
                test_ink,
                Stroke::Dashed,
                of_samples(samples, opts, |s| s.test_error),
            ));
        }
        if single {
            fig.legend("loss ℓ(W)", ink, Glyph::Line);
            if tests {
                fig.legend("test error on unseen entries", test_ink, Glyph::Dashed);
            }
        } else if v.first_of_group {
            fig.legend(v.legend_name.clone(), v.ink, Glyph::Line);
        }
        for p in plateaus(v.member) {
            fig.bands.push(Band { x0: sx(p.start_step, opts), x1: sx(p.end_step, opts), ink: v.ink, label: None });
        }
    }
    if tests && !single {
        fig.legend("test error (dashed)", Ink::Neutral, Glyph::Dashed);
    }
    if !fig.bands.is_empty() {
        fig.legend("plateau (one stage)", Ink::Neutral, Glyph::Band);
    }
    fig.caption = exp
        .members
        .iter()
        .map(|m| {
            let s = m.run.trace.samples();
            let (a, b) = (s.first().map_or(f64::NAN, |x| x.loss), s.last().map_or(f64::NAN, |x| x.loss));
            let test = s
                .last()
                .and_then(|x| x.test_error)
                .map_or(String::new(), |t| format!(", test error {}", notation::short(t)));
            let who = if single { "The loss".to_string() } else { format!("{}: loss", m.name()) };
            format!(
                "{who} went from {} to {} in {} steps{test}.",
                notation::short(a),
                notation::short(b),
                notation::step(m.run.step() as f64)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    fig
}

/// A figure named "claim" on the step axis, with one legend entry per group when several runs are drawn.
pub fn claim_figure(exp: &Experiment, opts: Options, title: &str, y: Axis) -> Figure {
    let mut f = Figure::new("claim", title.into(), step_axis(exp, opts), y);
    for v in views(exp) {
        if v.first_of_group && exp.members.len() > 1 {
            f.legend(v.legend_name.clone(), v.ink, Glyph::Line);
        }
    }
    f
}

/// λₘₐₓ of the Hessian against step (λₘᵢₙ has its own figure).
pub fn hessian_max(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = Figure::new(
        "hessian",
        "Largest Hessian eigenvalue λₘₐₓ".into(),
        step_axis(exp, opts),
        Axis::new("λₘₐₓ", false),
    );
    let single = exp.members.len() == 1;
    for v in views(exp) {
        let samples = v.member.run.trace.samples();
        fig.series.push(line(
            format!("{} λₘₐₓ", v.member.name()),
            v.ink,
            Stroke::Solid,
            of_samples(samples, opts, |s| s.hessian_max),
        ));
        if v.first_of_group && !single {
            fig.legend(v.legend_name.clone(), v.ink, Glyph::Line);
        }
    }
    if single {
        fig.series.push(line(
            "λₘᵢₙ".into(),
            Ink::Series(1),
            Stroke::Dashed,
            of_samples(exp.members[0].run.trace.samples(), opts, |s| s.hessian_min),
        ));
        fig.legend("λₘₐₓ", Ink::Series(0), Glyph::Line);
        fig.legend("λₘᵢₙ", Ink::Series(1), Glyph::Dashed);
        fig.title = "Hessian extremes λₘₐₓ and λₘᵢₙ".into();
    }
    fig.caption = exp
        .members
        .iter()
        .filter_map(|m| {
            m.run
                .trace
                .last()
                .and_then(|s| s.hessian_max)
                .map(|h| format!("{}: λₘₐₓ now {}", m.name(), notation::number(h, 3)))
        })
        .collect::<Vec<_>>()
        .join("; ");
    fig
}

/// Heatmaps of the first run's W now, the target (when known) and the observed entries.
/// W of the first run (now, or at the snapshot nearest to `cursor`), the target and the observed entries.
pub fn matrices(exp: &Experiment, cursor: Option<u64>) -> Matrices {
    let run = &exp.members[0].run;
    let (at, w, note) = match cursor.and_then(|c| run.snapshots.nearest(c).map(|(s, w)| (c, s, w))) {
        Some((c, s, w)) if s == c => (s, w.clone(), String::new()),
        Some((c, s, w)) => (s, w.clone(), format!(" (the kept W nearest to step {})", notation::step(c as f64))),
        None => (run.step(), run.end_to_end(), String::new()),
    };
    let truth = run.problem.truth.as_ref();
    // Each matrix on its own colour scale (full colour at ± its largest |entry|, stated in its title): W starts
    // some 1e-7 small, and on the target's scale it would be a blank square.
    let largest = |m: &nalgebra::DMatrix<f64>| m.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let scale = largest(&w);
    let mut panels = vec![Panel::Values {
        title: format!(
            "W at step {}{} (±{})",
            notation::step(at as f64),
            if note.is_empty() { "" } else { "*" },
            notation::number(scale, 2)
        ),
        matrix: w.clone(),
        scale,
    }];
    if let Some(t) = truth {
        let scale = largest(t);
        panels.push(Panel::Values {
            title: format!("target M (±{})", notation::number(scale, 2)),
            matrix: t.clone(),
            scale,
        });
    }
    let mask = run.problem.observed_mask();
    let observed = mask.iter().filter(|b| **b).count();
    panels.push(Panel::Mask { title: "observed entries".into(), mask });
    let (m, n) = (w.nrows(), w.ncols());
    let caption = format!(
        "{m}×{n} heatmaps (orange > 0, blue < 0, each on its own scale: full colour at ± the value in its title) of W at step {at}{}{}; {observed} of {} entries observed.",
        if note.is_empty() { String::new() } else { format!("*{note}") },
        if truth.is_some() { " and of the target M" } else { "" },
        m * n
    );
    Matrices { id: "matrices".into(), title: "W, the target and the observed entries".into(), caption, panels }
}

#[cfg(test)]
mod trace_thinning {
    use super::*;

    #[test]
    fn keeps_real_samples_evenly_in_log_step_first_and_last() {
        let mut exp = crate::experiment::presets::find("incremental").unwrap().experiment();
        exp.advance(50_000);
        let samples = exp.members[0].run.trace.samples();
        assert!(samples.len() > 1000);
        let opts = Options { max_points: 300, ..Options::default() };
        let k = kept(samples, opts);
        assert!(k.len() <= 302 && k.len() > 100, "{}", k.len());
        assert_eq!((k[0], *k.last().unwrap()), (0, samples.len() - 1));
        let fig = singular_values(&exp, opts);
        let first = &fig.series[0].points;
        assert_eq!(first.len(), k.len());
        // Every point is a recorded sample, exactly.
        for (p, &i) in first.iter().zip(&k) {
            assert_eq!(*p, Some((samples[i].step.max(1) as f64, samples[i].singular_values[0])));
        }
        assert_eq!(kept(samples, Options::default()).len(), samples.len());
    }
}
