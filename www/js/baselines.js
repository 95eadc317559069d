// The convex baselines of the page, named by their key (the first run's problem, seed and form: edits of the model
// or optimiser keep it): each key is solved once by the helper worker on the other core and kept, so a Reset or an
// α drag adopts it at once. Without a helper, the simulation solves its own.
import { helper, onHelper } from "./helper.js";

const KEEP = 8; // keys kept (one problem each; a new one past this empties the cache)

export class Baselines {
  /** `answer`: {adopt(json), solveHere()} — what the session does with the baseline of the experiment on screen. */
  constructor(answer) {
    this.answer = answer;
    this.solved = new Map(); // key → the baseline's JSON
    this.solving = null; // the key the helper is solving
    this.wanted = null; // the key of the experiment on screen
    onHelper((m) => this.fromHelper(m));
  }

  /** The experiment just loaded needs the baseline `key` ("" or null: none); `module` (the compiled wasm) starts
   * the helper, null when the simulation runs on this thread. */
  want(key, module) {
    this.wanted = key || null;
    if (!key) return;
    if (this.solved.has(key)) {
      this.answer.adopt(this.solved.get(key));
      return;
    }
    const h = module ? helper(module) : null;
    if (!h) {
      this.answer.solveHere();
      return;
    }
    if (this.solving === key) return; // under way for an earlier load (an α drag): its answer will do
    this.solving = key;
    h.postMessage({ type: "baseline", key });
  }

  /** Forgets the experiment on screen (a new one is loading). */
  drop() {
    this.wanted = null;
  }

  fromHelper(m) {
    if (m?.type === "helper-failed") {
      this.solving = null;
      if (this.wanted) this.answer.solveHere();
      return;
    }
    if (m?.type !== "baseline") return;
    if (m.key === this.solving) this.solving = null;
    if (typeof m.json === "string") {
      if (this.solved.size >= KEEP) this.solved.clear();
      this.solved.set(m.key, m.json);
      if (m.key === this.wanted) this.answer.adopt(m.json);
    } else if (m.key === this.wanted) this.answer.solveHere();
  }
}
