//! Dense products of the hot loop, C = op(A)·B with op(A) = A or Aᵀ (column-major, C overwritten).
//!
//! Natively this is nalgebra's gemm (matrixmultiply, with AVX/FMA picked at run time). In wasm, where that
//! kernel is not vectorised for f64, it is a packed, register-blocked 4×4 micro-kernel: op(A) is packed into
//! panels of 4 rows (k×4, contiguous), and each 4×4 block of C accumulates Σ_k A[i..i+4, k] ⊗ B[k, j..j+4] in
//! eight 2-lane registers (simd128 `f64x2` when the module is built with it, plain arrays otherwise).

use nalgebra::DMatrix;

/// C ← op(A)·B.
pub fn mul(c: &mut DMatrix<f64>, a: &DMatrix<f64>, transpose_a: bool, b: &DMatrix<f64>) {
    #[cfg(target_arch = "wasm32")]
    {
        packed_mul(c, a, transpose_a, b);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        if transpose_a {
            c.gemm_tr(1.0, a, b, 0.0);
        } else {
            c.gemm(1.0, a, b, 0.0);
        }
    }
}

/// The packed micro-kernel path of [`mul`] (public so it is tested natively against nalgebra).
pub fn packed_mul(c: &mut DMatrix<f64>, a: &DMatrix<f64>, transpose_a: bool, b: &DMatrix<f64>) {
    let (m, k) = if transpose_a { (a.ncols(), a.nrows()) } else { (a.nrows(), a.ncols()) };
    let n = b.ncols();
    assert_eq!(b.nrows(), k, "inner dimensions");
    assert_eq!(c.shape(), (m, n), "output shape");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        c.fill(0.0);
        return;
    }
    // Pack op(A) into ⌈m/4⌉ panels of k×4 (row r of op(A) at panel r/4, lane r%4), zero-padded.
    let panels = m.div_ceil(4);
    let mut packed = vec![0.0f64; panels * k * 4];
    let (ad, lda) = (a.as_slice(), a.nrows());
    for r in 0..m {
        let (p, lane) = (r / 4, r % 4);
        let dst = &mut packed[p * k * 4..(p + 1) * k * 4];
        if transpose_a {
            // op(A)[r, kk] = A[kk, r]: column r of A, contiguous.
            for (kk, &v) in ad[r * lda..r * lda + k].iter().enumerate() {
                dst[kk * 4 + lane] = v;
            }
        } else {
            for kk in 0..k {
                dst[kk * 4 + lane] = ad[kk * lda + r];
            }
        }
    }
    let bd = b.as_slice();
    let cd = c.as_mut_slice();
    let mut j = 0;
    while j < n {
        let cols = (n - j).min(4);
        for p in 0..panels {
            let block = micro_kernel(&packed[p * k * 4..(p + 1) * k * 4], bd, k, j, cols);
            let rows = (m - p * 4).min(4);
            for (jj, col) in block.iter().enumerate().take(cols) {
                let base = (j + jj) * m + p * 4;
                cd[base..base + rows].copy_from_slice(&col[..rows]);
            }
        }
        j += cols;
    }
}

/// The 4×`cols` block Σ_kk panel[kk, 0..4] ⊗ B[kk, j..j+cols], as 4 columns of 4.
#[inline(always)]
fn micro_kernel(panel: &[f64], b: &[f64], k: usize, j: usize, cols: usize) -> [[f64; 4]; 4] {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let mut acc = [f64x2_splat(0.0); 8];
        let bcol = |jj: usize| &b[(j + jj.min(cols - 1)) * k..(j + jj.min(cols - 1)) * k + k];
        let (b0, b1, b2, b3) = (bcol(0), bcol(1), bcol(2), bcol(3));
        for kk in 0..k {
            // SAFETY: panel has k×4 elements; kk·4 + 3 < k·4, and v128_load tolerates unaligned addresses.
            let (lo, hi) = unsafe {
                let ptr = panel.as_ptr().add(kk * 4) as *const v128;
                (v128_load(ptr), v128_load(ptr.add(1)))
            };
            for (q, bv) in [b0[kk], b1[kk], b2[kk], b3[kk]].into_iter().enumerate() {
                let s = f64x2_splat(bv);
                acc[2 * q] = f64x2_add(acc[2 * q], f64x2_mul(lo, s));
                acc[2 * q + 1] = f64x2_add(acc[2 * q + 1], f64x2_mul(hi, s));
            }
        }
        let mut out = [[0.0; 4]; 4];
        for q in 0..4 {
            out[q] = [
                f64x2_extract_lane::<0>(acc[2 * q]),
                f64x2_extract_lane::<1>(acc[2 * q]),
                f64x2_extract_lane::<0>(acc[2 * q + 1]),
                f64x2_extract_lane::<1>(acc[2 * q + 1]),
            ];
        }
        out
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut out = [[0.0; 4]; 4];
        for (q, col) in out.iter_mut().enumerate().take(cols) {
            let bc = &b[(j + q) * k..(j + q) * k + k];
            for (kk, &bv) in bc.iter().enumerate() {
                let a = &panel[kk * 4..kk * 4 + 4];
                for r in 0..4 {
                    col[r] += a[r] * bv;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampling::Sampler;

    #[test]
    fn packed_kernel_matches_nalgebra_on_every_edge_shape() {
        let mut s = Sampler::new(3);
        for (m, k, n) in [(1, 1, 1), (4, 4, 4), (5, 3, 7), (9, 13, 2), (30, 30, 30), (31, 17, 33), (3, 0, 2), (64, 20, 5)] {
            let a = s.gaussian(m, k, 1.0);
            let at = a.transpose();
            let b = s.gaussian(k, n, 1.0);
            let want = &a * &b;
            let mut c = DMatrix::from_element(m, n, f64::NAN);
            packed_mul(&mut c, &a, false, &b);
            assert!((&c - &want).norm() <= 1e-12 * (1.0 + want.norm()), "A·B {m}×{k}×{n}");
            let mut c = DMatrix::from_element(m, n, f64::NAN);
            packed_mul(&mut c, &at, true, &b);
            assert!((&c - &want).norm() <= 1e-12 * (1.0 + want.norm()), "Aᵀ·B {m}×{k}×{n}");
        }
    }
}
