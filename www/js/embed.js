// The embed API: a host page (lecture notes, slides) drives the lab with postMessage and hears its events.
// Commands {type: "rankflow", command: "play"|"pause"|"reset"|"step"|"seek"|"set"|"get-state"|"lesson-next"|
// "lesson-prev"|"lesson-goto" (step: K)|"lesson-choose" (choice: I, from 0), …}; events {type: "rankflow", event:
// "ready"|"statechange"|"milestone"|"finished"|"resize"|"state"|"lesson-step"|"lesson-question"|"lesson-answer"|
// "link" (url: the clipboard was refused)|"focus-released" (Esc: keys go back to the host)|"error", …}; and the
// resize protocols of H5P and Canvas LMS (below).
// reveal.js's "slide:start" / "slide:stop" play and pause. Anything else is ignored without error; with
// `origin=` in the page's link only that origin is heard and answered.

const MAX_MESSAGE = 100_000; // characters of a command, serialised
const UNSAFE = new Set(["__proto__", "prototype", "constructor"]);

/** A copy of plain JSON data without prototype-polluting keys; null for anything else or too deep. */
function clean(v, depth = 0) {
  if (depth > 8) return null;
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.slice(0, 1000).map((x) => clean(x, depth + 1));
  if (typeof v !== "object") return null;
  const out = {};
  for (const k of Object.keys(v)) if (!UNSAFE.has(k)) out[k] = clean(v[k], depth + 1);
  return out;
}

/** `patch` merged into a copy of `base` (objects key by key, anything else replaces). */
function merge(base, patch) {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = base && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out;
}

/**
 * `api`: window.rankflow; `lab`: {config(), setConfig(config) → error|null, setPreset(name) → bool, step()};
 * `origin`: the only origin heard and answered (null: any, answered with "*").
 */
export function setupEmbed(api, lab, origin) {
  // With origin=, a page framed by anyone else neither hears nor tells (and posts nothing the browser would refuse).
  const parentOrigin = window.location.ancestorOrigins?.[0] ?? null;
  const trusted = !origin || !parentOrigin || parentOrigin === origin;
  const host = window.parent !== window && trusted ? window.parent : null;
  const tell = (msg) => {
    if (!host) return;
    try {
      host.postMessage(msg, origin ?? "*");
    } catch {
      /* a closed host */
    }
  };
  const send = (event, detail = {}) => tell({ type: "rankflow", event, ...detail });
  const announced = new Set();
  /** Announces each value learned since the last call (per run), once; a new run starts afresh. */
  const milestones = (state) => {
    if (state.status === "ready" || state.status === "loading") {
      announced.clear();
      return;
    }
    state.runs.forEach((r, run) =>
      (r.learned ?? []).forEach((step, i) => {
        const key = `${run}:${i}`;
        if (step !== null && step !== undefined && !announced.has(key)) {
          announced.add(key);
          send("milestone", { run, label: r.label, k: i + 1, step });
        }
      }),
    );
  };
  const statechange = (ev) => {
    const state = ev.detail;
    send("statechange", { state });
    milestones(state);
    if (state.status === "finished") send("finished", { state });
  };
  document.addEventListener("rankflow:statechange", statechange);
  document.addEventListener("rankflow:lesson", (ev) => send("lesson-step", { lesson: ev.detail }));
  document.addEventListener("rankflow:link", (ev) => send("link", { url: ev.detail }));
  document.addEventListener("rankflow:focus-released", () => send("focus-released"));
  document.addEventListener("rankflow:lesson-question", (ev) => send("lesson-question", { lesson: ev.detail }));
  document.addEventListener("rankflow:lesson-answer", (ev) => send("lesson-answer", { lesson: ev.detail }));
  // Values are learned between status changes (the last ones arrive with the final refresh, once a second at most
  // while playing): look for new ones twice a second.
  if (window.parent !== window) setInterval(() => milestones(api.state()), 500);

  const handle = (data) => {
    if (data === "slide:start") {
      api.play();
      return;
    }
    if (data === "slide:stop") {
      api.pause();
      return;
    }
    if (data === null || typeof data !== "object" || data.type !== "rankflow" || typeof data.command !== "string")
      return;
    let size = 0;
    try {
      size = JSON.stringify(data).length;
    } catch {
      return;
    }
    if (size > MAX_MESSAGE) {
      send("error", {
        command: data.command,
        message: `message too large (${size} characters; at most ${MAX_MESSAGE})`,
      });
      return;
    }
    const msg = clean(data);
    switch (msg.command) {
      case "play":
        api.play();
        break;
      case "pause":
        api.pause();
        break;
      case "reset":
        api.reset();
        break;
      case "step": {
        const n = Number(msg.n ?? 1);
        if (Number.isInteger(n) && n >= 1 && n <= 1e9) api.step(n);
        else send("error", { command: "step", message: "n: expected a whole number from 1 to 1e9" });
        break;
      }
      case "seek": {
        const target = Number(msg.step);
        if (!(Number.isInteger(target) && target >= 0))
          send("error", { command: "seek", message: "step: expected a whole number ≥ 0" });
        else api.seek(target);
        break;
      }
      case "set": {
        if (typeof msg.preset === "string") {
          if (!lab.setPreset(msg.preset))
            send("error", {
              command: "set",
              message: `preset: unknown name ${JSON.stringify(msg.preset.slice(0, 60))}`,
            });
        } else if (msg.config && typeof msg.config === "object" && !Array.isArray(msg.config)) {
          const error = lab.setConfig(merge(lab.config(), msg.config));
          if (error) send("error", { command: "set", message: error });
        } else send("error", { command: "set", message: "expected {preset: NAME} or {config: {…partial config…}}" });
        break;
      }
      case "get-state":
        send("state", { state: api.state() });
        break;
      case "lesson-next":
      case "lesson-prev":
      case "lesson-goto": {
        const moved =
          msg.command === "lesson-next"
            ? api.lessonNext()
            : msg.command === "lesson-prev"
              ? api.lessonPrev()
              : api.lessonGoto(msg.step);
        const lesson = api.state().lesson;
        if (!moved)
          send("error", {
            command: msg.command,
            message: lesson
              ? `step: expected a step from 1 to ${lesson.steps} other than the current ${lesson.step}`
              : "no lesson: open the lab with lesson=NAME",
          });
        break;
      }
      case "lesson-choose": {
        const q = api.state().lesson?.question;
        if (!api.lessonChoose(msg.choice))
          send("error", {
            command: "lesson-choose",
            message: !q
              ? "no question: this lesson step asks none"
              : !q.asking
                ? "no question waits: the run has not reached it, or it is answered"
                : `choice: expected a whole number from 0 to ${q.choices.length - 1}`,
          });
        break;
      }
      default:
        send("error", { command: String(msg.command).slice(0, 40), message: "unknown command" });
    }
  };
  window.addEventListener("message", (ev) => {
    if ((origin && ev.origin !== origin) || (!host && window.parent !== window)) return;
    try {
      handle(ev.data);
    } catch (e) {
      send("error", { message: String(e?.message ?? e).slice(0, 200) });
    }
  });
  // The lab's height, told three ways from one ResizeObserver: our `resize` event, Canvas LMS's lti.frameResize and
  // H5P's resizer (Moodle, WordPress, sphinx-iframes), whose host answers our hello and then sizes the frame in two
  // moves (prepareResize → resizePrepared → resize).
  let h5p = false;
  let asked = { height: 0, from: 0 }; // the height last told, and the frame's height then
  const body = () => ({ scrollHeight: document.body.scrollHeight, clientHeight: document.body.clientHeight });
  const hostSized = () => {
    // A host sizes the frame by its content: the charts take their height from their width, not from the frame
    // (charts sized by the frame would grow with every height granted, without end).
    document.body.classList.add("host-sized");
  };
  const report = () => {
    const height = document.documentElement.scrollHeight;
    // The frame has become exactly as tall as last asked: a host sizes it by content.
    if (asked.height && window.innerHeight !== asked.from && window.innerHeight === asked.height) hostSized();
    if (height === asked.height) return;
    asked = { height, from: window.innerHeight };
    send("resize", { height });
    tell({ subject: "lti.frameResize", height });
    if (h5p) tell({ context: "h5p", action: "prepareResize", ...body() });
  };
  const h5pMessage = (action) => {
    if (action === "ready") tell({ context: "h5p", action: "hello" });
    else if (action === "hello") {
      h5p = true;
      hostSized();
      requestAnimationFrame(() => tell({ context: "h5p", action: "prepareResize", ...body() }));
    } else if (action === "resizePrepared")
      tell({ context: "h5p", action: "resize", scrollHeight: body().scrollHeight });
    else if (action === "resize" && h5p) tell({ context: "h5p", action: "prepareResize", ...body() });
  };
  window.addEventListener("message", (ev) => {
    if (!host || ev.source !== host || (origin && ev.origin !== origin)) return;
    if (ev.data?.context === "h5p" && typeof ev.data.action === "string") h5pMessage(ev.data.action);
  });
  new ResizeObserver(report).observe(document.body);
  addEventListener("resize", report);
  tell({ context: "h5p", action: "hello" });
  send("ready", { state: api.state() });
}
