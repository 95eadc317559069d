//! Named experiments: a config plus what to look at.

use crate::config::Config;
use crate::experiment::{Claim, Experiment};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize)]
pub struct Preset {
    /// URL- and CLI-friendly identifier.
    pub name: &'static str,
    pub title: &'static str,
    /// Two to four sentences: what to look at and the number to expect.
    pub explanation: &'static str,
    /// The runs shown side by side (one for most presets).
    pub runs: Vec<PresetRun>,
    /// The number the claim is checked by (shown live on the page, printed by the CLI).
    pub claim: Option<Claim>,
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

    pub fn experiment(&self) -> Experiment {
        Experiment::new(
            self.runs.iter().map(|r| (r.label.clone(), r.group.clone(), r.config.clone())).collect(),
            self.claim,
        )
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
    claim: Option<Claim>,
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
    let specs: Vec<Spec> = serde_json::from_str(PRESETS_JSON).unwrap_or_else(|e| panic!("presets.json: {e}"));
    specs
        .into_iter()
        .map(|s| Preset {
            name: s.name,
            title: s.title,
            explanation: s.explanation,
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
    all().into_iter().find(|p| p.name == name)
}

/// Comma-separated list of preset names, for messages.
pub fn names() -> String {
    all().iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
}
