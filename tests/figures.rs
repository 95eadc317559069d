//! The figure model, checked against the science: every preset's `claim` figure carries the numbers its
//! claim states, every figure exports, no TeX reaches the reader, and each number a preset's explanation
//! states is within 2 % of what the preset measures.

use rankflow::claims::{self, escape_time, saddles, staircase};
use rankflow::experiment::{presets, Experiment};
use rankflow::figure::build::Options;
use rankflow::figure::render::Style;
use rankflow::figure::{export, Drawing, Figure};
use rankflow::notation::has_tex;

fn finished(name: &str) -> (presets::Preset, &'static Experiment) {
    (presets::find(name).expect("preset"), crate::common::finished(name))
}

fn chart(exp: &Experiment, id: &str) -> Figure {
    match claims::drawing(exp, id, Options::default()) {
        Some(Drawing::Chart(f)) => f,
        other => panic!("{id}: {other:?}"),
    }
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-9 * y.abs().max(1.0))
}

fn last_y(f: &Figure, label: &str) -> f64 {
    let s = f.series.iter().find(|s| s.label == label).unwrap_or_else(|| panic!("no series {label:?} in {}", f.id));
    s.points.iter().flatten().last().expect("points").1
}

/// Parses a number as the explanations write it: 4.1k, 1.3e-3, −0.54, 26.9.
fn parse(text: &str) -> f64 {
    let t = text.replace('−', "-");
    let (t, unit) = match t.strip_suffix('k') {
        Some(x) => (x.to_string(), 1e3),
        None => (t, 1.0),
    };
    t.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {text}")) * unit
}

/// The explanation states `text` and it is within 2 % of `measured`.
fn stated(p: &presets::Preset, text: &str, measured: f64) {
    assert!(p.explanation.contains(text), "{}: explanation does not state {text:?}", p.name);
    let v = parse(text);
    assert!((v - measured).abs() <= 0.02 * measured.abs(), "{}: states {text} but measures {measured}", p.name);
}

/// Checks shared by every preset: ids, export, no TeX, captions, legend names every run group.
fn common(p: &presets::Preset, exp: &Experiment) {
    let ids = claims::figure_ids(exp);
    let claim = claims::of(exp).expect("every preset states a claim");
    let lead: &[&str] = if claim.leads() { &["claim", "singular_values"] } else { &["singular_values", "claim"] };
    assert!(ids.starts_with(lead) && ids.contains(&"loss") && ids.contains(&"matrices"), "{}: {ids:?}", p.name);
    for d in claims::drawings(exp, Options::default()) {
        let svg =
            export::to_svg(&d, 900, 500, Style::default()).unwrap_or_else(|e| panic!("{} {}: {e}", p.name, d.id()));
        assert!(svg.contains("<svg") && svg.len() > 1000);
        for text in [d.title(), d.caption()] {
            assert!(!text.is_empty() && !has_tex(text), "{} {}: {text:?}", p.name, d.id());
        }
        if let Drawing::Chart(f) = &d {
            for e in &f.legend {
                assert!(!has_tex(&e.label), "{}: legend {:?}", p.name, e.label);
            }
            for r in f.references.iter().filter_map(|r| r.label.as_ref()).chain(f.marks.iter().map(|m| &m.label)) {
                assert!(!has_tex(r), "{}: label {r:?}", p.name);
            }
        }
    }
    assert!(!has_tex(&p.explanation) && !has_tex(&p.title), "{}", p.name);
    let sv = chart(exp, "singular_values");
    // Every run is named in the legend: by its label, or by its group when it shares one (seeds of a depth).
    for m in &exp.members {
        if exp.members.len() > 1 {
            let alone = exp.members.iter().filter(|o| o.group == m.group).count() == 1;
            let name = if alone { &m.label } else { &m.group };
            assert!(sv.legend.iter().any(|e| &e.label == name), "{}: no legend entry for {name}", p.name);
        }
    }
    assert_eq!(sv.x.range.map(|r| r.1), Some(exp.members.iter().map(|m| m.run.config.steps).max().unwrap() as f64));
}

#[test]
fn before_the_first_step_every_figure_shows_step_zero_over_the_planned_run() {
    for p in presets::all() {
        let exp = p.experiment();
        let sv = chart(&exp, "singular_values");
        let planned = p.runs.iter().map(|r| r.config.steps).max().unwrap() as f64;
        assert_eq!(sv.x.range, Some((1.0, planned)), "{}", p.name);
        // Step 0 is drawn (at the left edge of the log axis) for every singular value of every run.
        let first: Vec<f64> = sv.series.iter().filter_map(|s| s.points.iter().flatten().next().map(|q| q.0)).collect();
        assert!(!first.is_empty() && first.iter().all(|&x| x == 1.0), "{}: {first:?}", p.name);
        // (GLRL runs to its end first where GD is measured against it.)
        if exp.members.iter().all(|m| m.run.step() == 0) {
            assert!(sv.caption.contains("step 0"), "{}: {}", p.name, sv.caption);
        }
    }
}

#[test]
fn incremental_marks_each_learned_value_and_states_its_steps() {
    let (p, exp) = finished("incremental");
    common(&p, exp);
    let sv = chart(exp, "singular_values");
    let steps = exp.members[0].run.learned();
    assert_eq!(sv.marks.len(), 4);
    for (mark, step) in sv.marks.iter().zip(&steps) {
        assert_eq!(mark.x, step.unwrap() as f64);
    }
    assert_eq!(sv.marks[1].label, format!("σ₂ · {}", rankflow::notation::step(steps[1].unwrap() as f64)));
    for (text, s) in ["4.1k", "6.4k", "9.6k", "35k"].iter().zip(&steps) {
        stated(&p, text, s.unwrap() as f64);
    }
    // The staircase's references are ½(sₖ₊₁² + … + sᵣ²)/mn.
    let claim = chart(exp, "claim");
    let levels: Vec<f64> = claim.references.iter().map(|r| r.y).collect();
    let expect = staircase::plateau_levels(&[12.0, 6.0, 3.0, 1.5], 1.0 / 900.0);
    assert!(close(&levels, &expect), "{levels:?}");
    assert!((expect[0] - 0.5 * (144.0 + 36.0 + 9.0 + 2.25) / 900.0).abs() < 1e-12);
    assert!(
        sv.caption.starts_with("σ₁…σ₄ learned at steps 4.06k, 6.43k, 9.64k, 35.1k; the other 26 stay below"),
        "{}",
        sv.caption
    );
}

#[test]
fn incremental_depth_learns_later_and_sharper_with_depth() {
    let (p, exp) = finished("incremental-depth");
    common(&p, exp);
    let sv = chart(exp, "singular_values");
    assert_eq!(sv.marks.len(), 12, "four milestones per depth");
    let learned: Vec<Vec<f64>> =
        exp.members.iter().map(|m| m.run.learned().iter().map(|s| s.unwrap() as f64).collect()).collect();
    for (text, v) in [("170", learned[0][0]), ("2.3k", learned[1][0]), ("3k", learned[2][0])] {
        stated(&p, text, v);
    }
    for (text, v) in [("1.1k", learned[0][3]), ("19.5k", learned[1][3]), ("37.5k", learned[2][3])] {
        stated(&p, text, v);
    }
}

#[test]
fn glrl_distance_floor_drops_as_alpha_shrinks() {
    let (p, exp) = finished("glrl-equivalence");
    common(&p, exp);
    let claim = chart(exp, "claim");
    assert!(claim.y.log);
    let ends: Vec<f64> = ["GD α = 1e-2", "GD α = 1e-4", "GD α = 1e-6"]
        .iter()
        .map(|l| last_y(&claim, &format!("{l} distance")))
        .collect();
    assert!(ends[0] > ends[1] && ends[1] > ends[2], "{ends:?}");
    assert!(ends[2] < 0.05, "{ends:?}");
    let t = exp.observer::<rankflow::experiment::glrl_path::Tracker>().expect("tracker");
    let far: Vec<f64> = t.farthest_escaped[1..].iter().map(|d| d.expect("left W(0)'s scale")).collect();
    for (text, w) in ["0.125", "0.061", "0.027"].iter().zip(&far) {
        stated(&p, text, *w);
    }
    let alpha = chart(exp, "glrl_alpha");
    assert!(alpha.x.log && alpha.y.log);
    // GLRL's output is the target here: the end point is not drawn against it, and the caption says why.
    assert!(alpha.ys("final distance to GLRL's output").is_none());
    assert!(alpha.caption.contains("GLRL's output is the target itself"), "{}", alpha.caption);
    let largest = alpha.ys("largest distance to GLRL's path").unwrap();
    assert!(close(&largest, &[far[2], far[1], far[0]]), "{largest:?} {far:?}");
}

#[test]
fn counterexample_norms_end_in_order_between_the_two_references() {
    let (p, exp) = finished("counterexample");
    common(&p, exp);
    let claim = chart(exp, "claim");
    let ends: Vec<f64> =
        ["α = 1e-2", "α = 1e-4", "α = 1e-6"].iter().map(|l| last_y(&claim, &format!("{l} ‖W‖*"))).collect();
    let refs: Vec<f64> = claim.references.iter().map(|r| r.y).collect();
    let (lo, hi) = (refs.iter().copied().fold(f64::INFINITY, f64::min), refs.iter().copied().fold(0.0, f64::max));
    assert!((lo - 3.8).abs() < 0.01 && (hi - 10.2).abs() < 1e-3, "{refs:?}");
    assert!(lo < ends[0] && ends[0] < ends[1] && ends[1] < ends[2] && ends[2] < hi, "{ends:?} between {lo} and {hi}");
    for (text, v) in [("5.78", ends[0]), ("8.05", ends[1]), ("9.76", ends[2]), ("3.8", lo), ("10.2", hi)] {
        stated(&p, text, v);
    }
}

#[test]
fn depth_alpha_exponents_match_the_predictions() {
    let (p, exp) = finished("depth-alpha");
    common(&p, exp);
    let claim = chart(exp, "claim");
    assert!(claim.x.log && claim.y.log);
    let v = claims::readout(exp).values;
    for (group, text, want) in [("L = 2", "0.492", 0.5), ("L = 3", "0.993", 1.0), ("L = 4", "1", 1.0)] {
        let fitted = v[group]["exponent"].as_f64().unwrap();
        assert!((fitted - want).abs() < 0.05, "{group}: exponent {fitted}");
        stated(&p, text, fitted);
        let predicted = claim.ys(&format!("{group} predicted")).expect("prediction");
        let medians = claim.ys(&format!("{group} median")).expect("medians");
        assert_eq!(medians.len(), 3);
        for (m, q) in medians.iter().zip(&predicted) {
            assert!(m / q < 3.0 && q / m < 3.0, "{group}: median {m} vs predicted {q}");
        }
    }
    // The predictions the explanation states, at w₀ = 1e-6 (the middle point).
    for (group, text) in [("L = 2", "1e-3"), ("L = 3", "8e-6"), ("L = 4", "4e-6")] {
        stated(&p, text, claim.ys(&format!("{group} predicted")).unwrap()[1]);
    }
}

#[test]
fn saddle_to_saddle_draws_lambda_min_on_its_own_axis_at_minus_s() {
    let (p, exp) = finished("saddle-to-saddle");
    common(&p, exp);
    let claim = chart(exp, "claim");
    assert!(!claim.y.log && claim.series.iter().all(|s| s.label.ends_with("λₘᵢₙ")), "λₘₐₓ lives in the hessian figure");
    let refs: Vec<f64> = claim.references.iter().map(|r| r.y).collect();
    assert!(close(&refs, &[-10.0, -5.0, -2.5, -1.25]), "{refs:?}");
    let labels: Vec<String> = claim.bands.iter().filter_map(|b| b.label.clone()).collect();
    assert!(labels.starts_with(&["k = 1".into(), "k = 2".into(), "k = 3".into(), "k = 4".into()]), "{labels:?}");
    let hessian = chart(exp, "hessian");
    assert!(hessian.series.iter().all(|s| s.label.ends_with("λₘₐₓ")));
    let curv: Vec<Vec<f64>> = exp
        .members
        .iter()
        .map(|m| {
            let s = m.run.trace.samples();
            let stages = saddles::visits(s, &staircase::plateau_levels(&[10.0, 5.0, 2.5, 1.25], 1.0));
            assert_eq!(stages.len(), 4, "{}: every stage visited", m.label);
            saddles::curvature(s, &stages).into_iter().flatten().collect()
        })
        .collect();
    for (text, v) in [("−10", curv[0][0]), ("−5", curv[0][1]), ("−2.5", curv[0][2]), ("−1.25", curv[0][3])] {
        stated(&p, text, v);
    }
    let deep_min = curv[1].iter().copied().fold(0.0, f64::min);
    let deep_max = curv[1].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    stated(&p, "−0.54", deep_min);
    stated(&p, "−0.022", deep_max);
    let levels = staircase::plateau_levels(&[10.0, 5.0, 2.5, 1.25], 1.0);
    for (text, v) in ["66.4", "16.4", "3.91", "0.79"].iter().zip(&levels) {
        stated(&p, text, *v);
    }
}

#[test]
fn noisy_gd_ratio_ends_on_its_reference_and_plain_gd_conserves_the_gap() {
    let (p, exp) = finished("noisy-gd");
    common(&p, exp);
    let claim = chart(exp, "claim");
    let predicted = claim
        .references
        .iter()
        .find(|r| r.label.as_deref().is_some_and(|l| l.starts_with("predicted")))
        .expect("reference");
    assert_eq!(predicted.y, 2.0);
    // From either imbalance, noisy GD ends within 3 % of the prediction; plain GD keeps its start.
    let noisy = last_y(&claim, "noisy GD from W₂ ≫ W₁ ‖W₂‖/‖W₁‖");
    let reversed = last_y(&claim, "noisy GD from W₁ ≫ W₂ ‖W₂‖/‖W₁‖");
    for r in [noisy, reversed] {
        assert!((r - 2.0).abs() < 0.03 * 2.0, "noisy ratio {r}");
    }
    let plain = last_y(&claim, "plain GD from W₂ ≫ W₁ ‖W₂‖/‖W₁‖");
    let plain_reversed = last_y(&claim, "plain GD from W₁ ≫ W₂ ‖W₂‖/‖W₁‖");
    assert!(plain > 5.0 && plain_reversed < 0.2, "plain GD ratios {plain}, {plain_reversed}");
    let mut gaps = vec![];
    for start in ["W₂ ≫ W₁", "W₁ ≫ W₂"] {
        let label = format!("plain GD from {start} ‖W₂‖² − ‖W₁‖²");
        let gap = claim.series.iter().find(|s| s.label == label).expect("conserved gap");
        let g: Vec<f64> = gap.points.iter().flatten().map(|q| q.1).collect();
        let (gmin, gmax) =
            (g.iter().copied().fold(f64::INFINITY, f64::min), g.iter().copied().fold(f64::MIN, f64::max));
        assert!((gmax - gmin) < 0.01 * gmax.abs(), "{label} moved from {gmin} to {gmax}");
        gaps.push(*g.last().unwrap());
    }
    for (text, v) in [
        ("1.98", noisy),
        ("1.98", reversed),
        ("6.22", plain),
        ("0.148", plain_reversed),
        ("23.6", gaps[0]),
        ("−29.7", gaps[1]),
    ] {
        stated(&p, text, v);
    }
}

#[test]
fn norms_diverge_grows_w11_while_the_ratio_vanishes() {
    let (p, exp) = finished("norms-diverge");
    common(&p, exp);
    let claim = chart(exp, "claim");
    for (label, stated_text) in [("L = 2", "26.9"), ("L = 3", "45")] {
        let w11 = claim.series.iter().find(|s| s.label == format!("{label} |W₁₁|")).expect("|W₁₁|");
        let pts: Vec<f64> = w11.points.iter().flatten().map(|q| q.1).collect();
        let n = pts.len();
        assert!(pts[n - 1] > pts[n / 2] && pts[n / 2] > pts[n / 4], "{label}: |W₁₁| not growing");
        assert!(last_y(&claim, &format!("{label} σ₂/σ₁")) < 1e-3);
        stated(&p, stated_text, pts[n - 1]);
    }
}

#[test]
fn full_staircase_plateaus_sit_on_the_predicted_levels() {
    let (p, exp) = finished("full-staircase");
    common(&p, exp);
    let claim = chart(exp, "claim");
    let refs: Vec<f64> = claim.references.iter().map(|r| r.y).collect();
    assert!(close(&refs, &staircase::plateau_levels(&[10.0, 5.0, 2.5, 1.25], 1.0)), "{refs:?}");
    let levels: Vec<f64> = claim
        .bands
        .iter()
        .map(|b| {
            let s = exp.members[0].run.trace.samples();
            s.iter().find(|q| q.step as f64 >= b.x0).expect("a sample on the band").loss
        })
        .collect();
    assert_eq!(levels.len(), 4, "{levels:?}");
    for ((l, r), text) in levels.iter().zip(&refs).zip(["66.4", "16.4", "3.91", "0.79"]) {
        assert!((l - r).abs() < 0.02 * r, "plateau {l} vs predicted {r}");
        stated(&p, text, *l);
    }
}

#[test]
fn sensing_marks_three_values() {
    let (p, exp) = finished("sensing");
    common(&p, exp);
    let sv = chart(exp, "singular_values");
    assert_eq!(sv.marks.len(), 3);
    for (text, m) in ["1.9k", "4.3k", "9.5k"].iter().zip(&sv.marks) {
        stated(&p, text, m.x);
    }
}

#[test]
fn png_export_needs_no_system_font() {
    let exp = presets::find("counterexample").unwrap().experiment();
    let d = claims::drawing(&exp, "singular_values", Options::default()).unwrap();
    let path = std::env::temp_dir().join(format!("rankflow-fig-{}.png", std::process::id()));
    export::to_png(&d, &path, 640, 400, Style::default()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).ok();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn escape_time_slopes_match_the_predicted_laws() {
    let (p, exp) = finished("escape-time");
    common(&p, exp);
    let claim = chart(exp, "claim");
    assert!(claim.x.log && claim.y.log, "log–log axes");
    let times = escape_time::escape_times(exp);
    assert_eq!(times.iter().map(|e| e.depth).collect::<Vec<_>>(), [2, 3, 4]);
    for e in &times {
        assert_eq!(e.points.len(), 4, "{}: every α learns σ₁", e.group);
        let (fitted, predicted) = (e.fitted.unwrap(), e.predicted.unwrap());
        assert!((fitted / predicted - 1.0).abs() < 0.15, "{}: fitted {fitted}, predicted {predicted}", e.group);
        assert!(claim.series.iter().any(|s| s.label == format!("{} predicted", e.group)));
    }
    // Depth 2: ln 10/(η s) = 115 steps per decade.
    assert!((times[0].predicted.unwrap() - std::f64::consts::LN_10 / 0.02).abs() < 1e-9);
    for (text, v) in
        [("116", times[0].fitted.unwrap()), ("−1.02", times[1].fitted.unwrap()), ("−1.99", times[2].fitted.unwrap())]
    {
        stated(&p, text, v);
    }
}

#[test]
fn tied_top_values_are_learned_together_and_the_third_later() {
    let (p, exp) = finished("tied-spectrum");
    common(&p, exp);
    let steps: Vec<f64> = exp.members[0].run.learned().into_iter().map(|s| s.expect("learned") as f64).collect();
    assert!(steps[1] <= 1.15 * steps[0], "tied values apart: {steps:?}");
    assert!(steps[2] >= 2.0 * steps[1], "third not later: {steps:?}");
    for (text, v) in [("300", steps[0]), ("330", steps[1]), ("855", steps[2])] {
        stated(&p, text, v);
    }
}

#[test]
fn fewer_observations_deeper_recovers_first() {
    let (p, exp) = finished("fewer-observations");
    common(&p, exp);
    let claim = chart(exp, "claim");
    assert!(!claim.x.log && claim.y.log);
    let v = claims::readout(exp).values;
    let median = |g: &str, n: usize| {
        v[g]["medians"].as_array().unwrap().iter().find(|m| m["observed"] == n).unwrap()["median"].as_f64().unwrap()
    };
    for (g, from) in [("L = 3", Some(160)), ("L = 4", Some(160)), ("L = 2", None), ("minimum nuclear norm", Some(240))]
    {
        assert_eq!(v[g]["recovered_from"].as_u64(), from.map(|x| x as u64), "{g}");
    }
    for (text, g, n) in [
        ("4.6e-3", "L = 3", 160),
        ("8.4e-4", "L = 4", 160),
        ("0.2", "L = 2", 160),
        ("0.28", "minimum nuclear norm", 160),
        ("0.0131", "L = 2", 240),
    ] {
        stated(&p, text, median(g, n));
    }
    // A band per depth and the convex curve, dashed.
    assert_eq!(claim.areas.len(), 3);
    assert!(claim.series.iter().any(|s| s.label == "minimum nuclear norm"));
}

/// The W heatmap is never a blank square: at step 0 (entries ~1e-7, the target's ~1) W and the target each have
/// their own colour scale, its largest |entry|, stated in the panel's title.
#[test]
fn heatmaps_put_each_matrix_on_its_own_stated_scale() {
    use rankflow::figure::{build, Panel};
    let exp = presets::find("incremental").unwrap().experiment();
    let m = build::matrices(&exp, None);
    let scales: Vec<(String, f64, f64)> = m
        .panels
        .iter()
        .filter_map(|p| match p {
            Panel::Values { title, matrix, scale } => {
                Some((title.clone(), *scale, matrix.iter().fold(0.0f64, |a, v| a.max(v.abs()))))
            }
            Panel::Mask { .. } => None,
        })
        .collect();
    assert_eq!(scales.len(), 2, "W and the target");
    for (title, scale, largest) in &scales {
        assert_eq!(scale, largest, "{title}: full colour at its own largest entry");
        assert!(title.ends_with(&format!("(±{})", rankflow::notation::number(*largest, 2))), "{title}");
    }
    assert!(scales[0].1 < 1e-3 && scales[1].1 > 1.0, "W starts tiny, the target does not: {scales:?}");
    assert!(m.caption.contains("each on its own scale"), "{}", m.caption);
}
