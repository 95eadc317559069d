// rankflow page shell: reads the form into a config, asks the wasm core to step and draw, shows read-outs.
// No numerical code here: the core owns the state and validates everything (messages name the field).
import init, { Lab, validate, presets_json, parse_matrix, matrix_text, parse_url, config_query, draw_heatmap } from "./pkg/rankflow.js";

const $ = (id) => document.getElementById(id);
const form = $("config");
const fields = [...form.querySelectorAll("[data-field]")];
const FRAME_BUDGET_MS = 7.5;          // all of a frame's work (baseline + stepping + drawing); 60 fps allows 16.7
const BASELINE_MS = 2;                // most of that budget the convex baseline may take while the run plays
const SPEED_MAX = 5000;               // steps per frame at the top of the speed slider

let lab = null;
let presets = [];
let playing = false;
let pending = 0;                      // steps still owed to a Step click (run in budgeted chunks)
let dirty = true;                     // charts need a redraw
let rate = { steps: 0, since: performance.now() };
let current = { config: null, preset: null };   // what the running lab was started from (for the URL)
let view = { embed: false, controls: true, autoplay: false, figure: false, log_steps: true, speed: null };
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
// The page's canvas for each figure id of the core's figure model.
const CANVAS = { singular_values: "sv-chart", claim: "claim-chart", loss: "loss-chart", hessian: "hessian-chart", matrices: "matrix-chart" };
const SLOW_MS = 1000;                 // captions, the claim's live region and tables refresh at most this often while playing
let figures = [];                     // [{id, title, caption}] of the running experiment, from the core
let source = null;                    // what the running lab was built from, for the baseline worker

// ---------- formatting ----------
const fmt = (v, digits = 4) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(digits - 1) : String(+v.toPrecision(digits));
};
const speedFromSlider = (v) => Math.max(1, Math.round(10 ** ((+v / 100) * Math.log10(SPEED_MAX))));
const sliderFromSpeed = (s) => Math.round((100 * Math.log10(s)) / Math.log10(SPEED_MAX));
const DEFAULT_SPEED = speedFromSlider(70);

// ---------- form <-> config ----------
function setPath(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}
function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

const LISTS = new Set(["problem.singular_values", "model.init_scales", "optimizer.noise"]);
const control = (path) => form.querySelector(`[data-field="${path}"]`);

/** Whether a control is shown: its `data-show-if="path=v1 v2"` holder matches the current form. */
function visible(el) {
  const holder = el.closest("[data-show-if]");
  if (!holder) return true;
  const [path, values] = holder.dataset.showIf.split("=");
  return values.split(" ").includes(control(path).value);
}

/** Reads the form into a config object; returns {config} or {error, field}. */
function readForm() {
  const config = {};
  const givenSpectrum = visible(control("problem.singular_values")) && control("problem.singular_values").value.trim() !== "";
  for (const el of fields) {
    const path = el.dataset.field;
    if (!visible(el)) continue;
    if (path === "problem.rank" && givenSpectrum) continue;   // the rank is the number of singular values
    if (el.type === "checkbox") { if (el.checked || path === "model.symmetric") setPath(config, path, el.checked); continue; }
    const raw = el.value.trim();
    // The slider moves on a 0.1-decade grid; an α that came from a preset, link or import stays exact until moved.
    if (path === "model.init_scale") { setPath(config, path, el.dataset.exact ? Number(el.dataset.exact) : 10 ** +raw); continue; }
    if (path === "problem.values") {
      try { setPath(config, path, JSON.parse(parse_matrix(raw))); }
      catch (e) { return { error: e.message, field: path }; }
      continue;
    }
    if (LISTS.has(path)) {
      if (raw === "") continue;
      const parts = raw.split(/[\s,]+/).filter(Boolean);
      // Pass non-numbers through as strings: the core's message then names the field.
      setPath(config, path, parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : p)));
      continue;
    }
    if (el.tagName === "SELECT") { setPath(config, path, raw); continue; }
    if (raw === "") continue;                       // blank = default
    const num = Number(raw);
    setPath(config, path, Number.isFinite(num) ? num : raw);
  }
  return { config };
}

function writeForm(config) {
  for (const el of fields) {
    const path = el.dataset.field;
    const v = getPath(config, path);
    if (el.type === "checkbox") el.checked = !!v;
    else if (path === "model.init_scale") { el.value = Math.log10(v ?? 1e-3).toFixed(1); el.dataset.exact = String(v ?? 1e-3); }
    else if (path === "problem.values") el.value = v ? matrix_text(JSON.stringify(v)) : "? 1 1 / 1 ? 0.1 / 1 0.1 ?";
    else if (LISTS.has(path)) el.value = v ? v.join(" ") : "";
    else if (path === "model.width" || path === "problem.m") {
      // Leave auto-filled sizes blank so they follow n.
      const n = getPath(config, "problem.n");
      el.value = v === undefined || (path === "problem.m" && v === n) || (path === "model.width" && v === Math.max(n ?? 0, getPath(config, "problem.m") ?? 0)) ? "" : v;
    }
    else if (el.tagName === "SELECT") el.value = v ?? el.options[0].value;   // a field left at its default
    else el.value = v ?? "";
  }
  syncVisibility();
  syncAlpha();
}

function syncVisibility() {
  for (const holder of form.querySelectorAll("[data-show-if]")) {
    const [path, values] = holder.dataset.showIf.split("=");
    holder.hidden = !values.split(" ").includes(control(path).value);
  }
}
function syncAlpha() {
  const el = control("model.init_scale");
  const text = `α = ${fmt(el.dataset.exact ? Number(el.dataset.exact) : 10 ** +el.value, 2)}`;
  $("alpha-value").textContent = text;
  el.setAttribute("aria-valuetext", text);
}
function syncSpeed() {
  const n = speedFromSlider($("speed").value);
  $("speed-value").textContent = `${n} steps/frame`;
  $("speed").setAttribute("aria-valuetext", `${n} steps per frame`);
}

// ---------- messages ----------
function showMessage(text, field) {
  const box = $("message");
  box.textContent = text;              // text only, never HTML
  box.hidden = !text;
  for (const el of fields) el.removeAttribute("aria-invalid");
  if (field) {
    const el = fields.find((f) => field === f.dataset.field || field.startsWith(f.dataset.field + ".") || field.startsWith(f.dataset.field + "["));
    if (el) el.setAttribute("aria-invalid", "true");
  }
}
const fieldOf = (msg) => msg.split(":")[0];
function setStatus(text) { $("status").textContent = text; }

// ---------- run control ----------
/** Starts a single run from a config object, or a preset's experiment when `presetName` is given. */
function start(config, presetName) {
  const json = JSON.stringify(config);
  const msg = validate(json);
  if (msg) { showMessage(msg, fieldOf(msg)); return false; }
  try {
    const next = presetName ? Lab.from_preset(presetName) : new Lab(json);
    lab?.free();
    lab = next;
  } catch (e) {
    showMessage(e.message, fieldOf(e.message));
    return false;
  }
  showMessage("");
  stepCost = Infinity;                  // unknown: the first call runs one step and measures it
  current = { config, preset: presetName ?? null };
  adopt(presetName ? { preset: presetName } : { config: json });
  syncUrl();
  pending = 0;
  figures = [];
  lastSlowDraw = 0;
  baselineDone = false;
  baselineIters = 1;
  rate = { steps: 0, since: performance.now() };
  $("r-rate").textContent = "–";
  dirty = true;
  setStatus(playing ? "Running…" : "Ready: press Play.");
  for (const b of ["play", "step", "reset"]) $(b).disabled = false;
  return true;
}

function setPlaying(on) {
  playing = on && lab?.status() === "running";
  $("play").textContent = playing ? "❚❚ Pause" : "▶ Play";
  $("play").setAttribute("aria-pressed", String(playing));
  rate = { steps: 0, since: performance.now() };
  if (playing) { setStatus("Running…"); solveBaselineInWorker(); }
}

// Measured cost of one step (ms, moving average): each call is sized to fit what is left of the frame budget,
// so even a model whose single step takes tens of milliseconds never blocks a frame for long.
let stepCost = Infinity;
function advance(budgetMs, maxSteps) {
  const t0 = performance.now();
  let done = 0;
  while (done < maxSteps) {
    const left = budgetMs - (performance.now() - t0);
    if (left <= 0) break;
    const chunk = Math.max(1, Math.min(maxSteps - done, Math.floor(left / stepCost)));
    const t1 = performance.now();
    const n = lab.advance(chunk);
    if (n > 0) {
      const per = Math.max(1e-4, (performance.now() - t1) / n);
      stepCost = Number.isFinite(stepCost) ? 0.7 * stepCost + 0.3 * per : per;
    }
    done += n;
    if (n === 0) break;
  }
  if (done > 0) dirty = true;
  return done;
}

function afterSteps() {
  const status = lab.status();
  if (status === "diverged") {
    setPlaying(false);
    showMessage(lab.message());
    setStatus("Paused: the run diverged.");
  } else if (status === "finished") {
    setPlaying(false);
    const why = lab.message();
    setStatus(`Finished at step ${lab.step().toLocaleString()}.${why ? ` ${why}.` : " Reset to replay, or raise “steps”."}`.replace("..", "."));
    lastSlowDraw = 0;
  }
}

function updateReadouts() {
  const r = JSON.parse(lab.readout());
  $("r-step").textContent = r.step.toLocaleString();
  $("r-loss").textContent = fmt(r.loss);
  $("r-test").textContent = fmt(r.test_error);
  $("r-erank").textContent = fmt(r.effective_rank, 3);
  $("r-nuclear").textContent = fmt(r.nuclear_norm);
  $("r-baseline").textContent = r.baseline_nuclear_norm == null ? "–" : fmt(r.baseline_nuclear_norm);
}

function resizeCanvas(canvas, dpr) {
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
}

const darkQuery = matchMedia("(prefers-color-scheme: dark)");
// Measured cost of a redraw (ms, moving average), reserved out of the frame budget before stepping.
let drawCost = 3;
// The last 240 frames' work (ms): read by the benchmark through rankflowStats().
const frameWork = new Float64Array(240);
let frameCount = 0;
globalThis.rankflowStats = () => ({
  frameWork: [...frameWork.slice(0, Math.min(frameCount, frameWork.length))],
  drawCost, stepCost, budget: FRAME_BUDGET_MS,
});

function draw() {
  const t0 = performance.now();
  const dpr = window.devicePixelRatio || 1;
  const logSteps = $("log-steps").checked;
  const dark = darkQuery.matches;
  const now = performance.now();
  // Captions, the claim's live region and the tables change slowly: at most once a second while playing.
  const slow = now - lastSlowDraw > SLOW_MS || !playing;
  try {
    if (slow || !figures.length) {
      figures = JSON.parse(lab.figures_json(logSteps));
      showFigures();
    }
    for (const f of figures) {
      if (f.id === "matrices") continue;
      const canvas = $(CANVAS[f.id]);
      resizeCanvas(canvas, dpr);
      lab.draw(f.id, canvas, logSteps, dpr, dark);
    }
    if (slow) {
      lastSlowDraw = now;
      if ($("matrix-view").open) {
        const m = $("matrix-chart");
        resizeCanvas(m, dpr);
        lab.draw("matrices", m, logSteps, dpr, dark);
      }
      for (const f of figures) { const cap = $(`cap-${f.id}`); if (cap) cap.textContent = f.caption; }
      const list = $("claim");
      list.replaceChildren(...JSON.parse(lab.claim_lines()).map((line) => {
        const li = document.createElement("li");
        li.textContent = line;          // text only, never HTML
        return li;
      }));
      renderRuns();
      for (const d of document.querySelectorAll("details.data-table[open]")) renderTable(d);
    }
  } catch (e) {
    showMessage(`Drawing failed: ${e.message}`);
  }
  updateReadouts();
  dirty = false;
  drawCost = 0.8 * drawCost + 0.2 * (performance.now() - t0);
  if (!performance.getEntriesByName("first-chart").length) performance.mark("first-chart");
}

/** Shows the cards (and export entries) of the figures the core has for this experiment. */
function showFigures() {
  const ids = new Set(figures.map((f) => f.id));
  for (const card of document.querySelectorAll("figure.card")) card.hidden = !ids.has(card.dataset.figure);
  $("hessian-section").hidden = !ids.has("hessian");
  for (const b of document.querySelectorAll("[data-needs]")) b.hidden = !ids.has(b.dataset.needs);
}

/** A table element from {columns, rows}; `cell` formats a value. Text only, never HTML. */
function tableOf(t, cell) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const c of t.columns) { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.append(th); }
  const body = table.createTBody();
  for (const row of t.rows) {
    const tr = body.insertRow();
    row.forEach((v, i) => { tr.insertCell().textContent = cell(v, i); });
  }
  return table;
}

/** The data table of a figure, from the core (at most 200 rows, evenly thinned). */
function renderTable(details) {
  const t = JSON.parse(lab.table_json(details.dataset.figure, $("log-steps").checked, 200));
  const wrap = details.querySelector(".table-wrap");
  if (!t) { wrap.textContent = "No table for this figure."; return; }
  wrap.replaceChildren(tableOf(t, (v, i) => (v === null ? "" : i === 0 ? String(v) : fmt(v))));
}

/** One row per run (multi-run experiments only). */
function renderRuns() {
  const t = JSON.parse(lab.runs_json());
  const box = $("runs");
  box.hidden = t.rows.length < 2;
  document.querySelector(".readouts").classList.toggle("multi", !box.hidden);
  if (box.hidden) return;
  const table = tableOf(t, (v) => v);
  table.createCaption().textContent = "The runs side by side, now";
  box.replaceChildren(table);
}
let lastSlowDraw = 0;

// The convex baseline is solved a little every frame, within ~3 ms, adapting how many iterations fit.
let baselineIters = 1;
let baselineDone = false;
// The baseline is solved by the background worker when it can start (the lines then appear within a second or
// two, while the run animates); the main thread solves it in ≤ 2 ms slices only as a fallback.
let baselineRemote = false;
let baselineRequest = 0;
let baselineWorker;
function adopt(src) {
  source = src;
  baselineRemote = false;
  baselineRequest++;                  // a pending answer for the previous experiment is ignored
}
/** Hands the baseline to the worker (from the first Play on: a page merely opened costs no second instance). */
function solveBaselineInWorker() {
  if (baselineDone || baselineRemote || !lab || !source || !lab.wants_baseline()) return;
  try {
    baselineWorker ??= startWorker((e) => {
      const m = e.data;
      if (m.type !== "baseline" || m.id !== baselineRequest || !lab) return;
      if (m.json && m.json !== "null" && lab.adopt_baseline(m.json)) { baselineDone = true; dirty = true; lastSlowDraw = 0; }
      else baselineRemote = false;    // not solved there: solve it here
    });
    baselineWorker.postMessage({ type: "baseline", id: ++baselineRequest, source });
    baselineRemote = true;
  } catch {
    baselineRemote = false;
  }
}
function startWorker(onmessage) {
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  w.onmessage = onmessage;
  w.onerror = (e) => { e.preventDefault(); baselineRemote = false; baselineWorker = undefined; };
  return w;
}
function advanceBaseline() {
  if (baselineDone || baselineRemote) return;
  const t0 = performance.now();
  baselineDone = lab.advance_baseline(baselineIters);
  const dt = performance.now() - t0;
  const budget = playing ? BASELINE_MS : 2 * BASELINE_MS;
  if (dt < budget / 2) baselineIters = Math.min(baselineIters * 2, 4096);
  else if (dt > budget) baselineIters = Math.max(1, baselineIters >> 1);
  if (baselineDone) { dirty = true; lastSlowDraw = 0; }
}

function frame(now) {
  if (lab) {
    const t0 = performance.now();
    advanceBaseline();
    // Stepping gets what is left of the frame budget once the baseline ran and a redraw is set aside.
    const stepBudget = () => Math.max(0.5, FRAME_BUDGET_MS - drawCost - (performance.now() - t0));
    if (pending > 0 && !playing) {
      pending -= advance(stepBudget(), pending);
      if (lab.status() !== "running") pending = 0;
      afterSteps();
    }
    if (playing) {
      const done = advance(stepBudget(), speedFromSlider($("speed").value));
      rate.steps += done;
      if (now - rate.since > 250) {
        $("r-rate").textContent = Math.round((rate.steps * 1000) / (now - rate.since)).toLocaleString();
        rate = { steps: 0, since: now };
      }
      afterSteps();
    }
    if (dirty) draw();
    if (playing || pending > 0) frameWork[frameCount++ % frameWork.length] = performance.now() - t0;
  }
  requestAnimationFrame(frame);
}

// ---------- URL state, export, import ----------
function syncUrl() {
  const params = [];
  if (current.preset || ($("preset").value !== "custom" && presets.some((p) => p.name === $("preset").value))) {
    params.push(`preset=${encodeURIComponent(current.preset ?? $("preset").value)}`);
  } else if (current.config) {
    const q = config_query(JSON.stringify(current.config));
    if (q) params.push(q);
  }
  if (view.embed) params.push("embed=1");
  if (view.embed && !view.controls) params.push("controls=0");
  if (view.autoplay) params.push("autoplay=1");
  if (view.figure) params.push("figure=1");
  if (!$("log-steps").checked) params.push("log=0");
  const speed = speedFromSlider($("speed").value);
  if (speed !== DEFAULT_SPEED) params.push(`speed=${speed}`);
  history.replaceState(null, "", `${location.pathname}?${params.join("&")}`);
  const full = params.filter((p) => !/^(embed|controls|autoplay|figure)=/.test(p));
  $("open-full").href = `${location.pathname}?${full.join("&")}`;
}

async function copyLink() {
  syncUrl();
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus("Link copied: it restores this exact run.");
  } catch {
    setStatus(`Copy this link: ${location.href}`);
  }
}

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function exportAs(what) {
  const base = current.preset ?? "rankflow";
  const [kind, arg] = what.split(":");
  try {
    if (kind === "png") {
      if (arg === "matrix-chart" && !$("matrix-view").open) { $("matrix-view").open = true; lastSlowDraw = 0; draw(); }
      $(arg).toBlob((b) => b && download(`${base}-${arg.replace("-chart", "")}.png`, b), "image/png");
    } else if (kind === "svg") {
      const c = $(CANVAS[arg] ?? "sv-chart");
      const svg = lab.svg(arg, Math.max(300, c.clientWidth), Math.max(200, c.clientHeight), $("log-steps").checked);
      download(`${base}-${arg}.svg`, new Blob([svg], { type: "image/svg+xml" }));
    } else if (kind === "csv") {
      download(`${base}-trajectories.csv`, new Blob([lab.csv()], { type: "text/csv" }));
    } else if (kind === "json") {
      download(`${base}-trajectories.json`, new Blob([lab.report_json()], { type: "application/json" }));
    } else if (kind === "config") {
      const cfg = JSON.stringify(JSON.parse(lab.config_json()), null, 2);
      download(`${base}-config.json`, new Blob([cfg + "\n"], { type: "application/json" }));
    }
  } catch (e) {
    showMessage(`Export failed: ${e.message}`);
  }
  $("export-menu").open = false;
}

function importConfig(text) {
  const msg = validate(text);
  if (msg) { showMessage(`Imported config rejected: ${msg}`, fieldOf(msg)); return; }
  const config = JSON.parse(text);
  writeForm(config);
  $("preset").value = "custom";
  $("preset-title").textContent = "Imported configuration";
  $("preset-explanation").textContent = "Loaded from a config file; the CLI runs the same file with rankflow run --config.";
  const was = playing;
  if (start(config)) setPlaying(was);
}

// ---------- side-by-side comparison of custom runs ----------
const MAX_COMPARED = 3;
let compared = [];
const runLabel = (c) => {
  const kind = { gd: "GD", noisy_gd: "noisy GD", glrl: "GLRL" }[c.optimizer?.kind] ?? "GD";
  const depth = c.model?.symmetric ? "UUᵀ" : `L=${c.model?.depth ?? 3}`;
  return kind === "GLRL" ? `${kind} ${depth}` : `${kind} ${depth} α=${fmt(c.model?.init_scale ?? 1e-3, 2)}`;
};
function renderCompared() {
  $("compare-list").replaceChildren(...compared.map((entry, i) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = entry.label;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "remove";
    remove.setAttribute("aria-label", `remove ${entry.label}`);
    remove.addEventListener("click", () => { compared.splice(i, 1); renderCompared(); });
    li.append(name, remove);
    return li;
  }));
  $("compare-run").disabled = compared.length < 2;
  $("compare-clear").disabled = compared.length === 0;
  $("compare-add").disabled = compared.length >= MAX_COMPARED;
}
function addCompared() {
  const read = readForm();
  if (read.error) { showMessage(read.error, read.field); return; }
  const msg = validate(JSON.stringify(read.config));
  if (msg) { showMessage(msg, fieldOf(msg)); return; }
  let label = runLabel(read.config);
  while (compared.some((c) => c.label === label)) label += "′";
  compared.push({ label, config: read.config });
  renderCompared();
}
function runComparison() {
  try {
    const next = Lab.compare(JSON.stringify(compared));
    lab?.free();
    lab = next;
  } catch (e) {
    showMessage(e.message);
    return;
  }
  showMessage("");
  $("preset").value = "custom";
  $("preset-title").textContent = `Comparison: ${compared.map((c) => c.label).join(" vs ")}`;
  $("preset-explanation").textContent = "Runs side by side on the first run's problem and seed; colours follow the legend.";
  current = { config: compared[0].config, preset: null };
  adopt({ compare: JSON.stringify(compared) });
  syncUrl();
  pending = 0; baselineDone = false; baselineIters = 1; stepCost = Infinity; figures = []; lastSlowDraw = 0;
  dirty = true;
  setPlaying(true);
}

// ---------- phase diagram (sweep in a Web Worker; the page only draws) ----------
let worker = null;
let sweepData = null;
const SWEEP_AXES = {
  alpha: (c) => ({ field: "model.init_scale", values: [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6], desc: "α (init scale)" }),
  lr: (c) => ({ field: "optimizer.lr", values: [0.25, 0.5, 1, 2].map((f) => +(f * (c.optimizer?.lr ?? 0.05)).toPrecision(3)), desc: "η" }),
  depth: () => ({ field: "model.depth", values: [2, 3, 4], desc: "depth L" }),
  observed: () => ({ field: "problem.observed_fraction", values: [0.1, 0.2, 0.3, 0.4, 0.5], desc: "observed fraction" }),
  seed: () => ({ field: "seed", values: [1, 2, 3, 4], desc: "seed" }),
};
const axisLabel = (v) => (Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(0) : String(v));
function drawSweep() {
  if (!sweepData || !$("phase-view").open) return;
  const c = $("sweep-chart");
  const dpr = window.devicePixelRatio || 1;
  resizeCanvas(c, dpr);
  try { draw_heatmap(c, JSON.stringify(sweepData), dpr, darkQuery.matches); } catch (e) { showMessage(`Drawing failed: ${e.message}`); }
}
function runSweep() {
  const read = readForm();
  if (read.error) { showMessage(read.error, read.field); return; }
  const x = SWEEP_AXES[$("sweep-x").value](read.config), y = SWEEP_AXES[$("sweep-y").value](read.config);
  const outcome = $("sweep-outcome").value;
  const spec = { base: read.config, x: { field: x.field, values: x.values }, y: { field: y.field, values: y.values }, outcome };
  worker ??= new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.type === "error") { showMessage(`Sweep: ${m.message}`); endSweep("failed"); return; }
    if (m.type === "cancelled") { endSweep("cancelled"); return; }
    $("sweep-progress").value = m.done / m.total;
    $("sweep-status").textContent = `${m.done} / ${m.total} runs`;
    const values = Array(m.total).fill(null);
    m.cells.forEach((cell, k) => { values[k] = cell.value; });
    sweepData = { title: `${$("sweep-outcome").selectedOptions[0].textContent}`, x_desc: x.desc, y_desc: y.desc,
      x_labels: x.values.map(axisLabel), y_labels: y.values.map(axisLabel), values };
    drawSweep();
    if (m.type === "done") {
      const notes = m.cells.filter((c) => c.note).length;
      endSweep(`done: ${m.total} runs${notes ? `, ${notes} without a value (grey)` : ""}`);
    }
  };
  $("sweep-run").disabled = true;
  $("sweep-cancel").disabled = false;
  $("sweep-progress").value = 0;
  $("sweep-status").textContent = "starting…";
  worker.postMessage({ type: "start", spec: JSON.stringify(spec) });
}
function endSweep(text) {
  $("sweep-run").disabled = false;
  $("sweep-cancel").disabled = true;
  $("sweep-status").textContent = text;
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t.closest && t.closest("input, textarea, select, dialog")) return;
  if (ev.key === " " && t.tagName !== "BUTTON" && t.tagName !== "SUMMARY") { ev.preventDefault(); if (lab) setPlaying(!playing); }
  else if (ev.key === "s") { if (lab) { setPlaying(false); pending += speedFromSlider($("speed").value); } }
  else if (ev.key === "r") { $("reset").click(); }
  else if (ev.key === "?") { $("help").showModal(); }
}

// ---------- wiring ----------
function applyPreset(name) {
  const p = presets.find((x) => x.name === name);
  if (!p) return;
  $("preset").value = name;
  $("preset-title").textContent = p.title;
  $("preset-explanation").textContent = p.explanation;
  writeForm(p.runs[0].config);
  start(p.runs[0].config, p.runs.length > 1 || p.claim ? p.name : undefined);
}

function onFormChange(ev) {
  if (ev.target.id === "preset") { applyPreset(ev.target.value); return; }
  syncVisibility();
  syncAlpha();
  const read = readForm();
  if (read.error) { showMessage(read.error, read.field); return; }
  if ($("preset").value !== "custom") {
    $("preset").value = "custom";
    $("preset-title").textContent = "Custom configuration";
    $("preset-explanation").textContent = "Edited by hand. Pick a preset to return to a documented experiment.";
  }
  const wasPlaying = playing;
  if (start(read.config)) setPlaying(wasPlaying);
}

async function main() {
  await init();
  presets = JSON.parse(presets_json());
  const select = $("preset");
  for (const p of presets) select.add(new Option(p.title, p.name));
  select.add(new Option("Custom (edited)", "custom"));
  form.addEventListener("change", onFormChange);
  form.addEventListener("submit", (e) => e.preventDefault());
  control("model.init_scale").addEventListener("input", (e) => { delete e.target.dataset.exact; syncAlpha(); });
  $("speed").addEventListener("input", syncSpeed);
  $("speed").addEventListener("change", syncUrl);
  $("log-steps").addEventListener("change", () => { dirty = true; syncUrl(); });
  $("copy-link").addEventListener("click", copyLink);
  for (const b of document.querySelectorAll("[data-export]")) b.addEventListener("click", () => exportAs(b.dataset.export));
  $("import-file").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > 1 << 20) { showMessage(`Imported config rejected: config: file is ${file.size} bytes; at most 1048576`); return; }
    importConfig(await file.text());
    e.target.value = "";
  });
  $("import-apply").addEventListener("click", () => importConfig($("import-text").value));
  $("help-button").addEventListener("click", () => $("help").showModal());
  $("compare-add").addEventListener("click", addCompared);
  $("sweep-run").addEventListener("click", runSweep);
  $("sweep-cancel").addEventListener("click", () => worker?.postMessage({ type: "cancel" }));
  $("phase-view").addEventListener("toggle", drawSweep);
  $("compare-run").addEventListener("click", runComparison);
  $("compare-clear").addEventListener("click", () => { compared = []; renderCompared(); });
  document.addEventListener("keydown", onKey);
  // Workers hold a wasm instance each: end them with the page rather than waiting for garbage collection.
  addEventListener("pagehide", () => { baselineWorker?.terminate(); worker?.terminate(); baselineWorker = worker = undefined; });
  $("play").addEventListener("click", () => setPlaying(!playing));
  // Step: exactly one frame's worth of steps, spread over frames so a slow model never blocks the page.
  $("step").addEventListener("click", () => { setPlaying(false); pending += speedFromSlider($("speed").value); });
  $("reset").addEventListener("click", () => {
    const was = playing;
    const preset = presets.find((p) => p.name === $("preset").value);
    if (preset) { start(preset.runs[0].config, preset.runs.length > 1 || preset.claim ? preset.name : undefined); }
    else { const r = readForm(); if (r.error) return; start(r.config); }
    setPlaying(was);
  });
  $("matrix-view").addEventListener("toggle", () => { dirty = true; lastSlowDraw = 0; });
  for (const d of document.querySelectorAll("details.data-table")) d.addEventListener("toggle", () => { if (d.open && lab) renderTable(d); });
  new ResizeObserver(() => { dirty = true; drawSweep(); }).observe($("sv-chart").parentElement);
  darkQuery.addEventListener("change", () => { dirty = true; });
  // The URL decides what runs: a preset, or every config field; bad parameters are reported, not fatal.
  const state = JSON.parse(parse_url(location.search.length > 1 ? location.search : location.hash));
  view = state.view;
  document.body.classList.toggle("embed", view.embed);
  document.body.classList.toggle("no-controls", view.embed && !view.controls);
  document.body.classList.toggle("figure", view.figure);
  $("open-full").hidden = !view.embed;
  $("log-steps").checked = view.log_steps;
  if (view.speed) $("speed").value = String(sliderFromSpeed(view.speed));
  syncSpeed();
  if (state.preset) applyPreset(state.preset);
  else {
    writeForm(state.config);
    $("preset").value = "custom";
    $("preset-title").textContent = "Custom configuration (from the link)";
    $("preset-explanation").textContent = "Every field comes from the page address. Pick a preset to return to a documented experiment.";
    start(state.config);
  }
  if (state.messages.length) showMessage(`Some link parameters were ignored:\n${state.messages.join("\n")}`);
  if (view.autoplay && !reducedMotion.matches) setPlaying(true);
  requestAnimationFrame(frame);
}

main().catch((e) => {
  setStatus("");
  showMessage(`rankflow could not start: ${e.message}. It needs a browser with WebAssembly, served over http(s).`);
});
