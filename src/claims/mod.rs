//! The papers' claims, one module each: what a claim records while its runs step (an observer), its read-out
//! lines, its column in the runs table, its verdict and its figures. An experiment carries only its claim's
//! id; everything a claim does is reached through [`find`] and the registry [`ALL`].
//!
//! To add a claim: write a module with a unit struct implementing [`Claim`], add it to [`ALL`], and name its
//! id in a preset (`"claim": "ID"` in `experiment/presets.json`). Its verdict must fail where the claim does
//! not hold (tests/claims.rs has a failing variant for every claim).

pub mod checks;
pub mod counterexample;
pub mod deeper_sharper;
pub mod depth_alpha;
pub mod escape_time;
pub mod fewer_observations;
pub mod glrl_equivalence;
pub mod noisy_balance;
pub mod norms_diverge;
pub mod recovery;
pub mod saddles;
pub mod stage_times;
pub mod staircase;

use crate::config::{Config, ProblemKind};
use crate::experiment::observer::Observer;
use crate::experiment::presets::Preset;
use crate::experiment::stages::Plateau;
use crate::experiment::{is_glrl, Experiment, Member};
use crate::figure::build::{self, Options};
use crate::figure::{Drawing, Figure};
use serde::Serialize;
use serde_json::{Map, Value};

/// One paper statement, checked on an experiment's runs.
pub trait Claim: Sync {
    /// The id presets and experiment files name it by.
    fn id(&self) -> &'static str;
    /// Whether the claim's figure comes before the σ chart: it does when the claim is about another quantity
    /// than the σ path (a norm, a distance, a ratio, a step against α).
    fn leads(&self) -> bool {
        true
    }
    /// What to record while the runs step; called once, before the first step.
    fn observer(&self, _exp: &mut Experiment) -> Option<Box<dyn Observer>> {
        None
    }
    /// The claim's numbers now: lines in the one notation, and the same numbers as JSON values.
    fn readout(&self, exp: &Experiment) -> (Vec<String>, Map<String, Value>);
    /// The runs table's column for this claim.
    fn column(&self) -> &'static str;
    /// Member i's cell in that column.
    fn cell(&self, exp: &Experiment, i: usize) -> String;
    /// The claim tested on finished runs: each check states its threshold and its measured number.
    fn verdict(&self, exp: &Experiment) -> Verdict;
    /// Ids of the claim's figures, in page order ("claim" first).
    fn figure_ids(&self, _exp: &Experiment) -> Vec<&'static str> {
        vec!["claim"]
    }
    /// The claim's figure `id`.
    fn figure(&self, exp: &Experiment, id: &str, opts: Options) -> Option<Figure>;
    /// The stretches of member `m`'s run the loss figure shades (the claim's stages; none by default).
    fn stages(&self, _m: &Member) -> Vec<Plateau> {
        vec![]
    }
}

/// Every claim, in the order of the papers.
pub static ALL: &[&dyn Claim] = &[
    &stage_times::StageTimes,
    &deeper_sharper::DeeperSharper,
    &recovery::Recovery,
    &glrl_equivalence::GlrlEquivalence,
    &counterexample::Counterexample,
    &depth_alpha::DepthAlpha,
    &saddles::Saddles,
    &noisy_balance::NoisyBalance,
    &norms_diverge::NormsDiverge,
    &escape_time::EscapeTime,
    &fewer_observations::FewerObservations,
];

/// The claim with this id.
pub fn find(id: &str) -> Option<&'static dyn Claim> {
    ALL.iter().copied().find(|c| c.id() == id)
}

/// The ids of every claim, for messages.
pub fn ids() -> String {
    ALL.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
}

/// The claim an experiment is judged by.
pub fn of(exp: &Experiment) -> Option<&'static dyn Claim> {
    find(exp.claim?)
}

/// An experiment judged by `claim` (its id), with the claim's observer attached before the first step.
pub fn experiment(members: Vec<(String, String, Config)>, claim: Option<&str>) -> Experiment {
    let claim = claim.and_then(find);
    let mut exp = Experiment::new(members, claim.map(|c| c.id()));
    if let Some(o) = claim.and_then(|c| c.observer(&mut exp)) {
        exp.attach(o);
    }
    exp
}

impl Preset {
    /// The preset's runs, judged by its claim.
    pub fn experiment(&self) -> Experiment {
        experiment(
            self.runs.iter().map(|r| (r.label.clone(), r.group.clone(), r.config.clone())).collect(),
            self.claim.as_deref(),
        )
    }
}

/// An experiment file (one preset object as `rankflow presets --json` prints it), its claim id checked
/// against the registry. Errors name the field.
pub fn experiment_file(text: &str) -> Result<Preset, String> {
    let p = crate::experiment::presets::from_json(text)?;
    if let Some(id) = &p.claim {
        if find(id).is_none() {
            return Err(format!("claim: unknown claim {id:?}; one of {}", ids()));
        }
    }
    Ok(p)
}

/// Up to a few configs side by side on the same problem: every run takes the first run's problem and seed.
/// Judged as GD against GLRL when GLRL runs beside GD, else by the learning steps when a target is known.
pub fn comparison(runs: Vec<(String, Config)>) -> Experiment {
    let first = runs.first().map(|(_, c)| (c.problem.clone(), c.seed));
    let members: Vec<(String, String, Config)> = runs
        .into_iter()
        .map(|(label, mut c)| {
            if let Some((problem, seed)) = &first {
                c.problem = problem.clone();
                c.seed = *seed;
            }
            (label.clone(), label, c)
        })
        .collect();
    let glrl = members.iter().any(|m| is_glrl(&m.2));
    let claim = if glrl && members.iter().any(|m| !is_glrl(&m.2)) {
        Some(glrl_equivalence::GlrlEquivalence.id())
    } else if members.first().is_some_and(|m| m.2.problem.kind != ProblemKind::Entries) {
        Some(stage_times::StageTimes.id())
    } else {
        None
    };
    experiment(members, claim)
}

/// The claim checked on a finished experiment.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    pub holds: bool,
    /// What was checked, with thresholds and numbers; on failure, what failed first.
    pub why: String,
}

impl Verdict {
    /// The verdict line: "✓ claim holds: …" or "✗ claim fails: …".
    pub fn line(&self) -> String {
        format!("{} {}", if self.holds { "✓ claim holds:" } else { "✗ claim fails:" }, self.why)
    }
}

/// The claim's numbers now, and its verdict once every run has finished.
#[derive(Clone, Debug, Serialize)]
pub struct Readout {
    pub lines: Vec<String>,
    pub values: Value,
    pub verdict: Option<Verdict>,
}

/// The verdict of `exp`'s claim: None while a run is going, after a divergence, or without a claim.
pub fn verdict(exp: &Experiment) -> Option<Verdict> {
    let claim = of(exp)?;
    if exp.running() || exp.diverged().is_some() {
        return None;
    }
    Some(claim.verdict(exp))
}

/// The read-out of `exp`: its claim's lines (or, without a claim, GLRL's phases), the verdict line last.
pub fn readout(exp: &Experiment) -> Readout {
    let Some(claim) = of(exp) else {
        let mut lines = vec![];
        for m in &exp.members {
            for p in m.run.phases() {
                lines.push(format!(
                    "{}GLRL phase {} from step {} (top value {:.4}){}",
                    if m.label.is_empty() { String::new() } else { format!("{}: ", m.label) },
                    p.rank,
                    p.step,
                    p.top_value,
                    p.end_step.map_or(String::new(), |e| format!(", converged at step {e}"))
                ));
            }
        }
        return Readout { lines, values: Value::Object(Map::new()), verdict: None };
    };
    let (mut lines, values) = claim.readout(exp);
    let verdict = verdict(exp);
    if let Some(v) = &verdict {
        lines.push(v.line());
    }
    Readout { lines, values: Value::Object(values), verdict }
}

/// The runs of an experiment side by side: one row per run (label, loss, ‖W‖*, effective rank, and the
/// number the claim is read off), as text in the one notation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The read-out table of every run now.
pub fn table(exp: &Experiment) -> RunTable {
    use crate::notation::{number, short, step};
    let claim = of(exp);
    let mut columns: Vec<String> =
        ["run", "step", "loss", "‖W‖*", "effective rank"].iter().map(|c| c.to_string()).collect();
    columns.extend(claim.map(|c| c.column().to_string()));
    let rows = exp
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let last = m.run.trace.last();
            let mut row = vec![
                m.name(),
                step(m.run.step() as f64),
                short(m.run.last_loss()),
                last.map_or("–".into(), |s| number(s.nuclear_norm, 4)),
                last.map_or("–".into(), |s| number(s.effective_rank, 3)),
            ];
            row.extend(claim.map(|c| c.cell(exp, i)));
            row
        })
        .collect();
    RunTable { columns, rows }
}

/// Ids of the figures the page shows for `exp`, in page order: the one that states the claim first (the claim's
/// figure where [`Claim::leads`], else the singular values), then the other, the claim's further figures, loss,
/// λₘₐₓ where recorded, matrices.
pub fn figure_ids(exp: &Experiment) -> Vec<&'static str> {
    let mut ids = vec![];
    let claim_ids = of(exp).map(|c| c.figure_ids(exp)).unwrap_or_default();
    match of(exp) {
        Some(c) if c.leads() => ids.extend([claim_ids[0], "singular_values"]),
        Some(_) => ids.extend(["singular_values", claim_ids[0]]),
        None => ids.push("singular_values"),
    }
    ids.extend(claim_ids.iter().skip(1));
    ids.push("loss");
    if exp.members.iter().any(|m| m.run.config.hessian) {
        ids.push("hessian");
    }
    ids.push("matrices");
    ids
}

/// The figure `id` of `exp`, if it shows one.
pub fn drawing(exp: &Experiment, id: &str, opts: Options) -> Option<Drawing> {
    if !figure_ids(exp).contains(&id) {
        return None;
    }
    let chart = match id {
        "singular_values" => build::singular_values(exp, opts),
        "loss" => build::loss(exp, opts, &|m| of(exp).map_or(vec![], |c| c.stages(m))),
        "hessian" => build::hessian_max(exp, opts),
        "matrices" => return Some(Drawing::Matrices(build::matrices(exp, opts.cursor))),
        _ => of(exp)?.figure(exp, id, opts)?,
    };
    Some(Drawing::Chart(build::with_cursor(chart, exp, opts)))
}

/// Every figure of `exp`, in page order.
pub fn drawings(exp: &Experiment, opts: Options) -> Vec<Drawing> {
    figure_ids(exp).into_iter().filter_map(|id| drawing(exp, id, opts)).collect()
}

/// The JSON document of `rankflow run --out` for `exp`: its runs' reports and, with a claim, its read-out.
pub fn report(exp: &Experiment) -> Value {
    let claim = of(exp).map(|_| serde_json::to_value(readout(exp)).unwrap_or(Value::Null));
    crate::experiment::report::experiment_report(exp, claim)
}
