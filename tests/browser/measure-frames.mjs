// Measures frame gaps (median, p95, max) while a page URL plays for 6 s: `node measure-frames.mjs "?preset=incremental"`.
import { launch, openPage } from "./harness.mjs";
const b = await launch();
const q = process.argv[2];
const { page } = await openPage(b, { query: q, viewport: { width: 1280, height: 900 } });
await page.evaluate(() => {
  window.__gaps = [];
  let last = performance.now();
  const tick = (t) => { window.__gaps.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});
await page.click("#play");
await page.waitForTimeout(6000);
const r = await page.evaluate(() => { const g = window.__gaps.slice(5).sort((a, b) => a - b); return { frames: g.length, median: g[g.length >> 1], p95: g[Math.floor(g.length * 0.95)], max: g[g.length - 1] }; });
console.log(q, JSON.stringify(r), await page.$eval("#r-step", (e) => e.textContent), await page.$eval("#r-rate", (e) => e.textContent));
await b.close();
