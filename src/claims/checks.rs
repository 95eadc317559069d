//! A verdict assembled from checks: each states its threshold and the number measured, and the verdict holds
//! only when every check passes.

use super::Verdict;

#[derive(Default)]
pub struct Checks {
    passed: Vec<String>,
    failed: Vec<String>,
}

impl Checks {
    pub fn new() -> Checks {
        Checks::default()
    }

    /// One check: `text` states what was measured against what threshold.
    pub fn check(&mut self, ok: bool, text: impl Into<String>) {
        if ok {
            self.passed.push(text.into());
        } else {
            self.failed.push(text.into());
        }
    }

    /// A check that could not be made (a number missing): it fails, saying why.
    pub fn missing(&mut self, text: impl Into<String>) {
        self.failed.push(text.into());
    }

    /// The verdict: the claim in a few words, then the failed checks (or, when all pass, the checks made).
    pub fn verdict(self, claim: &str) -> Verdict {
        if self.failed.is_empty() {
            Verdict { holds: true, why: format!("{claim} — {}", self.passed.join("; ")) }
        } else {
            Verdict { holds: false, why: format!("{claim} — but {}", self.failed.join("; ")) }
        }
    }
}

/// A number for a verdict line: 3 significant figures, never "-0" nor "NaN".
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let x = if x == 0.0 { 0.0 } else { x };
    crate::notation::number(x, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_only_when_every_check_passes() {
        let mut c = Checks::new();
        c.check(true, "a 1 ≤ 2");
        c.check(true, "b");
        let v = c.verdict("claim");
        assert!(v.holds);
        assert_eq!(v.why, "claim — a 1 ≤ 2; b");
        let mut c = Checks::new();
        c.check(true, "a");
        c.check(false, "b 3 > 2");
        c.missing("c not measured");
        let v = c.verdict("claim");
        assert!(!v.holds);
        assert_eq!(v.why, "claim — but b 3 > 2; c not measured");
    }

    #[test]
    fn numbers_are_never_negative_zero_or_nan() {
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(f64::NAN), "–");
        assert!(!num(-1e-20).starts_with("-0"), "{}", num(-1e-20));
    }
}
