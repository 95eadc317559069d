// Sweep worker (same wasm build, its compiled module posted by the page with {type: "init"}): a phase-diagram
// sweep in ~8 ms slices with progress after each slice ("start", "cancel"), beside the simulation worker.
// It never draws (plotters needs the document).
import init, { SweepJob } from "./pkg/rankflow.js";

let ready = null;
let generation = 0;         // sweeps: a newer start or a cancel ends the running one

onmessage = async (event) => {
  const msg = event.data;
  if (msg?.type === "init") { ready = init({ module_or_path: msg.module }).then(() => true, (e) => e); return; }
  ready ??= init().then(() => true, (e) => e);
  if (msg.type === "cancel") { generation++; return; }
  if (msg.type !== "start") return;
  const ok = await ready;
  if (ok !== true) { postMessage({ type: "error", message: `the sweep worker could not start (${ok?.message ?? ok})` }); return; }
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
    postMessage({ type: done ? "done" : "progress", ...progress, figure: job.figure_json(), csv: done ? job.csv() : undefined });
    if (done) { job.free(); return; }
    await new Promise((r) => setTimeout(r, 0));   // let "cancel" messages in
  }
};
