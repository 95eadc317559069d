//! How fast the page plays, from the speed slider's position p ∈ [0, MAX] (MAX = as fast as the machine allows).
//! On a log step axis p sets the wall time per decade of steps, so every decade takes equally long:
//! T(p) = 8 s · (0.1/8)^(p/99). On a linear axis it sets steps per second: S(p) = 10 · 10^(5p/99).

use serde::Serialize;

/// Slider position meaning "as fast as the machine allows" (`speed=max`).
pub const MAX: u32 = 100;
/// Where the slider starts: 0.88 s per decade, 3.2k steps/s.
pub const DEFAULT: u32 = 50;
const SLOWEST_DECADE_S: f64 = 8.0;
const FASTEST_DECADE_S: f64 = 0.1;
const SLOWEST_STEPS_PER_S: f64 = 10.0;
const FASTEST_STEPS_PER_S: f64 = 1e6;

/// A pace: `None` fields at MAX.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pace {
    pub position: u32,
    /// Seconds per decade of steps (log axis).
    pub decade_seconds: Option<f64>,
    /// Steps per second (linear axis).
    pub steps_per_second: Option<f64>,
    /// What the slider shows, e.g. "0.9 s/decade" or "3.2k steps/s" or "max".
    pub label: String,
}

pub fn pace(position: u32, log_steps: bool) -> Pace {
    let p = position.min(MAX);
    if p == MAX {
        return Pace { position: p, decade_seconds: None, steps_per_second: None, label: "max".into() };
    }
    let f = f64::from(p) / 99.0;
    let decade = SLOWEST_DECADE_S * (FASTEST_DECADE_S / SLOWEST_DECADE_S).powf(f);
    let rate = SLOWEST_STEPS_PER_S * (FASTEST_STEPS_PER_S / SLOWEST_STEPS_PER_S).powf(f);
    let label = if log_steps {
        format!("{} s/decade", crate::notation::number(decade, 2))
    } else {
        format!("{} steps/s", crate::notation::step(rate.round()))
    };
    Pace { position: p, decade_seconds: Some(decade), steps_per_second: Some(rate), label }
}

/// The step the run should have reached `elapsed` seconds of playing after `from` at this pace: equal wall time
/// per decade on a log axis (counted from step 1), constant steps per second on a linear one; ∞ at MAX.
pub fn target(pace: &Pace, log_steps: bool, from: f64, elapsed: f64) -> f64 {
    match (log_steps, pace.decade_seconds, pace.steps_per_second) {
        (true, Some(t), _) => from.max(1.0) * 10f64.powf(elapsed.max(0.0) / t),
        (false, _, Some(s)) => from + s * elapsed.max(0.0),
        _ => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_time_per_decade_on_a_log_axis() {
        let p = pace(DEFAULT, true);
        let t = p.decade_seconds.unwrap();
        assert!((0.8..1.0).contains(&t), "{t}");
        // Two decades take two decade-times, from any start.
        assert!((target(&p, true, 100.0, 2.0 * t) / 10_000.0 - 1.0).abs() < 1e-12);
        assert!((target(&p, true, 0.0, t) - 10.0).abs() < 1e-9);
        assert_eq!(pace(0, true).decade_seconds, Some(8.0));
        assert!((pace(99, true).decade_seconds.unwrap() - 0.1).abs() < 1e-12);
    }

    #[test]
    fn steps_per_second_on_a_linear_axis_and_max() {
        let p = pace(99, false);
        assert!((p.steps_per_second.unwrap() - 1e6).abs() < 1e-3);
        assert_eq!(target(&pace(0, false), false, 5.0, 2.0), 25.0);
        assert_eq!(pace(MAX, true).label, "max");
        assert_eq!(target(&pace(500, true), true, 0.0, 0.0), f64::INFINITY);
        assert!(pace(DEFAULT, false).label.ends_with("steps/s"));
    }
}
