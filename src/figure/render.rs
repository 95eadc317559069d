//! Draws a [`Figure`] with plotters on any `DrawingBackend` (the page's canvas, SVG, PNG).
//!
//! Log axes are linear axes over log₁₀ of the data with our own tick labels; points that cannot be shown
//! (≤ 0 on a log axis, below the floor, non-finite) break the line instead of being clamped. Text scales with
//! the figure: see [`text_size`].

use super::geometry::{self, dashes, extent, segments, straighten, thin_to_pixels, AxisMap};
use super::hover::{PlotFrame, Rect};
use super::{Figure, Glyph, Ink, Mark, Stroke};
use crate::notation;
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
/// Smallest tick-label size in CSS pixels (small embeds); titles are [`TITLE_RATIO`] times the tick size.
pub const MIN_TEXT_PX: f64 = 12.0;
/// Largest tick-label size in CSS pixels.
pub const MAX_TEXT_PX: f64 = 26.0;
pub const TITLE_RATIO: f64 = 1.25;

/// Colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// For a projector at the back of a lecture hall: black on white, darker grid, lines 1.75× as thick.
    Projector,
}

/// How to draw: pixel scale (devicePixelRatio in the browser) and colour scheme.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub scale: f64,
    pub theme: Theme,
}

impl Default for Style {
    fn default() -> Self {
        Self { scale: 1.0, theme: Theme::Light }
    }
}

/// The theme's colours: background, foreground, grid, neutral references, muted data.
pub struct Colors {
    pub background: RGBColor,
    pub foreground: RGBColor,
    pub grid: RGBColor,
    pub neutral: RGBColor,
    pub muted: RGBColor,
}

impl Theme {
    /// "dark" → Dark, "projector" → Projector, anything else → Light.
    pub fn named(name: &str) -> Theme {
        match name {
            "dark" => Theme::Dark,
            "projector" => Theme::Projector,
            _ => Theme::Light,
        }
    }

    /// Factor on every data line's width.
    pub fn line_scale(self) -> f64 {
        if self == Theme::Projector {
            1.75
        } else {
            1.0
        }
    }

    pub fn colors(self) -> Colors {
        match self {
            Theme::Light => Colors {
                background: WHITE,
                foreground: RGBColor(0x22, 0x22, 0x22),
                grid: RGBColor(0xe4, 0xe4, 0xe4),
                neutral: RGBColor(0x55, 0x55, 0x55),
                muted: RGBColor(0xa8, 0xa8, 0xa8),
            },
            Theme::Dark => Colors {
                background: RGBColor(0x14, 0x17, 0x1c),
                foreground: RGBColor(0xd8, 0xdd, 0xe3),
                grid: RGBColor(0x2c, 0x32, 0x3a),
                neutral: RGBColor(0xb0, 0xb6, 0xbe),
                muted: RGBColor(0x5c, 0x64, 0x6e),
            },
            Theme::Projector => Colors {
                background: WHITE,
                foreground: BLACK,
                grid: RGBColor(0xc4, 0xc4, 0xc4),
                neutral: RGBColor(0x22, 0x22, 0x22),
                muted: RGBColor(0x80, 0x80, 0x80),
            },
        }
    }

    pub fn ink(self, ink: Ink) -> RGBColor {
        match ink {
            Ink::Series(i) => PALETTE[i % PALETTE.len()],
            Ink::Neutral => self.colors().neutral,
            Ink::Muted => self.colors().muted,
        }
    }
}

/// Tick-label size in CSS pixels for a figure of `width`×`height` CSS pixels: a fiftieth of the width or a
/// sixteenth of the height, whichever is smaller, within [12, 26] — 17–18 px for a full-width chart on a
/// 1280×720 screen, 12 px in a 320 px embed.
pub fn text_size(width: f64, height: f64) -> f64 {
    (width / 50.0).min(height / 16.0).clamp(MIN_TEXT_PX, MAX_TEXT_PX)
}

/// Draws `fig` filling `area` (the caller presents the root area); returns where its plot and legend went.
pub fn render<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    style: Style,
) -> Result<PlotFrame, String> {
    render_over(area, fig, None, style)
}

/// A previous run's figure drawn faintly behind the current one, named in the legend (e.g. "previous: α = 1e-3").
pub struct Ghost<'a> {
    pub figure: &'a Figure,
    pub label: &'a str,
}

/// Draws `fig` over the series of `ghost` (muted, thin), on axes that hold both; returns where its plot and
/// legend went (for hover and legend clicks).
pub fn render_over<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    ghost: Option<Ghost<'_>>,
    style: Style,
) -> Result<PlotFrame, String> {
    let with_legend;
    let fig = match &ghost {
        Some(g) => {
            let mut f = fig.clone();
            f.legend(g.label, Ink::Muted, Glyph::Line);
            with_legend = f;
            &with_legend
        }
        None => fig,
    };
    let ghost_series: &[super::Series] = ghost.as_ref().map_or(&[], |g| &g.figure.series);
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = style.scale.clamp(0.25, 8.0);
    let colors = style.theme.colors();
    let (pw, ph) = area.dim_in_pixel();
    let text_px = text_size(pw as f64 / s, ph as f64 / s) * s;
    let px = |v: f64| (v * s).round().max(1.0) as u32;
    area.fill(&colors.background).map_err(err)?;

    let font = ("sans-serif", text_px).into_font().color(&colors.foreground);
    let title_font = ("sans-serif", text_px * TITLE_RATIO).into_font().color(&colors.foreground);

    // Title (in as many lines as the width needs), then the legend in rows under it, then the chart.
    let line_h = (text_px * TITLE_RATIO * 1.25).ceil() as u32;
    let measure = |t: &str| area.estimate_text_size(t, &title_font).map_or(0, |(w, _)| w);
    let title_lines = geometry::wrap_words(&fig.title, pw.saturating_sub(2 * px(8.0)), measure);
    let title_h = line_h * title_lines.len().max(1) as u32 + line_h / 5;
    let (title_area, rest) = area.split_vertically(title_h.min(ph));
    for (i, line) in title_lines.iter().enumerate() {
        let y = (line_h * i as u32 + line_h / 2 + line_h / 10) as i32;
        title_area
            .draw(&Text::new(line.as_str(), (px(8.0) as i32, y), title_font.pos(Pos::new(HPos::Left, VPos::Center))))
            .map_err(err)?;
    }
    let legend_rows = legend_layout(&rest, fig, &font, text_px, rest.dim_in_pixel().1).map_err(err)?;
    let row_h = (text_px * 1.4).ceil() as i32;
    let legend_h = (legend_rows.len() as i32 * row_h) as u32;
    let (legend_area, plot_area) = rest.split_vertically(legend_h.min(rest.dim_in_pixel().1));
    let (lx, ly) = legend_area.get_base_pixel();
    let legend_rects = draw_legend(&legend_area, fig, &legend_rows, &font, row_h, text_px, style)
        .map_err(err)?
        .into_iter()
        .map(|(k, r)| (k, (r.0 + lx, r.1 + ly, r.2 + lx, r.3 + ly)))
        .collect();

    // Ranges (mapped: log₁₀ on log axes).
    let all_points = || fig.series.iter().chain(ghost_series).flat_map(|se| se.points.iter().flatten());
    let xs = all_points().map(|p| p.0).chain(fig.marks.iter().map(|m| m.x));
    let (xlo, xhi) = fig.x.range.or_else(|| extent(xs, fig.x.log)).unwrap_or((1.0, 10.0));
    let ys = all_points().map(|p| p.1).chain(fig.references.iter().map(|r| r.y)).chain(fig.marks.iter().map(|m| m.y));
    let (ylo, yhi) = fig.y.range.or_else(|| extent(ys, fig.y.log)).unwrap_or((1e-3, 1.0));
    let xaxis = AxisMap { log: fig.x.log, floor: 0.0 };
    let yfloor = if fig.y.log { ylo.max(yhi / LOG_DYNAMIC_RANGE) } else { f64::NEG_INFINITY };
    let yaxis = AxisMap { log: fig.y.log, floor: yfloor };
    let (x0, x1) = match (xaxis.map(xlo), xaxis.map(xhi)) {
        (Some(a), Some(b)) if fig.x.log => (a.floor().min(a), b.max(a + 1.0)),
        (Some(a), Some(b)) if fig.x.integer => (a - 0.5, b + 0.5),
        // A linear x range given by the figure (a step axis 0…steps, a sweep's x values) is drawn as given.
        (Some(a), Some(b)) if fig.x.range.is_some() => (a, b.max(a + 1e-12)),
        (Some(a), Some(b)) => (a.min(0.0), b.max(a + 1.0)),
        _ => (0.0, 1.0),
    };
    let x1 = x1 + 0.02 * (x1 - x0);
    let (y0, y1) = match (yaxis.map(yfloor.max(ylo)), yaxis.map(yhi)) {
        (Some(a), Some(b)) if fig.y.log => {
            let (a, b) = (a.floor(), b.ceil());
            if a == b {
                (a - 1.0, b + 1.0)
            } else {
                (a, b)
            }
        }
        (Some(a), Some(b)) => {
            let pad = 0.08 * (b - a).max(1e-9 * a.abs().max(1.0));
            (a - pad, b + pad)
        }
        _ => (-3.0, 0.0),
    };

    let mut chart = ChartBuilder::on(&plot_area)
        .margin_left(px(4.0))
        .margin_right((text_px * 1.2) as u32)
        .margin_top(px(6.0))
        .margin_bottom(px(4.0))
        .x_label_area_size((text_px * 2.9) as u32)
        .y_label_area_size((text_px * 4.2) as u32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let (pxs, pys) = chart.plotting_area().get_pixel_range();
    let frame = PlotFrame {
        plot: (pxs.start, pys.start, pxs.end, pys.end),
        x: (x0, x1),
        y: (y0, y1),
        x_log: fig.x.log,
        y_log: fig.y.log,
        legend: legend_rects,
    };
    let resolution =
        ((x1 - x0) / f64::from((pxs.end - pxs.start).max(1)), (y1 - y0) / f64::from((pys.end - pys.start).max(1)));
    let x_fmt = |v: &f64| {
        if fig.x.log && *v < 0.0 {
            notation::log_tick(*v)
        } else if fig.x.log {
            notation::step(10f64.powf(*v).round())
        } else if fig.x.integer {
            if (v - v.round()).abs() < 1e-9 {
                format!("{}", v.round())
            } else {
                String::new()
            }
        } else {
            notation::step(*v)
        }
    };
    let y_fmt = |v: &f64| if fig.y.log { notation::log_tick(*v) } else { notation::number(*v, 3) };
    let x_ticks = if fig.x.integer { ((x1 - x0).round() as usize * 2 + 1).min(21) } else { 6 };
    chart
        .configure_mesh()
        .x_labels(x_ticks)
        .y_labels(if ph as f64 / s > 260.0 { 7 } else { 4 })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .x_desc(fig.x.label.as_str())
        .y_desc(fig.y.label.as_str())
        .bold_line_style(colors.grid.stroke_width(px(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(colors.foreground.stroke_width(px(1.0)))
        .draw()
        .map_err(err)?;

    let plot = chart.plotting_area();
    let ink = |i: Ink| style.theme.ink(i);
    for area in &fig.areas {
        let mapped: Vec<(f64, f64, f64)> = area
            .points
            .iter()
            .filter_map(|&(x, lo, hi)| Some((xaxis.map(x)?, yaxis.map(lo).unwrap_or(y0), yaxis.map(hi)?)))
            .map(|(x, lo, hi)| (x, lo.clamp(y0, y1), hi.clamp(y0, y1)))
            .collect();
        if mapped.len() < 2 {
            continue;
        }
        let outline: Vec<(f64, f64)> =
            mapped.iter().map(|p| (p.0, p.2)).chain(mapped.iter().rev().map(|p| (p.0, p.1))).collect();
        plot.draw(&Polygon::new(outline, ink(area.ink).mix(0.18).filled())).map_err(err)?;
    }
    let label_font = |i: Ink| ("sans-serif", text_px).into_font().color(&ink(i));
    let (bx, by) = plot.get_base_pixel();
    let (plot_w, plot_h) = (pxs.end - pxs.start, pys.end - pys.start);
    // Labels placed so far (the bands', the references', then the marks'): no label is drawn over another.
    let mut taken: Vec<Rect> = vec![];
    for b in &fig.bands {
        if let (Some(a), Some(c)) = (xaxis.map(b.x0), xaxis.map(b.x1)) {
            let (a, c) = (a.max(x0), c.min(x1));
            if c <= a {
                continue;
            }
            plot.draw(&Rectangle::new([(a, y0), (c, y1)], ink(b.ink).mix(0.13).filled())).map_err(err)?;
            if let Some(label) = &b.label {
                // Labelled only where the band is wide enough for its label.
                let (left, right) = (plot.map_coordinate(&(a, y1)), plot.map_coordinate(&(c, y1)));
                let (w, h) = plot.estimate_text_size(label, &label_font(b.ink)).map_err(err)?;
                if right.0 - left.0 >= w as i32 + px(4.0) as i32 {
                    let style = label_font(b.ink).pos(Pos::new(HPos::Center, VPos::Top));
                    let at = ((left.0 + right.0) / 2 - bx, px(3.0) as i32);
                    taken.push((at.0 - w as i32 / 2, at.1, at.0 + w as i32 / 2 + 1, at.1 + h as i32));
                    plot.strip_coord_spec().draw(&Text::new(label.as_str(), at, style)).map_err(err)?;
                }
            }
        }
    }
    let dash = (x1 - x0) / 110.0;
    for r in &fig.references {
        let Some(y) = yaxis.map(r.y) else { continue };
        if y < y0 || y > y1 {
            continue;
        }
        horizontal_dashes(plot, &[(x0, y), (x1, y)], dash, ink(r.ink), px(1.5) as i32).map_err(err)?;
        if let Some(label) = &r.label {
            let font = label_font(r.ink);
            let at = plot.map_coordinate(&(x1, y));
            let (w, h) = plot.estimate_text_size(label, &font).map_err(err)?;
            let right = at.0 - bx - px(4.0) as i32;
            let size = (w as i32, h as i32);
            let Some(spot) = geometry::reference_spot(right, at.1 - by, size, px(2.0) as i32, (plot_w, plot_h), &taken)
            else {
                continue;
            };
            taken.push(spot);
            boxed_label(plot, label, font, spot, colors.background).map_err(err)?;
        }
    }
    for m in &fig.markers {
        if let Some(x) = xaxis.map(m.x) {
            let pieces = 40;
            let dy = (y1 - y0) / pieces as f64;
            let color = ink(m.ink);
            let d = (0..pieces).step_by(2).map(|k| {
                PathElement::new(
                    vec![(x, y0 + k as f64 * dy), (x, y0 + (k + 1) as f64 * dy)],
                    color.stroke_width(px(1.5)),
                )
            });
            chart.draw_series(d).map_err(err)?;
        }
    }
    let faded = |_: Ink| colors.muted.mix(0.55);
    let own = |i: Ink| ink(i).mix(1.0);
    let layers = ghost_series.iter().map(|se| (se, true)).chain(fig.series.iter().map(|se| (se, false)));
    for (se, faint) in layers {
        let color = if faint { faded(se.ink) } else { own(se.ink) };
        let width = if faint { se.width.min(1.5) } else { se.width * style.theme.line_scale() };
        let stroke = color.stroke_width(px(width));
        for segment in segments(&se.points, xaxis, yaxis) {
            if se.stroke == Stroke::Points || segment.len() == 1 {
                let r = px(width + 1.5) as i32;
                chart.draw_series(segment.iter().map(|&p| Circle::new(p, r, color.filled()))).map_err(err)?;
                if se.stroke == Stroke::Points {
                    continue;
                }
            }
            let segment = straighten(thin_to_pixels(segment, resolution), resolution);
            match se.stroke {
                Stroke::Dashed if segment.iter().all(|p| p.1 == segment[0].1) => {
                    horizontal_dashes(chart.plotting_area(), &segment, dash, color, px(width) as i32).map_err(err)?
                }
                Stroke::Dashed => {
                    chart.draw_series(dashes(&segment, dash).map(|d| PathElement::new(d, stroke))).map_err(err)?;
                }
                Stroke::Dotted => {
                    chart
                        .draw_series(dashes(&segment, 0.4 * dash).map(|d| PathElement::new(d, stroke)))
                        .map_err(err)?;
                }
                _ => {
                    chart.draw_series(LineSeries::new(segment, stroke)).map_err(err)?;
                }
            }
        }
    }
    let plot = chart.plotting_area();
    if let Some(c) = &fig.cursor {
        if let Some(x) = xaxis.map(c.x).filter(|x| (x0..=x1).contains(x)) {
            plot.draw(&PathElement::new(vec![(x, y0), (x, y1)], colors.foreground.mix(0.8).stroke_width(px(2.0))))
                .map_err(err)?;
            let at = plot.map_coordinate(&(x, y1));
            let (w, h) = plot.estimate_text_size(&c.label, &font).map_err(err)?;
            let (w, h) = (w as i32, h as i32);
            // Right of the line, or left of it near the right edge; below the top.
            let right = at.0 - bx + px(4.0) as i32 + w <= plot_w;
            let (hpos, dx) = if right { (HPos::Left, px(4.0) as i32) } else { (HPos::Right, -(px(4.0) as i32)) };
            let anchor = (at.0 - bx + dx, at.1 - by + (text_px * 1.2) as i32);
            let left = if right { anchor.0 } else { anchor.0 - w };
            halo(plot, (left, anchor.1 - h, left + w, anchor.1), colors.background).map_err(err)?;
            plot.strip_coord_spec()
                .draw(&Text::new(c.label.as_str(), anchor, font.clone().pos(Pos::new(hpos, VPos::Bottom))))
                .map_err(err)?;
        }
    }
    // Dots first, then each label at the nearest spot that covers no dot and no label placed before
    // (`geometry::label_spot`).
    let r = px(5.0) as i32;
    let mut dots: Vec<(&Mark, (i32, i32))> = vec![];
    for m in &fig.marks {
        let (Some(x), Some(y)) = (xaxis.map(m.x), yaxis.map(m.y)) else { continue };
        plot.draw(&Circle::new((x, y), r, ink(m.ink).filled())).map_err(err)?;
        plot.draw(&Circle::new((x, y), r, colors.background.stroke_width(px(1.5)))).map_err(err)?;
        let at = plot.map_coordinate(&(x, y));
        dots.push((m, (at.0 - bx, at.1 - by)));
    }
    taken.extend(dots.iter().map(|(_, (x, y))| (x - r, y - r, x + r + 1, y + r + 1)));
    for (m, dot) in dots.into_iter().filter(|(m, _)| !m.label.is_empty()) {
        let font = label_font(m.ink);
        let (w, h) = plot.estimate_text_size(&m.label, &font).map_err(err)?;
        let gap = r + px(3.0) as i32;
        let Some(spot) = geometry::label_spot(dot, (w as i32, h as i32), gap, (plot_w, plot_h), &taken) else {
            continue;
        };
        taken.push(spot);
        boxed_label(plot, &m.label, font, spot, colors.background).map_err(err)?;
    }
    Ok(frame)
}

/// A translucent box in the background colour around a label's box (left, top, right, bottom), so the label reads
/// over lines and grid.
fn halo<DB: DrawingBackend, X, Y>(
    plot: &DrawingArea<DB, Cartesian2d<X, Y>>,
    (left, top, right, bottom): Rect,
    background: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let pad = ((bottom - top) / 8).max(1);
    plot.strip_coord_spec()
        .draw(&Rectangle::new([(left - pad, top), (right + pad, bottom + pad)], background.mix(0.75).filled()))
}

/// `label` in `font` over its halo, filling `spot` (its box as placed by [`geometry`], in plot pixels).
fn boxed_label<DB: DrawingBackend, X, Y>(
    plot: &DrawingArea<DB, Cartesian2d<X, Y>>,
    label: &str,
    font: TextStyle<'_>,
    spot: Rect,
    background: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    halo(plot, spot, background)?;
    plot.strip_coord_spec().draw(&Text::new(label, (spot.0, spot.3), font.pos(Pos::new(HPos::Left, VPos::Bottom))))
}

/// The dashes of a horizontal line as one filled outline (a single fill instead of a stroked path per
/// dash): each dash is a pixel rectangle, and the outline hops from one to the next along their top edge, a
/// zero-area bridge that fills nothing.
fn horizontal_dashes<DB: DrawingBackend, X, Y>(
    plot: &DrawingArea<DB, Cartesian2d<X, Y>>,
    line: &[(f64, f64)],
    dash: f64,
    color: impl Color,
    thick: i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let (bx, by) = plot.get_base_pixel();
    let mut outline = vec![];
    for d in dashes(line, dash) {
        let (a, b) = (plot.map_coordinate(&d[0]), plot.map_coordinate(&d[1]));
        let (top, bottom) = (a.1 - by - thick / 2, a.1 - by - thick / 2 + thick.max(1));
        let (xa, xb) = (a.0 - bx, b.0 - bx);
        outline.extend([(xa, top), (xb, top), (xb, bottom), (xa, bottom), (xa, top)]);
    }
    if outline.is_empty() {
        return Ok(());
    }
    plot.strip_coord_spec().draw(&Polygon::new(outline, color.filled()))
}

/// Most of the space under the title a legend may take before it turns compact (two columns, labels shortened).
const LEGEND_SHARE: f64 = 0.22;

/// One legend entry as placed: its index in `fig.legend`, its x (pixels from the legend's left), the label shown
/// (shortened with "…" in a compact legend; the full one is on hover) and the sample's length.
struct Placed {
    k: usize,
    x: i32,
    label: String,
    sample: i32,
}

/// Legend entries laid out in rows that fit the width. When those rows would take more than [`LEGEND_SHARE`] of
/// `height` (a small frame), the entries go in two columns with shorter samples, labels cut to the column.
fn legend_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    font: &TextStyle<'_>,
    text_px: f64,
    height: u32,
) -> Result<Vec<Vec<Placed>>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = area.dim_in_pixel();
    let (sample, gap) = (text_px * 1.8, text_px * 1.2);
    let left = text_px * 0.6;
    let width = |t: &str| area.estimate_text_size(t, font).map(|(tw, _)| tw as f64);
    let mut rows: Vec<Vec<Placed>> = vec![];
    let mut used = f64::INFINITY;
    for (k, e) in fig.legend.iter().enumerate() {
        let need = sample + text_px * 0.4 + width(&e.label)?;
        if used + gap + need > w as f64 - left {
            rows.push(vec![]);
            used = -gap;
        }
        let x = (left + used + gap) as i32;
        rows.last_mut().expect("a row").push(Placed { k, x, label: e.label.clone(), sample: sample as i32 });
        used += gap + need;
    }
    let row_h = text_px * 1.4;
    let compact_rows = fig.legend.len().div_ceil(2);
    if rows.len() <= 2 || rows.len() as f64 * row_h <= LEGEND_SHARE * height as f64 || compact_rows >= rows.len() {
        return Ok(rows);
    }
    let sample = text_px * 1.1;
    let column = (w as f64 - left) / 2.0;
    let room = column - sample - text_px * 0.4 - text_px * 0.5;
    let mut compact: Vec<Vec<Placed>> = (0..compact_rows).map(|_| vec![]).collect();
    for (k, e) in fig.legend.iter().enumerate() {
        let mut label = e.label.clone();
        if width(&label)? > room {
            let mut chars: Vec<char> = label.chars().collect();
            while chars.len() > 1 && width(&format!("{}…", chars.iter().collect::<String>().trim_end()))? > room {
                chars.pop();
            }
            label = format!("{}…", chars.iter().collect::<String>().trim_end());
        }
        let x = (left + column * (k % 2) as f64) as i32;
        compact[k / 2].push(Placed { k, x, label, sample: sample as i32 });
    }
    Ok(compact)
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    rows: &[Vec<Placed>],
    font: &TextStyle<'_>,
    row_h: i32,
    text_px: f64,
    style: Style,
) -> Result<Vec<(usize, Rect)>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut rects = vec![];
    let s = style.scale.clamp(0.25, 8.0);
    let thick = (2.0 * s).round().max(1.0) as i32;
    for (r, row) in rows.iter().enumerate() {
        let mid = r as i32 * row_h + row_h / 2;
        for p in row {
            let (k, x, sample) = (p.k, p.x, p.sample);
            let e = &fig.legend[k];
            let color = if e.hidden { style.theme.colors().muted } else { style.theme.ink(e.ink) };
            match e.glyph {
                Glyph::Line => {
                    area.draw(&PathElement::new(vec![(x, mid), (x + sample, mid)], color.stroke_width(thick as u32)))?
                }
                Glyph::Dotted => {
                    let d = sample / 9;
                    for i in [0, 2, 4, 6, 8] {
                        area.draw(&Rectangle::new(
                            [(x + i * d, mid - thick / 2), (x + (i + 1) * d, mid - thick / 2 + thick)],
                            color.filled(),
                        ))?;
                    }
                }
                Glyph::Dashed => {
                    let d = sample / 5;
                    for i in [0, 2, 4] {
                        area.draw(&Rectangle::new(
                            [(x + i * d, mid - thick / 2), (x + (i + 1) * d, mid - thick / 2 + thick)],
                            color.filled(),
                        ))?;
                    }
                }
                Glyph::Marker => {
                    let h = row_h / 2 - 1;
                    for i in [-2, 0, 2] {
                        let y = mid + i * h / 3;
                        area.draw(&PathElement::new(
                            vec![(x + sample / 2, y - h / 6), (x + sample / 2, y + h / 6)],
                            color.stroke_width(thick as u32),
                        ))?;
                    }
                }
                Glyph::Point => area.draw(&Circle::new((x + sample / 2, mid), (row_h / 4).max(2), color.filled()))?,
                Glyph::Band => area.draw(&Rectangle::new(
                    [(x, mid - row_h / 3), (x + sample, mid + row_h / 3)],
                    color.mix(0.25).filled(),
                ))?,
            }
            let text_x = x + sample + (text_px * 0.4) as i32;
            let (tw, _) = area.estimate_text_size(&p.label, font)?;
            if e.hidden {
                let text = font.color(&color).pos(Pos::new(HPos::Left, VPos::Center));
                area.draw(&Text::new(p.label.as_str(), (text_x, mid), text))?;
                area.draw(&PathElement::new(
                    vec![(text_x, mid), (text_x + tw as i32, mid)],
                    color.stroke_width(thick as u32),
                ))?;
            } else {
                let text = font.pos(Pos::new(HPos::Left, VPos::Center));
                area.draw(&Text::new(p.label.as_str(), (text_x, mid), text))?;
            }
            rects.push((k, (x, mid - row_h / 2, text_x + tw as i32, mid + row_h / 2)));
        }
    }
    Ok(rects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::{Axis, Glyph, Ink, Series, Stroke};

    /// noisy-gd's six legend entries over one series.
    fn crowded() -> Figure {
        let mut f = Figure::new("t", "Balance ‖W₂‖/‖W₁‖".into(), Axis::new("step", true), Axis::new("ratio", true));
        f.series.push(Series {
            label: "a".into(),
            ink: Ink::Series(0),
            stroke: Stroke::Solid,
            width: 2.0,
            points: vec![Some((1.0, 40.0)), Some((1e5, 2.0))],
        });
        for (i, label) in [
            "noisy GD from W₂ ≫ W₁",
            "noisy GD from W₁ ≫ W₂",
            "plain GD from W₂ ≫ W₁",
            "plain GD from W₁ ≫ W₂",
            "predicted ratio (noise)",
            "‖W₂‖² − ‖W₁‖², plain GD (conserved)",
        ]
        .iter()
        .enumerate()
        {
            f.legend(*label, Ink::Series(i), if i < 4 { Glyph::Line } else { Glyph::Dashed });
        }
        f
    }

    /// (rows the legend takes, the labels drawn) at width×height.
    fn legend_at(width: u32, height: u32) -> (usize, Vec<String>) {
        crate::figure::export::fonts();
        let fig = crowded();
        let mut buf = String::new();
        let frame = {
            let area = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
            render(&area, &fig, Style::default()).unwrap()
        };
        let mut tops: Vec<i32> = frame.legend.iter().map(|(_, r)| r.1).collect();
        tops.dedup();
        let labels =
            buf.split("<text").skip(1).filter_map(|t| Some(t.split_once('>')?.1.split('<').next()?.trim().to_string()));
        (tops.len(), labels.filter(|l| l.contains(" GD ") || l.contains('…') || l.contains("ratio")).collect())
    }

    #[test]
    fn a_crowded_legend_in_a_small_frame_turns_compact_and_a_wide_one_keeps_every_label() {
        let (rows, labels) = legend_at(320, 300);
        assert_eq!(rows, 3, "six entries in two columns");
        assert!(labels.iter().any(|l| l.ends_with('…')), "long labels shortened: {labels:?}");
        let (rows, labels) = legend_at(1280, 600);
        assert!(rows <= 2, "{rows} rows");
        assert!(labels.contains(&"‖W₂‖² − ‖W₁‖², plain GD (conserved)".to_string()), "{labels:?}");
        assert!(!labels.iter().any(|l| l.ends_with('…')));
    }
}
