// Scrub: a time slider (and ←/→, Home/End) over the recorded history, during and after a run. The simulation
// snaps the cursor to a recorded sample of the first run; every step chart then draws a cursor line, the
// read-outs show that sample and the matrix view shows W at the nearest kept snapshot. The right end (End)
// follows the run again. `t=STEP` in the link plays the run at full speed and puts the cursor on STEP once the
// run has passed it.
import { $ } from "./ui.js";

const END = 1000; // slider positions; END = the latest step (no cursor)

export function setupScrub(session, { onChange }) {
  const slider = $("scrub");
  const out = $("scrub-value");
  let pendingT = null; // a t= step not yet reached by the run
  let last = 0; // the latest step (the slider's right end)
  let shown = null; // the cursor last reported to onChange
  let labelled; // the cursor the label shows (the label is rewritten only when it changes)

  const stepOf = (p) => {
    if (last <= 0) return 0;
    const log = session.pace.log;
    return Math.round(log ? 10 ** ((p / END) * Math.log10(Math.max(1, last))) : (p / END) * last);
  };
  const positionOf = (step) => {
    if (last <= 1) return 0;
    const log = session.pace.log;
    return Math.round(log ? (Math.log10(Math.max(1, step)) / Math.log10(last)) * END : (step / last) * END);
  };

  function label(cursor) {
    if (cursor === labelled) return;
    labelled = cursor;
    const text = cursor == null ? "latest" : `step ${cursor.toLocaleString()}`;
    out.textContent = text;
    slider.setAttribute("aria-valuetext", cursor == null ? "latest step (following the run)" : text);
    $("scrub-live").hidden = cursor == null;
    document.querySelector(".readouts").classList.toggle("at-cursor", cursor != null);
  }

  function set(p) {
    const pos = Math.max(0, Math.min(END, Math.round(p)));
    slider.value = String(pos);
    const step = pos >= END ? null : stepOf(pos);
    session.setCursor(step);
    label(step);
  }

  slider.addEventListener("input", () => set(Number(slider.value)));
  $("scrub-live").addEventListener("click", () => set(END));

  return {
    /** Called with each new simulation state: keeps the slider where the cursor is as the run grows. */
    update(state) {
      if (!state) return;
      last = state.step;
      if (pendingT !== null && (state.step >= pendingT || state.status !== "running")) {
        const t = pendingT;
        pendingT = null;
        session.setCursor(t);
      }
      // A question's hold puts the cursor on its moment: for the reader that is the run's latest step (not a t= link).
      const cursor = state.held != null ? null : (state.cursor ?? null);
      // The link keeps the step the simulation snapped the cursor to (a recorded sample).
      if (cursor !== shown && pendingT === null) {
        shown = cursor;
        onChange?.(cursor);
      }
      if (cursor !== null && document.activeElement !== slider)
        slider.value = String(Math.min(END - 1, positionOf(cursor)));
      if (cursor === null && pendingT === null && document.activeElement !== slider) slider.value = String(END);
      label(cursor);
    },
    /** A key: ←/→ move the cursor by a hundredth of the slider (Shift: a tenth), Home/End to the ends. */
    key(ev) {
      const p = Number(slider.value);
      const d = ev.shiftKey ? 100 : 10;
      if (ev.key === "ArrowLeft") set((p >= END ? END : p) - d);
      else if (ev.key === "ArrowRight") set(p + d >= END ? END : p + d);
      else if (ev.key === "Home") set(0);
      else if (ev.key === "End") set(END);
      else return false;
      return true;
    },
    /** `t=STEP`: play at full speed; the cursor goes to STEP once the run has passed it. */
    seekTo(t) {
      pendingT = t;
      session.playBurst();
    },
    /** The cursor at recorded step `step` (the nearest sample). */
    at(step) {
      session.setCursor(step);
    },
    /** A new run: back to the latest step. */
    clear() {
      pendingT = null;
      shown = null;
      slider.value = String(END);
      label(null);
    },
  };
}
