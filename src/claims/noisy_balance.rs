//! Noisy GD finds the flat minimum (Liu et al. 2021): with noise σ_X, σ_Y on the factors, perturbed GD ends at
//! ‖W₂‖/‖W₁‖ = (σ₂/σ₁)·√(m/n) from any start, while plain GD conserves ‖W₂‖² − ‖W₁‖² (its initial imbalance).

use super::checks::{num, Checks};
use super::{Claim, Verdict};
use crate::config::{Config, OptimizerConfig};
use crate::dynamics::optim::noisy_gd::predicted_balance;
use crate::experiment::trace::Sample;
use crate::experiment::Experiment;
use crate::figure::build::{claim_figure, line, of_samples, views, Options};
use crate::figure::{Axis, Figure, Glyph, Reference, Stroke};
use crate::notation::{self, sub};
use serde_json::{json, Map, Value};

pub struct NoisyBalance;

/// Noisy GD's ratio must end within this relative distance of the prediction.
pub const TOLERANCE: f64 = 0.03;
/// Plain GD's ‖W_L‖² − ‖W₁‖² must stay within this fraction of its start.
pub const CONSERVED: f64 = 0.01;

fn ratio(s: &Sample) -> f64 {
    s.factor_norms[s.factor_norms.len() - 1] / s.factor_norms[0]
}

fn gap(s: &Sample) -> f64 {
    s.factor_norms[s.factor_norms.len() - 1].powi(2) - s.factor_norms[0].powi(2)
}

fn noise_is_off(config: &Config) -> bool {
    matches!(&config.optimizer, OptimizerConfig::NoisyGd { noise, .. } if noise.iter().all(|s| *s == 0.0))
}

impl Claim for NoisyBalance {
    fn id(&self) -> &'static str {
        "norm_ratio"
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        for m in &exp.members {
            let n = m.run.model.factor_norms();
            let (first, last) = (n[0], n[n.len() - 1]);
            let top = format!("‖W{}‖", sub(n.len()));
            let predicted = predicted_balance(&m.run.config);
            let ratio = last / first;
            let note = match (&m.run.config.optimizer, predicted) {
                (_, Some(p)) => format!(" (predicted {p:.3})"),
                (OptimizerConfig::NoisyGd { .. }, None) => " (no closed form for this model)".into(),
                _ => String::new(),
            };
            lines.push(format!(
                "{}: {top}/‖W₁‖ = {ratio:.3}{note}; ‖W₁‖² + {top}² = {:.3}; {top}² − ‖W₁‖² = {:.3}",
                m.name(),
                first * first + last * last,
                last * last - first * first
            ));
            values.insert(
                m.name(),
                json!({"ratio": ratio, "predicted": predicted, "sum_squares": first * first + last * last}),
            );
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "‖W_L‖/‖W₁‖, L = depth"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        exp.members[i]
            .run
            .trace
            .last()
            .and_then(|s| Some(s.factor_norms.last()? / s.factor_norms.first()?))
            .map_or("–".into(), |r| notation::number(r, 4))
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        let mut noisy = 0;
        for m in &exp.members {
            let samples = m.run.trace.samples();
            let (Some(first), Some(last)) = (samples.first(), samples.last()) else { continue };
            match (&m.run.config.optimizer, predicted_balance(&m.run.config)) {
                (_, Some(p)) if !noise_is_off(&m.run.config) => {
                    noisy += 1;
                    checks.check(
                        (ratio(last) / p - 1.0).abs() <= TOLERANCE,
                        format!(
                            "{}: ratio {} against the predicted {} (needs within {} %)",
                            m.name(),
                            num(ratio(last)),
                            num(p),
                            TOLERANCE * 100.0
                        ),
                    );
                }
                (OptimizerConfig::NoisyGd { .. }, _) => {
                    checks.missing(format!("{}: no prediction (noise off, or not depth 2 on a full target)", m.name()))
                }
                (OptimizerConfig::Gd { .. }, _) => {
                    let (a, b) = (gap(first), gap(last));
                    checks.check(
                        (b - a).abs() <= CONSERVED * a.abs(),
                        format!(
                            "{}: ‖W_L‖² − ‖W₁‖² {} → {} (needs kept within {} %)",
                            m.name(),
                            num(a),
                            num(b),
                            CONSERVED * 100.0
                        ),
                    );
                }
                _ => {}
            }
        }
        if noisy == 0 {
            checks.missing("no noisy GD run with a prediction");
        }
        checks.verdict("noisy GD selects the balance its noise fixes; plain GD keeps its start")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        (id == "claim").then(|| figure(exp, opts))
    }
}

/// ‖W_L‖/‖W₁‖ against step for each run, with the noisy-GD prediction, and ‖W_L‖² − ‖W₁‖² for plain GD.
fn figure(exp: &Experiment, opts: Options) -> Figure {
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
            format!("{} {top}/{bottom}", v.member.name()),
            v.ink,
            Stroke::Solid,
            of_samples(samples, opts, ratio),
        ));
        if let Some(p) = predicted_balance(&run.config) {
            let noise = match &run.config.optimizer {
                OptimizerConfig::NoisyGd { noise, .. } => noise.clone(),
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
        if matches!(run.config.optimizer, OptimizerConfig::Gd { .. }) {
            let diff = |s: &Sample| Some(s.factor_norms.last()?.powi(2) - s.factor_norms.first()?.powi(2));
            fig.series.push(line(
                format!("{} {top}² − {bottom}²", v.member.name()),
                v.ink,
                Stroke::Dashed,
                of_samples(samples, opts, diff),
            ));
            fig.legend(format!("{top}² − {bottom}², plain GD (conserved)"), v.ink, Glyph::Dashed);
        }
        if let Some(r) = samples.last().and_then(ratio) {
            text.push(format!("{} {}", v.member.name(), notation::number(r, 3)));
        }
    }
    fig.caption = format!("{top}/{bottom} now: {}.", text.join(", "));
    fig
}
