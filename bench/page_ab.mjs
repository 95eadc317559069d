// Two served pages side by side in one Chromium: per preset, Play pressed the moment the page is ready to
// "finished" at speed=max, then the α drag on `incremental` (as bench/page.mjs: 20 mouse moves 30 ms apart, release
// to the run's end). Rounds alternate the pages' order; B is reported against A by the median of paired ratios.
// usage: node bench/page_ab.mjs URL_A URL_B ROUNDS [PRESET…]
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { alphaDrag, openPage, play } from "./drive.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");
const [A, B, roundsArg, ...presets] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
if (!A || !B || !(ROUNDS > 0)) {
  console.error("usage: node bench/page_ab.mjs URL_A URL_B ROUNDS [PRESET…]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const open = (url, query) => openPage(browser, url, query);

async function playAtOnce(url, preset) {
  const { page, context } = await open(url, `?preset=${preset}&speed=max`);
  const { seconds } = await play(page);
  await context.close();
  return seconds;
}

async function drag(url) {
  const { page, context } = await open(url, "?preset=incremental");
  const s = await alphaDrag(page);
  await context.close();
  return s;
}

const times = { A: {}, B: {} };
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? ["B", "A"] : ["A", "B"];
  for (const k of order) {
    const url = k === "A" ? A : B;
    for (const p of presets) (times[k][p] ??= []).push(await playAtOnce(url, p));
    (times[k].drag ??= []).push(await drag(url));
  }
  process.stderr.write(`page_ab: round ${r + 1} of ${ROUNDS}\n`);
}
for (const what of [...presets, "drag"]) {
  const a = times.A[what];
  const b = times.B[what];
  const paired = median(b.map((v, i) => v / a[i]));
  const faster = b.filter((v, i) => v < a[i]).length;
  console.log(
    `${what}: A ${median(a).toFixed(2)} s, B ${median(b).toFixed(2)} s, B/A paired ${paired.toFixed(3)}, B faster in ${faster}/${ROUNDS}`,
  );
}
await browser.close();
