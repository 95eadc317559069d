//! The figure of a 1-D sweep: the outcome against x, one line per series value through the means over seeds,
//! a min–max band around each, and the outcome's prediction (dashed) where one is derived.

use super::{Area, Axis, Figure, Glyph, Ink, Series, Stroke};
use crate::experiment::sweep::LinePoint;
use crate::notation;

/// A log axis when every value is positive and they span at least two decades.
fn log_fits(values: impl Iterator<Item = f64> + Clone) -> bool {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(0.0, f64::max);
    lo > 0.0 && hi / lo >= 100.0
}

/// `points` in sweep order (series-major, then x).
pub fn sweep_lines(x_field: &str, series_field: &str, outcome: &str, seeds: usize, points: &[LinePoint]) -> Figure {
    let xs = points.iter().map(|p| p.x);
    let ys = points.iter().filter_map(|p| p.min).chain(points.iter().filter_map(|p| p.max));
    let log = log_fits(xs.clone());
    let (lo, hi) = (xs.clone().fold(f64::INFINITY, f64::min), xs.fold(f64::NEG_INFINITY, f64::max));
    // A little room either side of the first and last x (a factor on a log axis).
    let range = if !lo.is_finite() {
        None
    } else if log {
        Some((lo / 1.5, hi * 1.5))
    } else {
        let pad = 0.05 * (hi - lo).max(hi.abs() * 0.1).max(1e-12);
        Some((lo - pad, hi + pad))
    };
    let x = Axis { label: x_field.into(), log, range, integer: false };
    let y = Axis { label: outcome.into(), log: log_fits(ys), range: None, integer: false };
    let title = if series_field.is_empty() {
        format!("{outcome} against {x_field}")
    } else {
        format!("{outcome} against {x_field}, one line per {series_field}")
    };
    let mut fig = Figure::new("sweep", title, x, y);
    let mut groups: Vec<(f64, Vec<&LinePoint>)> = vec![];
    for p in points {
        match groups.iter_mut().find(|g| g.0.to_bits() == p.series.to_bits()) {
            Some(g) => g.1.push(p),
            None => groups.push((p.series, vec![p])),
        }
    }
    let mut text = vec![];
    for (k, (series, mut pts)) in groups.into_iter().enumerate() {
        crate::order::by_key(&mut pts, |p| p.x);
        let ink = Ink::Series(k);
        let name =
            if series.is_nan() { outcome.to_string() } else { format!("{series_field} = {}", notation::short(series)) };
        let means: Vec<Option<(f64, f64)>> = pts.iter().map(|p| p.mean.map(|m| (p.x, m))).collect();
        fig.series.push(Series::line(format!("{name} mean"), ink, Stroke::Solid, means.clone()));
        fig.series.push(Series::dots(format!("{name} runs"), ink, means));
        if seeds > 1 {
            fig.areas.push(Area { ink, points: pts.iter().filter_map(|p| Some((p.x, p.min?, p.max?))).collect() });
        }
        fig.legend(name.clone(), ink, Glyph::Line);
        if pts.iter().any(|p| p.predicted.is_some()) {
            fig.series.push(Series {
                label: format!("{name} predicted"),
                ink,
                stroke: Stroke::Dashed,
                width: 1.5,
                points: pts.iter().map(|p| p.predicted.map(|v| (p.x, v))).collect(),
            });
        }
        let missing: usize = pts.iter().map(|p| seeds.saturating_sub(p.n)).sum();
        let ends = pts
            .iter()
            .filter_map(|p| p.mean.map(|m| format!("{} at {}", notation::short(m), notation::short(p.x))))
            .collect::<Vec<_>>();
        let gap = if missing > 0 { format!(" ({missing} runs without a value)") } else { String::new() };
        text.push(format!("{name}: {}{gap}", ends.join(", ")));
    }
    if seeds > 1 {
        fig.legend(format!("min–max over {seeds} seeds"), Ink::Neutral, Glyph::Band);
    }
    if fig.series.iter().any(|s| s.stroke == Stroke::Dashed) {
        fig.legend("predicted (dashed)", Ink::Neutral, Glyph::Dashed);
    }
    fig.caption = format!(
        "{outcome} against {x_field}{}: {}.",
        if seeds > 1 { format!(", mean over {seeds} seeds") } else { String::new() },
        text.join("; ")
    );
    fig
}
