// Measures steps/s of a preset in headless Chromium: stepping only (wasm), and the live page (stepping +
// drawing every frame at the top speed). Not a test: run `node measure-speed.mjs [preset]` against a served page.
import { launch, openPage } from "./harness.mjs";

const preset = process.argv[2] ?? "incremental";
const browser = await launch();
const { page } = await openPage(browser);
const stepping = await page.evaluate(async (name) => {
  const m = await import("./pkg/rankflow.js");
  await m.default();
  const cfg = JSON.parse(m.presets_json()).find((p) => p.name === name).runs[0].config;
  const rates = [];
  for (let rep = 0; rep < 5; rep++) {
    const lab = new m.Lab(JSON.stringify(cfg));
    const t0 = performance.now();
    const n = lab.advance(10000);
    rates.push((n * 1000) / (performance.now() - t0));
    lab.free();
  }
  rates.sort((a, b) => a - b);
  return rates[2];
}, preset);
await page.selectOption("#preset", preset);
await page.$eval("#speed", (el) => {
  el.value = "100";
  el.dispatchEvent(new Event("input"));
});
await page.click("#play");
await page.waitForTimeout(1500);
const samples = [];
for (let i = 0; i < 5; i++) {
  const a = await page.$eval("#r-step", (e) => Number(e.textContent.replace(/[^0-9]/g, "")));
  const t0 = Date.now();
  await page.waitForTimeout(600);
  const b = await page.$eval("#r-step", (e) => Number(e.textContent.replace(/[^0-9]/g, "")));
  samples.push(((b - a) * 1000) / (Date.now() - t0));
}
samples.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    preset,
    wasm_stepping_steps_per_s: Math.round(stepping),
    page_steps_per_s_with_drawing: Math.round(samples[2]),
  }),
);
await browser.close();
