//! The machine's peak: fused multiply-adds per second on one core, from independent chains of vector FMAs
//! that never touch memory — the roof that the products' rates are read against (`rankflow bench --peak`).

/// Peak GFLOP/s of one core (an FMA counts two flops), timed over about `seconds`: the best of 5 rounds.
/// On x86-64 with AVX2 and FMA: 12 independent 4-lane chains (enough to cover the FMA latency on every
/// core from Haswell and Zen on); elsewhere `f64::mul_add` on 16 scalar chains, which the compiler may lower
/// to a library call where the hardware has no FMA.
pub fn fma_gflops(seconds: f64) -> f64 {
    let mut best = 0.0f64;
    for _ in 0..5 {
        let (mut iters, mut took) = (1usize << 16, 0.0);
        while took < seconds / 5.0 {
            iters *= 2;
            let t = std::time::Instant::now();
            std::hint::black_box(chains(iters));
            took = t.elapsed().as_secs_f64();
        }
        best = best.max(iters as f64 * FLOPS_PER_ITER / took / 1e9);
    }
    best
}

#[cfg(target_arch = "x86_64")]
const FLOPS_PER_ITER: f64 = 12.0 * 4.0 * 2.0;
#[cfg(not(target_arch = "x86_64"))]
const FLOPS_PER_ITER: f64 = 16.0 * 2.0;

#[cfg(target_arch = "x86_64")]
fn chains(iters: usize) -> f64 {
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: AVX2 and FMA are present (checked just above).
        unsafe { chains_fma(iters) }
    } else {
        0.0
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn chains_fma(iters: usize) -> f64 {
    use std::arch::x86_64::{_mm256_fmadd_pd, _mm256_set1_pd, _mm256_storeu_pd};
    let (x, y) = (_mm256_set1_pd(0.999_999_9), _mm256_set1_pd(1e-9));
    let mut acc = [_mm256_set1_pd(1.0); 12];
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = _mm256_fmadd_pd(*a, x, y);
        }
    }
    let mut sum = 0.0;
    for a in acc {
        let mut lanes = [0.0; 4];
        // SAFETY: `lanes` holds the 4 doubles the store writes.
        unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), a) };
        sum += lanes.iter().sum::<f64>();
    }
    sum
}

#[cfg(not(target_arch = "x86_64"))]
fn chains(iters: usize) -> f64 {
    let mut acc = [1.0f64; 16];
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = a.mul_add(0.999_999_9, 1e-9);
        }
    }
    acc.iter().sum()
}
