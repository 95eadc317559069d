// The helper worker (same wasm build, its compiled module posted by the page with {type: "init"}), beside the
// simulation worker, on the machine's other core: a phase-diagram sweep in ~8 ms slices with progress after each
// slice ("start", "cancel"), and the convex baseline of the experiment the simulation runs, named by its key
// ({type: "baseline", key} → {type: "baseline", key, json} or {…, error}; a newer request ends the one
// before). It never draws.
import init, { SweepJob, BaselineJob } from "./pkg/rankflow.js";

let ready = null;
let generation = 0; // sweeps: a newer start or a cancel ends the running one
let baselineGeneration = 0;

/** Solves the baseline of `key` (the simulation's Lab.baseline_key(): its problem, seed and form, hence the same
 * answer to the last bit). */
async function baseline(msg) {
  const mine = ++baselineGeneration;
  const ok = await ready;
  const answer = (reply) => postMessage({ type: "baseline", key: msg.key, ...reply });
  if (ok !== true) {
    answer({ error: `the helper worker could not start (${ok?.message ?? ok})` });
    return;
  }
  let job;
  try {
    job = new BaselineJob(msg.key);
    for (let done = false; !done; ) {
      if (mine !== baselineGeneration) return;
      const t0 = performance.now();
      while (!done && performance.now() - t0 < 8) done = job.advance(2);
      if (!done) await new Promise((r) => setTimeout(r, 0)); // let a newer request in
    }
    answer({ json: job.json() });
  } catch (e) {
    answer({ error: e?.message ?? String(e) });
  } finally {
    job?.free();
  }
}

onmessage = async (event) => {
  const msg = event.data;
  if (msg?.type === "init") {
    ready = init({ module_or_path: msg.module }).then(
      () => true,
      (e) => e,
    );
    return;
  }
  ready ??= init().then(
    () => true,
    (e) => e,
  );
  if (msg.type === "cancel") {
    generation++;
    return;
  }
  if (msg.type === "baseline") {
    baseline(msg);
    return;
  }
  if (msg.type !== "start") return;
  const ok = await ready;
  if (ok !== true) {
    postMessage({ type: "error", message: `the sweep worker could not start (${ok?.message ?? ok})` });
    return;
  }
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
    if (mine !== generation) {
      job.free();
      postMessage({ type: "cancelled" });
      return;
    }
    const t0 = performance.now();
    let done = false;
    while (!done && performance.now() - t0 < 8) {
      done = job.advance(steps);
      if (performance.now() - t0 < 2) steps = Math.min(steps * 2, 1 << 16);
    }
    const progress = JSON.parse(job.progress_json());
    postMessage({
      type: done ? "done" : "progress",
      ...progress,
      figure: job.figure_json(),
      csv: done ? job.csv() : undefined,
    });
    if (done) {
      job.free();
      return;
    }
    await new Promise((r) => setTimeout(r, 0)); // let "cancel" messages in
  }
};
