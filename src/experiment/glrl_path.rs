//! GLRL's trajectory as a path in matrix space, and a tracker of how far GD runs stray from it (Li, Luo &
//! Lyu 2021: gradient flow from α → 0 follows GLRL's path W₁, W₂, … in order).

use crate::dynamics::metrics;
use crate::experiment::observer::{Observer, Probe};
use crate::experiment::run::Run;
use crate::experiment::{is_glrl, Experiment};
use nalgebra::DMatrix;
use std::any::Any;

/// GLRL's trajectory W(t) as a polyline through its W at every step, thinned to points at least
/// [`GlrlPath::SPACING`]·‖W(∞)‖ apart, and the step at which its σ₁ first reaches half of its first phase
/// output's: GD runs are measured against the path (distance to its nearest point, relative to ‖W(∞)‖) and
/// time-aligned at that step.
pub struct GlrlPath {
    /// Segments (start a, direction d = b − a, ‖d‖²).
    segments: Vec<(Vec<f64>, Vec<f64>, f64)>,
    /// ‖W_GLRL(∞)‖_F.
    pub scale: f64,
    /// ½σ₁(W₁): a run has "learned its first value" when σ₁(W) reaches this.
    pub threshold: f64,
    /// GLRL's step at which σ₁ reaches `threshold`.
    pub first: Option<u64>,
    /// GLRL's phase outputs W₁, W₂, …
    pub outputs: Vec<DMatrix<f64>>,
    /// GLRL's final W.
    pub end: DMatrix<f64>,
}

impl GlrlPath {
    /// Spacing of the kept points, relative to ‖W(∞)‖ (the chord error between them is far smaller).
    pub const SPACING: f64 = 0.01;

    /// Runs `glrl` to its end, one step at a time, keeping W wherever it has moved by the spacing. The scale
    /// ‖W(∞)‖ comes from a first run of the same (deterministic) config.
    pub fn trace(glrl: &mut Run) -> Option<GlrlPath> {
        let mut probe = Run::new(glrl.config.clone());
        let steps = probe.config.steps;
        probe.advance(steps);
        let scale = probe.end_to_end().norm();
        let first_output = probe.phases().iter().find_map(|p| p.output.clone())?;
        let threshold = 0.5 * metrics::singular_values(&first_output).first().copied().unwrap_or(0.0);
        if !(scale > 0.0 && threshold > 0.0) {
            return None;
        }
        // GLRL starts from W = 0 (its first phase replaces the model's initial factors).
        let mut points: Vec<DMatrix<f64>> = vec![DMatrix::zeros(glrl.problem.rows, glrl.problem.cols)];
        let mut last = None;
        while glrl.running() && glrl.advance(1) == 1 {
            let w = glrl.end_to_end();
            if points.last().is_some_and(|p| (&w - p).norm() >= Self::SPACING * scale) {
                points.push(w);
                last = None;
            } else {
                last = Some(w);
            }
        }
        points.extend(last);
        let segments = points
            .windows(2)
            .map(|p| {
                let d = &p[1] - &p[0];
                let dd = d.norm_squared();
                (p[0].as_slice().to_vec(), d.as_slice().to_vec(), dd)
            })
            .filter(|s| s.2 > 0.0)
            .collect();
        let first = first_reaching(glrl, threshold);
        let outputs = glrl.phases().iter().filter_map(|p| p.output.clone()).collect();
        Some(GlrlPath { segments, scale, threshold, first, outputs, end: glrl.end_to_end() })
    }

    /// min over the path's segments [a, a + d] of ‖W − (a + t d)‖_F, t ∈ [0, 1], divided by ‖W_GLRL(∞)‖_F.
    pub fn distance(&self, w: &DMatrix<f64>) -> f64 {
        let w = w.as_slice();
        let mut best = f64::INFINITY;
        for (a, d, dd) in &self.segments {
            let (mut wa_d, mut wa_wa) = (0.0, 0.0);
            for ((wi, ai), di) in w.iter().zip(a).zip(d) {
                let x = wi - ai;
                wa_d += x * di;
                wa_wa += x * x;
            }
            let t = (wa_d / dd).clamp(0.0, 1.0);
            best = best.min(wa_wa - 2.0 * t * wa_d + t * t * dd);
        }
        best.max(0.0).sqrt() / self.scale
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }
}

/// First recorded step at which σ₁(W) of `run` reaches `threshold`.
pub fn first_reaching(run: &Run, threshold: f64) -> Option<u64> {
    run.trace.samples().iter().find(|s| s.singular_values.first().is_some_and(|&v| v >= threshold)).map(|s| s.step)
}

/// A GD run has left the scale of its start once ‖W(t)‖_F ≥ `ESCAPE`·‖W(0)‖_F: before, its distance to
/// GLRL's path only measures W(0).
pub const ESCAPE: f64 = 10.0;

/// How each GD run of an experiment strays from GLRL's path, recorded at every observation.
#[derive(Default)]
pub struct Tracker {
    pub path: Option<GlrlPath>,
    /// Per member: the distance to GLRL's path over time (empty for the GLRL run).
    pub probes: Vec<Probe>,
    /// Per member: the largest distance to the path over the whole run, from W(0) on.
    pub farthest: Vec<f64>,
    /// Per member: the largest distance to the path once the run has left the scale of W(0) (None before).
    pub farthest_escaped: Vec<Option<f64>>,
    /// Per member: min over time of ‖W(t) − W_r‖_F/‖W_r‖_F for each GLRL phase output W_r.
    pub closest: Vec<Vec<f64>>,
    /// Per member: ‖W(0)‖_F.
    start_norm: Vec<f64>,
}

impl Tracker {
    /// Runs the experiment's GLRL member to its end and traces its path; GD members are then measured
    /// against it as they step. An experiment without a GLRL run gets an empty tracker.
    pub fn start(exp: &mut Experiment) -> Tracker {
        let path = exp.members.iter_mut().find(|m| is_glrl(&m.run.config)).and_then(|g| GlrlPath::trace(&mut g.run));
        let n = exp.members.len();
        let outputs = path.as_ref().map_or(0, |p| p.outputs.len());
        Tracker {
            probes: exp.members.iter().map(|m| Probe::new(m.run.config.record_every)).collect(),
            farthest: vec![0.0; n],
            farthest_escaped: vec![None; n],
            closest: vec![vec![f64::INFINITY; outputs]; n],
            start_norm: exp.members.iter().map(|m| m.run.end_to_end().norm()).collect(),
            path,
        }
    }
}

impl Observer for Tracker {
    fn observe(&mut self, i: usize, run: &Run) {
        let Some(path) = &self.path else { return };
        if is_glrl(&run.config) {
            return;
        }
        let w = run.end_to_end();
        for (r, out) in path.outputs.iter().enumerate() {
            let d = (&w - out).norm() / out.norm().max(1e-300);
            self.closest[i][r] = self.closest[i][r].min(d);
        }
        let d = path.distance(&w);
        self.farthest[i] = self.farthest[i].max(d);
        if self.farthest_escaped[i].is_some() || w.norm() >= ESCAPE * self.start_norm[i] {
            self.farthest_escaped[i] = Some(self.farthest_escaped[i].map_or(d, |f| f.max(d)));
        }
        self.probes[i].record(run.step(), d, !run.running());
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
