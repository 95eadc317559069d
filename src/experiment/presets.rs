//! Named experiments: a config plus what to look at.

use crate::config::Config;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize)]
pub struct Preset {
    /// URL- and CLI-friendly identifier.
    pub name: String,
    pub title: String,
    /// Two to four sentences: what to look at and the number to expect.
    pub explanation: String,
    /// The runs shown side by side (one for most presets).
    pub runs: Vec<PresetRun>,
    /// The id of the claim the runs are judged by (see `crate::claims`).
    pub claim: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PresetRun {
    pub label: String,
    /// Runs of one group share a colour and are aggregated together.
    pub group: String,
    pub config: Config,
}

impl Preset {
    /// The first run's config (what the page's form shows).
    pub fn config(&self) -> &Config {
        &self.runs[0].config
    }

    /// The preset re-seeded: the first run at `seed`, the others keeping their offsets from it (seeds of one
    /// depth stay distinct), so problem and initialisation change together. None when a seed would exceed
    /// the largest accepted one.
    pub fn at_seed(&self, seed: u64) -> Option<Preset> {
        let base = self.runs[0].config.seed;
        let mut p = self.clone();
        for r in &mut p.runs {
            let s = seed.checked_add(r.config.seed.checked_sub(base)?)?;
            if s > crate::config::MAX_SEED {
                return None;
            }
            r.config.seed = s;
        }
        Some(p)
    }
}

/// Name of the preset the page opens with.
pub const DEFAULT: &str = "incremental";

/// The presets as data, the default first: per run its label, group and whole config (the CLI's
/// `rankflow presets --json` prints them in this form).
const PRESETS_JSON: &str = include_str!("presets.json");

/// One preset as written in `presets.json` (texts borrowed from it; configs validated on reading).
#[derive(Deserialize)]
struct Spec {
    name: &'static str,
    title: &'static str,
    explanation: &'static str,
    claim: Option<String>,
    runs: Vec<RunSpec>,
}

#[derive(Deserialize)]
struct RunSpec {
    label: String,
    group: String,
    config: serde_json::Value,
}

/// All presets, the default first.
pub fn all() -> Vec<Preset> {
    parsed().to_vec()
}

/// `presets.json` read and validated once (every lookup, link and lesson step asks for presets).
fn parsed() -> &'static [Preset] {
    static PRESETS: std::sync::OnceLock<Vec<Preset>> = std::sync::OnceLock::new();
    PRESETS.get_or_init(read)
}

fn read() -> Vec<Preset> {
    let specs: Vec<Spec> = serde_json::from_str(PRESETS_JSON).unwrap_or_else(|e| panic!("presets.json: {e}"));
    specs
        .into_iter()
        .map(|s| Preset {
            name: s.name.to_string(),
            title: s.title.to_string(),
            explanation: s.explanation.to_string(),
            claim: s.claim,
            runs: s
                .runs
                .into_iter()
                .map(|r| PresetRun {
                    label: r.label,
                    group: r.group,
                    config: Config::from_json(&r.config.to_string())
                        .unwrap_or_else(|e| panic!("preset {} is invalid: {e}", s.name)),
                })
                .collect(),
        })
        .collect()
}

/// The preset called `name`, if any.
pub fn find(name: &str) -> Option<Preset> {
    parsed().iter().find(|p| p.name == name).cloned()
}

/// Comma-separated list of preset names, for messages.
pub fn names() -> String {
    parsed().iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Most runs an experiment file may hold.
pub const MAX_RUNS: usize = 48;

/// One experiment from JSON, in the form `rankflow presets --json` prints a preset: `{"name", "title",
/// "explanation", "runs": [{"label", "group", "config"}], "claim"}` (texts optional). The claim id is not
/// checked here (see `crate::claims::experiment_file`). Errors name the field: `runs[1].config.model.depth: …`.
pub fn from_json(text: &str) -> Result<Preset, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("experiment: not JSON: {e}"))?;
    let obj = v.as_object().ok_or("experiment: expected an object {\"runs\": [...], \"claim\": ...}")?;
    for key in obj.keys() {
        if !["name", "title", "explanation", "runs", "claim"].contains(&key.as_str()) {
            return Err(format!("{key}: unknown field; expected name, title, explanation, runs, claim"));
        }
    }
    let text = |key: &str, default: &str| -> Result<String, String> {
        match obj.get(key) {
            None | Some(serde_json::Value::Null) => Ok(default.to_string()),
            Some(serde_json::Value::String(s)) if s.chars().count() <= 2000 => Ok(s.clone()),
            Some(_) => Err(format!("{key}: expected a string of at most 2000 characters")),
        }
    };
    let claim = match obj.get("claim") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("claim: expected a claim id (a string) or null".into()),
    };
    let runs = obj.get("runs").and_then(|r| r.as_array()).ok_or("runs: expected an array of {label, group, config}")?;
    if runs.is_empty() || runs.len() > MAX_RUNS {
        return Err(format!("runs: expected 1 to {MAX_RUNS} runs, got {}", runs.len()));
    }
    let runs = runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let field = |key: &str| -> Result<String, String> {
                match r.get(key) {
                    None | Some(serde_json::Value::Null) => Ok(String::new()),
                    Some(serde_json::Value::String(s)) => Ok(s.chars().take(60).collect()),
                    Some(_) => Err(format!("runs[{i}].{key}: expected a string")),
                }
            };
            let config = r.get("config").ok_or_else(|| format!("runs[{i}].config: missing"))?;
            let config = Config::from_json(&config.to_string()).map_err(|e| match e.field.as_str() {
                "" | "config" => format!("runs[{i}].config: {}", e.message),
                field => format!("runs[{i}].config.{field}: {}", e.message),
            })?;
            Ok(PresetRun { label: field("label")?, group: field("group")?, config })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Preset {
        name: text("name", "experiment")?,
        title: text("title", "")?,
        explanation: text("explanation", "")?,
        runs,
        claim,
    })
}
