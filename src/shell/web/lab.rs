//! The live experiment the simulation steps (in the page's worker, or on the main thread without one): runs,
//! read-outs, the claim's lines, the figures encoded for the main thread, the exports.

use super::jobs::{baseline_fits_page, baseline_json};
use crate::config::Config;
use crate::experiment::presets;
use crate::experiment::Experiment;
use crate::figure::{build, wire};
use crate::lessons::Prediction;
use serde_json::json;
use wasm_bindgen::prelude::*;

/// One live experiment: a single run from a config, or a preset's runs side by side.
#[wasm_bindgen]
pub struct Lab {
    exp: Experiment,
    figure_data: Vec<f64>,
    /// The recorded step the reader looks at (time slider); None: the latest.
    cursor: Option<u64>,
    /// A lesson step's question: the run holds at its moment until [`Lab::release`].
    question: Option<Question>,
}

struct Question {
    prediction: Prediction,
    /// The first run's step where the run holds (the moment), once reached; None before, and after release.
    held: Option<u64>,
    released: bool,
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
        Lab { exp, figure_data: vec![], cursor: None, question: None }
    }

    /// Asks step `step` (from 1) of `lesson` (a shipped lesson's name, or a lesson's JSON text) before the future
    /// is shown: the run holds at the prediction's moment (state `held`) until [`Lab::release`]; once finished the
    /// state carries the `answer`. Throws when the step has no prediction or the lesson is invalid (field named).
    pub fn ask(&mut self, lesson: &str, step: usize) -> Result<(), JsError> {
        let lesson = match crate::lessons::find(lesson) {
            Some(l) => l,
            None if lesson.trim_start().starts_with('{') => {
                crate::lessons::from_json(lesson).map_err(|e| JsError::new(&e))?
            }
            None => {
                let names = crate::lessons::names();
                return Err(JsError::new(&format!("lesson: unknown name {lesson:?}; one of {names}")));
            }
        };
        let n = lesson.steps.len();
        let prediction = step
            .checked_sub(1)
            .and_then(|i| lesson.steps.get(i))
            .ok_or_else(|| JsError::new(&format!("step: expected 1 to {n}, got {step}")))?
            .predict
            .clone()
            .ok_or_else(|| JsError::new(&format!("steps[{}].predict: this step asks no question", step - 1)))?;
        self.question = Some(Question { prediction, held: None, released: false });
        self.hold_if_reached(0);
        Ok(())
    }

    /// Lets a held run go on (the student has chosen): the cursor returns to the latest step.
    pub fn release(&mut self) {
        if let Some(q) = &mut self.question {
            q.released = true;
            q.held = None;
            self.cursor = None;
        }
    }

    /// Advances the question's moment by up to `k` steps; holds there (cursor on the moment) once reached.
    fn hold_if_reached(&mut self, k: u64) -> u64 {
        let Some(q) = self.question.as_ref().filter(|q| !q.released && q.held.is_none()) else { return 0 };
        let (done, reached) = q.prediction.stop.advance_to(&mut self.exp, k);
        if reached {
            let run = &self.exp.members[0].run;
            let at = q.prediction.stop.step(&self.exp).unwrap_or(run.step()).min(run.step());
            // The figures show the last recorded sample at or before the moment: never a step of the future.
            self.cursor = run.trace.samples().iter().rev().find(|s| s.step <= at).map(|s| s.step);
            if let Some(q) = &mut self.question {
                q.held = Some(at);
            }
        }
        done
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
        match &self.question {
            Some(q) if q.held.is_some() => 0,
            Some(q) if !q.released => self.hold_if_reached(u64::from(steps)) as u32,
            _ => self.exp.advance(u64::from(steps)) as u32,
        }
    }

    /// Runs up to `iterations` units of the convex-baseline solver's work (each about one SVD of W); returns true
    /// once it is solved or not wanted (no observations, or more than 100×100 entries: too slow for a page).
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

    /// "held" (a question waits for the student), "running" (some member still runs), "diverged" (some member
    /// diverged) or "finished".
    pub fn status(&self) -> String {
        if self.question.as_ref().is_some_and(|q| q.held.is_some()) {
            "held"
        } else if self.exp.diverged().is_some() {
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

    /// {status: "held"|"running"|"finished"|"diverged", step, steps, runs: [{label, step, loss, learned?}], message,
    /// baseline_pending, cursor, held, answer}. `held`: the step a question holds the run at (else null); `answer`:
    /// once the runs are done, what they say about the question ({value, choice, said} or {error}; null without one). `learned` (the step each target value was learned, null until then) scans each
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
            "held": self.question.as_ref().and_then(|q| q.held),
            "answer": self.answer(),
        })
        .to_string()
    }

    fn answer(&self) -> Option<serde_json::Value> {
        let q = self.question.as_ref().filter(|q| q.held.is_none() && !self.exp.running())?;
        Some(match q.prediction.answer(&self.exp) {
            Ok(a) => json!(a),
            Err(e) => json!({"error": e}),
        })
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

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn label_with(label: &str, text: &str) -> String {
    if label.is_empty() || text.starts_with(label) {
        text.to_string()
    } else {
        format!("{label}: {text}")
    }
}

/// The page's figures: at most this many trace points per series (a chart has about as many pixels across).
const PAGE_MAX_POINTS: usize = 600;

fn options(log_steps: bool) -> build::Options {
    build::Options { log_steps, baseline: true, max_points: PAGE_MAX_POINTS, cursor: None }
}
