// The phase-diagram panel: a grid of runs from the current settings, computed by the helper worker; the page
// only draws the heatmap.
import { $, showMessage } from "./ui.js";
import { helper, onHelper } from "./helper.js";
import { resizeCanvas, pageTheme } from "./charts.js";

const SWEEP_AXES = {
  alpha: () => ({ field: "model.init_scale", values: [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6], desc: "α (init scale)" }),
  lr: (c) => ({
    field: "optimizer.lr",
    values: [0.25, 0.5, 1, 2].map((f) => +(f * (c.optimizer?.lr ?? 0.05)).toPrecision(3)),
    desc: "η",
  }),
  depth: () => ({ field: "model.depth", values: [2, 3, 4], desc: "depth L" }),
  observed: () => ({
    field: "problem.observed_fraction",
    values: [0.1, 0.2, 0.3, 0.4, 0.5],
    desc: "observed fraction",
  }),
  seed: () => ({ field: "seed", values: [1, 2, 3, 4], desc: "seed" }),
  // Rows m of the target against a fixed n (noisy GD's law: ‖W_L‖/‖W₁‖ ∝ √(m/n)).
  rows: (c) => {
    const n = c.problem?.n ?? 10;
    return { field: "problem.m", values: [0.5, 1, 2, 4].map((f) => Math.max(1, Math.round(f * n))), desc: "rows m" };
  },
  // The noise on the last factor, relative to the first factor's (noisy GD; the law's x axis).
  noise: (c) => {
    const n = c.optimizer?.noise ?? [0.05];
    const base = n[0] ?? 0.05;
    return {
      field: `optimizer.noise[${Math.max(n.length - 1, 0)}]`,
      values: [0.5, 1, 2, 4].map((f) => +(f * base).toPrecision(3)),
      desc: "noise on W_L",
    };
  },
};
const axisLabel = (v) => (Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(0) : String(v));

export function setupSweep(wasm, module, readConfig) {
  let data = null;
  let figure = "";
  let axes = null;
  const draw = () => {
    if (!(data || figure) || !$("phase-view").open) return;
    const c = $("sweep-chart");
    const dpr = window.devicePixelRatio || 1;
    resizeCanvas(c, dpr);
    try {
      if (figure) wasm.draw_figure_json(c, figure, dpr, pageTheme());
      else wasm.draw_heatmap(c, JSON.stringify(data), dpr, pageTheme());
    } catch (e) {
      showMessage(`Drawing failed: ${e.message}`);
    }
  };
  const syncShape = () => {
    const lines = $("sweep-shape").value === "lines";
    $("sweep-seeds").disabled = !lines;
    $("sweep-y-label").textContent = lines ? "one line per" : "down";
  };
  $("sweep-shape").addEventListener("change", syncShape);
  syncShape();
  const end = (text) => {
    $("sweep-run").disabled = false;
    $("sweep-cancel").disabled = true;
    $("sweep-status").textContent = text;
  };
  onHelper((m) => {
    if (!axes || !$("sweep-run").disabled) return; // no sweep is running
    if (m.type === "helper-failed") {
      showMessage("The phase diagram needs a background worker, which could not start here.");
      end("failed");
      return;
    }
    if (!["error", "cancelled", "progress", "done"].includes(m.type)) return;
    if (m.type === "error") {
      showMessage(`Sweep: ${m.message}`);
      end("failed");
      return;
    }
    if (m.type === "cancelled") {
      end("cancelled");
      return;
    }
    $("sweep-progress").value = m.done / m.total;
    $("sweep-status").textContent = `${m.done} / ${m.total} runs`;
    if (m.figure) {
      figure = m.figure;
      data = null;
    } else {
      const values = Array(m.total).fill(null);
      m.cells.forEach((cell, k) => {
        values[k] = cell.value;
      });
      figure = "";
      data = {
        title: `${$("sweep-outcome").selectedOptions[0].textContent}`,
        x_desc: axes.x.desc,
        y_desc: axes.y.desc,
        x_labels: axes.x.values.map(axisLabel),
        y_labels: axes.y.values.map(axisLabel),
        values,
      };
    }
    draw();
    if (m.type === "done") {
      const notes = m.cells.filter((c) => c.note).length;
      end(`done: ${m.total} runs${notes ? `, ${notes} without a value (grey)` : ""}`);
    }
  });
  $("sweep-run").addEventListener("click", () => {
    const read = readConfig();
    if (read.error) {
      showMessage(read.error, read.field);
      return;
    }
    const lines = $("sweep-shape").value === "lines";
    const yKey = $("sweep-y").value;
    if (yKey === "none" && !lines) {
      showMessage("sweep: a phase diagram needs a second field (down); choose one, or draw lines", "sweep-y");
      return;
    }
    const seeds = Number($("sweep-seeds").value);
    if (lines && !(Number.isInteger(seeds) && seeds >= 1 && seeds <= 20)) {
      showMessage("sweep.seeds: must be a whole number from 1 to 20", "sweep-seeds");
      return;
    }
    const x = SWEEP_AXES[$("sweep-x").value](read.config);
    const y = yKey === "none" ? null : SWEEP_AXES[yKey](read.config);
    axes = { x, y };
    const spec = { base: read.config, x: { field: x.field, values: x.values }, outcome: $("sweep-outcome").value };
    if (y) spec[lines ? "series" : "y"] = { field: y.field, values: y.values };
    if (lines) spec.seeds = seeds;
    const w = helper(module);
    if (!w) {
      showMessage("The phase diagram needs a background worker, which could not start here.");
      return;
    }
    $("sweep-run").disabled = true;
    $("sweep-cancel").disabled = false;
    $("sweep-progress").value = 0;
    $("sweep-status").textContent = "starting…";
    w.postMessage({ type: "start", spec: JSON.stringify(spec) });
  });
  $("sweep-cancel").addEventListener("click", () => helper(module)?.postMessage({ type: "cancel" }));
  $("phase-view").addEventListener("toggle", draw);
  return { draw };
}
