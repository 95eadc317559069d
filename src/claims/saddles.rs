//! Saddle-to-saddle (Qian et al. 2023): deep matrix factorization from small init passes R saddle-escaping
//! stages for a rank-R target. A stage is a visit of the loss to its predicted level ½(sₖ₊₁² + … + sᵣ²) (full
//! observation), one definition for the count, the figure's bands, λₘᵢₙ and the verdict. At depth 2 the saddle
//! of stage k has λₘᵢₙ = −sₖ₊₁ (strict); at depth ≥ 3 it is degenerate (λₘᵢₙ ≈ 0).

use super::checks::{num, Checks};
use super::{staircase, Claim, Verdict};
use crate::experiment::stages::Plateau;
use crate::experiment::trace::Sample;
use crate::experiment::{Experiment, Member};
use crate::figure::build::{claim_figure, line, of_samples, sx, views, Options};
use crate::figure::{Axis, Band, Figure, Glyph, Ink, Reference, Stroke};
use crate::notation::{self, sub};
use serde_json::{json, Map, Value};

pub struct Saddles;

/// Relative band around a predicted level inside which the loss counts as visiting it.
pub const LEVEL_BAND: f64 = 0.02;
/// Consecutive recorded samples inside the band that make a visit.
pub const LEVEL_VISIT: usize = 3;
/// At depth 2, λₘᵢₙ on stage k must be within this relative distance of −sₖ₊₁.
pub const STRICT: f64 = 0.1;
/// At depth ≥ 3, |λₘᵢₙ| on stage k must be below this fraction of sₖ₊₁.
pub const DEGENERATE: f64 = 0.25;

/// The stages of a run: for each predicted level in turn, the stretch where the loss stays within
/// ±[`LEVEL_BAND`] of it for at least [`LEVEL_VISIT`] consecutive samples (its loss: the level).
pub fn visits(samples: &[Sample], levels: &[f64]) -> Vec<Plateau> {
    let mut out = vec![];
    let mut k = 0;
    let mut start: Option<usize> = None;
    for (i, s) in samples.iter().enumerate() {
        let Some(&level) = levels.get(k) else { break };
        let inside = (s.loss - level).abs() <= LEVEL_BAND * level;
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                if i - a >= LEVEL_VISIT {
                    out.push(Plateau { start_step: samples[a].step, end_step: samples[i - 1].step, loss: level });
                    k += 1;
                }
                start = None;
            }
            _ => {}
        }
    }
    if let (Some(a), Some(&level)) = (start, levels.get(k)) {
        if samples.len() - a >= LEVEL_VISIT {
            out.push(Plateau { start_step: samples[a].step, end_step: samples[samples.len() - 1].step, loss: level });
        }
    }
    out
}

fn stages_of(m: &Member) -> Vec<Plateau> {
    let truth = m.run.problem.truth_singular_values().unwrap_or_default();
    visits(m.run.trace.samples(), &staircase::plateau_levels(&truth, 1.0))
}

/// λₘᵢₙ recorded on each stage (the last sample in its first half), where recorded.
pub fn curvature(samples: &[Sample], stages: &[Plateau]) -> Vec<Option<f64>> {
    stages
        .iter()
        .map(|p| {
            let mid = (p.start_step + p.end_step) / 2;
            samples.iter().rfind(|s| s.step >= p.start_step && s.step <= mid).and_then(|s| s.hessian_min)
        })
        .collect()
}

impl Claim for Saddles {
    fn id(&self) -> &'static str {
        "stages"
    }

    fn leads(&self) -> bool {
        false
    }

    fn stages(&self, m: &Member) -> Vec<Plateau> {
        stages_of(m)
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        for m in &exp.members {
            let stages = stages_of(m);
            let curv = curvature(m.run.trace.samples(), &stages);
            let r = m.run.problem.truth_singular_values().map_or(0, |t| t.len());
            let levels: Vec<String> = stages.iter().map(|p| format!("{:.3}", p.loss)).collect();
            let mut line =
                format!("{}: {} of {r} stages (loss plateaus at {})", m.name(), stages.len(), levels.join(", "));
            if curv.iter().any(Option::is_some) {
                let c: Vec<String> = curv.iter().map(|c| c.map_or("–".into(), |x| format!("{x:.2}"))).collect();
                line.push_str(&format!("; λₘᵢₙ on them: {}", c.join(", ")));
            }
            lines.push(line);
            values.insert(m.name(), json!({"stages": stages.len(), "plateaus": stages, "hessian_min": curv}));
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "stages"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        stages_of(&exp.members[i]).len().to_string()
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        for m in &exp.members {
            let truth = m.run.problem.truth_singular_values().unwrap_or_default();
            let stages = stages_of(m);
            checks.check(
                !truth.is_empty() && stages.len() == truth.len(),
                format!(
                    "{}: {} of {} stages (needs one per value: the loss within ±{} % of each level ½(sₖ₊₁² + … + \
                     sᵣ²) for ≥ {LEVEL_VISIT} samples, in order)",
                    m.name(),
                    stages.len(),
                    truth.len(),
                    LEVEL_BAND * 100.0
                ),
            );
            let curv = curvature(m.run.trace.samples(), &stages);
            if curv.iter().all(Option::is_none) {
                continue;
            }
            let depth = m.run.config.model.depth;
            let mut ok = true;
            let mut shown = vec![];
            for (k, c) in curv.iter().enumerate() {
                let (Some(c), Some(&s)) = (c, truth.get(k)) else { continue };
                ok &= if depth == 2 { (c + s).abs() <= STRICT * s } else { c.abs() <= DEGENERATE * s };
                shown.push(num(*c));
            }
            let rule = if depth == 2 {
                format!("within {} % of −sₖ₊₁: strict saddles", STRICT * 100.0)
            } else {
                format!("|λₘᵢₙ| ≤ {}·sₖ₊₁: degenerate saddles", num(DEGENERATE))
            };
            checks.check(ok, format!("{}: λₘᵢₙ on the stages {} (needs {rule})", m.name(), shown.join(", ")));
        }
        checks.verdict("one saddle-escaping stage per target value")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        if id != "claim" {
            return None;
        }
        Some(if exp.members.iter().any(|m| m.run.config.hessian) {
            lambda_min(exp, opts)
        } else {
            staircase::figure(exp, opts, stages_of)
        })
    }
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
            format!("{} λₘᵢₙ", v.member.name()),
            v.ink,
            Stroke::Solid,
            of_samples(samples, opts, |s| s.hessian_min),
        ));
        let stages = stages_of(v.member);
        for (k, p) in stages.iter().enumerate() {
            fig.bands.push(Band {
                x0: sx(p.start_step, opts),
                x1: sx(p.end_step, opts),
                ink: v.ink,
                label: Some(format!("k = {}", k + 1)),
            });
        }
        let at: Vec<String> =
            curvature(samples, &stages).iter().map(|c| c.map_or("–".into(), |x| notation::number(x, 2))).collect();
        text.push(format!(
            "{}: {} stages, λₘᵢₙ on them {}",
            v.member.name(),
            stages.len(),
            if at.is_empty() { "–".into() } else { at.join(", ") }
        ));
    }
    if !fig.bands.is_empty() {
        fig.legend("stage k (loss plateau)", Ink::Neutral, Glyph::Band);
    }
    fig.caption = format!("{}.", text.join("; "));
    fig
}
