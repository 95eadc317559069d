//! Sweeps: a grid of runs over config fields and one outcome per run. Two axes `x`, `y`: a phase diagram
//! (heat map, one run per cell). One axis `x` with an optional `series` field and `seeds` (1–20): lines, one per
//! series value, each point the mean over seeds with a min–max band, and a CSV `x, series, mean, std, min,
//! max, n`. A field may name one entry of a list field: `optimizer.noise[1]`, `model.init_scales[0]`.

use crate::config::{Config, ConfigError};
use crate::dynamics::baseline;
use crate::experiment::glrl_path::Tracker;
use crate::experiment::run::{Run, Status};
use crate::experiment::Experiment;
use crate::fields::Kind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most runs in one sweep (cells × seeds).
pub const MAX_CELLS: usize = 400;
/// Most seeds per cell.
pub const MAX_SEEDS: u64 = 20;

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
    /// Largest relative distance from GD's W(t) to GLRL's path over the run (depth 2 or symmetric models).
    GlrlDistance,
    /// Step at which σ₁(W) first exceeds s₁/2 (needs a ground truth).
    FirstLearnedStep,
    /// Final ‖W_L‖/‖W₁‖, with noisy GD's prediction (σ_L/σ₁)·√(m/n) where it is derived.
    NormRatio,
    /// Test error of the convex baseline (minimum nuclear norm, or trace for the symmetric model) on the cell's
    /// problem; the model is not trained.
    BaselineTestError,
}

impl Outcome {
    /// The snake_case name used in specs and CSV headers.
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// The page's ready-made axes: `(name, menu label, offered across (x) or down (y))`.
pub const PAGE_AXES: [(&str, &str, bool); 7] = [
    ("alpha", "α = 1e-1 … 1e-6", true),
    ("lr", "η × 0.25 … 2", true),
    ("noise", "noise on W_L × 0.5 … 4", true),
    ("rows", "rows m = n × 0.5 … 4", true),
    ("depth", "depth 2, 3, 4", false),
    ("observed", "observed fraction 0.1 … 0.5", false),
    ("seed", "seeds 1 … 4", false),
];

/// Outcomes the page offers, with their menu labels.
pub const PAGE_OUTCOMES: [(Outcome, &str); 7] = [
    (Outcome::EffectiveRank, "final effective rank"),
    (Outcome::TestError, "final test error"),
    (Outcome::NuclearNormRatio, "‖W‖* / convex baseline"),
    (Outcome::Loss, "final loss"),
    (Outcome::GlrlDistance, "largest distance to GLRL's path"),
    (Outcome::FirstLearnedStep, "step σ₁ is learned"),
    (Outcome::NormRatio, "‖W_L‖/‖W₁‖ (noisy GD law)"),
];

/// A page axis for `config` (values relative to its η, n or noise): `(axis, description)`; None for an unknown name.
pub fn page_axis(name: &str, config: &Config) -> Option<(Axis, String)> {
    let scaled = |base: f64, factors: &[f64]| {
        factors.iter().map(|f| crate::notation::round_sig(f * base, 3)).collect::<Vec<_>>()
    };
    let (field, values, desc) = match name {
        "alpha" => ("model.init_scale".to_string(), vec![1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6], "α (init scale)"),
        "lr" => ("optimizer.lr".into(), scaled(config.optimizer.lr(), &[0.25, 0.5, 1.0, 2.0]), "η"),
        "depth" => ("model.depth".into(), vec![2.0, 3.0, 4.0], "depth L"),
        "observed" => ("problem.observed_fraction".into(), vec![0.1, 0.2, 0.3, 0.4, 0.5], "observed fraction"),
        "seed" => ("seed".into(), vec![1.0, 2.0, 3.0, 4.0], "seed"),
        // Rows m of the target against a fixed n (noisy GD's law: ‖W_L‖/‖W₁‖ ∝ √(m/n)).
        "rows" => {
            let n = config.dims().1 as f64;
            ("problem.m".into(), [0.5, 1.0, 2.0, 4.0].iter().map(|f| (f * n).round().max(1.0)).collect(), "rows m")
        }
        // The noise on the last factor, relative to the first factor's (noisy GD; the law's x axis).
        "noise" => {
            let noise = match &config.optimizer {
                crate::config::OptimizerConfig::NoisyGd { noise, .. } => noise.clone(),
                _ => vec![0.05],
            };
            let last = noise.len().saturating_sub(1);
            (format!("optimizer.noise[{last}]"), scaled(noise[0], &[0.5, 1.0, 2.0, 4.0]), "noise on W_L")
        }
        _ => return None,
    };
    Some((Axis { field, values }, desc.to_string()))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    pub base: Value,
    pub x: Axis,
    /// Second axis of a phase diagram.
    #[serde(default)]
    pub y: Option<Axis>,
    /// One line per value, in a 1-D sweep.
    #[serde(default)]
    pub series: Option<Axis>,
    /// Runs per cell, at seeds base…base+seeds−1 (1-D sweeps).
    #[serde(default = "one")]
    pub seeds: u64,
    pub outcome: Outcome,
}

fn one() -> u64 {
    1
}

/// One run's result: the outcome, or why the run could not give one.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Cell {
    pub x: f64,
    /// The y (phase diagram) or series value; NaN in a 1-D sweep without series.
    pub y: f64,
    pub seed: u64,
    pub value: Option<f64>,
    /// The outcome's prediction for this run's config, where one is derived (norm_ratio).
    pub predicted: Option<f64>,
    pub note: Option<String>,
}

impl SweepSpec {
    /// Parses and checks a spec (the base config is validated cell by cell, with the axis values set).
    pub fn from_json(text: &str) -> Result<SweepSpec, ConfigError> {
        let err = |field: &str, message: String| ConfigError { field: field.into(), message };
        if text.len() > crate::config::MAX_JSON_BYTES {
            return Err(err("sweep", "spec is too long".into()));
        }
        let spec: SweepSpec = serde_json::from_str(text).map_err(|e| {
            let path = crate::json_path::error_path(text, &e);
            err(&if path.is_empty() { "sweep".into() } else { format!("sweep.{path}") }, e.to_string())
        })?;
        if spec.y.is_some() && spec.series.is_some() {
            return Err(err("sweep.series", "give y (a phase diagram) or series (lines), not both".into()));
        }
        if !(1..=MAX_SEEDS).contains(&spec.seeds) {
            return Err(err(
                "sweep.seeds",
                format!("must be a whole number from 1 to {MAX_SEEDS}, got {}", spec.seeds),
            ));
        }
        if spec.y.is_some() && spec.seeds > 1 {
            return Err(err("sweep.seeds", "seeds need a 1-D sweep: give series instead of y".into()));
        }
        for (name, axis) in [("x", Some(&spec.x)), ("y", spec.y.as_ref()), ("series", spec.series.as_ref())] {
            let Some(axis) = axis else { continue };
            let (field, index) = split_index(&axis.field);
            let numeric = crate::fields::find(field).is_some_and(|f| match f.kind {
                Kind::Integer | Kind::Number | Kind::LogNumber { .. } => index.is_none(),
                Kind::List => index.is_some(),
                Kind::Choice { .. } | Kind::Flag | Kind::Matrix => false,
            });
            if !numeric || index.is_some_and(|i| i.is_none() || i.is_some_and(|i| i >= 20)) {
                return Err(err(
                    &format!("sweep.{name}.field"),
                    format!(
                        "{:?} is not a numeric config field (or a list entry such as optimizer.noise[1], index 0–19)",
                        axis.field
                    ),
                ));
            }
            if axis.values.is_empty() || axis.values.iter().any(|v| !v.is_finite()) {
                return Err(err(&format!("sweep.{name}.values"), "must list at least one finite number".into()));
            }
        }
        let cells = spec.cells();
        if cells > MAX_CELLS {
            return Err(err("sweep", format!("{cells} runs (cells × seeds); at most {MAX_CELLS}")));
        }
        // Cells validate their own configs (a bad cell is reported in its note, the others still run).
        Ok(spec)
    }

    /// The second axis: y of a phase diagram or the series of a 1-D sweep.
    fn second(&self) -> Option<&Axis> {
        self.y.as_ref().or(self.series.as_ref())
    }

    /// Whether this is a 1-D sweep (lines) rather than a phase diagram.
    pub fn is_lines(&self) -> bool {
        self.y.is_none()
    }

    /// The validated config of cell (i, j) at seed offset s: the base with x = x.values[i], the second axis
    /// at its j-th value, and seed = base seed + s.
    pub fn cell_config(&self, i: usize, j: usize, s: u64) -> Result<Config, ConfigError> {
        let mut doc = self.base.clone();
        if !doc.is_object() {
            return Err(ConfigError { field: "sweep.base".into(), message: "must be a config object".into() });
        }
        let mut set = vec![(&self.x, self.x.values[i])];
        if let Some(a) = self.second() {
            set.push((a, a.values[j]));
        }
        for (axis, v) in set {
            let value = if v.fract() == 0.0 && v.abs() < 9e15 { Value::from(v as i64) } else { Value::from(v) };
            let (field, index) = split_index(&axis.field);
            let (section, key) = field.split_once('.').map_or((None, field), |(s, k)| (Some(s), k));
            let obj = match section {
                Some(s) => doc
                    .as_object_mut()
                    .and_then(|o| o.entry(s).or_insert(Value::Object(Default::default())).as_object_mut()),
                None => doc.as_object_mut(),
            };
            let Some(o) = obj else { continue };
            match index {
                Some(Some(k)) => match o.get_mut(key).and_then(Value::as_array_mut) {
                    Some(list) if k < list.len() => list[k] = value,
                    _ => {
                        return Err(ConfigError {
                            field: format!("sweep.{}", axis.field),
                            message: format!("the base config's {field} has no entry {k}"),
                        })
                    }
                },
                _ => {
                    o.insert(key.into(), value);
                }
            }
        }
        let mut c = Config::from_json(&doc.to_string())?;
        c.seed = c.seed.checked_add(s).filter(|&v| v <= crate::config::MAX_SEED).ok_or_else(|| ConfigError {
            field: "sweep.seeds".into(),
            message: format!("seed {} + {s} exceeds {}", c.seed, crate::config::MAX_SEED),
        })?;
        Ok(c)
    }

    /// Runs in the sweep: x values × second-axis values × seeds.
    pub fn cells(&self) -> usize {
        self.x.values.len() * self.second().map_or(1, |a| a.values.len()) * self.seeds as usize
    }

    /// (x index, second-axis index, seed offset) of run k: seeds vary fastest, then x, then the second axis.
    fn coords(&self, k: usize) -> (usize, usize, u64) {
        let seeds = self.seeds as usize;
        let cell = k / seeds;
        (cell % self.x.values.len(), cell / self.x.values.len(), (k % seeds) as u64)
    }

    fn blank(&self, k: usize) -> Cell {
        let (i, j, s) = self.coords(k);
        let y = self.second().map_or(f64::NAN, |a| a.values[j]);
        Cell { x: self.x.values[i], y, seed: s, value: None, predicted: None, note: None }
    }

    /// Run k, or its note when its config is invalid or the outcome does not apply to it.
    pub fn start_cell(&self, k: usize) -> Result<CellRun, Cell> {
        let (i, j, s) = self.coords(k);
        let note = |message: String| Cell { note: Some(message), ..self.blank(k) };
        let mut config = self.cell_config(i, j, s).map_err(|e| note(e.to_string()))?;
        if self.outcome == Outcome::BaselineTestError {
            // Only the problem matters: one step, then the baseline is solved in finish_cell.
            config.steps = 1;
        }
        let mut cell = self.blank(k);
        cell.seed = config.seed;
        if self.outcome != Outcome::GlrlDistance {
            return Ok(CellRun { run: RunKind::Single(Run::new(config)), cell });
        }
        if !(config.model.depth == 2 || config.model.symmetric) || crate::experiment::is_glrl(&config) {
            return Err(Cell {
                note: Some("no value: glrl_distance needs a GD run of depth 2 or a symmetric model".into()),
                ..cell
            });
        }
        let mut glrl = config.clone();
        glrl.optimizer = crate::config::OptimizerConfig::Glrl {
            lr: config.optimizer.lr(),
            epsilon: 1e-6,
            tolerance: 1e-6,
            max_phase_steps: crate::config::DEFAULT_MAX_PHASE_STEPS,
        };
        let mut exp =
            Experiment::new(vec![("GLRL".into(), "GLRL".into(), glrl), ("GD".into(), "GD".into(), config)], None);
        let tracker = Tracker::start(&mut exp);
        exp.attach(Box::new(tracker));
        Ok(CellRun { run: RunKind::Paired(exp), cell })
    }

    /// Runs run k to the end and measures the outcome.
    pub fn run_cell(&self, k: usize) -> Cell {
        match self.start_cell(k) {
            Err(cell) => cell,
            Ok(mut c) => {
                while c.advance(u64::MAX / 2) > 0 {}
                self.finish_cell(c)
            }
        }
    }

    /// The outcome of a finished (or diverged) run.
    pub fn finish_cell(&self, c: CellRun) -> Cell {
        let mut cell = c.cell;
        let run = match &c.run {
            RunKind::Single(r) => r,
            RunKind::Paired(e) => &e.members[1].run,
        };
        if let Status::Diverged(msg) = run.status() {
            cell.note = Some(msg.clone());
            return cell;
        }
        let s = run.measure();
        cell.value = match self.outcome {
            Outcome::EffectiveRank => Some(s.effective_rank),
            Outcome::Loss => Some(s.loss),
            Outcome::TestError => s.test_error,
            Outcome::NuclearNormRatio => {
                baseline::min_nuclear_norm(&run.problem, crate::experiment::baseline_is_psd(&run.config))
                    .map(|b| s.nuclear_norm / b.nuclear_norm)
            }
            Outcome::BaselineTestError => {
                baseline::min_nuclear_norm(&run.problem, crate::experiment::baseline_is_psd(&run.config)).and_then(
                    |b| {
                        let (m, n) = (b.w.len(), b.w.first().map_or(0, Vec::len));
                        run.problem.test_error(&nalgebra::DMatrix::from_fn(m, n, |r, c| b.w[r][c]))
                    },
                )
            }
            Outcome::GlrlDistance => match &c.run {
                RunKind::Paired(e) => {
                    e.observer::<Tracker>().filter(|t| t.path.is_some()).and_then(|t| t.farthest_escaped[1])
                }
                _ => None,
            },
            Outcome::FirstLearnedStep => run.learned().first().copied().flatten().map(|t| t as f64),
            Outcome::NormRatio => {
                let n = &s.factor_norms;
                Some(n[n.len() - 1] / n[0])
            }
        };
        if self.outcome == Outcome::NormRatio {
            cell.predicted = crate::dynamics::optim::noisy_gd::predicted_balance(&run.config);
        }
        cell.note = cell.value.is_none().then(|| {
            match self.outcome {
                Outcome::FirstLearnedStep if run.problem.truth_singular_values().is_some() => {
                    "no value: σ₁ not learned within the run"
                }
                Outcome::GlrlDistance => {
                    "no value: GLRL found no path for this problem, or GD never left the scale of W(0)"
                }
                _ => "no value: this outcome needs a ground truth or observations",
            }
            .to_string()
        });
        cell
    }
}

/// `field[k]` → (field, Some(Some(k))); `field[bad]` → (field, Some(None)); `field` → (field, None).
fn split_index(field: &str) -> (&str, Option<Option<usize>>) {
    match field.strip_suffix(']').and_then(|f| f.split_once('[')) {
        Some((name, k)) => (name, Some(k.parse().ok())),
        None => (field, None),
    }
}

/// One run of a sweep in progress: a single run, or GD beside its GLRL companion (glrl_distance).
pub struct CellRun {
    run: RunKind,
    cell: Cell,
}

#[allow(clippy::large_enum_variant)] // one per sweep run in progress
enum RunKind {
    Single(Run),
    Paired(Experiment),
}

impl CellRun {
    /// Up to `steps` more steps; the number taken (0 once finished).
    pub fn advance(&mut self, steps: u64) -> u64 {
        match &mut self.run {
            RunKind::Single(r) => {
                let left = r.config.steps.saturating_sub(r.step());
                r.advance(steps.min(left.max(1)))
            }
            RunKind::Paired(e) => {
                let left = e.members[1].run.config.steps.saturating_sub(e.members[1].run.step());
                e.advance(steps.min(left.max(1)))
            }
        }
    }

    pub fn running(&self) -> bool {
        match &self.run {
            RunKind::Single(r) => *r.status() == Status::Running,
            RunKind::Paired(e) => e.running(),
        }
    }
}

/// CSV of a finished sweep (runs in order): a phase diagram's `x field, y field, outcome, note`, or a 1-D
/// sweep's `x, series, mean, std, min, max, n` (and `predicted` where the outcome has a prediction).
pub fn csv(spec: &SweepSpec, cells: &[Cell]) -> String {
    if spec.is_lines() {
        return lines_csv(&aggregate(cells, spec.seeds as usize), spec.outcome == Outcome::NormRatio);
    }
    let y = spec.y.as_ref().map_or("", |a| a.field.as_str());
    let mut out = format!("{},{y},{},note\n", spec.x.field, spec.outcome.name());
    for c in cells {
        out.push_str(&raw_row(c, false));
        out.push('\n');
    }
    out
}

fn num(v: Option<f64>) -> String {
    v.filter(|v| !v.is_nan()).map_or(String::new(), |v| v.to_string())
}

/// One run as a CSV row: `x,y,value,note` (phase diagram) or `x,series,seed,value,predicted,note` (lines).
fn raw_row(c: &Cell, lines: bool) -> String {
    let note = c.note.as_deref().unwrap_or("").replace([',', '\n'], ";");
    if lines {
        format!("{},{},{},{},{},{note}", c.x, num(Some(c.y)), c.seed, num(c.value), num(c.predicted))
    } else {
        format!("{},{},{},{note}", c.x, c.y, num(c.value))
    }
}

/// One point of a 1-D sweep: the runs of one (x, series) cell over its seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct LinePoint {
    pub x: f64,
    /// NaN without a series field.
    pub series: f64,
    /// Over the runs with a value (n of them); None when n = 0.
    pub mean: Option<f64>,
    /// Sample standard deviation (n − 1), 0 for n = 1.
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub n: usize,
    pub predicted: Option<f64>,
}

/// Groups runs (in run order: seeds fastest) into points, `seeds` runs each.
pub fn aggregate(cells: &[Cell], seeds: usize) -> Vec<LinePoint> {
    cells
        .chunks(seeds.max(1))
        .map(|group| {
            let v: Vec<f64> = group.iter().filter_map(|c| c.value).collect();
            let n = v.len();
            let mean = (n > 0).then(|| v.iter().sum::<f64>() / n as f64);
            let std = mean.map(|m| {
                if n > 1 {
                    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
                } else {
                    0.0
                }
            });
            LinePoint {
                x: group[0].x,
                series: group[0].y,
                mean,
                std,
                min: v.iter().copied().reduce(f64::min),
                max: v.iter().copied().reduce(f64::max),
                n,
                predicted: group.iter().find_map(|c| c.predicted),
            }
        })
        .collect()
}

fn lines_csv(points: &[LinePoint], predicted: bool) -> String {
    let mut out = String::from(if predicted {
        "x,series,mean,std,min,max,n,predicted\n"
    } else {
        "x,series,mean,std,min,max,n\n"
    });
    for p in points {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}",
            p.x,
            num(Some(p.series)),
            num(p.mean),
            num(p.std),
            num(p.min),
            num(p.max),
            p.n
        ));
        if predicted {
            out.push(',');
            out.push_str(&num(p.predicted));
        }
        out.push('\n');
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

/// A shard's CSV: a `# rankflow sweep shard i/N: T cells, X per row` line (1-D sweeps add `; lines of S
/// seeds, outcome O, x F, series G`), a header with a leading `cell` column, then one raw row per computed run.
pub fn shard_csv(spec: &SweepSpec, (index, count): (usize, usize), cells: &[(usize, Cell)]) -> String {
    let lines = spec.is_lines();
    let mut out =
        format!("# rankflow sweep shard {index}/{count}: {} cells, {} per row", spec.cells(), spec.x.values.len());
    if lines {
        let series = spec.series.as_ref().map_or("", |a| a.field.as_str());
        out.push_str(&format!(
            "; lines of {} seeds, outcome {}, x {}, series {series}",
            spec.seeds,
            spec.outcome.name(),
            spec.x.field
        ));
        out.push_str(&format!("\ncell,{},{series},seed,{},predicted,note\n", spec.x.field, spec.outcome.name()));
    } else {
        let header = csv(spec, &[]);
        out.push_str(&format!("\ncell,{header}"));
    }
    for (k, c) in cells {
        out.push_str(&format!("{k},{}\n", raw_row(c, lines)));
    }
    out
}

/// Shards merged back into one sweep: exactly the CSV an unsharded run writes, and what to draw.
#[derive(Debug)]
pub struct Merged {
    pub csv: String,
    pub x_field: String,
    pub y_field: String,
    pub outcome: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    /// Row-major over y then x (phase diagrams).
    pub values: Vec<Option<f64>>,
    /// The points of a 1-D sweep.
    pub lines: Option<Vec<LinePoint>>,
}

/// Shard metadata: total runs, x values per row, and for 1-D sweeps (seeds, outcome, x field, series field).
type Meta = (usize, usize, Option<(usize, String, String, String)>);

fn parse_meta(first: &str) -> Option<Meta> {
    let rest = first.strip_prefix("# rankflow sweep shard ")?.split_once(": ")?.1;
    let (grid, lines) = match rest.split_once("; lines of ") {
        Some((g, l)) => (g, Some(l)),
        None => (rest, None),
    };
    let (t, per) = grid.split_once(" cells, ")?;
    let per = per.strip_suffix(" per row")?;
    let lines = match lines {
        None => None,
        Some(l) => {
            let (seeds, l) = l.split_once(" seeds, outcome ")?;
            let (outcome, l) = l.split_once(", x ")?;
            let (x, series) = l.split_once(", series ")?;
            Some((seeds.parse().ok()?, outcome.to_string(), x.to_string(), series.to_string()))
        }
    };
    Some((t.parse().ok()?, per.parse().ok()?, lines))
}

fn parse_f(v: &str) -> Option<f64> {
    if v.is_empty() {
        None
    } else {
        v.parse().ok()
    }
}

/// Merges shard CSVs (any order): they must come from one spec (same header and grid) and cover every run
/// exactly once.
pub fn merge(parts: &[(String, String)]) -> Result<Merged, String> {
    let mut grid: Option<(Meta, String)> = None;
    let mut rows: Vec<Option<String>> = vec![];
    for (name, text) in parts {
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        let meta = parse_meta(first).ok_or_else(|| format!("{name}: not a shard file (first line {first:?})"))?;
        let header = lines.next().and_then(|h| h.strip_prefix("cell,")).ok_or_else(|| format!("{name}: no header"))?;
        match &grid {
            None => {
                rows = vec![None; meta.0];
                grid = Some((meta, header.to_string()));
            }
            Some((m, h)) if *m != meta || h != header => {
                return Err(format!(
                    "{name}: from another sweep ({} cells, header {header:?}; expected {} cells, {h:?})",
                    meta.0, m.0
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
    let ((total, per_row, lines_meta), header) = grid.ok_or("merge: no shard files given")?;
    let missing: Vec<usize> = (0..total).filter(|&k| rows[k].is_none()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "merge: {} of {total} cells missing (first: {}); is a shard file left out?",
            missing.len(),
            missing[0]
        ));
    }
    let rows: Vec<String> = rows.into_iter().flatten().collect();
    if let Some((seeds, outcome, x_field, series_field)) = lines_meta {
        let mut cells = vec![];
        for r in &rows {
            let f: Vec<&str> = r.splitn(6, ',').collect();
            if f.len() < 6 {
                return Err(format!("merge: malformed row {r:?}"));
            }
            let bad = || format!("merge: malformed number in {r:?}");
            cells.push(Cell {
                x: parse_f(f[0]).ok_or_else(bad)?,
                y: parse_f(f[1]).unwrap_or(f64::NAN),
                seed: f[2].parse().map_err(|_| bad())?,
                value: parse_f(f[3]),
                predicted: parse_f(f[4]),
                note: (!f[5].is_empty()).then(|| f[5].to_string()),
            });
        }
        let points = aggregate(&cells, seeds);
        let csv = lines_csv(&points, outcome == Outcome::NormRatio.name());
        return Ok(Merged {
            csv,
            x_field,
            y_field: series_field,
            outcome,
            x_values: vec![],
            y_values: vec![],
            values: vec![],
            lines: Some(points),
        });
    }
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
    Ok(Merged { csv, x_field, y_field, outcome, x_values, y_values, values, lines: None })
}

/// A sweep run in slices (for a Web Worker): `advance` does at most a given number of optimiser steps.
pub struct Job {
    pub spec: SweepSpec,
    run: Option<CellRun>,
    pub cells: Vec<Cell>,
}

impl Job {
    pub fn new(spec: SweepSpec) -> Job {
        Job { spec, run: None, cells: vec![] }
    }

    /// Runs up to `steps` steps of the current run (starting or finishing runs as needed); true when done.
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
            if !run.running() {
                if let Some(r) = self.run.take() {
                    let cell = self.spec.finish_cell(r);
                    self.cells.push(cell);
                }
            } else if done == 0 {
                break;
            }
        }
        self.cells.len() >= total
    }
}
