//! Seeded random numbers whose stream is fixed forever: ChaCha8 (a named algorithm, unlike `StdRng`)
//! and Box–Muller normals, so the same seed replays the same trajectory on every platform and version.

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Deterministic sampler: uniform, standard normal, Gaussian and orthonormal matrices.
#[derive(Clone)]
pub struct Sampler {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Sampler {
    pub fn new(seed: u64) -> Self {
        Self { rng: ChaCha8Rng::seed_from_u64(seed), spare: None }
    }

    /// Uniform on [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// Uniform integer in 0..n (n ≥ 1).
    pub fn below(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    /// Standard normal N(0, 1) by the Box–Muller transform (pairs; the second value is kept for the next call).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // u1 ∈ (0, 1] so ln(u1) is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }

    /// rows×cols matrix with i.i.d. N(0, std²) entries (filled column by column).
    pub fn gaussian(&mut self, rows: usize, cols: usize, std: f64) -> DMatrix<f64> {
        DMatrix::from_fn(rows, cols, |_, _| std * self.normal())
    }

    /// rows×cols matrix with orthonormal columns (rows ≥ cols) or orthonormal rows (rows < cols):
    /// the Q factor of a Gaussian matrix, signs fixed so the distribution is Haar.
    pub fn orthonormal(&mut self, rows: usize, cols: usize) -> DMatrix<f64> {
        if rows < cols {
            return self.orthonormal(cols, rows).transpose();
        }
        let g = self.gaussian(rows, cols, 1.0);
        let qr = g.qr();
        let r = qr.r();
        let mut q = qr.q();
        for j in 0..cols {
            if r[(j, j)] < 0.0 {
                q.column_mut(j).neg_mut();
            }
        }
        q
    }

    /// A uniformly random subset of `k` distinct indices from 0..n, in increasing order.
    pub fn subset(&mut self, n: usize, k: usize) -> Vec<usize> {
        // Partial Fisher–Yates shuffle.
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            idx.swap(i, j);
        }
        idx.truncate(k.min(n));
        idx.sort_unstable();
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_moments() {
        let mut s = Sampler::new(7);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| s.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.01, "var {var}");
    }

    #[test]
    fn orthonormal_columns_and_rows() {
        let mut s = Sampler::new(3);
        let q = s.orthonormal(7, 4);
        assert!((q.transpose() * &q - DMatrix::identity(4, 4)).norm() < 1e-12);
        let p = s.orthonormal(3, 5);
        assert!((&p * p.transpose() - DMatrix::identity(3, 3)).norm() < 1e-12);
    }

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<f64> = {
            let mut s = Sampler::new(11);
            (0..10).map(|_| s.normal()).collect()
        };
        let b: Vec<f64> = {
            let mut s = Sampler::new(11);
            (0..10).map(|_| s.normal()).collect()
        };
        assert_eq!(a, b);
        let sub = Sampler::new(5).subset(10, 4);
        assert_eq!(sub.len(), 4);
        assert!(sub.windows(2).all(|w| w[0] < w[1]));
    }
}
