//! Reading a drawn chart back: where its plot sits in pixels ([`PlotFrame`], recorded by `render`), the legend
//! entry under a pointer, and the value of every visible series at the sample nearest the pointer's x — what
//! the page's crosshair shows.

use super::geometry::AxisMap;
use super::{Figure, Ink, Stroke};
use crate::notation;
use serde::Serialize;

pub use super::geometry::Rect;

/// Where a chart was drawn: the plot rectangle and the (mapped: log₁₀ on log axes) data ranges across it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlotFrame {
    pub plot: Rect,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub x_log: bool,
    pub y_log: bool,
    /// Legend entries drawn: index into `Figure::legend` and the entry's rectangle (sample and label).
    pub legend: Vec<(usize, Rect)>,
}

impl PlotFrame {
    /// Pixel x of mapped data x.
    fn px_of(&self, mx: f64) -> f64 {
        let (l, r) = (self.plot.0 as f64, self.plot.2 as f64);
        l + (mx - self.x.0) / (self.x.1 - self.x.0) * (r - l)
    }

    /// Pixel y of mapped data y.
    fn py_of(&self, my: f64) -> f64 {
        let (t, b) = (self.plot.1 as f64, self.plot.3 as f64);
        b - (my - self.y.0) / (self.y.1 - self.y.0) * (b - t)
    }

    /// The legend entry under pixel (x, y).
    pub fn legend_at(&self, x: f64, y: f64) -> Option<usize> {
        let inside = |r: &Rect| x >= r.0 as f64 && x <= r.2 as f64 && y >= r.1 as f64 && y <= r.3 as f64;
        self.legend.iter().find(|(_, r)| inside(r)).map(|(i, _)| *i)
    }

    fn inside_x(&self, x: f64) -> bool {
        x >= self.plot.0 as f64 && x <= self.plot.2 as f64
    }
}

/// What the crosshair shows at one x.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reading {
    /// The sample's x (a step on step axes) and its text ("step 6.4k").
    pub x: f64,
    pub x_text: String,
    /// Pixel x of the sample (where the crosshair is drawn).
    pub px: f64,
    /// One row per visible series with a sample at x, largest value first.
    pub rows: Vec<Row>,
    /// Rows left out beyond the first `max_rows`.
    pub more: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub label: String,
    pub ink: Ink,
    pub y: f64,
    /// The value in the page's notation, four significant digits.
    pub text: String,
    /// Pixel y of the value (None: not drawable on this axis, e.g. ≤ 0 on a log axis).
    pub py: Option<f64>,
}

/// Samples of other series count as "at the same x" within this many pixels of the nearest one.
const SAME_X_PX: f64 = 3.0;

/// The reading at pointer pixel x `px`: the sample nearest in x of the simulated series (of a theory's dotted
/// series only on a chart without any: the x shown is then a recorded sample, whose values the export holds), then
/// every series' value at (within [`SAME_X_PX`] of) that x. None outside the plot or on an empty chart.
pub fn read(fig: &Figure, frame: &PlotFrame, px: f64, max_rows: usize) -> Option<Reading> {
    if !frame.inside_x(px) || frame.x.1 <= frame.x.0 || frame.y.1 <= frame.y.0 {
        return None;
    }
    let xmap = AxisMap { log: frame.x_log, floor: 0.0 };
    let ymap = AxisMap { log: frame.y_log, floor: 0.0 };
    let at = |x: f64| xmap.map(x).map(|m| frame.px_of(m));
    let nearest_of = |theory: bool| {
        fig.series
            .iter()
            .filter(|s| (s.stroke == Stroke::Dotted) == theory)
            .flat_map(|s| s.points.iter().flatten())
            .filter(|p| p.1.is_finite())
            .filter_map(|p| Some((p.0, (at(p.0)? - px).abs())))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    };
    let x = nearest_of(false).or_else(|| nearest_of(true))?.0;
    let sx = at(x)?;
    let mut rows: Vec<Row> = fig
        .series
        .iter()
        .filter_map(|s| {
            let (p, d) = s
                .points
                .iter()
                .flatten()
                .filter(|p| p.1.is_finite())
                .filter_map(|p| Some((*p, (at(p.0)? - sx).abs())))
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            (d <= SAME_X_PX).then(|| Row {
                label: s.label.clone(),
                ink: s.ink,
                y: p.1,
                text: notation::number(p.1, 4),
                py: ymap.map(p.1).map(|m| frame.py_of(m)),
            })
        })
        .collect();
    crate::order::by_key_descending(&mut rows, |r| r.y);
    let more = rows.len().saturating_sub(max_rows);
    rows.truncate(max_rows);
    let x_text = if fig.x.label == "step" {
        format!("step {}", format_thousands(x))
    } else {
        format!("{} = {}", fig.x.label, notation::number(x, 4))
    };
    Some(Reading { x, x_text, px: sx, rows, more })
}

/// 6400 → "6,400" (whole numbers), else the page's notation.
fn format_thousands(x: f64) -> String {
    if x.fract() != 0.0 || x.abs() >= 1e15 {
        return notation::number(x, 4);
    }
    let digits = (x.abs() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("−{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Axis, Series};

    fn figure() -> Figure {
        let mut f = Figure::new("t", "t".into(), Axis::new("step", true), Axis::new("σ", true));
        let s = |label: &str, ink, pts: Vec<(f64, f64)>| Series {
            label: label.into(),
            ink,
            stroke: Stroke::Solid,
            width: 2.0,
            points: pts.into_iter().map(Some).collect(),
        };
        f.series.push(s("σ₁", Ink::Series(0), vec![(1.0, 1e-3), (10.0, 0.5), (100.0, 3.0), (1000.0, 3.0)]));
        f.series.push(s("σ₂", Ink::Series(1), vec![(1.0, 1e-3), (10.0, 1e-3), (100.0, 0.2), (1000.0, 2.0)]));
        f.series.push(s("other", Ink::Muted, vec![(40.0, 7.0)]));
        f
    }

    /// x 0…3 (log₁₀ of 1…1000) across pixels 100…400; y −3…1 across 300…100.
    fn frame() -> PlotFrame {
        PlotFrame {
            plot: (100, 100, 400, 300),
            x: (0.0, 3.0),
            y: (-3.0, 1.0),
            x_log: true,
            y_log: true,
            legend: vec![(0, (10, 10, 60, 30)), (1, (70, 10, 120, 30))],
        }
    }

    #[test]
    fn reads_every_series_at_the_nearest_sample() {
        // Pixel 290 is log₁₀ x = 1.9 (x ≈ 79): the nearest sample is x = 100 (pixel 300).
        let r = read(&figure(), &frame(), 290.0, 10).unwrap();
        assert_eq!(r.x, 100.0);
        assert_eq!(r.x_text, "step 100");
        assert!((r.px - 300.0).abs() < 1e-9);
        let labels: Vec<&str> = r.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["σ₁", "σ₂"], "largest first; the series without a sample near x = 100 left out");
        assert_eq!(r.rows[0].y, 3.0);
        assert_eq!(r.rows[1].text, "0.2");
        // y = 3: log 0.477 → 300 − (3.477/4)·200.
        assert!((r.rows[0].py.unwrap() - (300.0 - 3.477_121_254_719_662 / 4.0 * 200.0)).abs() < 1e-6);
        assert_eq!(read(&figure(), &frame(), 410.0, 10), None, "outside the plot");
        let capped = read(&figure(), &frame(), 290.0, 1).unwrap();
        assert_eq!((capped.rows.len(), capped.more), (1, 1));
    }

    #[test]
    fn a_theory_beside_the_run_never_moves_the_crosshair_off_a_recorded_sample() {
        // A dotted theory sampled at x = 90 (nearer pixel 290 than the run's 100): the reading stays at the run's
        // sample, the theory's value beside it (within 3 px); a chart of the theory alone reads the theory.
        let mut f = figure();
        let theory =
            Series::line("σ₁ theory", Ink::Muted, Stroke::Dotted, vec![Some((90.0, 2.9)), Some((101.0, 2.95))]);
        f.series.insert(0, theory.clone());
        let r = read(&f, &frame(), 290.0, 10).unwrap();
        assert_eq!(r.x, 100.0);
        let labels: Vec<&str> = r.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["σ₁", "σ₁ theory", "σ₂"]);
        let mut alone = figure();
        alone.series = vec![theory];
        assert_eq!(read(&alone, &frame(), 290.0, 10).unwrap().x, 90.0);
    }

    #[test]
    fn legend_hits_and_thousands() {
        assert_eq!(frame().legend_at(20.0, 20.0), Some(0));
        assert_eq!(frame().legend_at(100.0, 12.0), Some(1));
        assert_eq!(frame().legend_at(65.0, 20.0), None);
        assert_eq!(format_thousands(6400.0), "6,400");
        assert_eq!(format_thousands(1_234_567.0), "1,234,567");
        assert_eq!(format_thousands(12.0), "12");
    }
}
