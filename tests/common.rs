//! What the test modules share: every preset run to its end (baseline solved) at most once per test process, however
//! many tests read it.

use rankflow::experiment::{presets, Experiment};
use rankflow::Status;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The preset `name` run to its end, every member finished, the convex baseline solved.
pub fn run_preset(name: &str) -> Experiment {
    let mut exp = presets::find(name).unwrap_or_else(|| panic!("no preset {name}")).experiment();
    while exp.running() {
        exp.advance(1 << 20);
    }
    exp.finish_baseline();
    for m in &exp.members {
        assert_eq!(m.run.status(), &Status::Finished, "{name} [{}]", m.label);
    }
    exp
}

/// [`run_preset`], computed once and shared (read-only) by every test that asks.
pub fn finished(name: &str) -> &'static Experiment {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static OnceLock<Experiment>>>> = OnceLock::new();
    let cell = *CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(name.to_string())
        .or_insert_with(|| Box::leak(Box::default()));
    cell.get_or_init(|| run_preset(name))
}
