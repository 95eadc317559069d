// The poster: the finished σ chart of what the link runs (a preset, or a shipped lesson's step), drawn by the core
// natively (`rankflow posters`, written to posters/ by `cargo xtask build`), shown over the chart at once while the
// wasm loads; the live chart takes its place at its first frame. A custom run, or the single file, has none.
const img = () => document.getElementById("poster");

/** Starts loading the poster for this page's link (evaluated first of all modules, before the wasm is fetched). */
async function show() {
  if (globalThis.rankflowOffline || !img()) return;
  const q = new URLSearchParams(location.search.length > 1 ? location.search : location.hash.replace(/^#/, ""));
  const fields = [...q.keys()].some((k) => k.includes(".") || ["seed", "steps", "compare"].includes(k));
  if (fields && !q.has("preset") && !q.has("lesson")) return; // a custom run: no poster shows it
  const index = await fetch("posters/index.json").then((r) => (r.ok ? r.json() : null));
  if (!index) return;
  let name = q.get("preset") ?? index.presets[0]?.name;
  const lesson = index.lessons?.[q.get("lesson")];
  if (lesson) name = lesson[Math.max(0, Math.min(lesson.length - 1, Number(q.get("step") ?? 1) - 1))] ?? null;
  const entry = index.presets.find((p) => p.name === name);
  const figure = entry?.figures?.singular_values;
  if (!figure || img().dataset.done) return;
  img().alt = `${figure.title}, the finished run (a picture, until the live chart is ready)`;
  img().src = `posters/${figure.base}.png`;
  img().hidden = false;
}

/** The live chart has drawn: the poster goes. */
export function hidePoster() {
  const el = img();
  if (!el || el.dataset.done) return;
  el.dataset.done = "1";
  el.hidden = true;
  el.removeAttribute("src");
}

show().catch(() => {
  /* no poster: the chart appears when the wasm is ready */
});
