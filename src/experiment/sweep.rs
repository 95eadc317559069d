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

/// The cells shard `index` of `count` computes (1 ≤ index ≤ count): k ≡ index − 1 (mod count), so every shard
/// gets cells from every row of the grid and the split is the same on every machine.
pub fn shard_cells(total: usize, index: usize, count: usize) -> Vec<usize> {
    (index.saturating_sub(1)..total).step_by(count.max(1)).collect()
}

/// Parses `i/N` (1 ≤ i ≤ N ≤ 10,000).
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard: expected i/N with 1 ≤ i ≤ N ≤ 10000, got {text:?}");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if i == 0 || i > n || n > 10_000 {
        return Err(bad());
    }
    Ok((i, n))
}

/// A shard's CSV: a `# rankflow sweep shard i/N: T cells, X per row` line, then the unsharded header with a
/// leading `cell` column, then one row per computed cell (its index k first).
pub fn shard_csv(spec: &SweepSpec, (index, count): (usize, usize), cells: &[(usize, Cell)]) -> String {
    let whole = csv(spec, &cells.iter().map(|c| c.1.clone()).collect::<Vec<_>>());
    let mut lines = whole.lines();
    let header = lines.next().unwrap_or_default();
    let mut out = format!(
        "# rankflow sweep shard {index}/{count}: {} cells, {} per row\ncell,{header}\n",
        spec.cells(),
        spec.x.values.len()
    );
    for ((k, _), row) in cells.iter().zip(lines) {
        out.push_str(&format!("{k},{row}\n"));
    }
    out
}

/// Shards merged back into one sweep: exactly the CSV an unsharded run writes, and the grid for the heatmap.
#[derive(Debug)]
pub struct Merged {
    pub csv: String,
    pub x_field: String,
    pub y_field: String,
    pub outcome: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    /// Row-major over y then x.
    pub values: Vec<Option<f64>>,
}

/// Merges shard CSVs (any order): they must come from one spec (same header and grid) and cover every cell
/// exactly once.
pub fn merge(parts: &[(String, String)]) -> Result<Merged, String> {
    let mut grid: Option<(usize, usize, String)> = None;
    let mut rows: Vec<Option<String>> = vec![];
    for (name, text) in parts {
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        let meta = first
            .strip_prefix("# rankflow sweep shard ")
            .and_then(|rest| rest.split_once(": "))
            .and_then(|(_, rest)| rest.split_once(" cells, "))
            .and_then(|(t, rest)| {
                Some((t.parse::<usize>().ok()?, rest.strip_suffix(" per row")?.parse::<usize>().ok()?))
            })
            .ok_or_else(|| format!("{name}: not a shard file (first line {first:?})"))?;
        let header = lines.next().and_then(|h| h.strip_prefix("cell,")).ok_or_else(|| format!("{name}: no header"))?;
        match &grid {
            None => {
                grid = Some((meta.0, meta.1, header.to_string()));
                rows = vec![None; meta.0];
            }
            Some((t, x, h)) if (*t, *x) != meta || h != header => {
                return Err(format!(
                    "{name}: from another sweep ({} cells, header {header:?}; expected {t} cells, {h:?})",
                    meta.0
                ));
            }
            _ => {}
        }
        for line in lines.filter(|l| !l.is_empty()) {
            let (k, row) = line.split_once(',').ok_or_else(|| format!("{name}: malformed row {line:?}"))?;
            let k: usize = k.parse().map_err(|_| format!("{name}: malformed cell index in {line:?}"))?;
            let slot = rows.get_mut(k).ok_or_else(|| format!("{name}: cell {k} is outside the grid"))?;
            if slot.is_some() {
                return Err(format!("{name}: cell {k} appears twice"));
            }
            *slot = Some(row.to_string());
        }
    }
    let (total, per_row, header) = grid.ok_or("merge: no shard files given")?;
    let missing: Vec<usize> = (0..total).filter(|&k| rows[k].is_none()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "merge: {} of {total} cells missing (first: {}); is a shard file left out?",
            missing.len(),
            missing[0]
        ));
    }
    let rows: Vec<String> = rows.into_iter().flatten().collect();
    let mut csv = format!("{header}\n");
    for r in &rows {
        csv.push_str(r);
        csv.push('\n');
    }
    let mut fields = header.split(',');
    let (x_field, y_field, outcome) = (
        fields.next().unwrap_or_default().to_string(),
        fields.next().unwrap_or_default().to_string(),
        fields.next().unwrap_or_default().to_string(),
    );
    let column = |r: &String, c: usize| r.split(',').nth(c).unwrap_or_default().to_string();
    let x_values = rows.iter().take(per_row).map(|r| column(r, 0)).collect();
    let y_values = rows.iter().step_by(per_row.max(1)).map(|r| column(r, 1)).collect();
    let values = rows.iter().map(|r| column(r, 2).parse::<f64>().ok()).collect();
    Ok(Merged { csv, x_field, y_field, outcome, x_values, y_values, values })
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
