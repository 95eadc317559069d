//! How many threads one run's kernels may use: 1 unless a caller says otherwise for the work it runs on the
//! current thread ([`with`]). The products and the pass over Ω then split their work across that many rayon
//! tasks, each only above its own measured size crossover ([`crate::PRODUCT_THREADS_FROM`],
//! [`crate::PASS_THREADS_FROM`]). Results are the same bit for bit on any number of threads: work is split by
//! output blocks, never inside a sum. Sweeps leave it at 1 and run one run per core instead.

use std::cell::Cell;

thread_local! {
    static THREADS: Cell<usize> = const { Cell::new(1) };
}

/// The threads the current thread's kernels may use (≥ 1).
pub fn current() -> usize {
    THREADS.with(Cell::get)
}

/// Runs `f` with the current thread's kernels allowed `threads` threads (clamped to ≥ 1), then restores the
/// previous setting. In wasm there is one thread whatever is asked.
pub fn with<R>(threads: usize, f: impl FnOnce() -> R) -> R {
    let threads = if cfg!(target_arch = "wasm32") { 1 } else { threads.max(1) };
    let before = THREADS.with(|t| t.replace(threads));
    // Restored on unwind too, so a panic caught above leaves the thread as it was.
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREADS.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// Runs two independent pieces of work, on two rayon tasks (each allowed half of the current threads) when the
/// current thread may use several and `large` says the work is worth a task, else one after the other. Each
/// piece computes what it would alone, so the results do not depend on the choice.
pub fn join<A, B>(large: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B)
where
    A: Send,
    B: Send,
{
    let threads = current();
    #[cfg(not(target_arch = "wasm32"))]
    if large && threads > 1 {
        let half = threads / 2;
        return rayon::join(|| with(threads - half, a), || with(half, b));
    }
    let _ = (large, threads);
    (a(), b())
}
