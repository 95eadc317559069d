//! Hostile input: ≥ 10,000 random and adversarial configs, matrix texts and URLs. Nothing panics, every
//! rejection names a field and says why, every accepted config really runs.

use rankflow::config::{parameter_count, parse_matrix_text, Config};
use rankflow::dynamics::sampling::Sampler;
use rankflow::experiment::presets;
use rankflow::shell::url_state;
use rankflow::Run;
use serde_json::{json, Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

const HOSTILE_STRINGS: [&str; 14] = [
    "",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-0",
    "0x10",
    "𝔲𝔫𝔦𝔠𝔬𝔡𝔢",
    "?",
    "null",
    "../../etc/passwd",
    "%00%ff",
];

fn hostile_number(s: &mut Sampler) -> Value {
    match s.below(10) {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1e308),
        3 => json!(-1e308),
        4 => json!(u64::MAX),
        5 => json!(i64::MIN),
        6 => json!(5e-324),
        7 => json!(s.uniform() * 1000.0 - 500.0),
        8 => json!(s.below(300)),
        _ => json!(1.5),
    }
}

fn random_value(s: &mut Sampler, depth: usize) -> Value {
    match s.below(if depth > 4 { 4 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(s.below(2) == 0),
        2 => hostile_number(s),
        3 => Value::String(HOSTILE_STRINGS[s.below(HOSTILE_STRINGS.len())].to_string()),
        4 => Value::Array((0..s.below(5)).map(|_| random_value(s, depth + 1)).collect()),
        _ => {
            let keys = [
                "kind",
                "n",
                "m",
                "rank",
                "depth",
                "lr",
                "values",
                "noise",
                "seed",
                "steps",
                "problem",
                "model",
                "optimizer",
                "x",
            ];
            let mut m = Map::new();
            for _ in 0..s.below(6) {
                m.insert(keys[s.below(keys.len())].to_string(), random_value(s, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// Replaces one random leaf (or inserts one random key) somewhere in `v`.
fn mutate(v: &mut Value, s: &mut Sampler) {
    match v {
        Value::Object(m) if !m.is_empty() && s.below(4) != 0 => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = &keys[s.below(keys.len())];
            mutate(m.get_mut(k).unwrap(), s);
        }
        Value::Object(m) => {
            m.insert(["extra", "n", "noise", "values", "width"][s.below(5)].to_string(), random_value(s, 3));
        }
        Value::Array(a) if !a.is_empty() && s.below(3) != 0 => {
            let i = s.below(a.len());
            mutate(&mut a[i], s);
        }
        // Often a plausible value, so that many mutants are valid and get run too.
        Value::Number(_) if s.below(2) == 0 => {
            *v = if s.below(2) == 0 { json!(1 + s.below(12)) } else { json!(10f64.powf(-3.0 + 4.0 * s.uniform())) }
        }
        other => *other = random_value(s, 3),
    }
}

fn check_config_text(text: &str, accepted: &mut usize) {
    let result = catch_unwind(AssertUnwindSafe(|| Config::from_json(text)));
    match result {
        Err(_) => panic!("Config::from_json panicked on {:?}", &text[..text.len().min(200)]),
        Ok(Err(e)) => {
            assert!(
                !e.field.is_empty() && !e.message.is_empty(),
                "empty rejection for {:?}",
                &text[..text.len().min(200)]
            );
        }
        Ok(Ok(cfg)) => {
            *accepted += 1;
            let (m, n) = cfg.dims();
            let small = parameter_count(m, n, cfg.model.width.unwrap(), cfg.model.depth, cfg.model.symmetric) <= 5_000
                && cfg.problem.measurements.unwrap_or(0) * m * n <= 200_000;
            if small {
                let ran = catch_unwind(AssertUnwindSafe(|| {
                    let mut run = Run::new(cfg.clone());
                    run.advance(3);
                    run.measure()
                }));
                assert!(ran.is_ok(), "an accepted config panicked when run: {}", cfg.to_json());
            }
        }
    }
}

#[test]
fn ten_thousand_hostile_configs_never_panic() {
    let mut s = Sampler::new(2024);
    let mut tried = 0;
    let mut accepted = 0;
    let bases: Vec<Value> =
        presets::all().iter().flat_map(|p| p.runs.iter().map(|r| serde_json::to_value(&r.config).unwrap())).collect();
    // Mutations of every valid preset config.
    for _ in 0..6000 {
        let mut v = bases[s.below(bases.len())].clone();
        for _ in 0..1 + s.below(3) {
            mutate(&mut v, &mut s);
        }
        check_config_text(&v.to_string(), &mut accepted);
        tried += 1;
    }
    // Random JSON documents.
    for _ in 0..4000 {
        let v = random_value(&mut s, 0);
        check_config_text(&v.to_string(), &mut accepted);
        tried += 1;
    }
    // Syntactic garbage and size attacks.
    let mut special = vec![
        String::new(),
        "{".into(),
        "}".into(),
        "[".repeat(100_000),
        "{\"a\":".repeat(50_000),
        format!("{{\"problem\": {{\"kind\": \"full\"}}, \"x\": \"{}\"}}", "y".repeat(10 << 20)),
        "{\"seed\": NaN}".into(),
        "{\"seed\": Infinity}".into(),
        "{\"problem\": {\"kind\": \"full\", \"n\": 1e400}}".into(),
        "\u{0}\u{1}\u{2}".into(),
        "<script>alert(1)</script>".into(),
    ];
    special.extend(HOSTILE_STRINGS.iter().map(|s| s.to_string()));
    for text in &special {
        check_config_text(text, &mut accepted);
        tried += 1;
    }
    assert!(tried >= 10_000);
    assert!(accepted > 100, "the fuzzer should also produce valid configs ({accepted})");
    eprintln!("configs: {tried} tried, {accepted} accepted and run");
}

#[test]
fn hostile_matrix_texts_and_urls_never_panic() {
    let mut s = Sampler::new(7);
    let alphabet = ["?", "1", "-2.5", "1e9", "nan", "inf", " ", "/", ";", ",", "\n", "<b>", "0", "x", "%", "&", "="];
    let mut tried = 0;
    for _ in 0..5000 {
        let text: String = (0..s.below(60)).map(|_| alphabet[s.below(alphabet.len())]).collect();
        let r = catch_unwind(|| parse_matrix_text(&text));
        match r {
            Err(_) => panic!("parse_matrix_text panicked on {text:?}"),
            Ok(Err(e)) => assert!(e.field == "problem.values" && !e.message.is_empty()),
            Ok(Ok(rows)) => assert!(rows.iter().all(|r| r.len() == rows[0].len())),
        }
        tried += 1;
    }
    let keys = [
        "preset",
        "embed",
        "speed",
        "model.depth",
        "problem.kind",
        "problem.values",
        "optimizer.noise",
        "seed",
        "<img>",
        "problem.n",
        "optimizer.kind",
        "model.symmetric",
    ];
    for _ in 0..5000 {
        let q: Vec<String> = (0..s.below(8))
            .map(|_| {
                let v: String = (0..s.below(12)).map(|_| alphabet[s.below(alphabet.len())]).collect();
                format!("{}={}", keys[s.below(keys.len())], v)
            })
            .collect();
        let q = q.join("&");
        let state =
            catch_unwind(|| url_state::parse(&q)).unwrap_or_else(|_| panic!("url_state::parse panicked on {q:?}"));
        // Whatever came in, the state is a valid, runnable config.
        assert!(state.config.clone().validated().is_ok(), "{q}");
        tried += 1;
    }
    let huge = format!("model.depth={}", "9".repeat(200_000));
    assert!(!url_state::parse(&huge).messages.is_empty());
    assert!(tried >= 10_000);
}
