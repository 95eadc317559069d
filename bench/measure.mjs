// wasm-side benchmark: the same GD workloads in node and in headless Chromium (simd128), plus the first chart's time and
// the load size. usage: node bench/measure.mjs SERVED_URL WORKLOADS.json   (prints one JSON line per figure)
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, "..", "www");
const [url, workloadsFile] = process.argv.slice(2);
const workloads = JSON.parse(readFileSync(workloadsFile, "utf8"));
const REPS = 5,
  SECONDS = 0.5;

// Shared by node and the page: median steps/s of pure stepping (recording off).
const measureSource = `async (m, workloads, REPS, SECONDS) => {
  const out = [];
  for (const w of workloads) {
    const cfg = { ...w.config, steps: 1000000000, record_every: 1000000 };
    const lab = new m.Lab(JSON.stringify(cfg));
    let chunk = 1;
    const t = performance.now();
    while (performance.now() - t < 200 * SECONDS) { lab.advance(chunk); chunk = Math.min(chunk * 2, 1 << 16); }
    const rates = [];
    for (let r = 0; r < REPS; r++) {
      const start = performance.now();
      let steps = 0;
      while (performance.now() - start < 1000 * SECONDS) {
        const n = lab.advance(Math.max(1, chunk >> 2));
        if (n === 0) throw new Error("run stopped: " + lab.message());
        steps += n;
      }
      rates.push(steps * 1000 / (performance.now() - start));
    }
    lab.free();
    rates.sort((a, b) => a - b);
    out.push({ n: w.n, depth: w.depth, steps_per_s: rates[REPS >> 1], reps: rates });
  }
  return out;
}`;
const measure = eval(measureSource);

// node
const m = await import(join(www, "pkg", "rankflow.js"));
m.initSync({ module: readFileSync(join(www, "pkg", "rankflow_bg.wasm")) });
for (const r of await measure(m, workloads, REPS, SECONDS)) console.log(JSON.stringify({ engine: "wasm-node", ...r }));

// headless Chromium
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
// The page's CSP forbids eval; the benchmark (not the page) needs it to inject the shared measuring function.
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
await page.goto(url);
await page.waitForFunction(() => !document.getElementById("play").disabled);
const firstChart = await page.evaluate(() => performance.getEntriesByName("first-chart")[0]?.startTime ?? null);
/** The workloads stepped in the page by the build `wasm`, through the glue module at `glue` (another URL gives
 * another instance of the glue, so several builds can run in one page). */
const inPage = (glue, wasm) =>
  page.evaluate(
    async ([glue, wasm, src, workloads, REPS, SECONDS]) => {
      const m = await import(glue);
      await m.default({ module_or_path: wasm });
      return (0, eval)(src)(m, workloads, REPS, SECONDS);
    },
    [glue, wasm, measureSource, workloads, REPS, SECONDS],
  );
// Through a glue instance of its own (the page's instance is busy with the page).
for (const r of await inPage("./pkg/rankflow.js?bench", "./pkg/rankflow_bg.wasm")) {
  console.log(JSON.stringify({ engine: "wasm-chromium", ...r }));
}

console.log(JSON.stringify({ engine: "frame", first_chart_ms: firstChart }));
await browser.close();

const gz = (f) => gzipSync(readFileSync(join(www, f)), { level: 9 }).length;
// What a page load fetches: the wasm, the glue,
// the page's modules, the simulation worker and its module, HTML, CSS and the icon (the sweep worker loads on demand).
const wasmFile = "pkg/rankflow_bg.wasm";
const files = [
  wasmFile,
  "pkg/rankflow.js",
  "main.js",
  ...readdirSync(join(www, "js")).map((f) => `js/${f}`),
  "sim-worker.js",
  "index.html",
  "style.css",
  "favicon.svg",
];
console.log(
  JSON.stringify({
    engine: "size",
    gzip_bytes: Object.fromEntries(files.map((f) => [f, gz(f)])),
    total_gzip: files.reduce((a, f) => a + gz(f), 0),
    wasm_raw: readFileSync(join(www, wasmFile)).length,
    wasm_file: wasmFile,
  }),
);
