//! wasm-bindgen bindings: JSON config in, steps, read-outs and drawing on canvases out.
//! Everything that crosses the boundary is validated here or in `config`; nothing here panics on input.

use crate::chart::{self, Style};
use crate::config::Config;
use crate::presets;
use crate::run::{Run, Status};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde_json::json;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Most singular values drawn (the rest are not informative at a glance).
const MAX_DRAWN_SERIES: usize = 20;

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("rankflow panicked: {info}").into())));
}

/// Checks a JSON config; returns "" when valid, else "field: message".
#[wasm_bindgen]
pub fn validate(config_json: &str) -> String {
    Config::from_json(config_json).err().map(|e| e.to_string()).unwrap_or_default()
}

/// The presets as a JSON array of {name, title, explanation, config}.
#[wasm_bindgen]
pub fn presets_json() -> String {
    serde_json::to_string(&presets::all()).unwrap_or_else(|_| "[]".into())
}

#[wasm_bindgen]
pub fn default_preset() -> String {
    presets::DEFAULT.to_string()
}

/// One live run.
#[wasm_bindgen]
pub struct Lab {
    run: Run,
    truth: Option<Vec<f64>>,
}

#[wasm_bindgen]
impl Lab {
    /// Starts a run; throws an Error whose message names the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Lab, JsError> {
        let config = Config::from_json(config_json).map_err(|e| JsError::new(&e.to_string()))?;
        let run = Run::new(config);
        let truth = run.problem.truth_singular_values();
        Ok(Lab { run, truth })
    }

    /// Runs up to `steps` more steps; returns how many were done (0 once finished or diverged).
    pub fn advance(&mut self, steps: u32) -> u32 {
        self.run.advance(u64::from(steps)) as u32
    }

    /// Steps done so far.
    pub fn step(&self) -> f64 {
        self.run.step() as f64
    }

    /// "running", "finished" or "diverged".
    pub fn status(&self) -> String {
        match self.run.status() {
            Status::Running => "running",
            Status::Finished => "finished",
            Status::Diverged(_) => "diverged",
        }
        .into()
    }

    /// Explanation when diverged, else "".
    pub fn message(&self) -> String {
        match self.run.status() {
            Status::Diverged(m) => m.clone(),
            _ => String::new(),
        }
    }

    /// Latest read-outs as JSON: step, loss, test_error, nuclear_norm, effective_rank, singular_values (top 8).
    pub fn readout(&self) -> String {
        let last = self.run.trace.last();
        json!({
            "step": self.run.step(),
            "loss": self.run.last_loss(),
            "test_error": last.and_then(|s| s.test_error),
            "nuclear_norm": last.map(|s| s.nuclear_norm),
            "effective_rank": last.map(|s| s.effective_rank),
            "singular_values": last.map(|s| s.singular_values.iter().take(8).copied().collect::<Vec<_>>()),
            "samples": self.run.trace.samples().len(),
        })
        .to_string()
    }

    /// The validated config with every default filled in.
    pub fn config_json(&self) -> String {
        serde_json::to_string(&self.run.config).unwrap_or_default()
    }

    /// Draws the singular-value and loss figures. Canvases must already have their backing size set to
    /// CSS size × `scale` (devicePixelRatio).
    pub fn draw(&self, sv_canvas: HtmlCanvasElement, loss_canvas: HtmlCanvasElement, log_steps: bool, scale: f64, dark: bool) -> Result<(), JsError> {
        let style = Style { scale: if scale.is_finite() { scale } else { 1.0 }, dark };
        let samples = self.run.trace.samples();
        let sv = chart::singular_values_figure(samples, self.truth.as_deref(), log_steps, MAX_DRAWN_SERIES);
        let loss = chart::loss_figure(samples, log_steps);
        for (canvas, fig) in [(sv_canvas, sv), (loss_canvas, loss)] {
            let backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas has no 2D context"))?;
            let area = backend.into_drawing_area();
            chart::render(&area, &fig, style).map_err(|e| JsError::new(&e))?;
            area.present().map_err(|e| JsError::new(&e.to_string()))?;
        }
        Ok(())
    }
}

/// Parses matrix text (`? 1 1 / 1 ? 0.1 / 1 0.1 ?`) into the JSON of `problem.values`; throws a message
/// naming the row and entry when malformed.
#[wasm_bindgen]
pub fn parse_matrix(text: &str) -> Result<String, JsError> {
    let values = crate::config::parse_matrix_text(text).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(serde_json::to_string(&values).unwrap_or_default())
}

/// Matrix text for `problem.values` JSON (`null` → `?`); "" when the JSON is not such a matrix.
#[wasm_bindgen]
pub fn matrix_text(values_json: &str) -> String {
    serde_json::from_str::<Vec<Vec<Option<f64>>>>(values_json).map(|v| crate::config::matrix_text(&v)).unwrap_or_default()
}
