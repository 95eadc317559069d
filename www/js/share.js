// Sharing: the page's URL (written back on every change, so a copied link restores the exact run), copy link,
// exports (PNG from the canvas, SVG from the figure model, CSV/JSON/config from the simulation) and import.
import { $, showMessage, setStatus, download } from "./ui.js";
import { CANVAS } from "./charts.js";

/** Writes the URL for `current` ({lesson} | {preset, seed} | {config} | {compare}) and the view options (the core writes
 * the query, as it reads it). */
export function syncUrl(wasm, current, view) {
  const state = {
    lesson: current.lesson
      ? { name: current.lesson.name, step: current.lesson.step, source: current.lesson.source ?? null }
      : null,
    preset: current.preset ?? null,
    seed: current.seed ?? null,
    config: current.config ?? null,
    compare: current.compare ?? null,
    view: { ...view, log_steps: $("log-steps").checked, speed: Number($("speed").value) },
  };
  const { query, full } = JSON.parse(wasm.page_query(JSON.stringify(state)));
  try {
    history.replaceState(null, "", `${location.pathname}?${query}`);
  } catch {
    /* some file:// pages */
  }
  $("open-full").href = `${location.pathname}?${full}`;
}

/** Hides what `hide=` names (the core checked the names): page controls (marked data-control) and config fields
 * (their form rows). */
export function hideControls(names) {
  for (const name of names) {
    const el =
      document.querySelector(`[data-control="${CSS.escape(name)}"]`) ??
      document.querySelector(`[data-field="${CSS.escape(name)}"]`)?.closest("label");
    if (el) el.classList.add("hidden-by-link");
  }
}

export async function copyLink() {
  try {
    // (Asked first where the browser can say: a refused write logs a permissions-policy error in the console.)
    const policy = document.permissionsPolicy ?? document.featurePolicy;
    if (!navigator.clipboard || policy?.allowsFeature?.("clipboard-write") === false) throw new Error("no clipboard");
    await navigator.clipboard.writeText(location.href);
    setStatus("Link copied: it restores this exact run.");
  } catch {
    // No clipboard here (a frame whose host did not allow clipboard-write): a selected field to copy from by hand,
    // and the link told to the host (embed event `link`).
    document.dispatchEvent(new CustomEvent("rankflow:link", { detail: location.href }));
    const field = $("link-field");
    field.value = location.href;
    $("link-box").hidden = false;
    field.focus();
    field.select();
    setStatus("Copy the selected link below (Ctrl/⌘+C).");
  }
}

/** Exports `what` ("png:CANVAS", "svg:FIGURE", "csv", "json", "config"); text exports come from the simulation. */
export function exportAs(what, { base, view, session, drawMatrices }) {
  const [kind, arg] = what.split(":");
  try {
    if (kind === "png") {
      if (arg === "matrix-chart" && !$("matrix-view").open) {
        $("matrix-view").open = true;
        drawMatrices();
      }
      $(arg).toBlob((b) => b && download(`${base}-${arg.replace("-chart", "")}.png`, b), "image/png");
    } else if (kind === "svg") {
      const svg = view.svg(arg, CANVAS[arg] ?? "sv-chart");
      download(`${base}-${arg}.svg`, new Blob([svg], { type: "image/svg+xml" }));
    } else {
      session.requestExport(kind).then(
        (m) => saveExport(m, base),
        (e) => showMessage(`Export failed: ${e.message}`),
      );
    }
  } catch (e) {
    showMessage(`Export failed: ${e.message}`);
  }
  $("export-menu").open = false;
}

/** Saves a text export answered by the simulation. */
export function saveExport(m, base) {
  if (m.what === "csv") download(`${base}-trajectories.csv`, new Blob([m.text], { type: "text/csv" }));
  else if (m.what === "json") download(`${base}-trajectories.json`, new Blob([m.text], { type: "application/json" }));
  else if (m.what === "experiment")
    download(`${base}-experiment.json`, new Blob([m.text + "\n"], { type: "application/json" }));
  else
    download(
      `${base}-config.json`,
      new Blob([JSON.stringify(JSON.parse(m.text), null, 2) + "\n"], { type: "application/json" }),
    );
}
