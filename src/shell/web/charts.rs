//! The page's drawing: figures decoded from the simulation, the ghost behind them, legends, the crosshair, SVG
//! and data tables, sweep figures and phase diagrams on canvases.

use crate::figure::heatmap::{self, PhaseDiagram};
use crate::figure::hover::{self, PlotFrame};
use crate::figure::render::{render_over, Ghost, Style, Theme};
use crate::figure::{export, wire, Drawing};
use crate::shell::canvas::Canvas;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::json;
use std::borrow::Cow;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The page's figures on the main thread: the latest from the simulation, and optionally a previous run's
/// (the ghost) drawn faintly behind them. Draws on canvases, writes SVG and data tables; never steps.
#[wasm_bindgen]
pub struct Charts {
    now: Vec<Drawing>,
    ghost: Option<(Vec<Drawing>, String)>,
    /// Legend entries the reader switched off, per figure id (kept across frames and runs).
    hidden: HashMap<String, Vec<String>>,
    /// Where each figure was last drawn on its canvas, and the canvas' pixel scale.
    frames: HashMap<String, (PlotFrame, f64)>,
}

impl Default for Charts {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Charts {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Charts {
        Charts { now: vec![], ghost: None, hidden: HashMap::new(), frames: HashMap::new() }
    }

    /// Takes figures encoded by [`Lab::encode_figures`]; throws (keeping the previous ones) when they do not decode.
    pub fn update(&mut self, json: &str, data: &[f64]) -> Result<(), JsError> {
        self.now = wire::decode(json, data).map_err(|e| JsError::new(&e))?;
        Ok(())
    }

    /// The figures as a JSON array of {id, title, caption}, in page order.
    pub fn list_json(&self) -> String {
        let list: Vec<serde_json::Value> =
            self.now.iter().map(|d| json!({"id": d.id(), "title": d.title(), "caption": d.caption()})).collect();
        serde_json::Value::Array(list).to_string()
    }

    /// Keeps the current figures as the ghost, named `label` in the legends (e.g. "previous: α = 1e-3").
    pub fn keep_ghost(&mut self, label: &str) {
        if !self.now.is_empty() {
            self.ghost = Some((self.now.clone(), label.chars().take(80).collect()));
        }
    }

    pub fn clear_ghost(&mut self) {
        self.ghost = None;
    }

    /// The ghost's label, "" without one.
    pub fn ghost_label(&self) -> String {
        self.ghost.as_ref().map_or(String::new(), |g| g.1.clone())
    }

    fn find(&self, id: &str) -> Result<&Drawing, JsError> {
        self.now.iter().find(|d| d.id() == id).ok_or_else(|| JsError::new(&format!("no figure {id:?} here")))
    }

    /// Figure `id` as shown: with the legend entries the reader switched off left out (borrowed when none are).
    fn shown(&self, id: &str) -> Result<Cow<'_, Drawing>, JsError> {
        Ok(match (self.find(id)?, self.hidden.get(id)) {
            (Drawing::Chart(f), Some(h)) if !h.is_empty() => Cow::Owned(Drawing::Chart(f.without(h))),
            (d, _) => Cow::Borrowed(d),
        })
    }

    /// Draws figure `id` on a canvas whose backing size is CSS size × `scale` (devicePixelRatio), over the ghost,
    /// in `theme` ("light", "dark" or "projector").
    pub fn draw(&mut self, id: &str, canvas: HtmlCanvasElement, scale: f64, theme: &str) -> Result<(), JsError> {
        let style = style(scale, theme);
        let frame = {
            let d = self.shown(id)?;
            let ghost = self.ghost.as_ref().and_then(|(g, label)| {
                g.iter().find_map(|o| match o {
                    Drawing::Chart(f) if f.id == id => Some(Ghost { figure: f, label }),
                    _ => None,
                })
            });
            let mut frame = None;
            paint(canvas, |area| match d.as_ref() {
                Drawing::Chart(f) => render_over(area, f, ghost, style).map(|fr| frame = Some(fr)),
                other => export::draw(area, other, style),
            })?;
            frame
        };
        match frame {
            Some(f) => self.frames.insert(id.to_string(), (f, style.scale)),
            None => self.frames.remove(id),
        };
        Ok(())
    }

    /// Switches the legend entry of figure `id` under CSS pixel (x, y) off or on; false when there is none.
    pub fn legend_click(&mut self, id: &str, x: f64, y: f64) -> bool {
        let Some((frame, scale)) = self.frames.get(id) else { return false };
        let Some(k) = frame.legend_at(x * scale, y * scale) else { return false };
        let Ok(Drawing::Chart(f)) = self.find(id) else { return false };
        let Some(entry) = f.legend.get(k) else { return false };
        let label = entry.label.clone();
        let hidden = self.hidden.entry(id.to_string()).or_default();
        match hidden.iter().position(|h| *h == label) {
            Some(i) => {
                hidden.remove(i);
            }
            None => hidden.push(label),
        }
        true
    }

    /// The full label of the legend entry of figure `id` under CSS pixel (x, y), if any (for the pointer's shape,
    /// and the tooltip of a label a compact legend shortened).
    pub fn legend_label(&self, id: &str, x: f64, y: f64) -> Option<String> {
        let (frame, scale) = self.frames.get(id)?;
        let k = frame.legend_at(x * scale, y * scale)?;
        let Ok(Drawing::Chart(f)) = self.find(id) else { return None };
        f.legend.get(k).map(|e| e.label.clone())
    }

    /// What the crosshair shows at CSS pixel x of figure `id`, as JSON {x, x_text, px, rows: [{label, ink, y,
    /// text, py}], more} in CSS pixels, or "null" off the plot.
    pub fn hover_json(&self, id: &str, x: f64, max_rows: u32) -> String {
        let (Some((frame, scale)), Ok(shown)) = (self.frames.get(id), self.shown(id)) else { return "null".into() };
        let Drawing::Chart(f) = shown.as_ref() else { return "null".into() };
        match hover::read(f, frame, x * scale, max_rows as usize) {
            Some(mut r) => {
                r.px /= scale;
                for row in &mut r.rows {
                    row.py = row.py.map(|y| y / scale);
                }
                let mut v = serde_json::to_value(&r).unwrap_or_default();
                // Each row's colour as CSS, in the light theme's palette (the tooltip sits on the page).
                if let Some(rows) = v.get_mut("rows").and_then(|r| r.as_array_mut()) {
                    for (row, r) in rows.iter_mut().zip(&r.rows) {
                        let c = Theme::Light.ink(r.ink);
                        row["color"] = json!(format!("rgb({}, {}, {})", c.0, c.1, c.2));
                    }
                }
                let (top, bottom) = (frame.plot.1 as f64 / scale, frame.plot.3 as f64 / scale);
                v["top"] = json!(top);
                v["bottom"] = json!(bottom);
                v.to_string()
            }
            None => "null".into(),
        }
    }

    /// Figure `id` as an SVG document, drawn by the same code as the canvas (hidden legend entries left out).
    pub fn svg(&self, id: &str, width: u32, height: u32) -> Result<String, JsError> {
        let (w, h) = (width.clamp(100, 4000), height.clamp(100, 4000));
        let mut buf = String::new();
        {
            let area = Canvas::svg(&mut buf, (w, h)).into_drawing_area();
            export::draw(&area, self.shown(id)?.as_ref(), Style::default()).map_err(|e| JsError::new(&e))?;
            area.present().map_err(|e| JsError::new(&e.to_string()))?;
        }
        Ok(buf)
    }

    /// The data of line figure `id` as JSON {columns, rows} (at most `max_rows` rows), for the data table.
    pub fn table_json(&self, id: &str, max_rows: u32) -> String {
        match self.find(id) {
            Ok(Drawing::Chart(f)) => serde_json::to_string(&f.table(max_rows as usize)).unwrap_or_default(),
            _ => "null".into(),
        }
    }
}

fn style(scale: f64, theme: &str) -> Style {
    Style { scale: if scale.is_finite() && scale > 0.0 { scale } else { 1.0 }, theme: Theme::named(theme) }
}

fn paint(
    canvas: HtmlCanvasElement,
    draw: impl FnOnce(&DrawingArea<Canvas<'static>, Shift>) -> Result<(), String>,
) -> Result<(), JsError> {
    let area = Canvas::new(canvas).ok_or_else(|| JsError::new("canvas has no 2D context"))?.into_drawing_area();
    draw(&area).map_err(|e| JsError::new(&e))?;
    area.present().map_err(|e| JsError::new(&e.to_string()))
}

/// Draws a figure given as JSON (a 1-D sweep's lines from the sweep worker).
#[wasm_bindgen]
pub fn draw_figure_json(canvas: HtmlCanvasElement, figure_json: &str, scale: f64, theme: &str) -> Result<(), JsError> {
    let fig = serde_json::from_str(figure_json)
        .map_err(|e| format!("figure: {e}"))
        .and_then(|v| wire::figure(&v))
        .map_err(|e| JsError::new(&e))?;
    paint(canvas, |area| render_over(area, &fig, None, style(scale, theme)).map(|_| ()))
}

/// Draws a phase diagram from {title, x_desc, y_desc, x_labels, y_labels, values (row-major, null = none)}.
#[wasm_bindgen]
pub fn draw_heatmap(canvas: HtmlCanvasElement, data_json: &str, scale: f64, theme: &str) -> Result<(), JsError> {
    let d: PhaseDiagram = serde_json::from_str(data_json).map_err(|e| JsError::new(&format!("heatmap: {e}")))?;
    paint(canvas, |area| heatmap::render_heatmap(area, &d, style(scale, theme)))
}
