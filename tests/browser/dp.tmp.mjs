import { launch } from "./harness.mjs";
const browser = await launch();
for (const name of process.argv.slice(2)) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
  await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
  await page.evaluate(() => { window.__dp = {}; });
  await page.evaluate(() => new Promise((res) => { const f = () => { if (window.rankflow.state().status !== "finished") requestAnimationFrame(f); else setTimeout(res, 300); }; window.rankflow.play(); requestAnimationFrame(f); }));
  const P = await page.evaluate(() => window.__dp);
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(name, JSON.stringify(P.size), Object.entries(P).filter(([k]) => k !== "size").map(([k, v]) => `${k}: n=${v.length} med=${med(v).toFixed(1)} max=${Math.max(...v).toFixed(1)}`).join("; "));
  await page.close();
}
await browser.close();
