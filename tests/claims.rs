//! The papers' claims, checked in numbers (science.md: claims 2, 3, 4, 6, 7 and the test oracles).

use crate::common::finished;
use nalgebra::{DMatrix, DVector};
use rankflow::claims::glrl_equivalence;
use rankflow::dynamics::landscape::hessian_extremes;
use rankflow::dynamics::model::Model;
use rankflow::dynamics::problem::Problem;
use rankflow::dynamics::sampling::Sampler;
use rankflow::experiment::glrl_path::Tracker;
use rankflow::experiment::presets;
use rankflow::experiment::Experiment;
use rankflow::{Config, Run};
use serde_json::{json, Value};

fn run(cfg: Value) -> Run {
    let mut r = Run::new(Config::from_json(&cfg.to_string()).unwrap());
    let steps = r.config.steps;
    r.advance(steps);
    r
}

#[test]
fn counterexample_nuclear_norm_grows_as_alpha_shrinks_and_baseline_is_3_8() {
    let exp = finished("counterexample");
    let v = rankflow::claims::readout(exp).values;
    let nn: Vec<f64> =
        ["α = 1e-2", "α = 1e-4", "α = 1e-6"].iter().map(|k| v[*k]["nuclear_norm"].as_f64().unwrap()).collect();
    assert!(nn[0] < nn[1] && nn[1] < nn[2], "not increasing as α shrinks: {nn:?}");
    assert!(nn[2] > 9.4, "α = 1e-6: {}", nn[2]);
    // science.md's ranges over seeds: 5.4–6.2, 7.8–8.4, 9.57–9.97.
    assert!((5.4..6.2).contains(&nn[0]) && (7.8..8.4).contains(&nn[1]) && (9.57..9.97).contains(&nn[2]), "{nn:?}");
    for k in ["α = 1e-2", "α = 1e-4", "α = 1e-6"] {
        assert!(v[k]["loss"].as_f64().unwrap() < 1e-20, "{k} does not fit exactly");
    }
    let b = exp.baseline().unwrap();
    assert!(b.psd);
    assert!((b.nuclear_norm - 3.8).abs() < 0.01, "baseline trace {}", b.nuclear_norm);
    assert!(b.residual < 1e-6);
    // The minimiser: diagonal (2, 1 − c, 1 − c).
    for (i, want) in [2.0, 0.9, 0.9].iter().enumerate() {
        assert!((b.w[i][i] - want).abs() < 0.01, "baseline diagonal {:?}", b.w);
    }
}

#[test]
fn nuclear_norm_baseline_of_a_completion_is_consistent_and_below_gd() {
    // Asymmetric form: the baseline interpolates the observations and has the smallest nuclear norm among
    // the interpolants we know (GD's).
    let r = run(
        json!({"seed": 4, "steps": 60000, "problem": {"kind": "completion", "n": 8, "rank": 2, "observed_fraction": 0.7},
                       "model": {"depth": 2, "init_scale": 1e-3}, "optimizer": {"kind": "gd", "lr": 4.0}}),
    );
    let b = rankflow::dynamics::baseline::min_nuclear_norm(&r.problem, false).unwrap();
    assert!(b.residual < 1e-5, "residual {}", b.residual);
    let gd = r.measure();
    assert!(gd.loss < 1e-8, "GD loss {}", gd.loss);
    assert!(b.nuclear_norm <= gd.nuclear_norm + 1e-6, "baseline {} vs GD {}", b.nuclear_norm, gd.nuclear_norm);
}

fn noisy_ratio(m: usize, n: usize, sigma_y: f64, sigma_x: f64) -> (f64, f64) {
    let r = run(json!({"seed": 1, "steps": 200000, "record_every": 1000,
        "problem": {"kind": "full", "n": n, "m": m, "singular_values": [1.0]},
        "model": {"depth": 2, "width": 10, "init": "gaussian", "init_scales": [0.01, 0.5]},
        "optimizer": {"kind": "noisy_gd", "lr": 0.02, "noise": [sigma_y, sigma_x], "anneal_steps": 20000}}));
    let f = r.model.factor_norms();
    (f[1] / f[0], f[1] * f[1])
}

#[test]
fn noisy_gd_selects_the_flat_minimum() {
    for (m, n, sy, sx) in [(10, 10, 0.05, 0.05), (10, 10, 0.05, 0.1), (20, 5, 0.05, 0.05)] {
        let predicted = (sx / sy) * (m as f64 / n as f64).sqrt();
        let (ratio, x2) = noisy_ratio(m, n, sy, sx);
        assert!(
            (ratio / predicted - 1.0).abs() < 0.03,
            "m={m} n={n} σ=({sy},{sx}): ratio {ratio}, predicted {predicted}"
        );
        // ‖X‖_F² = s (σ_X/σ_Y) √(m/n) with s = 1.
        assert!((x2 / predicted - 1.0).abs() < 0.03, "‖X‖² = {x2}, predicted {predicted}");
    }
}

#[test]
fn plain_gd_keeps_its_imbalance() {
    let r = run(json!({"seed": 1, "steps": 200000, "record_every": 1000,
        "problem": {"kind": "full", "n": 10, "singular_values": [1.0]},
        "model": {"depth": 2, "width": 10, "init": "gaussian", "init_scales": [0.01, 0.5]},
        "optimizer": {"kind": "gd", "lr": 0.02}}));
    let first = &r.trace.samples()[0].factor_norms;
    let last = r.model.factor_norms();
    let d0 = first[1].powi(2) - first[0].powi(2);
    let d1 = last[1].powi(2) - last[0].powi(2);
    assert!((d1 / d0 - 1.0).abs() < 0.01, "‖X‖² − ‖Y‖²: {d0} → {d1}");
    assert!(last[1] / last[0] > 5.0, "ratio {}", last[1] / last[0]);
    assert!(r.measure().loss < 1e-12);
}

#[test]
fn norms_diverge_while_the_effective_rank_falls() {
    let exp = finished("norms-diverge");
    for m in &exp.members {
        let samples = m.run.trace.samples();
        let tail = &samples[samples.len() / 10..];
        let w11: Vec<f64> = tail.iter().map(|s| s.nuclear_norm).collect();
        // W is ≈ rank one with σ₁ ≈ |W₁₁|: the nuclear norm tracks |W₁₁|; it increases monotonically.
        assert!(w11.windows(2).all(|p| p[1] >= p[0] - 1e-9), "{}: not monotone", m.label);
        assert!(w11[w11.len() - 1] > 1.5 * w11[0], "{}: grew only {} → {}", m.label, w11[0], w11[w11.len() - 1]);
        let ratios: Vec<f64> = tail.iter().map(|s| s.singular_values[1] / s.singular_values[0]).collect();
        assert!(ratios.windows(2).all(|p| p[1] <= p[0] + 1e-12), "{}: σ₂/σ₁ not decreasing", m.label);
        assert!(tail.last().unwrap().loss < tail[0].loss);
        let w = m.run.end_to_end();
        assert!(w[(0, 0)].abs() > 25.0, "{}: |W11| = {}", m.label, w[(0, 0)]);
    }
}

#[test]
fn glrl_recovers_a_psd_completion_in_exactly_r_phases() {
    let r = run(json!({"seed": 1, "steps": 400000, "record_every": 100,
        "problem": {"kind": "completion", "n": 10, "psd": true, "singular_values": [6.0, 3.0, 1.5], "observed_fraction": 0.6},
        "model": {"depth": 2, "symmetric": true}, "optimizer": {"kind": "glrl", "lr": 5.0, "epsilon": 1e-6, "tolerance": 1e-6}}));
    assert_eq!(r.phases().len(), 3, "{:?}", r.phases());
    assert!(r.phases().iter().all(|p| p.converged));
    let reason = r.stop_reason().expect("GLRL stopped by its rule");
    assert!(reason.contains("≤ tolerance"), "{reason}");
    assert!(r.measure().test_error.unwrap() < 1e-3);
}

#[test]
fn glrl_under_full_observation_adds_eigenvectors_in_order() {
    let r = run(json!({"seed": 3, "steps": 400000, "record_every": 100,
        "problem": {"kind": "full", "n": 6, "psd": true, "singular_values": [4.0, 2.0, 1.0]},
        "model": {"depth": 2, "symmetric": true}, "optimizer": {"kind": "glrl", "lr": 0.05, "epsilon": 1e-6, "tolerance": 1e-6}}));
    let m = r.problem.truth.clone().unwrap();
    let eig = m.clone().symmetric_eigen();
    let mut order: Vec<usize> = (0..6).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    assert_eq!(r.phases().len(), 3);
    for (k, phase) in r.phases().iter().enumerate() {
        assert!((phase.top_value - eig.eigenvalues[order[k]]).abs() < 1e-3, "phase {k} top value {}", phase.top_value);
        // W_k = Σ_{i≤k} λ_i u_i u_iᵀ: the top-k eigen-truncation of M.
        let mut want = DMatrix::zeros(6, 6);
        for &i in &order[..=k] {
            let u = eig.eigenvectors.column(i);
            want += u * u.transpose() * eig.eigenvalues[i];
        }
        let got = phase.output.as_ref().unwrap();
        assert!((got - &want).norm() < 1e-4 * want.norm(), "phase {k}: off by {}", (got - &want).norm());
    }
    assert!((r.end_to_end() - m).norm() < 1e-6);
}

#[test]
fn gd_approaches_glrl_phases_closer_as_alpha_shrinks() {
    let exp = finished("glrl-equivalence");
    let v = rankflow::claims::readout(exp).values;
    let worst: Vec<f64> =
        ["GD α = 1e-2", "GD α = 1e-4", "GD α = 1e-6"].iter().map(|k| v[*k]["worst"].as_f64().unwrap()).collect();
    assert!(worst[0] > worst[1] && worst[1] > worst[2], "{worst:?}");
    assert!(worst[2] < 0.05, "{worst:?}");
    // GLRL's output is the target here, and the read-out says so instead of counting the end point.
    assert!(v["glrl_output_vs_target"].as_f64().unwrap() < 1e-6);
}

#[test]
fn gd_comes_closer_to_glrls_path_as_alpha_shrinks_at_three_seeds() {
    // Li et al.: as α → 0 gradient descent follows GLRL's trajectory. Both the largest distance from GLRL's
    // path over the run and the final distance to GLRL's output fall with α, at every seed tried.
    for seed in [1, 2, 3] {
        let mut exp = presets::find("glrl-equivalence").unwrap().at_seed(seed).unwrap().experiment();
        while exp.running() {
            exp.advance(1 << 20);
        }
        let t = exp.observer::<Tracker>().expect("tracker");
        let path = t.path.as_ref().expect("GLRL's path");
        assert!(path.len() > 20, "seed {seed}: path of {} segments", path.len());
        let far: Vec<f64> = t.farthest_escaped[1..].iter().map(|d| d.expect("left W(0)'s scale")).collect();
        assert!(far[0] > far[1] && far[1] > far[2], "seed {seed}: largest distances {far:?}");
        assert!(far[2] < 0.12, "seed {seed}: {far:?}");
        // GD's clock is aligned with GLRL's where both have learned their first value.
        assert!((1..exp.members.len()).all(|i| glrl_equivalence::shift(&exp, i).is_some()));
    }
}

#[test]
fn distance_to_glrls_path_is_exact_on_its_points_and_between_them() {
    let exp = presets::find("glrl-equivalence").unwrap().experiment();
    let path = exp.observer::<Tracker>().and_then(|t| t.path.as_ref()).expect("path");
    let glrl = &exp.members[0].run;
    // GLRL's own final W lies on its path; W = 0 is its start.
    // (to rounding: the distance is formed from ‖W − a‖² − 2t⟨W − a, d⟩ + t²‖d‖²)
    assert!(path.distance(&glrl.end_to_end()) < 1e-6);
    let zero = DMatrix::zeros(10, 10);
    assert!(path.distance(&zero) < 1e-12);
    // A point off the path by a known amount orthogonal to everything nearby is at least that far... and the
    // distance is relative to ‖W(∞)‖: scaling the offset scales the distance.
    let w = glrl.end_to_end();
    let d1 = path.distance(&(&w * 1.1));
    let d2 = path.distance(&(&w * 1.2));
    assert!(d1 > 0.0 && d2 > d1 && d1 <= 0.1 + 1e-12, "{d1} {d2}");
}

#[test]
fn closest_approaches_do_not_depend_on_how_the_steps_are_sliced() {
    // The page advances by however many steps fit in a frame; the read-out must not depend on it.
    let whole = rankflow::claims::readout(finished("glrl-equivalence")).values;
    let mut exp = presets::find("glrl-equivalence").unwrap().experiment();
    let slices = [37u64, 1, 999, 20, 7, 4096];
    let mut k = 0;
    while exp.running() {
        exp.advance(slices[k % slices.len()]);
        k += 1;
    }
    let sliced = rankflow::claims::readout(&exp).values;
    for g in ["GD α = 1e-2", "GD α = 1e-4", "GD α = 1e-6"] {
        assert_eq!(whole[g]["closest"], sliced[g]["closest"], "{g}");
        assert_eq!(whole[g]["path_farthest"], sliced[g]["path_farthest"], "{g}");
    }
}

#[test]
fn the_convex_baseline_converges_well_inside_its_iteration_cap() {
    // Every preset's baseline interpolates its observations using under half of the iteration cap: the
    // minimum nuclear norm of observed entries (incremental, fewer-observations) by the barrier method to
    // rounding, in under 100 Newton steps; the others (PSD trace, sensing) by the proximal method with adaptive
    // restart (RMS misfit ≤ 1e-6; without the restart the glrl-equivalence baseline ran into the cap at 1.3e-4).
    for name in ["incremental", "fewer-observations", "glrl-equivalence", "counterexample", "sensing"] {
        let mut exp = presets::find(name).unwrap().experiment();
        exp.finish_baseline();
        let b = exp.baseline().unwrap_or_else(|| panic!("{name}: no baseline"));
        let barrier = matches!(name, "incremental" | "fewer-observations");
        assert!(b.residual <= if barrier { 1e-12 } else { 1e-6 }, "{name}: misfit {}", b.residual);
        assert!(!barrier || b.iterations < 100, "{name}: {} Newton steps", b.iterations);
        assert!(b.iterations < rankflow::dynamics::baseline::MAX_ITERATIONS / 2, "{name}: {} iterations", b.iterations);
        // The page solves the baseline from the experiment's key alone (in another worker, through JSON): it must be
        // the same baseline to the last bit.
        let text = serde_json::to_string(&exp.baseline_key().unwrap()).unwrap();
        let key: rankflow::dynamics::baseline::BaselineKey = serde_json::from_str(&text).unwrap();
        let mut solver = key.solver(&key.config().unwrap()).unwrap();
        while !solver.iterate(1000) {}
        assert_eq!(solver.result(), b, "{name}: the key's baseline differs");
    }
}

#[test]
fn the_baseline_key_names_the_problem_not_the_model() {
    // Editing α, depth or the optimiser keeps the key (the page reuses the solved baseline); the seed or the
    // problem changes it; full observation has none.
    let base = json!({"seed": 3, "problem": {"kind": "completion", "n": 8, "rank": 2, "observed_fraction": 0.5},
                      "model": {"depth": 3, "init_scale": 1e-3}});
    let key = |patch: Value| {
        let mut c = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            c[k] = v.clone();
        }
        Experiment::single(Config::from_json(&c.to_string()).unwrap()).baseline_key()
    };
    let k0 = key(json!({})).expect("a completion has a baseline");
    assert_eq!(
        key(json!({"model": {"depth": 2, "init_scale": 0.1}, "optimizer": {"kind": "gd", "lr": 0.5}})),
        Some(k0.clone())
    );
    assert_ne!(key(json!({"seed": 4})), Some(k0.clone()));
    assert_ne!(
        key(json!({"problem": {"kind": "completion", "n": 8, "rank": 2, "observed_fraction": 0.6}})),
        Some(k0.clone())
    );
    assert!(key(json!({"model": {"symmetric": true, "depth": 2}, "problem": {"kind": "completion", "n": 8, "rank": 2, "psd": true}})).unwrap().psd);
    assert_eq!(key(json!({"problem": {"kind": "full", "n": 8, "rank": 2}})), None);
    assert!(k0.config().is_ok());
}

#[test]
fn depth_weakens_the_dependence_on_alpha() {
    let exp = finished("depth-alpha");
    let v = rankflow::claims::readout(exp).values;
    let median = |g: &str, i: usize| v[g]["cells"][i]["median"].as_f64().unwrap();
    // Predictions at w₀ = 1e-6 (cells in w₀ order: 1e-8, 1e-6, 1e-4; λ₂/λ₁ = 0.5): 1e-3 at depth 2,
    // 8e-6 at depth 3, 4e-6 at depth 4.
    for (g, want) in [("L = 2", 1e-3), ("L = 3", 8e-6), ("L = 4", 4e-6)] {
        let got = median(g, 1);
        assert!(got / want < 3.0 && want / got < 3.0, "{g}: median {got:e}, predicted {want:e}");
    }
    assert!(median("L = 3", 1) < 0.02 * median("L = 2", 1));
    // Exponents of σ₂ in w₀: 1 − λ₂/λ₁ = 0.5 at depth 2, 1 deeper.
    for (g, want) in [("L = 2", 0.5), ("L = 3", 1.0), ("L = 4", 1.0)] {
        let e = v[g]["exponent"].as_f64().unwrap();
        assert!((e - want).abs() < 0.05, "{g}: exponent {e}");
    }
}

#[test]
fn sharpness_of_rank_one_minima_is_smallest_when_balanced() {
    // x = c√s·a, y = c⁻¹√s·b: top Hessian eigenvalue s(c² + c⁻²), minimal (2s) at c = 1.
    let cfg = Config::from_json(&json!({"problem": {"kind": "full", "n": 6, "m": 4, "singular_values": [3.0]}, "model": {"depth": 2, "width": 1}}).to_string()).unwrap();
    let mut sampler = Sampler::new(cfg.seed);
    let problem = Problem::from_config(&cfg, &mut sampler);
    let svd = problem.truth.clone().unwrap().svd(true, true);
    let i = svd.singular_values.imax();
    let a: DVector<f64> = svd.u.as_ref().unwrap().column(i).into_owned();
    let b: DVector<f64> = svd.v_t.as_ref().unwrap().row(i).transpose().into_owned();
    let s = 3.0f64;
    for c in [0.5, 1.0, 2.0] {
        let w1 = DMatrix::from_row_slice(1, 6, (&b * (s.sqrt() / c)).as_slice());
        let w2 = DMatrix::from_column_slice(4, 1, (&a * (c * s.sqrt())).as_slice());
        let model = Model::new(vec![w1, w2], false, 4, 6);
        let (lo, hi) = hessian_extremes(&model, &problem);
        let want = s * (c * c + 1.0 / (c * c));
        assert!((hi - want).abs() < 1e-4 * want, "c = {c}: λ_max {hi}, want {want}");
        assert!(lo > -1e-6, "a global minimum has no negative curvature: {lo}");
    }
}

#[test]
fn balanced_factorization_attains_the_depth_n_norm_identity() {
    // min over W_N⋯W_1 = W of ½Σ‖W_j‖² = (N/2) Σ σ_i^{2/N}, attained by the balanced SVD factorization.
    let mut sampler = Sampler::new(8);
    let w = sampler.gaussian(5, 5, 1.0);
    let svd = w.clone().svd(true, true);
    for depth in [2usize, 3, 4] {
        let root = svd.singular_values.map(|s| s.powf(1.0 / depth as f64));
        let mid = DMatrix::from_diagonal(&root);
        let mut factors = vec![&mid * svd.v_t.as_ref().unwrap()];
        for _ in 1..depth - 1 {
            factors.push(mid.clone());
        }
        factors.push(svd.u.as_ref().unwrap() * &mid);
        let model = Model::new(factors.clone(), false, 5, 5);
        assert!((model.product() - &w).norm() < 1e-9);
        let cost = 0.5 * factors.iter().map(|f| f.norm_squared()).sum::<f64>();
        let want = depth as f64 / 2.0 * svd.singular_values.iter().map(|s| s.powf(2.0 / depth as f64)).sum::<f64>();
        assert!((cost - want).abs() < 1e-9 * want, "depth {depth}: {cost} vs {want}");
        // Any unbalanced factorization of the same W costs more.
        let r = DMatrix::from_diagonal(&DVector::from_fn(5, |i, _| 1.0 + 0.3 * i as f64));
        let r_inv = r.clone().try_inverse().unwrap();
        let mut skewed = factors.clone();
        skewed[0] = &r * &skewed[0];
        skewed[1] = &skewed[1] * &r_inv;
        assert!((Model::new(skewed.clone(), false, 5, 5).product() - &w).norm() < 1e-9);
        assert!(0.5 * skewed.iter().map(|f| f.norm_squared()).sum::<f64>() > cost);
    }
}

#[test]
fn the_baseline_matches_the_model_not_the_target() {
    use rankflow::dynamics::baseline::min_nuclear_norm;
    use rankflow::experiment::Experiment;
    // The 3×3 counterexample: the symmetric model's reference is the minimum-trace PSD completion (3.8); the
    // asymmetric model's is the unconstrained minimum nuclear norm, which is lower (≤ 2.93: zero diagonal).
    let entries = json!({"kind": "entries", "values": [[null, 1.0, 1.0], [1.0, null, 0.1], [1.0, 0.1, null]]});
    let solved = |model: Value| {
        let c = Config::from_json(&json!({"steps": 1, "problem": entries, "model": model}).to_string()).unwrap();
        let mut e = Experiment::single(c);
        e.finish_baseline();
        e.baseline().unwrap()
    };
    let sym = solved(json!({"depth": 2, "symmetric": true}));
    let asym = solved(json!({"depth": 2}));
    assert!(sym.psd && (sym.nuclear_norm - 3.8).abs() < 0.01, "{}", sym.nuclear_norm);
    assert!(!asym.psd && asym.nuclear_norm <= 2.93, "{}", asym.nuclear_norm);
    // A PSD target completed by the asymmetric W₂W₁: the reference is the unconstrained minimum.
    let c = Config::from_json(
        &json!({"steps": 1, "seed": 2, "problem": {"kind": "completion", "n": 8, "rank": 2, "psd": true, "observed_fraction": 0.5},
                "model": {"depth": 2}})
        .to_string(),
    )
    .unwrap();
    let mut e = Experiment::single(c);
    e.finish_baseline();
    let b = e.baseline().unwrap();
    let unconstrained = min_nuclear_norm(&e.members[0].run.problem, false).unwrap();
    let trace = min_nuclear_norm(&e.members[0].run.problem, true).unwrap();
    assert!(!b.psd && (b.nuclear_norm - unconstrained.nuclear_norm).abs() < 1e-9);
    assert!(b.nuclear_norm <= trace.nuclear_norm + 1e-6, "{} vs PSD {}", b.nuclear_norm, trace.nuclear_norm);
}

#[test]
fn asymmetric_glrl_on_a_rectangular_target_adds_one_singular_pair_per_phase() {
    // Full observation of a 6×4 target with singular values 3, 1.5, 0.75: −∇ℓ(W_{r−1}) = M − W_{r−1}, so phase r
    // starts along the r-th singular pair with top value s_r, and GLRL stops after exactly 3 phases at W = M.
    let r = run(json!({"seed": 5, "steps": 200000,
        "problem": {"kind": "full", "n": 4, "m": 6, "singular_values": [3.0, 1.5, 0.75]},
        "model": {"depth": 2}, "optimizer": {"kind": "glrl", "lr": 0.05, "epsilon": 1e-8, "tolerance": 1e-6}}));
    let phases = r.phases();
    assert_eq!(phases.len(), 3, "phases {:?}", phases.iter().map(|p| p.top_value).collect::<Vec<_>>());
    for (p, s) in phases.iter().zip([3.0, 1.5, 0.75]) {
        assert!((p.top_value - s).abs() < 1e-3 * s, "phase {} started at {} (s = {s})", p.rank, p.top_value);
        assert!(p.converged);
    }
    assert!(r.stop_reason().unwrap().starts_with("GLRL converged after 3 phases"), "{:?}", r.stop_reason());
    let w = r.end_to_end();
    assert_eq!(w.shape(), (6, 4));
    let truth = r.problem.truth.as_ref().unwrap();
    assert!((&w - truth).norm() < 1e-4 * truth.norm(), "‖W − M‖ = {}", (&w - truth).norm());
}

#[test]
fn crossings_do_not_depend_on_the_recording_interval_and_replays_stay_short() {
    // Depth 3, four target values learned one by one (steps ≈ 1,300 to 16,000): the exact crossing steps are the
    // same recorded every 10 steps as every 700, 20,000 or 10⁶ (never, within the run), and a long interval does
    // not make the run replay (with an SVD a step) whole stretches of it: checks come every ≤ MAX_INTERVAL steps.
    use rankflow::experiment::crossings::{FRACTIONS, MAX_INTERVAL};
    let crossings = |record_every: u64| {
        let r = run(json!({"seed": 2, "steps": 25000, "record_every": record_every,
                           "problem": {"kind": "full", "n": 10, "rank": 4, "singular_values": [8.0, 4.0, 2.0, 1.0]},
                           "model": {"depth": 3, "init_scale": 1e-3}, "optimizer": {"kind": "gd", "lr": 0.03}}));
        let at: Vec<_> = (0..FRACTIONS.len()).map(|j| r.crossings.at(j)).collect();
        (at, r.crossings.replayed())
    };
    let (fine, fine_replayed) = crossings(10);
    assert!(fine[2].iter().all(Option::is_some), "not every value learned to 90 %: {fine:?}");
    for record_every in [700, 20000, 1_000_000] {
        let (coarse, replayed) = crossings(record_every);
        assert_eq!(coarse, fine, "record_every {record_every}");
        let events = 3 * 4;
        assert!(replayed <= events * MAX_INTERVAL, "record_every {record_every}: {replayed} steps replayed");
        assert!(replayed > fine_replayed, "record_every {record_every}: {replayed} vs {fine_replayed}");
    }
}
