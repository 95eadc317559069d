//! Lessons: a path through the presets for a class. A lesson is data (`lessons/*.json`, or a lecturer's file),
//! validated like the presets, every error naming its field (`steps[2].predict.choices[1].when: …`).
//!
//! A step is a preset (or an experiment in the form `rankflow presets --json` prints), 1–4 sentences in the page's
//! notation, what to look at (a figure id, a time cursor `t`, a mark), and optionally a **prediction**: the run
//! stops at a moment (`{"step": N}` or `{"learned": k}`: run 1's σₖ reaches sₖ/2), the student picks one of 2–5
//! choices, and the answer is the choice whose interval holds the run's own measure — a number of the claim's
//! read-out (`measure: ["α = 1e-6", "nuclear_norm"]`) or the ratio of two (`{"ratio": [A, B]}`). Intervals are
//! disjoint, so at most one choice is right; nothing in the file says which.

pub mod link;

use crate::claims;
use crate::experiment::presets::{self, Preset};
use crate::experiment::Experiment;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The shipped lessons, as written (validated by [`all`]).
const SHIPPED: [(&str, &str); 2] =
    [("first-look", include_str!("first-look.json")), ("implicit-bias", include_str!("implicit-bias.json"))];

/// Most steps in a lesson, choices in a prediction, characters in a text.
pub const MAX_STEPS: usize = 24;
pub const MAX_CHOICES: usize = 5;
pub const MAX_TEXT: usize = 700;
/// Largest lesson file accepted (bytes).
pub const MAX_BYTES: usize = 200_000;

#[derive(Clone, Debug, Serialize)]
pub struct Lesson {
    pub name: String,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub title: String,
    /// The preset's name, when the step is a preset.
    pub preset: Option<String>,
    /// What runs (a preset, or the step's own experiment), in the form `rankflow presets --json` prints.
    pub experiment: Preset,
    pub text: String,
    /// The figure to show (one of `claims::figure_ids` of the experiment).
    pub figure: Option<String>,
    /// A time cursor, in steps (≤ the first run's steps).
    pub t: Option<u64>,
    /// What to point at on the figure, in a few words.
    pub mark: Option<String>,
    pub predict: Option<Prediction>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Prediction {
    pub stop: Moment,
    pub question: String,
    pub measure: Measure,
    /// What the measure is, in words, `{}` standing for the number ("σ₂ is learned at {}× σ₁'s step").
    pub says: Option<String>,
    pub choices: Vec<Choice>,
}

/// Where the run stops for the question (the future hidden until the student chooses).
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Moment {
    /// At this step of the first run (0: before it starts).
    Step(u64),
    /// When the first run's σₖ is learned (first reaches sₖ/2), k from 1.
    Learned(usize),
}

/// A number read off the finished experiment: a path into the claim's read-out values (keys and indices), or the
/// ratio of two such numbers.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    Value(Vec<Value>),
    Ratio(Vec<Value>, Vec<Value>),
}

/// One answer; right when the measure lies in `[at_least, below)` (either bound may be open).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Choice {
    pub label: String,
    pub at_least: Option<f64>,
    pub below: Option<f64>,
}

/// What the run says about a prediction.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Answer {
    /// The measure on the run.
    pub value: f64,
    /// The choice whose interval holds it; None when none does.
    pub choice: Option<usize>,
    /// The measure in words: the prediction's `says` with the number (3 significant digits), else "measured N".
    pub said: String,
}

impl Choice {
    pub fn holds(&self, v: f64) -> bool {
        self.at_least.is_none_or(|a| v >= a) && self.below.is_none_or(|b| v < b)
    }
}

impl Moment {
    /// The step of the first run at which to stop, once known (None: σₖ not learned yet).
    pub fn step(&self, exp: &Experiment) -> Option<u64> {
        match *self {
            Moment::Step(s) => Some(s),
            Moment::Learned(k) => exp.members.first()?.run.learned().get(k - 1).copied().flatten(),
        }
    }

    /// Advances `exp` by up to `k` steps without passing this moment; returns (steps done, reached). A step moment
    /// is met exactly. "σₖ learned" is found at the first run's next check (a multiple of its `record_every`), so
    /// the runs stop at most one recording interval past it; the page shows the moment itself through its time
    /// cursor. A first run that ends before the moment has reached it (the question is asked at its end).
    pub fn advance_to(&self, exp: &mut Experiment, k: u64) -> (u64, bool) {
        let Some(first) = exp.members.first() else { return (0, true) };
        let (every, at) = (first.run.config.record_every.max(1), first.run.step());
        let reached = |exp: &Experiment| {
            let run = &exp.members[0].run;
            !run.running() || self.step(exp).is_some_and(|s| run.step() >= s)
        };
        if reached(exp) {
            return (0, true);
        }
        if let Moment::Step(s) = *self {
            let done = exp.advance(k.min(s - at));
            return (done, reached(exp));
        }
        let mut done = 0;
        while done < k {
            let step = exp.members[0].run.step();
            let n = exp.advance((every - step % every).min(k - done));
            done += n;
            if reached(exp) {
                return (done, true);
            }
            if n == 0 {
                break;
            }
        }
        (done, false)
    }
}

impl Measure {
    /// The measure on `exp` (finished), or why it has none.
    pub fn on(&self, exp: &Experiment) -> Result<f64, String> {
        let values = claims::readout(exp).values;
        match self {
            Measure::Value(path) => lookup(&values, path),
            Measure::Ratio(a, b) => Ok(lookup(&values, a)? / lookup(&values, b)?),
        }
    }
}

impl Prediction {
    /// The right choice on the finished `exp`, from its own numbers.
    pub fn answer(&self, exp: &Experiment) -> Result<Answer, String> {
        let value = self.measure.on(exp)?;
        if !value.is_finite() {
            return Err(format!("the measure is not a number on this run ({value})"));
        }
        let number = crate::notation::number(value, 3);
        let said = self.says.as_ref().map_or_else(|| format!("measured {number}"), |t| t.replacen("{}", &number, 1));
        Ok(Answer { value, choice: self.choices.iter().position(|c| c.holds(value)), said })
    }
}

fn lookup(values: &Value, path: &[Value]) -> Result<f64, String> {
    let mut v = values;
    for key in path {
        v = match key {
            Value::String(k) => v.get(k.as_str()),
            Value::Number(i) => i.as_u64().and_then(|i| v.get(i as usize)),
            _ => None,
        }
        .ok_or_else(|| format!("the read-out has no {}", path_text(path)))?;
    }
    v.as_f64().ok_or_else(|| format!("the read-out's {} is not a number", path_text(path)))
}

fn path_text(path: &[Value]) -> String {
    let parts: Vec<String> = path.iter().map(|k| k.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

/// All shipped lessons.
pub fn all() -> Vec<Lesson> {
    (0..SHIPPED.len()).map(|i| shipped(i).clone()).collect()
}

/// The shipped lesson called `name`.
pub fn find(name: &str) -> Option<Lesson> {
    SHIPPED.iter().position(|(n, _)| *n == name).map(|i| shipped(i).clone())
}

/// Shipped lesson `i`, read and validated once per process: validating builds every step's experiment (about
/// 100 ms for implicit-bias natively), and the page's link, its lesson bar and the simulation all ask for it.
fn shipped(i: usize) -> &'static Lesson {
    static READ: [OnceLock<Lesson>; SHIPPED.len()] = [const { OnceLock::new() }; SHIPPED.len()];
    let (name, text) = SHIPPED[i];
    READ[i].get_or_init(|| from_json(text).unwrap_or_else(|e| panic!("lesson {name}: {e}")))
}

/// Comma-separated names of the shipped lessons, for messages.
pub fn names() -> String {
    SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// A lesson from its JSON text; errors name the field (`steps[1].text: …`).
pub fn from_json(text: &str) -> Result<Lesson, String> {
    if text.len() > MAX_BYTES {
        return Err(format!("lesson: {} bytes, at most {MAX_BYTES}", text.len()));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| format!("lesson: not JSON: {e}"))?;
    let obj = object(&v, "lesson", &["name", "title", "steps"])?;
    let name = string(obj, "name", "", 1, 40)?;
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err(format!("name: expected lowercase letters, digits and '-', got {name:?}"));
    }
    let title = string(obj, "title", "", 1, 120)?;
    let steps = obj.get("steps").and_then(Value::as_array).ok_or("steps: expected an array of steps")?;
    if steps.is_empty() || steps.len() > MAX_STEPS {
        return Err(format!("steps: expected 1 to {MAX_STEPS} steps, got {}", steps.len()));
    }
    let steps = steps.iter().enumerate().map(|(i, s)| step(s, &format!("steps[{i}]"))).collect::<Result<_, _>>()?;
    Ok(Lesson { name, title, steps })
}

fn step(v: &Value, at: &str) -> Result<Step, String> {
    let keys = ["title", "preset", "experiment", "text", "figure", "t", "mark", "predict"];
    let obj = object(v, at, &keys)?;
    let title = string(obj, "title", at, 1, 120)?;
    let (preset, experiment) = match (obj.get("preset"), obj.get("experiment")) {
        (Some(Value::String(name)), None) => {
            let p = presets::find(name)
                .ok_or_else(|| format!("{at}.preset: no preset {name:?}; one of {}", presets::names()))?;
            (Some(name.clone()), p)
        }
        (None, Some(e)) => {
            let p = presets::from_json(&e.to_string()).map_err(|e| format!("{at}.experiment.{e}"))?;
            if let Some(id) = &p.claim {
                claims::find(id).ok_or_else(|| format!("{at}.experiment.claim: no claim {id:?}"))?;
            }
            (None, p)
        }
        (Some(_), Some(_)) => return Err(format!("{at}: give a preset or an experiment, not both")),
        (Some(_), None) => return Err(format!("{at}.preset: expected a preset's name; one of {}", presets::names())),
        (None, None) => return Err(format!("{at}: expected a preset (a name) or an experiment (runs and a claim)")),
    };
    let text = string(obj, "text", at, 1, MAX_TEXT)?;
    // A sentence ends at '.', '?' or '!' followed by a space or the end (not at 1.8e-4's point).
    let chars: Vec<char> = text.chars().collect();
    let sentences = (0..chars.len())
        .filter(|&i| ['.', '?', '!'].contains(&chars[i]) && chars.get(i + 1).is_none_or(|c| c.is_whitespace()))
        .count();
    if sentences > 4 {
        return Err(format!("{at}.text: at most 4 sentences, got {sentences}"));
    }
    let exp = experiment.experiment();
    let figure = match obj.get("figure") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => {
            let ids = claims::figure_ids(&exp);
            if !ids.contains(&id.as_str()) {
                return Err(format!("{at}.figure: {id:?} is not a figure of this step; one of {}", ids.join(", ")));
            }
            Some(id.clone())
        }
        Some(_) => return Err(format!("{at}.figure: expected a figure id (a string)")),
    };
    let steps = experiment.runs.iter().map(|r| r.config.steps).max().unwrap_or(0);
    let t = match obj.get("t") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|t| *t <= steps)
                .ok_or_else(|| format!("{at}.t: expected a step in [0, {steps}], got {v}"))?,
        ),
    };
    let mark = match obj.get("mark") {
        None | Some(Value::Null) => None,
        Some(_) => Some(string(obj, "mark", at, 1, 80)?),
    };
    let predict = match obj.get("predict") {
        None | Some(Value::Null) => None,
        Some(p) => Some(prediction(p, &format!("{at}.predict"), &exp)?),
    };
    Ok(Step { title, preset, experiment, text, figure, t, mark, predict })
}

fn prediction(v: &Value, at: &str, exp: &Experiment) -> Result<Prediction, String> {
    let obj = object(v, at, &["stop", "question", "measure", "says", "choices"])?;
    let first = &exp.members[0].run.config;
    let stop = match obj.get("stop").and_then(Value::as_object).map(|o| o.iter().collect::<Vec<_>>()).as_deref() {
        Some([(k, n)]) if k.as_str() == "step" => Moment::Step(
            n.as_u64()
                .filter(|s| *s < first.steps)
                .ok_or_else(|| format!("{at}.stop.step: expected a step in [0, {}), got {n}", first.steps))?,
        ),
        Some([(k, n)]) if k.as_str() == "learned" => {
            let values = exp.members[0].run.problem.truth_singular_values().map_or(0, |t| t.len());
            Moment::Learned(n.as_u64().map(|k| k as usize).filter(|k| (1..=values).contains(k)).ok_or_else(|| {
                format!("{at}.stop.learned: expected k in [1, {values}] (σₖ of run 1's target), got {n}")
            })?)
        }
        _ => return Err(format!("{at}.stop: expected {{\"step\": N}} or {{\"learned\": k}}")),
    };
    let question = string(obj, "question", at, 1, 300)?;
    let says = match obj.get("says") {
        None => None,
        Some(_) => {
            let t = string(obj, "says", at, 3, 160)?;
            if t.matches("{}").count() != 1 {
                return Err(format!("{at}.says: expected the measured number's place, {{}}, once, got {t:?}"));
            }
            Some(t)
        }
    };
    let measure = match obj.get("measure") {
        Some(Value::Array(path)) => Measure::Value(measure_path(path, &format!("{at}.measure"))?),
        Some(Value::Object(o)) if o.len() == 1 && o.contains_key("ratio") => {
            match o["ratio"].as_array().map(Vec::as_slice) {
                Some([Value::Array(a), Value::Array(b)]) => Measure::Ratio(
                    measure_path(a, &format!("{at}.measure.ratio[0]"))?,
                    measure_path(b, &format!("{at}.measure.ratio[1]"))?,
                ),
                _ => return Err(format!("{at}.measure.ratio: expected two paths, [[…], […]]")),
            }
        }
        _ => {
            return Err(format!(
                "{at}.measure: expected a path into the read-out's values ([\"run\", 1]) or {{\"ratio\": [path, path]}}"
            ))
        }
    };
    let choices = obj.get("choices").and_then(Value::as_array).ok_or(format!("{at}.choices: expected an array"))?;
    if !(2..=MAX_CHOICES).contains(&choices.len()) {
        return Err(format!("{at}.choices: expected 2 to {MAX_CHOICES} choices, got {}", choices.len()));
    }
    let mut parsed: Vec<Choice> = vec![];
    for (i, c) in choices.iter().enumerate() {
        let at = format!("{at}.choices[{i}]");
        let obj = object(c, &at, &["label", "when"])?;
        let label = string(obj, "label", &at, 1, 120)?;
        let when = object(obj.get("when").unwrap_or(&Value::Null), &format!("{at}.when"), &["at_least", "below"])?;
        let bound = |key: &str| -> Result<Option<f64>, String> {
            match when.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_f64().map(Some).ok_or_else(|| format!("{at}.when.{key}: expected a number, got {v}")),
            }
        };
        let (at_least, below) = (bound("at_least")?, bound("below")?);
        match (at_least, below) {
            (None, None) => return Err(format!("{at}.when: expected at_least, below or both")),
            (Some(a), Some(b)) if a >= b => return Err(format!("{at}.when: at_least {a} is not below {b}")),
            _ => {}
        }
        let choice = Choice { label, at_least, below };
        for (j, other) in parsed.iter().enumerate() {
            let lo = choice.at_least.unwrap_or(f64::NEG_INFINITY).max(other.at_least.unwrap_or(f64::NEG_INFINITY));
            let hi = choice.below.unwrap_or(f64::INFINITY).min(other.below.unwrap_or(f64::INFINITY));
            if lo < hi {
                return Err(format!("{at}.when: overlaps choices[{j}] (both hold on [{lo}, {hi})); one answer only"));
            }
        }
        parsed.push(choice);
    }
    Ok(Prediction { stop, question, measure, says, choices: parsed })
}

fn measure_path(path: &[Value], at: &str) -> Result<Vec<Value>, String> {
    if path.is_empty() || path.len() > 4 || !path.iter().all(|k| k.is_string() || k.as_u64().is_some()) {
        return Err(format!("{at}: expected 1 to 4 keys (strings) or indices (integers ≥ 0)"));
    }
    Ok(path.to_vec())
}

fn object<'a>(v: &'a Value, at: &str, keys: &[&str]) -> Result<&'a Map<String, Value>, String> {
    let name = if at.is_empty() { "lesson" } else { at };
    let obj = v.as_object().ok_or_else(|| format!("{name}: expected an object with {}", keys.join(", ")))?;
    for key in obj.keys() {
        if !keys.contains(&key.as_str()) {
            let field = if at.is_empty() || at == "lesson" { key.clone() } else { format!("{at}.{key}") };
            return Err(format!("{field}: unknown field; expected {}", keys.join(", ")));
        }
    }
    Ok(obj)
}

fn string(obj: &Map<String, Value>, key: &str, at: &str, min: usize, max: usize) -> Result<String, String> {
    let field = if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
    match obj.get(key) {
        Some(Value::String(s)) if (min..=max).contains(&s.trim().chars().count()) => Ok(s.trim().to_string()),
        Some(Value::String(s)) => {
            Err(format!("{field}: expected {min} to {max} characters, got {}", s.trim().chars().count()))
        }
        _ => Err(format!("{field}: expected a string of {min} to {max} characters")),
    }
}
