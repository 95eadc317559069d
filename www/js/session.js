// The session: the one object that holds what runs (its source, generation, status, pace) and talks to the
// simulation — a Worker when one can start, else the same code on this thread. The animation frame is the
// heartbeat: each frame it asks for the steps the pace allows (at max: as many as fit until the next frame,
// with the next request sent as soon as an answer arrives) and hands the latest answer to `onFrame`.
import { createSimulation } from "./simulation.js";
import { startWorker } from "./ui.js";
import { Baselines } from "./baselines.js";

const WORKER_BUDGET_MS = 14; // a worker slice: about one frame, so the charts move at display rate
// At full speed on a machine with at most two cores the charts redraw at most this often (and the worker's slices
// last as long): drawing every frame takes the main thread, compositing and rasterising another core's worth and
// starves the simulation (measured with `node bench/page.mjs`: see BENCHMARKS.md). The frame loop itself, hover
// and the time slider stay at display rate.
const SPARE_DRAW_MS = 50;
const FEW_CORES = (globalThis.navigator?.hardwareConcurrency || 2) <= 2;
const LOCAL_BUDGET_MS = 6; // a slice on the main thread (fallback): the rest of the frame draws
const SLOW_MS = 1000; // captions, the claim's lines and tables refresh at most this often while playing

export class Session {
  /** `wasm`: the module's exports; `module`: the compiled WebAssembly.Module (posted to workers);
   * `hooks`: {wake(), onStatus(state, why?), onError(message, fromCore?), onHeld(state, pressedPlay)}; `wake` asks
   * for an animation frame: called whenever `tick` may have something to do. */
  constructor(wasm, module, hooks) {
    Object.assign(this, { wasm, module, hooks });
    this.gen = 0;
    this.status = "loading";
    this.message = "";
    this.source = null; // what the simulation loads: {preset, seed} | {config: JSON} | {compare: JSON} | {experiment}
    this.what = { preset: null, seed: null, config: null, compare: null }; // the same, as the page names it (URL, form)
    this.state = null; // the simulation's last state {status, step, steps, runs, message, baseline_pending}
    this.playing = false;
    this.pendingSteps = 0; // owed to step(n)
    this.pace = { position: 50, log: true, anchorStep: 0, anchorTime: 0, burst: false };
    this.inFlight = 0; // run requests out (two at full speed: the worker never waits for the next)
    this.latest = null; // the newest answer not yet drawn
    this.worker = null;
    this.remote = false;
    // The convex baseline of what runs: solved once per key by the helper worker, else by the simulation.
    this.baselines = new Baselines({
      adopt: (json) => this.post({ type: "adopt-baseline", gen: this.gen, json, log: this.pace.log }),
      solveHere: () => this.post({ type: "solve-baseline", gen: this.gen, log: this.pace.log }),
    });
    this.waiting = []; // what waits for the first state (a Step pressed while loading)
    this.connect();
  }

  connect() {
    this.worker?.terminate();
    this.worker = null;
    this.inFlight = 0;
    const receive = (data) => this.receive(data);
    try {
      if (typeof Worker !== "function" || !this.module) throw new Error("no Worker");
      const w = startWorker("sim-worker.js");
      w.onmessage = (e) => receive(e.data);
      w.onerror = (e) => {
        e.preventDefault?.();
        this.workerFailed(e.message || "the simulation worker failed");
      };
      w.postMessage({ type: "init", module: this.module });
      this.worker = w;
      this.remote = true;
      this.post = (m) => w.postMessage(m);
    } catch {
      this.useLocal();
    }
  }

  /** The same simulation on this thread (answers delivered asynchronously, as a worker's would be). */
  useLocal() {
    this.worker = null;
    this.remote = false;
    const handle = createSimulation(this.wasm, (reply) => setTimeout(() => this.receive(reply), 0));
    this.post = (m) =>
      setTimeout(() => {
        try {
          handle(m);
        } catch (e) {
          this.receive({ type: "crashed", message: e?.message ?? String(e) });
        }
      }, 0);
  }

  workerFailed(message) {
    // A worker that never answered "ready" could not start here (e.g. no module workers): run on this thread.
    if (this.remote && !this.workerReady) {
      this.useLocal();
      this.reload();
      return;
    }
    this.receive({ type: "crashed", message });
  }

  /** Starts the experiment `source` ({preset} | {config: JSON} | {compare: JSON}) at step 0; `what`: the same as
   * the page names it ({preset, seed, config, compare}; kept on reloads). */
  load(source, { play = false, burst = false, what = this.what } = {}) {
    this.source = source;
    this.what = what;
    this.gen++;
    this.inFlight = 0;
    this.latest = null;
    this.pendingSteps = 0;
    this.state = null;
    this.releasing = false;
    this.waiting = [];
    this.playing = play;
    this.pace.burst = burst;
    this.setStatus("loading", "");
    this.baselines.drop();
    this.post({ type: "load", gen: this.gen, source, log: this.pace.log, slow: true, baselineElsewhere: this.remote });
    this.hooks.wake?.();
  }

  /** Loads the same source again on the fallback simulation, keeping what was asked meanwhile (play, steps). */
  reload() {
    if (!this.source) return;
    const pending = this.pendingSteps;
    this.load(this.source, { play: this.playing, burst: this.pace.burst });
    this.pendingSteps = pending;
  }

  reset() {
    if (this.status === "error") this.connect();
    if (this.source) this.load(this.source, { play: false });
  }

  play() {
    if (this.state?.status === "held") {
      this.hooks.onHeld?.(this.snapshot(), true); // a question waits: it is answered first
      return;
    }
    if (this.status === "finished") {
      this.hooks.onStatus?.(this.snapshot(), "finished-play");
      return;
    }
    if (this.status === "error" || (this.status === "loading" && !this.source)) return;
    this.playing = true;
    this.anchor();
    this.hooks.wake?.();
    if (this.status === "loading") return;
    // In a worker the first slice starts now, not at the next animation frame (short runs end a frame sooner), and
    // before the page updates its controls.
    if (this.remote && this.inFlight === 0 && this.wantsSteps()) this.request();
    this.setStatus("playing");
  }

  /** The student has answered the lesson's question: the held run goes on, playing. */
  release() {
    if (this.state?.status !== "held") return;
    this.post({ type: "release", gen: this.gen, log: this.pace.log });
    this.state = { ...this.state, status: "running", held: null };
    this.releasing = true; // frames sent before the release still say "held": not a new hold
    this.play();
  }

  /** Plays at full speed (a `t=` link, a host's seek). */
  playBurst() {
    this.pace.burst = true;
    this.play();
    if (this.status === "finished") this.pace.burst = false;
  }

  /** Looks at recorded step `step` (null: the latest); the simulation answers with a frame at once. */
  setCursor(step) {
    if (this.status === "loading" || this.status === "error") return;
    const s = step == null || !Number.isFinite(step) ? -1 : Math.max(0, Math.floor(step));
    this.post({ type: "cursor", gen: this.gen, step: s, log: this.pace.log });
  }

  pause() {
    this.playing = false;
    this.pace.burst = false;
    this.pendingSteps = 0;
    if (this.status === "playing") this.setStatus("paused");
  }

  /** Calls `fn` once the experiment has its first state: now if it has one, else with the first frame. */
  whenLoaded(fn) {
    if (this.state) fn();
    else this.waiting.push(fn);
  }

  /** Exactly n more steps (of every run), spread over frames. */
  step(n) {
    const k = Math.max(0, Math.floor(Number(n)));
    if (!Number.isFinite(k) || k === 0 || this.status === "finished" || this.status === "error") return;
    this.playing = false;
    this.pendingSteps += k;
    if (this.status === "playing" || this.status === "ready") this.setStatus("paused");
    this.hooks.wake?.();
  }

  setPace(position, log) {
    this.pace.position = position;
    this.pace.log = log;
    this.pace.top = undefined;
    this.pace.burst = false;
    this.anchor();
    this.hooks.wake?.();
  }

  /** Restarts the pace's clock at the current step (after a pause, or a pace change). */
  anchor() {
    this.pace.anchorStep = this.state?.step ?? 0;
    this.pace.anchorTime = performance.now();
  }

  /** {status, step, steps, runs: [{label, step, loss, learned}], message, cursor, held, answer}. */
  snapshot() {
    const s = this.state;
    return {
      status: this.status,
      step: s?.step ?? 0,
      steps: s?.steps ?? 0,
      runs: (s?.runs ?? []).map((r) => ({ label: r.label, step: r.step, loss: r.loss, learned: r.learned ?? [] })),
      message: this.message,
      cursor: s?.cursor ?? null, // the time slider's recorded step (null: following the run)
      held: s?.held ?? null, // the step a lesson's question holds the run at (null: none waits)
      answer: s?.answer ?? null, // once finished: what the run says about the question {value, choice, said}
      source: this.source, // what runs: {preset, seed} | {config: JSON} | {compare: JSON} | {experiment}
    };
  }

  setStatus(status, message = this.message) {
    const changed = status !== this.status || message !== this.message;
    this.status = status;
    this.message = message;
    if (changed) {
      this.hooks.onStatus?.(this.snapshot());
      document.dispatchEvent(new CustomEvent("rankflow:statechange", { detail: this.snapshot() }));
    }
  }

  /** Whether the next animation frame has work: an answer to hand over, or steps to ask for or wait on. While
   * not, the page's frame loop sleeps (`hooks.wake` restarts it). */
  busy() {
    return this.latest !== null || this.inFlight > 0 || this.wantsSteps();
  }

  /** Called every animation frame: sends a request when one is due; returns the newest answer, if any. */
  tick() {
    if (this.inFlight === 0 && this.status !== "error" && this.status !== "loading" && this.wantsSteps())
      this.request();
    const answer = this.latest;
    const now = performance.now();
    if (!answer || (this.sparing() && now - (this.handed ?? 0) < SPARE_DRAW_MS)) return null;
    this.latest = null;
    this.handed = now;
    return answer;
  }

  /** Whether the charts redraw at most every SPARE_DRAW_MS: at full speed in a worker, on ≤ 2 cores. */
  sparing() {
    return this.remote && FEW_CORES && this.wantsSteps() && this.maxPace();
  }

  wantsSteps() {
    const s = this.state;
    if (!s || !(this.playing || this.pendingSteps > 0)) return false;
    // A baseline solved by the helper arrives on its own (an unasked frame): nothing to ask for meanwhile.
    return s.status === "running" || (s.baseline_pending && this.baselineHere);
  }

  /** Whether the next answer should carry the slow parts (captions, claim lines, runs table): once a second. */
  slowDue() {
    const now = performance.now();
    if (now - (this.lastSlow ?? 0) < SLOW_MS) return false;
    this.lastSlow = now;
    return true;
  }

  request() {
    const msg = {
      type: "run",
      gen: this.gen,
      log: this.pace.log,
      slow: this.slowDue(),
      budget: !this.remote ? LOCAL_BUDGET_MS : this.sparing() ? SPARE_DRAW_MS - 2 : WORKER_BUDGET_MS,
    };
    if (this.pendingSteps > 0 && !this.playing) msg.steps = this.pendingSteps;
    else if (!this.pace.burst) {
      const elapsed = (performance.now() - this.pace.anchorTime) / 1000;
      const t = this.wasm.pace_target(this.pace.position, this.pace.log, this.pace.anchorStep, elapsed);
      msg.target = Number.isFinite(t) ? Math.floor(t) : null;
    }
    this.inFlight++;
    this.post(msg);
  }

  /** Asks the simulation for a fresh frame now (e.g. the step axis changed), if nothing is pending. */
  refresh(slow = true) {
    if (this.inFlight > 0 || this.status === "loading" || this.status === "error") return;
    this.inFlight++;
    this.post({ type: "run", gen: this.gen, log: this.pace.log, slow, steps: 0, budget: 1 });
  }

  /** Asks the simulation for a text export ("csv" | "json" | "config"); resolves with the answer. */
  requestExport(what) {
    const id = (this.exportId = (this.exportId ?? 0) + 1);
    return new Promise((resolve, reject) => {
      (this.exports ??= new Map()).set(id, { resolve, reject });
      this.post({ type: "export", gen: this.gen, what, id });
    });
  }

  fail() {
    this.post({ type: "fail" });
  }

  receive(m) {
    try {
      this.take(m);
    } finally {
      this.hooks.wake?.();
    }
  }

  /** An answer of the simulation (a frame, an export, an error). */
  take(m) {
    if (!m || typeof m !== "object") return;
    if (m.type === "ready") {
      this.workerReady = true;
      return;
    }
    if (m.type === "crashed" && this.remote && !this.workerReady) {
      // The worker could not start (e.g. no memory for a second instance): run on this thread instead.
      this.worker?.terminate();
      this.useLocal();
      this.reload();
      return;
    }
    if (m.type === "crashed") {
      for (const e of this.exports?.values() ?? []) e.reject(new Error("the simulation stopped"));
      this.exports?.clear();
      this.playing = false;
      this.inFlight = 0;
      this.worker?.terminate();
      this.worker = null;
      this.workerReady = false;
      this.setStatus("error", `The simulation stopped (${m.message}). Press Reset to start again.`);
      this.hooks.onError?.(this.message);
      return;
    }
    if (m.type === "export") {
      const p = this.exports?.get(m.id);
      this.exports?.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m);
      return;
    }
    if (m.gen !== this.gen) return; // an answer for an experiment since replaced
    if (m.type === "error") {
      this.inFlight = 0;
      this.setStatus("error", m.message);
      this.hooks.onError?.(m.message, true);
      return;
    }
    if (m.type === "loaded") {
      // The first frame follows. In a worker the baseline is solved by the helper on the other core.
      this.baselines.want(m.baselineKey, this.remote ? this.module : null);
      return;
    }
    if (m.type !== "frame") return;
    if (!m.unasked) this.inFlight = Math.max(0, this.inFlight - 1);
    this.baselineHere = m.baselineHere;
    const previous = this.state;
    this.state = JSON.parse(m.state);
    // `learned` comes with the slow parts (once a second): keep the last one in between.
    this.state.runs?.forEach((r, i) => {
      if (!r.learned) r.learned = previous?.runs?.[i]?.learned ?? [];
    });
    this.memory = { bytes: m.memory, heap: m.heap };
    if (this.pendingSteps > 0 && !this.playing) this.pendingSteps = Math.max(0, this.pendingSteps - m.done);
    // An answer not yet drawn is replaced by this newer one; its slow parts (once a second) are kept — but only this
    // answer's own slow parts are final when the run has just ended (else the finished state asks for them below).
    const ownSlow = !!m.claim;
    if (this.latest?.claim && !m.claim) Object.assign(m, { claim: this.latest.claim, runs: this.latest.runs });
    this.latest = m;
    const s = this.state;
    if (this.status === "loading") this.anchor();
    if (s.status === "held" && this.releasing) s.status = "running";
    else this.releasing = false;
    if (s.status === "held") {
      // A lesson's question holds the run at its moment until the student answers (release()).
      this.playing = false;
      this.pendingSteps = 0;
      this.pace.burst = false;
      this.setStatus(s.step === 0 ? "ready" : "paused", "");
      this.hooks.onHeld?.(this.snapshot(), false);
    } else if (s.status !== "running" && !s.baseline_pending) {
      // Every run and the baseline are done.
      this.playing = false;
      this.pendingSteps = 0;
      this.pace.burst = false;
      this.setStatus("finished", s.message ?? "");
      if (!ownSlow) this.refresh(true); // the final captions, claim lines and tables
    } else if (s.status !== "running") {
      this.pendingSteps = 0; // the runs are done; the baseline is still being solved
      if (this.status === "loading") this.setStatus("ready", "");
    } else if (this.status === "loading") {
      this.setStatus(this.playing ? "playing" : this.pendingSteps > 0 ? "paused" : "ready", "");
    }
    for (const fn of this.waiting.splice(0)) fn();
    // At max pace the worker never idles: a second slice is already queued while this one's answer travels and is
    // drawn (not for step(n): each request carries the steps still owed, so only one may be out).
    const ahead = this.pendingSteps > 0 && !this.playing ? 1 : 2;
    while (this.remote && this.inFlight < ahead && this.wantsSteps() && this.maxPace()) this.request();
  }

  maxPace() {
    // Whether the speed control is at its top (no step target) is asked every frame: kept until the pace changes.
    this.pace.top ??= !Number.isFinite(this.wasm.pace_target(this.pace.position, this.pace.log, 1, 1));
    return this.pace.burst || (this.pendingSteps > 0 && !this.playing) || this.pace.top;
  }
}
