import { launch } from "./harness.mjs";
const browser = await launch();
const gaps = (process.env.GAPS ?? "0,50").split(",").map(Number);
const res = {};
for (let rep = 0; rep < Number(process.env.REPS ?? 2); rep++) for (const name of process.argv.slice(2)) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
  await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
  const flat = await page.evaluate(async (name) => { const m = await import("./pkg/rankflow.js"); const lab = m.Lab.from_preset(name); const t0 = performance.now(); while (lab.advance(100000) > 0); lab.free(); return (performance.now() - t0) / 1000; }, name);
  (res[name + " flat"] ??= []).push(flat);
  await page.close();
  for (const gap of gaps) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
    await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
    const r = await page.evaluate((gap) => new Promise((res) => { window.__gap = gap; const t0 = performance.now(); const f = () => { if (window.rankflow.state().status !== "finished") requestAnimationFrame(f); else res((performance.now() - t0) / 1000); }; window.rankflow.play(); requestAnimationFrame(f); }), gap);
    (res[name + " gap" + gap] ??= []).push(r / flat);
    await page.close();
  }
}
for (const [k, v] of Object.entries(res)) console.log(k, v.map((x) => x.toFixed(2)).join(" "));
await browser.close();
