import { chromium } from "playwright-core";
import { LAUNCH } from "./harness.mjs";
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
const cpu = () => { const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number); return (f[0] + f[1] + f[2] + f[5] + f[6]) / 100; };
const b = await chromium.launch(LAUNCH);
for (let i = 0; i < 6; i++) {
  const c0 = cpu(); const t0 = Date.now();
  const ctx = await b.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto("http://127.0.0.1:8000/?preset=tied-spectrum");
  await page.waitForFunction(() => window.rankflow && window.rankflow.state().status === "ready", null, { timeout: 30000 });
  const t1 = Date.now(); const cm = cpu();
  await page.waitForTimeout(3000);
  const c1 = cpu();
  await ctx.close();
  console.log(`load ${(t1 - t0) / 1000}s, cpu in load ${(cm - c0).toFixed(2)} s, in the 3 s after ${(c1 - cm).toFixed(2)} s`);
}
await b.close();
