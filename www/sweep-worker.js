// Phase-diagram worker: runs a sweep in ~8 ms slices with the same wasm build, posts progress after each
// slice, stops on "cancel". It never draws (plotters needs the document; the page draws the heatmap).
import init, { SweepJob } from "./pkg/rankflow.js";

const ready = init();
let generation = 0;

onmessage = async (event) => {
  const msg = event.data;
  if (msg.type === "cancel") { generation++; return; }
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
