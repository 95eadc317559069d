//! The exact dynamics of aligned initialisation (science.md, "Exact check at any depth"): for a full-observation
//! PSD target M = Q diag(s) Qᵀ and identity initialisation W_j(0) = α_j·I (width ≥ n), every factor stays
//! Q diag(a_j) Qᵀ, so each mode k follows the scalar GD recursion
//!   a_{j,k} ← a_{j,k} − η·(Π_{i≠j} a_{i,k})·(Π_i a_{i,k} − s_k),   σ_k(W) = Π_j a_{j,k}
//! (symmetric W = UUᵀ: u_k ← u_k − 2η(u_k² − s_k)·u_k, σ_k = u_k²). GD on the matrices matches it to rounding.
//! At depth 2 with balanced α it is the discretised logistic σ' = −2σ(σ − s).

use crate::config::{Config, InitConvention, InitKind, OptimizerConfig, ProblemKind};

/// Most scalar updates computed for one run's theory (steps × modes); beyond it no theory is drawn.
pub const MAX_UPDATES: u64 = 200_000_000;

/// The theory of one run: σ_k at chosen steps, and the step each σ_k first exceeds s_k/2.
#[derive(Clone, Debug, PartialEq)]
pub struct Aligned {
    /// Target values s_k > 0, descending.
    pub targets: Vec<f64>,
    /// (step, σ_k for every target mode) at the recorded steps.
    pub points: Vec<(u64, Vec<f64>)>,
    /// The first step with σ_k > s_k/2, per mode (None: not within the run).
    pub learned: Vec<Option<u64>>,
}

/// The per-factor initial scales of the aligned modes, when `config` is a case the recursion describes
/// exactly: full observation of a PSD target, identity initialisation, square-or-wider factors, plain GD.
fn initial_scales(config: &Config) -> Option<Vec<f64>> {
    let (m, n) = config.dims();
    let mc = &config.model;
    let square = m == n && mc.width.is_some_and(|d| d >= n);
    let fits = config.problem.kind == ProblemKind::Full
        && config.problem.psd
        && mc.init == InitKind::Identity
        && square
        && matches!(config.optimizer, OptimizerConfig::Gd { .. });
    if !fits {
        return None;
    }
    let depth = if mc.symmetric { 1 } else { mc.depth };
    let per_factor = |alpha: f64| match mc.init_convention {
        InitConvention::Factor => alpha,
        InitConvention::Product => alpha.powf(1.0 / if mc.symmetric { 2.0 } else { mc.depth as f64 }),
    };
    Some(match &mc.init_scales {
        Some(a) if a.len() == depth => a.iter().map(|&x| per_factor(x)).collect(),
        _ => vec![per_factor(mc.init_scale); depth],
    })
}

/// The exact per-mode trajectory of `config`'s run against `targets` (its target's eigenvalues, descending),
/// recorded at `steps` (ascending). None where the recursion does not describe the run exactly.
pub fn trajectory(config: &Config, targets: &[f64], steps: &[u64]) -> Option<Aligned> {
    let a0 = initial_scales(config)?;
    let OptimizerConfig::Gd { lr } = config.optimizer else { return None };
    let targets: Vec<f64> = targets.iter().copied().filter(|s| *s > 0.0).collect();
    let last = steps.last().copied().unwrap_or(0);
    if targets.is_empty() || last.saturating_mul(targets.len() as u64) > MAX_UPDATES {
        return None;
    }
    let symmetric = config.model.symmetric;
    let mut modes: Vec<Vec<f64>> = vec![a0; targets.len()];
    let sigma = |a: &[f64]| if symmetric { a[0] * a[0] } else { a.iter().product() };
    let mut points = Vec::with_capacity(steps.len());
    let mut learned: Vec<Option<u64>> = vec![None; targets.len()];
    let mut next = 0;
    let mut grad = vec![0.0; modes[0].len()];
    for t in 0..=last {
        for (k, a) in modes.iter().enumerate() {
            if learned[k].is_none() && sigma(a) > 0.5 * targets[k] {
                learned[k] = Some(t);
            }
        }
        while next < steps.len() && steps[next] == t {
            points.push((t, modes.iter().map(|a| sigma(a)).collect()));
            next += 1;
        }
        if t == last {
            break;
        }
        for (a, s) in modes.iter_mut().zip(&targets) {
            if symmetric {
                a[0] -= 2.0 * lr * (a[0] * a[0] - s) * a[0];
                continue;
            }
            let residual = sigma(a) - s;
            for (j, g) in grad.iter_mut().enumerate() {
                let others: f64 = a.iter().enumerate().filter(|(i, _)| *i != j).map(|(_, x)| x).product();
                *g = others * residual;
            }
            for (x, g) in a.iter_mut().zip(&grad) {
                *x -= lr * g;
            }
        }
    }
    Some(Aligned { targets, points, learned })
}

/// Steps at which to record a theory over `steps` steps: `count` spaced evenly in log step and `count` evenly
/// in step (so it draws smoothly on either axis), step 0 and the last.
pub fn recording_steps(steps: u64, count: usize) -> Vec<u64> {
    let mut v = vec![0, steps];
    let top = (steps.max(1) as f64).log10();
    for i in 0..=count {
        let f = i as f64 / count as f64;
        v.push(10f64.powf(top * f).round() as u64);
        v.push((steps as f64 * f).round() as u64);
    }
    v.retain(|&s| s <= steps);
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(depth: usize, symmetric: bool) -> Config {
        Config::from_json(&format!(
            r#"{{"seed": 1, "steps": 3000, "problem": {{"kind": "full", "n": 6, "psd": true, "rank": 2,
                 "singular_values": [2.0, 1.0]}},
                "model": {{"depth": {depth}, "width": 6, "symmetric": {symmetric}, "init": "identity",
                 "init_scale": 0.1}}, "optimizer": {{"kind": "gd", "lr": 0.02}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn depth_two_balanced_follows_the_discretised_logistic() {
        let c = config(2, false);
        let steps: Vec<u64> = (0..=3000).collect();
        let th = trajectory(&c, &[2.0, 1.0], &steps).unwrap();
        // σ = a², a ← a − η a (a² − s): σ ← σ (1 − η(σ − s))².
        let mut s = 0.01f64;
        for (t, p) in &th.points {
            assert!((p[0] - s).abs() <= 1e-12 * s.max(1.0), "step {t}: {} vs {s}", p[0]);
            s *= (1.0 - 0.02 * (s - 2.0)).powi(2);
        }
        assert!(th.learned[0].unwrap() < th.learned[1].unwrap());
    }

    #[test]
    fn applies_only_where_it_is_exact() {
        let mut c = config(3, false);
        assert!(trajectory(&c, &[2.0, 1.0], &[0, 10]).is_some());
        c.model.init = InitKind::Gaussian;
        assert!(trajectory(&c, &[2.0, 1.0], &[0, 10]).is_none());
        let mut c = config(3, false);
        c.problem.psd = false;
        assert!(trajectory(&c, &[2.0, 1.0], &[0, 10]).is_none());
        let mut c = config(3, false);
        c.problem.kind = ProblemKind::Completion;
        assert!(trajectory(&c, &[2.0, 1.0], &[0, 10]).is_none());
    }

    #[test]
    fn recording_steps_cover_both_axes() {
        let s = recording_steps(100_000, 50);
        assert_eq!((s[0], *s.last().unwrap()), (0, 100_000));
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert!(s.contains(&10) && s.contains(&50_000), "{s:?}");
    }
}
