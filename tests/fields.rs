//! The field table against the validator and the page: every default and every limit in `fields::FIELDS` is what
//! `Config::from_json` does, and no field list, default or limit is typed again in `www/`.

use rankflow::config::Config;
use rankflow::fields::{FieldDefault, Kind, FIELDS};
use serde_json::{json, Value};

/// A minimal config in which `path` is used: the problem and optimizer kinds its `only_when` asks for.
fn base_for(path: &str) -> Value {
    let f = rankflow::fields::get(path);
    let mut doc = json!({"problem": {"kind": "completion"}});
    if path.starts_with("optimizer.") {
        doc["optimizer"] = json!({"kind": "gd"});
    }
    if path == "model.init_scales" {
        doc["model"] = json!({"depth": 1}); // one α for the one factor
    }
    if let Some((on, values)) = f.only_when {
        let (section, key) = on.split_once('.').expect("a section");
        doc[section][key] = json!(values[values.len() - 1].to_string());
        if on == "optimizer.kind" && values.contains(&"noisy_gd") {
            doc["optimizer"]["noise"] = json!([0.05]);
        }
        if on == "optimizer.kind" && values.contains(&"glrl") {
            doc["model"] = json!({"depth": 2});
        }
        if values[values.len() - 1] == "entries" {
            doc["problem"]["values"] = json!([[1.0, null], [null, 1.0]]);
        }
    }
    doc
}

fn with(mut doc: Value, path: &str, v: Value) -> Value {
    match path.split_once('.') {
        Some((s, k)) => doc[s][k] = v,
        None => doc[path] = v,
    }
    doc
}

fn get<'a>(doc: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(doc, |o, k| &o[k])
}

#[test]
fn every_field_belongs_to_a_group_of_the_form() {
    for f in &FIELDS {
        assert!(rankflow::fields::GROUPS.contains(&f.group), "{}: group {}", f.path, f.group);
    }
}

#[test]
fn every_default_in_the_table_is_the_validators() {
    for f in &FIELDS {
        let doc = base_for(f.path);
        let c = Config::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        let got = serde_json::to_value(&c).expect("serializes");
        let got = get(&got, f.path);
        let was_given = get(&doc, f.path);
        if !was_given.is_null() {
            continue; // the kind itself, or a value the base had to give
        }
        match f.default {
            FieldDefault::Number(v) => assert_eq!(got.as_f64(), Some(v), "{}", f.path),
            FieldDefault::Flag(b) => assert_eq!(got.as_bool().unwrap_or(false), b, "{}", f.path),
            FieldDefault::Text(t) if matches!(f.kind, Kind::Choice { .. }) => {
                assert_eq!(got.as_str().unwrap_or(t), t, "{}", f.path)
            }
            FieldDefault::Absent(_) => assert!(got.is_null(), "{} should be absent, is {got}", f.path),
            FieldDefault::Text(_) | FieldDefault::Derived(_) => {}
        }
    }
    // The derived defaults, as their texts say, on a 12×20 completion problem.
    let c = Config::from_json(r#"{"problem": {"kind": "completion", "n": 20, "m": 12}}"#).expect("valid");
    assert_eq!((c.model.width, c.problem.rank), (Some(20), Some(3)));
    let c = Config::from_json(r#"{"problem": {"kind": "sensing", "n": 6}}"#).expect("valid");
    assert_eq!((c.problem.m, c.problem.measurements), (Some(6), Some(4 * 3 * 12)));
}

#[test]
fn every_limit_in_the_table_is_where_the_validator_draws_it() {
    let mut checked = 0;
    for f in &FIELDS {
        let Some(r) = f.range else { continue };
        let integer = f.kind == Kind::Integer;
        let value = |x: f64| {
            let v = if integer { json!(x as u64) } else { json!(x) };
            if f.kind == Kind::List {
                json!([v])
            } else {
                v
            }
        };
        let run = |x: f64| Config::from_json(&with(base_for(f.path), f.path, value(x)).to_string());
        let step = |x: f64| if integer { 1.0 } else { x.abs().max(1e-300) * 1e-9 };
        // Inside at both ends (or just inside an open end), outside just beyond each end.
        for (inside, outside) in [
            (
                if r.lo_open { r.lo + step(r.lo.max(1e-300)) } else { r.lo },
                r.lo - if r.lo_open { 0.0 } else { step(r.lo) },
            ),
            (if r.hi_open { r.hi - step(r.hi) } else { r.hi }, r.hi + if r.hi_open { 0.0 } else { step(r.hi) }),
        ] {
            // Another rule may reject a value the range allows (observed fraction 1e-300 observes no entry),
            // but never this range.
            if let Err(e) = run(inside) {
                assert!(!e.message.contains(&r.text()), "{} = {inside} should be in range: {e}", f.path);
            }
            if integer && outside < 0.0 {
                continue; // not representable in the field's type: serde rejects it
            }
            let e = run(outside).err().unwrap_or_else(|| panic!("{} = {outside} should be rejected", f.path));
            let at = if f.kind == Kind::List { format!("{}[0]", f.path) } else { f.path.to_string() };
            assert_eq!(e.field, at, "{e}");
            assert!(e.message.contains(&r.text()), "{}: {e} should state {}", f.path, r.text());
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} limits checked");
}

#[test]
fn the_page_types_no_field_default_or_limit() {
    let root = env!("CARGO_MANIFEST_DIR");
    let html = std::fs::read_to_string(format!("{root}/www/index.html")).expect("index.html");
    assert!(!html.contains("data-field"), "index.html writes form controls; the form is built from the field table");
    for attr in ["min=", "max="] {
        for (i, _) in html.match_indices(attr) {
            let tag_start = html[..i].rfind('<').expect("inside a tag");
            let tag = &html[tag_start..i];
            assert!(
                ["id=\"speed\"", "id=\"scrub\"", "<progress"].iter().any(|ok| tag.contains(ok)),
                "index.html has a limit {attr} in {tag:?}: limits come from the core"
            );
        }
    }
    let mut js = vec![];
    for dir in ["www", "www/js"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).expect("www") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "js") {
                js.push((path.display().to_string(), std::fs::read_to_string(&path).expect("js")));
            }
        }
    }
    assert!(js.len() >= 10, "found {} JS files", js.len());
    for (file, text) in &js {
        // Top-level names (seed, steps, hessian) are also words and figure ids; the dotted paths are only fields.
        for f in FIELDS.iter().filter(|f| f.path.contains('.') || f.path == "record_every") {
            for quote in ['"', '\'', '`'] {
                let literal = format!("{quote}{}", f.path);
                assert!(
                    !text.contains(&literal),
                    "{file} names the field {} (the field table is the only list)",
                    f.path
                );
            }
        }
    }
}

#[test]
fn every_control_hide_names_is_marked_on_the_page() {
    let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html")).expect("index.html");
    let mut marked: Vec<&str> =
        html.split("data-control=\"").skip(1).map(|rest| rest.split('"').next().expect("closing quote")).collect();
    marked.sort_unstable();
    let mut known = rankflow::shell::url_state::CONTROLS.to_vec();
    known.sort_unstable();
    assert_eq!(marked, known, "the page's data-control names and url_state::CONTROLS differ");
}
