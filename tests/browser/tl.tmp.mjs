import { launch } from "./harness.mjs";
const browser = await launch();
for (const name of process.argv.slice(2)) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
  await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
  const r = await page.evaluate(() => new Promise((res) => { const t0 = performance.now(); let runsDone = null, frames = 0, draws = 0; const f = () => { frames++; const s = window.rankflow.state(); if (runsDone == null && s.runs.every((r) => r.step >= s.steps)) runsDone = performance.now() - t0; if (s.status !== "finished") requestAnimationFrame(f); else res({ runsDone, total: performance.now() - t0, frames }); }; window.rankflow.play(); requestAnimationFrame(f); }));
  console.log(name, JSON.stringify(r));
  await page.close();
}
await browser.close();
