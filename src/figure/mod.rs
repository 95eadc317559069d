//! Figures as data before pixels: what a chart shows (series, reference lines, vertical markers, labelled
//! marks, shaded bands, a legend, a caption) with no drawing in it. `build` makes the figures of an
//! experiment; `render` (line charts) and `heatmap` (matrices, phase diagrams) draw them on any plotters
//! backend — the page's canvas, SVG and PNG — so the page and the CLI show the same thing.

pub mod build;
pub mod export;
pub mod geometry;
pub mod heatmap;
pub mod hover;
pub mod lines;
pub mod render;
pub mod wire;

use serde::Serialize;

/// A colour role, resolved to RGB by the theme at drawing time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ink {
    /// The i-th colour of the series palette (wraps around).
    Series(usize),
    /// Reference lines and annotations: dark grey on light, light grey on dark.
    Neutral,
    /// De-emphasised data (the many small singular values).
    Muted,
}

/// How a series is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stroke {
    Solid,
    Dashed,
    /// Short dashes: a theory drawn beside the simulation.
    Dotted,
    /// Dots at the data points, no line.
    Points,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    pub label: String,
    pub log: bool,
    /// Fixed data range (e.g. the planned run length for the step axis); None: fitted to the data.
    pub range: Option<(f64, f64)>,
    /// Integer tick labels only (e.g. depth).
    pub integer: bool,
}

impl Axis {
    pub fn new(label: &str, log: bool) -> Axis {
        Axis { label: label.into(), log, range: None, integer: false }
    }
}

/// A line of data points; `None` breaks the line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// Full name, used by the data table and hover (e.g. "L = 3 σ₂").
    pub label: String,
    pub ink: Ink,
    pub stroke: Stroke,
    /// Line width in CSS pixels.
    pub width: f64,
    pub points: Vec<Option<(f64, f64)>>,
}

impl Series {
    /// A line 2 px wide.
    pub fn line(label: impl Into<String>, ink: Ink, stroke: Stroke, points: Vec<Option<(f64, f64)>>) -> Series {
        Series { label: label.into(), ink, stroke, width: 2.0, points }
    }

    /// Dots at the points, no line.
    pub fn dots(label: impl Into<String>, ink: Ink, points: Vec<Option<(f64, f64)>>) -> Series {
        Series::line(label, ink, Stroke::Points, points)
    }
}

/// A horizontal line across the whole x range at a value the claim compares with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reference {
    pub y: f64,
    pub ink: Ink,
    /// Drawn on the chart at the right end of the line (None: explained by the legend only).
    pub label: Option<String>,
}

/// A vertical dashed line at an x (e.g. where a GLRL phase starts).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    pub x: f64,
    pub ink: Ink,
}

/// A labelled point on the chart (e.g. "σ₂ · 6.4k" where σ₂ is learned); an empty label draws the dot alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mark {
    pub x: f64,
    pub y: f64,
    pub ink: Ink,
    pub label: String,
}

/// A shaded x interval (e.g. a loss plateau), optionally labelled at its top.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Band {
    pub x0: f64,
    pub x1: f64,
    pub ink: Ink,
    pub label: Option<String>,
}

/// A shaded y range along x (e.g. min–max over seeds): the polygon through (x, hi) left to right and (x, lo)
/// back.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Area {
    pub ink: Ink,
    /// (x, lo, hi), x ascending.
    pub points: Vec<(f64, f64, f64)>,
}

/// What a legend entry's sample looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Glyph {
    Line,
    Dashed,
    Dotted,
    /// A vertical dashed line.
    Marker,
    Point,
    Band,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LegendEntry {
    pub label: String,
    pub ink: Ink,
    pub glyph: Glyph,
    /// Hidden by the reader (clicked in the legend): drawn greyed and struck through, its data left out.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

/// A vertical line at the step the reader looks at (the page's time slider), labelled at its top.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cursor {
    pub x: f64,
    pub label: String,
}

/// One line chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// Stable identifier shared by the page and the CLI: `singular_values`, `loss`, `claim`, `hessian`.
    pub id: String,
    pub title: String,
    /// One or two sentences a reader could use instead of the picture (aria-describedby on the page).
    pub caption: String,
    pub x: Axis,
    pub y: Axis,
    pub series: Vec<Series>,
    pub references: Vec<Reference>,
    pub markers: Vec<Marker>,
    pub marks: Vec<Mark>,
    pub bands: Vec<Band>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<Area>,
    pub legend: Vec<LegendEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<Cursor>,
}

impl Figure {
    pub fn new(id: &str, title: String, x: Axis, y: Axis) -> Figure {
        Figure {
            id: id.into(),
            title,
            caption: String::new(),
            x,
            y,
            series: vec![],
            references: vec![],
            markers: vec![],
            marks: vec![],
            bands: vec![],
            areas: vec![],
            legend: vec![],
            cursor: None,
        }
    }

    /// Adds a legend entry unless one with the same label exists.
    pub fn legend(&mut self, label: impl Into<String>, ink: Ink, glyph: Glyph) {
        let label = label.into();
        if !self.legend.iter().any(|e| e.label == label) {
            self.legend.push(LegendEntry { label, ink, glyph, hidden: false });
        }
    }

    /// The figure with the legend entries labelled `hidden` switched off: each is marked hidden and what it
    /// stands for is left out — everything of its colour when no other entry shares that colour, else the
    /// elements its glyph draws (line: solid series; dashed: dashed series and reference lines; dotted: dotted
    /// series; point: dot
    /// series and marks; marker: vertical markers; band: bands and areas).
    pub fn without(&self, hidden: &[String]) -> Figure {
        let mut f = self.clone();
        for k in 0..f.legend.len() {
            if !hidden.contains(&f.legend[k].label) {
                continue;
            }
            f.legend[k].hidden = true;
            let LegendEntry { ink, glyph, .. } = f.legend[k].clone();
            let alone = f.legend.iter().filter(|e| e.ink == ink).count() == 1;
            let covers = |i: Ink, g: Glyph| i == ink && (alone || glyph == g);
            f.series.retain(|s| {
                let g = match s.stroke {
                    Stroke::Solid => Glyph::Line,
                    Stroke::Dashed => Glyph::Dashed,
                    Stroke::Dotted => Glyph::Dotted,
                    Stroke::Points => Glyph::Point,
                };
                !covers(s.ink, g)
            });
            f.references.retain(|r| !covers(r.ink, Glyph::Dashed));
            f.marks.retain(|m| !covers(m.ink, Glyph::Point));
            f.markers.retain(|m| !covers(m.ink, Glyph::Marker));
            f.bands.retain(|b| !covers(b.ink, Glyph::Band));
            f.areas.retain(|a| !covers(a.ink, Glyph::Band));
        }
        f
    }

    /// The y values of the series labelled `label` (breaks skipped).
    pub fn ys(&self, label: &str) -> Option<Vec<f64>> {
        self.series.iter().find(|s| s.label == label).map(|s| s.points.iter().flatten().map(|p| p.1).collect())
    }

    /// The figure's data as a table: one row per distinct x (in order, at most `max_rows`, evenly thinned),
    /// one column per series; empty cells where a series has no point at that x.
    pub fn table(&self, max_rows: usize) -> Table {
        let mut xs: Vec<f64> = self.series.iter().flat_map(|s| s.points.iter().flatten().map(|p| p.0)).collect();
        crate::order::numbers(&mut xs);
        xs.dedup();
        let keep = xs.len().div_ceil(max_rows.max(1)).max(1);
        let xs: Vec<f64> = xs.iter().copied().enumerate().filter(|(i, _)| i % keep == 0).map(|(_, x)| x).collect();
        let mut columns = vec![self.x.label.clone()];
        columns.extend(self.series.iter().map(|s| s.label.clone()));
        let rows = xs
            .iter()
            .map(|&x| {
                let mut row = vec![Some(x)];
                row.extend(self.series.iter().map(|s| s.points.iter().flatten().find(|p| p.0 == x).map(|p| p.1)));
                row
            })
            .collect();
        Table { columns, rows }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<f64>>>,
}

/// Heatmaps side by side (W, the target, the observed entries).
#[derive(Clone, Debug, PartialEq)]
pub struct Matrices {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub panels: Vec<Panel>,
}

/// One heatmap panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Panel {
    /// Diverging colours: orange for positive, blue for negative, neutral at 0; |v| ≥ `scale` saturates.
    Values { title: String, matrix: nalgebra::DMatrix<f64>, scale: f64 },
    /// Observed (dark) and unobserved (light) entries.
    Mask { title: String, mask: nalgebra::DMatrix<bool> },
}

/// Any figure the page shows.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // built and drawn one at a time; boxing would only add indirection
pub enum Drawing {
    Chart(Figure),
    Matrices(Matrices),
}

impl Drawing {
    pub fn id(&self) -> &str {
        match self {
            Drawing::Chart(f) => &f.id,
            Drawing::Matrices(m) => &m.id,
        }
    }
    pub fn title(&self) -> &str {
        match self {
            Drawing::Chart(f) => &f.title,
            Drawing::Matrices(m) => &m.title,
        }
    }
    pub fn caption(&self) -> &str {
        match self {
            Drawing::Chart(f) => &f.caption,
            Drawing::Matrices(m) => &m.caption,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_a_row_per_x_and_a_column_per_series() {
        let mut f = Figure::new("t", "t".into(), Axis::new("step", false), Axis::new("v", false));
        let s = |label: &str, pts: Vec<Option<(f64, f64)>>| Series {
            label: label.into(),
            ink: Ink::Series(0),
            stroke: Stroke::Solid,
            width: 2.0,
            points: pts,
        };
        f.series.push(s("a", vec![Some((0.0, 1.0)), Some((1.0, 2.0)), None, Some((2.0, 3.0))]));
        f.series.push(s("b", vec![Some((1.0, 5.0))]));
        let t = f.table(100);
        assert_eq!(t.columns, vec!["step", "a", "b"]);
        assert_eq!(
            t.rows,
            vec![
                vec![Some(0.0), Some(1.0), None],
                vec![Some(1.0), Some(2.0), Some(5.0)],
                vec![Some(2.0), Some(3.0), None]
            ]
        );
        assert_eq!(f.table(2).rows.len(), 2);
    }

    #[test]
    fn hiding_a_legend_entry_leaves_out_what_it_stands_for() {
        let mut f = Figure::new("t", "t".into(), Axis::new("step", true), Axis::new("v", true));
        let s = |label: &str, ink, stroke| Series { label: label.into(), ink, stroke, width: 2.0, points: vec![] };
        f.series.push(s("run A σ₁", Ink::Series(0), Stroke::Solid));
        f.series.push(s("run A σ₂", Ink::Series(0), Stroke::Solid));
        f.series.push(s("run B σ₁", Ink::Series(1), Stroke::Solid));
        f.series.push(s("run B test", Ink::Series(1), Stroke::Dashed));
        f.marks.push(Mark { x: 1.0, y: 1.0, ink: Ink::Series(0), label: "σ₁ · 10".into() });
        f.references.push(Reference { y: 1.0, ink: Ink::Neutral, label: None });
        f.legend("run A", Ink::Series(0), Glyph::Line);
        f.legend("run B", Ink::Series(1), Glyph::Line);
        f.legend("run B test error", Ink::Series(1), Glyph::Dashed);
        f.legend("target", Ink::Neutral, Glyph::Dashed);
        let a = f.without(&["run A".into()]);
        assert_eq!(a.series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(), ["run B σ₁", "run B test"]);
        assert!(a.marks.is_empty(), "run A's colour is its alone: its marks go too");
        assert!(a.legend[0].hidden && !a.legend[1].hidden);
        // Run B's colour is shared by two entries: hiding "run B" removes its solid lines only.
        let b = f.without(&["run B".into()]);
        assert_eq!(b.series.len(), 3);
        assert!(b.series.iter().any(|s| s.label == "run B test"));
        let t = f.without(&["target".into()]);
        assert!(t.references.is_empty() && t.series.len() == 4);
        assert_eq!(f.without(&[]), f);
    }
}
