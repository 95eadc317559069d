import { launch } from "./harness.mjs";
const browser = await launch();
for (const name of process.argv.slice(2)) for (const gap of (process.env.GAPS ?? "0").split(",").map(Number)) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
  await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
  const r = await page.evaluate((gap) => new Promise((res) => { window.__gap = gap; const t0 = performance.now(); const gaps = []; let last = t0; const f = (t) => { gaps.push(t - last); last = t; if (window.rankflow.state().status !== "finished") requestAnimationFrame(f); else { gaps.sort((a, b) => a - b); res({ s: (performance.now() - t0) / 1000, p95: gaps[Math.floor(gaps.length * 0.95)] }); } }; window.rankflow.play(); requestAnimationFrame(f); }), gap);
  console.log(name, gap, r.s.toFixed(2), "p95", r.p95.toFixed(1));
  await page.close();
}
await browser.close();
