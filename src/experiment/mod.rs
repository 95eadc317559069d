//! Several runs side by side (same problem and seed, different models or optimisers), the convex baseline,
//! and the number each paper claim is checked by.

pub mod presets;
pub mod report;
pub mod run;
pub mod snapshots;
pub mod stages;
pub mod sweep;
pub mod trace;

use crate::config::{Config, OptimizerConfig};
use crate::dynamics::baseline::{Baseline, BaselineKey, BaselineSolver};
use crate::notation::sigma;
use nalgebra::DMatrix;
use run::{Run, Status};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use trace::Sample;

/// Most runs compared side by side (the page's Compare panel and `compare=` links).
pub const MAX_COMPARED: usize = 3;

/// Runs to compare from a JSON array of {label, config} (2 to [`MAX_COMPARED`]; labels cut to 40 characters);
/// the error names the run and the field.
pub fn comparison_runs(json: &str) -> Result<Vec<(String, Config)>, String> {
    #[derive(Deserialize)]
    struct Entry {
        label: String,
        config: Value,
    }
    let entries: Vec<Entry> = serde_json::from_str(json).map_err(|e| format!("comparison: {e}"))?;
    if !(2..=MAX_COMPARED).contains(&entries.len()) {
        return Err(format!("comparison: needs 2 to {MAX_COMPARED} runs, got {}", entries.len()));
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let config = Config::from_json(&e.config.to_string())
                .map_err(|err| format!("comparison run {} ({}): {err}", i + 1, e.label))?;
            Ok((e.label.chars().take(40).collect(), config))
        })
        .collect()
}

/// Which number a preset's claim is read off by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Claim {
    /// Step at which each target singular value is learned (σ_i first > ½ s_i).
    StageTimes,
    /// Closest approach of each GD run to GLRL's phase outputs W_1, W_2, …
    GlrlDistance,
    /// Final nuclear norm of each run against the convex baseline.
    NuclearNorm,
    /// σ₂(W) at the step σ₁ is learned, median over the runs of each group (seeds).
    SecondAtFirst,
    /// Plateaus of the loss (one per stage) and the smallest Hessian eigenvalue on each.
    Stages,
    /// Factor norm ratio ‖W_L‖/‖W_1‖ against the noisy-GD prediction (σ_L/σ_1)√(m/n).
    NormRatio,
    /// |W₁₁| and σ₂/σ₁ of the 2×2 example whose norms diverge while the effective rank falls.
    NormsDiverge,
    /// Step at which σ₁ is learned against α, per depth: slope −(L−2) on log–log axes at depth L ≥ 3,
    /// ln 10/(η s₁) steps per decade of 1/α at depth 2.
    EscapeTime,
}

impl Claim {
    /// Whether the claim's figure comes before the singular-value chart: it does when the claim is about another
    /// quantity (a norm, a distance, a ratio, a step against α); the σ chart shows the staircase claims itself.
    pub fn leads(self) -> bool {
        !matches!(self, Claim::StageTimes | Claim::Stages)
    }
}

pub struct Member {
    pub label: String,
    /// Runs of one group share a colour and are aggregated together (e.g. seeds of one depth).
    pub group: String,
    pub run: Run,
    /// For GlrlDistance: min over time of ‖W(t) − W_r‖_F / ‖W_r‖_F for each GLRL phase output r.
    closest: Vec<f64>,
    /// For GlrlDistance: the largest distance so far from W(t) to GLRL's path (see [`GlrlPath::distance`]).
    farthest: f64,
    /// The claim's per-member quantity over time (see [`Experiment::probe`]).
    probe: Probe,
}

/// A bounded record of one scalar against step, measured at multiples of `every` (which doubles, dropping
/// every other point, whenever [`PROBE_CAPACITY`] points are kept), so memory stays flat.
#[derive(Clone, Debug, Default)]
pub struct Probe {
    pub points: Vec<(u64, f64)>,
    every: u64,
}

/// Most points a probe keeps.
pub const PROBE_CAPACITY: usize = 2048;

impl Probe {
    fn record(&mut self, step: u64, value: f64, end: bool) {
        if self.every == 0 || !(step.is_multiple_of(self.every) || end) {
            return;
        }
        if self.points.last().is_some_and(|p| p.0 == step) {
            return;
        }
        if self.points.len() >= PROBE_CAPACITY {
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
        self.points.push((step, value));
    }
}

pub struct Experiment {
    pub members: Vec<Member>,
    pub claim: Option<Claim>,
    baseline: Option<BaselineSolver>,
    /// A baseline solved elsewhere (the page's worker) for this experiment's problem.
    adopted: Option<Baseline>,
    glrl_outputs: Vec<DMatrix<f64>>,
    glrl_path: Option<GlrlPath>,
}

/// GLRL's trajectory W(t) as a polyline through its W at every step, thinned to points at least
/// [`GlrlPath::SPACING`]·‖W(∞)‖ apart, and the step at which its σ₁ first reaches half of its first phase
/// output's: GD runs are measured against the path (distance to its nearest point, relative to ‖W(∞)‖) and
/// time-aligned at that step.
pub struct GlrlPath {
    /// Segments (start a, direction d = b − a, ‖d‖²).
    segments: Vec<(Vec<f64>, Vec<f64>, f64)>,
    scale: f64,
    /// ½σ₁(W₁): a run has "learned its first value" when σ₁(W) reaches this.
    pub threshold: f64,
    /// GLRL's step at which σ₁ reaches `threshold`.
    pub first: Option<u64>,
}

impl GlrlPath {
    /// Spacing of the kept points, relative to ‖W(∞)‖ (the chord error between them is far smaller).
    pub const SPACING: f64 = 0.01;

    /// Runs `glrl` to its end, one step at a time, keeping W wherever it has moved by the spacing. The scale
    /// ‖W(∞)‖ comes from a first run of the same (deterministic) config.
    fn trace(glrl: &mut Run) -> Option<GlrlPath> {
        let mut probe = Run::new(glrl.config.clone());
        let steps = probe.config.steps;
        probe.advance(steps);
        let scale = probe.end_to_end().norm();
        let first_output = probe.phases().iter().find_map(|p| p.output.clone())?;
        let threshold = 0.5 * metrics_top(&first_output);
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
        Some(GlrlPath { segments, scale, threshold, first })
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

fn metrics_top(w: &DMatrix<f64>) -> f64 {
    crate::dynamics::metrics::singular_values(w).first().copied().unwrap_or(0.0)
}

/// First recorded step at which σ₁(W) of `run` reaches `threshold`.
pub fn first_reaching(run: &Run, threshold: f64) -> Option<u64> {
    run.trace.samples().iter().find(|s| s.singular_values.first().is_some_and(|&v| v >= threshold)).map(|s| s.step)
}

/// Largest m·n for which the page solves the baseline (each iteration is one SVD of W).
pub const MAX_LIVE_BASELINE_ENTRIES: usize = 100 * 100;

impl Experiment {
    /// `members`: (label, group, validated config). The convex baseline is solved alongside (PSD form for the
    /// symmetric model or a PSD target) whenever the first run's problem has observations.
    pub fn new(members: Vec<(String, String, Config)>, claim: Option<Claim>) -> Experiment {
        let mut members: Vec<Member> = members
            .into_iter()
            .map(|(label, group, config)| {
                let every = config.record_every.max(1);
                Member {
                    label,
                    group,
                    run: Run::new(config),
                    closest: vec![],
                    farthest: 0.0,
                    probe: Probe { points: vec![], every },
                }
            })
            .collect();
        if let Some(first) = members.first() {
            let (m, n) = first.run.config.dims();
            let count = snapshots::per_run(members.len(), m * n);
            for member in members.iter_mut().filter(|_| count < snapshots::MAX_PER_RUN) {
                member.run.limit_snapshots(count);
            }
        }
        let baseline = members.first().and_then(|m| {
            let c = &m.run.config;
            BaselineSolver::new(&m.run.problem, baseline_is_psd(c))
        });
        let mut glrl_outputs = vec![];
        let mut glrl_path = None;
        if claim == Some(Claim::GlrlDistance) {
            // GLRL runs first, to the end: its path and phase outputs are what the GD runs are measured against.
            if let Some(g) = members.iter_mut().find(|m| is_glrl(&m.run.config)) {
                glrl_path = GlrlPath::trace(&mut g.run);
                glrl_outputs = g.run.phases().iter().filter_map(|p| p.output.clone()).collect();
            }
            for m in members.iter_mut().filter(|m| !is_glrl(&m.run.config)) {
                m.closest = vec![f64::INFINITY; glrl_outputs.len()];
            }
        }
        let mut e = Experiment { members, claim, baseline, adopted: None, glrl_outputs, glrl_path };
        e.track();
        e
    }

    /// Up to a few configs side by side on the same problem: every run takes the first run's problem and seed.
    /// The read-out is GLRL's distance when GLRL runs beside GD, else the learning steps when a target is known.
    pub fn comparison(runs: Vec<(String, Config)>) -> Experiment {
        let first = runs.first().map(|(_, c)| (c.problem.clone(), c.seed));
        let members: Vec<(String, String, Config)> = runs
            .into_iter()
            .map(|(label, mut c)| {
                if let Some((problem, seed)) = &first {
                    c.problem = problem.clone();
                    c.seed = *seed;
                }
                (label.clone(), label, c)
            })
            .collect();
        let glrl = members.iter().any(|m| is_glrl(&m.2));
        let claim = if glrl && members.iter().any(|m| !is_glrl(&m.2)) {
            Some(Claim::GlrlDistance)
        } else if members[0].2.problem.kind != crate::config::ProblemKind::Entries {
            Some(Claim::StageTimes)
        } else {
            None
        };
        Experiment::new(members, claim)
    }

    /// One run from one config.
    pub fn single(config: Config) -> Experiment {
        Experiment::new(vec![(String::new(), String::new(), config)], None)
    }

    /// Advances every running member by up to `k` steps (in chunks of its recording interval when distances are
    /// tracked); returns the most steps any member took. The baseline advances separately.
    pub fn advance(&mut self, k: u64) -> u64 {
        let mut most = 0;
        let tracking = self.probes();
        for i in 0..self.members.len() {
            let every = self.members[i].run.config.record_every.max(1);
            let mut done = 0;
            while done < k {
                // While tracking, stop at every multiple of record_every and measure only there (and at the run's
                // end), so the closest approaches come from the same steps however the caller slices its calls.
                let chunk = if tracking { every - self.members[i].run.step() % every } else { k.max(1) };
                let n = self.members[i].run.advance(chunk.min(k - done));
                if n == 0 {
                    break;
                }
                done += n;
                // A run that stopped short (finished between multiples, or diverged) is measured at its end too.
                let run = &self.members[i].run;
                if tracking && (run.step().is_multiple_of(every) || *run.status() != Status::Running) {
                    self.track_member(i);
                }
            }
            most = most.max(done);
        }
        most
    }

    /// Runs up to `iterations` more iterations of the baseline solver; true once it is solved (or absent).
    pub fn advance_baseline(&mut self, iterations: usize) -> bool {
        if self.adopted.is_some() {
            return true;
        }
        match &mut self.baseline {
            Some(b) => b.iterate(iterations),
            None => true,
        }
    }

    /// True while some member is still running.
    pub fn running(&self) -> bool {
        self.members.iter().any(|m| *m.run.status() == Status::Running)
    }

    /// The first divergence message, if any member diverged.
    pub fn diverged(&self) -> Option<String> {
        self.members.iter().find_map(|m| match m.run.status() {
            Status::Diverged(msg) => Some(if m.label.is_empty() { msg.clone() } else { format!("{}: {msg}", m.label) }),
            _ => None,
        })
    }

    /// Solves the baseline to the end (CLI, tests).
    pub fn finish_baseline(&mut self) {
        if let Some(b) = &mut self.baseline {
            while !b.iterate(1000) {}
        }
    }

    /// The baseline once solved.
    pub fn baseline(&self) -> Option<Baseline> {
        self.adopted.clone().or_else(|| self.baseline.as_ref().filter(|b| b.is_done()).map(|b| b.result()))
    }

    /// Whether this experiment has a convex baseline to solve (its problem has observations).
    pub fn wants_baseline(&self) -> bool {
        self.baseline.is_some()
    }

    /// What fixes this experiment's baseline (None when it has none): solving the key elsewhere gives exactly
    /// the baseline solved here.
    pub fn baseline_key(&self) -> Option<BaselineKey> {
        let first = self.members.first().filter(|_| self.baseline.is_some())?;
        Some(BaselineKey::of(&first.run.config, baseline_is_psd(&first.run.config)))
    }

    /// Takes a baseline solved elsewhere for the same problem (e.g. by the page's worker, from the same config
    /// and seed); refused (false) when its shape or values cannot be this problem's.
    pub fn adopt_baseline(&mut self, b: Baseline) -> bool {
        let p = &self.members[0].run.problem;
        let fits = self.baseline.is_some()
            && b.w.len() == p.rows
            && b.w.iter().all(|r| r.len() == p.cols && r.iter().all(|v| v.is_finite()))
            && b.nuclear_norm.is_finite()
            && b.singular_values.iter().all(|v| v.is_finite());
        if fits {
            self.adopted = Some(b);
        }
        fits
    }

    fn track(&mut self) {
        for i in 0..self.members.len() {
            self.track_member(i);
        }
    }

    /// Whether the claim records a per-member quantity over time: the distance to GLRL's phase outputs, or
    /// |W₁₁| of the diverging 2×2 example.
    fn probes(&self) -> bool {
        !self.glrl_outputs.is_empty() || self.claim == Some(Claim::NormsDiverge)
    }

    /// The claim's quantity of member i against step: its relative distance to GLRL's path (GlrlDistance),
    /// or |W₁₁| (NormsDiverge); empty otherwise.
    pub fn probe(&self, i: usize) -> &[(u64, f64)] {
        &self.members[i].probe.points
    }

    fn track_member(&mut self, i: usize) {
        let run = &self.members[i].run;
        let (step, end) = (run.step(), *run.status() != Status::Running);
        if self.claim == Some(Claim::NormsDiverge) {
            let w11 = run.end_to_end()[(0, 0)].abs();
            self.members[i].probe.record(step, w11, end);
            return;
        }
        if self.glrl_outputs.is_empty() || is_glrl(&self.members[i].run.config) {
            return;
        }
        // One product: the closest approach to each phase output, and the distance to GLRL's path (the probe).
        let w = self.members[i].run.end_to_end();
        for (r, out) in self.glrl_outputs.iter().enumerate() {
            let d = (&w - out).norm() / out.norm().max(1e-300);
            let c = &mut self.members[i].closest[r];
            *c = c.min(d);
        }
        if let Some(path) = &self.glrl_path {
            let d = path.distance(&w);
            let m = &mut self.members[i];
            m.farthest = m.farthest.max(d);
            m.probe.record(step, d, end);
        }
    }

    /// GLRL's path, where GD runs are measured against one.
    pub fn glrl_path(&self) -> Option<&GlrlPath> {
        self.glrl_path.as_ref()
    }

    /// Steps by which member i's time is shifted to align with GLRL's: its step at which σ₁ reaches half of
    /// GLRL's first phase output, minus GLRL's. None until both have.
    pub fn glrl_shift(&self, i: usize) -> Option<i64> {
        let path = self.glrl_path.as_ref()?;
        let own = first_reaching(&self.members[i].run, path.threshold)?;
        Some(own as i64 - path.first? as i64)
    }

    /// Current distance of member i to the nearest GLRL phase output (relative), if tracked.
    pub fn distance_to_glrl(&self, i: usize) -> Option<f64> {
        if self.glrl_outputs.is_empty() || is_glrl(&self.members[i].run.config) {
            return None;
        }
        let w = self.members[i].run.end_to_end();
        self.glrl_outputs.iter().map(|o| (&w - o).norm() / o.norm().max(1e-300)).min_by(f64::total_cmp)
    }

    /// The claim's numbers now: human-readable lines and machine-readable values.
    pub fn readout(&self) -> Readout {
        let mut lines = vec![];
        let mut values = Map::new();
        let name = |m: &Member| if m.label.is_empty() { "run".to_string() } else { m.label.clone() };
        match self.claim {
            None => {
                // Without a claim: GLRL's phases, and for GD runs beside a GLRL run the distance to its outputs.
                for (i, m) in self.members.iter().enumerate() {
                    for p in m.run.phases() {
                        lines.push(format!(
                            "{}GLRL phase {} from step {} (top value {:.4}){}",
                            if m.label.is_empty() { String::new() } else { format!("{}: ", m.label) },
                            p.rank,
                            p.step,
                            p.top_value,
                            p.end_step.map_or(String::new(), |e| format!(", converged at step {e}"))
                        ));
                    }
                    if let Some(d) = self.distance_to_glrl(i) {
                        lines.push(format!("{}: now {d:.3} (relative) from the nearest GLRL phase output", name(m)));
                    }
                }
            }
            Some(Claim::StageTimes) => {
                for m in &self.members {
                    let targets = m.run.problem.truth_singular_values().unwrap_or_default();
                    let steps = stages::learned_steps(m.run.trace.samples(), &targets);
                    let shown: Vec<String> = steps.iter().map(|s| s.map_or("–".into(), fmt_step)).collect();
                    lines.push(format!(
                        "{}: σ₁…{} learned at steps {}",
                        name(m),
                        crate::notation::sigma(targets.len()),
                        shown.join(" · ")
                    ));
                    values.insert(name(m), json!(steps));
                }
            }
            Some(Claim::GlrlDistance) => {
                for (i, m) in self.members.iter().enumerate() {
                    if is_glrl(&m.run.config) {
                        let tops: Vec<String> = m.run.phases().iter().map(|p| format!("{:.3}", p.top_value)).collect();
                        lines.push(format!(
                            "{}: {} phases (top values {})",
                            name(m),
                            self.glrl_outputs.len(),
                            tops.join(", ")
                        ));
                        continue;
                    }
                    let worst = m.closest.iter().copied().fold(0.0, f64::max);
                    let shown: Vec<String> = m.closest.iter().map(|d| format!("{d:.3}")).collect();
                    let now = self.distance_to_glrl(i).map_or("–".into(), |d| format!("{d:.3}"));
                    lines.push(format!(
                        "{}: closest approach to W₁…W{}: {} (worst {worst:.3}); now {now} from the nearest; \
                         farthest from GLRL's path {:.3}",
                        name(m),
                        crate::notation::sub(m.closest.len()),
                        shown.join(", "),
                        m.farthest
                    ));
                    values.insert(name(m), json!({"closest": m.closest, "worst": worst, "path_farthest": m.farthest}));
                }
            }
            Some(Claim::NuclearNorm) => {
                for m in &self.members {
                    let s = m.run.measure();
                    lines.push(format!(
                        "{}: ‖W‖* = {:.3}, loss {:.1e}, σ₃ = {:.1e}",
                        name(m),
                        s.nuclear_norm,
                        s.loss,
                        s.singular_values.get(2).copied().unwrap_or(0.0)
                    ));
                    values.insert(name(m), json!({"nuclear_norm": s.nuclear_norm, "loss": s.loss}));
                }
                if let Some(b) = self.baseline() {
                    lines.push(format!(
                        "convex baseline ({}): {:.3}",
                        if b.psd { "minimum trace, PSD" } else { "minimum nuclear norm" },
                        b.nuclear_norm
                    ));
                    values.insert("baseline".into(), json!(b.nuclear_norm));
                } else if self.baseline.is_some() {
                    lines.push("convex baseline: solving…".into());
                }
            }
            Some(Claim::SecondAtFirst) => {
                let mut groups: Vec<(String, Vec<f64>, usize)> = vec![];
                for m in &self.members {
                    let at = second_at_first(&m.run);
                    match groups.iter_mut().find(|g| g.0 == m.group) {
                        Some(g) => {
                            g.1.extend(at);
                            g.2 += 1;
                        }
                        None => groups.push((m.group.clone(), at.into_iter().collect(), 1)),
                    }
                }
                for (group, mut v, total) in groups {
                    crate::order::numbers(&mut v);
                    let median = median(&v);
                    let range = if v.is_empty() {
                        String::new()
                    } else {
                        format!(" (range {:.1e} … {:.1e})", v[0], v[v.len() - 1])
                    };
                    lines.push(format!(
                        "{group}: σ₂ when σ₁ is learned = {} median of {}/{total} seeds{range}",
                        median.map_or("–".into(), |x| format!("{x:.1e}")),
                        v.len()
                    ));
                    values.insert(group, json!({"median": median, "values": v}));
                }
            }
            Some(Claim::Stages) => {
                for m in &self.members {
                    let samples = m.run.trace.samples();
                    let plateaus = stages::plateaus(samples);
                    let curv = plateau_curvature(samples, &plateaus);
                    let levels: Vec<String> = plateaus.iter().map(|p| format!("{:.3}", p.loss)).collect();
                    let truth = m.run.problem.truth_singular_values().unwrap_or_default();
                    let predicted = plateau_levels(&truth, 1.0);
                    let visited = levels_visited(samples, &predicted);
                    let mut line = format!(
                        "{}: {} stages (loss plateaus at {}); {visited} of {} predicted levels visited",
                        name(m),
                        plateaus.len(),
                        levels.join(", "),
                        predicted.len()
                    );
                    if curv.iter().any(Option::is_some) {
                        let c: Vec<String> = curv.iter().map(|c| c.map_or("–".into(), |x| format!("{x:.2}"))).collect();
                        line.push_str(&format!("; λₘᵢₙ on them: {}", c.join(", ")));
                    }
                    lines.push(line);
                    values
                        .insert(name(m), json!({"stages": plateaus.len(), "plateaus": plateaus, "hessian_min": curv}));
                }
            }
            Some(Claim::NormRatio) => {
                for m in &self.members {
                    let n = m.run.model.factor_norms();
                    let (first, last) = (n[0], n[n.len() - 1]);
                    let top = format!("‖W{}‖", crate::notation::sub(n.len()));
                    let predicted = predicted_norm_ratio(&m.run.config);
                    let ratio = last / first;
                    let note = match (&m.run.config.optimizer, predicted) {
                        (_, Some(p)) => format!(" (predicted {p:.3})"),
                        (OptimizerConfig::NoisyGd { .. }, None) => " (no closed form for this model)".into(),
                        _ => String::new(),
                    };
                    lines.push(format!(
                        "{}: {top}/‖W₁‖ = {ratio:.3}{note}; ‖W₁‖² + {top}² = {:.3}; {top}² − ‖W₁‖² = {:.3}",
                        name(m),
                        first * first + last * last,
                        last * last - first * first
                    ));
                    values.insert(
                        name(m),
                        json!({"ratio": ratio, "predicted": predicted, "sum_squares": first * first + last * last}),
                    );
                }
            }
            Some(Claim::EscapeTime) => {
                for e in escape_times(self) {
                    let shown: Vec<String> = e
                        .points
                        .iter()
                        .map(|p| format!("{} at α = {}", fmt_step(p.1 as u64), crate::notation::short(p.0)))
                        .collect();
                    let fit = match (e.fitted, e.predicted) {
                        (Some(f), Some(p)) if e.depth == 2 => {
                            format!("; {f:.0} steps per decade of 1/α (predicted ln 10/(ηs₁) = {p:.0})")
                        }
                        (Some(f), Some(p)) => format!(
                            "; slope {} on log–log axes (predicted {})",
                            crate::notation::number(f, 3),
                            crate::notation::number(p, 2)
                        ),
                        _ => String::new(),
                    };
                    lines.push(format!(
                        "{}: σ₁ learned at {}{fit}",
                        e.group,
                        if shown.is_empty() { "– (not yet)".into() } else { shown.join(", ") }
                    ));
                    values.insert(
                        e.group.clone(),
                        json!({"points": e.points, "fitted": e.fitted, "predicted": e.predicted}),
                    );
                }
            }
            Some(Claim::NormsDiverge) => {
                for m in &self.members {
                    let w = m.run.end_to_end();
                    let s = m.run.measure();
                    let ratio = s.singular_values[1] / s.singular_values[0];
                    lines.push(format!(
                        "{}: |W₁₁| = {:.3}, σ₂/σ₁ = {ratio:.2e}, effective rank {:.4}, ‖W‖* = {:.3}, loss {:.1e}",
                        name(m),
                        w[(0, 0)].abs(),
                        s.effective_rank,
                        s.nuclear_norm,
                        s.loss
                    ));
                    values.insert(name(m), json!({"w11": w[(0, 0)].abs(), "sv_ratio": ratio}));
                }
            }
        }
        let verdict = self.verdict();
        if let Some(v) = &verdict {
            lines.push(format!("{} {}", if v.holds { "✓ claim holds:" } else { "✗ claim fails:" }, v.why));
        }
        Readout { lines, values: Value::Object(values), verdict }
    }
}

/// The runs of an experiment side by side: one row per run (label, loss, ‖W‖*, effective rank, and the
/// number the claim is read off), as text in the one notation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Experiment {
    /// The read-out table of every run now.
    pub fn table(&self) -> RunTable {
        use crate::notation::{number, short, step};
        let claim_column = match self.claim {
            Some(Claim::StageTimes) => Some("learned at steps"),
            Some(Claim::GlrlDistance) => Some("closest approach (worst)"),
            Some(Claim::NuclearNorm) => Some("σ₃"),
            Some(Claim::SecondAtFirst) => Some("σ₂ when σ₁ is learned"),
            Some(Claim::Stages) => Some("stages"),
            Some(Claim::NormRatio) => Some("‖W_L‖/‖W₁‖, L = depth"),
            Some(Claim::NormsDiverge) => Some("|W₁₁|"),
            Some(Claim::EscapeTime) => Some("σ₁ learned at step"),
            None => None,
        };
        let mut columns: Vec<String> =
            ["run", "step", "loss", "‖W‖*", "effective rank"].iter().map(|c| c.to_string()).collect();
        columns.extend(claim_column.map(str::to_string));
        let rows = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let last = m.run.trace.last();
                let mut row = vec![
                    if m.label.is_empty() { "run".into() } else { m.label.clone() },
                    step(m.run.step() as f64),
                    short(m.run.last_loss()),
                    last.map_or("–".into(), |s| number(s.nuclear_norm, 4)),
                    last.map_or("–".into(), |s| number(s.effective_rank, 3)),
                ];
                let claim = match self.claim {
                    Some(Claim::StageTimes) => {
                        let t = m.run.problem.truth_singular_values().unwrap_or_default();
                        let steps = stages::learned_steps(m.run.trace.samples(), &t);
                        steps.iter().map(|s| s.map_or("–".into(), |s| step(s as f64))).collect::<Vec<_>>().join(", ")
                    }
                    Some(Claim::GlrlDistance) if is_glrl(&m.run.config) => format!("{} phases", m.run.phases().len()),
                    Some(Claim::GlrlDistance) => {
                        let worst = m.closest.iter().copied().fold(0.0, f64::max);
                        if m.closest.is_empty() {
                            "–".into()
                        } else {
                            number(worst, 3)
                        }
                    }
                    Some(Claim::NuclearNorm) => {
                        last.and_then(|s| s.singular_values.get(2)).map_or("–".into(), |v| short(*v))
                    }
                    Some(Claim::SecondAtFirst) => second_at_first(&m.run).map_or("not yet".into(), short),
                    Some(Claim::Stages) => stages::plateaus(m.run.trace.samples()).len().to_string(),
                    Some(Claim::NormRatio) => last
                        .and_then(|s| Some(s.factor_norms.last()? / s.factor_norms.first()?))
                        .map_or("–".into(), |r| number(r, 4)),
                    Some(Claim::NormsDiverge) => self.probe(i).last().map_or("–".into(), |p| number(p.1, 4)),
                    Some(Claim::EscapeTime) => first_learned_step(&m.run).map_or("not yet".into(), |s| step(s as f64)),
                    None => String::new(),
                };
                if claim_column.is_some() {
                    row.push(claim);
                }
                row
            })
            .collect();
        RunTable { columns, rows }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Readout {
    pub lines: Vec<String>,
    pub values: Value,
    /// Whether the preset's claim holds, once every run has finished.
    pub verdict: Option<Verdict>,
}

/// The claim checked qualitatively on a finished experiment, at whatever seed it ran.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    pub holds: bool,
    /// What was checked, with the numbers.
    pub why: String,
}

/// Relative band around a predicted plateau level inside which the loss counts as visiting it.
pub const LEVEL_BAND: f64 = 0.02;
/// Consecutive recorded samples inside the band that make a visit.
pub const LEVEL_VISIT: usize = 3;

/// How many of the predicted plateau levels the loss visits in order (≥ [`LEVEL_VISIT`] consecutive samples
/// within ±[`LEVEL_BAND`]): one per saddle the run passes.
pub fn levels_visited(samples: &[Sample], levels: &[f64]) -> usize {
    let mut k = 0;
    let mut run = 0;
    for s in samples {
        let Some(&level) = levels.get(k) else { break };
        if (s.loss - level).abs() <= LEVEL_BAND * level {
            run += 1;
            if run >= LEVEL_VISIT {
                k += 1;
                run = 0;
            }
        } else {
            run = 0;
        }
    }
    k
}

impl Experiment {
    /// The claim checked on the finished runs (None while running or without a claim):
    /// - stage times: every target value learned, largest first; distinct values (ratio ≥ 1.2) at distinct
    ///   steps, tied values (within 1 %) within 20 % of each other's step;
    /// - GLRL: GD's largest distance from GLRL's path falls as α shrinks;
    /// - nuclear norm: every run fits, ‖W‖* rises as α shrinks, the smallest α within 10 % of GLRL's output;
    /// - σ₂ at σ₁: the depth-2 median over 10× each deeper median;
    /// - stages: the loss visits each predicted plateau level ½(sₖ₊₁² + … + sᵣ²) in order;
    /// - norm ratio: noisy GD within 3 % of the prediction, plain GD's ‖W_L‖² − ‖W₁‖² within 1 % of its start;
    /// - norms diverge: |W₁₁| still growing over the second half, σ₂/σ₁ < 1e-2;
    /// - escape time: every depth's fitted rate within 15 % of the predicted one.
    pub fn verdict(&self) -> Option<Verdict> {
        if self.running() || self.diverged().is_some() {
            return None;
        }
        let name = |m: &Member| if m.label.is_empty() { "run".to_string() } else { m.label.clone() };
        let mut fails: Vec<String> = vec![];
        let why: String;
        match self.claim? {
            Claim::StageTimes => {
                for m in &self.members {
                    let t = m.run.problem.truth_singular_values().unwrap_or_default();
                    let steps = stages::learned_steps(m.run.trace.samples(), &t);
                    if steps.iter().any(Option::is_none) {
                        fails.push(format!("{}: not every value learned", name(m)));
                        continue;
                    }
                    let steps: Vec<u64> = steps.into_iter().flatten().collect();
                    for i in 1..t.len() {
                        let (a, b) = (steps[i - 1] as f64, steps[i] as f64);
                        if t[i - 1] >= 1.2 * t[i] && b <= a {
                            fails.push(format!("{}: {} not after {}", name(m), sigma(i + 1), sigma(i)));
                        }
                        if t[i - 1] <= 1.01 * t[i] && b > 1.2 * a {
                            fails.push(format!("{}: tied {} and {} apart", name(m), sigma(i), sigma(i + 1)));
                        }
                    }
                }
                why = "every target value learned, one stage per distinct value, largest first".into();
            }
            Claim::GlrlDistance => {
                let mut gd: Vec<(f64, f64)> = self
                    .members
                    .iter()
                    .filter(|m| !is_glrl(&m.run.config))
                    .map(|m| (m.run.config.model.init_scale, m.farthest))
                    .collect();
                crate::order::by_key_descending(&mut gd, |p| p.0);
                if self.glrl_path.is_none() || gd.windows(2).any(|w| w[1].1 >= w[0].1) {
                    fails.push("the distance to GLRL's path does not fall with α".into());
                }
                let shown: Vec<String> = gd.iter().map(|p| format!("{:.3}", p.1)).collect();
                why = format!("GD's largest distance from GLRL's path falls as α shrinks ({})", shown.join(" > "));
            }
            Claim::NuclearNorm => {
                let mut gd = vec![];
                let mut glrl = None;
                for m in &self.members {
                    let s = m.run.measure();
                    if is_glrl(&m.run.config) {
                        glrl = Some(s.nuclear_norm);
                    } else {
                        if s.loss > 1e-8 {
                            fails.push(format!("{} does not fit (loss {:.1e})", name(m), s.loss));
                        }
                        gd.push((m.run.config.model.init_scale, s.nuclear_norm));
                    }
                }
                crate::order::by_key_descending(&mut gd, |p| p.0);
                if gd.windows(2).any(|w| w[1].1 <= w[0].1) {
                    fails.push("‖W‖* does not rise as α shrinks".into());
                }
                if let (Some(g), Some(last)) = (glrl, gd.last()) {
                    if (last.1 - g).abs() > 0.1 * g {
                        fails.push(format!("smallest α ends at {:.3}, not near GLRL's {g:.3}", last.1));
                    }
                }
                let shown: Vec<String> = gd.iter().map(|p| format!("{:.3}", p.1)).collect();
                why = format!("‖W‖* rises as α shrinks ({}) towards GLRL's output", shown.join(" < "));
            }
            Claim::SecondAtFirst => {
                let mut by_depth: Vec<(usize, Vec<f64>)> = vec![];
                for m in &self.members {
                    let d = m.run.config.model.depth;
                    let v = second_at_first(&m.run);
                    match by_depth.iter_mut().find(|g| g.0 == d) {
                        Some(g) => g.1.extend(v),
                        None => by_depth.push((d, v.into_iter().collect())),
                    }
                }
                let med: Vec<(usize, Option<f64>)> = by_depth.iter().map(|(d, v)| (*d, median(v))).collect();
                let two = med.iter().find(|m| m.0 == 2).and_then(|m| m.1);
                for (d, m) in med.iter().filter(|m| m.0 > 2) {
                    match (two, m) {
                        (Some(t), Some(v)) if t > 10.0 * v => {}
                        _ => fails.push(format!("depth {d} not 10× below depth 2")),
                    }
                }
                why = "σ₂ when σ₁ is learned: the depth-2 median is over 10× each deeper one".into();
            }
            Claim::Stages => {
                for m in &self.members {
                    let t = m.run.problem.truth_singular_values().unwrap_or_default();
                    let levels = plateau_levels(&t, 1.0);
                    let k = levels_visited(m.run.trace.samples(), &levels);
                    if k < levels.len() {
                        fails.push(format!("{} visits {k} of {} levels", name(m), levels.len()));
                    }
                }
                why = "the loss rests at each predicted level ½(sₖ₊₁² + … + sᵣ²) in turn: one stage per value".into();
            }
            Claim::NormRatio => {
                for m in &self.members {
                    let samples = m.run.trace.samples();
                    let (Some(first), Some(last)) = (samples.first(), samples.last()) else { continue };
                    let ratio = |s: &Sample| s.factor_norms[s.factor_norms.len() - 1] / s.factor_norms[0];
                    let gap = |s: &Sample| s.factor_norms[s.factor_norms.len() - 1].powi(2) - s.factor_norms[0].powi(2);
                    match (&m.run.config.optimizer, predicted_norm_ratio(&m.run.config)) {
                        (_, Some(p)) if (ratio(last) / p - 1.0).abs() > 0.03 => {
                            fails.push(format!("{}: ratio {:.3}, predicted {p:.3}", name(m), ratio(last)))
                        }
                        (OptimizerConfig::Gd { .. }, _) if (gap(last) - gap(first)).abs() > 0.01 * gap(first).abs() => {
                            fails.push(format!("{}: ‖W_L‖² − ‖W₁‖² not conserved", name(m)))
                        }
                        _ => {}
                    }
                }
                why =
                    "noisy GD within 3 % of the predicted ratio from every start; plain GD keeps its imbalance".into();
            }
            Claim::NormsDiverge => {
                for (i, m) in self.members.iter().enumerate() {
                    let p = self.probe(i);
                    let (half, end) = (p.get(p.len() / 2).map_or(0.0, |x| x.1), p.last().map_or(0.0, |x| x.1));
                    let s = m.run.measure();
                    let ratio = s.singular_values.get(1).copied().unwrap_or(0.0) / s.singular_values[0].max(1e-300);
                    if end <= half || ratio >= 1e-2 {
                        fails.push(format!("{}: |W₁₁| {half:.3} → {end:.3}, σ₂/σ₁ {ratio:.1e}", name(m)));
                    }
                }
                why = "|W₁₁| still growing over the second half while σ₂/σ₁ < 1e-2".into();
            }
            Claim::EscapeTime => {
                for e in escape_times(self) {
                    match (e.fitted, e.predicted) {
                        (Some(f), Some(p)) if (f / p - 1.0).abs() <= 0.15 => {}
                        (f, p) => fails.push(format!("{}: fitted {f:?}, predicted {p:?}", e.group)),
                    }
                }
                why = "every depth's escape-time law within 15 % of the prediction".into();
            }
        }
        Some(Verdict {
            holds: fails.is_empty(),
            why: if fails.is_empty() { why } else { format!("{why} — but {}", fails.join("; ")) },
        })
    }
}

/// Whether the convex baseline of a config is the minimum-trace PSD completion: only for the symmetric model
/// W = UUᵀ. The asymmetric W₂W₁ is compared with the unconstrained minimum nuclear norm, even for a PSD target
/// (Gunasekar et al.'s conjecture is about the model being trained).
pub fn baseline_is_psd(c: &Config) -> bool {
    c.model.symmetric
}

/// Whether a config runs GLRL.
pub fn is_glrl(c: &Config) -> bool {
    matches!(c.optimizer, OptimizerConfig::Glrl { .. })
}

fn fmt_step(s: u64) -> String {
    crate::notation::step(s as f64)
}

impl Member {
    /// For GlrlDistance: the closest approach so far to each GLRL phase output (relative distance).
    pub fn closest(&self) -> &[f64] {
        &self.closest
    }

    /// For GlrlDistance: the largest distance so far from W(t) to GLRL's path, relative to ‖W_GLRL(∞)‖.
    pub fn farthest(&self) -> f64 {
        self.farthest
    }
}

/// Loss plateau levels of a target with singular values `s` (descending) under full observation:
/// ½(s²ₖ₊₁ + … + s²ᵣ) for k = 0 … r−1, times `scale` (1/(m·n) for completion, whose ℓ averages over entries).
pub fn plateau_levels(s: &[f64], scale: f64) -> Vec<f64> {
    if !scale.is_finite() {
        return vec![];
    }
    (0..s.len()).map(|k| 0.5 * s[k..].iter().map(|v| v * v).sum::<f64>() * scale).collect()
}

/// λₘᵢₙ recorded on each plateau (the last sample in its first half), where recorded.
pub fn plateau_curvature(samples: &[Sample], plateaus: &[stages::Plateau]) -> Vec<Option<f64>> {
    plateaus
        .iter()
        .map(|p| {
            let mid = (p.start_step + p.end_step) / 2;
            samples.iter().rfind(|s| s.step >= p.start_step && s.step <= mid).and_then(|s| s.hessian_min)
        })
        .collect()
}

/// σ₂(W) at the first recorded step at which σ₁ exceeds half the target's s₁.
pub fn second_at_first(run: &Run) -> Option<f64> {
    let s1 = *run.problem.truth_singular_values()?.first()?;
    run.trace
        .samples()
        .iter()
        .find(|s| s.singular_values.first().is_some_and(|&v| v > 0.5 * s1))
        .map(|s| s.singular_values.get(1).copied().unwrap_or(0.0))
}

/// Li et al.'s prediction for σ₂ when σ₁ is learned, from the end-to-end initial scale w₀ = α^L and
/// r = s₂/s₁: w₀^(1−r) at depth 2, w₀·(1−r)^(−L/(L−2)) at depth L ≥ 3. None without two target values.
pub fn predicted_second_at_first(config: &Config, truth: &[f64]) -> Option<f64> {
    let (s1, s2) = (*truth.first()?, *truth.get(1)?);
    let depth = config.model.depth as i32;
    let w0 = config.model.init_scale.powi(depth);
    let r = s2 / s1;
    match depth {
        2 => Some(w0.powf(1.0 - r)),
        d if d >= 3 => Some(w0 * (1.0 - r).powf(-(d as f64) / (d as f64 - 2.0))),
        _ => None,
    }
}

/// Noisy GD's selected balance ‖W_L‖/‖W₁‖ = (σ_L/σ₁)·√(m/n) (Liu et al.), where it is derived: depth 2, full
/// observation; None elsewhere (and for other optimisers).
pub fn predicted_norm_ratio(config: &Config) -> Option<f64> {
    let OptimizerConfig::NoisyGd { noise, .. } = &config.optimizer else { return None };
    if config.model.depth != 2 || config.model.symmetric || config.problem.kind != crate::config::ProblemKind::Full {
        return None;
    }
    let (rows, cols) = config.dims();
    let noise_ratio = if noise.len() > 1 { noise[noise.len() - 1] / noise[0] } else { 1.0 };
    Some(noise_ratio * (rows as f64 / cols as f64).sqrt())
}

/// The first recorded step at which σ₁(W) exceeds half the target's s₁ (the escape from the origin's
/// plateau). None without a ground truth or before it happens.
pub fn first_learned_step(run: &Run) -> Option<u64> {
    let s1 = *run.problem.truth_singular_values()?.first()?;
    stages::learned_steps(run.trace.samples(), &[s1]).first().copied().flatten()
}

/// The escape times of one depth's runs: (α, step at which σ₁ is learned) in α order, the fitted and the
/// predicted rate — steps per decade of 1/α at depth 2 (predicted ln 10/(η s₁)), the log–log slope
/// d log t / d log α at depth L ≥ 3 (predicted −(L−2)).
#[derive(Clone, Debug, Serialize)]
pub struct EscapeTimes {
    pub group: String,
    pub depth: usize,
    pub points: Vec<(f64, f64)>,
    pub fitted: Option<f64>,
    pub predicted: Option<f64>,
}

/// Escape times of every group of an experiment (runs of one group share a depth and vary α).
pub fn escape_times(exp: &Experiment) -> Vec<EscapeTimes> {
    let mut out: Vec<EscapeTimes> = vec![];
    for m in &exp.members {
        let c = &m.run.config;
        let i = match out.iter().position(|e| e.group == m.group) {
            Some(i) => i,
            None => {
                let s1 = m.run.problem.truth_singular_values().and_then(|t| t.first().copied());
                let lr = match &c.optimizer {
                    OptimizerConfig::Gd { lr } => Some(*lr),
                    _ => None,
                };
                let predicted = match (c.model.depth, s1, lr) {
                    (2, Some(s), Some(lr)) => Some(std::f64::consts::LN_10 / (lr * s)),
                    (d, Some(_), _) if d >= 3 => Some(-(d as f64 - 2.0)),
                    _ => None,
                };
                out.push(EscapeTimes {
                    group: m.group.clone(),
                    depth: c.model.depth,
                    points: vec![],
                    fitted: None,
                    predicted,
                });
                out.len() - 1
            }
        };
        if let Some(t) = first_learned_step(&m.run) {
            out[i].points.push((c.model.init_scale, t as f64));
        }
    }
    for e in &mut out {
        crate::order::by_key(&mut e.points, |p| p.0);
        // Least squares of t (depth 2) or log t (depth ≥ 3) against log₁₀ α.
        let xs: Vec<f64> = e.points.iter().map(|p| p.0.log10()).collect();
        let ys: Vec<f64> = e.points.iter().map(|p| if e.depth == 2 { p.1 } else { p.1.log10() }).collect();
        e.fitted = least_squares_slope(&xs, &ys).map(|s| if e.depth == 2 { -s } else { s });
    }
    out
}

/// Slope of the least-squares line through (x, y); None for fewer than two distinct x.
pub fn least_squares_slope(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 2 {
        return None;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The median (upper middle for an even count) of `v`, None when empty.
pub fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    crate::order::numbers(&mut v);
    (!v.is_empty()).then(|| v[v.len() / 2])
}
