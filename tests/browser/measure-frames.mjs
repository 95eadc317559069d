// Measures frame gaps (median, p95, max) while a page URL plays for 6 s: `node measure-frames.mjs "?preset=incremental"`.
import { launch, openPage, recordFrameGaps, frameGaps } from "./harness.mjs";
const b = await launch();
const q = process.argv[2];
const { page } = await openPage(b, { query: q, viewport: { width: 1280, height: 900 } });
await recordFrameGaps(page);
await page.click("#play");
await page.waitForTimeout(6000);
const g = (await frameGaps(page)).sort((a, b) => a - b);
const r = { frames: g.length, median: g[g.length >> 1], p95: g[Math.floor(g.length * 0.95)], max: g[g.length - 1] };
console.log(
  q,
  JSON.stringify(r),
  await page.$eval("#r-step", (e) => e.textContent),
  await page.$eval("#r-rate", (e) => e.textContent),
);
await b.close();
