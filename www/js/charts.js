// The charts: the latest figures from the simulation (decoded into the core's Charts) drawn on their canvases,
// with captions, the claim's lines, the runs table and data tables refreshed at most once a second while playing.
import { $, fmt, showMessage, tableOf } from "./ui.js";

// The page's canvas for each figure id of the core's figure model.
export const CANVAS = {
  singular_values: "sv-chart",
  claim: "claim-chart",
  glrl_alpha: "alpha-chart",
  loss: "loss-chart",
  hessian: "hessian-chart",
  matrices: "matrix-chart",
};
const darkQuery = matchMedia("(prefers-color-scheme: dark)");
// After drawing one figure a frame, the drawing stays spread this long (ms): the answers that end a run at full
// speed (the last steps, then the final captions and claim lines) are not drawn all in one frame either.
const SPREAD_MS = 1000;

export class ChartView {
  constructor(wasm) {
    this.charts = new wasm.Charts();
    this.figures = []; // [{id, title, caption}]
    this.redraw = false; // redraw even without a new answer (resize, theme, ghost): `dirty`
    this.onDirty = null; // called when the view becomes dirty (the page's frame loop wakes)
    this.stale = new Set(); // figures not drawn since the last answer (drawn one a frame when sparing)
    this.fresh = false; // a new answer since the last draw: every figure is due
    this.spreading = false; // figures are being drawn one a frame (and the last answer of a run too)
    this.spreadUntil = 0; // until when (performance.now(), ms) drawing stays one a frame after it last was asked to
    this.slowFrame = false; // this frame's answer rewrote the page's text (no figure is drawn in it when spread)
    this.matricesWanted = false; // the matrix view is redrawn only when asked (it is the costliest figure)
    this.drawCost = 0;
    this.afterDraw = null; // called after each redraw (the hover tip reads the new values)
    this.lead = "singular_values"; // the figure shown first (and alone where only one fits)
    this.onLead = null; // called when that changes (a new experiment)
    this.buffers = new WeakMap(); // canvas → {ctx: its low-latency context, buffer: the canvas drawn off screen}
    darkQuery.addEventListener("change", () => {
      this.dirty = true;
    });
  }

  get dirty() {
    return this.redraw;
  }

  set dirty(on) {
    this.redraw = on;
    if (on) this.onDirty?.();
  }

  theme() {
    return pageTheme();
  }

  /** Takes a simulation answer: the figures (always) and, when it carries them, the slow parts. */
  take(answer) {
    this.charts.update(answer.figures, answer.data);
    const list = this.charts.list_json();
    if (list !== this.listJson) {
      this.listJson = list;
      this.figures = JSON.parse(list);
      this.showFigures();
    }
    this.readouts(JSON.parse(answer.readout));
    if (answer.claim) this.slow(answer);
    this.dirty = true;
    this.fresh = true;
    this.slowFrame = !!answer.claim;
  }

  /** Draws the visible figures (the matrix view only when `matrices`, now or since it was last drawn): all of them,
   * or with `one` only the next one due, those waiting longest first (at full speed, drawing one canvas a frame
   * keeps each frame's drawing and compositing short). Once spread, the drawing stays one a frame until every
   * figure shows the newest answer, and for SPREAD_MS after; none is drawn in a frame whose answer rewrote the
   * captions, claim lines and runs table (their layout is that frame's work). */
  draw(matrices, one = false) {
    if (!this.dirty) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const theme = this.theme();
    const ids = this.figures.map((f) => f.id);
    if (one) this.spreadUntil = t0 + SPREAD_MS;
    one ||= this.spreading || t0 < this.spreadUntil;
    this.matricesWanted ||= matrices;
    const slowFrame = this.slowFrame;
    this.slowFrame = false;
    if (one && slowFrame) return; // drawn one a frame: not in the frame that relays out the page's text
    // The figure list may have changed meanwhile; a new answer (or a redraw of everything) makes every figure due.
    const due = this.fresh || !one || this.stale.size === 0 ? ids : [];
    this.stale = new Set([...ids.filter((id) => this.stale.has(id)), ...due]);
    this.fresh = false;
    try {
      for (const id of [...this.stale]) {
        this.stale.delete(id);
        if (id === "matrices" && !(this.matricesWanted && $("matrix-view").open)) continue;
        if (id === "matrices") this.matricesWanted = false;
        const canvas = $(CANVAS[id]);
        if (!canvas || canvas.clientWidth === 0) continue;
        resizeCanvas(canvas, dpr);
        this.paint(id, canvas, dpr, theme);
        if (one) break;
      }
    } catch (e) {
      showMessage(`Drawing failed: ${e.message}`);
    }
    this.dirty = this.stale.size > 0;
    this.spreading = one && this.dirty;
    this.afterDraw?.();
    this.drawCost = 0.8 * this.drawCost + 0.2 * (performance.now() - t0);
    if (!performance.getEntriesByName("first-chart").length) performance.mark("first-chart");
  }

  /** Draws figure `id` off screen, then copies it onto `canvas` in one drawImage. The visible canvas is a
   * low-latency one (`desynchronized`): its updates skip the compositor's commit, which otherwise copies every
   * changed canvas each frame (measured: ~0.5 s of main-thread time in a 3 s run at full speed, and most of every
   * task over 50 ms); drawn off screen, it never shows a chart half drawn. */
  paint(id, canvas, dpr, theme) {
    if (!this.buffers.has(canvas)) {
      const ctx = canvas.getContext("2d", { alpha: false, desynchronized: true });
      const buffer = document.createElement("canvas");
      buffer.dataset.for = canvas.id; // the visible canvas it is drawn for (tests read text sizes by it)
      this.buffers.set(canvas, ctx && { ctx, buffer });
    }
    const b = this.buffers.get(canvas);
    if (!b) {
      this.charts.draw(id, canvas, dpr, theme);
      return;
    }
    const { ctx, buffer } = b;
    if (buffer.width !== canvas.width || buffer.height !== canvas.height) {
      buffer.width = canvas.width;
      buffer.height = canvas.height;
    }
    this.charts.draw(id, buffer, dpr, theme);
    ctx.drawImage(buffer, 0, 0);
  }

  /** Captions, the claim's lines, the runs table and open data tables. */
  slow(answer) {
    for (const f of this.figures) {
      const cap = $(`cap-${f.id}`);
      if (cap) cap.textContent = f.caption;
    }
    $("claim").replaceChildren(
      ...JSON.parse(answer.claim).map((line) => {
        const li = document.createElement("li");
        li.textContent = line; // text only, never HTML
        return li;
      }),
    );
    this.runs(JSON.parse(answer.runs));
    for (const d of document.querySelectorAll("details.data-table[open]")) this.table(d);
  }

  readouts(r) {
    $("r-step").textContent = r.step.toLocaleString();
    $("r-loss").textContent = fmt(r.loss);
    $("r-test").textContent = fmt(r.test_error);
    $("r-erank").textContent = fmt(r.effective_rank, 3);
    $("r-nuclear").textContent = fmt(r.nuclear_norm);
    $("r-baseline").textContent = r.baseline_nuclear_norm == null ? "–" : fmt(r.baseline_nuclear_norm);
  }

  /** Shows the cards (and export entries) of the figures the core has for this experiment, the one that states
   * the claim first (the core's order: the claim's figure or the σ chart), the time slider under it. */
  showFigures() {
    const ids = new Set(this.figures.map((f) => f.id));
    for (const card of document.querySelectorAll("figure.card")) card.hidden = !ids.has(card.dataset.figure);
    $("hessian-section").hidden = !ids.has("hessian");
    $("fig-tabs").hidden = !ids.has("claim");
    for (const b of document.querySelectorAll("[data-needs]")) b.hidden = !ids.has(b.dataset.needs);
    // (A figure embed shows the σ chart alone, whatever the preset.)
    const lead =
      this.figures[0]?.id === "claim" && !document.body.classList.contains("figure") ? "claim" : "singular_values";
    if (lead === this.lead) return;
    this.lead = lead;
    const card = (id) => document.querySelector(`figure.card[data-figure=${id}]`);
    const [first, second] = lead === "claim" ? ["claim", "singular_values"] : ["singular_values", "claim"];
    $("fig-tabs").after(card(first), $("scrub-bar"), card(second));
    card(first).querySelector(".chart").append($("play-overlay"));
    document.body.classList.toggle("claim-leads", lead === "claim");
    $("fig-tabs").append(...(lead === "claim" ? [$("tab-claim"), $("tab-sv")] : [$("tab-sv"), $("tab-claim")]));
    this.onLead?.(lead);
  }

  /** The data table of a figure, from the core (at most 200 rows, evenly thinned). */
  table(details) {
    const t = JSON.parse(this.charts.table_json(details.dataset.figure, 200));
    const wrap = details.querySelector(".table-wrap");
    if (!t) {
      wrap.textContent = "No table for this figure.";
      return;
    }
    wrap.replaceChildren(tableOf(t, (v, i) => (v === null ? "" : i === 0 ? String(v) : fmt(v))));
  }

  /** One row per run (multi-run experiments only). */
  runs(t) {
    const box = $("runs");
    box.hidden = t.rows.length < 2;
    document.querySelector(".readouts").classList.toggle("multi", !box.hidden);
    if (box.hidden) return;
    const table = tableOf(t, (v) => v);
    table.createCaption().textContent = "The runs side by side, now";
    box.replaceChildren(table);
  }

  svg(id, canvasId) {
    const c = $(canvasId);
    return this.charts.svg(id, Math.max(300, c.clientWidth), Math.max(200, c.clientHeight));
  }
}

export function resizeCanvas(canvas, dpr) {
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
}

export { darkQuery };

/** The charts' theme: "light" | "dark" | "projector" — `theme=` from the link (on <html data-theme>), else the
 * system's light or dark. */
export function pageTheme() {
  return document.documentElement.dataset.theme || (darkQuery.matches ? "dark" : "light");
}
