//! Heatmaps: matrices side by side (W, target, observed entries) and phase diagrams (one cell per run).

use super::render::{text_size, Style, Theme, PALETTE, TITLE_RATIO};
use super::{Matrices, Panel};
use crate::notation::round_sig;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Largest side drawn cell by cell; bigger matrices are block-averaged down to it.
pub const MAX_HEATMAP_SIDE: usize = 64;

/// Heatmaps side by side (W, target, observed mask), square cells, titles above.
pub fn render_matrices<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Matrices,
    style: Style,
) -> Result<(), String> {
    let panels = &fig.panels;
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale.clamp(0.25, 8.0);
    let dark = style.theme == Theme::Dark;
    let (bg, fg) = (style.theme.colors().background, style.theme.colors().foreground);
    area.fill(&bg).map_err(err)?;
    if panels.is_empty() {
        return Ok(());
    }
    let (w, h) = area.dim_in_pixel();
    let text_px = text_size(w as f64 / s, h as f64 / s) * s;
    let font = ("sans-serif", text_px).into_font().color(&fg);
    for (panel, sub) in panels.iter().zip(area.split_evenly((1, panels.len()))) {
        let (title, cells): (&str, nalgebra::DMatrix<RGBColor>) = match panel {
            Panel::Values { title, matrix, scale } => {
                let m = shrink(&matrix.map(|v| v), MAX_HEATMAP_SIDE);
                let scale = if *scale > 0.0 && scale.is_finite() { *scale } else { 1.0 };
                (title, m.map(|v| diverging(v / scale, dark)))
            }
            Panel::Mask { title, mask } => {
                let m = shrink(&mask.map(|b| if b { 1.0 } else { 0.0 }), MAX_HEATMAP_SIDE);
                let (on, off) = if dark {
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

/// A phase diagram: a grid of runs over two config fields, one value per cell.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct PhaseDiagram {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub x_labels: Vec<String>,
    pub y_labels: Vec<String>,
    /// Row-major over y then x; None: the cell has no value.
    pub values: Vec<Option<f64>>,
}

/// Draws a phase diagram: one coloured cell per (x, y) with its value printed (grey: no value), axes labelled.
pub fn render_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &PhaseDiagram,
    style: Style,
) -> Result<(), String> {
    let PhaseDiagram { title, x_desc, y_desc, x_labels, y_labels, values } = d;
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale.clamp(0.25, 8.0);
    let px = |v: f64| (v * s).round().max(1.0) as u32;
    let (bg, fg) = (style.theme.colors().background, style.theme.colors().foreground);
    area.fill(&bg).map_err(err)?;
    let (nx, ny) = (x_labels.len().max(1), y_labels.len().max(1));
    let finite: Vec<f64> = values.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let (w, h) = area.dim_in_pixel();
    let text_px = text_size(w as f64 / s, h as f64 / s) * s;
    let font = ("sans-serif", text_px).into_font().color(&fg);
    let mut chart = ChartBuilder::on(area)
        .margin(px(8.0))
        .caption(title, ("sans-serif", text_px * TITLE_RATIO).into_font().color(&fg))
        .x_label_area_size((text_px * 2.8) as u32)
        .y_label_area_size((text_px * 4.5) as u32)
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
                    ("sans-serif", text_px * 0.9).into_font().color(&tc).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Center,
                    )),
                )))
                .map_err(err)?;
        }
    }
    Ok(())
}
