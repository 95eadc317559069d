import { launch } from "./harness.mjs";
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const names = process.argv.slice(2);
await page.goto("http://127.0.0.1:8000/?preset=incremental&speed=max");
await page.waitForFunction(() => ["ready", "finished"].includes(window.rankflow?.state().status));
for (const name of names) {
  const r = await page.evaluate(async (name) => {
    const m = await import("./pkg/rankflow.js");
    const lab = m.Lab.from_preset(name);
    let t0 = performance.now(); let base = 0;
    while (lab.wants_baseline()) lab.advance_baseline(4);
    base = performance.now() - t0;
    t0 = performance.now(); let enc = 0, n = 0;
    while (true) { const k = lab.advance(2000); if (!k) break; const t1 = performance.now(); lab.encode_figures(true); lab.take_figure_data(); lab.state_json(false); lab.readout(); enc += performance.now() - t1; n++; }
    const total = performance.now() - t0;
    lab.free();
    const lab2 = m.Lab.from_preset(name); t0 = performance.now(); while (lab2.advance(100000) > 0); const flat = performance.now() - t0; lab2.free();
    return { base, total, enc, n, flat };
  }, name);
  console.log(name, JSON.stringify(r));
}
await browser.close();
