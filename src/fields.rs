//! The field table: every config field once — dotted path, kind, default, allowed range, symbol, label, help.
//!
//! The validator ([`crate::config`]) checks fixed ranges through [`Field::check`]; the page builds its form from
//! [`FIELDS`] (exported as JSON), the URL reader and writer pick each field's text form by its [`Kind`], the sweep
//! axes and `hide=` accept exactly these paths, and the CLI's `--help` prints [`table_text`]. A test fails when a
//! default or limit here disagrees with what the validator does.

use crate::config::{
    ConfigError, DEFAULT_DEPTH, DEFAULT_EPSILON, DEFAULT_INIT_SCALE, DEFAULT_LR, DEFAULT_MAX_PHASE_STEPS, DEFAULT_N,
    DEFAULT_OBSERVED_FRACTION, DEFAULT_RECORD_EVERY, DEFAULT_SEED, DEFAULT_STEPS, DEFAULT_TOLERANCE, MAX_DEPTH,
    MAX_DIM, MAX_INIT_SCALE, MAX_LR, MAX_NOISE, MAX_RECORD_EVERY, MAX_SEED, MAX_STEPS, MAX_WIDTH, MIN_INIT_SCALE,
};
use serde::Serialize;

/// How a field is written: in JSON, in the URL and in the form.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// One of a fixed set of names (`value`, `label` pairs).
    Choice { choices: &'static [(&'static str, &'static str)] },
    /// A whole number.
    Integer,
    /// A real number.
    Number,
    /// A real number on a log scale: the form's slider moves log₁₀ of it in `slider_step` decades.
    LogNumber { slider_step: f64 },
    /// true / false.
    Flag,
    /// Numbers separated by spaces or commas (JSON: an array).
    List,
    /// Rows of numbers, `?` unobserved (JSON: an array of arrays with `null`).
    Matrix,
}

/// A closed or half-open interval [lo, hi], (lo, hi], … of allowed values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    pub lo: f64,
    pub hi: f64,
    pub lo_open: bool,
    pub hi_open: bool,
}

impl Range {
    const fn closed(lo: f64, hi: f64) -> Self {
        Self { lo, hi, lo_open: false, hi_open: false }
    }
    const fn above(lo: f64, hi: f64) -> Self {
        Self { lo, hi, lo_open: true, hi_open: false }
    }
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && (if self.lo_open { v > self.lo } else { v >= self.lo })
            && (if self.hi_open { v < self.hi } else { v <= self.hi })
    }
    /// `[1, 8]`, `(0, 1]`, `[1e-12, 10]`.
    pub fn text(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.lo_open { '(' } else { '[' },
            bound(self.lo),
            bound(self.hi),
            if self.hi_open { ')' } else { ']' }
        )
    }
}

fn bound(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 && v.abs().log10().fract() == 0.0 {
        format!("{v:e}")
    } else if v.fract() == 0.0 && v.abs() < 1e16 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A field's default: a value, or a rule on other fields.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldDefault {
    Number(f64),
    Text(&'static str),
    Flag(bool),
    /// Follows other fields (`= n`, `max(m, n)`); the text says how.
    Derived(&'static str),
    /// Absent unless given (the text says what absence means).
    Absent(&'static str),
}

impl FieldDefault {
    /// What the form shows in an empty control and the docs print.
    pub fn text(&self) -> String {
        match self {
            FieldDefault::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
            FieldDefault::Number(v) => crate::notation::short(*v),
            FieldDefault::Text(t) | FieldDefault::Derived(t) | FieldDefault::Absent(t) => t.to_string(),
            FieldDefault::Flag(b) => b.to_string(),
        }
    }
}

/// One config field.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Field {
    /// Dotted path in the JSON config, the URL and `hide=`.
    pub path: &'static str,
    /// The form's section: Problem, Model, Optimiser or Run.
    pub group: &'static str,
    #[serde(flatten)]
    pub kind: Kind,
    pub default: FieldDefault,
    /// Allowed values of a number (each entry of a list); None where the range depends on other fields.
    pub range: Option<Range>,
    /// A limit that depends on other fields, in words (`≤ min(m, n)`).
    pub limit: &'static str,
    /// The page's notation (α, η, L), else the empty string.
    pub symbol: &'static str,
    /// The form's label.
    pub label: &'static str,
    /// One sentence: what the field does.
    pub help: &'static str,
    /// Shown only when `(field, values)`: the field has one of these values.
    pub only_when: Option<(&'static str, &'static [&'static str])>,
    /// Offered as a sweep axis.
    pub sweep: bool,
}

impl Field {
    /// The field's name as a reader sees it: its symbol, else its path.
    pub fn name(&self) -> &'static str {
        if self.symbol.is_empty() {
            self.path
        } else {
            self.symbol
        }
    }

    /// Checks `v` against the field's fixed range; `at` names the entry (`optimizer.noise[1]`) or is the path.
    pub fn check(&self, at: &str, v: f64) -> Result<(), ConfigError> {
        match self.range {
            Some(r) if !r.contains(v) => Err(ConfigError {
                field: at.to_string(),
                message: format!(
                    "must be {} in {}, got {v}",
                    if self.kind == Kind::Integer { "an integer" } else { "a number" },
                    r.text()
                ),
            }),
            _ => Ok(()),
        }
    }

    pub fn is_list(&self) -> bool {
        self.kind == Kind::List
    }
}

/// The form's sections, in the order it shows them.
pub const GROUPS: [&str; 4] = ["Problem", "Model", "Optimiser", "Run"];

const PROBLEM_KINDS: &[(&str, &str)] = &[
    ("completion", "completion"),
    ("full", "full observation"),
    ("sensing", "sensing"),
    ("entries", "custom entries"),
];
const INITS: &[(&str, &str)] =
    &[("gaussian", "Gaussian N(0, α²)"), ("identity", "α · identity"), ("orthogonal", "α · orthogonal")];
const CONVENTIONS: &[(&str, &str)] = &[("factor", "each factor"), ("product", "the product W(0)")];
const OPTIMIZERS: &[(&str, &str)] =
    &[("gd", "gradient descent"), ("noisy_gd", "noisy (perturbed) GD"), ("glrl", "greedy low-rank learning")];
const RANDOM: Option<(&str, &[&str])> = Some(("problem.kind", &["full", "completion", "sensing"]));

const fn field(path: &'static str, group: &'static str, kind: Kind, default: FieldDefault) -> Field {
    Field {
        path,
        group,
        kind,
        default,
        range: None,
        limit: "",
        symbol: "",
        label: "",
        help: "",
        only_when: None,
        sweep: false,
    }
}

/// Every config field, in the order a partial config is best applied (kinds first) and the form shows them by
/// group.
pub const FIELDS: [Field; 27] = [
    Field {
        label: "kind",
        help: "Which loss: every entry (full), a random observed set (completion), random linear measurements \
               (sensing), or a matrix you type (entries).",
        ..field("problem.kind", "Problem", Kind::Choice { choices: PROBLEM_KINDS }, FieldDefault::Text("completion"))
    },
    Field {
        label: "kind",
        help: "Plain gradient descent, noisy (perturbed) GD, or greedy low-rank learning.",
        ..field("optimizer.kind", "Optimiser", Kind::Choice { choices: OPTIMIZERS }, FieldDefault::Text("gd"))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_DIM as f64)),
        symbol: "n",
        label: "n (columns)",
        help: "Columns of the target M (and rows too unless m is given).",
        only_when: RANDOM,
        ..field("problem.n", "Problem", Kind::Integer, FieldDefault::Number(DEFAULT_N as f64))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_DIM as f64)),
        symbol: "m",
        label: "m (rows)",
        help: "Rows of the target M.",
        only_when: RANDOM,
        sweep: true,
        ..field("problem.m", "Problem", Kind::Integer, FieldDefault::Derived("= n"))
    },
    Field {
        limit: "≤ min(m, n)",
        label: "rank",
        help: "Rank r of the random target (ignored when its singular values are given).",
        only_when: RANDOM,
        ..field("problem.rank", "Problem", Kind::Integer, FieldDefault::Derived("min(3, m, n)"))
    },
    Field {
        range: Some(Range::above(0.0, 1.0)),
        label: "observed fraction",
        help: "Probability that an entry of M is observed.",
        only_when: Some(("problem.kind", &["completion"])),
        sweep: true,
        ..field("problem.observed_fraction", "Problem", Kind::Number, FieldDefault::Number(DEFAULT_OBSERVED_FRACTION))
    },
    Field {
        limit: "≥ 1, K·m·n ≤ 4,000,000",
        label: "measurements",
        help: "Number K of random Gaussian measurements ⟨A_k, W⟩.",
        only_when: Some(("problem.kind", &["sensing"])),
        ..field("problem.measurements", "Problem", Kind::Integer, FieldDefault::Derived("4·r·(m + n)"))
    },
    Field {
        label: "PSD target (U Uᵀ)",
        help: "A positive semidefinite target M = U Uᵀ, observed symmetrically.",
        only_when: RANDOM,
        ..field("problem.psd", "Problem", Kind::Flag, FieldDefault::Flag(false))
    },
    Field {
        range: Some(Range::above(0.0, crate::config::MAX_ABS_VALUE)),
        limit: "1 … min(m, n) values",
        label: "singular values",
        help: "Exact singular values of the target, M = Q diag(s) Pᵀ (e.g. 12 6 3 1.5).",
        only_when: RANDOM,
        ..field("problem.singular_values", "Problem", Kind::List, FieldDefault::Absent("random"))
    },
    Field {
        limit: "1 … 50 rows and columns",
        label: "matrix (? = unobserved, rows split by / or new lines)",
        help: "The matrix to complete; ? marks an unobserved entry.",
        only_when: Some(("problem.kind", &["entries"])),
        ..field("problem.values", "Problem", Kind::Matrix, FieldDefault::Text("? 1 1 / 1 ? 0.1 / 1 0.1 ?"))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_DEPTH as f64)),
        symbol: "L",
        label: "depth L",
        help: "Number of factors of W = W_L ⋯ W_1.",
        sweep: true,
        ..field("model.depth", "Model", Kind::Integer, FieldDefault::Number(DEFAULT_DEPTH as f64))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_WIDTH as f64)),
        symbol: "d",
        label: "width d",
        help: "Hidden width of the factors.",
        ..field("model.width", "Model", Kind::Integer, FieldDefault::Derived("max(m, n)"))
    },
    Field {
        label: "symmetric W = U Uᵀ (depth 2)",
        help: "The symmetric model W = U Uᵀ (needs a square target and depth 2).",
        ..field("model.symmetric", "Model", Kind::Flag, FieldDefault::Flag(false))
    },
    Field {
        label: "init",
        help: "How the factors start: Gaussian entries, α·identity or α·orthogonal.",
        ..field("model.init", "Model", Kind::Choice { choices: INITS }, FieldDefault::Text("gaussian"))
    },
    Field {
        range: Some(Range::closed(MIN_INIT_SCALE, MAX_INIT_SCALE)),
        symbol: "α",
        label: "init scale α",
        help: "The initialisation scale α.",
        sweep: true,
        ..field(
            "model.init_scale",
            "Model",
            Kind::LogNumber { slider_step: 0.1 },
            FieldDefault::Number(DEFAULT_INIT_SCALE),
        )
    },
    Field {
        range: Some(Range::closed(MIN_INIT_SCALE, MAX_INIT_SCALE)),
        limit: "one per factor",
        label: "α per factor",
        help: "α for each factor in order W_1 … W_L (imbalanced starts).",
        ..field("model.init_scales", "Model", Kind::List, FieldDefault::Absent("α for all"))
    },
    Field {
        label: "α scales",
        help: "Whether α is the scale of each factor or of the product W(0).",
        ..field("model.init_convention", "Model", Kind::Choice { choices: CONVENTIONS }, FieldDefault::Text("factor"))
    },
    Field {
        range: Some(Range::above(0.0, MAX_LR)),
        symbol: "η",
        label: "step size η",
        help: "The learning rate η of every step.",
        sweep: true,
        ..field("optimizer.lr", "Optimiser", Kind::Number, FieldDefault::Number(DEFAULT_LR))
    },
    Field {
        range: Some(Range::closed(0.0, MAX_NOISE)),
        limit: "1 value or one per factor",
        symbol: "σ",
        label: "noise σ (W₁ … W_L)",
        help: "Standard deviation of the perturbation of each factor (noisy GD; required).",
        only_when: Some(("optimizer.kind", &["noisy_gd"])),
        sweep: true,
        ..field("optimizer.noise", "Optimiser", Kind::List, FieldDefault::Absent("none: required, e.g. 0.05 0.1"))
    },
    Field {
        range: Some(Range::above(0.0, MAX_STEPS as f64)),
        symbol: "T",
        label: "anneal over T steps",
        help: "The noise decays as σ / (1 + t/T).",
        only_when: Some(("optimizer.kind", &["noisy_gd"])),
        ..field("optimizer.anneal_steps", "Optimiser", Kind::Number, FieldDefault::Absent("constant"))
    },
    Field {
        range: Some(Range::closed(1e-16, 1.0)),
        symbol: "ε",
        label: "ε (new direction √ε)",
        help: "GLRL adds each new direction at scale √ε.",
        only_when: Some(("optimizer.kind", &["glrl"])),
        ..field("optimizer.epsilon", "Optimiser", Kind::Number, FieldDefault::Number(DEFAULT_EPSILON))
    },
    Field {
        range: Some(Range::above(0.0, 1.0)),
        label: "tolerance",
        help: "GLRL stops when the top value of −∇ℓ(W) is at most this.",
        only_when: Some(("optimizer.kind", &["glrl"])),
        ..field("optimizer.tolerance", "Optimiser", Kind::Number, FieldDefault::Number(DEFAULT_TOLERANCE))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_STEPS as f64)),
        label: "max steps per phase",
        help: "Cap on the GD steps of one GLRL phase.",
        only_when: Some(("optimizer.kind", &["glrl"])),
        ..field(
            "optimizer.max_phase_steps",
            "Optimiser",
            Kind::Integer,
            FieldDefault::Number(DEFAULT_MAX_PHASE_STEPS as f64),
        )
    },
    Field {
        range: Some(Range::closed(0.0, MAX_SEED as f64)),
        label: "seed",
        help: "Seed of the target, the observed set and the initialisation.",
        sweep: true,
        ..field("seed", "Run", Kind::Integer, FieldDefault::Number(DEFAULT_SEED as f64))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_STEPS as f64)),
        label: "steps",
        help: "Number of optimiser steps.",
        ..field("steps", "Run", Kind::Integer, FieldDefault::Number(DEFAULT_STEPS as f64))
    },
    Field {
        range: Some(Range::closed(1.0, MAX_RECORD_EVERY as f64)),
        label: "record every",
        help: "A sample of every metric is kept every this many steps.",
        ..field("record_every", "Run", Kind::Integer, FieldDefault::Number(DEFAULT_RECORD_EVERY as f64))
    },
    Field {
        label: "Hessian extremes (≤ 2,000 parameters)",
        help: "Record the smallest and largest Hessian eigenvalue at each sample.",
        ..field("hessian", "Run", Kind::Flag, FieldDefault::Flag(false))
    },
];

/// The field at `path` (`optimizer.noise[1]` finds `optimizer.noise`).
pub fn find(path: &str) -> Option<&'static Field> {
    let base = path.split_once('[').map_or(path, |(b, _)| b);
    FIELDS.iter().find(|f| f.path == base)
}

/// The field at `path`, which the code names (a typo is a bug, caught by every test that validates a config).
pub fn get(path: &str) -> &'static Field {
    find(path).unwrap_or_else(|| panic!("no field {path} in the table"))
}

/// Every path, in table order.
pub fn paths() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|f| f.path)
}

/// The table as text, one field per line (the CLI's `--help`, the README).
pub fn table_text() -> String {
    let mut out = String::new();
    for f in &FIELDS {
        let mut allowed = match (f.kind, f.range) {
            (Kind::Choice { choices }, _) => choices.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(" | "),
            (Kind::Flag, _) => "true | false".to_string(),
            (_, Some(r)) => r.text(),
            _ => String::new(),
        };
        if !f.limit.is_empty() {
            allowed = if allowed.is_empty() { f.limit.to_string() } else { format!("{allowed}, {}", f.limit) };
        }
        out.push_str(&format!("  {:<26} {allowed}; default {}\n      {}\n", f.path, f.default.text(), f.help));
    }
    out
}

/// The limits that depend on several fields, in one line under the form.
pub fn limits_text() -> String {
    use crate::config::{MAX_ENTRIES_DIM, MAX_STEP_FLOPS};
    format!(
        "Limits: n, m ≤ {MAX_DIM}; depth ≤ {MAX_DEPTH}; width ≤ {MAX_WIDTH}; ≤ {:.0} MFLOP per step; α ∈ {}; custom \
         matrices ≤ {MAX_ENTRIES_DIM} × {MAX_ENTRIES_DIM}.",
        MAX_STEP_FLOPS / 1e6,
        get("model.init_scale").range.map(|r| r.text()).unwrap_or_default()
    )
}

/// The table as JSON for the page.
pub fn table_json() -> String {
    serde_json::to_string(&FIELDS).expect("fields serialize")
}
