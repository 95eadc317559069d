import { launch } from "./harness.mjs";
const browser = await launch();
for (const name of process.argv.slice(2)) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
  await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
  await page.evaluate(() => { const s = window.__session; });
  const r = await page.evaluate(() => new Promise((res) => { const t0 = performance.now(); let last; const orig = Worker.prototype; const f = () => { const s = window.rankflow.state(); if (s.status !== "finished") requestAnimationFrame(f); else res({ total: performance.now() - t0 }); }; window.rankflow.play(); requestAnimationFrame(f); }));
  const prof = await page.evaluate(() => window.__lastProf);
  console.log(name, JSON.stringify(r), JSON.stringify(prof));
  await page.close();
}
await browser.close();
