// rankflow page: wiring. The simulation runs in a Worker (js/session.js, js/simulation.js); this thread reads
// the form, draws the figures the simulation sends (js/charts.js) and keeps the URL. No numerical code here:
// the core owns the state and validates everything (messages name the field).
import { hidePoster } from "./js/poster.js"; // first: the poster shows while the rest loads
import init, * as wasm from "./pkg/rankflow.js";
import { $, fieldOf, showMessage, setStatus } from "./js/ui.js";
import { buildForm, readForm, writeForm, syncForm, sliderMoved } from "./js/form.js";
import { Session } from "./js/session.js";
import { ChartView } from "./js/charts.js";
import { syncUrl, copyLink, exportAs, hideControls } from "./js/share.js";
import { LessonBar } from "./js/lesson.js";
import { setupCompare } from "./js/compare.js";
import { setupSweep } from "./js/sweep.js";
import { endHelper } from "./js/helper.js";
import { setupEmbed } from "./js/embed.js";
import { setupHover } from "./js/hover.js";
import { setupScrub } from "./js/scrub.js";

const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
let limits, presets, session, view, module, scrub, compare;
let lesson = null; // the lesson bar, when the link names a lesson (lesson=NAME&step=K)
let urlView = { embed: false, controls: true, autoplay: false, figure: false };
let origin = null; // the preset a custom run was edited from: {name, config}
let ghostArmed = true; // the next edit keeps the run on screen as the ghost
let rate = { steps: 0, since: performance.now(), step: 0 };

const read = () => readForm();
const presetSource = (p) => (p.runs.length > 1 || p.claim ? { preset: p.name } : null);

// ---------- run control ----------
/** Starts `config` (or the preset `name`, or a comparison); `opts.play`: play at once; `opts.burst`: at full speed;
 * `opts.checked`: the config was just validated (read from the form). */
function start({ config, preset, seed, compare, experiment, ask }, opts = {}) {
  let source;
  if (compare) source = { compare: JSON.stringify(compare) };
  else if (preset) source = { preset, seed: seed ?? null };
  else {
    // The config is checked first, so a bad field is named as the form names it (also when the edited preset runs
    // as an experiment judged by its claim).
    const json = JSON.stringify(config);
    const msg = opts.checked ? "" : wasm.validate(json);
    if (msg) {
      showMessage(msg, fieldOf(msg));
      return false;
    }
    source = experiment ? { experiment } : { config: json };
  }
  if (ask) source = { ...source, ask };
  showMessage("");
  const what = {
    preset: preset ?? null,
    seed: seed ?? null,
    config: compare ? compare[0].config : config,
    compare: compare ?? null,
  };
  rate = { steps: 0, since: performance.now(), step: 0 };
  $("r-rate").textContent = "–";
  scrub?.clear();
  urlView.t = null;
  session.load(source, { ...opts, what });
  sync();
  return true;
}
const sync = () => syncUrl(wasm, { ...session.what, lesson: lesson?.at() ?? null }, urlView);

function onStatus(st, why) {
  const play = $("play");
  const playing = st.status === "playing";
  play.textContent = playing ? "❚❚ Pause" : "▶ Play";
  play.setAttribute("aria-pressed", String(playing));
  for (const b of ["play", "step", "reset"]) $(b).disabled = st.status === "loading" && !session.source;
  $("play-overlay").hidden = !overlayWanted() || playing || st.status === "finished" || st.status === "error";
  if (st.status === "finished") lesson?.answered(st.answer);
  if (why === "finished-play") {
    setStatus(`This run has finished at step ${st.step.toLocaleString()}. Press Reset to replay it, or raise “steps”.`);
    return;
  }
  const text = {
    loading: "Loading…",
    ready: "Ready: press Play.",
    playing: "Running…",
    paused: `Paused at step ${st.step.toLocaleString()}.`,
    finished: `Finished at step ${st.step.toLocaleString()}.${st.message ? ` ${st.message}` : " Reset to replay, or raise “steps”."}`,
    error: "Stopped. Press Reset to start again.",
  }[st.status];
  const diverged = st.status === "finished" && /^Diverged|: Diverged/m.test(st.message);
  setStatus(diverged ? `Stopped at step ${st.step.toLocaleString()}: the run diverged.` : text.replace(/\.\.$/, "."));
  // A field the form names stays named (a slice in flight when it was typed may still diverge).
  if (diverged && !document.querySelector("[data-field][aria-invalid]")) showMessage(st.message);
}

/** Asks for an animation frame unless one is asked already. The loop sleeps while nothing is due (an idle page
 * costs no frames): the session wakes it (an answer, Play, Step, a load) and so does the view (`view.dirty`). */
let frameAsked = false;
function wake() {
  if (frameAsked) return;
  frameAsked = true;
  requestAnimationFrame(frame);
}

function frame() {
  frameAsked = false;
  try {
    drawFrame();
  } finally {
    if (session.busy() || view.dirty) wake(); // in `finally`: nothing thrown can stop the heartbeat
  }
}

function drawFrame() {
  const answer = session.tick();
  if (answer) {
    try {
      view.take(answer);
      hidePoster();
    } catch (e) {
      showMessage(`Drawing failed: ${e.message}`);
    }
    scrub.update(session.state);
    const now = performance.now();
    const st = session.state;
    if (session.status === "playing" && now - rate.since > 500) {
      $("r-rate").textContent = Math.round(((st.step - rate.step) * 1000) / (now - rate.since)).toLocaleString();
      rate = { since: now, step: st.step };
    }
    view.draw(!!answer.claim, session.sparing());
  } else view.draw(view.matricesDue, session.sparing());
  view.matricesDue = false;
}

/** What runs is no preset: the preset menu says "custom", the title and explanation say where it came from. */
function becomeCustom(title, explanation) {
  origin = null;
  $("edited").hidden = true;
  $("preset").value = "custom";
  $("preset-title").textContent = title;
  $("preset-explanation").textContent = explanation;
}

/** Runs side by side on the first run's problem and seed (the Compare panel, or a compare= link). */
function runComparison(runs, play = true) {
  becomeCustom(
    `Comparison: ${runs.map((c) => c.label).join(" vs ")}`,
    "Runs side by side on the first run's problem and seed; colours follow the legend.",
  );
  return start({ compare: runs }, { play });
}

// ---------- presets and edits ----------
/** Runs the preset `name`, re-seeded when `seed` is given (the explanation's numbers are for its own seed). */
function applyPreset(name, seed = null, ask = null) {
  const p = presets.find((x) => x.name === name);
  if (!p) return false;
  origin = null;
  $("edited").hidden = true;
  $("preset").value = name;
  $("preset-title").textContent = p.title;
  const own = p.runs[0].config.seed;
  const reseeded = seed !== null && seed !== own;
  $("preset-explanation").textContent = reseeded
    ? `${p.explanation} (Re-seeded at seed ${seed}: the numbers above are for seed ${own}; the read-out says whether the claim holds here.)`
    : p.explanation;
  const config = { ...p.runs[0].config, seed: seed ?? own };
  writeForm(config);
  view.charts.clear_ghost();
  syncGhost();
  return start(presetSource(p) ? { preset: name, seed: reseeded ? seed : null, config, ask } : { config, ask });
}

/** An edit of the form: the run restarts at full speed with the new value, the last run kept faintly. */
function onEdit() {
  leaveLesson();
  syncForm();
  const before = session.what.config;
  const preset = presets.find((p) => p.name === $("preset").value);
  const from = preset
    ? {
        name: preset.name,
        title: preset.title,
        config: preset.runs[0].config,
        claim: preset.claim,
        runs: preset.runs.length,
      }
    : origin;
  const r = readForm(from?.config, ghostArmed && session.state?.step > 0 ? before : null);
  if (r.error) {
    // The run no longer shows what the form says: it holds until the field is mended.
    session.pause();
    showMessage(r.error, r.field);
    return;
  }
  origin = from;
  if (preset) $("preset").value = "custom";
  if (origin) {
    const diff = r.from_origin ?? [];
    $("edited-what").textContent = diff.length
      ? `edited: ${diff.map((d) => `${d.name} ${d.before} → ${d.after}`).join(", ")}`
      : "edited (as the preset's first run)";
    $("edited").hidden = false;
  } else if ($("preset").value === "custom") {
    $("preset-title").textContent = "Custom configuration";
    $("preset-explanation").textContent = "Edited by hand. Pick a preset to return to a documented experiment.";
  }
  if (r.from_before) {
    const diff = r.from_before;
    if (diff.length) {
      view.charts.keep_ghost(
        `previous: ${diff
          .slice(0, 2)
          .map((d) => `${d.name} = ${d.before}`)
          .join(", ")}`,
      );
      syncGhost();
    }
    ghostArmed = false;
  }
  // An edited one-run preset is still judged by its claim (as `rankflow run --experiment` would judge it).
  const judged = origin?.claim && origin.runs === 1;
  const experiment = judged
    ? JSON.stringify({
        name: origin.name,
        title: origin.title,
        claim: origin.claim,
        runs: [{ label: "", group: "", config: r.config }],
      })
    : undefined;
  start({ config: r.config, experiment }, { play: true, burst: true, checked: true });
}

function syncGhost() {
  const label = view.charts.ghost_label();
  $("clear-ghost").hidden = !label;
  $("clear-ghost").title = label ? `Remove the faint lines (${label})` : "";
  view.dirty = true;
}

function syncSpeed() {
  const p = JSON.parse(wasm.pace_json(Number($("speed").value), $("log-steps").checked));
  $("speed-value").textContent = p.label;
  $("speed").setAttribute("aria-valuetext", p.label);
  session?.setPace(p.position, $("log-steps").checked);
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const t = ev.target;
  if (t.closest && t.closest("input, textarea, select, dialog")) return;
  if (lesson && (ev.key === "PageDown" || ev.key === "PageUp")) {
    // Presentation clickers send these: the lesson's next and previous step.
    ev.preventDefault();
    if (ev.key === "PageDown") lesson.next();
    else lesson.prev();
  } else if (ev.key === " " && t.tagName !== "BUTTON" && t.tagName !== "SUMMARY") {
    ev.preventDefault();
    togglePlay();
  } else if (ev.key === "s") stepOnce();
  else if (ev.key === "r") $("reset").click();
  else if (ev.key === "?") $("help").showModal();
  else if (ev.key === "f") setPresent(!urlView.present, true);
  else if (lesson && /^[1-5]$/.test(ev.key) && lesson.choose(Number(ev.key) - 1)) ev.preventDefault();
  else if (ev.key === "b" || ev.key === ".")
    document.body.classList.toggle("blank"); // a clicker's black screen
  else if (ev.key === "c" && !$("fig-tabs").hidden) showClaim(!document.body.classList.contains("show-claim"));
  else if (ev.key === "Escape" && urlView.present) setPresent(false, true);
  else if (ev.key === "Escape" && window.parent !== window) releaseFocus();
  else if (scrub.key(ev)) ev.preventDefault();
}

/** Esc in a frame: the keys go back to the host (a slide deck's arrows and PageDown), and the host is told. */
function releaseFocus() {
  document.activeElement?.blur?.();
  try {
    window.parent.focus();
  } catch {
    /* refused across origins: the host hears focus-released and may take focus itself */
  }
  document.dispatchEvent(new CustomEvent("rankflow:focus-released"));
}

// ---------- present mode, theme, the play overlay ----------
/** Present: the figure fills the viewport (full screen when asked by a key or button), minimal controls. */
function setPresent(on, gesture = false) {
  urlView.present = on;
  document.body.classList.toggle("present", on);
  $("present").setAttribute("aria-pressed", String(on));
  $("present").textContent = on ? "✕ Leave" : "⛶ Present";
  if (gesture && on && document.fullscreenEnabled && !document.fullscreenElement) {
    document.documentElement.requestFullscreen?.().catch(() => {});
  }
  if (!on && document.fullscreenElement) document.exitFullscreen?.().catch(() => {});
  view.dirty = true;
  sync();
}

/** Which figure fills the view where only one fits (present mode, small embeds). */
function showClaim(on) {
  document.body.classList.toggle("show-claim", on);
  $("tab-sv").setAttribute("aria-selected", String(!on));
  $("tab-claim").setAttribute("aria-selected", String(on));
  view.dirty = true;
}

function setTheme(name) {
  if (name) document.documentElement.dataset.theme = name;
  else delete document.documentElement.dataset.theme;
  urlView.theme = name || null;
  $("theme").value = name || "";
  view.dirty = true;
  view.matricesDue = true;
}

/** A large play button over the chart where no toolbar shows (figure=1, or an embed without controls). */
const overlayWanted = () => urlView.figure || (urlView.embed && !urlView.controls);
const togglePlay = () => (session.status === "playing" ? session.pause() : session.play());
/** One press of Step: a quarter decade on a log step axis (at least 100 steps), else a hundredth of the planned run;
 * pressed while the experiment loads, it steps once loaded. */
function stepOnce() {
  session.whenLoaded(() => {
    const st = session.state;
    const n = $("log-steps").checked
      ? Math.max(100, Math.round(st.step * (10 ** 0.25 - 1)))
      : Math.max(1, Math.ceil(st.steps / 100));
    session.step(n);
  });
}

// ---------- start ----------
async function loadModule() {
  // The offline single file carries the wasm inside it (see xtask's single_file).
  if (globalThis.rankflowOffline) return WebAssembly.compile(await globalThis.rankflowOffline.wasm());
  const url = new URL("./pkg/rankflow_bg.wasm", import.meta.url);
  const response = fetch(url);
  try {
    return await WebAssembly.compileStreaming(response);
  } catch {
    return WebAssembly.compile(await (await fetch(url)).arrayBuffer());
  }
}

async function main() {
  module = await loadModule();
  await init({ module_or_path: module });
  limits = JSON.parse(wasm.limits_json());
  buildForm(wasm, limits.fields, limits.groups);
  $("limits-text").textContent = limits.limits_text;
  presets = JSON.parse(wasm.presets_json());
  view = new ChartView(wasm);
  view.onDirty = wake;
  view.onLead = (lead) => showClaim(lead === "claim");
  session = new Session(wasm, module, {
    wake,
    onStatus,
    onHeld: (_, pressedPlay) => {
      lesson?.held(pressedPlay);
      setStatus("Paused for a question: choose your prediction, and the run goes on.");
    },
    onError: (message, field) => showMessage(message, field ? fieldOf(message) : undefined),
  });
  const select = $("preset");
  for (const p of presets) select.add(new Option(p.title, p.name));
  select.add(new Option("Custom (edited)", "custom"));
  const form = $("config");
  form.addEventListener("submit", (e) => e.preventDefault());
  select.addEventListener("change", () => {
    leaveLesson();
    applyPreset(select.value);
  });
  form.addEventListener("change", (ev) => {
    if (!ev.target.closest("[data-field]")) return; // (the import box is no setting)
    if (ev.target.type === "range") {
      ghostArmed = true;
      return;
    } // its drag already restarted the run
    onEdit();
    ghostArmed = true;
  });
  form.addEventListener("input", (ev) => {
    if (ev.target.type !== "range") return;
    sliderMoved(ev.target);
    onEdit();
  });
  $("speed").max = String(limits.speed_max);
  $("speed").addEventListener("input", syncSpeed);
  $("speed").addEventListener("change", sync);
  $("log-steps").addEventListener("change", () => {
    syncSpeed();
    sync();
    session.refresh(true);
  });
  $("copy-link").addEventListener("click", () => {
    sync();
    copyLink();
  });
  const base = () => session.what.preset ?? "rankflow";
  for (const b of document.querySelectorAll("[data-export]")) {
    b.addEventListener("click", () =>
      exportAs(b.dataset.export, {
        base: base(),
        view,
        session,
        drawMatrices: () => {
          view.dirty = true;
          view.draw(true);
        },
      }),
    );
  }
  $("import-file").addEventListener("change", async (e) => {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > 1 << 20) {
      showMessage(`Imported config rejected: config: file is ${file.size} bytes; at most 1048576`);
      return;
    }
    importConfig(await file.text());
    e.target.value = "";
  });
  $("import-apply").addEventListener("click", () => importConfig($("import-text").value));
  $("help-button").addEventListener("click", () => $("help").showModal());
  compare = setupCompare(wasm, limits, read, runComparison);
  const sweep = setupSweep(wasm, module, read, limits.sweep);
  document.addEventListener("keydown", onKey);
  // Workers hold a wasm instance each: end them with the page rather than waiting for garbage collection.
  addEventListener("pagehide", () => {
    session.worker?.terminate();
    endHelper();
  });
  $("play").addEventListener("click", togglePlay);
  $("step").addEventListener("click", stepOnce);
  $("reset").addEventListener("click", () => {
    scrub.clear();
    session.reset();
  });
  $("play-overlay").addEventListener("click", () => session.play());
  $("present").addEventListener("click", () => setPresent(!urlView.present, true));
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && urlView.present) setPresent(false);
  });
  $("theme").addEventListener("change", () => {
    setTheme($("theme").value);
    sync();
  });
  $("tab-sv").addEventListener("click", () => showClaim(false));
  $("tab-claim").addEventListener("click", () => showClaim(true));
  setupHover(view);
  scrub = setupScrub(session, {
    onChange: (t) => {
      urlView.t = t;
      sync();
    },
  });
  $("clear-ghost").addEventListener("click", () => {
    view.charts.clear_ghost();
    syncGhost();
  });
  $("back-to-preset").addEventListener("click", () => {
    if (origin) applyPreset(origin.name);
  });
  $("matrix-view").addEventListener("toggle", () => {
    view.dirty = true;
    view.matricesDue = true;
  });
  for (const d of document.querySelectorAll("details.data-table"))
    d.addEventListener("toggle", () => {
      if (d.open) view.table(d);
    });
  new ResizeObserver(() => {
    view.dirty = true;
    view.matricesDue = true;
    sweep.draw();
  }).observe($("sv-chart").parentElement);

  $("explain-more").addEventListener("click", (ev) => {
    const open = $("preset-explanation").classList.toggle("open");
    ev.currentTarget.textContent = open ? "less" : "more";
    ev.currentTarget.setAttribute("aria-expanded", String(open));
  });
  // On a phone the settings start folded: the chart and the experiment's explanation come first.
  if (matchMedia("(max-width: 700px)").matches) $("settings").open = false;
  // The URL decides what runs: a preset, or every config field; bad parameters are reported, not fatal.
  const state = JSON.parse(wasm.parse_url(location.search.length > 1 ? location.search : location.hash));
  urlView = state.view;
  const linkT = urlView.t; // read before start() clears it
  document.body.classList.toggle("embed", urlView.embed);
  document.body.classList.toggle("no-controls", urlView.embed && !urlView.controls);
  document.body.classList.toggle("figure", urlView.figure);
  setTheme(urlView.theme ?? null);
  if (urlView.present) setPresent(true);
  // A blob: page (the Python widget's frame) has no address to open elsewhere.
  $("open-full").hidden = !urlView.embed || location.protocol === "blob:";
  hideControls(urlView.hide ?? []);
  $("log-steps").checked = urlView.log_steps;
  $("speed").value = String(urlView.speed ?? limits.speed_default);
  syncSpeed();
  if (state.lesson) {
    const own = state.lesson.source ?? null; // a lecturer's lesson, carried inline by the link
    openLesson(
      own ? JSON.parse(wasm.lesson_from_text(own)).lesson : JSON.parse(wasm.lesson_json(state.lesson.name)),
      state.lesson.step,
      own,
    );
  } else if (state.compare) {
    writeForm(state.compare[0].config);
    compare.show(state.compare);
    runComparison(state.compare, false);
  } else if (!(state.preset && applyPreset(state.preset, state.seed))) {
    writeForm(state.config);
    becomeCustom(
      "Custom configuration (from the link)",
      "Every field comes from the page address. Pick a preset to return to a documented experiment.",
    );
    start({ config: state.config });
  }
  if (state.messages.length) showMessage(`Some link parameters were ignored:\n${state.messages.join("\n")}`);
  if (linkT !== null && linkT !== undefined) scrub.seekTo(linkT);
  // A figure under reduced motion is shown finished, drawn at once, rather than animated (or left empty).
  else if (urlView.figure && reducedMotion.matches) session.playBurst();
  else if (urlView.autoplay && !reducedMotion.matches) session.play();
  installApi();
  setupEmbed(
    window.rankflow,
    {
      config: () => read().config ?? session.what.config, // what the form shows (a preset's first run)
      setConfig: setConfigFromHost,
      setPreset: (name) => applyPreset(name),
    },
    urlView.origin ?? null,
  );
  wake();
}

function importConfig(text) {
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* the validators below say what is wrong */
  }
  if (parsed && typeof parsed === "object" && "runs" in parsed) {
    importExperiment(text, parsed);
    return;
  }
  if (parsed && typeof parsed === "object" && Array.isArray(parsed.steps)) {
    importLesson(text);
    return;
  }
  const msg = wasm.validate(text);
  if (msg) {
    showMessage(`Imported config rejected: ${msg}`, fieldOf(msg));
    return;
  }
  const config = JSON.parse(text);
  writeForm(config);
  becomeCustom(
    "Imported configuration",
    "Loaded from a config file; the CLI runs the same file with rankflow run --config.",
  );
  start({ config }, { play: session.status === "playing" });
}

/** An experiment file (a preset object with its runs and claim, as the export writes it): its runs side by side,
 * judged by its claim; the form shows its first run. */
function importExperiment(text, parsed, ask = null) {
  const msg = wasm.validate_experiment(text);
  if (msg) {
    showMessage(`Imported experiment rejected: ${msg}`);
    return;
  }
  const config = parsed.runs[0].config;
  writeForm(config);
  becomeCustom(
    parsed.title || "Imported experiment",
    `${parsed.runs.length} run${parsed.runs.length > 1 ? "s" : ""}${parsed.claim ? `, judged by the claim ${parsed.claim}` : ""}; the CLI runs the same file with rankflow run --experiment FILE --check.`,
  );
  start({ config, experiment: text, ask }, { play: session.status === "playing" });
}

/** A config from the host page (embed API `set`): validated, shown in the form, started paused; the error or null. */
function setConfigFromHost(config) {
  const json = JSON.stringify(config);
  const msg = wasm.validate(json);
  if (msg) return msg;
  writeForm(config);
  becomeCustom(
    "Custom configuration (set by the host page)",
    "The page embedding this lab chose these settings. Pick a preset to return to a documented experiment.",
  );
  view.charts.clear_ghost();
  syncGhost();
  start({ config });
  return null;
}

/** Opens `data` (the core's lesson JSON) at step `k` under the lesson bar; `source`: its text when not shipped. */
function openLesson(data, k, source = null) {
  leaveLesson();
  lesson = new LessonBar(data, k, { open: openLessonStep, release: () => session.release(), source });
  openLessonStep(lesson.step());
}

/** A lecturer's lesson file (file or paste): checked by the core (the first problem named), then opened. */
function importLesson(text) {
  let checked;
  try {
    checked = JSON.parse(wasm.lesson_from_text(text));
  } catch (e) {
    showMessage(`Imported lesson rejected: ${e.message}`);
    return;
  }
  openLesson(checked.lesson, 1, text);
  showMessage(
    checked.fits_link
      ? ""
      : "This lesson is too long to travel inside a link: it runs here, and Copy link shares only the current step's experiment.",
  );
}

/** Leaves the lesson (the reader picked a preset or edited a field): no bar, no lesson in the link. */
function leaveLesson() {
  lesson?.leave();
  lesson = null;
}

/** Runs a lesson's step: its preset (or its experiment), with the figure it points at in front. */
function openLessonStep(step) {
  // A step that asks a question holds its run at the question's moment (the simulation knows the lesson by name).
  const ask = step.predict ? { lesson: lesson.source ?? lesson.lesson.name, step: lesson.k } : null;
  if (step.preset) applyPreset(step.preset, null, ask);
  else importExperiment(JSON.stringify(step.experiment), step.experiment, ask);
  if (step.figure === "claim" || step.figure === "singular_values") showClaim(step.figure === "claim");
  sync();
}

/** `window.rankflow`: the page API for tests and embedding hosts (see README). */
function installApi() {
  window.rankflow = Object.freeze({
    play: () => session.play(),
    pause: () => session.pause(),
    reset: () => session.reset(),
    step: (n = 1) => session.step(n),
    /** Forwards: n more steps; backwards (a step the run has passed): the time cursor there. */
    seek: (step) => {
      const now = session.state?.step ?? 0;
      if (step > now) session.step(step - now);
      else scrub.at(step);
    },
    state: () => ({ ...session.snapshot(), lesson: lesson?.at() ?? null }),
    /** The lesson's next / previous step, or step `k` (from 1); false where there is none. */
    lessonNext: () => lesson?.next() ?? false,
    lessonPrev: () => lesson?.prev() ?? false,
    lessonGoto: (k) => lesson?.go(k) ?? false,
    /** The student's prediction for the question the run holds at: choice `i` (from 0); false when none waits. */
    lessonChoose: (i) => lesson?.choose(i) ?? false,
    /** The same JSON document as `rankflow run --out` for what runs now (a Promise of the text). */
    report: () => session.requestExport("json").then((m) => m.text),
    /** Bytes of wasm linear memory {page, simulation} and of it live on the heap {pageHeap, simulationHeap} (the
     * simulation's as of its last answer). */
    memory: () => ({
      page: wasm.wasm_memory_bytes(),
      simulation: session.memory?.bytes ?? null,
      pageHeap: wasm.page_heap_bytes(),
      simulationHeap: session.memory?.heap ?? null,
    }),
    /** Test hook: makes the simulation panic, as a bug would. */
    simulateFailure: () => session.fail(),
  });
}

main().catch((e) => {
  setStatus("");
  const where = globalThis.rankflowOffline ? "" : ", served over http(s) or opened as the single file rankflow.html";
  showMessage(`rankflow could not start: ${e.message}. It needs a browser with WebAssembly${where}.`);
});
