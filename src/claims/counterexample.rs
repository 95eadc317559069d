//! The nuclear-norm conjecture fails (Li, Luo & Lyu 2021, against Gunasekar et al. 2017): on an
//! under-determined completion, GD from smaller α ends at a larger ‖W‖*, moving away from the minimum nuclear
//! norm towards GLRL's (low-rank) output, with an exact fit at every α.

use super::checks::{num, Checks};
use super::{Claim, Verdict};
use crate::experiment::{is_glrl, Experiment};
use crate::figure::build::{claim_figure, line, of_samples, views, Options};
use crate::figure::{Axis, Figure, Glyph, Ink, Reference, Stroke};
use crate::notation::{self, short};
use serde_json::{json, Map, Value};

pub struct Counterexample;

/// Every GD run must fit the observations to this loss.
pub const FIT: f64 = 1e-8;
/// The smallest α ends within this fraction of GLRL's ‖W‖*.
pub const NEAR_GLRL: f64 = 0.1;
/// … and at least this multiple of the convex minimum.
pub const ABOVE_CONVEX: f64 = 1.5;

impl Claim for Counterexample {
    fn id(&self) -> &'static str {
        "nuclear_norm"
    }

    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>) {
        let mut lines = vec![];
        let mut values = Map::new();
        for m in &exp.members {
            let s = m.run.measure();
            lines.push(format!(
                "{}: ‖W‖* = {:.3}, loss {:.1e}, σ₃ = {:.1e}",
                m.name(),
                s.nuclear_norm,
                s.loss,
                s.singular_values.get(2).copied().unwrap_or(0.0)
            ));
            values.insert(m.name(), json!({"nuclear_norm": s.nuclear_norm, "loss": s.loss}));
        }
        if let Some(b) = exp.baseline() {
            lines.push(format!(
                "convex baseline ({}): {:.3}",
                if b.psd { "minimum trace, PSD" } else { "minimum nuclear norm" },
                b.nuclear_norm
            ));
            values.insert("baseline".into(), json!(b.nuclear_norm));
        } else if exp.wants_baseline() {
            lines.push("convex baseline: solving…".into());
        }
        (lines, values)
    }

    fn column(&self) -> &'static str {
        "σ₃"
    }

    fn cell(&self, exp: &Experiment, i: usize) -> String {
        exp.members[i].run.trace.last().and_then(|s| s.singular_values.get(2)).map_or("–".into(), |v| short(*v))
    }

    fn verdict(&self, exp: &Experiment) -> Verdict {
        let mut checks = Checks::new();
        let mut gd = vec![];
        let mut glrl = None;
        for m in &exp.members {
            let s = m.run.measure();
            if is_glrl(&m.run.config) {
                glrl = Some(s.nuclear_norm);
            } else {
                if s.loss > FIT {
                    checks.check(
                        false,
                        format!("{} does not fit: loss {} (needs ≤ {})", m.name(), short(s.loss), short(FIT)),
                    );
                }
                gd.push((m.run.config.model.init_scale, s.nuclear_norm));
            }
        }
        crate::order::by_key_descending(&mut gd, |p| p.0);
        if gd.len() < 2 {
            checks.missing("needs GD at two α or more");
        }
        let shown: Vec<String> = gd.iter().map(|p| num(p.1)).collect();
        checks.check(
            gd.windows(2).all(|w| w[1].1 > w[0].1),
            format!("‖W‖* as α shrinks: {} (needs to rise)", shown.join(", ")),
        );
        if let Some(&(alpha, last)) = gd.last() {
            if let Some(g) = glrl {
                checks.check(
                    (last - g).abs() <= NEAR_GLRL * g,
                    format!(
                        "α = {}: {} against GLRL's {} (needs within {} %)",
                        short(alpha),
                        num(last),
                        num(g),
                        NEAR_GLRL * 100.0
                    ),
                );
            }
            match exp.baseline() {
                Some(b) => checks.check(
                    last >= ABOVE_CONVEX * b.nuclear_norm,
                    format!(
                        "{} = {}× the convex minimum {} (needs ≥ {ABOVE_CONVEX}×)",
                        num(last),
                        num(last / b.nuclear_norm),
                        num(b.nuclear_norm)
                    ),
                ),
                None => checks.missing("the convex minimum is not solved, so GD cannot be compared with it"),
            }
        }
        checks.verdict("GD moves away from the minimum nuclear norm as α → 0")
    }

    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure> {
        (id == "claim").then(|| figure(exp, opts))
    }
}

/// ‖W‖* against step, one line per α, between the convex minimum and GLRL's output.
fn figure(exp: &Experiment, opts: Options) -> Figure {
    let mut fig = claim_figure(exp, opts, "Nuclear norm ‖W‖* grows as α shrinks", Axis::new("‖W‖*", false));
    let mut finals = vec![];
    for v in views(exp) {
        let run = &v.member.run;
        if is_glrl(&run.config) {
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
            format!("{} ‖W‖*", v.member.name()),
            v.ink,
            Stroke::Solid,
            of_samples(run.trace.samples(), opts, |s| Some(s.nuclear_norm)),
        ));
        if let Some(s) = run.trace.last() {
            finals.push(format!("{} {}", notation::number(s.nuclear_norm, 3), v.member.name()));
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
