//! The page's config form as data: the text in each control ↔ a config. The form is built from
//! [`crate::fields::FIELDS`]; the page only sends what its controls hold (`{path: text | bool}`) and writes back
//! what [`values`] returns, so every rule — which fields show, what a blank means, how a list or a matrix is
//! written — lives here, once.

use crate::config::{matrix_text, parse_matrix_text, Config, ConfigError};
use crate::fields::{FieldDefault, Kind, FIELDS};
use serde::Serialize;
use serde_json::{Map, Value};

/// The form read into a config: `config` as written (blank fields absent, so links stay short) and `normalized`
/// (validated, every default filled in: what runs, and what edits are compared on).
pub struct FormConfig {
    pub config: Value,
    pub normalized: Config,
}

fn text<'a>(values: &'a Map<String, Value>, path: &str) -> &'a str {
    values.get(path).and_then(Value::as_str).map_or("", str::trim)
}

/// Whether the control of `path` shows, given what the controls hold.
pub fn visible(values: &Map<String, Value>, path: &str) -> bool {
    match crate::fields::find(path).and_then(|f| f.only_when) {
        Some((on, allowed)) => {
            let current = values.get(on).and_then(Value::as_str).unwrap_or_else(|| default_choice(on));
            allowed.contains(&current)
        }
        None => true,
    }
}

fn default_choice(path: &str) -> &'static str {
    match crate::fields::find(path).map(|f| f.default) {
        Some(FieldDefault::Text(t)) => t,
        _ => "",
    }
}

/// Reads the controls' values into a config; a value that is not of its field's kind is passed on as text, so
/// the validator's message names the field.
pub fn read(values: &Map<String, Value>) -> Result<FormConfig, ConfigError> {
    let mut doc = Map::new();
    let spectrum_given =
        visible(values, "problem.singular_values") && !text(values, "problem.singular_values").is_empty();
    for f in &FIELDS {
        if !visible(values, f.path) || (f.path == "problem.rank" && spectrum_given) {
            continue;
        }
        let raw = text(values, f.path);
        let value = match f.kind {
            Kind::Flag => match values.get(f.path).and_then(Value::as_bool) {
                Some(true) => Value::Bool(true),
                _ => continue,
            },
            Kind::Choice { .. } if raw.is_empty() => continue,
            Kind::Choice { .. } => Value::String(raw.to_string()),
            Kind::Matrix => serde_json::to_value(parse_matrix_text(raw)?).expect("matrix serializes"),
            _ if raw.is_empty() => continue, // blank = the default
            Kind::List => {
                Value::Array(raw.split([' ', ',', '\t', '\n']).filter(|p| !p.is_empty()).map(number).collect())
            }
            Kind::Integer | Kind::Number | Kind::LogNumber { .. } => number(raw),
        };
        set(&mut doc, f.path, value);
    }
    let config = Value::Object(doc);
    let normalized = Config::from_json(&config.to_string())?;
    Ok(FormConfig { config, normalized })
}

fn number(text: &str) -> Value {
    match crate::notation::parse_number(text) {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.007e15 => Value::from(x as i64),
        Some(x) => Value::from(x),
        None => Value::String(text.to_string()),
    }
}

fn set(doc: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        Some((section, key)) => {
            let entry = doc.entry(section.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Some(obj) = entry.as_object_mut() {
                obj.insert(key.to_string(), value);
            }
        }
        None => {
            doc.insert(path.to_string(), value);
        }
    }
}

fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |o, k| o.get(k))
}

/// What each control shows for `config` (as written, not normalized: a field left out shows blank, its default
/// as the placeholder): `{path: text}`, `{path: bool}` for flags; a log-scale number as its exact value.
pub fn values(config: &Value) -> Map<String, Value> {
    let n = get(config, "problem.n").and_then(Value::as_f64);
    let m = get(config, "problem.m").and_then(Value::as_f64);
    let mut out = Map::new();
    for f in &FIELDS {
        let v = get(config, f.path).filter(|v| !v.is_null());
        let shown = match (f.kind, v) {
            (Kind::Flag, v) => Value::Bool(v.and_then(Value::as_bool).unwrap_or(false)),
            (Kind::Choice { .. }, v) => Value::String(
                v.and_then(Value::as_str).map_or_else(|| default_choice(f.path).to_string(), str::to_string),
            ),
            (Kind::Matrix, Some(v)) => Value::String(
                serde_json::from_value::<Vec<Vec<Option<f64>>>>(v.clone()).map(|m| matrix_text(&m)).unwrap_or_default(),
            ),
            (Kind::Matrix, None) => Value::String(f.default.text()),
            (Kind::List, Some(Value::Array(items))) => {
                Value::String(items.iter().map(plain).collect::<Vec<_>>().join(" "))
            }
            (Kind::LogNumber { .. }, None) => Value::String(f.default.text()),
            (_, Some(v)) => {
                // Sizes that follow n (m = n, width = max(m, n)) stay blank so they keep following it.
                let x = v.as_f64();
                let follows = match f.path {
                    "problem.m" => x.is_some() && x == n,
                    "model.width" => x.is_some() && x == Some(n.unwrap_or(0.0).max(m.unwrap_or(0.0))),
                    _ => false,
                };
                Value::String(if follows { String::new() } else { plain(v) })
            }
            (_, None) => Value::String(String::new()),
        };
        out.insert(f.path.to_string(), shown);
    }
    out
}

/// A JSON value as a person types it: 0.05, 1e-7, 12.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One field that differs between two configs: its name as the page writes it (α, η, L or the path).
#[derive(Debug, PartialEq, Serialize)]
pub struct Change {
    pub name: String,
    pub before: String,
    pub after: String,
}

/// The fields that differ between two normalized configs, in table order ("α 1e-3 → 1e-4").
pub fn changes(before: &Config, after: &Config) -> Vec<Change> {
    let (a, b) = (serde_json::to_value(before).expect("serializes"), serde_json::to_value(after).expect("serializes"));
    let mut out = vec![];
    for f in &FIELDS {
        let (x, y) = (get(&a, f.path), get(&b, f.path));
        if x != y {
            out.push(Change { name: f.name().to_string(), before: show(x), after: show(y) });
        }
    }
    out
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "default".into(),
        Some(Value::Number(x)) => crate::notation::number(x.as_f64().unwrap_or(f64::NAN), 3),
        Some(Value::Array(items)) if items.iter().all(Value::is_number) => {
            items.iter().map(|x| show(Some(x))).collect::<Vec<_>>().join(" ")
        }
        Some(Value::Array(rows)) => format!("{} rows", rows.len()),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::presets;
    use serde_json::json;

    fn form(v: Value) -> Map<String, Value> {
        v.as_object().expect("object").clone()
    }

    #[test]
    fn every_preset_run_survives_the_form_both_ways() {
        for p in presets::all() {
            for run in &p.runs {
                let shown = values(&serde_json::to_value(&run.config).expect("serializes"));
                let back = read(&shown).unwrap_or_else(|e| panic!("{}: {e}", p.name));
                assert_eq!(back.normalized, run.config, "{}", p.name);
            }
        }
    }

    #[test]
    fn blanks_take_the_defaults_and_hidden_fields_are_not_read() {
        let r = read(&form(json!({"problem.kind": "full", "problem.n": "8", "problem.observed_fraction": "0.9",
            "optimizer.kind": "gd", "optimizer.noise": "0.1", "model.depth": ""})))
        .expect("valid");
        assert_eq!(r.config, json!({"problem": {"kind": "full", "n": 8}, "optimizer": {"kind": "gd"}}));
        assert_eq!((r.normalized.model.depth, r.normalized.problem.m), (3, Some(8)));
    }

    #[test]
    fn a_given_spectrum_sets_the_rank_and_bad_text_names_its_field() {
        let r = read(&form(json!({"problem.kind": "completion", "problem.rank": "5",
            "problem.singular_values": "12, 6 3"})))
        .expect("valid");
        assert_eq!(r.normalized.problem.rank, Some(3));
        let e = read(&form(json!({"problem.kind": "completion", "model.depth": "three"}))).err().expect("invalid");
        assert_eq!(e.field, "model.depth");
        let e = read(&form(json!({"problem.kind": "completion", "model.depth": "9"}))).err().expect("invalid");
        assert_eq!(e.to_string(), "model.depth: must be an integer in [1, 8], got 9");
        let e = read(&form(json!({"problem.kind": "entries", "problem.values": "1 ? / x"}))).err().expect("invalid");
        assert_eq!(e.field, "problem.values");
    }

    #[test]
    fn sizes_that_follow_n_show_blank_and_others_show_as_typed() {
        let v = values(&json!({"problem": {"kind": "completion", "n": 10, "m": 10}, "model": {"width": 10,
            "init_scale": 1e-7}, "optimizer": {"kind": "noisy_gd", "noise": [0.05, 0.1]}}));
        assert_eq!((v["problem.m"].as_str(), v["model.width"].as_str()), (Some(""), Some("")));
        assert_eq!(v["model.init_scale"], "1e-7");
        assert_eq!(v["optimizer.noise"], "0.05 0.1");
        assert_eq!(v["model.init"], "gaussian");
        assert_eq!(v["hessian"], false);
        let v = values(&json!({"problem": {"kind": "completion", "n": 10, "m": 4}, "model": {"width": 12}}));
        assert_eq!((v["problem.m"].as_str(), v["model.width"].as_str()), (Some("4"), Some("12")));
    }

    #[test]
    fn changes_name_fields_by_their_symbols() {
        let a = Config::from_json(r#"{"problem": {"kind": "completion"}}"#).expect("valid");
        let b =
            Config::from_json(r#"{"problem": {"kind": "completion"}, "model": {"init_scale": 1e-4}}"#).expect("valid");
        assert_eq!(changes(&a, &b), [Change { name: "α".into(), before: "1e-3".into(), after: "1e-4".into() }]);
        assert!(changes(&a, &a).is_empty());
    }
}
