//! Config validation: every bad field is rejected with a message naming it and its allowed range.

use rankflow::config::parse_matrix_text;
use rankflow::Config;
use serde_json::{json, Value};

fn base() -> Value {
    json!({"seed": 1, "steps": 20000, "record_every": 20,
           "problem": {"kind": "completion", "n": 20, "rank": 3, "observed_fraction": 0.3, "psd": false},
           "model": {"depth": 3, "width": 20, "symmetric": false, "init": "gaussian", "init_scale": 1e-3},
           "optimizer": {"kind": "gd", "lr": 0.05}})
}

fn with(path: &[&str], value: Value) -> Value {
    let mut v = base();
    let mut cur = &mut v;
    for k in &path[..path.len() - 1] {
        cur = cur.get_mut(*k).unwrap();
    }
    cur.as_object_mut().unwrap().insert(path[path.len() - 1].to_string(), value);
    v
}

fn reject(cfg: Value, field: &str, fragment: &str) {
    match Config::from_json(&cfg.to_string()) {
        Ok(_) => panic!("accepted a bad config (expected {field}): {cfg}"),
        Err(e) => {
            assert_eq!(e.field, field, "wrong field for {cfg}: {e}");
            assert!(e.to_string().contains(fragment), "message {:?} lacks {fragment:?}", e.to_string());
        }
    }
}

#[test]
fn the_issue_example_is_valid_and_round_trips() {
    let cfg = Config::from_json(&base().to_string()).unwrap();
    let again = Config::from_json(&cfg.to_json()).unwrap();
    assert_eq!(cfg, again);
}

#[test]
fn defaults_are_filled_in() {
    let cfg = Config::from_json(r#"{"problem": {"kind": "full"}}"#).unwrap();
    assert_eq!((cfg.seed, cfg.steps, cfg.record_every), (1, 20000, 20));
    assert_eq!((cfg.problem.n, cfg.problem.m, cfg.problem.rank), (Some(20), Some(20), Some(3)));
    assert_eq!((cfg.model.depth, cfg.model.width), (3, Some(20)));
    let s = Config::from_json(r#"{"problem": {"kind": "sensing", "n": 10, "rank": 2}}"#).unwrap();
    assert_eq!(s.problem.measurements, Some(160));
}

#[test]
fn each_bad_field_is_named_with_its_range() {
    reject(with(&["seed"], json!(-1)), "seed", "u64");
    reject(with(&["seed"], json!(1u64 << 60)), "seed", "[0, 9007199254740991]");
    reject(with(&["steps"], json!(0)), "steps", "[1, 1000000000]");
    reject(with(&["steps"], json!(2.5)), "steps", "floating point");
    reject(with(&["record_every"], json!(0)), "record_every", "[1, 1000000]");
    reject(with(&["problem", "kind"], json!("tensor")), "problem.kind", "unknown variant `tensor`");
    reject(with(&["problem", "n"], json!(0)), "problem.n", "[1, 200]");
    reject(with(&["problem", "n"], json!(100000)), "problem.n", "[1, 200]");
    reject(with(&["problem", "n"], json!("20")), "problem.n", "invalid type: string");
    reject(with(&["problem", "m"], json!(201)), "problem.m", "[1, 200]");
    reject(with(&["problem", "rank"], json!(21)), "problem.rank", "[1, 20]");
    reject(with(&["problem", "rank"], json!(0)), "problem.rank", "[1, 20]");
    reject(with(&["problem", "observed_fraction"], json!(0)), "problem.observed_fraction", "(0, 1]");
    reject(with(&["problem", "observed_fraction"], json!(1.5)), "problem.observed_fraction", "(0, 1]");
    reject(with(&["problem", "observed_fraction"], json!(0.001)), "problem.observed_fraction", "observes no entry");
    reject(
        with(&["problem", "measurements"], json!(5)),
        "problem.measurements",
        "only used when problem.kind is \"sensing\"",
    );
    reject(
        with(&["problem", "singular_values"], json!([3.0, -1.0, 1.0])),
        "problem.singular_values[1]",
        "(0, 1000000]",
    );
    reject(with(&["problem", "singular_values"], json!([])), "problem.singular_values", "between 1 and min(m, n) = 20");
    reject(
        with(&["problem", "singular_values"], json!([3.0, 2.0])),
        "problem.rank",
        "is 3 but problem.singular_values lists 2",
    );
    reject(
        with(&["problem", "values"], json!([[1.0]])),
        "problem.values",
        "only used when problem.kind is \"entries\"",
    );
    reject(with(&["problem", "colour"], json!(1)), "problem.colour", "unknown field `colour`");
    let mut psd = with(&["problem", "psd"], json!(true));
    psd["problem"]["m"] = json!(10);
    reject(psd, "problem.psd", "must be square");
    reject(with(&["model", "depth"], json!(0)), "model.depth", "[1, 8]");
    reject(with(&["model", "depth"], json!(9)), "model.depth", "[1, 8]");
    reject(with(&["model", "width"], json!(0)), "model.width", "[1, 512]");
    reject(with(&["model", "width"], json!(513)), "model.width", "[1, 512]");
    reject(with(&["model", "init"], json!("zeros")), "model.init", "unknown variant `zeros`");
    reject(with(&["model", "init_scale"], json!(0.0)), "model.init_scale", "[1e-12, 10]");
    reject(with(&["model", "init_scale"], json!(1e300)), "model.init_scale", "[1e-12, 10]");
    reject(with(&["model", "symmetric"], json!(true)), "model.depth", "must be 2 for the symmetric model");
    reject(with(&["optimizer", "lr"], json!(0)), "optimizer.lr", "(0, 10000]");
    reject(with(&["optimizer", "lr"], json!(-0.1)), "optimizer.lr", "(0, 10000]");
    reject(with(&["optimizer", "kind"], json!("adam")), "optimizer.kind", "unknown variant `adam`");
    reject(with(&["optimizer", "momentum"], json!(0.9)), "optimizer.momentum", "unknown field `momentum`");
    reject(with(&["extra"], json!(1)), "extra", "unknown field `extra`");
    reject(with(&["optimizer", "noise"], json!([0.1])), "optimizer.noise", "unknown field `noise` for kind \"gd\"");
    reject(with(&["optimizer"], json!({"kind": "noisy_gd"})), "optimizer.noise", "missing field `noise`");
    reject(with(&["optimizer"], json!({"lr": 0.1})), "optimizer", "missing field `kind`");
    reject(with(&["optimizer", "tolerance"], json!("x")), "optimizer.tolerance", "invalid type: string");
    reject(with(&["problem", "singular_values"], json!([3.0, "x"])), "problem.singular_values[1]", "invalid type");
}

#[test]
fn syntax_errors_name_the_enclosing_field() {
    let e = Config::from_json("{\"problem\": {\"kind\": \"full\",}}").unwrap_err();
    assert_eq!((e.field.as_str(), e.message.starts_with("trailing comma")), ("problem", true), "{e}");
    let e = Config::from_json("{\"seed\": 1,\n \"model\": {\"depth\": 2,\n \"width\": }}").unwrap_err();
    assert_eq!(e.field, "model.width", "{e}");
    assert_eq!(Config::from_json("[1, 2]").unwrap_err().field, "config");
}

#[test]
fn work_per_step_cap_names_the_width() {
    let mut cfg = base();
    cfg["problem"]["n"] = json!(200);
    cfg["model"]["width"] = json!(512);
    cfg["model"]["depth"] = json!(8);
    reject(cfg.clone(), "model.width", "costs 2010 MFLOP per step; at most 200 are allowed");
    // The benchmark's largest workload (n = 200, L = 4) is allowed.
    cfg["model"]["width"] = json!(200);
    cfg["model"]["depth"] = json!(4);
    assert!(Config::from_json(&cfg.to_string()).is_ok());
}

#[test]
fn entries_problems() {
    let ok = json!({"problem": {"kind": "entries", "values": [[null, 1, 1], [1, null, 0.1], [1, 0.1, null]]},
                    "model": {"depth": 2, "symmetric": true}});
    let cfg = Config::from_json(&ok.to_string()).unwrap();
    assert_eq!(cfg.dims(), (3, 3));
    let bad = |values: Value| json!({"problem": {"kind": "entries", "values": values}});
    reject(bad(json!([[1, 2], [3]])), "problem.values[1]", "has 1 entries but row 0 has 2");
    reject(bad(json!([[null, null]])), "problem.values", "observes no entry");
    reject(bad(json!([])), "problem.values", "row count must be an integer in [1, 50]");
    reject(bad(json!([[1, 2e7]])), "problem.values[0][1]", "[-1000000, 1000000]");
    reject(bad(json!([["a"]])), "problem.values[0][0]", "invalid type: string");
    reject(json!({"problem": {"kind": "entries"}}), "problem.values", "is required");
    reject(
        json!({"problem": {"kind": "entries", "n": 3, "values": [[1]]}}),
        "problem.n",
        "not used when problem.kind is \"entries\"",
    );
}

#[test]
fn malformed_json_and_huge_input_are_rejected_not_panicked() {
    for text in ["", "{", "[]", "null", "{\"problem\": 3}", "{\"seed\": NaN}", &"[".repeat(10_000)] {
        let e = Config::from_json(text).unwrap_err();
        assert!(!e.message.is_empty(), "{text:?}");
    }
    let huge = format!("{{\"problem\": {{\"kind\": \"full\"}}, \"pad\": \"{}\"}}", "x".repeat(2 << 20));
    reject(serde_json::from_str::<Value>(&huge).unwrap(), "config", "bytes");
}

#[test]
fn matrix_text_parses_and_explains_errors() {
    let v = parse_matrix_text("? 1 1 / 1 ? 0.1 / 1 0.1 ?").unwrap();
    assert_eq!(
        v,
        vec![vec![None, Some(1.0), Some(1.0)], vec![Some(1.0), None, Some(0.1)], vec![Some(1.0), Some(0.1), None]]
    );
    assert_eq!(parse_matrix_text("1,2\n3,?").unwrap(), vec![vec![Some(1.0), Some(2.0)], vec![Some(3.0), None]]);
    let e = parse_matrix_text("1 2 / 3").unwrap_err();
    assert_eq!(e.to_string(), "problem.values: row 2 has 1 entries but row 1 has 2");
    let e = parse_matrix_text("1 <script>").unwrap_err();
    assert!(e.to_string().contains("row 1, entry 2: \"<script>\" is not ? or a number"), "{e}");
    assert!(parse_matrix_text("  / ").is_err());
    assert!(parse_matrix_text("1 inf").is_err());
}
