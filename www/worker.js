// Helper worker (same wasm build, its compiled module posted by the page with {type: "init"}): a phase-diagram sweep in ~8 ms slices with progress after each slice
// ("start", "cancel"), or the convex baseline of the page's experiment ("baseline"), solved off the main thread
// so its lines are there while the run animates. It never draws (plotters needs the document).
import init, { SweepJob, Lab } from "./pkg/rankflow.js";

let ready = null;
let generation = 0;         // sweeps: a newer start or a cancel ends the running one
let baselineGeneration = 0; // baselines: a newer request ends the running one

/** Solves the baseline of the experiment `source` ({preset} | {config} | {compare}: JSON strings). */
async function solveBaseline(msg, mine) {
  let lab;
  try {
    const s = msg.source;
    lab = s.preset ? Lab.from_preset(s.preset) : s.compare ? Lab.compare(s.compare) : new Lab(s.config);
  } catch (e) {
    postMessage({ type: "baseline", id: msg.id, error: e.message });
    return;
  }
  for (;;) {
    if (mine !== baselineGeneration) { lab.free(); return; }
    const t0 = performance.now();
    let done = false;
    while (!done && performance.now() - t0 < 20) done = lab.advance_baseline(64);
    if (done) {
      postMessage({ type: "baseline", id: msg.id, json: lab.baseline_json() });
      lab.free();
      return;
    }
    await new Promise((r) => setTimeout(r, 0));   // let newer requests in
  }
}

onmessage = async (event) => {
  const msg = event.data;
  if (msg?.type === "init") { ready = init({ module_or_path: msg.module }); return; }
  ready ??= init();
  if (msg.type === "cancel") { generation++; return; }
  if (msg.type === "baseline") { const mine = ++baselineGeneration; await ready; solveBaseline(msg, mine); return; }
  if (msg.type !== "start") return;
  await ready;
  const mine = ++generation;
  let job;
  try {
    job = new SweepJob(msg.spec);
  } catch (e) {
    postMessage({ type: "error", message: e.message });
    return;
  }
  let steps = 64;
  for (;;) {
    if (mine !== generation) { job.free(); postMessage({ type: "cancelled" }); return; }
    const t0 = performance.now();
    let done = false;
    while (!done && performance.now() - t0 < 8) {
      done = job.advance(steps);
      if (performance.now() - t0 < 2) steps = Math.min(steps * 2, 1 << 16);
    }
    const progress = JSON.parse(job.progress_json());
    postMessage({ type: done ? "done" : "progress", ...progress, csv: done ? job.csv() : undefined });
    if (done) { job.free(); return; }
    await new Promise((r) => setTimeout(r, 0));   // let "cancel" messages in
  }
};
