// Main-thread long tasks (> 50 ms, Long Tasks API) with Play pressed the moment the page is ready, per preset, at
// speed=max: each task's duration and start (ms after Play), REPS fresh pages a preset. THROTTLE=r slows the page's
// CPU r times (Chromium's CPU throttling): how much margin the page keeps on a slower machine.
// usage: node bench/long_tasks.mjs SERVED_URL NATIVE_CLI [REPS] [PRESET…]
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPage, play } from "./drive.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");
const [url, cli, repsArg, ...named] = process.argv.slice(2);
if (!url || !cli) {
  console.error("usage: node bench/long_tasks.mjs SERVED_URL NATIVE_CLI [REPS] [PRESET…]");
  process.exit(2);
}
const REPS = Number(repsArg ?? 3);
const throttle = Number(process.env.THROTTLE ?? 1);
const presets = named.length
  ? named
  : JSON.parse(execFileSync(cli, ["presets", "--json"]).toString()).map((p) => p.name);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
let total = 0;
for (const name of presets) {
  const reps = [];
  for (let rep = 0; rep < REPS; rep++) {
    const { page, context } = await openPage(browser, url, `?preset=${name}&speed=max`, { throttle, timeout: 120000 });
    const { long, longAt } = await play(page, 1500);
    total += long.length;
    reps.push(
      long.length ? long.map((ms, i) => `${Math.round(ms)} ms at ${Math.round(longAt[i])}`).join(", ") : "none",
    );
    await context.close();
  }
  console.log(`${name}: ${reps.join(" | ")}`);
}
console.log(
  `long tasks with Play at once: ${total} in ${presets.length} presets × ${REPS} (CPU throttle ${throttle}×)`,
);
await browser.close();
