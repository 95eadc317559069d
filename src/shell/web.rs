//! wasm-bindgen bindings: JSON config or preset name in, steps, read-outs and drawing on canvases out.
//! Everything that crosses the boundary is validated here or in `config`; nothing here panics on input.

use crate::config::Config;
use crate::experiment::presets;
use crate::experiment::Experiment;
use crate::figure::heatmap::{self, PhaseDiagram};
use crate::figure::hover::{self, PlotFrame};
use crate::figure::render::{render_over, Ghost, Style, Theme};
use crate::figure::{build, export, wire, Drawing};
use crate::shell::canvas::Canvas;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::json;
use std::borrow::Cow;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

/// What the page needs to know of the core's fields, limits and names: the field table (the form is built from
/// it), the page controls `hide=` names, the sweep panel's axes and outcomes, the most compared runs, the speed
/// slider's top (= max) and default.
#[wasm_bindgen]
pub fn limits_json() -> String {
    use crate::experiment::sweep;
    json!({
        "fields": crate::fields::FIELDS,
        "groups": crate::fields::GROUPS,
        "controls": crate::shell::url_state::CONTROLS,
        "limits_text": crate::fields::limits_text(),
        "sweep": {
            "axes": sweep::PAGE_AXES.iter().map(|(name, label, across)| json!({"name": name, "label": label, "across": across})).collect::<Vec<_>>(),
            "outcomes": sweep::PAGE_OUTCOMES.iter().map(|(o, label)| json!({"name": o.name(), "label": label})).collect::<Vec<_>>(),
            "max_seeds": sweep::MAX_SEEDS,
        },
        "max_compared": crate::experiment::MAX_COMPARED,
        "speed_max": crate::shell::pace::MAX,
        "speed_default": crate::shell::pace::DEFAULT,
    })
    .to_string()
}

/// The pace of speed-slider position `position` as JSON {position, decade_seconds, steps_per_second, label}.
#[wasm_bindgen]
pub fn pace_json(position: u32, log_steps: bool) -> String {
    serde_json::to_string(&crate::shell::pace::pace(position, log_steps)).unwrap_or_default()
}

/// The step a run should have reached after `elapsed` s of playing from step `from` at slider `position`.
#[wasm_bindgen]
pub fn pace_target(position: u32, log_steps: bool, from: f64, elapsed: f64) -> f64 {
    crate::shell::pace::target(&crate::shell::pace::pace(position, log_steps), log_steps, from, elapsed)
}

/// A short name for a run of a comparison, from its config: "GD L=3 α=1e-3", "GLRL UUᵀ"; "" when invalid.
#[wasm_bindgen]
pub fn run_label(config_json: &str) -> String {
    Config::from_json(config_json).map(|c| c.short_label()).unwrap_or_default()
}

/// Makes the module panic, as a bug would (the page's test of worker failure and recovery).
#[wasm_bindgen]
pub fn fail_for_test() {
    panic!("rankflow: failure requested by the page (test)");
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("rankflow panicked: {info}").into())));
}

/// Checks a JSON config; returns "" when valid, else "field: message".
#[wasm_bindgen]
pub fn validate(config_json: &str) -> String {
    Config::from_json(config_json).err().map(|e| e.to_string()).unwrap_or_default()
}

/// "" when `json` is a valid experiment file (see `Lab::from_experiment`), else the message naming the field.
#[wasm_bindgen]
pub fn validate_experiment(json: &str) -> String {
    crate::claims::experiment_file(json).err().unwrap_or_default()
}

/// The presets as a JSON array of {name, title, explanation, runs: [{label, group, config}], claim}, as
/// `rankflow presets --json` prints them.
#[wasm_bindgen]
pub fn presets_json() -> String {
    serde_json::to_string(&presets::all()).unwrap_or_else(|_| "[]".into())
}

#[wasm_bindgen]
pub fn default_preset() -> String {
    presets::DEFAULT.to_string()
}

/// Reads the page URL's query: {preset, config, view, messages} as JSON (never throws).
#[wasm_bindgen]
pub fn parse_url(query: &str) -> String {
    serde_json::to_string(&crate::shell::url_state::parse(query)).unwrap_or_else(|_| "{}".into())
}

/// One edit of the form, with one parse of the edited config: the controls (`{path: text | bool}`) read into
/// `{config, normalized, from_origin, from_before}` — the config as written and validated with every default,
/// and what changed from `origin_json` (the preset edited from) and `before_json` (the run on screen) as
/// `[{name, before, after}]` (null where that config is "" or invalid) — or `{error, field}` naming the field as
/// the form does.
#[wasm_bindgen]
pub fn form_edit(values_json: &str, origin_json: &str, before_json: &str) -> String {
    let values: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(values_json) {
        Ok(v) => v,
        Err(e) => return json!({"error": format!("form: {e}"), "field": "form"}).to_string(),
    };
    let r = match crate::shell::form::read(&values) {
        Ok(r) => r,
        Err(e) => return json!({"error": e.to_string(), "field": e.field}).to_string(),
    };
    let diff = |other: &str| Config::from_json(other).ok().map(|o| crate::shell::form::changes(&o, &r.normalized));
    json!({
        "config": r.config,
        "normalized": r.normalized,
        "from_origin": diff(origin_json),
        "from_before": diff(before_json),
    })
    .to_string()
}

/// What each form control shows for a config: `{path: text | bool}` (see `shell::form::values`).
#[wasm_bindgen]
pub fn form_values(config_json: &str) -> String {
    let config = serde_json::from_str(config_json).unwrap_or(serde_json::Value::Null);
    serde_json::Value::Object(crate::shell::form::values(&config)).to_string()
}

/// The page's URL query for `{preset, seed, config, compare, view}`: `{query, full}` (full: without the
/// embedding parameters, for "open in full").
#[wasm_bindgen]
pub fn page_query(state_json: &str) -> String {
    let state = serde_json::from_str(state_json).unwrap_or_default();
    let (query, full) = crate::shell::url_state::write(&state);
    json!({"query": query, "full": full}).to_string()
}

/// The sweep panel's axis `name` for a config: `{field, values, desc}`, or "" for an unknown name or config.
#[wasm_bindgen]
pub fn sweep_axis(name: &str, config_json: &str) -> String {
    let Ok(config) = Config::from_json(config_json) else { return String::new() };
    crate::experiment::sweep::page_axis(name, &config)
        .map(|(axis, desc)| json!({"field": axis.field, "values": axis.values, "desc": desc}).to_string())
        .unwrap_or_default()
}

/// Bytes of linear memory the wasm module holds (flat over long runs: the history is bounded).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

/// The module's allocator, counting the bytes allocated and not yet freed (no limit is set).
#[global_allocator]
static HEAP: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

/// Bytes allocated on the heap and not freed (the simulation's figure; its worker draws nothing, so it holds no
/// text sizes).
#[wasm_bindgen]
pub fn wasm_heap_bytes() -> f64 {
    HEAP.allocated() as f64
}

/// The page's [`wasm_heap_bytes`] once its text-size cache (bounded, refilled as labels are drawn) is emptied: equal
/// after two identical workloads unless something leaks (the linear memory, a high-water mark that never shrinks,
/// can also grow from fragmentation). Only for reading memory: the page measures every label again afterwards.
#[wasm_bindgen]
pub fn page_heap_bytes() -> f64 {
    crate::shell::canvas::forget_text_sizes();
    wasm_heap_bytes()
}

/// One live experiment: a single run from a config, or a preset's runs side by side.
#[wasm_bindgen]
pub struct Lab {
    exp: Experiment,
    figure_data: Vec<f64>,
    /// The recorded step the reader looks at (time slider); None: the latest.
    cursor: Option<u64>,
}

#[wasm_bindgen]
impl Lab {
    /// A single run; throws an Error whose message names the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Lab, JsError> {
        let config = Config::from_json(config_json).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Lab::wrap(Experiment::single(config)))
    }

    /// A preset's experiment (all its runs side by side), re-seeded when `seed` is given.
    pub fn from_preset(name: &str, seed: Option<f64>) -> Result<Lab, JsError> {
        let preset = presets::find(name)
            .ok_or_else(|| JsError::new(&format!("preset: unknown name; one of {}", presets::names())))?;
        let preset = match seed {
            None => preset,
            Some(s) if s >= 0.0 && s.fract() == 0.0 => preset.at_seed(s as u64).ok_or_else(|| {
                JsError::new(&format!("seed: must be a whole number from 0 to {}", crate::config::MAX_SEED))
            })?,
            Some(_) => return Err(JsError::new("seed: must be a whole number")),
        };
        Ok(Lab::wrap(preset.experiment()))
    }

    /// An experiment file: one preset object as `rankflow presets --json` prints it (`runs` with their configs,
    /// `claim`), judged by its claim; throws a message naming the field (`runs[1].config.model.depth: …`).
    pub fn from_experiment(json: &str) -> Result<Lab, JsError> {
        let preset = crate::claims::experiment_file(json).map_err(|e| JsError::new(&e))?;
        Ok(Lab::wrap(preset.experiment()))
    }

    /// What runs now as an experiment file (the form `from_experiment` and `rankflow run --experiment` read).
    pub fn experiment_json(&self) -> String {
        let runs: Vec<serde_json::Value> = self
            .exp
            .members
            .iter()
            .map(|m| json!({"label": m.label, "group": m.group, "config": m.run.config}))
            .collect();
        serde_json::to_string_pretty(&json!({"runs": runs, "claim": self.exp.claim})).unwrap_or_default()
    }

    /// Runs side by side from a JSON array of {label, config} (2 or 3; every run uses the first's problem and
    /// seed); throws a message naming the run and the field.
    pub fn compare(runs_json: &str) -> Result<Lab, JsError> {
        let runs = crate::experiment::comparison_runs(runs_json).map_err(|e| JsError::new(&e))?;
        Ok(Lab::wrap(crate::claims::comparison(runs)))
    }

    fn wrap(exp: Experiment) -> Lab {
        Lab { exp, figure_data: vec![], cursor: None }
    }

    /// Puts the reader's cursor on the first run's recorded sample nearest to `step` (a negative or non-finite
    /// step: back to the latest); returns the sample's step, or −1 for the latest. The figures, read-outs and
    /// matrix view then show that step.
    pub fn set_cursor(&mut self, step: f64) -> f64 {
        self.cursor = None;
        if !(step.is_finite() && step >= 0.0) {
            return -1.0;
        }
        let samples = self.exp.members[0].run.trace.samples();
        let nearest =
            samples.iter().min_by(|a, b| (a.step as f64 - step).abs().total_cmp(&(b.step as f64 - step).abs()));
        self.cursor = nearest.map(|s| s.step);
        self.cursor.map_or(-1.0, |s| s as f64)
    }

    fn baseline_fits_page(&self) -> bool {
        baseline_fits_page(&self.exp.members[0].run.config)
    }

    /// Runs every member up to `steps` more steps; returns the most any member did (0 once all stopped).
    pub fn advance(&mut self, steps: u32) -> u32 {
        self.exp.advance(u64::from(steps)) as u32
    }

    /// Runs up to `iterations` iterations of the convex-baseline solver (each one SVD); returns true once it is
    /// solved or not wanted (no observations, or more than 100×100 entries: too slow for a page).
    pub fn advance_baseline(&mut self, iterations: u32) -> bool {
        !self.baseline_fits_page() || self.exp.advance_baseline(iterations as usize)
    }

    /// Whether a convex baseline is to be solved for this experiment (its problem has observations and at most
    /// 100×100 entries; larger ones are left to the CLI).
    pub fn wants_baseline(&self) -> bool {
        self.exp.wants_baseline() && self.exp.baseline().is_none() && self.baseline_fits_page()
    }

    /// The solved convex baseline as JSON ("null" until solved or when there is none).
    pub fn baseline_json(&self) -> String {
        baseline_json(self.exp.baseline())
    }

    /// Takes a baseline solved by the worker for the same experiment; false when it does not fit this problem.
    pub fn adopt_baseline(&mut self, json: &str) -> bool {
        serde_json::from_str(json).is_ok_and(|b| self.exp.adopt_baseline(b))
    }

    /// What fixes this experiment's convex baseline, as JSON (its first run's problem, seed and form); "" when the
    /// page solves none. Equal keys give bit-identical baselines: [`BaselineJob`] solves a key once for every run
    /// sharing it (an edited α, a reset).
    pub fn baseline_key(&self) -> String {
        let key = self.exp.baseline_key().filter(|_| self.baseline_fits_page());
        key.map_or(String::new(), |k| serde_json::to_string(&k).unwrap_or_default())
    }

    /// Steps done so far (the furthest member).
    pub fn step(&self) -> f64 {
        self.exp.members.iter().map(|m| m.run.step()).max().unwrap_or(0) as f64
    }

    /// "running" (some member still runs), "diverged" (some member diverged) or "finished".
    pub fn status(&self) -> String {
        if self.exp.diverged().is_some() {
            "diverged"
        } else if self.exp.running() {
            "running"
        } else {
            "finished"
        }
        .into()
    }

    /// Divergence explanation, else why an optimiser stopped early (GLRL), else "".
    pub fn message(&self) -> String {
        self.exp.diverged().unwrap_or_else(|| {
            self.exp
                .members
                .iter()
                .filter_map(|m| m.run.stop_reason().map(|r| label_with(&m.label, r)))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    /// Read-outs of the first run as JSON: step, loss, test_error, nuclear_norm, effective_rank — now, or of
    /// the sample at the cursor (then `cursor: true`).
    pub fn readout(&self) -> String {
        let run = &self.exp.members[0].run;
        // The sample at the cursor (the nearest one, should the trace have thinned since it was set).
        let at = self.cursor.and_then(|c| run.trace.samples().iter().min_by_key(|s| s.step.abs_diff(c)));
        let last = at.or(run.trace.last());
        json!({
            "step": at.map_or(run.step(), |s| s.step),
            "cursor": at.is_some(),
            "loss": at.map_or(run.last_loss(), |s| s.loss),
            "test_error": last.and_then(|s| s.test_error),
            "nuclear_norm": last.map(|s| s.nuclear_norm),
            "effective_rank": last.map(|s| s.effective_rank),
            "runs": self.exp.members.len(),
            "baseline_nuclear_norm": self.exp.baseline().map(|b| b.nuclear_norm),
        })
        .to_string()
    }

    /// The claim's numbers now, as a JSON array of lines ("[]" without a claim).
    pub fn claim_lines(&self) -> String {
        serde_json::to_string(&crate::claims::readout(&self.exp).lines).unwrap_or_else(|_| "[]".into())
    }

    /// The first run's validated config with every default filled in.
    pub fn config_json(&self) -> String {
        serde_json::to_string(&self.exp.members[0].run.config).unwrap_or_default()
    }

    /// Every figure of the experiment now, encoded for the main thread (see [`crate::figure::wire`]): returns the
    /// JSON part; the numbers follow from [`Lab::take_figure_data`].
    pub fn encode_figures(&mut self, log_steps: bool) -> String {
        let opts = build::Options { cursor: self.cursor, ..options(log_steps) };
        let (json, data) = wire::encode(crate::claims::drawings(&self.exp, opts));
        self.figure_data = data;
        json
    }

    /// The numbers of the last [`Lab::encode_figures`] (copied out of wasm memory, so the worker can transfer them).
    pub fn take_figure_data(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.figure_data)
    }

    /// {status: "running"|"finished"|"diverged", step, steps, runs: [{label, step, loss, learned?}], message,
    /// baseline_pending, cursor}. `learned` (the step each target value was learned, null until then) scans each
    /// run's trace, so it is only included when `with_learned` (the page asks once a second).
    pub fn state_json(&self, with_learned: bool) -> String {
        let runs: Vec<serde_json::Value> = self
            .exp
            .members
            .iter()
            .map(|m| {
                let mut run = json!({"label": m.label, "step": m.run.step(), "loss": finite(m.run.last_loss())});
                if with_learned {
                    run["learned"] = json!(m.run.learned());
                }
                run
            })
            .collect();
        let steps = self.exp.members.iter().map(|m| m.run.config.steps).max().unwrap_or(0);
        json!({
            "status": self.status(),
            "step": self.step(),
            "steps": steps,
            "runs": runs,
            "message": self.message(),
            "baseline_pending": self.wants_baseline(),
            "cursor": self.cursor,
        })
        .to_string()
    }

    /// One row per run (label, loss, ‖W‖*, effective rank, the claim's number) as JSON {columns, rows}.
    pub fn runs_json(&self) -> String {
        serde_json::to_string(&crate::claims::table(&self.exp)).unwrap_or_default()
    }

    /// The recorded trajectories as CSV (`experiment::report::trajectories_csv`, as the CLI's `run --csv`).
    pub fn csv(&self) -> String {
        crate::experiment::report::trajectories_csv(&self.exp)
    }

    /// The same JSON document as the CLI's `--out` (one run), or {"runs": […], "baseline", "claim"}.
    pub fn report_json(&self) -> String {
        crate::claims::report(&self.exp).to_string()
    }
}

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

    /// Whether CSS pixel (x, y) of figure `id` is on a legend entry (for the pointer's shape).
    pub fn on_legend(&self, id: &str, x: f64, y: f64) -> bool {
        self.frames.get(id).is_some_and(|(f, s)| f.legend_at(x * s, y * s).is_some())
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

fn label_with(label: &str, text: &str) -> String {
    if label.is_empty() || text.starts_with(label) {
        text.to_string()
    } else {
        format!("{label}: {text}")
    }
}

fn style(scale: f64, theme: &str) -> Style {
    Style { scale: if scale.is_finite() && scale > 0.0 { scale } else { 1.0 }, theme: Theme::named(theme) }
}

/// The page's figures: at most this many trace points per series (a chart has about as many pixels across).
const PAGE_MAX_POINTS: usize = 600;

fn options(log_steps: bool) -> build::Options {
    build::Options { log_steps, baseline: true, max_points: PAGE_MAX_POINTS, cursor: None }
}

fn paint(
    canvas: HtmlCanvasElement,
    draw: impl FnOnce(&DrawingArea<Canvas<'static>, Shift>) -> Result<(), String>,
) -> Result<(), JsError> {
    let area = Canvas::new(canvas).ok_or_else(|| JsError::new("canvas has no 2D context"))?.into_drawing_area();
    draw(&area).map_err(|e| JsError::new(&e))?;
    area.present().map_err(|e| JsError::new(&e.to_string()))
}

/// The convex baseline of a [`Lab::baseline_key`], solved in slices (the page's helper worker).
#[wasm_bindgen]
pub struct BaselineJob {
    solver: Option<crate::dynamics::baseline::BaselineSolver>,
}

#[wasm_bindgen]
impl BaselineJob {
    /// Throws a message naming the bad field of the key (or of its problem).
    #[wasm_bindgen(constructor)]
    pub fn new(key_json: &str) -> Result<BaselineJob, JsError> {
        let key: crate::dynamics::baseline::BaselineKey =
            serde_json::from_str(key_json).map_err(|e| JsError::new(&format!("baseline key: {e}")))?;
        let config = key.config().map_err(|e| JsError::new(&format!("baseline key: {e}")))?;
        if !baseline_fits_page(&config) {
            return Err(JsError::new("baseline key: the page solves baselines of at most 100×100 entries"));
        }
        Ok(BaselineJob { solver: key.solver(&config) })
    }

    /// Runs up to `iterations` iterations (each one SVD); true once solved (at once when there is none).
    pub fn advance(&mut self, iterations: u32) -> bool {
        self.solver.as_mut().is_none_or(|s| s.iterate(iterations as usize))
    }

    /// The solved baseline as JSON, as [`Lab::adopt_baseline`] takes it ("null" until solved or when there is none).
    pub fn json(&self) -> String {
        baseline_json(self.solver.as_ref().filter(|s| s.is_done()).map(|s| s.result()))
    }
}

/// At most 100×100 entries: each baseline iteration is one SVD of W, too slow for a page beyond that.
fn baseline_fits_page(config: &Config) -> bool {
    let (m, n) = config.dims();
    m * n <= crate::experiment::MAX_LIVE_BASELINE_ENTRIES
}

/// A baseline as [`Lab::adopt_baseline`] takes it; "null" for none.
fn baseline_json(b: Option<crate::dynamics::baseline::Baseline>) -> String {
    b.map_or("null".into(), |b| serde_json::to_string(&b).unwrap_or_else(|_| "null".into()))
}

/// A phase-diagram sweep run in slices, meant for a Web Worker (it never draws).
#[wasm_bindgen]
pub struct SweepJob {
    job: crate::experiment::sweep::Job,
}

#[wasm_bindgen]
impl SweepJob {
    /// Throws a message naming the bad field of the spec.
    #[wasm_bindgen(constructor)]
    pub fn new(spec_json: &str) -> Result<SweepJob, JsError> {
        let spec =
            crate::experiment::sweep::SweepSpec::from_json(spec_json).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(SweepJob { job: crate::experiment::sweep::Job::new(spec) })
    }

    /// Runs up to `steps` optimiser steps; true once every cell is done.
    pub fn advance(&mut self, steps: u32) -> bool {
        self.job.advance(u64::from(steps))
    }

    /// {done, total, cells: [{x, y, value, note}]} as JSON.
    pub fn progress_json(&self) -> String {
        json!({"done": self.job.cells.len(), "total": self.job.spec.cells(), "cells": self.job.cells}).to_string()
    }

    /// The finished cells as CSV.
    pub fn csv(&self) -> String {
        crate::experiment::sweep::csv(&self.job.spec, &self.job.cells)
    }

    /// A 1-D sweep's figure so far (lines over the finished runs) as JSON; "" for a phase diagram.
    pub fn figure_json(&self) -> String {
        let spec = &self.job.spec;
        if !spec.is_lines() {
            return String::new();
        }
        let series = spec.series.as_ref().map_or("", |a| a.field.as_str());
        let points = crate::experiment::sweep::aggregate(&self.job.cells, spec.seeds as usize);
        let fig = crate::figure::lines::sweep_lines(
            &spec.x.field,
            series,
            &spec.outcome.name(),
            spec.seeds as usize,
            &points,
        );
        serde_json::to_string(&fig).unwrap_or_default()
    }
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
