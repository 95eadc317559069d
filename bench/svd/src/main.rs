//! µs per SVD of an n×n matrix, nalgebra against faer (one thread), as rankflow decomposes: the singular
//! values alone (every record of every run: `metrics::singular_values`) and with U and Vᵀ (each iteration of the
//! convex baseline, `baseline::prox_nuclear`; GLRL's escape direction). Two kinds of matrix: i.i.d. uniform entries, and
//! what a run records mid-way — rank 4 (values 12, 6, 3, 1.5) plus 1e-3 noise. One JSON line per (kind, n):
//! medians over rounds of µs per call, and the largest difference between the two libraries' singular values.
//!
//! usage: rankflow-svd-bench [ROUNDS]

use nalgebra::DMatrix;
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::time::Instant;

const SIZES: [usize; 5] = [20, 30, 50, 100, 200];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// µs per call of `f`, one round of at least ~20 ms.
fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..reps {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / reps as f64
}

fn matrix(kind: &str, n: usize, rng: &mut impl Rng) -> DMatrix<f64> {
    let noise = DMatrix::from_fn(n, n, |_, _| rng.random::<f64>() - 0.5);
    if kind == "uniform" {
        return noise;
    }
    // U diag(s) Vᵀ with orthonormal U, V from the QR of matrices of uniform entries, plus 1e-3 noise.
    let q = |rng: &mut dyn rand::RngCore| DMatrix::<f64>::from_fn(n, 4, |_, _| rng.random::<f64>() - 0.5).qr().q();
    let (u, v) = (q(rng), q(rng));
    let s = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![12.0, 6.0, 3.0, 1.5]));
    u * s * v.transpose() + noise * 1e-3
}

fn main() {
    faer::set_global_parallelism(faer::Par::Seq);
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(7);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for kind in ["uniform", "rank-4 + noise"] {
        for n in SIZES {
            let a = matrix(kind, n, &mut rng);
            let f = faer::Mat::<f64>::from_fn(n, n, |i, j| a[(i, j)]);
            let reps = (4_000_000 / (n * n * n)).max(3);
            let (mut nv, mut fv, mut nu, mut fu) = (vec![], vec![], vec![], vec![]);
            // The engines alternate within each round, so that the host's drift falls on both alike.
            for _ in 0..rounds {
                nv.push(time(reps, || {
                    black_box(black_box(&a).clone().singular_values());
                }));
                fv.push(time(reps, || {
                    black_box(black_box(&f).singular_values().expect("faer SVD converges"));
                }));
                nu.push(time(reps, || {
                    black_box(black_box(&a).clone().svd(true, true));
                }));
                fu.push(time(reps, || {
                    black_box(black_box(&f).thin_svd().expect("faer SVD converges"));
                }));
            }
            let mut sn: Vec<f64> = a.clone().singular_values().iter().copied().collect();
            sn.sort_by(|x, y| y.total_cmp(x));
            let sf = f.singular_values().expect("faer SVD converges");
            let diff = sn.iter().zip(&sf).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
            println!(
                "{{\"kind\":\"{kind}\",\"n\":{n},\"values_nalgebra_us\":{:.2},\"values_faer_us\":{:.2},\
                 \"uv_nalgebra_us\":{:.2},\"uv_faer_us\":{:.2},\"max_sigma_diff\":{diff:e},\"rounds\":{rounds}}}",
                median(nv),
                median(fv),
                median(nu),
                median(fu)
            );
        }
    }
}
