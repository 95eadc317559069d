// Main-thread long tasks (> 50 ms, Long Tasks API) with Play pressed the moment the page is ready, per preset, at
// speed=max: each task's duration and start (ms after Play), REPS fresh pages a preset. THROTTLE=r slows the page's
// CPU r times (Chromium's CPU throttling): how much margin the page keeps on a slower machine.
// usage: node bench/long_tasks.mjs SERVED_URL NATIVE_CLI [REPS] [PRESET…]
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    if (throttle !== 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
    }
    await page.goto(`${url}?preset=${name}&speed=max`);
    await page.waitForFunction(() => ["ready", "finished"].includes(window.rankflow?.state().status), null, {
      timeout: 120000,
    });
    const long = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const long = [];
          const t0 = performance.now();
          const obs = new PerformanceObserver((list) => {
            for (const e of list.getEntries())
              long.push(`${Math.round(e.duration)} ms at ${Math.round(e.startTime - t0)}`);
          });
          obs.observe({ type: "longtask" });
          document.addEventListener("rankflow:statechange", (e) => {
            if (e.detail.status !== "finished") return;
            setTimeout(() => {
              obs.disconnect();
              resolve(long);
            }, 1500);
          });
          window.rankflow.play();
        }),
    );
    total += long.length;
    reps.push(long.length ? long.join(", ") : "none");
    await context.close();
  }
  console.log(`${name}: ${reps.join(" | ")}`);
}
console.log(
  `long tasks with Play at once: ${total} in ${presets.length} presets × ${REPS} (CPU throttle ${throttle}×)`,
);
await browser.close();
