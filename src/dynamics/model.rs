//! Factorizations of the end-to-end matrix: the deep product W = W_L ⋯ W_1 and the symmetric W = U Uᵀ,
//! with their initialisation, forward product and back-propagated gradients.
//!
//! Shapes (m×n target, hidden width d): W_1 is d×n, W_2 … W_{L−1} are d×d, W_L is m×d (W_1 is m×n when
//! L = 1); U is n×d. Gradients (asymmetric): ∇_{W_j} = (W_L⋯W_{j+1})ᵀ ∇ℓ(W) (W_{j−1}⋯W_1)ᵀ;
//! symmetric: ∇_U ℓ(U Uᵀ) = (∇ℓ + ∇ℓᵀ) U.

use crate::config::{Config, InitConvention, InitKind};
use crate::dynamics::problem::{Observation, Problem};
use crate::dynamics::sampling::Sampler;
use crate::kernel;
use nalgebra::DMatrix;

/// A factorized model with reusable work buffers: the hot path allocates nothing.
#[derive(Clone)]
pub struct Model {
    pub symmetric: bool,
    /// W_1 … W_L in factor order (one factor U when symmetric).
    pub factors: Vec<DMatrix<f64>>,
    /// ∇L with respect to each factor, filled by [`Model::loss_and_gradients`].
    pub grads: Vec<DMatrix<f64>>,
    /// prefix[j] = W_{j+1} ⋯ W_1 (so prefix[L−1] = W); for the symmetric model prefix[0] = U Uᵀ.
    prefix: Vec<DMatrix<f64>>,
    /// ∇ℓ(W), m×n.
    grad_w: DMatrix<f64>,
    /// Back-propagated B_j = (W_L⋯W_{j+1})ᵀ ∇ℓ(W), d×n, ping-pong pair.
    back: [DMatrix<f64>; 2],
    /// W_Lᵀ (d×m) and ∇_{W_L}ᵀ scratch for the sparse completion path (rows of W_L as contiguous columns).
    top_t: DMatrix<f64>,
    top_grad_t: DMatrix<f64>,
    /// The residuals r_k on Ω, scratch of the same path.
    residuals: Vec<f64>,
}

impl Model {
    /// Initialises the factors of a validated config: entries i.i.d. N(0, α²), α·I, or α·orthogonal
    /// (α per factor when `init_scales` is given). Under the `product` convention each factor gets α^(1/L)
    /// instead (Gaussian entries also divided by √fan-in), so W(0) has scale ≈ α at every depth.
    pub fn from_config(cfg: &Config, sampler: &mut Sampler) -> Model {
        let (m, n) = cfg.dims();
        let mc = &cfg.model;
        let d = mc.width.expect("validated width");
        let shapes = factor_shapes(m, n, d, mc.depth, mc.symmetric);
        let depth = if mc.symmetric { 2.0 } else { mc.depth as f64 };
        let factors = shapes
            .iter()
            .enumerate()
            .map(|(j, &(r, c))| (mc.init_scales.as_ref().map_or(mc.init_scale, |a| a[j]), r, c))
            .map(|(alpha, r, c)| {
                let (scale, gaussian_std) = match mc.init_convention {
                    InitConvention::Factor => (alpha, alpha),
                    InitConvention::Product => (alpha.powf(1.0 / depth), alpha.powf(1.0 / depth) / (c as f64).sqrt()),
                };
                match mc.init {
                    InitKind::Gaussian => sampler.gaussian(r, c, gaussian_std),
                    InitKind::Identity => DMatrix::identity(r, c) * scale,
                    InitKind::Orthogonal => sampler.orthonormal(r, c) * scale,
                }
            })
            .collect();
        Model::new(factors, mc.symmetric, m, n)
    }

    /// Wraps given factors (W_1 … W_L, or [U] when symmetric) for an m×n target.
    pub fn new(factors: Vec<DMatrix<f64>>, symmetric: bool, m: usize, n: usize) -> Model {
        let grads = factors.iter().map(|f| DMatrix::zeros(f.nrows(), f.ncols())).collect();
        let prefix = if symmetric {
            vec![DMatrix::zeros(m, n)]
        } else {
            factors.iter().map(|f| DMatrix::zeros(f.nrows(), n)).collect()
        };
        let d = factors[0].nrows();
        Model {
            symmetric,
            factors,
            grads,
            prefix,
            grad_w: DMatrix::zeros(m, n),
            back: [DMatrix::zeros(d, n), DMatrix::zeros(d, n)],
            top_t: DMatrix::zeros(d, m),
            top_grad_t: DMatrix::zeros(d, m),
            residuals: Vec::new(),
        }
    }

    /// Computes W into the prefix buffers and returns it.
    pub fn forward(&mut self) -> &DMatrix<f64> {
        if self.symmetric {
            let u = &self.factors[0];
            kernel::linalg::gemm(&mut self.prefix[0], 1.0, u, &kernel::linalg::transpose(u), 0.0);
            return &self.prefix[0];
        }
        self.form_prefixes(self.factors.len());
        self.prefix.last().expect("depth ≥ 1")
    }

    /// prefix[j] = W_{j+1} ⋯ W_1 for j < `count`.
    fn form_prefixes(&mut self, count: usize) {
        self.prefix[0].copy_from(&self.factors[0]);
        for j in 1..count {
            let (done, rest) = self.prefix.split_at_mut(j);
            kernel::mul(&mut rest[0], &self.factors[j], false, &done[j - 1], false);
        }
    }

    /// Fresh copy of W computed from the current factors (with the hot loop's product kernel).
    pub fn product(&self) -> DMatrix<f64> {
        if self.symmetric {
            let u = &self.factors[0];
            return kernel::product(u, false, u, true);
        }
        let mut w = self.factors[0].clone();
        for f in &self.factors[1..] {
            w = kernel::product(f, false, &w, false);
        }
        w
    }

    /// Forward pass, ∇ℓ(W) and back-propagation into `self.grads`; returns ℓ(W).
    pub fn loss_and_gradients(&mut self, problem: &Problem) -> f64 {
        if let (false, Observation::Entries { rows, cols, values, layout, .. }) = (self.symmetric, &problem.observation)
        {
            if self.factors.len() >= 2 {
                return self.sparse_entries_gradients(rows, cols, values, layout);
            }
        }
        self.forward();
        let loss = problem.loss_and_gradient(self.prefix.last().expect("depth ≥ 1"), &mut self.grad_w);
        if self.symmetric {
            // ∇_U = (G + Gᵀ) U
            let g = &self.grad_w;
            let u = &self.factors[0];
            kernel::linalg::gemm(&mut self.grads[0], 1.0, g, u, 0.0);
            kernel::linalg::gemm_tr(&mut self.grads[0], 1.0, g, u, 1.0);
            return loss;
        }
        let l = self.factors.len();
        if l == 1 {
            self.grads[0].copy_from(&self.grad_w);
            return loss;
        }
        // j = L (index l−1): ∇ = G · prefix[L−2]ᵀ ; B_{L−1} = W_Lᵀ G.
        gradient_and_next_back(
            &mut self.grads[l - 1],
            &mut self.back[0],
            &self.grad_w,
            &self.prefix[l - 2],
            &self.factors[l - 1],
        );
        self.back_propagate_below_top();
        loss
    }

    /// With B = W_Lᵀ ∇ℓ(W) in `back[0]` and the prefixes formed, the gradients of W_{L−1} … W_1:
    /// ∇_{W_{j+1}} = B · prefix[j−1]ᵀ, then B ← W_{j+1}ᵀ B, down to ∇_{W_1} = B.
    fn back_propagate_below_top(&mut self) {
        let l = self.factors.len();
        let mut cur = 0;
        for j in (1..l - 1).rev() {
            let (a, b) = self.back.split_at_mut(1);
            let (src, dst) = if cur == 0 { (&a[0], &mut b[0]) } else { (&b[0], &mut a[0]) };
            gradient_and_next_back(&mut self.grads[j], dst, src, &self.prefix[j - 1], &self.factors[j]);
            cur = 1 - cur;
        }
        self.grads[0].copy_from(&self.back[cur]);
    }

    /// Completion fast path (depth ≥ 2): ∇ℓ(W) is zero off the observed set Ω, so W is formed only on Ω
    /// (W_ij = W_L[i,:]·P[:,j] with P = W_{L−1}⋯W_1) and the two products that touch ∇ℓ cost |Ω|·d instead of
    /// m·n·d: ∇_{W_L} = G Pᵀ and B = W_Lᵀ G are summed over the observed entries of each column and row
    /// (`kernel::ObservedPass`). The rest back-propagates densely as in the general path. Returns ℓ(W).
    fn sparse_entries_gradients(
        &mut self,
        rows: &[usize],
        cols: &[usize],
        values: &[f64],
        layout: &kernel::ObservedLayout,
    ) -> f64 {
        let l = self.factors.len();
        self.form_prefixes(l - 1);
        let p = &self.prefix[l - 2];
        kernel::transpose(&mut self.top_t, &self.factors[l - 1]);
        self.residuals.resize(values.len(), 0.0);
        let scale = 1.0 / values.len() as f64;
        let pass = kernel::ObservedPass {
            d: p.nrows(),
            p: p.as_slice(),
            top_t: self.top_t.as_slice(),
            rows,
            cols,
            values,
            layout,
            scale,
        };
        let sum = pass.run(self.top_grad_t.as_mut_slice(), self.back[0].as_mut_slice(), &mut self.residuals);
        kernel::transpose(&mut self.grads[l - 1], &self.top_grad_t);
        self.back_propagate_below_top();
        0.5 * sum * scale
    }

    /// Balancedness gap max_j ‖W_{j+1}ᵀ W_{j+1} − W_j W_jᵀ‖_F (0 for one factor or the symmetric model).
    /// Conserved by gradient flow.
    pub fn balance_gap(&self) -> f64 {
        if self.symmetric {
            return 0.0;
        }
        self.factors
            .windows(2)
            .map(|p| (kernel::product(&p[1], true, &p[1], false) - kernel::product(&p[0], false, &p[0], true)).norm())
            .fold(0.0, f64::max)
    }

    /// Frobenius norm of each factor, in factor order W_1 … W_L.
    pub fn factor_norms(&self) -> Vec<f64> {
        self.factors.iter().map(|f| f.norm()).collect()
    }

    /// Number of trainable parameters.
    pub fn parameter_count(&self) -> usize {
        self.factors.iter().map(|f| f.len()).sum()
    }

    /// Shape of the target (m, n).
    pub fn target_shape(&self) -> (usize, usize) {
        self.grad_w.shape()
    }
}

/// One back-propagation step through factor W: ∇_W = B · Pᵀ (P the prefix below W) and the next B' = Wᵀ B.
/// Both only read B, so they run on two tasks when a run may use several threads (`kernel::threads::join`).
fn gradient_and_next_back(
    grad: &mut DMatrix<f64>,
    next: &mut DMatrix<f64>,
    back: &DMatrix<f64>,
    prefix: &DMatrix<f64>,
    factor: &DMatrix<f64>,
) {
    kernel::threads::join(
        back.len() * prefix.nrows() >= kernel::PRODUCT_THREADS_FROM,
        || kernel::mul(grad, back, false, prefix, true),
        || kernel::mul(next, factor, true, back, false),
    );
}

/// (rows, cols) of each factor in order W_1 … W_L; [(m, d)] for the symmetric U.
pub fn factor_shapes(m: usize, n: usize, d: usize, depth: usize, symmetric: bool) -> Vec<(usize, usize)> {
    if symmetric {
        return vec![(m, d)];
    }
    if depth == 1 {
        return vec![(m, n)];
    }
    let mut s = vec![(d, n)];
    s.extend(std::iter::repeat_n((d, d), depth - 2));
    s.push((m, d));
    s
}
