// The helper Worker (worker.js): phase-diagram sweeps and the convex baseline, beside the simulation worker.
// Started on first use with the page's compiled module (nothing is fetched twice); `null` where it cannot start.
import { startWorker } from "./ui.js";
let worker;
let failed = false;
const listeners = new Set();

export function helper(module) {
  if (worker || failed) return worker ?? null;
  try {
    worker = startWorker("worker.js");
    worker.postMessage({ type: "init", module });
    worker.onmessage = (e) => {
      for (const l of listeners) l(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      worker?.terminate();
      worker = undefined;
      failed = true;
      for (const l of listeners) l({ type: "helper-failed", message: e.message });
    };
  } catch {
    failed = true;
    worker = undefined;
  }
  return worker ?? null;
}

export function onHelper(listener) {
  listeners.add(listener);
}

export function endHelper() {
  worker?.terminate();
  worker = undefined;
}
