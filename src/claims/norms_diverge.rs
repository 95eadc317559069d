//! Norms are not the whole story (Razin & Cohen 2020): on the 2×2 completion with W₁₂ = W₂₁ = 1, W₂₂ = 0
//! observed, every completion has rank 2, yet GD drives |W₁₁| → ∞ so that σ₂/σ₁ → 0 (effective rank → 1)
//! while every norm diverges.

use super::checks::{num, Checks};
use super::{Claim, Verdict};
use crate::config::{InitKind, ProblemKind};
use crate::experiment::observer::{Observer, Probe};
use crate::experiment::run::Run;
use crate::experiment::trace::Sample;
use crate::experiment::Experiment;
use crate::figure::build::{claim_figure, line, of_samples, sx, views, Options};
use crate::figure::{Axis, Figure, Glyph, Ink, Stroke};
use crate::notation::{self, short};
use serde_json::{json, Map, Value};
use std::any::Any;

pub struct NormsDiverge;

/// σ₂/σ₁ at the end must be below this.
pub const MAX_RATIO: f64 = 1e-2;

/// |W₁₁| of every member against step.
struct W11(Vec<Probe>);

impl Observer for W11 {
    fn observe(&mut self, i: usize, run: &Run) {
        self.0[i].record(run.step(), run.end_to_end()[(0, 0)].abs(), !run.running());
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn probe(exp: &Experiment, i: usize) -> &[(u64, f64)] {
    exp.observer::<W11>().map_or(&[], |w| &w.0[i].points)
}

/// Whether the seed changes nothing: identity initialisation on typed entries draws no random number.
pub fn deterministic(exp: &Experiment) -> bool {
    exp.members
        .iter()
        .all(|m| m.run.config.model.init == InitKind::Identity && m.run.config.problem.kind == ProblemKind::Entries)
}

impl Claim for NormsDiverge {
    fn id(&self) -> &'static str {
        "norms_diverge"
    }

    fn observer(&self, exp: &mut Experiment) -> Option<Box<dyn Observer>> {
        Some(Box::new(W11(exp.members.iter().map(|m| Probe::new(m.run.config.record_every)).collect())))
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        for m in &exp.members {
            let w = m.run.end_to_end();
            let s = m.run.measure();
            let ratio = s.singular_values[1] / s.singular_values[0];
            lines.push(format!(
                "{}: |W₁₁| = {:.3}, σ₂/σ₁ = {ratio:.2e}, effective rank {:.4}, ‖W‖* = {:.3}, loss {:.1e}",
                m.name(),
                w[(0, 0)].abs(),
                s.effective_rank,
                s.nuclear_norm,
                s.loss
            ));
            values.insert(m.name(), json!({"w11": w[(0, 0)].abs(), "sv_ratio": ratio}));
        }
        if deterministic(exp) {
            lines.push(
                "deterministic: identity initialisation on typed entries draws no random number, so every \
                        seed gives these same runs"
                    .into(),
            );
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "|W₁₁|"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        probe(exp, i).last().map_or("–".into(), |p| notation::number(p.1, 4))
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        for (i, m) in exp.members.iter().enumerate() {
            let p = probe(exp, i);
            let (half, end) = (p.get(p.len() / 2).map_or(0.0, |x| x.1), p.last().map_or(0.0, |x| x.1));
            checks.check(
                end > half,
                format!("{}: |W₁₁| {} → {} over the second half (needs to grow)", m.name(), num(half), num(end)),
            );
            let s = m.run.measure();
            let ratio = s.singular_values.get(1).copied().unwrap_or(0.0) / s.singular_values[0].max(1e-300);
            checks.check(
                ratio < MAX_RATIO,
                format!("{}: σ₂/σ₁ = {} (needs < {})", m.name(), short(ratio), short(MAX_RATIO)),
            );
        }
        checks.verdict("|W₁₁| → ∞ while the effective rank falls to 1")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        (id == "claim").then(|| figure(exp, opts))
    }
}

/// |W₁₁| (solid) and σ₂/σ₁ (dashed) against step, log scale.
fn figure(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = claim_figure(exp, opts, "|W₁₁| grows without bound while σ₂/σ₁ → 0", Axis::new("", true));
    let mut text = vec![];
    for (i, v) in views(exp).into_iter().enumerate() {
        let samples = v.member.run.trace.samples();
        let w11 = probe(exp, i).iter().map(|&(s, w)| Some((sx(s, opts), w))).collect();
        fig.series.push(line(format!("{} |W₁₁|", v.member.name()), v.ink, Stroke::Solid, w11));
        let ratio = |s: &Sample| {
            (s.singular_values.len() > 1 && s.singular_values[0] > 0.0)
                .then(|| s.singular_values[1] / s.singular_values[0])
        };
        fig.series.push(line(
            format!("{} σ₂/σ₁", v.member.name()),
            v.ink,
            Stroke::Dashed,
            of_samples(samples, opts, ratio),
        ));
        if let (Some(w), Some(r)) = (probe(exp, i).last(), samples.last().and_then(ratio)) {
            text.push(format!("{}: |W₁₁| = {}, σ₂/σ₁ = {}", v.member.name(), notation::number(w.1, 3), short(r)));
        }
    }
    fig.legend("|W₁₁| (solid)", Ink::Neutral, Glyph::Line);
    fig.legend("σ₂/σ₁ (dashed)", Ink::Neutral, Glyph::Dashed);
    fig.caption = format!("{}.", if text.is_empty() { "|W₁₁| and σ₂/σ₁ against step".into() } else { text.join("; ") });
    fig
}
