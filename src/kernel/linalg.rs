//! nalgebra's decompositions and vector/matrix BLAS on dynamic `f64` matrices, instantiated in this crate so
//! that the page's wasm compiles them at opt-level 3 like the rest of the kernel: the wasm is otherwise built
//! for size (opt-level "z"), where the small helpers inside these routines (indexing, views, iterators) stop
//! being inlined — `counterexample` stepped 2.3× slower with them in the main crate. Each function is the
//! nalgebra call, so results are nalgebra's bit for bit.

use nalgebra::{Cholesky, DMatrix, DVector, DVectorView, DVectorViewMut, Dyn, SymmetricEigen, SVD};

/// Singular values of `m`, unordered.
pub fn singular_values(m: DMatrix<f64>) -> DVector<f64> {
    m.singular_values()
}

/// The SVD of `m` with U and Vᵀ.
pub fn svd(m: DMatrix<f64>) -> SVD<f64, Dyn, Dyn> {
    m.svd(true, true)
}

/// U Σ Vᵀ from an SVD with U and Vᵀ (as `SVD::recompose`; None without them).
pub fn recompose(svd: SVD<f64, Dyn, Dyn>) -> Option<DMatrix<f64>> {
    svd.recompose().ok()
}

/// Eigenvalues and eigenvectors of the symmetric `m` (its lower triangle is read).
pub fn symmetric_eigen(m: DMatrix<f64>) -> SymmetricEigen<f64, Dyn> {
    m.symmetric_eigen()
}

/// The Cholesky factor of the symmetric `m` (its lower triangle is read); None unless positive definite.
pub fn cholesky(m: DMatrix<f64>) -> Option<Cholesky<f64, Dyn>> {
    Cholesky::new(m)
}

/// C ← α·A·B + β·C.
pub fn gemm(c: &mut DMatrix<f64>, alpha: f64, a: &DMatrix<f64>, b: &DMatrix<f64>, beta: f64) {
    c.gemm(alpha, a, b, beta)
}

/// C ← α·Aᵀ·B + β·C.
pub fn gemm_tr(c: &mut DMatrix<f64>, alpha: f64, a: &DMatrix<f64>, b: &DMatrix<f64>, beta: f64) {
    c.gemm_tr(alpha, a, b, beta)
}

/// y ← α·A·x + β·y.
pub fn gemv(y: &mut DVector<f64>, alpha: f64, a: &DMatrix<f64>, x: &[f64], beta: f64) {
    y.gemv(alpha, a, &DVectorView::from_slice(x, x.len()), beta)
}

/// y ← α·Aᵀ·x + β·y.
pub fn gemv_tr(y: &mut [f64], alpha: f64, a: &DMatrix<f64>, x: &DVector<f64>, beta: f64) {
    let len = y.len();
    DVectorViewMut::from_slice(y, len).gemv_tr(alpha, a, x, beta)
}

/// Aᵀ as a new matrix.
pub fn transpose(a: &DMatrix<f64>) -> DMatrix<f64> {
    a.transpose()
}

/// x·y.
pub fn dot(x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    x.dot(y)
}

/// y ← a·x + b·y.
pub fn axpy(y: &mut DVector<f64>, a: f64, x: &DVector<f64>, b: f64) {
    y.axpy(a, x, b)
}

/// ‖M‖_F².
pub fn norm_squared(m: &DMatrix<f64>) -> f64 {
    m.norm_squared()
}

/// ‖x‖₂².
pub fn vector_norm_squared(x: &DVector<f64>) -> f64 {
    x.norm_squared()
}

/// ‖x‖₂.
pub fn norm(x: &DVector<f64>) -> f64 {
    x.norm()
}
