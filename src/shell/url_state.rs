//! The page's state in its URL: `?preset=NAME`, or one query parameter per config field named by its dotted
//! path (`model.depth=3`, `problem.singular_values=12,6,3`, `problem.values=? 1 / 1 0`), plus view options
//! (`embed`, `controls`, `autoplay`, `figure`, `log`, `speed`, `present`, `theme`, `t`, …). Parsing never fails: an unknown or bad
//! parameter becomes a message naming it, and that field keeps its default.

use crate::config::{matrix_text, parse_matrix_text, Config};
use crate::experiment::presets;
use crate::fields::{self, Kind, FIELDS};
use crate::lessons::link;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Longest query accepted (characters); longer ones are ignored whole, with a message.
pub const MAX_QUERY: usize = 100_000;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct View {
    pub embed: bool,
    pub controls: bool,
    pub autoplay: bool,
    pub figure: bool,
    pub log_steps: bool,
    /// Position of the speed slider, 0 (slowest) … `pace::MAX` (as fast as the machine allows).
    pub speed: Option<u32>,
    /// `origin=`: the only host origin whose embed-API messages are heard and answered.
    pub origin: Option<String>,
    /// `hide=a,b`: controls (see [`CONTROLS`]) and config fields the page hides.
    pub hide: Vec<String>,
    /// `present=1`: the figure fills the screen, minimal controls.
    pub present: bool,
    /// `theme=light|dark|projector`; None: follow the system.
    pub theme: Option<String>,
    /// `t=STEP`: the time slider's cursor at this step (the run plays to its end first).
    pub t: Option<u64>,
}

/// Names `theme=` accepts.
pub const THEMES: [&str; 3] = ["light", "dark", "projector"];

/// Page controls `hide=` can name besides config fields.
pub const CONTROLS: [&str; 16] = [
    "preset",
    "lesson",
    "settings",
    "play",
    "step",
    "reset",
    "speed",
    "log",
    "copy-link",
    "export",
    "help",
    "compare",
    "import",
    "sweep",
    "scrub",
    "present",
];

impl Default for View {
    fn default() -> Self {
        Self {
            embed: false,
            controls: true,
            autoplay: false,
            figure: false,
            log_steps: true,
            speed: None,
            origin: None,
            hide: vec![],
            present: false,
            theme: None,
            t: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CompareRun {
    pub label: String,
    pub config: Config,
}

/// `lesson=NAME&step=K`: a lesson at its step K (from 1) — a shipped one by name, or a lecturer's own carried
/// inline (`lesson=~…`, see [`crate::lessons::link`]).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LessonAt {
    pub name: String,
    pub step: usize,
    /// The lesson's JSON text when it is not a shipped one (it travels in the link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct UrlState {
    /// `lesson=NAME&step=K` (then `preset` is the step's preset).
    pub lesson: Option<LessonAt>,
    /// The preset to run (None: a custom config from the fields).
    pub preset: Option<String>,
    /// `preset=NAME&seed=S`: every run of the preset re-seeded (see [`presets::Preset::at_seed`]).
    pub seed: Option<u64>,
    pub config: Config,
    /// `compare=[{label, config}, …]`: runs side by side (then `preset` is None and `config` is the first run's).
    pub compare: Option<Vec<CompareRun>>,
    pub view: View,
    /// One message per ignored parameter, naming it.
    pub messages: Vec<String>,
}

/// Reads a query string (with or without the leading `?` or `#`).
pub fn parse(query: &str) -> UrlState {
    let default = presets::find(presets::DEFAULT).expect("default preset");
    let mut state = UrlState {
        lesson: None,
        preset: Some(default.name.clone()),
        seed: None,
        config: default.config().clone(),
        compare: None,
        view: View::default(),
        messages: vec![],
    };
    let query = query.trim_start_matches(['?', '#']);
    if query.len() > MAX_QUERY {
        state.messages.push(format!(
            "the link is {} characters long; at most {MAX_QUERY} are read, so it was ignored",
            query.len()
        ));
        return state;
    }
    let mut given: Vec<(String, String)> = vec![];
    let mut lesson_step: Option<String> = None;
    let mut lesson: Option<crate::lessons::Lesson> = None; // validated once, read again below
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        match k.as_str() {
            "lesson" if v.starts_with(link::MARK) => {
                match link::decode(&v).and_then(|text| crate::lessons::from_json(&text).map(|l| (l, text))) {
                    Ok((l, text)) => {
                        state.lesson = Some(LessonAt { name: l.name.clone(), step: 1, source: Some(text) });
                        lesson = Some(l);
                    }
                    Err(e) => state.messages.push(format!("parameter lesson: {e}")),
                }
            }
            "lesson" => match crate::lessons::find(&v) {
                Some(l) => {
                    state.lesson = Some(LessonAt { name: l.name.clone(), step: 1, source: None });
                    lesson = Some(l);
                }
                None => state.messages.push(format!(
                    "parameter lesson: unknown name {:?}; one of {}",
                    shorten(&v),
                    crate::lessons::names()
                )),
            },
            "step" => lesson_step = Some(v),
            "preset" => match presets::find(&v) {
                Some(p) => {
                    state.preset = Some(p.name.clone());
                    state.config = p.config().clone();
                }
                None => state.messages.push(format!(
                    "parameter preset: unknown name {:?}; one of {}",
                    shorten(&v),
                    presets::names()
                )),
            },
            "embed" | "controls" | "autoplay" | "figure" | "log" | "present" => match parse_bool(&v) {
                Some(b) => match k.as_str() {
                    "embed" => state.view.embed = b,
                    "present" => state.view.present = b,
                    "controls" => state.view.controls = b,
                    "autoplay" => state.view.autoplay = b,
                    "figure" => state.view.figure = b,
                    _ => state.view.log_steps = b,
                },
                None => {
                    state.messages.push(format!("parameter {k}: expected 1/0 or true/false, got {:?}", shorten(&v)))
                }
            },
            "speed" => match v.parse::<u32>() {
                _ if v == "max" => state.view.speed = Some(super::pace::MAX),
                Ok(s) if s <= super::pace::MAX => state.view.speed = Some(s),
                _ => state.messages.push(format!(
                    "parameter speed: expected max or a pace from 0 (slowest) to {} (= max), got {:?}",
                    super::pace::MAX,
                    shorten(&v)
                )),
            },
            "theme" if THEMES.contains(&v.as_str()) => state.view.theme = Some(v.clone()),
            "theme" => state.messages.push(format!(
                "parameter theme: expected one of {}, got {:?}; following the system",
                THEMES.join(", "),
                shorten(&v)
            )),
            "t" => match v.trim().parse::<u64>() {
                Ok(t) if t <= crate::config::MAX_STEPS => state.view.t = Some(t),
                _ => state.messages.push(format!(
                    "parameter t: expected a step from 0 to {}, got {:?}",
                    crate::config::MAX_STEPS,
                    shorten(&v)
                )),
            },
            "compare" => match crate::experiment::comparison_runs(&v) {
                Ok(runs) => {
                    state.preset = None;
                    state.config = runs[0].1.clone();
                    state.compare =
                        Some(runs.into_iter().map(|(label, config)| CompareRun { label, config }).collect());
                }
                Err(e) => state.messages.push(format!("parameter compare: {e}")),
            },
            "hide" => {
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()).take(64) {
                    if CONTROLS.contains(&name) || fields::find(name).is_some_and(|f| f.path == name) {
                        if !state.view.hide.iter().any(|h| h == name) {
                            state.view.hide.push(name.to_string());
                        }
                    } else {
                        state.messages.push(format!(
                            "parameter hide: unknown control {:?}; one of {} or a config field such as model.depth",
                            shorten(name),
                            CONTROLS.join(", ")
                        ));
                    }
                }
            }
            "origin" => match valid_origin(&v) {
                Some(o) => state.view.origin = Some(o),
                None => state.messages.push(format!(
                    "parameter origin: expected an origin such as https://notes.example.org (scheme, host, optional \
                     port; no path), got {:?}",
                    shorten(&v)
                )),
            },
            _ if fields::find(&k).is_some_and(|f| f.path == k) => given.push((k, v)),
            _ => state.messages.push(format!("unknown parameter {:?} ignored", shorten(&k))),
        }
    }
    if let (Some(at), Some(lesson)) = (&mut state.lesson, &lesson) {
        if let Some(v) = &lesson_step {
            match v.trim().parse::<usize>().ok().filter(|k| (1..=lesson.steps.len()).contains(k)) {
                Some(k) => at.step = k,
                None => state.messages.push(format!(
                    "parameter step: expected a step of lesson {} from 1 to {}, got {:?}",
                    at.name,
                    lesson.steps.len(),
                    shorten(v)
                )),
            }
        }
        // The lesson decides what runs: its step's preset (fields given beside it are ignored).
        let step = &lesson.steps[at.step - 1];
        state.preset = step.preset.clone();
        state.config = step.experiment.config().clone();
        state.compare = None;
        for (k, _) in &given {
            state.messages.push(format!("parameter {k}: ignored, the lesson decides what runs"));
        }
        return state;
    } else if lesson_step.is_some() {
        state.messages.push("parameter step: ignored without lesson=".into());
    }
    // A preset with only `seed=` is that preset re-seeded, not a custom config.
    if let (Some(name), [(k, v)]) = (&state.preset, given.as_slice()) {
        if k == "seed" {
            let p = presets::find(name).expect("found above");
            match v.trim().parse::<u64>().ok().and_then(|s| p.at_seed(s).map(|q| (s, q))) {
                Some((s, q)) => {
                    state.seed = Some(s);
                    state.config = q.config().clone();
                }
                None => state.messages.push(format!(
                    "parameter seed: expected a whole number from 0 to {}, got {:?}",
                    crate::config::MAX_SEED,
                    shorten(v)
                )),
            }
            return state;
        }
    }
    if !given.is_empty() {
        state.preset = None;
        crate::order::by_key(&mut given, |(k, _)| FIELDS.iter().position(|f| f.path == k).map_or(-1.0, |p| p as f64));
        let (config, mut msgs) = apply_fields(&state.config, &given);
        state.config = config;
        state.messages.append(&mut msgs);
    }
    state
}

/// `scheme://host[:port]` with scheme http or https, as `MessageEvent.origin` spells it (no trailing slash).
fn valid_origin(v: &str) -> Option<String> {
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest.len() <= 253
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| v.to_string())
}

/// Applies `field=value` pairs to `base`; a pair that cannot be read, or that makes the config invalid, is
/// dropped with a message (its field keeps the base value).
fn apply_fields(base: &Config, fields: &[(String, String)]) -> (Config, Vec<String>) {
    let mut messages = vec![];
    let mut active: Vec<(String, Value)> = vec![];
    for (k, v) in fields {
        match to_json_value(k, v) {
            Ok(val) => active.push((k.clone(), val)),
            Err(e) => messages.push(format!("parameter {k}: {e}; using the default")),
        }
    }
    loop {
        let mut doc = serde_json::to_value(base).expect("config serializes");
        // Values the base derived from fields the link changes follow the link, not the base.
        let given = |k: &str| active.iter().any(|(a, _)| a == k);
        let derived = [
            ("model", "width", given("problem.n") || given("problem.m")),
            ("problem", "m", given("problem.n")),
            ("problem", "singular_values", given("problem.rank")),
            ("problem", "rank", given("problem.singular_values")),
            ("problem", "measurements", given("problem.n") || given("problem.m") || given("problem.rank")),
        ];
        for (section, key, follows) in derived {
            if follows && !given(&format!("{section}.{key}")) {
                if let Some(obj) = doc.get_mut(section).and_then(Value::as_object_mut) {
                    obj.remove(key);
                }
            }
        }
        for (k, v) in &active {
            set(&mut doc, k, v.clone());
        }
        match Config::from_json(&doc.to_string()) {
            Ok(c) => return (c, messages),
            Err(e) => {
                // Drop the parameter the error names, else the last one applied.
                let idx = active
                    .iter()
                    .rposition(|(k, _)| {
                        e.field == *k || e.field.starts_with(&format!("{k}[")) || e.field.starts_with(&format!("{k}."))
                    })
                    .or(active.len().checked_sub(1));
                match idx {
                    Some(i) => {
                        let (k, _) = active.remove(i);
                        messages.push(format!("parameter {k}: {e}; using the default"));
                    }
                    None => return (base.clone(), messages),
                }
            }
        }
    }
}

/// Sets a dotted path in a JSON document. Changing `problem.kind` or `optimizer.kind` clears the fields that
/// belong to the old kind.
fn set(doc: &mut Value, path: &str, value: Value) {
    let (section, key) = path.split_once('.').map_or((None, path), |(s, k)| (Some(s), k));
    let obj = match section {
        Some(s) => {
            let entry = doc.as_object_mut().expect("object").entry(s.to_string()).or_insert(Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            entry.as_object_mut().expect("object")
        }
        None => doc.as_object_mut().expect("object"),
    };
    if key == "kind" && obj.get("kind") != Some(&value) {
        let keep: &[&str] = if section == Some("optimizer") { &["lr"] } else { &[] };
        obj.retain(|k, _| keep.contains(&k.as_str()));
    }
    obj.insert(key.to_string(), value);
}

fn to_json_value(path: &str, v: &str) -> Result<Value, String> {
    if v.len() > 10_000 && path != "problem.values" {
        return Err(format!("value is {} characters long", v.len()));
    }
    if path == "problem.values" {
        return parse_matrix_text(v)
            .map(|m| serde_json::to_value(m).expect("matrix serializes"))
            .map_err(|e| e.message);
    }
    match fields::get(path).kind {
        Kind::Flag => {
            parse_bool(v).map(Value::Bool).ok_or_else(|| format!("expected 1/0 or true/false, got {:?}", shorten(v)))
        }
        Kind::Choice { .. } => Ok(Value::String(v.to_string())),
        Kind::List => {
            v.split([',', ' ']).filter(|s| !s.is_empty()).map(number).collect::<Result<_, _>>().map(Value::Array)
        }
        Kind::Integer | Kind::Number | Kind::LogNumber { .. } | Kind::Matrix => number(v),
    }
}

fn number(s: &str) -> Result<Value, String> {
    let x = crate::notation::parse_number(s).ok_or_else(|| format!("{:?} is not a finite number", shorten(s)))?;
    if x.fract() == 0.0 && x.abs() < 9.007e15 {
        Ok(Value::from(x as i64))
    } else {
        Ok(Value::from(x))
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// What the page shows, as it writes it to its URL: the source of the run (a preset, maybe re-seeded; a
/// comparison; or a config) and the view.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageState {
    pub lesson: Option<LessonAt>,
    pub preset: Option<String>,
    pub seed: Option<u64>,
    pub config: Option<Value>,
    /// `[{label, config}, …]` as the page runs them.
    pub compare: Option<Value>,
    pub view: View,
}

/// The page's query (without `?`) for `state`, and the same without the embedding parameters (the embed's
/// "open in full" link). `parse(write(s))` gives `s` back.
pub fn write(state: &PageState) -> (String, String) {
    let mut params: Vec<(bool, String)> = vec![]; // (belongs to the embedding, text)
    let mut push = |embedding: bool, text: String| params.push((embedding, text));
    // A lesson's step, or a preset (maybe re-seeded), is named, not spelled out: the link then restores it.
    // A lecturer's own lesson travels inline, when it fits; else the link keeps what runs (the step's preset).
    let inline = state.lesson.as_ref().and_then(|l| l.source.as_ref()).map(|t| link::encode(&link::minified(t)));
    let fits = inline.as_ref().is_none_or(|v| v.len() <= link::MAX_ENCODED);
    if let Some(l) = state.lesson.as_ref().filter(|_| fits) {
        push(false, format!("lesson={}&step={}", inline.unwrap_or_else(|| encode(&l.name)), l.step));
    } else if let Some(p) = &state.preset {
        push(false, format!("preset={}", encode(p)));
        if let Some(seed) = state.seed {
            push(false, format!("seed={seed}"));
        }
    } else if let Some(runs) = &state.compare {
        push(false, format!("compare={}", encode(&runs.to_string())));
    } else if let Some(config) = &state.config {
        if let Ok(c) = Config::from_json(&config.to_string()) {
            let q = to_query(&c);
            if !q.is_empty() {
                push(false, q);
            }
        }
    }
    let v = &state.view;
    if v.embed {
        push(true, "embed=1".into());
    }
    if v.embed && !v.controls {
        push(true, "controls=0".into());
    }
    for (name, on) in [("autoplay", v.autoplay), ("figure", v.figure), ("present", v.present)] {
        if on {
            push(true, format!("{name}=1"));
        }
    }
    if let Some(o) = &v.origin {
        push(true, format!("origin={}", encode(o)));
    }
    if !v.hide.is_empty() {
        push(true, format!("hide={}", v.hide.iter().map(|h| encode(h)).collect::<Vec<_>>().join(",")));
    }
    if let Some(t) = &v.theme {
        push(false, format!("theme={}", encode(t)));
    }
    if let Some(t) = v.t {
        push(false, format!("t={t}"));
    }
    if !v.log_steps {
        push(false, "log=0".into());
    }
    match v.speed {
        Some(s) if s == super::pace::MAX => push(false, "speed=max".into()),
        Some(s) if s != super::pace::DEFAULT => push(false, format!("speed={s}")),
        _ => {}
    }
    let join =
        |all: bool| params.iter().filter(|(e, _)| all || !e).map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("&");
    (join(true), join(false))
}

/// The query string (without `?`) that restores `config` exactly: every field, by dotted path.
pub fn to_query(config: &Config) -> String {
    let doc = serde_json::to_value(config).expect("config serializes");
    let mut pairs = vec![];
    for path in fields::paths() {
        let (section, key) = path.split_once('.').map_or((None, path), |(s, k)| (Some(s), k));
        let v = match section {
            Some(s) => doc.get(s).and_then(|o| o.get(key)),
            None => doc.get(key),
        };
        let Some(v) = v else { continue };
        let text = match (path, v) {
            ("problem.values", _) => match serde_json::from_value::<Vec<Vec<Option<f64>>>>(v.clone()) {
                Ok(m) => matrix_text(&m),
                Err(_) => continue,
            },
            (_, Value::Array(items)) => items.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","),
            (_, Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        };
        pairs.push(format!("{path}={}", encode(&text)));
    }
    pairs.join("&")
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b'?' | b'/' => {
                out.push(b as char)
            }
            b' ' => out.push_str("%20"),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_config_round_trips_through_the_query() {
        for p in presets::all() {
            for r in &p.runs {
                let q = to_query(&r.config);
                let back = parse(&q);
                assert!(back.messages.is_empty(), "{}: {:?} from {q}", p.name, back.messages);
                assert_eq!(back.config, r.config, "{}: {q}", p.name);
            }
        }
    }

    #[test]
    fn bad_parameters_are_named_and_fall_back_per_field() {
        let s = parse("?model.depth=99&optimizer.lr=0.5&colour=red&problem.n=abc&embed=1");
        assert_eq!(s.config.model.depth, 3, "depth falls back to the default");
        assert_eq!(s.config.optimizer.lr(), 0.5, "a good field is kept");
        assert!(s.view.embed);
        assert_eq!(s.messages.len(), 3, "{:?}", s.messages);
        assert!(s
            .messages
            .iter()
            .any(|m| m.starts_with("parameter model.depth: model.depth: must be an integer in [1, 8]")));
        assert!(s.messages.iter().any(|m| m.contains("unknown parameter \"colour\"")));
        assert!(s.messages.iter().any(|m| m.starts_with("parameter problem.n: \"abc\" is not a finite number")));
    }

    #[test]
    fn derived_sizes_follow_the_link() {
        let s = parse("problem.n=50&problem.rank=5&model.depth=4");
        assert!(s.messages.is_empty(), "{:?}", s.messages);
        assert_eq!(s.config.dims(), (50, 50));
        assert_eq!(s.config.model.width, Some(50));
        assert_eq!(s.config.problem.rank, Some(5));
        assert_eq!(s.config.problem.singular_values, None);
    }

    #[test]
    fn presets_and_kinds() {
        let s = parse("preset=noisy-gd&log=0&speed=max");
        assert_eq!(s.preset.as_deref(), Some("noisy-gd"));
        assert!(!s.view.log_steps);
        assert_eq!(s.view.speed, Some(100));
        assert_eq!(parse("speed=30").view.speed, Some(30));
        assert!(parse("speed=101").messages[0].contains("speed: expected max or a pace from 0"));
        let s = parse("problem.kind=entries&problem.values=%3F%201%20%2F%201%200&model.depth=2");
        assert!(s.messages.is_empty(), "{:?}", s.messages);
        assert_eq!(s.config.dims(), (2, 2));
        assert!(parse("preset=%3Cscript%3E").messages[0].contains("unknown name"));
    }

    #[test]
    fn a_preset_with_only_a_seed_stays_that_preset_reseeded() {
        let s = parse("preset=depth-alpha&seed=7");
        assert_eq!((s.preset.as_deref(), s.seed), (Some("depth-alpha"), Some(7)));
        assert_eq!(s.config.seed, 7);
        assert!(s.messages.is_empty());
        let bad = parse("preset=incremental&seed=-3");
        assert_eq!((bad.preset.as_deref(), bad.seed), (Some("incremental"), None));
        assert!(bad.messages[0].starts_with("parameter seed:"), "{:?}", bad.messages);
        // With another field it is a custom config, as before.
        let custom = parse("preset=incremental&seed=3&model.depth=2");
        assert_eq!((custom.preset, custom.config.seed, custom.config.model.depth), (None, 3, 2));
    }

    #[test]
    fn origin_is_an_origin_or_a_message() {
        let s = parse("embed=1&origin=https://notes.example.org:8443");
        assert_eq!(s.view.origin.as_deref(), Some("https://notes.example.org:8443"));
        for bad in ["javascript:alert(1)", "https://x.org/path", "*", "https://", "ftp://x.org"] {
            let s = parse(&format!("origin={bad}"));
            assert_eq!(s.view.origin, None, "{bad}");
            assert!(s.messages[0].starts_with("parameter origin:"), "{:?}", s.messages);
        }
    }

    #[test]
    fn compare_restores_every_run_or_names_the_bad_one() {
        let runs = r#"[{"label":"L = 2","config":{"problem":{"kind":"full","n":5},"model":{"depth":2}}},
                       {"label":"L = 4","config":{"problem":{"kind":"full","n":5},"model":{"depth":4}}}]"#;
        let s = parse(&format!("compare={}", encode(runs)));
        assert!(s.messages.is_empty(), "{:?}", s.messages);
        let c = s.compare.expect("compared runs");
        assert_eq!(
            c.iter().map(|r| (r.label.as_str(), r.config.model.depth)).collect::<Vec<_>>(),
            [("L = 2", 2), ("L = 4", 4)]
        );
        assert_eq!(s.preset, None);
        let bad = r#"[{"label":"a","config":{"problem":{"kind":"full"}}},{"label":"b","config":{"problem":{"kind":"full"},"model":{"depth":99}}}]"#;
        let s = parse(&format!("compare={}", encode(bad)));
        assert_eq!(s.compare, None);
        assert!(s.messages[0].starts_with("parameter compare: comparison run 2 (b): model.depth"), "{:?}", s.messages);
        let s = parse("compare=%5B%5D");
        assert!(s.messages[0].contains("needs 2 to 3 runs"), "{:?}", s.messages);
    }

    #[test]
    fn present_theme_and_t_are_read_or_reported() {
        let s = parse("preset=incremental&present=1&theme=projector&t=6000");
        assert!(s.view.present);
        assert_eq!(s.view.theme.as_deref(), Some("projector"));
        assert_eq!(s.view.t, Some(6000));
        assert!(s.messages.is_empty(), "{:?}", s.messages);
        let s = parse("theme=neon&t=-3&t=1e99");
        assert_eq!((s.view.theme, s.view.t), (None, None));
        assert!(
            s.messages[0].starts_with("parameter theme: expected one of light, dark, projector"),
            "{:?}",
            s.messages
        );
        assert!(s.messages[1].starts_with("parameter t: expected a step from 0 to"), "{:?}", s.messages);
        assert_eq!(s.messages.len(), 3);
    }

    #[test]
    fn hide_names_controls_and_fields_and_reports_the_rest() {
        let s = parse("hide=speed,model.depth,export,speed,bogus");
        assert_eq!(s.view.hide, ["speed", "model.depth", "export"]);
        assert_eq!(s.messages.len(), 1);
        assert!(s.messages[0].starts_with("parameter hide: unknown control \"bogus\""), "{:?}", s.messages);
    }

    #[test]
    fn a_lecturers_lesson_travels_inline_in_its_link() {
        let mine = include_str!("../lessons/first-look.json").replace("\"first-look\"", "\"my-class\"");
        let page = PageState {
            lesson: Some(LessonAt { name: "my-class".into(), step: 2, source: Some(mine.clone()) }),
            ..PageState::default()
        };
        let (query, _) = write(&page);
        assert!(query.starts_with("lesson=~") && query.contains("&step=2"), "{query}");
        let s = parse(&query);
        assert!(s.messages.is_empty(), "{:?}", s.messages);
        let at = s.lesson.expect("the lesson");
        assert_eq!((at.name.as_str(), at.step), ("my-class", 2));
        assert_eq!(at.source.as_deref(), Some(link::minified(&mine).as_str()));
        assert_eq!(s.preset.as_deref(), Some("tied-spectrum"), "its step runs");
        // A damaged link or an invalid lesson inside it is named, and the page runs its default.
        let cut = &query[..query.find("&step").unwrap() - 10];
        assert!(parse(cut).messages[0].starts_with("parameter lesson: an inline lesson is cut or damaged"));
        let bad = link::encode(&mine.replace("\"steps\"", "\"stops\""));
        let msg = &parse(&format!("lesson={bad}")).messages[0];
        assert!(msg.starts_with("parameter lesson: lesson: unknown field") || msg.contains("steps"), "{msg}");
        // A lesson too long for a link leaves it out: the link keeps what runs.
        let long = PageState {
            lesson: Some(LessonAt {
                name: "x".into(),
                step: 1,
                source: Some(format!("{{\"pad\": \"{}\"}}", rand_text(40_000))),
            }),
            preset: Some("incremental".into()),
            ..PageState::default()
        };
        assert!(write(&long).0.starts_with("preset=incremental"), "{}", write(&long).0);
    }

    /// Text that does not compress (a simple LCG over letters).
    fn rand_text(n: usize) -> String {
        let mut x: u64 = 1;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (b'a' + (x >> 59) as u8 % 26) as char
            })
            .collect()
    }

    #[test]
    fn a_lesson_link_runs_its_step_and_is_written_back() {
        let s = parse("?lesson=first-look&step=3&speed=max");
        assert_eq!(s.lesson, Some(LessonAt { name: "first-look".into(), step: 3, source: None }));
        assert_eq!(s.preset.as_deref(), Some("counterexample"));
        assert_eq!(&s.config, presets::find("counterexample").unwrap().config());
        assert!(s.messages.is_empty(), "{:?}", s.messages);
        let page = PageState {
            lesson: s.lesson.clone(),
            preset: s.preset.clone(),
            view: s.view.clone(),
            ..Default::default()
        };
        let (query, _) = write(&page);
        assert_eq!(query, "lesson=first-look&step=3&speed=max");
        // Without a step: the first; a bad step, a bad name, fields beside a lesson, a step alone: each named.
        assert_eq!(parse("lesson=implicit-bias").lesson.unwrap().step, 1);
        let s = parse("lesson=implicit-bias&step=0");
        assert_eq!(s.lesson.unwrap().step, 1);
        assert_eq!(s.messages, ["parameter step: expected a step of lesson implicit-bias from 1 to 10, got \"0\""]);
        let s = parse("lesson=nope");
        assert!(s.lesson.is_none() && s.messages[0].starts_with("parameter lesson: unknown name \"nope\""));
        let s = parse("lesson=first-look&model.depth=4");
        assert_eq!(s.preset.as_deref(), Some("incremental"));
        assert_eq!(s.messages, ["parameter model.depth: ignored, the lesson decides what runs"]);
        assert_eq!(parse("step=2").messages, ["parameter step: ignored without lesson="]);
    }

    #[test]
    fn the_page_state_survives_its_query() {
        let view = View {
            embed: true,
            controls: false,
            autoplay: true,
            figure: true,
            log_steps: false,
            speed: Some(super::super::pace::MAX),
            origin: Some("https://notes.example.org".into()),
            hide: vec!["speed".into(), "model.depth".into()],
            present: true,
            theme: Some("projector".into()),
            t: Some(6000),
        };
        let state =
            PageState { preset: Some("noisy-gd".into()), seed: Some(3), view: view.clone(), ..Default::default() };
        let (query, full) = write(&state);
        let back = parse(&query);
        assert_eq!((back.preset.as_deref(), back.seed, &back.view), (Some("noisy-gd"), Some(3), &view), "{query}");
        assert!(back.messages.is_empty(), "{:?}", back.messages);
        let open = parse(&full);
        assert_eq!((open.view.embed, open.view.present, open.view.hide.len()), (false, false, 0), "{full}");
        assert_eq!(
            (open.view.theme.as_deref(), open.view.t, open.view.log_steps),
            (Some("projector"), Some(6000), false)
        );
        // A config: every field restored; the default view writes nothing.
        let config = presets::find("counterexample").expect("preset").config().clone();
        let state = PageState { config: Some(serde_json::to_value(&config).expect("json")), ..Default::default() };
        let (query, _) = write(&state);
        assert_eq!(parse(&query).config, config);
        assert!(!query.contains("speed=") && !query.contains("log="), "{query}");
    }
}
