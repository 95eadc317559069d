//! The figures of an experiment, as data: `singular_values`, `claim` (the picture that makes the preset's
//! claim), `loss`, `hessian` (λₘₐₓ, when recorded) and `matrices`. The page and the CLI both draw these.

use super::{Axis, Band, Drawing, Figure, Glyph, Ink, Mark, Marker, Matrices, Panel, Reference, Series, Stroke};
use crate::config::ProblemKind;
use crate::experiment::{self, stages, trace::Sample, Claim, Experiment, Member};
use crate::notation::{self, sigma, sub};

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

/// Ids of the figures the page shows for `exp`, in page order: the one that states the claim first (the claim's
/// figure where [`Claim::leads`], else the singular values), then the other of the two.
pub fn ids(exp: &Experiment) -> Vec<&'static str> {
    let mut ids = match exp.claim {
        Some(c) if c.leads() => vec!["claim", "singular_values"],
        Some(_) => vec!["singular_values", "claim"],
        None => vec!["singular_values"],
    };
    if exp.glrl_path().is_some() && exp.members.iter().filter(|m| !experiment::is_glrl(&m.run.config)).count() > 1 {
        ids.push("glrl_alpha");
    }
    ids.push("loss");
    if exp.members.iter().any(|m| m.run.config.hessian) {
        ids.push("hessian");
    }
    ids.push("matrices");
    ids
}

/// The figure `id` of `exp`, if it shows one.
pub fn drawing(exp: &Experiment, id: &str, opts: Options) -> Option<Drawing> {
    if !ids(exp).contains(&id) {
        return None;
    }
    let chart = match id {
        "singular_values" => singular_values(exp, opts),
        "claim" => claim(exp, opts)?,
        "glrl_alpha" => glrl_alpha(exp)?,
        "loss" => loss(exp, opts),
        "hessian" => hessian_max(exp, opts),
        "matrices" => return Some(Drawing::Matrices(matrices(exp, opts.cursor))),
        _ => return None,
    };
    Some(Drawing::Chart(with_cursor(chart, exp, opts)))
}

/// Puts the reader's cursor on a figure whose x axis is the step axis.
fn with_cursor(mut fig: Figure, exp: &Experiment, opts: Options) -> Figure {
    if let Some(step) = opts.cursor {
        if fig.x == step_axis(exp, opts) {
            fig.cursor =
                Some(super::Cursor { x: sx(step, opts), label: format!("step {}", notation::step(step as f64)) });
        }
    }
    fig
}

/// Every figure of `exp`, in page order.
pub fn all(exp: &Experiment, opts: Options) -> Vec<Drawing> {
    ids(exp).into_iter().filter_map(|id| drawing(exp, id, opts)).collect()
}

/// A member as drawn: its colour (one per group), whether it names its group in the legend, and that name
/// (the run's own label when it is alone in its group, else the group's).
struct View<'a> {
    member: &'a Member,
    ink: Ink,
    first_of_group: bool,
    legend_name: String,
}

fn views(exp: &Experiment) -> Vec<View<'_>> {
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
fn step_axis(exp: &Experiment, opts: Options) -> Axis {
    let steps = exp.members.iter().map(|m| m.run.config.steps).max().unwrap_or(1).max(2) as f64;
    Axis {
        label: "step".into(),
        log: opts.log_steps,
        range: Some((if opts.log_steps { 1.0 } else { 0.0 }, steps)),
        integer: false,
    }
}

/// x of a step: on a log axis step 0 sits at 1, the left edge.
fn sx(step: u64, opts: Options) -> f64 {
    if opts.log_steps {
        step.max(1) as f64
    } else {
        step as f64
    }
}

fn line(label: String, ink: Ink, stroke: Stroke, points: Vec<Option<(f64, f64)>>) -> Series {
    Series::line(label, ink, stroke, points)
}

fn of_samples(samples: &[Sample], opts: Options, f: impl Fn(&Sample) -> Option<f64>) -> Vec<Option<(f64, f64)>> {
    if opts.max_points == 0 || samples.len() <= opts.max_points {
        return samples.iter().map(|s| f(s).map(|v| (sx(s.step, opts), v))).collect();
    }
    kept(samples, opts).into_iter().map(|i| &samples[i]).map(|s| f(s).map(|v| (sx(s.step, opts), v))).collect()
}

fn run_name(m: &Member) -> String {
    if m.label.is_empty() {
        "run".into()
    } else {
        m.label.clone()
    }
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
                (format!("{} {}", run_name(v.member), sigma(i + 1)), v.ink, 2.0)
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
    if let Some(t) = &truth {
        for v in views(exp) {
            let samples = v.member.run.trace.samples();
            let steps = stages::learned_steps(samples, t);
            let mut shown = vec![];
            for (i, step) in steps.iter().enumerate() {
                let Some(step) = *step else { continue };
                let Some(y) = samples.iter().find(|s| s.step == step).and_then(|s| s.singular_values.get(i)) else {
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
                let who = if single { String::new() } else { format!("{}: ", run_name(v.member)) };
                let steps = if shown.len() == 1 { "step" } else { "steps" };
                learned_text.push(format!("{who}{} learned at {steps} {}", sigma_range(shown.len()), shown.join(", ")));
            }
        }
        if !fig.marks.is_empty() {
            fig.legend("learned (σᵢ > sᵢ/2)", Ink::Neutral, Glyph::Point);
        }
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
            parts.push(format!("{}: {} now", run_name(m), fmt_list(&last[..last.len().min(3)])));
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

/// ℓ(W) and the test error against step, log scale; detected plateaus shaded when the claim counts stages.
pub fn loss(exp: &Experiment, opts: Options) -> Figure {
    let single = exp.members.len() == 1;
    let mut fig = Figure::new("loss", "Loss".into(), step_axis(exp, opts), Axis::new("", true));
    let mut tests = false;
    for v in views(exp) {
        let samples = v.member.run.trace.samples();
        let (ink, test_ink) = if single { (Ink::Series(0), Ink::Series(1)) } else { (v.ink, v.ink) };
        let name = if single { String::new() } else { format!("{} ", run_name(v.member)) };
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
        if matches!(exp.claim, Some(Claim::Stages)) {
            for p in stages::plateaus(samples) {
                fig.bands.push(Band { x0: sx(p.start_step, opts), x1: sx(p.end_step, opts), ink: v.ink, label: None });
            }
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
            let who = if single { "The loss".to_string() } else { format!("{}: loss", run_name(m)) };
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

/// The picture that makes the preset's claim.
pub fn claim(exp: &Experiment, opts: Options) -> Option<Figure> {
    Some(match exp.claim? {
        Claim::StageTimes => staircase(exp, opts),
        Claim::Stages if exp.members.iter().any(|m| m.run.config.hessian) => lambda_min(exp, opts),
        Claim::Stages => staircase(exp, opts),
        Claim::NuclearNorm => nuclear_norms(exp, opts),
        Claim::GlrlDistance => glrl_distance(exp, opts),
        Claim::SecondAtFirst => second_at_first(exp),
        Claim::NormRatio => norm_ratio(exp, opts),
        Claim::NormsDiverge => norms_diverge(exp, opts),
        Claim::EscapeTime => escape_time(exp),
    })
}

fn claim_figure(exp: &Experiment, opts: Options, title: &str, y: Axis) -> Figure {
    let mut f = Figure::new("claim", title.into(), step_axis(exp, opts), y);
    for v in views(exp) {
        if v.first_of_group && exp.members.len() > 1 {
            f.legend(v.legend_name.clone(), v.ink, Glyph::Line);
        }
    }
    f
}

/// "½(s₂² + … + s₄²)" for plateau k (0-based: k values learned) of a rank-r target.
fn tail_label(k: usize, r: usize) -> String {
    if k + 1 == r {
        format!("½s{}²", sub(r))
    } else {
        format!("½(s{}² + … + s{}²)", sub(k + 1), sub(r))
    }
}

/// Loss against step with the predicted plateau levels ½(sₖ₊₁² + … + sᵣ²) (divided by m·n for completion,
/// where ℓ averages over entries) as labelled references, detected plateaus shaded.
fn staircase(exp: &Experiment, opts: Options) -> Figure {
    let single = exp.members.len() == 1;
    let mut fig =
        claim_figure(exp, opts, "Loss staircase: one plateau per singular value", Axis::new("loss ℓ(W)", true));
    let run0 = &exp.members[0].run;
    let (m, n) = run0.config.dims();
    let (scale, approx, per) = match run0.config.problem.kind {
        ProblemKind::Full => (1.0, "", ""),
        ProblemKind::Sensing => (1.0, "≈ ", ""),
        ProblemKind::Completion => (1.0 / (m * n) as f64, "≈ ", "/mn"),
        ProblemKind::Entries => (f64::NAN, "", ""),
    };
    let truth = run0.problem.truth_singular_values().unwrap_or_default();
    let levels = experiment::plateau_levels(&truth, scale);
    for (k, &level) in levels.iter().enumerate() {
        let label = format!("{approx}{}{per} = {}", tail_label(k, truth.len()), notation::number(level, 3));
        fig.references.push(Reference { y: level, ink: Ink::Neutral, label: Some(label) });
    }
    if !levels.is_empty() {
        fig.legend(format!("predicted level {approx}½(sₖ₊₁² + … + sᵣ²){per}"), Ink::Neutral, Glyph::Dashed);
    }
    let mut found = vec![];
    for v in views(exp) {
        let samples = v.member.run.trace.samples();
        let ink = if single { Ink::Series(0) } else { v.ink };
        fig.series.push(line(
            format!("{} loss", run_name(v.member)),
            ink,
            Stroke::Solid,
            of_samples(samples, opts, |s| Some(s.loss)),
        ));
        let plateaus = stages::plateaus(samples);
        let learned = stages::learned_steps(samples, &truth);
        let mut last_label = None;
        for p in &plateaus {
            // k = how many target values were learned when the plateau began.
            let k = learned.iter().filter(|s| s.is_some_and(|s| s <= p.start_step)).count();
            let label = (single && last_label != Some(k)).then(|| format!("k = {k}"));
            last_label = Some(k);
            fig.bands.push(Band { x0: sx(p.start_step, opts), x1: sx(p.end_step, opts), ink, label });
        }
        let shown: Vec<String> = plateaus.iter().map(|p| notation::number(p.loss, 3)).collect();
        let who = if single { "Loss".to_string() } else { format!("{}: loss", run_name(v.member)) };
        found
            .push(format!("{who} plateaus at {}", if shown.is_empty() { "none yet".into() } else { shown.join(", ") }));
    }
    if single {
        fig.legend("loss ℓ(W)", Ink::Series(0), Glyph::Line);
    }
    if !fig.bands.is_empty() {
        fig.legend("plateau with k values learned", Ink::Neutral, Glyph::Band);
    }
    fig.caption = format!(
        "{}; predicted {}{}{}: {}.",
        found.join("; "),
        approx,
        "½(sₖ₊₁² + … + sᵣ²)",
        per,
        if levels.is_empty() { "none (no ground truth)".into() } else { fmt_list(&levels) }
    );
    fig
}

/// λₘᵢₙ of the Hessian against step, with the depth-2 saddle values −sₖ₊₁ and the stages k = 1…R shaded.
fn lambda_min(exp: &Experiment, opts: Options) -> Figure {
    let mut fig =
        claim_figure(exp, opts, "Smallest Hessian eigenvalue λₘᵢₙ: a saddle at each stage", Axis::new("λₘᵢₙ", false));
    let truth = exp.members[0].run.problem.truth_singular_values().unwrap_or_default();
    for (k, s) in truth.iter().enumerate() {
        fig.references.push(Reference {
            y: -s,
            ink: Ink::Neutral,
            label: Some(format!("−s{} = {}", sub(k + 1), notation::number(-s, 3))),
        });
    }
    if !truth.is_empty() {
        fig.legend("−sₖ₊₁: depth-2 saddles", Ink::Neutral, Glyph::Dashed);
    }
    let mut text = vec![];
    for v in views(exp) {
        let samples = v.member.run.trace.samples();
        fig.series.push(line(
            format!("{} λₘᵢₙ", run_name(v.member)),
            v.ink,
            Stroke::Solid,
            of_samples(samples, opts, |s| s.hessian_min),
        ));
        let plateaus = stages::plateaus(samples);
        for (k, p) in plateaus.iter().enumerate() {
            fig.bands.push(Band {
                x0: sx(p.start_step, opts),
                x1: sx(p.end_step, opts),
                ink: v.ink,
                label: Some(format!("k = {}", k + 1)),
            });
        }
        let at: Vec<String> = experiment::plateau_curvature(samples, &plateaus)
            .iter()
            .map(|c| c.map_or("–".into(), |x| notation::number(x, 2)))
            .collect();
        text.push(format!(
            "{}: {} stages, λₘᵢₙ on them {}",
            run_name(v.member),
            plateaus.len(),
            if at.is_empty() { "–".into() } else { at.join(", ") }
        ));
    }
    if !fig.bands.is_empty() {
        fig.legend("stage k (loss plateau)", Ink::Neutral, Glyph::Band);
    }
    fig.caption = format!("{}.", text.join("; "));
    fig
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
            format!("{} λₘₐₓ", run_name(v.member)),
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
                .map(|h| format!("{}: λₘₐₓ now {}", run_name(m), notation::number(h, 3)))
        })
        .collect::<Vec<_>>()
        .join("; ");
    fig
}

/// ‖W‖* against step, one line per α, between the convex minimum and GLRL's output.
fn nuclear_norms(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = claim_figure(exp, opts, "Nuclear norm ‖W‖* grows as α shrinks", Axis::new("‖W‖*", false));
    let mut finals = vec![];
    for v in views(exp) {
        let run = &v.member.run;
        if experiment::is_glrl(&run.config) {
            if !run.running() {
                let value = run.trace.last().map_or(f64::NAN, |s| s.nuclear_norm);
                fig.references.push(Reference {
                    y: value,
                    ink: v.ink,
                    label: Some(format!("GLRL's output {}", notation::number(value, 3))),
                });
                finals.push(format!("GLRL {}", notation::number(value, 3)));
            }
            continue;
        }
        fig.series.push(line(
            format!("{} ‖W‖*", run_name(v.member)),
            v.ink,
            Stroke::Solid,
            of_samples(run.trace.samples(), opts, |s| Some(s.nuclear_norm)),
        ));
        if let Some(s) = run.trace.last() {
            finals.push(format!("{} {}", notation::number(s.nuclear_norm, 3), run_name(v.member)));
        }
    }
    if let Some(b) = exp.baseline() {
        let what = if b.psd { "minimum trace (PSD)" } else { "minimum ‖W‖*" };
        fig.references.push(Reference {
            y: b.nuclear_norm,
            ink: Ink::Neutral,
            label: Some(format!("convex {what} {}", notation::number(b.nuclear_norm, 3))),
        });
        fig.legend("convex baseline", Ink::Neutral, Glyph::Dashed);
        finals.push(format!("convex baseline {}", notation::number(b.nuclear_norm, 3)));
    }
    fig.caption = format!("‖W‖* now: {}.", finals.join(", "));
    fig
}

/// Relative distance from GD's W(t) to GLRL's path against step, log scale, one line per α; each GD run's
/// time shifted so that its first value is learned at GLRL's step (until then, unshifted).
fn glrl_distance(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = claim_figure(
        exp,
        opts,
        "Distance from GD to GLRL's path, time-aligned",
        Axis::new("‖W − path‖/‖W_GLRL(∞)‖", true),
    );
    fig.x.label = "step (GD shifted to learn σ₁ at GLRL's step)".into();
    let mut text = vec![];
    for (i, v) in views(exp).into_iter().enumerate() {
        if experiment::is_glrl(&v.member.run.config) {
            if v.first_of_group {
                fig.legend.retain(|e| e.label != v.legend_name);
            }
            continue;
        }
        let shift = exp.glrl_shift(i).unwrap_or(0);
        let points = exp
            .probe(i)
            .iter()
            .filter_map(|&(s, d)| {
                let t = s as i64 - shift;
                (t >= 1 || (shift == 0 && t >= 0)).then(|| Some((sx(t as u64, opts), d)))
            })
            .collect();
        fig.series.push(line(format!("{} distance", run_name(v.member)), v.ink, Stroke::Solid, points));
        if !exp.probe(i).is_empty() {
            let shown = match exp.glrl_shift(i) {
                None => ", not yet aligned".to_string(),
                Some(0) => ", not shifted".to_string(),
                Some(s) => {
                    format!(", shifted by {}{}", if s < 0 { "+" } else { "−" }, notation::step(s.unsigned_abs() as f64))
                }
            };
            text.push(format!("{} {}{shown}", run_name(v.member), notation::short(v.member.farthest())));
        }
    }
    fig.caption = if text.is_empty() {
        "GD's distance to GLRL's path against step.".into()
    } else {
        format!(
            "Largest distance from GLRL's path so far: {}; the curves fall as α shrinks (Li et al.: GD → GLRL as α → 0).",
            text.join("; ")
        )
    };
    fig
}

/// Where a figure's runs differ only by α: the GD runs' largest distance to GLRL's path and final distance to
/// GLRL's output against α, log–log (Li et al.: both → 0 as α → 0).
pub fn glrl_alpha(exp: &Experiment) -> Option<Figure> {
    let path = exp.glrl_path()?;
    let glrl = exp.members.iter().find(|m| experiment::is_glrl(&m.run.config))?;
    let output = glrl.run.end_to_end();
    let mut far = vec![];
    let mut fin = vec![];
    for m in exp.members.iter().filter(|m| !experiment::is_glrl(&m.run.config)) {
        let a = m.run.config.model.init_scale;
        far.push((a, m.farthest()));
        fin.push((a, (m.run.end_to_end() - &output).norm() / output.norm().max(1e-300)));
    }
    if far.is_empty() || path.is_empty() {
        return None;
    }
    crate::order::by_key(&mut far, |p| p.0);
    crate::order::by_key(&mut fin, |p| p.0);
    let lo = far[0].0;
    let hi = far[far.len() - 1].0;
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
    fig.series.push(line("final distance to GLRL's output".into(), Ink::Series(1), Stroke::Dashed, pts(&fin)));
    fig.series.push(Series::dots("final distance to GLRL's output (runs)", Ink::Series(1), pts(&fin)));
    fig.legend("largest distance to GLRL's path over the run", Ink::Series(0), Glyph::Line);
    fig.legend("final distance to GLRL's output", Ink::Series(1), Glyph::Dashed);
    let running = exp.running();
    let fmt = |v: &[(f64, f64)]| {
        v.iter()
            .rev()
            .map(|p| format!("{} at α = {}", notation::short(p.1), notation::short(p.0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    fig.caption = format!(
        "{}Largest distance from GLRL's path: {}; final distance to GLRL's output: {} (relative to ‖W_GLRL(∞)‖).",
        if running { "So far (runs still going). " } else { "" },
        fmt(&far),
        fmt(&fin)
    );
    Some(fig)
}

/// σ₂ at the step σ₁ is learned, per depth (one dot per seed, the median labelled), beside the prediction.
fn second_at_first(exp: &Experiment) -> Figure {
    let depths: Vec<f64> = exp.members.iter().map(|m| m.run.config.model.depth as f64).collect();
    let lo = depths.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = depths.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let x = Axis { label: "depth L".into(), log: false, range: Some((lo, hi)), integer: true };
    let mut fig = Figure::new(
        "claim",
        "σ₂ when σ₁ is learned: depth keeps it small".into(),
        x,
        Axis::new("σ₂ at that step", true),
    );
    let mut groups: Vec<(String, Ink, f64, Vec<f64>)> = vec![];
    let mut predicted: Vec<(f64, f64)> = vec![];
    for v in views(exp) {
        let run = &v.member.run;
        let depth = run.config.model.depth as f64;
        let value = experiment::second_at_first(run);
        if v.first_of_group {
            groups.push((v.member.group.clone(), v.ink, depth, vec![]));
            if let Some(p) = experiment::predicted_second_at_first(
                &run.config,
                &run.problem.truth_singular_values().unwrap_or_default(),
            ) {
                predicted.push((depth, p));
            }
        }
        if let (Some(g), Some(val)) = (groups.iter_mut().find(|g| g.0 == v.member.group), value) {
            g.3.push(val);
        }
    }
    let mut text = vec![];
    for (name, ink, depth, values) in &groups {
        fig.series.push(Series::dots(
            format!("{name} seeds"),
            *ink,
            values.iter().map(|&v| Some((*depth, v))).collect(),
        ));
        fig.legend(format!("{name} (one dot per seed)"), *ink, Glyph::Point);
        if let Some(med) = experiment::median(values) {
            fig.marks.push(Mark { x: *depth, y: med, ink: *ink, label: format!("median {}", notation::short(med)) });
            let pred = predicted
                .iter()
                .find(|p| p.0 == *depth)
                .map_or(String::new(), |p| format!(" (predicted {})", notation::short(p.1)));
            text.push(format!("{name}: median {}{pred}", notation::short(med)));
        }
    }
    if !predicted.is_empty() {
        fig.series.push(line(
            "predicted".into(),
            Ink::Neutral,
            Stroke::Dashed,
            predicted.iter().map(|&p| Some(p)).collect(),
        ));
        fig.legend("predicted (Li et al.)", Ink::Neutral, Glyph::Dashed);
    }
    fig.caption = if text.is_empty() {
        "σ₂ at the step σ₁ is learned, per depth: no run has learned σ₁ yet.".into()
    } else {
        format!("σ₂ when σ₁ is learned — {}.", text.join("; "))
    };
    fig
}

/// ‖W_L‖/‖W₁‖ against step for each run, with the noisy-GD prediction, and ‖W_L‖² − ‖W₁‖² for plain GD.
fn norm_ratio(exp: &Experiment, opts: Options) -> Figure {
    let depth = exp.members[0].run.config.model.depth;
    let (top, bottom) = (format!("‖W{}‖", sub(depth)), "‖W₁‖".to_string());
    let mut fig = claim_figure(
        exp,
        opts,
        &format!("Balance {top}/{bottom}: noisy GD finds the flat minimum"),
        Axis::new(&format!("{top}/{bottom}"), true),
    );
    let mut text = vec![];
    for v in views(exp) {
        let run = &v.member.run;
        let samples = run.trace.samples();
        let ratio = |s: &Sample| Some(s.factor_norms.last()? / s.factor_norms.first()?);
        fig.series.push(line(
            format!("{} {top}/{bottom}", run_name(v.member)),
            v.ink,
            Stroke::Solid,
            of_samples(samples, opts, ratio),
        ));
        if let Some(p) = experiment::predicted_norm_ratio(&run.config) {
            let noise = match &run.config.optimizer {
                crate::config::OptimizerConfig::NoisyGd { noise, .. } => noise.clone(),
                _ => vec![],
            };
            let label = if noise.len() > 1 {
                format!(
                    "predicted ({}/{})·√(m/n) = {}",
                    notation::number(noise[noise.len() - 1], 3),
                    notation::number(noise[0], 3),
                    notation::number(p, 3)
                )
            } else {
                format!("predicted √(m/n) = {}", notation::number(p, 3))
            };
            // Runs with the same prediction share one reference (in the first one's colour).
            if !fig.references.iter().any(|r| r.y == p) {
                fig.references.push(Reference { y: p, ink: v.ink, label: Some(label) });
                fig.legend("predicted ratio (noise)", v.ink, Glyph::Dashed);
            }
        }
        if matches!(run.config.optimizer, crate::config::OptimizerConfig::Gd { .. }) {
            let diff = |s: &Sample| Some(s.factor_norms.last()?.powi(2) - s.factor_norms.first()?.powi(2));
            fig.series.push(line(
                format!("{} {top}² − {bottom}²", run_name(v.member)),
                v.ink,
                Stroke::Dashed,
                of_samples(samples, opts, diff),
            ));
            fig.legend(format!("{top}² − {bottom}², plain GD (conserved)"), v.ink, Glyph::Dashed);
        }
        if let Some(r) = samples.last().and_then(ratio) {
            text.push(format!("{} {}", run_name(v.member), notation::number(r, 3)));
        }
    }
    fig.caption = format!("{top}/{bottom} now: {}.", text.join(", "));
    fig
}

/// The step at which σ₁ is learned against α, one colour per depth (log–log), each with its predicted law
/// drawn through the measured points' centre: slope −(L−2) at depth L ≥ 3, ln 10/(η s₁) steps per decade
/// of 1/α at depth 2 (a curve on these axes).
fn escape_time(exp: &Experiment) -> Figure {
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
    for e in experiment::escape_times(exp) {
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
                format!("+{} steps per decade of 1/α", notation::number(pred, 3)),
                e.fitted.map_or("–".into(), |f| format!("+{} per decade", notation::number(f, 3))),
            )
        } else {
            (
                format!("slope {}", notation::number(pred, 2)),
                e.fitted.map_or("–".into(), |f| format!("slope {}", notation::number(f, 3))),
            )
        };
        if let Some(&(a, t)) = e.points.first() {
            let short =
                if e.depth == 2 { format!("+{}", notation::number(pred, 3)) } else { notation::number(pred, 2) };
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

/// |W₁₁| (solid) and σ₂/σ₁ (dashed) against step, log scale.
fn norms_diverge(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = claim_figure(exp, opts, "|W₁₁| grows without bound while σ₂/σ₁ → 0", Axis::new("", true));
    let mut text = vec![];
    for (i, v) in views(exp).into_iter().enumerate() {
        let samples = v.member.run.trace.samples();
        let probe = exp.probe(i).iter().map(|&(s, w)| Some((sx(s, opts), w))).collect();
        fig.series.push(line(format!("{} |W₁₁|", run_name(v.member)), v.ink, Stroke::Solid, probe));
        let ratio = |s: &Sample| {
            (s.singular_values.len() > 1 && s.singular_values[0] > 0.0)
                .then(|| s.singular_values[1] / s.singular_values[0])
        };
        fig.series.push(line(
            format!("{} σ₂/σ₁", run_name(v.member)),
            v.ink,
            Stroke::Dashed,
            of_samples(samples, opts, ratio),
        ));
        if let (Some(w), Some(r)) = (exp.probe(i).last(), samples.last().and_then(ratio)) {
            text.push(format!(
                "{}: |W₁₁| = {}, σ₂/σ₁ = {}",
                run_name(v.member),
                notation::number(w.1, 3),
                notation::short(r)
            ));
        }
    }
    fig.legend("|W₁₁| (solid)", Ink::Neutral, Glyph::Line);
    fig.legend("σ₂/σ₁ (dashed)", Ink::Neutral, Glyph::Dashed);
    fig.caption = format!("{}.", if text.is_empty() { "|W₁₁| and σ₂/σ₁ against step".into() } else { text.join("; ") });
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
    let scale = truth.unwrap_or(&w).iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let mut panels = vec![Panel::Values {
        title: format!("W at step {}{}", notation::step(at as f64), if note.is_empty() { "" } else { "*" }),
        matrix: w.clone(),
        scale,
    }];
    if let Some(t) = truth {
        panels.push(Panel::Values { title: "target M".into(), matrix: t.clone(), scale });
    }
    let mask = run.problem.observed_mask();
    let observed = mask.iter().filter(|b| **b).count();
    panels.push(Panel::Mask { title: "observed entries".into(), mask });
    let (m, n) = (w.nrows(), w.ncols());
    let caption = format!(
        "{m}×{n} heatmaps (orange > 0, blue < 0) of W at step {at}{}{}; {observed} of {} entries observed.",
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
