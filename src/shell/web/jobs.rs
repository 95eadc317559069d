//! The background jobs of the page's helper worker: a convex baseline solved once per key, a sweep in slices.
//! Neither draws.

use crate::config::Config;
use serde_json::json;
use wasm_bindgen::prelude::*;

/// The convex baseline of a [`Lab::baseline_key`], solved in slices (the page's helper worker).
#[wasm_bindgen]
pub struct BaselineJob {
    solver: Option<crate::dynamics::baseline::BaselineSolver>,
}

#[wasm_bindgen]
impl BaselineJob {
    /// Throws a message naming the bad field of the key (or of its problem).
    #[wasm_bindgen(constructor)]
    pub fn new(key_json: &str) -> Result<BaselineJob, JsError> {
        let key: crate::dynamics::baseline::BaselineKey =
            serde_json::from_str(key_json).map_err(|e| JsError::new(&format!("baseline key: {e}")))?;
        let config = key.config().map_err(|e| JsError::new(&format!("baseline key: {e}")))?;
        if !baseline_fits_page(&config) {
            return Err(JsError::new("baseline key: the page solves baselines of at most 100×100 entries"));
        }
        Ok(BaselineJob { solver: key.solver(&config) })
    }

    /// Runs up to `iterations` units of work (each about one SVD of W); true once solved (at once when there is none).
    pub fn advance(&mut self, iterations: u32) -> bool {
        self.solver.as_mut().is_none_or(|s| s.iterate(iterations as usize))
    }

    /// The solved baseline as JSON, as [`Lab::adopt_baseline`] takes it ("null" until solved or when there is none).
    pub fn json(&self) -> String {
        baseline_json(self.solver.as_ref().filter(|s| s.is_done()).map(|s| s.result()))
    }
}

/// At most 100×100 entries: a proximal iteration is one SVD of W, too slow for a page beyond that.
pub(super) fn baseline_fits_page(config: &Config) -> bool {
    let (m, n) = config.dims();
    m * n <= crate::experiment::MAX_LIVE_BASELINE_ENTRIES
}

/// A baseline as [`Lab::adopt_baseline`] takes it; "null" for none.
pub(super) fn baseline_json(b: Option<crate::dynamics::baseline::Baseline>) -> String {
    b.map_or("null".into(), |b| serde_json::to_string(&b).unwrap_or_else(|_| "null".into()))
}

/// A phase-diagram sweep run in slices, meant for a Web Worker (it never draws).
#[wasm_bindgen]
pub struct SweepJob {
    job: crate::experiment::sweep::Job,
}

#[wasm_bindgen]
impl SweepJob {
    /// Throws a message naming the bad field of the spec.
    #[wasm_bindgen(constructor)]
    pub fn new(spec_json: &str) -> Result<SweepJob, JsError> {
        let spec =
            crate::experiment::sweep::SweepSpec::from_json(spec_json).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(SweepJob { job: crate::experiment::sweep::Job::new(spec) })
    }

    /// Runs up to `steps` optimiser steps; true once every cell is done.
    pub fn advance(&mut self, steps: u32) -> bool {
        self.job.advance(u64::from(steps))
    }

    /// {done, total, cells: [{x, y, value, note}]} as JSON.
    pub fn progress_json(&self) -> String {
        json!({"done": self.job.cells.len(), "total": self.job.spec.cells(), "cells": self.job.cells}).to_string()
    }

    /// The finished cells as CSV.
    pub fn csv(&self) -> String {
        crate::experiment::sweep::csv(&self.job.spec, &self.job.cells)
    }

    /// A 1-D sweep's figure so far (lines over the finished runs) as JSON; "" for a phase diagram.
    pub fn figure_json(&self) -> String {
        let spec = &self.job.spec;
        if !spec.is_lines() {
            return String::new();
        }
        let series = spec.series.as_ref().map_or("", |a| a.field.as_str());
        let points = crate::experiment::sweep::aggregate(&self.job.cells, spec.seeds as usize);
        let fig = crate::figure::lines::sweep_lines(
            &spec.x.field,
            series,
            &spec.outcome.name(),
            spec.seeds as usize,
            &points,
        );
        serde_json::to_string(&fig).unwrap_or_default()
    }
}
