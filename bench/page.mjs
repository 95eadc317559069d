// The page at the machine's speed, per preset, side by side in one run: the live page from Play to "finished"
// at speed=max (window.rankflow), the same wasm stepping the preset's runs flat out with nothing drawn, and the native CLI's whole process (`rankflow run --preset P
// --no-baseline`); while the page plays, main-thread long tasks (> 50 ms) and gaps between frames; then an
// α drag on `incremental`. usage: node bench/page.mjs SERVED_URL NATIVE_CLI [REPS] [PRESET…]   (one JSON line per
// figure; named presets only, when given)
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { alphaDrag, openPage, play } from "./drive.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [url, cli, repsArg, ...named] = process.argv.slice(2);
const REPS = Number(repsArg ?? 3);
const require = createRequire(join(here, "..", "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const presets = named.length
  ? named
  : JSON.parse(execFileSync(cli, ["presets", "--json"]).toString()).map((p) => p.name);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const quantile = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))];
};

const open = (query) => openPage(browser, url, query);

/** Seconds the loaded wasm build needs to step `name`'s runs to their end, nothing drawn (on the page's thread);
 * the second of two runs, so that both builds are timed with their code optimised (the engine tiers a module's
 * code up once for all its instances: after a played page it is hot, on a fresh page it is not). */
const flat = (page, name) =>
  page.evaluate(async (name) => {
    const m = await import("./pkg/rankflow.js");
    let s = 0;
    for (let k = 0; k < 2; k++) {
      const lab = m.Lab.from_preset(name);
      const t0 = performance.now();
      while (lab.advance(100000) > 0);
      s = (performance.now() - t0) / 1000;
      lab.free();
    }
    return s;
  }, name);

// A reader's pause between the page being ready and pressing Play (the simulation warms its code up meanwhile).
const PAUSE_MS = 1000;
const rows = Object.fromEntries(
  presets.map((p) => [p, { page: [], at_once: [], flat: [], native: [], long: [], long_at_once: [], gaps: [] }]),
);
for (let rep = 0; rep < REPS; rep++) {
  for (const name of presets) {
    const r = rows[name];
    const t0 = performance.now();
    execFileSync(cli, ["run", "--preset", name, "--no-baseline"], { stdio: "ignore" });
    r.native.push((performance.now() - t0) / 1000);
    // Play pressed the moment the page is ready (code still cold), then, on a fresh page, after a reader's pause.
    const first = await open(`?preset=${name}&speed=max`);
    const atOnce = await play(first.page);
    r.at_once.push(atOnce.seconds);
    r.long_at_once.push(...atOnce.long);
    await first.context.close();
    const { page, context } = await open(`?preset=${name}&speed=max`);
    await page.waitForTimeout(PAUSE_MS);
    const live = await play(page);
    r.page.push(live.seconds);
    r.long.push(...live.long);
    r.gaps.push(...live.gaps);
    r.flat.push(await flat(page, name));
    await context.close();
    process.stderr.write(
      `bench page: ${name} rep ${rep + 1}: page ${live.seconds.toFixed(2)} s (at once ${r.at_once.at(-1).toFixed(2)} s), flat ${r.flat.at(-1).toFixed(2)} s, native ${r.native.at(-1).toFixed(2)} s\n`,
    );
  }
}
for (const name of presets) {
  const r = rows[name];
  console.log(
    JSON.stringify({
      engine: "preset",
      preset: name,
      page_s: median(r.page),
      page_at_once_s: median(r.at_once),
      flat_s: median(r.flat),
      native_s: median(r.native),
      long_tasks: r.long.length,
      longest_task_ms: r.long.length ? Math.max(...r.long) : 0,
      long_tasks_at_once: r.long_at_once.length,
      longest_task_at_once_ms: r.long_at_once.length ? Math.max(...r.long_at_once) : 0,
      frames: r.gaps.length,
      gap_p95_ms: quantile(r.gaps, 0.95),
      gap_median_ms: quantile(r.gaps, 0.5),
      reps: REPS,
    }),
  );
}

// α drag on `incremental` with the real mouse: from release to the released value's run drawn to its end.
const drags = [];
for (let rep = 0; rep < REPS; rep++) {
  const { page, context } = await open("?preset=incremental");
  drags.push(await alphaDrag(page));
  await context.close();
}
console.log(JSON.stringify({ engine: "drag", release_to_end_s: median(drags), reps: drags }));
await browser.close();
