//! Figures drawn with plotters, generic over `DrawingBackend`: the same code paints the browser canvas and
//! writes SVG natively.
//!
//! Log axes are drawn as linear axes over log₁₀ of the data with our own tick labels (`1e-3`, `10k`), which
//! keeps labels clean; points that cannot be shown (≤ 0 or below the floor on a log axis, non-finite) break
//! the line instead of being clamped.

use crate::experiment::trace::Sample;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colour-blind-safe series palette (Okabe–Ito, yellow left out for contrast on white).
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
];
/// Lowest value shown on a log axis, relative to the largest.
pub const LOG_DYNAMIC_RANGE: f64 = 1e14;

/// How to draw: pixel scale (devicePixelRatio in the browser) and colour scheme.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub scale: f64,
    pub dark: bool,
}

impl Default for Style {
    fn default() -> Self {
        Self { scale: 1.0, dark: false }
    }
}

pub struct Series {
    pub label: Option<String>,
    /// Data-space points; `None` breaks the line.
    pub points: Vec<Option<(f64, f64)>>,
    pub color: RGBColor,
    pub dashed: bool,
    /// Line width in CSS pixels.
    pub width: f64,
}

pub struct Figure {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub log_x: bool,
    pub log_y: bool,
    pub series: Vec<Series>,
    /// Vertical marker lines at these x (data space), e.g. GLRL phase starts.
    pub markers: Vec<(f64, RGBColor)>,
    /// Shaded x-intervals (data space), e.g. detected plateaus.
    pub bands: Vec<(f64, f64, RGBColor)>,
    /// Draw a legend of the labelled series.
    pub legend: bool,
}

/// One run as drawn: its samples, its legend label and colour.
pub struct RunView<'a> {
    pub label: String,
    pub samples: &'a [Sample],
    pub color: RGBColor,
    /// Whether this run gets a legend entry (one per group).
    pub legend: bool,
}

fn horizontal(samples: &[Sample], log_x: bool, y: f64) -> Vec<Option<(f64, f64)>> {
    let x0 = if log_x {
        samples.iter().map(|s| s.step).find(|&s| s > 0).unwrap_or(1)
    } else {
        samples.first().map_or(0, |s| s.step)
    } as f64;
    let x1 = (samples.last().map_or(1, |s| s.step) as f64).max(x0 + 1.0);
    vec![Some((x0, y)), Some((x1, y))]
}

/// σ_i(W) against step. One run: a line per singular value (top `max_series`), coloured by index. Several
/// runs: the top `per_run` values of each, coloured by run. Target values dashed in colour, the convex
/// baseline's dotted in grey.
pub fn singular_values_figure(
    runs: &[RunView],
    truth: Option<&[f64]>,
    baseline: Option<&[f64]>,
    log_x: bool,
    max_series: usize,
) -> Figure {
    let single = runs.len() == 1;
    let per_run = if single { max_series } else { truth.map_or(4, |t| t.len().max(1)).min(max_series) };
    let mut series = vec![];
    for run in runs {
        let k = run.samples.iter().map(|s| s.singular_values.len()).max().unwrap_or(0).min(per_run);
        for i in 0..k {
            series.push(Series {
                label: if single {
                    Some(format!("σ{}", i + 1))
                } else {
                    (i == 0 && run.legend).then(|| run.label.clone())
                },
                points: run.samples.iter().map(|s| s.singular_values.get(i).map(|&v| (s.step as f64, v))).collect(),
                color: if single { series_color(i) } else { run.color },
                dashed: false,
                width: if !single || i < PALETTE.len() { 2.0 } else { 1.0 },
            });
        }
    }
    let samples = runs.iter().map(|r| r.samples).max_by_key(|s| s.last().map_or(0, |x| x.step)).unwrap_or(&[]);
    for (i, &s) in truth.unwrap_or(&[]).iter().enumerate().take(max_series) {
        let color = if single { series_color(i) } else { RGBColor(0x70, 0x70, 0x70) };
        series.push(Series { label: None, points: horizontal(samples, log_x, s), color, dashed: true, width: 1.0 });
    }
    for &s in baseline.unwrap_or(&[]).iter().filter(|&&s| s > 1e-9).take(max_series) {
        series.push(Series {
            label: None,
            points: horizontal(samples, log_x, s),
            color: RGBColor(0xa0, 0xa0, 0xa0),
            dashed: true,
            width: 2.0,
        });
    }
    let mut title = "singular values of W".to_string();
    match (truth.is_some(), baseline.is_some()) {
        (true, true) => title.push_str(" (dashed: target; grey: convex baseline)"),
        (true, false) => title.push_str(" (dashed: target)"),
        (false, true) => title.push_str(" (grey dashed: convex baseline)"),
        _ => {}
    }
    Figure {
        title,
        x_desc: "step".into(),
        y_desc: "σᵢ(W)".into(),
        log_x,
        log_y: true,
        series,
        markers: vec![],
        bands: vec![],
        legend: !single,
    }
}

/// ℓ(W) and, when known, the test error on unobserved entries, against step (dashed), one colour per run.
pub fn loss_figure(runs: &[RunView], log_x: bool) -> Figure {
    let single = runs.len() == 1;
    let mut series = vec![];
    for run in runs {
        series.push(Series {
            label: if single { Some("loss ℓ(W)".into()) } else { run.legend.then(|| run.label.clone()) },
            points: run.samples.iter().map(|s| Some((s.step as f64, s.loss))).collect(),
            color: if single { PALETTE[0] } else { run.color },
            dashed: false,
            width: 2.0,
        });
        if run.samples.iter().any(|s| s.test_error.is_some()) {
            series.push(Series {
                label: single.then(|| "test error".into()),
                points: run.samples.iter().map(|s| s.test_error.map(|t| (s.step as f64, t))).collect(),
                color: if single { PALETTE[1] } else { run.color },
                dashed: !single,
                width: if single { 2.0 } else { 1.0 },
            });
        }
    }
    let tests = runs.iter().any(|r| r.samples.iter().any(|s| s.test_error.is_some()));
    let title = if tests && !single { "loss (dashed: test error)" } else { "loss" };
    Figure {
        title: title.into(),
        x_desc: "step".into(),
        y_desc: String::new(),
        log_x,
        log_y: true,
        series,
        markers: vec![],
        bands: vec![],
        legend: true,
    }
}

/// Smallest (solid) and largest (dashed) Hessian eigenvalue of the loss against step.
pub fn hessian_figure(runs: &[RunView], log_x: bool) -> Figure {
    let mut series = vec![];
    for (i, run) in runs.iter().enumerate() {
        let color = if runs.len() == 1 { PALETTE[0] } else { run.color };
        series.push(Series {
            label: Some(if runs.len() == 1 { "λ_min".into() } else { format!("{} λ_min", run.label) })
                .filter(|_| run.legend || runs.len() == 1),
            points: run.samples.iter().map(|s| s.hessian_min.map(|h| (s.step as f64, h))).collect(),
            color,
            dashed: false,
            width: 2.0,
        });
        series.push(Series {
            label: (runs.len() == 1 && i == 0).then(|| "λ_max".into()),
            points: run.samples.iter().map(|s| s.hessian_max.map(|h| (s.step as f64, h))).collect(),
            color: if runs.len() == 1 { PALETTE[1] } else { color },
            dashed: true,
            width: 1.0,
        });
    }
    Figure {
        title: "Hessian of the loss: smallest (solid) and largest (dashed) eigenvalue".into(),
        x_desc: "step".into(),
        y_desc: String::new(),
        log_x,
        log_y: false,
        series,
        markers: vec![],
        bands: vec![],
        legend: true,
    }
}

fn series_color(i: usize) -> RGBColor {
    PALETTE.get(i).copied().unwrap_or(RGBColor(0x9a, 0x9a, 0x9a))
}

/// Axis transform: identity, or log₁₀ with everything ≤ `floor` dropped.
#[derive(Clone, Copy)]
struct Axis {
    log: bool,
    floor: f64,
}

impl Axis {
    fn map(self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        if self.log {
            (v > 0.0 && v >= self.floor).then(|| v.log10())
        } else {
            Some(v)
        }
    }
}

/// Range [lo, hi] of the mapped values, or None when nothing can be shown.
fn extent(values: impl Iterator<Item = f64>, log: bool) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (lo <= hi).then_some((lo, hi))
}

/// Tick label for a position on a log₁₀ axis: 10^v, as `1e-3`, `100`, `2.5e-7`.
pub fn log_tick_label(exponent: f64) -> String {
    let rounded = exponent.round();
    if (exponent - rounded).abs() < 1e-9 {
        let e = rounded as i32;
        return match e {
            0..=3 => format!("{}", 10i64.pow(e as u32)),
            _ => format!("1e{e}"),
        };
    }
    let v = 10f64.powf(exponent);
    let e = v.log10().floor() as i32;
    let mantissa = v / 10f64.powi(e);
    if (-3..=3).contains(&e) {
        format!("{}", round_sig(v, 2))
    } else {
        format!("{}e{e}", round_sig(mantissa, 2))
    }
}

/// Tick label for a step count: 0, 500, 2.5k, 40k, 1.2M.
pub fn step_tick_label(v: f64) -> String {
    let a = v.abs();
    let (x, unit) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{unit}", round_sig(x, 3))
}

fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let p = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * p).round() / p
}

/// Draws `fig` filling `area` (the caller presents the root area).
pub fn render<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, fig: &Figure, style: Style) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale.clamp(0.25, 8.0);
    let px = |v: f64| (v * s).round().max(1.0) as u32;
    let (bg, fg, grid) = if style.dark {
        (RGBColor(0x14, 0x17, 0x1c), RGBColor(0xd8, 0xdd, 0xe3), RGBColor(0x2c, 0x32, 0x3a))
    } else {
        (WHITE, RGBColor(0x22, 0x22, 0x22), RGBColor(0xe8, 0xe8, 0xe8))
    };
    area.fill(&bg).map_err(err)?;

    let all = || fig.series.iter().flat_map(|se| se.points.iter().flatten());
    let (xlo, xhi) = extent(all().map(|p| p.0), fig.log_x).unwrap_or((1.0, 10.0));
    let (ylo, yhi) = extent(all().map(|p| p.1), fig.log_y).unwrap_or((1e-3, 1.0));
    let xaxis = Axis { log: fig.log_x, floor: 0.0 };
    let yaxis =
        Axis { log: fig.log_y, floor: if fig.log_y { ylo.max(yhi / LOG_DYNAMIC_RANGE) } else { f64::NEG_INFINITY } };
    let (x0, x1) = match (xaxis.map(xlo), xaxis.map(xhi)) {
        (Some(a), Some(b)) if fig.log_x => (a.floor(), b.max(a.floor() + 1.0)),
        (Some(a), Some(b)) => (a.min(0.0), b.max(a + 1.0)),
        _ => (0.0, 1.0),
    };
    let x1 = x1 + 0.03 * (x1 - x0);
    let (y0, y1) = match (yaxis.map(yaxis.floor.max(ylo)), yaxis.map(yhi)) {
        (Some(a), Some(b)) if fig.log_y => {
            let (a, b) = (a.floor(), b.ceil());
            if a == b {
                (a - 1.0, b + 1.0)
            } else {
                (a, b)
            }
        }
        (Some(a), Some(b)) => {
            let pad = 0.05 * (b - a).max(1e-12);
            (a - pad, b + pad)
        }
        _ => (-3.0, 0.0),
    };

    let font = ("sans-serif", 12.0 * s).into_font().color(&fg);
    let title_font = ("sans-serif", 14.0 * s).into_font().color(&fg);
    let mut chart = ChartBuilder::on(area)
        .margin(px(8.0))
        .caption(&fig.title, title_font)
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(46.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    // Data units per device pixel of the plotting area: lines are thinned to what the pixels can show.
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let resolution =
        ((x1 - x0) / f64::from((xs.end - xs.start).max(1)), (y1 - y0) / f64::from((ys.end - ys.start).max(1)));
    let x_fmt = |v: &f64| if fig.log_x { step_tick_label(10f64.powf(*v).round()) } else { step_tick_label(*v) };
    let y_fmt = |v: &f64| if fig.log_y { log_tick_label(*v) } else { format!("{}", round_sig(*v, 3)) };
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(7)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .x_desc(fig.x_desc.as_str())
        .y_desc(fig.y_desc.as_str())
        .bold_line_style(grid.stroke_width(px(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(fg.stroke_width(px(1.0)))
        .draw()
        .map_err(err)?;

    for &(a, b, color) in &fig.bands {
        if let (Some(a), Some(b)) = (xaxis.map(a), xaxis.map(b)) {
            chart
                .draw_series(std::iter::once(Rectangle::new([(a, y0), (b, y1)], color.mix(0.12).filled())))
                .map_err(err)?;
        }
    }
    for &(x, color) in &fig.markers {
        if let Some(x) = xaxis.map(x) {
            let pieces = 40;
            let dy = (y1 - y0) / pieces as f64;
            let dash = (0..pieces).step_by(2).map(|k| {
                PathElement::new(
                    vec![(x, y0 + k as f64 * dy), (x, y0 + (k + 1) as f64 * dy)],
                    color.stroke_width(px(1.0)),
                )
            });
            chart.draw_series(dash).map_err(err)?;
        }
    }
    let mut legend: Vec<(&str, RGBColor, u32)> = vec![];
    let dash = (x1 - x0) / 120.0;
    for se in &fig.series {
        let style = se.color.stroke_width(px(se.width));
        for segment in segments(&se.points, xaxis, yaxis) {
            let segment = straighten(thin_to_pixels(segment, resolution), resolution);
            if se.dashed && segment.iter().all(|p| p.1 == segment[0].1) {
                // The dashes of a horizontal line as one filled outline (a single fill instead of a stroked path
                // per dash, which dominated the cost of a redraw): each dash is a pixel rectangle, and the
                // outline hops from one to the next along their top edge, a zero-area bridge that fills nothing.
                let plot = chart.plotting_area();
                let (bx, by) = plot.get_base_pixel();
                let thick = px(se.width) as i32;
                let mut outline = vec![];
                for d in dashes(&segment, dash) {
                    let (a, b) = (plot.map_coordinate(&d[0]), plot.map_coordinate(&d[1]));
                    let (top, bottom) = (a.1 - by - thick / 2, a.1 - by - thick / 2 + thick);
                    let (xa, xb) = (a.0 - bx, b.0 - bx);
                    outline.extend([(xa, top), (xb, top), (xb, bottom), (xa, bottom), (xa, top)]);
                }
                if !outline.is_empty() {
                    plot.strip_coord_spec().draw(&Polygon::new(outline, se.color.filled())).map_err(err)?;
                }
            } else if se.dashed {
                chart.draw_series(dashes(&segment, dash).map(|d| PathElement::new(d, style))).map_err(err)?;
            } else {
                chart.draw_series(LineSeries::new(segment, style)).map_err(err)?;
            }
        }
        if let (Some(label), true) = (&se.label, fig.legend) {
            legend.push((label.as_str(), se.color, px(se.width)));
        }
    }
    if !legend.is_empty() {
        draw_legend(&chart.plotting_area().strip_coord_spec(), &legend, &font, bg.mix(0.85).filled(), grid, s)
            .map_err(err)?;
    }
    Ok(())
}

/// A legend box in the lower-left corner of `area` (pixel coordinates): per entry a line sample in its colour
/// and width, then its label. Sized with the backend's own text measurement (which the page caches), where
/// plotters' series labels measure every line through the font twice per redraw.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor, u32)],
    font: &TextStyle,
    background: ShapeStyle,
    border: RGBColor,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |v: f64| (v * scale).round().max(1.0) as i32;
    let sizes = entries.iter().map(|e| area.estimate_text_size(e.0, font)).collect::<Result<Vec<_>, _>>()?;
    let text_w = sizes.iter().map(|z| z.0 as i32).max().unwrap_or(0);
    let row = (sizes.iter().map(|z| z.1 as i32).max().unwrap_or(0) as f64 * 1.25).ceil() as i32;
    let (pad, sample) = (px(6.0), px(22.0));
    let (w, h) = (3 * pad + sample + text_w, 2 * pad + row * entries.len() as i32);
    let (_, area_h) = area.dim_in_pixel();
    let (x0, y0) = (px(8.0), area_h as i32 - h - px(8.0));
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], background))?;
    area.draw(&Rectangle::new([(x0, y0), (x0 + w, y0 + h)], border))?;
    for (k, &(label, color, width)) in entries.iter().enumerate() {
        let top = y0 + pad + k as i32 * row;
        let mid = top + row / 2;
        area.draw(&PathElement::new(vec![(x0 + pad, mid), (x0 + pad + sample, mid)], color.stroke_width(width)))?;
        let text = font.pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(label, (x0 + 2 * pad + sample, mid), text))?;
    }
    Ok(())
}

/// Maps points through the axes and splits them into drawable runs.
fn segments(points: &[Option<(f64, f64)>], x: Axis, y: Axis) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut cur = vec![];
    for p in points {
        match p.and_then(|(a, b)| Some((x.map(a)?, y.map(b)?))) {
            Some(q) => cur.push(q),
            None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Thins a polyline (mapped coordinates, x non-decreasing) for a raster of `(dx, dy)` data units per pixel:
/// within each pixel column it keeps the first, lowest, highest and last points, in their order, and it drops
/// a point that lands in the same pixel as the one kept before it. What is drawn differs from the full line by
/// less than a pixel, while the number of points is at most about four per column.
fn thin_to_pixels(line: Vec<(f64, f64)>, (dx, dy): (f64, f64)) -> Vec<(f64, f64)> {
    let columns = match (line.first(), line.last()) {
        (Some(a), Some(b)) if dx > 0.0 && dy > 0.0 => ((b.0 - a.0) / dx).abs() + 1.0,
        _ => return line,
    };
    if (line.len() as f64) <= 4.0 * columns {
        return line;
    }
    let column = |p: (f64, f64)| (p.0 / dx).floor();
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(line.len().min(4096));
    let push = |out: &mut Vec<(f64, f64)>, p: (f64, f64)| {
        if out.last().is_none_or(|q| (q.0 / dx).floor() != column(p) || (q.1 / dy).floor() != (p.1 / dy).floor()) {
            out.push(p);
        }
    };
    let mut start = 0;
    while start < line.len() {
        let c = column(line[start]);
        let end = line[start..].iter().position(|&p| column(p) != c).map_or(line.len(), |k| start + k);
        let run = &line[start..end];
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in run.iter().enumerate() {
            if p.1 < run[lo].1 {
                lo = k;
            }
            if p.1 > run[hi].1 {
                hi = k;
            }
        }
        let mut keep = [0, lo.min(hi), lo.max(hi), run.len() - 1];
        keep.sort_unstable();
        let mut prev = usize::MAX;
        for k in keep {
            if k != prev {
                push(&mut out, run[k]);
                prev = k;
            }
        }
        start = end;
    }
    // The last point always ends the line, even when it shares a pixel with the one before.
    if out.last() != line.last() {
        out.push(*line.last().expect("non-empty"));
    }
    out
}

/// Drops the points of a polyline (mapped coordinates, x strictly increasing between kept points) that lie
/// within half a pixel, vertically, of the chord between their kept neighbours, in one pass: from each kept
/// anchor, the cone of slopes that passes within ½ px of every point so far narrows until the next point
/// falls outside it, and the point before becomes the next anchor. Plateaus and smooth stretches collapse to
/// a few points; the drawn line moves by at most ½ px.
fn straighten(line: Vec<(f64, f64)>, (dx, dy): (f64, f64)) -> Vec<(f64, f64)> {
    if line.len() <= 2 || !(dx > 0.0 && dy > 0.0) {
        return line;
    }
    let tol = 0.5 * dy;
    let mut out = vec![line[0]];
    let (mut anchor, mut last) = (line[0], line[0]);
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for &p in &line[1..] {
        let run = p.0 - anchor.0;
        let slope = (p.1 - anchor.1) / run;
        if run > 0.0 && slope >= lo && slope <= hi {
            lo = lo.max((p.1 - tol - anchor.1) / run);
            hi = hi.min((p.1 + tol - anchor.1) / run);
        } else {
            if last != anchor {
                out.push(last);
                anchor = last;
            }
            let run = p.0 - anchor.0;
            if run > 0.0 {
                (lo, hi) = ((p.1 - tol - anchor.1) / run, (p.1 + tol - anchor.1) / run);
            } else {
                // A vertical step (same x): keep it and start afresh from it.
                out.push(p);
                anchor = p;
                (lo, hi) = (f64::NEG_INFINITY, f64::INFINITY);
            }
        }
        last = p;
    }
    if last != anchor {
        out.push(last);
    }
    out
}

/// Cuts a polyline into dashes of horizontal length `dash` (gaps of the same length), in mapped coordinates.
fn dashes(line: &[(f64, f64)], dash: f64) -> impl Iterator<Item = Vec<(f64, f64)>> + '_ {
    line.windows(2).flat_map(move |w| {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        let pieces = (((bx - ax).abs() / dash).ceil() as usize).clamp(1, 10_000);
        (0..pieces).step_by(2).map(move |k| {
            let t0 = k as f64 / pieces as f64;
            let t1 = ((k + 1) as f64 / pieces as f64).min(1.0);
            vec![(ax + t0 * (bx - ax), ay + t0 * (by - ay)), (ax + t1 * (bx - ax), ay + t1 * (by - ay))]
        })
    })
}

/// Renders `fig` to an SVG document of `width`×`height` pixels.
pub fn to_svg(fig: &Figure, width: u32, height: u32, style: Style) -> Result<String, String> {
    let mut buf = String::new();
    {
        let area = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        render(&area, fig, style)?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_clean() {
        assert_eq!(log_tick_label(-3.0), "1e-3");
        assert_eq!(log_tick_label(2.0), "100");
        assert_eq!(log_tick_label(-5.0 + 0.3979400086720376), "2.5e-5");
        assert_eq!(log_tick_label(-0.5), "0.32");
        assert_eq!(step_tick_label(0.0), "0");
        assert_eq!(step_tick_label(25_000.0), "25k");
        assert_eq!(step_tick_label(1_200_000.0), "1.2M");
        assert_eq!(step_tick_label(99999.99999), "100k");
    }

    #[test]
    fn thinning_keeps_every_pixel_column_extreme_and_both_ends() {
        // 10,000 points of a noisy oscillation over 100 pixel columns of width 1.
        let line: Vec<(f64, f64)> = (0..10_000)
            .map(|i| (i as f64 / 100.0, ((i * 7919) % 1000) as f64 / 10.0 + (i as f64 / 500.0).sin()))
            .collect();
        let thin = thin_to_pixels(line.clone(), (1.0, 0.01));
        assert!(thin.len() <= 4 * 100 + 1, "{} points", thin.len());
        assert_eq!(thin.first(), line.first());
        assert_eq!(thin.last(), line.last());
        for c in 0..100 {
            let col = |p: &&(f64, f64)| p.0.floor() as usize == c;
            let (lo, hi) = line.iter().filter(col).fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
            let (tlo, thi) = thin.iter().filter(col).fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
            assert_eq!((lo, hi), (tlo, thi), "column {c}");
        }
        assert!(thin.windows(2).all(|w| w[0].0 <= w[1].0), "order kept");
        // A line with fewer points than pixels is left alone.
        let sparse: Vec<(f64, f64)> = (0..50).map(|i| (i as f64 * 3.0, i as f64)).collect();
        assert_eq!(thin_to_pixels(sparse.clone(), (1.0, 0.01)), sparse);
    }

    #[test]
    fn straightening_moves_the_line_by_at_most_half_a_pixel() {
        // A plateau, a smooth fall and noise: 2,000 points over 800 columns of width 1, rows of height 0.01.
        let y = |i: usize| match i {
            0..=599 => 5.0,
            600..=1399 => {
                5.0 - 3.0 * ((i - 600) as f64 / 800.0 * std::f64::consts::PI).sin().powi(2) - (i as f64 - 600.0) / 400.0
            }
            _ => 1.0 + ((i * 7919) % 100) as f64 / 1000.0,
        };
        let line: Vec<(f64, f64)> = (0..2000).map(|i| (i as f64 * 0.4, y(i))).collect();
        let thin = straighten(line.clone(), (1.0, 0.01));
        assert!(thin.len() < line.len() / 3, "{} of {} points kept", thin.len(), line.len());
        assert_eq!((thin.first(), thin.last()), (line.first(), line.last()));
        for p in &line {
            let k = thin.partition_point(|q| q.0 < p.0).clamp(1, thin.len() - 1);
            let (a, b) = (thin[k - 1], thin[k]);
            let on_chord = a.1 + (b.1 - a.1) * (p.0 - a.0) / (b.0 - a.0);
            assert!((on_chord - p.1).abs() <= 0.005 + 1e-12, "point {p:?} is {} px off", (on_chord - p.1).abs() / 0.01);
        }
    }

    #[test]
    fn log_axis_breaks_lines_instead_of_clamping() {
        let y = Axis { log: true, floor: 1e-6 };
        let x = Axis { log: false, floor: 0.0 };
        let pts = [
            Some((0.0, 1.0)),
            Some((1.0, 0.0)),
            Some((2.0, 1e-9)),
            Some((3.0, 10.0)),
            None,
            Some((5.0, f64::NAN)),
            Some((6.0, 1.0)),
        ];
        let segs = segments(&pts, x, y);
        assert_eq!(segs, vec![vec![(0.0, 0.0)], vec![(3.0, 1.0)], vec![(6.0, 0.0)]]);
    }
}

/// The two standard figures of a run stacked in one SVG (singular values above, loss below).
pub fn run_svg(
    samples: &[Sample],
    truth: Option<&[f64]>,
    log_x: bool,
    width: u32,
    height: u32,
) -> Result<String, String> {
    let mut buf = String::new();
    {
        let area = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        let (top, bottom) = area.split_vertically(height * 3 / 5);
        let runs = [RunView { label: String::new(), samples, color: PALETTE[0], legend: false }];
        render(&top, &singular_values_figure(&runs, truth, None, log_x, 20), Style::default())?;
        render(&bottom, &loss_figure(&runs, log_x), Style::default())?;
        area.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

/// One heatmap panel.
pub enum Panel<'a> {
    /// Diverging colours: orange for positive, blue for negative, white at 0; |v| ≥ `scale` saturates.
    Values { title: &'a str, matrix: &'a nalgebra::DMatrix<f64>, scale: f64 },
    /// Observed (dark) and unobserved (light) entries.
    Mask { title: &'a str, mask: &'a nalgebra::DMatrix<bool> },
}

/// Largest side drawn cell by cell; bigger matrices are block-averaged down to it.
pub const MAX_HEATMAP_SIDE: usize = 64;

/// Heatmaps side by side (W, target, observed mask), square cells, titles above.
pub fn render_matrices<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[Panel],
    style: Style,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale.clamp(0.25, 8.0);
    let (bg, fg) = if style.dark {
        (RGBColor(0x14, 0x17, 0x1c), RGBColor(0xd8, 0xdd, 0xe3))
    } else {
        (WHITE, RGBColor(0x22, 0x22, 0x22))
    };
    area.fill(&bg).map_err(err)?;
    if panels.is_empty() {
        return Ok(());
    }
    let font = ("sans-serif", 12.0 * s).into_font().color(&fg);
    for (panel, sub) in panels.iter().zip(area.split_evenly((1, panels.len()))) {
        let (title, cells): (&str, nalgebra::DMatrix<RGBColor>) = match panel {
            Panel::Values { title, matrix, scale } => {
                let m = shrink(&matrix.map(|v| v), MAX_HEATMAP_SIDE);
                let scale = if *scale > 0.0 && scale.is_finite() { *scale } else { 1.0 };
                (title, m.map(|v| diverging(v / scale, style.dark)))
            }
            Panel::Mask { title, mask } => {
                let m = shrink(&mask.map(|b| if b { 1.0 } else { 0.0 }), MAX_HEATMAP_SIDE);
                let (on, off) = if style.dark {
                    (RGBColor(0xd8, 0xdd, 0xe3), RGBColor(0x2c, 0x32, 0x3a))
                } else {
                    (RGBColor(0x44, 0x44, 0x44), RGBColor(0xee, 0xee, 0xee))
                };
                (title, m.map(|v| blend(off, on, v)))
            }
        };
        let inner = sub.titled(title, font.clone()).map_err(err)?;
        let (w, h) = inner.dim_in_pixel();
        let pad = (6.0 * s) as i32;
        let side = ((w as i32 - 2 * pad).min(h as i32 - pad)).max(1);
        let (rows, cols) = cells.shape();
        let cell = side as f64 / rows.max(cols) as f64;
        let x0 = (w as i32 - (cell * cols as f64) as i32) / 2;
        for i in 0..rows {
            for j in 0..cols {
                let a = (x0 + (j as f64 * cell) as i32, (i as f64 * cell) as i32);
                let b = (x0 + ((j + 1) as f64 * cell).ceil() as i32, ((i + 1) as f64 * cell).ceil() as i32);
                inner.draw(&Rectangle::new([a, b], cells[(i, j)].filled())).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Block-averages a matrix so neither side exceeds `max`.
fn shrink(m: &nalgebra::DMatrix<f64>, max: usize) -> nalgebra::DMatrix<f64> {
    let (r, c) = m.shape();
    let f = r.max(c).div_ceil(max).max(1);
    if f == 1 {
        return m.clone();
    }
    let (nr, nc) = (r.div_ceil(f), c.div_ceil(f));
    nalgebra::DMatrix::from_fn(nr, nc, |i, j| {
        let block = m.view((i * f, j * f), ((r - i * f).min(f), (c - j * f).min(f)));
        block.sum() / block.len() as f64
    })
}

fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Diverging colour for v ∈ [−1, 1]: blue ← neutral → orange (Okabe–Ito ends).
fn diverging(v: f64, dark: bool) -> RGBColor {
    let neutral = if dark { RGBColor(0x14, 0x17, 0x1c) } else { WHITE };
    if !v.is_finite() {
        return RGBColor(0x99, 0x99, 0x99);
    }
    if v >= 0.0 {
        blend(neutral, PALETTE[1], v)
    } else {
        blend(neutral, PALETTE[0], -v)
    }
}

/// Viridis-like sequential colour for t ∈ [0, 1] (perceptually ordered, colour-blind safe).
fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] =
        [(0x44, 0x01, 0x54), (0x3b, 0x52, 0x8b), (0x21, 0x90, 0x8d), (0x5d, 0xc9, 0x63), (0xfd, 0xe7, 0x25)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 } * (STOPS.len() - 1) as f64;
    let k = (t.floor() as usize).min(STOPS.len() - 2);
    let a = RGBColor(STOPS[k].0, STOPS[k].1, STOPS[k].2);
    let b = RGBColor(STOPS[k + 1].0, STOPS[k + 1].1, STOPS[k + 1].2);
    blend(a, b, t - k as f64)
}

/// A phase diagram: one coloured cell per (x, y) with its value printed (grey: no value), axes labelled.
/// `values` is row-major over y then x.
pub fn render_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    x_labels: &[String],
    y_labels: &[String],
    values: &[Option<f64>],
    style: Style,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale.clamp(0.25, 8.0);
    let px = |v: f64| (v * s).round().max(1.0) as u32;
    let (bg, fg) = if style.dark {
        (RGBColor(0x14, 0x17, 0x1c), RGBColor(0xd8, 0xdd, 0xe3))
    } else {
        (WHITE, RGBColor(0x22, 0x22, 0x22))
    };
    area.fill(&bg).map_err(err)?;
    let (nx, ny) = (x_labels.len().max(1), y_labels.len().max(1));
    let finite: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let font = ("sans-serif", 12.0 * s).into_font().color(&fg);
    let mut chart = ChartBuilder::on(area)
        .margin(px(8.0))
        .caption(title, ("sans-serif", 14.0 * s).into_font().color(&fg))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
        .map_err(err)?;
    let xl = |v: &f64| {
        x_labels.get(v.floor() as usize).filter(|_| (v.fract() - 0.5).abs() < 1e-9).cloned().unwrap_or_default()
    };
    let yl = |v: &f64| {
        y_labels.get(v.floor() as usize).filter(|_| (v.fract() - 0.5).abs() < 1e-9).cloned().unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(nx * 2 + 1)
        .y_labels(ny * 2 + 1)
        .x_label_formatter(&xl)
        .y_label_formatter(&yl)
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_style(fg.stroke_width(px(1.0)))
        .draw()
        .map_err(err)?;
    let annotate = nx * ny <= 80;
    for (k, v) in values.iter().enumerate().take(nx * ny) {
        let (j, i) = (k / nx, k % nx);
        let color = match v {
            Some(v) if v.is_finite() => sequential(if hi > lo { (v - lo) / (hi - lo) } else { 0.5 }),
            _ => RGBColor(0x9a, 0x9a, 0x9a),
        };
        let (x0, y0) = (i as f64, j as f64);
        chart
            .draw_series(std::iter::once(Rectangle::new([(x0, y0), (x0 + 1.0, y0 + 1.0)], color.filled())))
            .map_err(err)?;
        if annotate {
            let text = v.map_or("–".to_string(), |v| format!("{}", round_sig(v, 3)));
            let light = matches!(v, Some(x) if hi > lo && (x - lo) / (hi - lo) < 0.6);
            let tc = if light { WHITE } else { BLACK };
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (x0 + 0.5, y0 + 0.5),
                    ("sans-serif", 11.0 * s).into_font().color(&tc).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    )),
                )))
                .map_err(err)?;
        }
    }
    Ok(())
}
