//! Targets and observation models: the convex loss ℓ(W) of the end-to-end matrix and its gradient ∇ℓ(W).

use crate::config::{observed_count, Config, ProblemKind};
use crate::dynamics::sampling::Sampler;
use crate::kernel::{linalg, ObservedLayout};
use nalgebra::{DMatrix, DVector, DVectorView};

/// How W is compared with the target.
#[derive(Clone)]
pub enum Observation {
    /// ℓ(W) = ½‖W − M‖_F².
    Full { target: DMatrix<f64> },
    /// ℓ(W) = 1/(2|Ω|) Σ_{(i,j)∈Ω} (W_ij − v_ij)²; `mask[(i,j)]` marks Ω, listed in column-major order (by j,
    /// then i) and indexed by column and by row in `layout` for the GD step's pass over Ω.
    Entries { rows: Vec<usize>, cols: Vec<usize>, values: Vec<f64>, mask: DMatrix<bool>, layout: ObservedLayout },
    /// ℓ(W) = 1/(2K) Σ_k (⟨A_k, W⟩ − y_k)²; row k of `a` is vec(A_k) (column-major).
    Sensing { a: DMatrix<f64>, y: DVector<f64> },
}

/// A matrix-recovery problem: an m×n target (when known) and how it is observed.
#[derive(Clone)]
pub struct Problem {
    pub rows: usize,
    pub cols: usize,
    /// Ground truth M, absent for user-typed `entries`.
    pub truth: Option<DMatrix<f64>>,
    pub observation: Observation,
}

impl Problem {
    /// Builds the problem of a validated config; random parts come from `sampler`.
    pub fn from_config(cfg: &Config, sampler: &mut Sampler) -> Problem {
        let p = &cfg.problem;
        let (m, n) = cfg.dims();
        if p.kind == ProblemKind::Entries {
            let values = p.values.as_ref().expect("validated entries");
            let mut obs = (Vec::new(), Vec::new(), Vec::new());
            // Column-major order, matching nalgebra's storage.
            for j in 0..n {
                for (i, row) in values.iter().enumerate() {
                    if let Some(v) = row[j] {
                        obs.0.push(i);
                        obs.1.push(j);
                        obs.2.push(v);
                    }
                }
            }
            return Problem { rows: m, cols: n, truth: None, observation: entries(m, n, obs.0, obs.1, obs.2) };
        }
        let rank = p.rank.expect("validated rank");
        let truth = random_target(m, n, rank, p.psd, p.singular_values.as_deref(), sampler);
        let observation = match p.kind {
            ProblemKind::Full => Observation::Full { target: truth.clone() },
            ProblemKind::Completion => {
                let frac = p.observed_fraction.expect("validated fraction");
                let (rows, cols) = random_observed_set(m, n, frac, p.psd, sampler);
                let values = rows.iter().zip(&cols).map(|(&i, &j)| truth[(i, j)]).collect();
                entries(m, n, rows, cols, values)
            }
            ProblemKind::Sensing => {
                let k = p.measurements.expect("validated measurements");
                let a = sampler.gaussian(k, m * n, 1.0);
                let y = &a * DVectorView::from_slice(truth.as_slice(), m * n);
                Observation::Sensing { a, y }
            }
            ProblemKind::Entries => unreachable!(),
        };
        Problem { rows: m, cols: n, truth: Some(truth), observation }
    }

    /// ℓ(W).
    pub fn loss(&self, w: &DMatrix<f64>) -> f64 {
        match &self.observation {
            Observation::Full { target } => 0.5 * (w - target).norm_squared(),
            Observation::Entries { rows, cols, values, .. } => {
                let s: f64 = rows.iter().zip(cols).zip(values).map(|((&i, &j), &v)| (w[(i, j)] - v).powi(2)).sum();
                0.5 * s / values.len() as f64
            }
            Observation::Sensing { a, y } => {
                let r = a * DVectorView::from_slice(w.as_slice(), w.len()) - y;
                0.5 * r.norm_squared() / y.len() as f64
            }
        }
    }

    /// Writes ∇ℓ(W) into `grad` (same shape as W) and returns ℓ(W).
    pub fn loss_and_gradient(&self, w: &DMatrix<f64>, grad: &mut DMatrix<f64>) -> f64 {
        match &self.observation {
            Observation::Full { target } => {
                for ((g, &x), &t) in grad.as_mut_slice().iter_mut().zip(w.as_slice()).zip(target.as_slice()) {
                    *g = x - t;
                }
                0.5 * linalg::norm_squared(grad)
            }
            Observation::Entries { rows, cols, values, .. } => {
                // Column-major slices rather than (i, j) indexing: the page's wasm does not inline the latter.
                let m = w.nrows();
                let (w, grad) = (w.as_slice(), grad.as_mut_slice());
                grad.fill(0.0);
                let scale = 1.0 / values.len() as f64;
                let mut s = 0.0;
                for ((&i, &j), &v) in rows.iter().zip(cols).zip(values) {
                    let r = w[i + j * m] - v;
                    s += r * r;
                    grad[i + j * m] = r * scale;
                }
                0.5 * s * scale
            }
            Observation::Sensing { a, y } => {
                let k = y.len() as f64;
                let mut r = y.clone();
                // r = A vec(W) − y
                linalg::gemv(&mut r, 1.0, a, w.as_slice(), -1.0);
                let loss = 0.5 * linalg::vector_norm_squared(&r) / k;
                // vec(∇ℓ) = Aᵀ r / K
                linalg::gemv_tr(grad.as_mut_slice(), 1.0 / k, a, &r, 0.0);
                loss
            }
        }
    }

    /// Relative error on what the loss does not see: ‖P_Ωᶜ(W − M)‖_F / ‖P_Ωᶜ(M)‖_F for completion,
    /// ‖W − M‖_F / ‖M‖_F for sensing; `None` without a ground truth or with nothing unobserved.
    pub fn test_error(&self, w: &DMatrix<f64>) -> Option<f64> {
        let truth = self.truth.as_ref()?;
        match &self.observation {
            Observation::Full { .. } => None,
            Observation::Sensing { .. } => Some((w - truth).norm() / truth.norm()),
            Observation::Entries { mask, .. } => {
                let (mut num, mut den) = (0.0, 0.0);
                for j in 0..self.cols {
                    for i in 0..self.rows {
                        if !mask[(i, j)] {
                            num += (w[(i, j)] - truth[(i, j)]).powi(2);
                            den += truth[(i, j)].powi(2);
                        }
                    }
                }
                if mask.iter().all(|&b| b) {
                    None
                } else if den == 0.0 {
                    Some(num.sqrt())
                } else {
                    Some((num / den).sqrt())
                }
            }
        }
    }

    /// Singular values of the ground truth, descending (nonzero ones only).
    pub fn truth_singular_values(&self) -> Option<Vec<f64>> {
        let mut s = crate::dynamics::metrics::singular_values(self.truth.as_ref()?);
        let top = s.first().copied().unwrap_or(0.0);
        s.retain(|&v| v > 1e-10 * top.max(1e-300));
        Some(s)
    }

    /// The observed mask (true = observed); all true for full observation and sensing.
    pub fn observed_mask(&self) -> DMatrix<bool> {
        match &self.observation {
            Observation::Entries { mask, .. } => mask.clone(),
            _ => DMatrix::from_element(self.rows, self.cols, true),
        }
    }
}

fn entries(m: usize, n: usize, rows: Vec<usize>, cols: Vec<usize>, values: Vec<f64>) -> Observation {
    let mut mask = DMatrix::from_element(m, n, false);
    for (&i, &j) in rows.iter().zip(&cols) {
        mask[(i, j)] = true;
    }
    let layout = ObservedLayout::new(m, n, &rows, &cols);
    Observation::Entries { rows, cols, values, mask, layout }
}

/// Random rank-r target. Without `singular_values`: U Vᵀ (U Uᵀ when `psd`) with Gaussian U, V, rescaled so
/// ‖M‖_F = n. With them: exactly Q diag(s) Pᵀ (Q diag(s) Qᵀ when `psd`), Q, P with orthonormal columns.
pub fn random_target(
    m: usize,
    n: usize,
    rank: usize,
    psd: bool,
    singular_values: Option<&[f64]>,
    sampler: &mut Sampler,
) -> DMatrix<f64> {
    match singular_values {
        Some(s) => {
            let q = sampler.orthonormal(m, s.len());
            let p = if psd { q.clone() } else { sampler.orthonormal(n, s.len()) };
            let qs = &q * DMatrix::from_diagonal(&DVector::from_column_slice(s));
            qs * p.transpose()
        }
        None => {
            let u = sampler.gaussian(m, rank, 1.0);
            let mt = if psd { &u * u.transpose() } else { &u * sampler.gaussian(n, rank, 1.0).transpose() };
            let scale = n as f64 / mt.norm();
            mt * scale
        }
    }
}

/// Observed set Ω of round(p·m·n) distinct entries, column-major order; for a PSD target, round(p·n(n+1)/2)
/// unordered pairs {i, j}, each observed at (i, j) and (j, i).
fn random_observed_set(m: usize, n: usize, p: f64, psd: bool, sampler: &mut Sampler) -> (Vec<usize>, Vec<usize>) {
    let k = observed_count(m, n, p, psd);
    if !psd {
        let picks = sampler.subset(m * n, k);
        return (picks.iter().map(|&c| c % m).collect(), picks.iter().map(|&c| c / m).collect());
    }
    // Enumerate the upper triangle i ≤ j, pick k pairs, mirror them.
    let pairs: Vec<(usize, usize)> = (0..n).flat_map(|j| (0..=j).map(move |i| (i, j))).collect();
    let mut cells: Vec<(usize, usize)> = Vec::with_capacity(2 * k);
    for idx in sampler.subset(pairs.len(), k) {
        let (i, j) = pairs[idx];
        cells.push((i, j));
        if i != j {
            cells.push((j, i));
        }
    }
    crate::order::by_key(&mut cells, |&(i, j)| (j * n + i) as f64); // column-major: by (j, i)
    cells.into_iter().unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_target_norm_and_prescribed_spectrum() {
        let mut s = Sampler::new(1);
        let m = random_target(8, 6, 2, false, None, &mut s);
        assert!((m.norm() - 6.0).abs() < 1e-10);
        let sv = m.clone().singular_values();
        assert_eq!(sv.iter().filter(|&&v| v > 1e-9).count(), 2);
        let m = random_target(7, 7, 3, true, Some(&[10.0, 5.0, 2.5]), &mut s);
        assert!((&m - m.transpose()).norm() < 1e-12);
        let mut sv: Vec<f64> = m.singular_values().iter().copied().collect();
        sv.sort_by(|a, b| b.total_cmp(a));
        for (got, want) in sv.iter().zip([10.0, 5.0, 2.5, 0.0]) {
            assert!((got - want).abs() < 1e-10, "{got} vs {want}");
        }
    }

    #[test]
    fn psd_observed_set_is_symmetric() {
        let mut s = Sampler::new(2);
        let (r, c) = random_observed_set(9, 9, 0.4, true, &mut s);
        let set: std::collections::HashSet<_> = r.iter().copied().zip(c.iter().copied()).collect();
        assert!(set.iter().all(|&(i, j)| set.contains(&(j, i))));
        assert_eq!(set.len(), r.len());
    }
}
