//! wasm-bindgen bindings: JSON config or preset name in, steps, read-outs and drawing on canvases out.
//! Everything that crosses the boundary is validated here or in `config`; nothing here panics on input.
//! This module: what the page asks of the core before it runs anything (fields, limits, presets, the URL, the
//! form, pacing, memory). By concern: [`lab`] (the live experiment), [`charts`] (drawing), [`jobs`] (the helper
//! worker's baseline and sweeps).

mod charts;
mod jobs;
mod lab;

pub use charts::{draw_figure_json, draw_heatmap, Charts};
pub use jobs::{BaselineJob, SweepJob};
pub use lab::Lab;

use crate::config::Config;
use crate::experiment::presets;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// The shipped lesson `name` as JSON (as `rankflow lesson NAME --json` prints it), or "null".
#[wasm_bindgen]
pub fn lesson_json(name: &str) -> String {
    crate::lessons::find(name).and_then(|l| serde_json::to_string(&l).ok()).unwrap_or_else(|| "null".into())
}

/// A lecturer's lesson file checked as `rankflow lesson --check` does: {"lesson": …as `lesson_json`…, "fits_link":
/// whether it travels inside the page's link}; throws the first problem, its field named.
#[wasm_bindgen]
pub fn lesson_from_text(text: &str) -> Result<String, JsError> {
    use crate::lessons::link;
    let lesson = crate::lessons::from_json(text).map_err(|e| JsError::new(&e))?;
    let fits = link::encode(&link::minified(text)).len() <= link::MAX_ENCODED;
    Ok(serde_json::json!({"lesson": lesson, "fits_link": fits}).to_string())
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
