// The phase-diagram panel: a grid of runs from the current settings, computed by the helper worker; the page
// only draws the heatmap.
import { $, showMessage } from "./ui.js";
import { helper, onHelper } from "./helper.js";
import { resizeCanvas, pageTheme } from "./charts.js";

const axisLabel = (v) => (Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(0) : String(v));

/** `menu`: the core's axes ({name, label, across}), outcomes ({name, label}) and max_seeds. */
export function setupSweep(wasm, module, readConfig, menu) {
  for (const a of menu.axes) $(a.across ? "sweep-x" : "sweep-y").add(new Option(a.label, a.name));
  $("sweep-y").add(new Option("none (lines only)", "none"));
  for (const o of menu.outcomes) $("sweep-outcome").add(new Option(o.label, o.name));
  $("sweep-seeds").min = "1";
  $("sweep-seeds").max = String(menu.max_seeds);
  const axis = (name, config) => {
    const t = wasm.sweep_axis(name, JSON.stringify(config));
    return t ? JSON.parse(t) : null;
  };
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
    if (lines && !(Number.isInteger(seeds) && seeds >= 1 && seeds <= menu.max_seeds)) {
      showMessage(`sweep.seeds: must be a whole number from 1 to ${menu.max_seeds}`, "sweep-seeds");
      return;
    }
    const x = axis($("sweep-x").value, read.config);
    const y = yKey === "none" ? null : axis(yKey, read.config);
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
