//! Kernels of the hot loop: dense products C = op(A)·op(B) with op(X) = X or Xᵀ (column-major, C
//! overwritten), and the pass over the observed entries of completion (`observed`).
//!
//! Natively the product is the `gemm` crate's (faer's engine), called with strides so that transposes cost no
//! copy (nalgebra's own `gemm_tr` runs one gemv per column and is several times slower); it splits across
//! threads when a run may use several (`threads`). matrixmultiply's dgemm, the path before it, stays for the
//! benchmark that compares them (`reference_mul`). In wasm, where neither is vectorised for f64, it is a
//! packed, register-blocked 4×4 micro-kernel: op(A) is packed into panels of 4 rows and op(B) into panels of 4 columns (k×4 each, contiguous, in reused buffers), and each
//! 4×4 block of C accumulates Σ_k A[i..i+4, k] ⊗ B[k, j..j+4] in eight 2-lane registers (simd128 `f64x2`
//! with broadcast loads when the module is built with it, plain arrays otherwise).
//!
//! `linalg` holds the nalgebra routines the dynamics runs every step or sample (SVD, symmetric eigen, gemm,
//! gemv, dot): instantiated here, they compile at opt-level 3 too.
//!
//! This is rankflow's `kernel` module (re-exported as `rankflow::kernel`), kept as a crate of its own only so
//! that the page's wasm can be optimised for size everywhere else while this code keeps opt-level 3.

use nalgebra::DMatrix;

pub mod linalg;
mod observed;
#[cfg(not(target_arch = "wasm32"))]
pub mod peak;
pub mod threads;

pub use observed::{ObservedLayout, ObservedPass, PASS_THREADS_FROM};

/// m·k·n from which a product splits across threads when a run may use several (see [`threads`]): below it
/// the tasks' start-up costs more than they share.
pub const PRODUCT_THREADS_FROM: usize = 500_000;

/// C ← op(A)·op(B).
pub fn mul(c: &mut DMatrix<f64>, a: &DMatrix<f64>, transpose_a: bool, b: &DMatrix<f64>, transpose_b: bool) {
    #[cfg(target_arch = "wasm32")]
    {
        packed_mul(c, a, transpose_a, b, transpose_b);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let Some((m, k, n)) = product_shape(c, a, transpose_a, b, transpose_b) else { return };
        let (rsa, csa) = strides(a, transpose_a);
        let (rsb, csb) = strides(b, transpose_b);
        let parallelism = match threads::current() {
            t if t > 1 && m * k * n >= PRODUCT_THREADS_FROM => gemm::Parallelism::Rayon(t),
            _ => gemm::Parallelism::None,
        };
        // SAFETY: the shapes were checked above; a, b and c are distinct, fully initialised column-major
        // buffers of the sizes the strides address (c is borrowed mutably, so it aliases neither input), and
        // c is written, not read (read_dst = false): C ← 1·op(A)·op(B).
        unsafe {
            gemm::gemm(
                m,
                n,
                k,
                c.as_mut_ptr(),
                m as isize,
                1,
                false,
                a.as_ptr(),
                csa,
                rsa,
                b.as_ptr(),
                csb,
                rsb,
                0.0,
                1.0,
                false,
                false,
                false,
                parallelism,
            );
        }
    }
}

/// C ← op(A)·op(B) by matrixmultiply's dgemm on one thread: the product kernel before `gemm`, kept so that
/// `rankflow bench --products` measures both side by side.
#[cfg(not(target_arch = "wasm32"))]
pub fn reference_mul(c: &mut DMatrix<f64>, a: &DMatrix<f64>, transpose_a: bool, b: &DMatrix<f64>, transpose_b: bool) {
    let Some((m, k, n)) = product_shape(c, a, transpose_a, b, transpose_b) else { return };
    let (rsa, csa) = strides(a, transpose_a);
    let (rsb, csb) = strides(b, transpose_b);
    // SAFETY: as in `mul`: shapes checked, distinct initialised buffers, c borrowed mutably.
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            0.0,
            c.as_mut_ptr(),
            1,
            m as isize,
        );
    }
}

/// A new matrix op(A)·op(B).
pub fn product(a: &DMatrix<f64>, transpose_a: bool, b: &DMatrix<f64>, transpose_b: bool) -> DMatrix<f64> {
    let m = if transpose_a { a.ncols() } else { a.nrows() };
    let n = if transpose_b { b.nrows() } else { b.ncols() };
    let mut c = DMatrix::zeros(m, n);
    mul(&mut c, a, transpose_a, b, transpose_b);
    c
}

/// (row stride, column stride) of op(X) for column-major X (r×c, leading dimension r): element (i, j) at
/// i + j·r, so X has strides (1, r) and Xᵀ has strides (r, 1).
#[cfg(not(target_arch = "wasm32"))]
fn strides(x: &DMatrix<f64>, transpose: bool) -> (isize, isize) {
    if transpose {
        (x.nrows() as isize, 1)
    } else {
        (1, x.nrows() as isize)
    }
}

/// (m, k, n) of C (m×n) = op(A) (m×k) · op(B) (k×n), after checking the shapes (panics on a mismatch: a
/// programming error). None when nothing is left to compute: C is empty, or k = 0 and C has been zeroed.
fn product_shape(
    c: &mut DMatrix<f64>,
    a: &DMatrix<f64>,
    transpose_a: bool,
    b: &DMatrix<f64>,
    transpose_b: bool,
) -> Option<(usize, usize, usize)> {
    let (m, k) = if transpose_a { (a.ncols(), a.nrows()) } else { (a.nrows(), a.ncols()) };
    let (kb, n) = if transpose_b { (b.ncols(), b.nrows()) } else { (b.nrows(), b.ncols()) };
    assert_eq!(kb, k, "inner dimensions");
    assert_eq!(c.shape(), (m, n), "output shape");
    if k == 0 {
        c.fill(0.0);
    }
    (m > 0 && n > 0 && k > 0).then_some((m, k, n))
}

/// dst ← srcᵀ: reads src column by column (contiguous) and writes dst with stride c.
pub fn transpose(dst: &mut DMatrix<f64>, src: &DMatrix<f64>) {
    let (r, c) = src.shape();
    assert_eq!(dst.shape(), (c, r), "transpose shape");
    if r == 0 || c == 0 {
        return;
    }
    let d = dst.as_mut_slice();
    for (j, col) in src.as_slice().chunks_exact(r).enumerate() {
        // src[i, j] (at i + j·r) → dst[j, i] (at j + i·c)
        for (o, &v) in d[j..].iter_mut().step_by(c).zip(col) {
            *o = v;
        }
    }
}

/// x·y, with eight independent partial sums so the loop vectorises (a single running sum is a chain of
/// dependent additions the compiler may not reorder).
#[inline(always)]
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    debug_assert_eq!(x.len(), y.len());
    let mut acc = [0.0f64; 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let tail: f64 = xc.remainder().iter().zip(yc.remainder()).map(|(a, b)| a * b).sum();
    for (a, b) in xc.zip(yc) {
        for l in 0..8 {
            acc[l] += a[l] * b[l];
        }
    }
    (acc[0] + acc[4]) + (acc[1] + acc[5]) + (acc[2] + acc[6]) + (acc[3] + acc[7]) + tail
}

/// Columns of C per micro-kernel block (rows are 4 = two `f64x2`): 2·NR accumulators, two A vectors and one
/// broadcast B value stay in registers. Measured in node on x86-64 (n = 100, L = 3): NR = 3 and 4 are best,
/// 5 and 6 spill and run 25–45% slower.
const NR: usize = 4;

thread_local! {
    /// Packing buffers of [`packed_mul`], grown on demand and reused (no allocation per product).
    static PACKED: std::cell::RefCell<(Vec<f64>, Vec<f64>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// The packed micro-kernel path of [`mul`] (public so it is tested natively against nalgebra).
pub fn packed_mul(c: &mut DMatrix<f64>, a: &DMatrix<f64>, transpose_a: bool, b: &DMatrix<f64>, transpose_b: bool) {
    let Some((m, k, n)) = product_shape(c, a, transpose_a, b, transpose_b) else { return };
    PACKED.with_borrow_mut(|(pa, pb)| {
        // op(A) as ⌈m/4⌉ panels of k×4 (row r at panel r/4, lane r%4); op(B) as ⌈n/NR⌉ panels of k×NR
        // (column q at panel q/NR, lane q%NR); both zero-padded.
        let (row_panels, col_panels) = (m.div_ceil(4), n.div_ceil(NR));
        pack(pa, a, transpose_a, m, k, 4);
        pack(pb, b, !transpose_b, n, k, NR);
        let cd = c.as_mut_slice();
        for q in 0..col_panels {
            let bp = &pb[q * k * NR..(q + 1) * k * NR];
            let cols = (n - q * NR).min(NR);
            for p in 0..row_panels {
                let block = micro_kernel(&pa[p * k * 4..(p + 1) * k * 4], bp, k);
                let rows = (m - p * 4).min(4);
                for (jj, col) in block.iter().enumerate().take(cols) {
                    let base = (q * NR + jj) * m + p * 4;
                    cd[base..base + rows].copy_from_slice(&col[..rows]);
                }
            }
        }
    });
}

/// Packs the `count` rows of op(X) (op(X) = Xᵀ when `transpose`, each of length k) into panels of `w`
/// interleaved rows: out[(r / w)·k·w + kk·w + r % w] = op(X)[r, kk], zero-padded to a whole panel.
fn pack(out: &mut Vec<f64>, x: &DMatrix<f64>, transpose: bool, count: usize, k: usize, w: usize) {
    let panels = count.div_ceil(w);
    out.clear();
    out.resize(panels * k * w, 0.0);
    let (xd, ld) = (x.as_slice(), x.nrows());
    for r in 0..count {
        let dst = &mut out[(r / w) * k * w..(r / w + 1) * k * w];
        let lane = r % w;
        if transpose {
            // op(X)[r, kk] = X[kk, r]: column r of X, contiguous.
            for (kk, &v) in xd[r * ld..r * ld + k].iter().enumerate() {
                dst[kk * w + lane] = v;
            }
        } else {
            for kk in 0..k {
                dst[kk * w + lane] = xd[kk * ld + r];
            }
        }
    }
}

/// The 4×NR block Σ_kk a[kk, 0..4] ⊗ b[kk, 0..NR] of two packed panels, as NR columns of 4.
#[inline(always)]
fn micro_kernel(a: &[f64], b: &[f64], k: usize) -> [[f64; 4]; NR] {
    assert!(a.len() >= k * 4 && b.len() >= k * NR, "panel sizes");
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::*;
        let mut acc = [[f64x2_splat(0.0); 2]; NR];
        for kk in 0..k {
            // SAFETY: the panels hold k×4 and k×NR elements (asserted above), so every address read is
            // in bounds; wasm loads tolerate unaligned addresses.
            unsafe {
                let pa = a.as_ptr().add(kk * 4) as *const v128;
                let (lo, hi) = (v128_load(pa), v128_load(pa.add(1)));
                let pb = b.as_ptr().add(kk * NR);
                for (q, col) in acc.iter_mut().enumerate() {
                    let s = v128_load64_splat(pb.add(q) as *const u64);
                    col[0] = f64x2_add(col[0], f64x2_mul(lo, s));
                    col[1] = f64x2_add(col[1], f64x2_mul(hi, s));
                }
            }
        }
        acc.map(|[lo, hi]| {
            [
                f64x2_extract_lane::<0>(lo),
                f64x2_extract_lane::<1>(lo),
                f64x2_extract_lane::<0>(hi),
                f64x2_extract_lane::<1>(hi),
            ]
        })
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut out = [[0.0; 4]; NR];
        for kk in 0..k {
            let (ak, bk) = (&a[kk * 4..kk * 4 + 4], &b[kk * NR..kk * NR + NR]);
            for (col, &bv) in out.iter_mut().zip(bk) {
                for r in 0..4 {
                    col[r] += ak[r] * bv;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic test matrix with entries in [−1, 1] and no structure a kernel could exploit.
    fn matrix(r: usize, c: usize, seed: usize) -> DMatrix<f64> {
        DMatrix::from_fn(r, c, |i, j| ((i * 7919 + j * 104_729 + seed * 31) as f64 * 0.618_033_988_7).sin())
    }

    #[test]
    fn both_kernels_match_nalgebra_on_every_edge_shape_and_transpose() {
        for (m, k, n) in
            [(1, 1, 1), (4, 4, 4), (5, 3, 7), (9, 13, 2), (30, 30, 30), (31, 17, 33), (3, 0, 2), (64, 20, 5)]
        {
            let a = matrix(m, k, 1);
            let b = matrix(k, n, 2);
            let want = &a * &b;
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a_in = if ta { a.transpose() } else { a.clone() };
                let b_in = if tb { b.transpose() } else { b.clone() };
                for (name, f) in [("mul", mul as fn(&mut _, &_, bool, &_, bool)), ("packed_mul", packed_mul)] {
                    let mut c = DMatrix::from_element(m, n, f64::NAN);
                    f(&mut c, &a_in, ta, &b_in, tb);
                    assert!((&c - &want).norm() <= 1e-12 * (1.0 + want.norm()), "{name} {m}×{k}×{n} ta={ta} tb={tb}");
                }
            }
        }
    }

    #[test]
    fn products_on_several_threads_equal_one_thread_bit_for_bit() {
        for (m, k, n) in [(120, 90, 110), (200, 200, 200)] {
            assert!(m * k * n >= PRODUCT_THREADS_FROM);
            let a = matrix(m, k, 5);
            let b = matrix(k, n, 6);
            let bt = b.transpose();
            let go = |threads, tb: bool| threads::with(threads, || product(&a, false, if tb { &bt } else { &b }, tb));
            for tb in [false, true] {
                let one = go(1, tb);
                assert!((&one - &a * &b).norm() <= 1e-12 * (1.0 + one.norm()));
                for threads in [2, 3] {
                    assert!(one == go(threads, tb), "{m}×{k}×{n} on {threads} threads");
                }
            }
        }
    }

    #[test]
    fn tiled_transpose_matches_nalgebra() {
        for (r, c) in [(1, 1), (3, 17), (8, 8), (30, 31), (65, 9)] {
            let a = matrix(r, c, 9);
            let mut t = DMatrix::from_element(c, r, f64::NAN);
            transpose(&mut t, &a);
            assert_eq!(t, a.transpose(), "{r}×{c}");
        }
    }

    #[test]
    fn dot_matches_nalgebra_at_every_tail_length() {
        for len in [0, 1, 7, 8, 9, 30, 101] {
            let x = matrix(len, 1, 3);
            let y = matrix(len, 1, 4);
            assert!(
                (dot(x.as_slice(), y.as_slice()) - x.dot(&y)).abs() <= 1e-12 * (1.0 + x.norm() * y.norm()),
                "dot {len}"
            );
        }
    }
}
