//! The one run configuration shared by the page, the CLI and the tests.
//!
//! Parsed from JSON with serde, then validated once: [`Config::from_json`] returns either a
//! [`Config`] whose fields are all in range (defaults filled in, so it round-trips exactly) or a
//! [`ConfigError`] naming the offending field and its allowed range.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest seed accepted: 2⁵³ − 1, so a seed survives a trip through a JavaScript number or a URL.
pub const MAX_SEED: u64 = (1 << 53) - 1;
pub const MAX_STEPS: u64 = 1_000_000_000;
pub const MAX_RECORD_EVERY: u64 = 1_000_000;
/// Largest matrix side for random problems (full, completion, sensing).
pub const MAX_DIM: usize = 200;
/// Largest side of a user-typed `entries` matrix.
pub const MAX_ENTRIES_DIM: usize = 50;
pub const MAX_DEPTH: usize = 8;
pub const MAX_WIDTH: usize = 512;
/// Cap on the work of one step (see [`step_flops`]), so a single step stays well under a frame in the browser.
pub const MAX_STEP_FLOPS: f64 = 2e8;
/// Cap on K·m·n, the size of the sensing operator (8 bytes each).
pub const MAX_SENSING_SIZE: usize = 4_000_000;
pub const MIN_INIT_SCALE: f64 = 1e-12;
pub const MAX_INIT_SCALE: f64 = 10.0;
pub const MAX_LR: f64 = 1e4;
pub const MAX_NOISE: f64 = 10.0;
/// Largest parameter count for which Hessian read-outs are offered.
pub const MAX_HESSIAN_PARAMETERS: usize = 2000;
pub const MAX_ABS_VALUE: f64 = 1e6;
/// Longest JSON text accepted by [`Config::from_json`] (bytes).
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// A rejected configuration: which field, and what is allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// Dotted path of the field, e.g. `problem.n` or `model.init_scale`.
    pub field: String,
    pub message: String,
}

impl ConfigError {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_string(), message: message.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Number of optimiser steps to run (the page stops there; the CLI runs exactly this many).
    #[serde(default = "default_steps")]
    pub steps: u64,
    /// A metrics sample is recorded every `record_every` steps (the bounded history may thin them later).
    #[serde(default = "default_record_every")]
    pub record_every: u64,
    pub problem: ProblemConfig,
    #[serde(default)]
    pub model: ModelConfig,
    /// Record the smallest and largest Hessian eigenvalue of the loss at each sample (≤ 2,000 parameters).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hessian: bool,
    #[serde(default)]
    pub optimizer: OptimizerConfig,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// ℓ(W) = ½‖W − M‖_F².
    Full,
    /// ℓ(W) = 1/(2|Ω|) Σ_{(i,j)∈Ω} (W_ij − M_ij)² on a random observed set Ω.
    Completion,
    /// ℓ(W) = 1/(2K) Σ_k (⟨A_k, W⟩ − y_k)², A_k with i.i.d. N(0, 1) entries.
    Sensing,
    /// Completion of a user-given matrix (`values`, `null` = unobserved); no ground truth.
    Entries,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemConfig {
    pub kind: ProblemKind,
    /// Columns of M (and rows too unless `m` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<usize>,
    /// Rows of M (default n).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_fraction: Option<f64>,
    /// Ground truth M = U Uᵀ (positive semidefinite), observed symmetrically.
    #[serde(default)]
    pub psd: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurements: Option<usize>,
    /// Exact singular values of the ground truth: M = Q diag(s) Pᵀ, no rescaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub singular_values: Option<Vec<f64>>,
    /// Rows of the `entries` matrix; `null` marks an unobserved entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Vec<Option<f64>>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitKind {
    /// Every factor entry i.i.d. N(0, α²).
    Gaussian,
    /// α times the (rectangular) identity.
    Identity,
    /// α times a random matrix with orthonormal rows or columns.
    Orthogonal,
}

/// What α scales: each factor, or the product W(0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitConvention {
    /// Each factor at scale α (Gaussian entries N(0, α²), α·I, α·orthogonal): W(0) ≈ α^L·width^((L−1)/2).
    #[default]
    Factor,
    /// W(0) at scale α whatever the depth (Arora et al. 2019): Gaussian entries N(0, α^(2/L)/fan-in), or
    /// α^(1/L)·I, α^(1/L)·orthogonal per factor.
    Product,
}

impl InitConvention {
    fn is_factor(&self) -> bool {
        *self == InitConvention::Factor
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// L, the number of factors of W = W_L ⋯ W_1 (the symmetric model W = U Uᵀ has depth 2).
    #[serde(default = "default_depth")]
    pub depth: usize,
    /// Hidden width d (default max(m, n)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<usize>,
    #[serde(default)]
    pub symmetric: bool,
    #[serde(default = "default_init")]
    pub init: InitKind,
    /// α, the initialisation scale.
    #[serde(default = "default_init_scale")]
    pub init_scale: f64,
    /// Optional α per factor (order W_1 … W_L), overriding `init_scale`: imbalanced initialisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_scales: Option<Vec<f64>>,
    /// Whether α is the scale of each factor (default) or of the product W(0).
    #[serde(default, skip_serializing_if = "InitConvention::is_factor")]
    pub init_convention: InitConvention,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            depth: default_depth(),
            width: None,
            symmetric: false,
            init: default_init(),
            init_scale: default_init_scale(),
            init_scales: None,
            init_convention: InitConvention::Factor,
        }
    }
}

/// Read through [`OptimizerFields`] (every field of every kind, then those of its kind kept), so that serde
/// buffers nothing and each error points at its key or value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "OptimizerFields")]
pub enum OptimizerConfig {
    /// Plain gradient descent θ ← θ − η ∇L(θ).
    Gd { lr: f64 },
    /// Perturbed GD (Liu et al. 2021): W_j ← W_j − η ∇_{W_j} L(W_1 + ξ_1, …, W_L + ξ_L), ξ_j i.i.d.
    /// N(0, σ_{j,t}²) fresh each step, σ_{j,t} = σ_j / (1 + t/T) (constant without `anneal_steps`).
    NoisyGd {
        lr: f64,
        /// σ per factor in order W_1 … W_L, or one value for all.
        noise: Vec<f64>,
        /// T, the annealing time in steps.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anneal_steps: Option<f64>,
    },
    /// Greedy Low-Rank Learning (Li, Luo & Lyu 2021): grow the rank one phase at a time from W = 0 along the
    /// top eigen/singular vector of −∇ℓ(W), scaled by √ε, running GD to convergence in between.
    Glrl {
        lr: f64,
        epsilon: f64,
        /// Stop when the top value of −∇ℓ(W) is ≤ this; a phase has converged when ‖∇L‖_F ≤ 0.1·this·√ε.
        tolerance: f64,
        /// Cap on the GD steps of one phase.
        max_phase_steps: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OptimizerKind {
    Gd,
    NoisyGd,
    Glrl,
}

/// An optimizer as written: the union of the fields of every kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptimizerFields {
    kind: OptimizerKind,
    lr: Option<f64>,
    noise: Option<Vec<f64>>,
    anneal_steps: Option<f64>,
    epsilon: Option<f64>,
    tolerance: Option<f64>,
    max_phase_steps: Option<u64>,
}

/// Marks a message of [`OptimizerFields`]' conversion: `{OPTIMIZER_FIELD}field{OPTIMIZER_FIELD}message`, for
/// `Config::from_json` to name the field (serde reports such errors at the end of the document).
const OPTIMIZER_FIELD: char = '\u{1}';

impl TryFrom<OptimizerFields> for OptimizerConfig {
    type Error = String;

    fn try_from(f: OptimizerFields) -> Result<Self, String> {
        let (name, fields): (&str, &[&str]) = match f.kind {
            OptimizerKind::Gd => ("gd", &["lr"]),
            OptimizerKind::NoisyGd => ("noisy_gd", &["lr", "noise", "anneal_steps"]),
            OptimizerKind::Glrl => ("glrl", &["lr", "epsilon", "tolerance", "max_phase_steps"]),
        };
        let given = [
            ("noise", f.noise.is_some()),
            ("anneal_steps", f.anneal_steps.is_some()),
            ("epsilon", f.epsilon.is_some()),
            ("tolerance", f.tolerance.is_some()),
            ("max_phase_steps", f.max_phase_steps.is_some()),
        ];
        if let Some((key, _)) = given.iter().find(|(key, set)| *set && !fields.contains(key)) {
            let expected = fields.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            return Err(format!(
                "{OPTIMIZER_FIELD}optimizer.{key}{OPTIMIZER_FIELD}unknown field `{key}` for kind \"{name}\", expected {}{expected}",
                if fields.len() > 1 { "one of " } else { "" }
            ));
        }
        let lr = f.lr.unwrap_or(DEFAULT_LR);
        Ok(match f.kind {
            OptimizerKind::Gd => OptimizerConfig::Gd { lr },
            OptimizerKind::NoisyGd => OptimizerConfig::NoisyGd {
                lr,
                noise: f.noise.ok_or_else(|| {
                    format!(
                        "{OPTIMIZER_FIELD}optimizer.noise{OPTIMIZER_FIELD}missing field `noise` (required for kind \"{name}\")"
                    )
                })?,
                anneal_steps: f.anneal_steps,
            },
            OptimizerKind::Glrl => OptimizerConfig::Glrl {
                lr,
                epsilon: f.epsilon.unwrap_or(DEFAULT_EPSILON),
                tolerance: f.tolerance.unwrap_or(DEFAULT_TOLERANCE),
                max_phase_steps: f.max_phase_steps.unwrap_or(DEFAULT_MAX_PHASE_STEPS),
            },
        })
    }
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig::Gd { lr: DEFAULT_LR }
    }
}

impl OptimizerConfig {
    pub fn lr(&self) -> f64 {
        match self {
            OptimizerConfig::Gd { lr } | OptimizerConfig::NoisyGd { lr, .. } | OptimizerConfig::Glrl { lr, .. } => *lr,
        }
    }

    fn validate(&self, factors: usize, model: &ModelConfig) -> Result<(), ConfigError> {
        let lr = self.lr();
        check("optimizer.lr", lr)?;
        match self {
            OptimizerConfig::Gd { .. } => {}
            OptimizerConfig::NoisyGd { noise, anneal_steps, .. } => {
                if noise.len() != 1 && noise.len() != factors {
                    return Err(ConfigError::new(
                        "optimizer.noise",
                        format!(
                            "must list 1 value or one per factor ({factors}, in order W_1 … W_L), got {}",
                            noise.len()
                        ),
                    ));
                }
                check_list("optimizer.noise", noise)?;
                if let Some(t) = anneal_steps {
                    check("optimizer.anneal_steps", *t)?;
                }
            }
            OptimizerConfig::Glrl { epsilon, tolerance, max_phase_steps, .. } => {
                check("optimizer.epsilon", *epsilon)?;
                check("optimizer.tolerance", *tolerance)?;
                check("optimizer.max_phase_steps", *max_phase_steps as f64)?;
                if !model.symmetric && model.depth != 2 {
                    return Err(ConfigError::new(
                        "model.depth",
                        format!("GLRL runs on W = W₂W₁ (depth 2) or the symmetric model, got depth {}", model.depth),
                    ));
                }
            }
        }
        Ok(())
    }
}

pub const DEFAULT_SEED: u64 = 1;
pub const DEFAULT_STEPS: u64 = 20_000;
pub const DEFAULT_RECORD_EVERY: u64 = 20;
pub const DEFAULT_DEPTH: usize = 3;
pub const DEFAULT_INIT_SCALE: f64 = 1e-3;
pub const DEFAULT_LR: f64 = 0.05;
pub const DEFAULT_EPSILON: f64 = 1e-6;
pub const DEFAULT_TOLERANCE: f64 = 1e-6;
pub const DEFAULT_MAX_PHASE_STEPS: u64 = 1_000_000;
pub const DEFAULT_N: usize = 20;
pub const DEFAULT_RANK: usize = 3;
pub const DEFAULT_OBSERVED_FRACTION: f64 = 0.3;

fn default_seed() -> u64 {
    DEFAULT_SEED
}
fn default_steps() -> u64 {
    DEFAULT_STEPS
}
fn default_record_every() -> u64 {
    DEFAULT_RECORD_EVERY
}
fn default_depth() -> usize {
    DEFAULT_DEPTH
}
fn default_init() -> InitKind {
    InitKind::Gaussian
}
fn default_init_scale() -> f64 {
    DEFAULT_INIT_SCALE
}

impl Config {
    /// Parses and validates a JSON config; see the module docs.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        if text.len() > MAX_JSON_BYTES {
            return Err(ConfigError::new(
                "config",
                format!("text is {} bytes; at most {} bytes are accepted", text.len(), MAX_JSON_BYTES),
            ));
        }
        let raw: Config = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            if let Some((field, message)) =
                message.strip_prefix(OPTIMIZER_FIELD).and_then(|m| m.split_once(OPTIMIZER_FIELD))
            {
                let at = format!(" at line {} column {}", e.line(), e.column());
                return ConfigError::new(field, message.strip_suffix(&at).unwrap_or(message).to_string());
            }
            let path = crate::json_path::error_path(text, &e);
            ConfigError { field: if path.is_empty() { "config".to_string() } else { path }, message }
        })?;
        raw.validated()
    }

    /// Pretty JSON of this config (all defaults explicit once validated).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("config serializes")
    }

    /// Checks every field against its allowed range and fills in defaults.
    pub fn validated(mut self) -> Result<Config, ConfigError> {
        check("seed", self.seed as f64)?;
        check("steps", self.steps as f64)?;
        check("record_every", self.record_every as f64)?;
        let (m, n) = self.problem.validate()?;
        self.model.validate(m, n)?;
        let factors = if self.model.symmetric { 1 } else { self.model.depth };
        self.optimizer.validate(factors, &self.model)?;
        if self.hessian {
            let width = self.model.width.expect("validated width");
            let p = parameter_count(m, n, width, self.model.depth, self.model.symmetric);
            if p > MAX_HESSIAN_PARAMETERS {
                return Err(ConfigError::new(
                    "hessian",
                    format!("Hessian read-outs need at most {MAX_HESSIAN_PARAMETERS} parameters; this model has {p}"),
                ));
            }
        }
        Ok(self)
    }

    /// A short name for the run: "GD L=3 α=1e-3", "noisy GD UUᵀ α=0.01", "GLRL L=2".
    pub fn short_label(&self) -> String {
        let kind = match self.optimizer {
            OptimizerConfig::Gd { .. } => "GD",
            OptimizerConfig::NoisyGd { .. } => "noisy GD",
            OptimizerConfig::Glrl { .. } => "GLRL",
        };
        let depth = if self.model.symmetric { "UUᵀ".to_string() } else { format!("L={}", self.model.depth) };
        match self.optimizer {
            OptimizerConfig::Glrl { .. } => format!("{kind} {depth}"),
            _ => format!("{kind} {depth} α={}", crate::notation::short(self.model.init_scale)),
        }
    }

    /// Rows and columns of the target matrix (valid configs only).
    pub fn dims(&self) -> (usize, usize) {
        match &self.problem.values {
            Some(rows) if self.problem.kind == ProblemKind::Entries => (rows.len(), rows[0].len()),
            _ => {
                let n = self.problem.n.unwrap_or(DEFAULT_N);
                (self.problem.m.unwrap_or(n), n)
            }
        }
    }
}

impl ProblemConfig {
    /// Validates and fills defaults; returns (m, n).
    fn validate(&mut self) -> Result<(usize, usize), ConfigError> {
        if self.kind == ProblemKind::Entries {
            return self.validate_entries();
        }
        if self.values.is_some() {
            return Err(ConfigError::new("problem.values", "only used when problem.kind is \"entries\""));
        }
        let n = self.n.unwrap_or(DEFAULT_N);
        check("problem.n", n as f64)?;
        let m = self.m.unwrap_or(n);
        check("problem.m", m as f64)?;
        if self.psd && m != n {
            return Err(ConfigError::new(
                "problem.psd",
                format!("a PSD target must be square, but m = {m} and n = {n}"),
            ));
        }
        let max_rank = m.min(n);
        let rank = match &self.singular_values {
            Some(s) => {
                if s.is_empty() || s.len() > max_rank {
                    return Err(ConfigError::new(
                        "problem.singular_values",
                        format!("must list between 1 and min(m, n) = {max_rank} values, got {}", s.len()),
                    ));
                }
                check_list("problem.singular_values", s)?;
                if let Some(r) = self.rank {
                    if r != s.len() {
                        return Err(ConfigError::new(
                            "problem.rank",
                            format!(
                                "is {r} but problem.singular_values lists {} values; omit rank or make them agree",
                                s.len()
                            ),
                        ));
                    }
                }
                s.len()
            }
            None => self.rank.unwrap_or(DEFAULT_RANK.min(max_rank)),
        };
        in_range_usize("problem.rank", rank, 1, max_rank)?;
        self.n = Some(n);
        self.m = Some(m);
        self.rank = Some(rank);
        match self.kind {
            ProblemKind::Completion => {
                let p = self.observed_fraction.unwrap_or(DEFAULT_OBSERVED_FRACTION);
                check("problem.observed_fraction", p)?;
                if observed_count(m, n, p, self.psd) == 0 {
                    return Err(ConfigError::new(
                        "problem.observed_fraction",
                        format!("{p} of a {m}×{n} matrix observes no entry; raise it"),
                    ));
                }
                self.observed_fraction = Some(p);
                forbid("problem.measurements", self.measurements.is_some(), "sensing")?;
            }
            ProblemKind::Sensing => {
                let max_k = MAX_SENSING_SIZE / (m * n);
                let k = self.measurements.unwrap_or((4 * rank * (m + n)).min(max_k).max(1));
                in_range_usize("problem.measurements", k, 1, max_k.max(1))?;
                self.measurements = Some(k);
                forbid("problem.observed_fraction", self.observed_fraction.is_some(), "completion")?;
            }
            ProblemKind::Full => {
                forbid("problem.observed_fraction", self.observed_fraction.is_some(), "completion")?;
                forbid("problem.measurements", self.measurements.is_some(), "sensing")?;
            }
            ProblemKind::Entries => unreachable!(),
        }
        Ok((m, n))
    }

    fn validate_entries(&mut self) -> Result<(usize, usize), ConfigError> {
        for (field, present) in [
            ("problem.n", self.n.is_some()),
            ("problem.m", self.m.is_some()),
            ("problem.rank", self.rank.is_some()),
            ("problem.observed_fraction", self.observed_fraction.is_some()),
            ("problem.measurements", self.measurements.is_some()),
            ("problem.singular_values", self.singular_values.is_some()),
            ("problem.psd", self.psd),
        ] {
            if present {
                return Err(ConfigError::new(
                    field,
                    "is not used when problem.kind is \"entries\" (the matrix comes from problem.values)",
                ));
            }
        }
        let rows = self.values.as_ref().ok_or_else(|| {
            ConfigError::new(
                "problem.values",
                "is required when problem.kind is \"entries\": rows of numbers, null for unobserved",
            )
        })?;
        let m = rows.len();
        in_range_usize("problem.values", m, 1, MAX_ENTRIES_DIM)
            .map_err(|e| ConfigError { message: format!("row count {}", e.message), ..e })?;
        let n = rows[0].len();
        if n == 0 || n > MAX_ENTRIES_DIM {
            return Err(ConfigError::new(
                "problem.values[0]",
                format!("row length must be in [1, {MAX_ENTRIES_DIM}], got {n}"),
            ));
        }
        let mut observed = 0;
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(ConfigError::new(
                    &format!("problem.values[{i}]"),
                    format!("has {} entries but row 0 has {n}; all rows must have the same length", row.len()),
                ));
            }
            for (j, v) in row.iter().enumerate() {
                if let Some(v) = v {
                    if !(v.is_finite() && v.abs() <= MAX_ABS_VALUE) {
                        return Err(ConfigError::new(
                            &format!("problem.values[{i}][{j}]"),
                            format!("must be null or a number in [-{MAX_ABS_VALUE}, {MAX_ABS_VALUE}], got {v}"),
                        ));
                    }
                    observed += 1;
                }
            }
        }
        if observed == 0 {
            return Err(ConfigError::new("problem.values", "observes no entry: give at least one number"));
        }
        Ok((m, n))
    }
}

impl ModelConfig {
    fn validate(&mut self, m: usize, n: usize) -> Result<(), ConfigError> {
        check("model.depth", self.depth as f64)?;
        let width = self.width.unwrap_or(m.max(n));
        check("model.width", width as f64)?;
        self.width = Some(width);
        if self.symmetric {
            if self.depth != 2 {
                return Err(ConfigError::new(
                    "model.depth",
                    format!("must be 2 for the symmetric model W = U Uᵀ, got {}", self.depth),
                ));
            }
            if m != n {
                return Err(ConfigError::new("model.symmetric", format!("needs a square target, but it is {m}×{n}")));
            }
        }
        check("model.init_scale", self.init_scale)?;
        if let Some(scales) = &self.init_scales {
            let factors = if self.symmetric { 1 } else { self.depth };
            if scales.len() != factors {
                return Err(ConfigError::new(
                    "model.init_scales",
                    format!("must list one α per factor ({factors}), got {}", scales.len()),
                ));
            }
            check_list("model.init_scales", scales)?;
        }
        let flops = step_flops(m, n, width, self.depth, self.symmetric);
        if flops > MAX_STEP_FLOPS {
            return Err(ConfigError::new(
                "model.width",
                format!(
                    "depth {} × width {width} on a {m}×{n} target costs {:.0} MFLOP per step; at most {:.0} are allowed (lower width or depth)",
                    self.depth,
                    flops / 1e6,
                    MAX_STEP_FLOPS / 1e6
                ),
            ));
        }
        Ok(())
    }
}

/// Σ_j rows(W_j)·cols(W_j): the number of trainable parameters.
pub fn parameter_count(m: usize, n: usize, d: usize, depth: usize, symmetric: bool) -> usize {
    if symmetric {
        return m * d;
    }
    if depth == 1 {
        return m * n;
    }
    d * n + (depth - 2) * d * d + m * d
}

/// Floating-point operations of one gradient step of the factorization: the forward product and the two
/// back-propagation products per factor above the first, 6·n·Σ_{j≥2} rows(W_j)·cols(W_j) (W_1: d×n,
/// W_2…W_{L−1}: d×d, W_L: m×d); 6·m²·d for the symmetric U (m×d).
pub fn step_flops(m: usize, n: usize, d: usize, depth: usize, symmetric: bool) -> f64 {
    let (m, n, d) = (m as f64, n as f64, d as f64);
    if symmetric {
        return 6.0 * m * m * d;
    }
    if depth == 1 {
        return 2.0 * m * n;
    }
    6.0 * n * ((depth - 2) as f64 * d * d + m * d)
}

/// |Ω| for a completion problem: round(p·m·n) entries, or for a PSD target round(p·n(n+1)/2) unordered pairs
/// observed symmetrically.
pub fn observed_count(m: usize, n: usize, p: f64, psd: bool) -> usize {
    let cells = if psd { n * (n + 1) / 2 } else { m * n };
    ((p * cells as f64).round() as usize).min(cells)
}

/// Checks `v` against the range of the field at `path` in the field table.
fn check(path: &str, v: f64) -> Result<(), ConfigError> {
    crate::fields::get(path).check(path, v)
}

/// Checks every entry of a list field, naming the entry (`optimizer.noise[1]`).
fn check_list(path: &str, values: &[f64]) -> Result<(), ConfigError> {
    let field = crate::fields::get(path);
    values.iter().enumerate().try_for_each(|(i, &v)| field.check(&format!("{path}[{i}]"), v))
}

/// A range that depends on other fields (rank ≤ min(m, n), …).
fn in_range_usize(field: &str, v: usize, lo: usize, hi: usize) -> Result<(), ConfigError> {
    if v < lo || v > hi {
        return Err(ConfigError::new(field, format!("must be an integer in [{lo}, {hi}], got {v}")));
    }
    Ok(())
}

fn forbid(field: &str, present: bool, kind: &str) -> Result<(), ConfigError> {
    if present {
        return Err(ConfigError::new(field, format!("only used when problem.kind is \"{kind}\"")));
    }
    Ok(())
}

/// Parses a typed matrix such as `? 1 1 / 1 ? 0.1 / 1 0.1 ?` into `values` rows: rows are separated by
/// `/`, `;` or new lines, entries by spaces or commas, `?` marks an unobserved entry. Errors name the row
/// and entry (1-based) under the field `problem.values`.
pub fn parse_matrix_text(text: &str) -> Result<Vec<Vec<Option<f64>>>, ConfigError> {
    let field = "problem.values";
    if text.len() > 100_000 {
        return Err(ConfigError::new(field, format!("text is {} characters; at most 100000", text.len())));
    }
    let rows: Vec<&str> = text.split(['/', ';', '\n']).map(str::trim).filter(|r| !r.is_empty()).collect();
    if rows.is_empty() {
        return Err(ConfigError::new(field, "is empty: type rows like `? 1 1 / 1 ? 0.1 / 1 0.1 ?`"));
    }
    if rows.len() > MAX_ENTRIES_DIM {
        return Err(ConfigError::new(field, format!("has {} rows; at most {MAX_ENTRIES_DIM}", rows.len())));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split([' ', ',', '\t']).filter(|c| !c.is_empty()).collect();
        if cells.len() > MAX_ENTRIES_DIM {
            return Err(ConfigError::new(
                field,
                format!("row {} has {} entries; at most {MAX_ENTRIES_DIM}", i + 1, cells.len()),
            ));
        }
        let mut parsed = Vec::with_capacity(cells.len());
        for (j, cell) in cells.iter().enumerate() {
            if *cell == "?" {
                parsed.push(None);
                continue;
            }
            match crate::notation::parse_number(cell) {
                Some(v) if v.abs() <= MAX_ABS_VALUE => parsed.push(Some(v)),
                _ => {
                    let shown: String = cell.chars().take(20).collect();
                    return Err(ConfigError::new(
                        field,
                        format!(
                            "row {}, entry {}: {shown:?} is not ? or a number in [-{MAX_ABS_VALUE}, {MAX_ABS_VALUE}]",
                            i + 1,
                            j + 1
                        ),
                    ));
                }
            }
        }
        if let Some(first) = out.first().map(|r: &Vec<Option<f64>>| r.len()) {
            if parsed.len() != first {
                return Err(ConfigError::new(
                    field,
                    format!("row {} has {} entries but row 1 has {first}", i + 1, parsed.len()),
                ));
            }
        }
        out.push(parsed);
    }
    Ok(out)
}

/// Inverse of [`parse_matrix_text`]: rows joined by ` / `, `?` for unobserved.
pub fn matrix_text(values: &[Vec<Option<f64>>]) -> String {
    values
        .iter()
        .map(|row| row.iter().map(|v| v.map_or("?".to_string(), |x| x.to_string())).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(" / ")
}
