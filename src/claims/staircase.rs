//! Incremental learning as a staircase (Arora et al. 2019, Li et al. 2021): the target's values are learned
//! one at a time, largest first (tied values together), and between two learning events the loss rests on a
//! plateau. Shared by the claims read off the learning steps (stage times, deeper-sharper, recovery).

use super::checks::{num, Checks};
use crate::config::ProblemKind;
use crate::experiment::stages::Plateau;
use crate::experiment::{Experiment, Member};
use crate::figure::build::{claim_figure, line, of_samples, sx, views, Options};
use crate::figure::{Axis, Band, Figure, Glyph, Ink, Reference, Stroke};
use crate::notation::{self, sigma, sub};

/// Consecutive target values at least this far apart (s_k ≥ 1.2 s_{k+1}) are distinct: learned in order.
pub const DISTINCT: f64 = 1.2;
/// Values within 1 % are tied: learned together, their learning steps within [`TIED_SPREAD`] of each other.
pub const TIED: f64 = 1.01;
pub const TIED_SPREAD: f64 = 1.2;

/// Loss plateau levels of a target with singular values `s` (descending) under full observation:
/// ½(s²ₖ₊₁ + … + s²ᵣ) for k = 0 … r−1, times `scale` (1/(m·n) for completion, whose ℓ averages over entries).
pub fn plateau_levels(s: &[f64], scale: f64) -> Vec<f64> {
    if !scale.is_finite() {
        return vec![];
    }
    (0..s.len()).map(|k| 0.5 * s[k..].iter().map(|v| v * v).sum::<f64>() * scale).collect()
}

/// The learning events of a member, grouped: indices of the target values learned together (a tie), in
/// order of the target.
pub fn groups(targets: &[f64]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![];
    for (k, &s) in targets.iter().enumerate() {
        match out.last_mut() {
            Some(g) if targets[g[0]] <= TIED * s => g.push(k),
            _ => out.push(vec![k]),
        }
    }
    out
}

/// A plateau must span at least this ratio of steps: σₖ₊₁ starts to rise (10 % of sₖ₊₁) no sooner than
/// `MIN_SPAN`× the step σₖ finished rising (90 % of sₖ).
pub const MIN_SPAN: f64 = 1.1;

/// The plateaus of a member's run, from its exact crossings: before the first value starts to rise, and
/// between each group of values (a tie counts as one) finishing its rise (90 %) and the next one starting
/// (10 %), where the next starts later. Its loss: the recorded loss nearest the plateau's middle (in log step).
pub fn plateaus(m: &Member) -> Vec<Plateau> {
    let targets = m.run.problem.truth_singular_values().unwrap_or_default();
    let (t10, t90) = (m.run.crossings.at(0), m.run.crossings.at(2));
    let samples = m.run.trace.samples();
    let loss_near = |a: u64, b: u64| {
        let mid = ((a.max(1) as f64) * (b.max(1) as f64)).sqrt() as u64;
        samples.iter().min_by_key(|s| s.step.abs_diff(mid)).map_or(f64::NAN, |s| s.loss)
    };
    let mut out = vec![];
    let mut previous_end = Some(0);
    for g in groups(&targets) {
        let start = g.iter().map(|&k| t10[k]).collect::<Option<Vec<u64>>>().and_then(|v| v.into_iter().min());
        if let (Some(a), Some(b)) = (previous_end, start) {
            if b > a {
                out.push(Plateau { start_step: a, end_step: b, loss: loss_near(a, b) });
            }
        }
        previous_end = g.iter().map(|&k| t90[k]).collect::<Option<Vec<u64>>>().and_then(|v| v.into_iter().max());
    }
    out
}

/// Checks the staircase of every member: every target value learned (σ_k > s_k/2, exact steps); distinct
/// values (ratio ≥ [`DISTINCT`]) in order; tied values within [`TIED_SPREAD`]× of each other's step; and, for
/// the members `wants_plateau` selects, a plateau between consecutive groups: the next value starts to rise
/// (10 %) at least [`MIN_SPAN`]× after the previous finished (90 %), so the loss rests at its level between.
pub fn check_staircase(exp: &Experiment, checks: &mut Checks, wants_plateau: impl Fn(&Member) -> bool) {
    let mut summary = vec![];
    for m in &exp.members {
        let targets = m.run.problem.truth_singular_values().unwrap_or_default();
        let learned = m.run.learned();
        if targets.is_empty() {
            checks.missing(format!("{}: no target to learn", m.name()));
            continue;
        }
        if let Some(k) = learned.iter().position(Option::is_none) {
            checks.missing(format!(
                "{}: {} never learned (σ > s/2) in {} steps",
                m.name(),
                sigma(k + 1),
                notation::step(m.run.step() as f64)
            ));
            continue;
        }
        let steps: Vec<u64> = learned.into_iter().flatten().collect();
        let (t10, t90) = (m.run.crossings.at(0), m.run.crossings.at(2));
        let mut ok = true;
        let mut spans = vec![];
        let groups = groups(&targets);
        for (i, g) in groups.iter().enumerate() {
            let first = g.iter().map(|&k| steps[k]).min().unwrap_or(0);
            let last = g.iter().map(|&k| steps[k]).max().unwrap_or(0);
            if g.len() > 1 && last as f64 > TIED_SPREAD * first as f64 {
                ok = false;
                checks.check(
                    false,
                    format!(
                        "{}: tied {}…{} learned apart (steps {} and {}, > {TIED_SPREAD}×)",
                        m.name(),
                        sigma(g[0] + 1),
                        sigma(g[g.len() - 1] + 1),
                        notation::step(first as f64),
                        notation::step(last as f64)
                    ),
                );
            }
            let Some(prev) = i.checked_sub(1).map(|j| &groups[j]) else { continue };
            let prev_last = prev.iter().map(|&k| steps[k]).max().unwrap_or(0);
            if first <= prev_last {
                ok = false;
                checks.check(false, format!("{}: {} learned before {}", m.name(), sigma(g[0] + 1), sigma(prev[0] + 1)));
                continue;
            }
            if !wants_plateau(m) {
                continue;
            }
            let end = prev.iter().map(|&k| t90[k]).collect::<Option<Vec<u64>>>().and_then(|v| v.into_iter().max());
            let start = g.iter().filter_map(|&k| t10[k]).min();
            match (end, start) {
                (Some(a), Some(b)) if b as f64 >= MIN_SPAN * a as f64 => spans.push(b as f64 / a as f64),
                (Some(a), Some(b)) => {
                    ok = false;
                    checks.check(
                        false,
                        format!(
                            "{}: no plateau before {}: it starts rising (10 %) at step {}, {}× the step {} finished \
                             rising (90 %), {}; needs ≥ {MIN_SPAN}×",
                            m.name(),
                            sigma(g[0] + 1),
                            notation::step(b as f64),
                            num(b as f64 / a as f64),
                            sigma(prev[prev.len() - 1] + 1),
                            notation::step(a as f64)
                        ),
                    );
                }
                _ => {
                    ok = false;
                    checks.missing(format!("{}: {} never finished its rise (90 %)", m.name(), sigma(prev[0] + 1)));
                }
            }
        }
        if ok {
            let shortest = spans.iter().copied().fold(f64::INFINITY, f64::min);
            summary.push(if spans.is_empty() {
                format!("{} (in order)", m.name())
            } else {
                format!("{} (shortest plateau {}×)", m.name(), num(shortest))
            });
        }
    }
    if !summary.is_empty() {
        checks.check(
            true,
            format!(
                "every value learned, largest first, tied values within {TIED_SPREAD}× of each other's step, and a \
                 plateau between values (the next starts rising ≥ {MIN_SPAN}× after the previous finished): {}",
                summary.join(", ")
            ),
        );
    }
}

/// "σ₁…σ₄ learned at steps 4.1k · 6.4k · …" per member, and the steps as values.
pub fn learned_lines(exp: &Experiment) -> (Vec<String>, serde_json::Map<String, serde_json::Value>) {
    let mut lines = vec![];
    let mut values = serde_json::Map::new();
    for m in &exp.members {
        let targets = m.run.problem.truth_singular_values().unwrap_or_default();
        let steps = m.run.learned();
        let shown: Vec<String> = steps.iter().map(|s| s.map_or("–".into(), |s| notation::step(s as f64))).collect();
        lines.push(format!("{}: σ₁…{} learned at steps {}", m.name(), sigma(targets.len()), shown.join(" · ")));
        values.insert(m.name(), serde_json::json!(steps));
    }
    (lines, values)
}

/// The learned steps of member i, for the runs table.
pub fn learned_cell(m: &Member) -> String {
    m.run.learned().iter().map(|s| s.map_or("–".into(), |s| notation::step(s as f64))).collect::<Vec<_>>().join(", ")
}

/// "½(s₂² + … + s₄²)" for plateau k (0-based: k values learned) of a rank-r target.
fn tail_label(k: usize, r: usize) -> String {
    if k + 1 == r {
        format!("½s{}²", sub(r))
    } else {
        format!("½(s{}² + … + s{}²)", sub(k + 1), sub(r))
    }
}

/// The predicted plateau levels of the first run's target with how they are stated: (levels, "≈ " where
/// approximate, "/mn" where ℓ averages over entries).
pub fn predicted_levels(exp: &Experiment) -> (Vec<f64>, &'static str, &'static str) {
    let run0 = &exp.members[0].run;
    let (m, n) = run0.config.dims();
    let (scale, approx, per) = match run0.config.problem.kind {
        ProblemKind::Full => (1.0, "", ""),
        ProblemKind::Sensing => (1.0, "≈ ", ""),
        ProblemKind::Completion => (1.0 / (m * n) as f64, "≈ ", "/mn"),
        ProblemKind::Entries => (f64::NAN, "", ""),
    };
    let truth = run0.problem.truth_singular_values().unwrap_or_default();
    (plateau_levels(&truth, scale), approx, per)
}

/// Loss against step with the predicted plateau levels ½(sₖ₊₁² + … + sᵣ²) (divided by m·n for completion,
/// where ℓ averages over entries) as labelled references, and — for a single run — `plateaus(member)` shaded,
/// each labelled with how many values were learned when it began.
pub fn figure(exp: &Experiment, opts: Options, plateaus: impl Fn(&Member) -> Vec<Plateau>) -> Figure {
    let single = exp.members.len() == 1;
    let mut fig =
        claim_figure(exp, opts, "Loss staircase: one plateau per singular value", Axis::new("loss ℓ(W)", true));
    let truth = exp.members[0].run.problem.truth_singular_values().unwrap_or_default();
    let (levels, approx, per) = predicted_levels(exp);
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
            format!("{} loss", v.member.name()),
            ink,
            Stroke::Solid,
            of_samples(samples, opts, |s| Some(s.loss)),
        ));
        let plateaus = plateaus(v.member);
        let learned = v.member.run.learned();
        let mut last_label = None;
        // Several runs' bands would cover each other: their loss curves show the plateaus themselves.
        for p in plateaus.iter().filter(|_| single) {
            // k = how many target values were learned when the plateau began.
            let k = learned.iter().filter(|s| s.is_some_and(|s| s <= p.start_step)).count();
            let label = (single && last_label != Some(k)).then(|| format!("k = {k}"));
            last_label = Some(k);
            fig.bands.push(Band { x0: sx(p.start_step, opts), x1: sx(p.end_step, opts), ink, label });
        }
        let shown: Vec<String> = plateaus.iter().map(|p| notation::number(p.loss, 3)).collect();
        let who = if single { "Loss".to_string() } else { format!("{}: loss", v.member.name()) };
        found
            .push(format!("{who} plateaus at {}", if shown.is_empty() { "none yet".into() } else { shown.join(", ") }));
    }
    if single {
        fig.legend("loss ℓ(W)", Ink::Series(0), Glyph::Line);
    }
    if !fig.bands.is_empty() {
        fig.legend("plateau with k values learned", Ink::Neutral, Glyph::Band);
    }
    let list = levels.iter().map(|x| notation::number(*x, 3)).collect::<Vec<_>>().join(", ");
    fig.caption = format!(
        "{}; predicted {approx}½(sₖ₊₁² + … + sᵣ²){per}: {}.",
        found.join("; "),
        if levels.is_empty() { "none (no ground truth)".into() } else { list }
    );
    fig
}
