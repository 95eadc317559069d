//! The minimum nuclear norm completion as a semidefinite program, solved to a tight duality gap by a dual
//! log-barrier method: path following with Newton steps. Meant for observed entries, whose constraints pick
//! single entries, so the Newton system costs O(p²) to form for p observations.
//!
//! Primal: min ⟨C, Z⟩ s.t. ⟨A_k, Z⟩ = b_k (k = 1…p), Z ⪰ 0, with Z = [[P, X], [Xᵀ, Q]] (N = m + n), C = ½I and
//! A_k = ½(e_a e_bᵀ + e_b e_aᵀ), (a, b) = (i, m + j), picking X_ij for each observed (i, j); the optimum is ‖X‖_*.
//! Both sides are strictly feasible (P, Q large; y = 0), so the central path exists.
//!
//! Dual: max bᵀy s.t. S(y) = C − Σ_k y_k A_k ⪰ 0. For a barrier weight t, y(t) minimises the self-concordant
//! φ_t(y) = −t bᵀy − log det S(y), with gradient g_k = −t b_k + G_ab and Hessian
//! H_kl = ½(G_{b_k a_l} G_{a_k b_l} + G_{b_k b_l} G_{a_k a_l}), G = S⁻¹. At y(t), Z = G/t is primal feasible and
//! the duality gap ⟨C, Z⟩ − bᵀy is N/t. The returned Z = (G + G D G)/t, D = Σ_l Δy_l A_l from the Newton step Δy
//! at a centred y, satisfies every ⟨A_k, Z⟩ = b_k exactly (up to rounding) and is PSD since the step is short.

use crate::kernel::linalg;
use nalgebra::{Cholesky, DMatrix, DVector, Dyn};

/// t grows by this factor each time y is centred.
const GROWTH: f64 = 10.0;
/// y counts as centred when the Newton decrement λ² = gᵀH⁻¹g is at most this.
const CENTRED: f64 = 1e-6;
/// Solved when the duality gap N/t is at most this, relative to max(1, |bᵀy|).
const GAP: f64 = 1e-9;
/// When H stops factorising (its condition grows like t²), the last centred point is kept if its relative gap
/// is at most this.
const LOOSE_GAP: f64 = 1e-6;
/// Newton steps at one t before giving up (rounding stalls them at large t); it takes 5–15 from the centre of the
/// previous t.
const MAX_STAGE_STEPS: usize = 50;

pub(super) enum Status {
    Running,
    Solved,
    /// Numerically stuck before a gap of `LOOSE_GAP`.
    Failed,
}

pub(super) struct Barrier {
    rows: usize,
    cols: usize,
    a: Vec<usize>,
    b: Vec<usize>,
    values: DVector<f64>,
    y: DVector<f64>,
    t: f64,
    pub(super) steps: usize,
    stage_steps: usize,
    pub(super) status: Status,
    /// X at the last centred point and that point's relative gap.
    centred: Option<(DMatrix<f64>, f64)>,
}

impl Barrier {
    /// The program of the observed entries (`rows`, `cols`, `values`, no entry twice) of an m×n matrix.
    pub(super) fn new(m: usize, n: usize, entries: (&[usize], &[usize], &[f64])) -> Barrier {
        let (rows, cols, values) = entries;
        let values = DVector::from_column_slice(values);
        let scale = values.amax().max(f64::MIN_POSITIVE);
        let mut barrier = Barrier {
            rows: m,
            cols: n,
            a: rows.to_vec(),
            b: cols.iter().map(|&j| m + j).collect(),
            y: DVector::zeros(values.len()),
            values,
            // The first gap N/t is N·max|b_k|, about the optimum's scale.
            t: 1.0 / scale,
            steps: 0,
            stage_steps: 0,
            status: Status::Running,
            centred: None,
        };
        if barrier.a.is_empty() {
            barrier.centred = Some((DMatrix::zeros(m, n), 0.0));
            barrier.status = Status::Solved;
        }
        barrier
    }

    /// One Newton step (one factorisation of S and one of H, plus the line search's of S).
    pub(super) fn step(&mut self) {
        if !matches!(self.status, Status::Running) {
            return;
        }
        self.steps += 1;
        self.stage_steps += 1;
        let stepped = self.newton_step();
        if matches!(self.status, Status::Running) && (stepped.is_none() || self.stage_steps >= MAX_STAGE_STEPS) {
            self.status = match &self.centred {
                Some((_, gap)) if *gap <= LOOSE_GAP => Status::Solved,
                _ => Status::Failed,
            };
        }
    }

    /// The solved X (m×n), once `status` is `Solved`.
    pub(super) fn solution(&self) -> Option<&DMatrix<f64>> {
        self.centred.as_ref().filter(|_| matches!(self.status, Status::Solved)).map(|(x, _)| x)
    }

    fn dim(&self) -> usize {
        self.rows + self.cols
    }

    /// S(y) = C − Σ y_k A_k.
    fn slack(&self, y: &DVector<f64>) -> DMatrix<f64> {
        let mut s = DMatrix::from_diagonal_element(self.dim(), self.dim(), 0.5);
        for ((&a, &b), &yk) in self.a.iter().zip(&self.b).zip(y.iter()) {
            s[(a, b)] -= 0.5 * yk;
            s[(b, a)] -= 0.5 * yk;
        }
        s
    }

    /// One Newton step on φ_t, raising t first while y is centred; None when a factorisation or the line
    /// search fails.
    fn newton_step(&mut self) -> Option<()> {
        let s = linalg::cholesky(self.slack(&self.y))?;
        let log_det = log_det(&s);
        let g = s.inverse();
        let p = self.a.len();
        let (a, b) = (&self.a, &self.b);
        let mut h = DMatrix::from_fn(p, p, |k, l| {
            0.5 * (g[(b[k], a[l])] * g[(a[k], b[l])] + g[(b[k], b[l])] * g[(a[k], a[l])])
        });
        // Rounding makes H indefinite first in its near-null directions: retry with a tiny ridge.
        let top = h.diagonal().max();
        let mut h_factor = None;
        for ridge in [0.0, 1e-14, 1e-12, 1e-10] {
            if ridge > 0.0 {
                h.set_diagonal(&(h.diagonal() + DVector::from_element(p, ridge * top)));
            }
            h_factor = linalg::cholesky(h.clone());
            if h_factor.is_some() {
                break;
            }
        }
        let h = h_factor?;
        // H does not depend on t: raising t only changes the gradient.
        loop {
            let grad = DVector::from_fn(p, |k, _| -self.t * self.values[k] + g[(a[k], b[k])]);
            let dy = -h.solve(&grad);
            let decrement = -grad.dot(&dy);
            if !decrement.is_finite() {
                return None;
            }
            if decrement > CENTRED {
                return self.line_search(&dy, decrement, log_det);
            }
            let gap = self.dim() as f64 / self.t / self.values.dot(&self.y).abs().max(1.0);
            self.centred = Some((self.primal(&g, &dy), gap));
            if gap <= GAP {
                self.status = Status::Solved;
                return Some(());
            }
            self.t *= GROWTH;
            self.stage_steps = 0;
        }
    }

    /// y ← y + s·Δy: the full step once λ² < 1/16 (quadratic convergence), else the longest of 1, ½, ¼, … that
    /// keeps S ≻ 0 and decreases φ_t by at least a tenth of the linear prediction (Armijo); `log_det_now`
    /// is log det S(y) at the current y.
    fn line_search(&mut self, dy: &DVector<f64>, decrement: f64, log_det_now: f64) -> Option<()> {
        let phi = |y: &DVector<f64>, log_det: f64| -self.t * self.values.dot(y) - log_det;
        let start = (decrement >= 1.0 / 16.0).then(|| phi(&self.y, log_det_now));
        let mut s = 1.0;
        while s > 1e-12 {
            let y = &self.y + dy * s;
            let at_y = linalg::cholesky(self.slack(&y)).map(|l| phi(&y, log_det(&l)));
            let accepted = match (start, at_y) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(f0), Some(f)) => f <= f0 - 0.1 * s * decrement,
            };
            if accepted {
                self.y = y;
                return Some(());
            }
            s *= 0.5;
        }
        None
    }

    /// X from Z = (G + G D G)/t.
    fn primal(&self, g: &DMatrix<f64>, dy: &DVector<f64>) -> DMatrix<f64> {
        let mut d = DMatrix::zeros(self.dim(), self.dim());
        for ((&a, &b), &v) in self.a.iter().zip(&self.b).zip(dy.iter()) {
            d[(a, b)] += 0.5 * v;
            d[(b, a)] += 0.5 * v;
        }
        let z = (g + g * d * g) / self.t;
        z.view((0, self.rows), (self.rows, self.cols)).into_owned()
    }
}

/// log det S from its Cholesky factor L: 2 Σ ln L_ii.
fn log_det(s: &Cholesky<f64, Dyn>) -> f64 {
    2.0 * s.l_dirty().diagonal().iter().map(|d| d.ln()).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::dynamics::problem::{Observation, Problem};
    use crate::dynamics::sampling::Sampler;

    fn completion(json: &str) -> (Problem, Barrier) {
        let config = Config::from_json(json).unwrap();
        let problem = Problem::from_config(&config, &mut Sampler::new(config.seed));
        let Observation::Entries { rows, cols, values, .. } = &problem.observation else { panic!("entries") };
        let mut barrier = Barrier::new(problem.rows, problem.cols, (rows, cols, values));
        while matches!(barrier.status, Status::Running) {
            barrier.step();
        }
        (problem, barrier)
    }

    /// ‖X‖_* − bᵀy: zero exactly at the optimum when X interpolates and ‖Y‖₂ ≤ 1 (Y = Σ y_k e_i e_jᵀ), since
    /// then ‖X‖_* ≥ ⟨Y, X⟩ = bᵀy for every interpolating X.
    fn certificate_gap(b: &Barrier, x: &DMatrix<f64>) -> f64 {
        let mut y = DMatrix::zeros(b.rows, b.cols);
        for ((&i, &j), &v) in b.a.iter().zip(&b.b).zip(b.y.iter()) {
            y[(i, j - b.rows)] = v;
        }
        let dual_norm = y.singular_values().max();
        assert!(dual_norm <= 1.0 + 1e-12, "dual infeasible: ‖Y‖₂ = {dual_norm}");
        x.singular_values().sum() - b.values.dot(&b.y)
    }

    #[test]
    fn the_solution_interpolates_and_is_certified_optimal() {
        for json in [
            r#"{"seed": 1, "problem": {"kind": "completion", "n": 20, "rank": 2, "observed_fraction": 0.2}}"#,
            r#"{"seed": 3, "problem": {"kind": "completion", "n": 20, "rank": 2, "observed_fraction": 0.5}}"#,
            r#"{"seed": 7, "problem": {"kind": "completion", "m": 9, "n": 5, "rank": 2, "observed_fraction": 0.6}}"#,
        ] {
            let (problem, barrier) = completion(json);
            assert!(matches!(barrier.status, Status::Solved), "{json}");
            let x = barrier.solution().unwrap();
            let Observation::Entries { rows, cols, values, .. } = &problem.observation else { unreachable!() };
            for ((&i, &j), &v) in rows.iter().zip(cols).zip(values) {
                assert!(
                    (x[(i, j)] - v).abs() <= 1e-9 * barrier.values.amax(),
                    "{json}: X_{i}{j} = {} vs {v}",
                    x[(i, j)]
                );
            }
            let nuclear = x.singular_values().sum();
            let gap = certificate_gap(&barrier, x);
            assert!(gap.abs() <= 1e-8 * nuclear, "{json}: gap {gap}");
        }
    }

    #[test]
    fn the_certificate_rejects_an_interpolant_that_is_not_the_minimum() {
        // The target itself interpolates its 80 observations but has a larger nuclear norm than the minimum.
        let (problem, barrier) = completion(
            r#"{"seed": 1, "problem": {"kind": "completion", "n": 20, "rank": 2, "observed_fraction": 0.2}}"#,
        );
        let truth = problem.truth.clone().unwrap();
        assert!(certificate_gap(&barrier, &truth) > 1.0, "the target passed as the minimum");
    }

    #[test]
    fn the_two_by_two_completion_has_nuclear_norm_two() {
        // [[?, 1], [1, 0]]: X = [[x, 1], [1, 0]] has singular values |λ±| with λ± = (x ± √(x² + 4))/2, whose sum
        // √(x² + 4) is least, 2, at x = 0.
        let (_, barrier) = completion(r#"{"problem": {"kind": "entries", "values": [[null, 1.0], [1.0, 0.0]]}}"#);
        let x = barrier.solution().unwrap();
        assert!(x[(0, 0)].abs() < 1e-8, "{x}");
        assert!((x.singular_values().sum() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn no_observation_gives_the_zero_matrix() {
        let mut barrier = Barrier::new(3, 2, (&[], &[], &[]));
        barrier.step();
        assert!(matches!(barrier.status, Status::Solved));
        assert_eq!(barrier.solution(), Some(&DMatrix::zeros(3, 2)));
    }
}
