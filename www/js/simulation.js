// The simulation: one Lab (all runs of an experiment) stepped in slices on request, answering each request
// with its state and its figures encoded for the main thread. It runs in sim-worker.js, or on the main thread
// when no Worker can start: the same messages and answers either way. It never draws.
//
// Requests: {type: "load", gen, source: {preset}|{config}|{compare}|{experiment} (+ ask: {lesson, step}: hold for
//           that lesson step's question), baselineElsewhere?} → {type: "loaded",
//           baselineKey} or {type: "error"} (baselineElsewhere: the convex baseline, named by baselineKey, is
//           solved elsewhere and comes back as {type: "adopt-baseline", gen, json} → an unasked frame;
//           {type: "solve-baseline", gen}: solve it here after all);
//           {type: "run", gen, log, budget, steps?|target?, slow} → {type: "frame", state, figures, data, done, …};
//           {type: "export", gen, id, what} → {type: "export", id, what, text};
//           {type: "cursor", gen, step, log} → {type: "frame", unasked: true, …} at that recorded step (−1: latest);
//           {type: "release", gen} → an unasked frame (a question's hold lifted: the run may go on);
//           {type: "fail"} (a deliberate panic, for the failure test).

// A slice steps in chunks of about this many ms: the engine swaps in a function's optimised code only at its next
// call, so a cold `advance` called once for a whole slice would run all of it unoptimised.
const CHUNK_MS = 4;
// How long (ms of stepping) a throwaway copy warms the code up after a load: until the engine has optimised the hot
// functions one by one (measured on escape-time: a cold play's steps ran 25 % slower for its first 150 ms).
const WARM_MS = 200;
// …and only for an experiment of at most this many bytes (its copy grows the wasm memory for good).
const WARM_MAX_BYTES = 4 << 20;

/** `wasm`: the initialised module's exports; `post(reply, transfer)`: where answers go; `warm`: warm the code up
 * after each load (in a worker, where it blocks nothing). The convex baseline is solved here too: while the page
 * waits for Play (idle slices), then a little in every slice. */
export function createSimulation(wasm, post, { warm = false } = {}) {
  let lab = null;
  let gen = 0;
  let stepCost = Infinity; // ms per step, moving average over chunks long enough to time: sizes each advance()
  let probe = 1; // steps in the next chunk while the cost is unknown (grows ×4 per untimeable chunk)
  let frameCost = 1; // ms to encode a frame's figures, moving average
  let baselineHere = true; // false while the helper worker solves the baseline
  let stepped = false; // whether a real slice has run since the last load (ends the warm-up)

  function open(s) {
    const made = s.experiment
      ? wasm.Lab.from_experiment(s.experiment)
      : s.preset
        ? wasm.Lab.from_preset(s.preset, s.seed ?? undefined)
        : s.compare
          ? wasm.Lab.compare(s.compare)
          : new wasm.Lab(s.config);
    try {
      if (s.ask) made.ask(s.ask.lesson, s.ask.step); // a lesson's question: the run holds at its moment
    } catch (e) {
      made.free();
      throw e;
    }
    return made;
  }

  function load(msg) {
    lab?.free();
    lab = null;
    gen = msg.gen;
    stepCost = Infinity;
    probe = 1;
    baselineHere = !msg.baselineElsewhere;
    stepped = false;
    const heap = wasm.wasm_heap_bytes();
    try {
      lab = open(msg.source);
    } catch (e) {
      post({ type: "error", gen, message: e.message });
      return;
    }
    post({ type: "loaded", gen, config: lab.config_json(), baselineKey: lab.baseline_key() });
    frame(msg, 0);
    idle(gen, msg.log);
    if (warm && wasm.wasm_heap_bytes() - heap <= WARM_MAX_BYTES) warmUp(gen, msg.source);
  }

  /** Steps a throwaway copy of the experiment in slices of CHUNK_MS (one step a call, so a heavy step cannot hold a
   * slice long) while the page waits for Play, so that the engine has compiled the hot loop with its optimising tier
   * before the first real slice (measured: the first play of a short preset was 20–40 ms slower than the next ones).
   * Stops when a real slice runs or another experiment loads; never touches the real runs. */
  function warmUp(mine, source) {
    let copy = null;
    let spent = 0;
    let more = true;
    const slice = () => {
      if (mine !== gen || stepped || !more || spent >= WARM_MS) {
        copy?.free();
        return;
      }
      const t0 = performance.now();
      try {
        const fresh = !copy;
        copy ??= open({ ...source, ask: null }); // (a copy that held for a question would not warm anything)
        let n = 0;
        while ((n = copy.advance(1)) > 0 && performance.now() - t0 < CHUNK_MS);
        // A run shorter than the warm-up starts over (unless it cannot step at all).
        if (n === 0) {
          copy.free();
          copy = null;
          more = !fresh;
        }
      } catch {
        more = false; // (the same source has just loaded) — give up quietly
      }
      spent += performance.now() - t0;
      setTimeout(slice, 0);
    };
    setTimeout(slice, 0);
  }

  /** Solves the baseline in ≤ 5 ms slices while nothing else is asked (answers with a frame once solved). */
  function idle(mine, log) {
    setTimeout(() => {
      if (!lab || mine !== gen || !baselineHere || !lab.wants_baseline()) return;
      const t0 = performance.now();
      while (lab.wants_baseline() && performance.now() - t0 < 5) lab.advance_baseline(2);
      if (!lab.wants_baseline()) frame({ log, slow: true }, 0);
      else idle(mine, log);
    }, 0);
  }

  /** Steps for at most `budget` ms: exactly `steps` more steps, or up to step `target` (null: no limit). */
  function run(msg) {
    if (!lab || msg.gen !== gen) return;
    if (msg.steps !== 0) stepped = true;
    const t0 = performance.now();
    // At full speed a slice lasts at least 12 encodings, so sending figures costs at most ~8% of the stepping.
    const asked =
      msg.target == null && msg.steps == null ? Math.max(msg.budget ?? 8, 12 * frameCost) : (msg.budget ?? 8);
    const budget = Math.max(1, Math.min(asked, 50));
    let done = 0;
    const want = msg.steps != null ? msg.steps : Infinity;
    const target = msg.target == null ? Infinity : msg.target;
    if (baselineHere && lab.wants_baseline()) lab.advance_baseline(4);
    while (done < want && lab.step() < target) {
      const left = budget - (performance.now() - t0);
      if (left <= 0) break;
      const room = Math.min(want - done, target - lab.step());
      const fit = Number.isFinite(stepCost) ? Math.max(1, Math.floor(Math.min(left, CHUNK_MS) / stepCost)) : probe;
      const chunk = Math.max(1, Math.min(Math.ceil(room), fit, 1 << 20));
      const t1 = performance.now();
      const n = lab.advance(chunk);
      if (n === 0) break;
      // A worker's clock is coarse (~0.1 ms, jittered): a chunk shorter than 1 ms is not timed, or one step measured
      // as 0 ms would size the next chunk to the whole run (seconds without an answer).
      const ms = performance.now() - t1;
      if (ms >= 1) stepCost = Number.isFinite(stepCost) ? 0.7 * stepCost + 0.3 * (ms / n) : ms / n;
      else probe = Math.min(4 * chunk, 1 << 20);
      done += n;
    }
    if (baselineHere && (lab.step() >= target || lab.status() !== "running")) {
      while (lab.wants_baseline() && performance.now() - t0 < budget) lab.advance_baseline(4);
    }
    frame(msg, done);
  }

  function frame(msg, done) {
    const t0 = performance.now();
    const figures = lab.encode_figures(msg.log !== false);
    const data = lab.take_figure_data();
    frameCost = 0.8 * frameCost + 0.2 * (performance.now() - t0);
    const reply = {
      type: "frame",
      gen,
      done,
      unasked: !!msg.unasked,
      baselineHere,
      state: lab.state_json(!!msg.slow),
      readout: lab.readout(),
      figures,
      data,
      memory: wasm.wasm_memory_bytes(),
      heap: wasm.wasm_heap_bytes(),
    };
    if (msg.slow) {
      reply.claim = lab.claim_lines();
      reply.runs = lab.runs_json();
    }
    post(reply, [data.buffer]);
  }

  function exportText(msg) {
    if (!lab || msg.gen !== gen) {
      post({ type: "export", gen, id: msg.id, error: "nothing is loaded yet" });
      return;
    }
    const text =
      msg.what === "csv"
        ? lab.csv()
        : msg.what === "json"
          ? lab.report_json()
          : msg.what === "experiment"
            ? lab.experiment_json()
            : lab.config_json();
    post({ type: "export", gen, id: msg.id, what: msg.what, text });
  }

  return function handle(msg) {
    if (!msg || typeof msg !== "object") return;
    switch (msg.type) {
      case "load":
        load(msg);
        break;
      case "run":
        run(msg);
        break;
      case "export":
        exportText(msg);
        break;
      case "cursor":
        if (lab && msg.gen === gen) {
          lab.set_cursor(Number(msg.step));
          frame({ log: msg.log, slow: true, unasked: true }, 0);
        }
        break;
      case "release":
        if (lab && msg.gen === gen) {
          lab.release();
          frame({ log: msg.log, slow: true, unasked: true }, 0);
        }
        break;
      case "adopt-baseline":
        if (lab && msg.gen === gen) {
          // Refused (it does not fit this problem): solve it here after all.
          if (!lab.adopt_baseline(String(msg.json))) baselineHere = true;
          frame({ log: msg.log, slow: true, unasked: true }, 0);
          idle(gen, msg.log);
        }
        break;
      case "solve-baseline":
        if (lab && msg.gen === gen && !baselineHere) {
          baselineHere = true;
          idle(gen, msg.log);
        }
        break;
      case "fail":
        wasm.fail_for_test();
        break;
    }
  };
}
