// Sharing: the page's URL (written back on every change, so a copied link restores the exact run), copy link,
// exports (PNG from the canvas, SVG from the figure model, CSV/JSON/config from the simulation) and import.
import { $, showMessage, setStatus, download } from "./ui.js";
import { CANVAS } from "./charts.js";

/** Writes the URL for `current` ({preset} | {config} | {compare}) and the view options. */
export function syncUrl(wasm, current, view, limits) {
  const params = [];
  if (current.preset) params.push(`preset=${encodeURIComponent(current.preset)}`);
  if (current.compare) params.push(`compare=${encodeURIComponent(JSON.stringify(current.compare))}`);
  else if (current.preset && current.seed !== null && current.seed !== undefined) params.push(`seed=${current.seed}`);
  else if (current.config) {
    const q = wasm.config_query(JSON.stringify(current.config));
    if (q) params.push(q);
  }
  if (view.embed) params.push("embed=1");
  if (view.embed && !view.controls) params.push("controls=0");
  if (view.autoplay) params.push("autoplay=1");
  if (view.figure) params.push("figure=1");
  if (view.origin) params.push(`origin=${encodeURIComponent(view.origin)}`);
  if (view.hide?.length) params.push(`hide=${view.hide.map(encodeURIComponent).join(",")}`);
  if (view.present) params.push("present=1");
  if (view.theme) params.push(`theme=${view.theme}`);
  if (view.t !== null && view.t !== undefined) params.push(`t=${view.t}`);
  if (!$("log-steps").checked) params.push("log=0");
  const speed = Number($("speed").value);
  if (speed !== limits.speed_default) params.push(`speed=${speed === limits.speed_max ? "max" : speed}`);
  try {
    history.replaceState(null, "", `${location.pathname}?${params.join("&")}`);
  } catch {
    /* some file:// pages */
  }
  const full = params.filter((p) => !/^(embed|controls|autoplay|figure|origin|hide|present)=/.test(p));
  $("open-full").href = `${location.pathname}?${full.join("&")}`;
}

/** Hides what `hide=` names: page controls (the core's list) and config fields (their form rows). */
export function hideControls(names) {
  const byName = {
    preset: () => $("preset").closest("label"),
    play: () => $("play"),
    step: () => $("step"),
    reset: () => $("reset"),
    speed: () => $("speed").closest("label"),
    log: () => $("log-steps").closest("label"),
    "copy-link": () => $("copy-link"),
    export: () => $("export-menu"),
    help: () => $("help-button"),
    compare: () => $("compare-panel"),
    import: () => $("import-file").closest("fieldset"),
    sweep: () => $("phase-view"),
    scrub: () => $("scrub-bar"),
    present: () => $("present"),
  };
  for (const name of names) {
    const el = byName[name]?.() ?? document.querySelector(`[data-field="${CSS.escape(name)}"]`)?.closest("label");
    if (el) el.classList.add("hidden-by-link");
  }
}

export async function copyLink() {
  try {
    if (!navigator.clipboard || window.top !== window) throw new Error("no clipboard here");
    await navigator.clipboard.writeText(location.href);
    setStatus("Link copied: it restores this exact run.");
  } catch {
    // No clipboard here (an iframe without the permission): a selected field to copy from by hand.
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
