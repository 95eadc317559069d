//! Every loss × every factorization: back-propagated gradients match central finite differences.

use nalgebra::DMatrix;
use rankflow::dynamics::model::Model;
use rankflow::dynamics::problem::Problem;
use rankflow::dynamics::sampling::Sampler;
use rankflow::Config;
use serde_json::json;

/// Relative error ‖g − g_fd‖ / ‖g_fd‖ over all factors, g_fd by central differences of ℓ(W_L⋯W_1).
fn gradient_error(problem_json: serde_json::Value, depth: usize, symmetric: bool, width: usize) -> f64 {
    let cfg = json!({"seed": 5, "problem": problem_json,
                     "model": {"depth": depth, "symmetric": symmetric, "width": width, "init_scale": 0.6}});
    let cfg = Config::from_json(&cfg.to_string()).unwrap();
    let mut sampler = Sampler::new(cfg.seed);
    let problem = Problem::from_config(&cfg, &mut sampler);
    let mut model = Model::from_config(&cfg, &mut sampler);
    model.loss_and_gradients(&problem);
    let analytic: Vec<DMatrix<f64>> = model.grads.clone();
    let h = 1e-5;
    let (mut num, mut den) = (0.0, 0.0);
    for (j, grad) in analytic.iter().enumerate() {
        for k in 0..model.factors[j].len() {
            let x = model.factors[j].as_slice()[k];
            model.factors[j].as_mut_slice()[k] = x + h;
            let plus = problem.loss(&model.product());
            model.factors[j].as_mut_slice()[k] = x - h;
            let minus = problem.loss(&model.product());
            model.factors[j].as_mut_slice()[k] = x;
            let fd = (plus - minus) / (2.0 * h);
            num += (grad.as_slice()[k] - fd).powi(2);
            den += fd * fd;
        }
    }
    assert!(den > 1e-12, "gradient vanishes: the check would be vacuous");
    (num / den).sqrt()
}

fn problems() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("full", json!({"kind": "full", "n": 5, "m": 4, "rank": 2})),
        ("completion", json!({"kind": "completion", "n": 5, "m": 4, "rank": 2, "observed_fraction": 0.5})),
        ("sensing", json!({"kind": "sensing", "n": 5, "m": 4, "rank": 2, "measurements": 30})),
        (
            "entries",
            json!({"kind": "entries", "values": [[null, 1.0, 1.0, 0.3], [1.0, null, 0.1, null], [1.0, 0.1, null, 2.0]]}),
        ),
    ]
}

#[test]
fn asymmetric_products_of_every_depth() {
    for (name, p) in problems() {
        for depth in 1..=4 {
            let err = gradient_error(p.clone(), depth, false, 6);
            assert!(err < 1e-6, "{name}, depth {depth}: relative gradient error {err:e}");
        }
    }
}

#[test]
fn symmetric_model() {
    let square = vec![
        ("full", json!({"kind": "full", "n": 5, "rank": 2, "psd": true})),
        ("completion", json!({"kind": "completion", "n": 5, "rank": 2, "psd": true, "observed_fraction": 0.5})),
        // Asymmetric observed set: the gradient must use (G + Gᵀ)U, not 2GU.
        ("completion-asym", json!({"kind": "completion", "n": 5, "rank": 2, "observed_fraction": 0.5})),
        ("sensing", json!({"kind": "sensing", "n": 5, "rank": 2, "psd": true, "measurements": 30})),
        ("entries", json!({"kind": "entries", "values": [[null, 1.0, 1.0], [1.0, null, 0.1], [1.0, 0.1, null]]})),
    ];
    for (name, p) in square {
        let err = gradient_error(p, 2, true, 4);
        assert!(err < 1e-6, "{name}, symmetric: relative gradient error {err:e}");
    }
}

/// Above the kernels' thread crossovers (products of 90³ multiply-adds, a pass over |Ω|·d ≈ 3.6·10⁵) the
/// gradients of a run allowed 2 or 3 threads are those of one thread, bit for bit, at every depth that
/// back-propagates through a middle factor, dense and on observed entries.
#[test]
fn gradients_on_several_threads_equal_one_thread_bit_for_bit() {
    let problems = [
        json!({"kind": "full", "n": 90, "rank": 3}),
        json!({"kind": "completion", "n": 90, "rank": 3, "observed_fraction": 0.5}),
    ];
    for p in problems {
        for depth in [2, 3, 4] {
            let cfg = json!({"seed": 8, "problem": p, "model": {"depth": depth, "width": 90, "init_scale": 0.5}});
            let cfg = Config::from_json(&cfg.to_string()).unwrap();
            let gradients = |threads| {
                let mut sampler = Sampler::new(cfg.seed);
                let problem = Problem::from_config(&cfg, &mut sampler);
                let mut model = Model::from_config(&cfg, &mut sampler);
                let loss = rankflow::kernel::threads::with(threads, || model.loss_and_gradients(&problem));
                (loss, model.grads)
            };
            let one = gradients(1);
            assert!(one.1.iter().all(|g| g.norm() > 0.0), "{p} depth {depth}: a zero gradient proves nothing");
            for threads in [2, 3] {
                assert!(gradients(threads) == one, "{p} depth {depth}: {threads} threads differ from one");
            }
        }
    }
}
