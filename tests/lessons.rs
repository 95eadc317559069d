//! Lessons: the shipped ones are valid and lead through the three papers; every prediction is answered by its own
//! run (exactly one choice holds the measure); a malformed lesson file is rejected with its field named.

use crate::common::finished;
use rankflow::lessons::{self, Moment};
use serde_json::{json, Value};
use std::process::Command;

/// tied-spectrum's config with the model at `depth`, as an experiment file's run.
fn experiment_at_depth(depth: u64) -> Value {
    let mut config =
        serde_json::to_value(&rankflow::experiment::presets::find("tied-spectrum").unwrap().runs[0].config).unwrap();
    config["model"]["depth"] = json!(depth);
    json!({"runs": [{"label": "d", "group": "d", "config": config}]})
}

fn first_look() -> Value {
    serde_json::from_str(include_str!("../src/lessons/first-look.json")).unwrap()
}

#[test]
fn shipped_lessons_lead_through_the_three_papers() {
    let all = lessons::all();
    assert_eq!(all.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["first-look", "implicit-bias"]);
    let first = lessons::find("first-look").unwrap();
    assert_eq!(first.steps.len(), 3);
    assert_eq!(first.steps[0].preset.as_deref(), Some("incremental"));
    let course = lessons::find("implicit-bias").unwrap();
    assert!((8..=12).contains(&course.steps.len()), "{} steps", course.steps.len());
    let presets: Vec<&str> = course.steps.iter().filter_map(|s| s.preset.as_deref()).collect();
    // Li, Luo & Lyu (GLRL, the counterexample, depth), Qian et al. (saddles), Liu et al. (noisy GD), in that order.
    let at = |name: &str| presets.iter().position(|p| *p == name).unwrap_or_else(|| panic!("no {name} step"));
    assert!(at("incremental") < at("glrl-equivalence"));
    assert!(at("glrl-equivalence") < at("counterexample"));
    assert!(at("counterexample") < at("noisy-gd"));
    at("saddle-to-saddle");
    at("depth-alpha");
    for l in &all {
        for (i, s) in l.steps.iter().enumerate() {
            assert!(s.text.chars().count() >= 80, "{} step {}: text too thin", l.name, i + 1);
            assert!(!rankflow::notation::has_tex(&s.text), "{} step {}: TeX in the text", l.name, i + 1);
        }
        assert!(l.steps.iter().filter(|s| s.predict.is_some()).count() >= l.steps.len() / 2, "{}", l.name);
    }
}

#[test]
fn every_prediction_is_answered_by_exactly_one_choice_of_its_run() {
    for l in lessons::all() {
        for (i, s) in l.steps.iter().enumerate() {
            let Some(p) = &s.predict else { continue };
            let exp = finished(s.preset.as_deref().expect("shipped steps are presets"));
            let a = p.answer(exp).unwrap_or_else(|e| panic!("{} step {}: {e}", l.name, i + 1));
            let holding: Vec<usize> = (0..p.choices.len()).filter(|&c| p.choices[c].holds(a.value)).collect();
            assert_eq!(holding.len(), 1, "{} step {}: {} holds on {:?}", l.name, i + 1, a.value, holding);
            assert_eq!(a.choice, Some(holding[0]));
            // The stop comes before the run's end (the future is still hidden when the question is asked).
            let stop = p.stop.step(exp).unwrap_or_else(|| panic!("{} step {}: never stops", l.name, i + 1));
            assert!(stop < exp.members[0].run.config.steps, "{} step {}", l.name, i + 1);
        }
    }
}

#[test]
fn the_answer_follows_the_run_not_the_file() {
    // The same question on runs that end differently gets different answers: a larger α ends nearer 3.8.
    let course = lessons::find("implicit-bias").unwrap();
    let step = course.steps.iter().find(|s| s.preset.as_deref() == Some("counterexample")).unwrap();
    let p = step.predict.as_ref().unwrap();
    let exp = finished("counterexample");
    assert_eq!(p.answer(exp).unwrap().choice, Some(2), "α = 1e-6 ends near GLRL's 10.2");
    let mut at_1e2 = p.clone();
    at_1e2.measure = lessons::Measure::Value(vec![json!("α = 1e-2"), json!("nuclear_norm")]);
    let a = at_1e2.answer(exp).unwrap();
    assert!((5.4..6.2).contains(&a.value), "{}", a.value);
    assert_eq!(a.choice, Some(1), "α = 1e-2 ends in between");
    assert_eq!(a.said, format!("‖W‖* ends at {}", rankflow::notation::number(a.value, 3)), "the number in its words");
    // A measure the read-out does not have is an error, not an answer.
    at_1e2.measure = lessons::Measure::Value(vec![json!("α = 1e-3"), json!("nuclear_norm")]);
    assert!(at_1e2.answer(exp).unwrap_err().contains("[\"α = 1e-3\", \"nuclear_norm\"]"));
    // A stop at "σ₁ learned" is the run's exact learned step.
    let inc = finished("incremental");
    assert_eq!(Moment::Learned(1).step(inc), inc.members[0].run.learned()[0]);
    assert_eq!(Moment::Learned(1).step(inc), Some(4064));
}

#[test]
fn malformed_lessons_name_the_field() {
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "lesson: expected an object"),
        (json!({"name": "x", "title": "t", "steps": [], "extra": 1}), "extra: unknown field"),
        (json!({"name": "X y", "title": "t", "steps": []}), "name: expected lowercase"),
        (json!({"name": "x", "title": "t", "steps": []}), "steps: expected 1 to 24 steps"),
        (json!({"name": "x", "title": "t"}), "steps: expected an array"),
    ];
    for (doc, want) in cases {
        let e = lessons::from_json(&doc.to_string()).unwrap_err();
        assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
    }
    let edit = |f: &dyn Fn(&mut Value), want: &str| {
        let mut doc = first_look();
        f(&mut doc);
        let e = lessons::from_json(&doc.to_string()).unwrap_err();
        assert!(e.starts_with(want), "{e:?} does not start with {want:?}");
    };
    edit(&|d| d["steps"][1]["preset"] = json!("nope"), "steps[1].preset: no preset \"nope\"; one of incremental");
    edit(&|d| d["steps"][0]["experiment"] = json!({"runs": []}), "steps[0]: give a preset or an experiment, not both");
    edit(&|d| d["steps"][0]["figure"] = json!("hessian"), "steps[0].figure: \"hessian\" is not a figure of this step");
    edit(&|d| d["steps"][0]["t"] = json!(50001), "steps[0].t: expected a step in [0, 50000]");
    edit(&|d| d["steps"][0]["text"] = json!("One. Two. Three. Four. Five."), "steps[0].text: at most 4 sentences");
    edit(
        &|d| d["steps"][0]["predict"]["stop"] = json!({"learned": 5}),
        "steps[0].predict.stop.learned: expected k in [1, 4]",
    );
    edit(&|d| d["steps"][0]["predict"]["stop"] = json!({"at": 3}), "steps[0].predict.stop: expected {\"step\": N}");
    edit(&|d| d["steps"][0]["predict"]["measure"] = json!("run"), "steps[0].predict.measure: expected a path");
    edit(
        &|d| d["steps"][0]["predict"]["says"] = json!("σ₂ comes later"),
        "steps[0].predict.says: expected the measured number's place, {}, once",
    );
    edit(
        &|d| d["steps"][0]["predict"]["choices"][1]["when"] = json!({"at_least": 1.0}),
        "steps[0].predict.choices[1].when: overlaps choices[0]",
    );
    edit(
        &|d| d["steps"][2]["predict"]["choices"][0]["when"] = json!({"at_least": 3, "below": 2}),
        "steps[2].predict.choices[0].when: at_least 3 is not below 2",
    );
    edit(&|d| d["steps"][2]["predict"]["choices"] = json!([]), "steps[2].predict.choices: expected 2 to 5 choices");
    edit(
        &|d| {
            d["steps"][1]["experiment"] =
                json!({"runs": [{"label": "a", "group": "a", "config": {"model": {"depth": 99}}}]})
        },
        "steps[1]: give a preset or an experiment, not both",
    );
    edit(
        &|d| {
            d["steps"][1].as_object_mut().unwrap().remove("preset");
            d["steps"][1].as_object_mut().unwrap().remove("predict");
            d["steps"][1]["experiment"] = experiment_at_depth(99);
        },
        "steps[1].experiment.runs[0].config.model.depth",
    );
    // A lecturer's own step: an experiment instead of a preset.
    let mut doc = first_look();
    let step = doc["steps"][1].as_object_mut().unwrap();
    step.remove("preset");
    step.remove("predict");
    step.insert("experiment".into(), experiment_at_depth(3));
    let l = lessons::from_json(&doc.to_string()).unwrap();
    assert_eq!(l.steps[1].experiment.runs[0].config.model.depth, 3);
}

#[test]
fn cli_lists_checks_and_answers_lessons() {
    let cli = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_rankflow")).args(args).output().unwrap();
    let o = cli(&["lesson"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("implicit-bias"));
    let dir = std::env::temp_dir().join(format!("rankflow-lessons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, first_look().to_string()).unwrap();
    let o = cli(&["lesson", "--check", good.to_str().unwrap(), "--answers"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("→ After a plateau, clearly later than σ₁"), "{out}");
    assert!(out.contains("→ Near GLRL's rank-one completion"), "{out}");
    let mut doc = first_look();
    doc["steps"][0]["figure"] = json!("nope");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, doc.to_string()).unwrap();
    let o = cli(&["lesson", "--check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("steps[0].figure: \"nope\" is not a figure"));
    let o = cli(&["lesson", "implicit-bias", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["steps"][0]["predict"]["stop"], json!({"learned": 1}));
    let o = cli(&["lesson", "nope"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A run held for a question stops at its moment, however the calls are sliced: a step moment exactly, "σ₁
/// learned" within one recording interval after the learned step (the step itself being the finished run's).
#[test]
fn a_question_holds_the_run_at_its_moment_and_no_later() {
    let preset = rankflow::experiment::presets::find("incremental").unwrap();
    let whole = finished("incremental");
    let learned = whole.members[0].run.learned()[0].expect("σ₁ is learned");
    let every = whole.members[0].run.config.record_every;
    for slice in [1, 37, 5_000] {
        let mut exp = preset.experiment();
        let moment = Moment::Learned(1);
        let (mut total, mut reached) = (0, false);
        while !reached {
            let (n, r) = moment.advance_to(&mut exp, slice);
            assert!(n > 0 || r, "slice {slice}: stuck at step {}", exp.members[0].run.step());
            (total, reached) = (total + n, r);
        }
        let at = exp.members[0].run.step();
        assert_eq!(total, at);
        assert!(at >= learned && at < learned + every, "slice {slice}: held at {at}, learned at {learned}");
        assert_eq!(moment.step(&exp), Some(learned), "the same learned step as the whole run's");
        assert_eq!(moment.advance_to(&mut exp, slice), (0, true), "held: no further step");
        assert!(exp.members[0].run.running(), "the future is still to run");
    }
    let mut exp = preset.experiment();
    assert_eq!(Moment::Step(0).advance_to(&mut exp, 10), (0, true));
    assert_eq!(Moment::Step(250).advance_to(&mut exp, 100), (100, false));
    assert_eq!(Moment::Step(250).advance_to(&mut exp, 1_000), (150, true));
    assert_eq!(exp.members[0].run.step(), 250);
}
