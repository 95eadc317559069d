//! W kept at a bounded set of steps, spaced evenly in log-step, so a finished run can be looked at again at
//! any step (the page's time slider) without keeping every W: at most `count` matrices per run, step 0 and
//! the run's last step always among them.

use nalgebra::DMatrix;

/// Most snapshots per run.
pub const MAX_PER_RUN: usize = 64;
/// Most bytes of snapshots per experiment (all runs together).
pub const MAX_BYTES: usize = 32 << 20;

pub struct Snapshots {
    /// Steps at which W is kept, ascending, step 0 first.
    schedule: Vec<u64>,
    next: usize,
    kept: Vec<(u64, DMatrix<f64>)>,
}

/// Snapshots per run for `runs` runs of `entries` entries each: ≤ [`MAX_PER_RUN`], ≤ [`MAX_BYTES`] in all,
/// at least 2 (the start and the end).
pub fn per_run(runs: usize, entries: usize) -> usize {
    let bytes = runs.max(1) * entries.max(1) * size_of::<f64>();
    (MAX_BYTES / bytes).clamp(2, MAX_PER_RUN)
}

impl Snapshots {
    /// A schedule of `count` steps in 0..=steps: 0, then ⌈steps^(k/(count−1))⌉ for k = 1 … count−1 (duplicates
    /// merged), so the snapshots are evenly spaced on a log step axis.
    pub fn new(count: usize, steps: u64) -> Snapshots {
        let count = count.max(2);
        let mut schedule = vec![0];
        for k in 1..count {
            let s = (steps.max(1) as f64).powf(k as f64 / (count - 1) as f64).ceil() as u64;
            if s > *schedule.last().unwrap_or(&0) {
                schedule.push(s.min(steps.max(1)));
            }
        }
        schedule.dedup();
        Snapshots { schedule, next: 0, kept: vec![] }
    }

    /// Whether W at `step` is to be kept.
    pub fn due(&self, step: u64) -> bool {
        self.schedule.get(self.next).is_some_and(|&s| s <= step)
    }

    /// Keeps W at `step` (call when [`Snapshots::due`]; also at the run's end, whatever the schedule).
    pub fn keep(&mut self, step: u64, w: DMatrix<f64>) {
        while self.schedule.get(self.next).is_some_and(|&s| s <= step) {
            self.next += 1;
        }
        match self.kept.last_mut() {
            Some(last) if last.0 == step => last.1 = w,
            _ => self.kept.push((step, w)),
        }
    }

    /// The kept W nearest to `step` in log-step (|log(1+s) − log(1+step)|), with its step.
    pub fn nearest(&self, step: u64) -> Option<(u64, &DMatrix<f64>)> {
        let d = |s: u64| ((1.0 + s as f64).ln() - (1.0 + step as f64).ln()).abs();
        self.kept.iter().min_by(|a, b| d(a.0).total_cmp(&d(b.0))).map(|(s, w)| (*s, w))
    }

    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Bytes held by the kept matrices.
    pub fn bytes(&self) -> usize {
        self.kept.iter().map(|(_, w)| w.len() * size_of::<f64>()).sum()
    }

    /// Planned number of snapshots (the end of a run that stops early is kept in addition).
    pub fn planned(&self) -> usize {
        self.schedule.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_is_log_spaced_and_bounded() {
        let s = Snapshots::new(64, 100_000);
        assert!(s.planned() <= 64 && s.planned() >= 40, "{}", s.planned());
        assert_eq!(s.schedule[0], 0);
        assert_eq!(*s.schedule.last().unwrap(), 100_000);
        // Ratio between consecutive late snapshots ≈ 100000^(1/63) ≈ 1.2.
        let n = s.schedule.len();
        let r = s.schedule[n - 1] as f64 / s.schedule[n - 2] as f64;
        assert!((r - 100_000f64.powf(1.0 / 63.0)).abs() < 0.01, "{r}");
    }

    #[test]
    fn nearest_is_nearest_in_log_step() {
        let mut s = Snapshots::new(4, 1000); // 0, 10, 100, 1000
        assert_eq!(s.schedule, vec![0, 10, 100, 1000]);
        for step in [0, 10, 100, 1000] {
            assert!(s.due(step));
            s.keep(step, DMatrix::from_element(1, 1, step as f64));
        }
        assert!(!s.due(5000));
        assert_eq!(s.nearest(30).unwrap().0, 10); // log 31 is nearer log 11 than log 101
        assert_eq!(s.nearest(40).unwrap().0, 100);
        assert_eq!(s.nearest(1).unwrap().0, 0);
        assert_eq!(s.nearest(1_000_000).unwrap().1[(0, 0)], 1000.0);
    }

    #[test]
    fn budget_caps_snapshots_per_run() {
        assert_eq!(per_run(1, 10 * 10), MAX_PER_RUN);
        // 4 runs of 200×200: 32 MiB / (4 × 320 kB) = 26.
        assert_eq!(per_run(4, 200 * 200), 26);
        assert_eq!(per_run(100, 200 * 200), 2);
    }
}
