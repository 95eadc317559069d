//! Read-outs of the end-to-end matrix: spectrum, nuclear norm, effective rank.

use nalgebra::DMatrix;

/// Singular values of W, descending.
pub fn singular_values(w: &DMatrix<f64>) -> Vec<f64> {
    let mut s: Vec<f64> = crate::kernel::linalg::singular_values(w.clone()).iter().copied().collect();
    crate::order::numbers_descending(&mut s);
    s
}

/// Nuclear norm ‖W‖_* = Σ σ_i.
pub fn nuclear_norm(sv: &[f64]) -> f64 {
    sv.iter().sum()
}

/// Effective rank (Roy & Vetterli 2007): exp(H(p)) with p_i = σ_i / Σσ and H the Shannon entropy.
/// 1 for a rank-one matrix, k for k equal singular values; 0 for W = 0.
pub fn effective_rank(sv: &[f64]) -> f64 {
    let total: f64 = sv.iter().sum();
    if !total.is_finite() || total <= 0.0 {
        return 0.0;
    }
    let h: f64 = sv.iter().map(|&s| s / total).filter(|&p| p > 0.0).map(|p| -p * p.ln()).sum();
    h.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_rank_of_known_spectra() {
        assert!((effective_rank(&[3.0, 0.0, 0.0]) - 1.0).abs() < 1e-12);
        assert!((effective_rank(&[2.0, 2.0, 2.0, 0.0]) - 3.0).abs() < 1e-12);
        let mid = effective_rank(&[1.0, 0.1]);
        assert!(mid > 1.0 && mid < 2.0);
        assert_eq!(effective_rank(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn singular_values_descending_and_nuclear_norm() {
        let w = DMatrix::from_row_slice(2, 2, &[0.0, 2.0, 3.0, 0.0]);
        let s = singular_values(&w);
        assert!((s[0] - 3.0).abs() < 1e-12 && (s[1] - 2.0).abs() < 1e-12);
        assert!((nuclear_norm(&s) - 5.0).abs() < 1e-12);
    }
}
