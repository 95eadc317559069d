//! Phase diagrams: a grid of runs over two config fields (e.g. α × depth) and one outcome per cell
//! (final effective rank, test error, nuclear norm relative to the convex baseline, or loss).

use crate::config::{Config, ConfigError};
use crate::dynamics::baseline;
use crate::experiment::run::{Run, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most cells in one sweep.
pub const MAX_CELLS: usize = 400;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Dotted config path, e.g. `model.init_scale`, `model.depth`, `problem.observed_fraction`.
    pub field: String,
    pub values: Vec<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    EffectiveRank,
    TestError,
    /// ‖W‖_* / ‖W_baseline‖_* (1 = the convex solution's nuclear norm).
    NuclearNormRatio,
    Loss,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    pub base: Value,
    pub x: Axis,
    pub y: Axis,
    pub outcome: Outcome,
}

/// One cell's result: the outcome, or why the cell could not run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Cell {
    pub x: f64,
    pub y: f64,
    pub value: Option<f64>,
    pub note: Option<String>,
}

impl SweepSpec {
    /// Parses and checks a spec (the base config is validated cell by cell, with the axis values set).
    pub fn from_json(text: &str) -> Result<SweepSpec, ConfigError> {
        let err = |field: &str, message: String| ConfigError { field: field.into(), message };
        if text.len() > crate::config::MAX_JSON_BYTES {
            return Err(err("sweep", "spec is too long".into()));
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        let spec: SweepSpec = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            err(&format!("sweep.{}", path.trim_start_matches('.')), e.into_inner().to_string())
        })?;
        for (name, axis) in [("x", &spec.x), ("y", &spec.y)] {
            if !crate::config::FIELDS.contains(&axis.field.as_str())
                || axis.field.ends_with("kind")
                || axis.field == "problem.values"
            {
                return Err(err(
                    &format!("sweep.{name}.field"),
                    format!("{:?} is not a numeric config field", axis.field),
                ));
            }
            if axis.values.is_empty() || axis.values.iter().any(|v| !v.is_finite()) {
                return Err(err(&format!("sweep.{name}.values"), "must list at least one finite number".into()));
            }
        }
        let cells = spec.x.values.len() * spec.y.values.len();
        if cells > MAX_CELLS {
            return Err(err("sweep", format!("{cells} cells; at most {MAX_CELLS}")));
        }
        // Cells validate their own configs (a bad cell is reported in its note, the others still run).
        Ok(spec)
    }

    /// The validated config of cell (i, j): the base with x = x.values[i], y = y.values[j].
    pub fn cell_config(&self, i: usize, j: usize) -> Result<Config, ConfigError> {
        let mut doc = self.base.clone();
        if !doc.is_object() {
            return Err(ConfigError { field: "sweep.base".into(), message: "must be a config object".into() });
        }
        for (axis, v) in [(&self.x, self.x.values[i]), (&self.y, self.y.values[j])] {
            let value = if v.fract() == 0.0 && v.abs() < 9e15 { Value::from(v as i64) } else { Value::from(v) };
            let (section, key) = axis.field.split_once('.').map_or((None, axis.field.as_str()), |(s, k)| (Some(s), k));
            let obj = match section {
                Some(s) => doc
                    .as_object_mut()
                    .and_then(|o| o.entry(s).or_insert(Value::Object(Default::default())).as_object_mut()),
                None => doc.as_object_mut(),
            };
            if let Some(o) = obj {
                o.insert(key.into(), value);
            }
        }
        Config::from_json(&doc.to_string())
    }

    pub fn cells(&self) -> usize {
        self.x.values.len() * self.y.values.len()
    }

    /// Runs cell `k` (row-major over y then x) to the end and measures the outcome.
    pub fn run_cell(&self, k: usize) -> Cell {
        match self.start_cell(k) {
            Err(cell) => cell,
            Ok(mut run) => {
                let steps = run.config.steps;
                run.advance(steps);
                self.finish_cell(k, &run)
            }
        }
    }

    /// (x, y) of cell k.
    fn coords(&self, k: usize) -> (usize, usize) {
        (k % self.x.values.len(), k / self.x.values.len())
    }

    /// The run of cell k, or the cell's note when its config is invalid.
    pub fn start_cell(&self, k: usize) -> Result<Run, Cell> {
        let (i, j) = self.coords(k);
        let (x, y) = (self.x.values[i], self.y.values[j]);
        self.cell_config(i, j).map(Run::new).map_err(|e| Cell { x, y, value: None, note: Some(e.to_string()) })
    }

    /// The outcome of cell k's finished (or diverged) run.
    pub fn finish_cell(&self, k: usize, run: &Run) -> Cell {
        let (i, j) = self.coords(k);
        let (x, y) = (self.x.values[i], self.y.values[j]);
        if let Status::Diverged(msg) = run.status() {
            return Cell { x, y, value: None, note: Some(msg.clone()) };
        }
        let s = run.measure();
        let value = match self.outcome {
            Outcome::EffectiveRank => Some(s.effective_rank),
            Outcome::Loss => Some(s.loss),
            Outcome::TestError => s.test_error,
            Outcome::NuclearNormRatio => {
                baseline::min_nuclear_norm(&run.problem, crate::experiment::baseline_is_psd(&run.config))
                    .map(|b| s.nuclear_norm / b.nuclear_norm)
            }
        };
        let note = value.is_none().then(|| "no value: this outcome needs a ground truth or observations".to_string());
        Cell { x, y, value, note }
    }
}

/// CSV of a finished sweep: x field, y field, outcome.
pub fn csv(spec: &SweepSpec, cells: &[Cell]) -> String {
    let outcome =
        serde_json::to_value(spec.outcome).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let mut out = format!("{},{},{outcome},note\n", spec.x.field, spec.y.field);
    for c in cells {
        out.push_str(&format!(
            "{},{},{},{}\n",
            c.x,
            c.y,
            c.value.map_or(String::new(), |v| v.to_string()),
            c.note.as_deref().unwrap_or("").replace([',', '\n'], ";")
        ));
    }
    out
}

/// A sweep run in slices (for a Web Worker): `advance` does at most a given number of optimiser steps.
pub struct Job {
    pub spec: SweepSpec,
    run: Option<Run>,
    pub cells: Vec<Cell>,
}

impl Job {
    pub fn new(spec: SweepSpec) -> Job {
        Job { spec, run: None, cells: vec![] }
    }

    /// Runs up to `steps` steps of the current cell (starting or finishing cells as needed); true when done.
    pub fn advance(&mut self, steps: u64) -> bool {
        let total = self.spec.cells();
        let mut budget = steps;
        while self.cells.len() < total && budget > 0 {
            let k = self.cells.len();
            let run = match &mut self.run {
                Some(r) => r,
                None => match self.spec.start_cell(k) {
                    Ok(r) => self.run.insert(r),
                    Err(cell) => {
                        self.cells.push(cell);
                        continue;
                    }
                },
            };
            let done = run.advance(budget);
            budget -= done.min(budget);
            if *run.status() != Status::Running {
                let cell = self.spec.finish_cell(k, run);
                self.cells.push(cell);
                self.run = None;
            } else if done == 0 {
                break;
            }
        }
        self.cells.len() >= total
    }
}
