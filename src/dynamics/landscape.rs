//! Curvature of the loss landscape: the smallest and largest eigenvalue of the Hessian of
//! L(W_1, …, W_L) = ℓ(W_L⋯W_1) at the current point, by Lanczos iteration on Hessian-vector products
//! Hv ≈ (∇L(θ + h v) − ∇L(θ − h v)) / (2h) from the exact back-propagated gradient.
//!
//! At depth 2 a saddle of the staged dynamics has a strictly negative eigenvalue (−s_{k+1} under full
//! observation); at depth ≥ 3 the saddles are degenerate (smallest eigenvalue ≈ 0).

use crate::dynamics::model::Model;
use crate::dynamics::problem::Problem;
use crate::dynamics::sampling::Sampler;
use crate::kernel::linalg;
use nalgebra::{DMatrix, DVector};

/// Lanczos iterations used (at most the parameter count).
pub const LANCZOS_STEPS: usize = 60;

/// Hessian-vector products at a fixed point θ (the model's current factors).
pub struct Hessian<'a> {
    model: Model,
    theta: Vec<f64>,
    problem: &'a Problem,
    h: f64,
}

impl<'a> Hessian<'a> {
    pub fn at(model: &Model, problem: &'a Problem) -> Self {
        let theta = flatten(&model.factors);
        let scale = theta.iter().map(|x| x * x).sum::<f64>().sqrt().max(1.0);
        Hessian { model: model.clone(), theta, problem, h: 1e-4 * scale }
    }

    pub fn dimension(&self) -> usize {
        self.theta.len()
    }

    fn gradient_at(&mut self, point: &[f64]) -> Vec<f64> {
        unflatten(point, &mut self.model.factors);
        self.model.loss_and_gradients(self.problem);
        flatten(&self.model.grads)
    }

    /// H v for a unit vector v.
    pub fn apply(&mut self, v: &[f64]) -> Vec<f64> {
        let h = self.h;
        let plus: Vec<f64> = self.theta.iter().zip(v).map(|(t, x)| t + h * x).collect();
        let minus: Vec<f64> = self.theta.iter().zip(v).map(|(t, x)| t - h * x).collect();
        let gp = self.gradient_at(&plus);
        let gm = self.gradient_at(&minus);
        gp.iter().zip(&gm).map(|(a, b)| (a - b) / (2.0 * h)).collect()
    }
}

/// (λ_min, λ_max) of the Hessian at the model's current point.
pub fn hessian_extremes(model: &Model, problem: &Problem) -> (f64, f64) {
    let mut hess = Hessian::at(model, problem);
    let p = hess.dimension();
    let k = LANCZOS_STEPS.min(p);
    let mut sampler = Sampler::new(0x1a2b_3c4d);
    let mut q: Vec<DVector<f64>> = Vec::with_capacity(k);
    let mut v = DVector::from_fn(p, |_, _| sampler.normal());
    v /= linalg::norm(&v);
    let (mut alpha, mut beta) = (Vec::with_capacity(k), Vec::with_capacity(k));
    for i in 0..k {
        q.push(v.clone());
        let mut w = DVector::from_vec(hess.apply(v.as_slice()));
        let a = linalg::dot(&w, &v);
        alpha.push(a);
        // Full reorthogonalisation against every Lanczos vector (twice, for stability).
        for _ in 0..2 {
            for qj in &q {
                let c = linalg::dot(&w, qj);
                linalg::axpy(&mut w, -c, qj, 1.0);
            }
        }
        let b = linalg::norm(&w);
        if i + 1 == k || b < 1e-12 * a.abs().max(1e-300) {
            break;
        }
        beta.push(b);
        v = w / b;
    }
    let m = alpha.len();
    let t = DMatrix::from_fn(m, m, |i, j| {
        if i == j {
            alpha[i]
        } else if i + 1 == j || j + 1 == i {
            beta[i.min(j)]
        } else {
            0.0
        }
    });
    let ev = linalg::symmetric_eigen(t).eigenvalues;
    (ev.min(), ev.max())
}

pub fn flatten(mats: &[DMatrix<f64>]) -> Vec<f64> {
    mats.iter().flat_map(|m| m.as_slice().iter().copied()).collect()
}

fn unflatten(v: &[f64], mats: &mut [DMatrix<f64>]) {
    let mut at = 0;
    for m in mats {
        let len = m.len();
        m.as_mut_slice().copy_from_slice(&v[at..at + len]);
        at += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn setup(json: &str) -> (Model, Problem) {
        let cfg = Config::from_json(json).unwrap();
        let mut sampler = Sampler::new(cfg.seed);
        let problem = Problem::from_config(&cfg, &mut sampler);
        let model = Model::from_config(&cfg, &mut sampler);
        (model, problem)
    }

    #[test]
    fn lanczos_extremes_match_the_dense_hessian() {
        let (model, problem) = setup(
            r#"{"problem": {"kind": "completion", "n": 4, "rank": 2, "observed_fraction": 0.6},
                                         "model": {"depth": 3, "width": 3, "init_scale": 0.7}}"#,
        );
        let mut hess = Hessian::at(&model, &problem);
        let p = hess.dimension();
        let mut dense = DMatrix::zeros(p, p);
        for i in 0..p {
            let mut e = vec![0.0; p];
            e[i] = 1.0;
            dense.set_column(i, &DVector::from_vec(hess.apply(&e)));
        }
        let sym = (&dense + dense.transpose()) * 0.5;
        let ev = sym.symmetric_eigen().eigenvalues;
        let (lo, hi) = hessian_extremes(&model, &problem);
        assert!((lo - ev.min()).abs() < 1e-6 * ev.max().abs(), "λ_min {lo} vs dense {}", ev.min());
        assert!((hi - ev.max()).abs() < 1e-6 * ev.max().abs(), "λ_max {hi} vs dense {}", ev.max());
        assert!(lo < 0.0, "a random point of a nonconvex loss should show negative curvature");
    }

    #[test]
    fn depth_two_origin_is_a_strict_saddle_with_curvature_plus_minus_s1() {
        // At W₁ = W₂ = 0 the Hessian of ½‖W₂W₁ − M‖² has eigenvalues ±σ_i(M).
        let (mut model, problem) = setup(
            r#"{"problem": {"kind": "full", "n": 5, "singular_values": [3.0, 1.0]},
                                             "model": {"depth": 2, "width": 5, "init_scale": 1e-12}}"#,
        );
        for f in &mut model.factors {
            f.fill(0.0);
        }
        let (lo, hi) = hessian_extremes(&model, &problem);
        assert!((lo + 3.0).abs() < 1e-6 && (hi - 3.0).abs() < 1e-6, "({lo}, {hi})");
    }
}
