// Memory stays flat over 10⁷ steps: the history is bounded (decimated), the hot loop allocates nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("wasm memory after 10⁷ steps equals memory after 10⁶", async () => {
  const { page, errors, context } = await openPage(browser);
  const figures = await page.evaluate(async () => {
    const m = await import("./pkg/rankflow.js");
    await m.default();
    const config = { seed: 1, steps: 10000000, record_every: 1,
      problem: { kind: "entries", values: [[null, 1, 1], [1, null, 0.1], [1, 0.1, null]] },
      model: { depth: 2, symmetric: true, init_scale: 1e-4 }, optimizer: { kind: "gd", lr: 0.02 } };
    const lab = new m.Lab(JSON.stringify(config));
    const t0 = performance.now();
    let done = 0;
    while (done < 1000000) done += lab.advance(100000);
    const at1e6 = m.wasm_memory_bytes();
    while (done < 10000000) done += lab.advance(100000);
    const at1e7 = m.wasm_memory_bytes();
    const secs = (performance.now() - t0) / 1000;
    const samples = JSON.parse(lab.report_json()).samples.length;
    lab.free();
    return { at1e6, at1e7, done, secs, samples };
  });
  console.log(`memory: ${figures.done} steps in ${figures.secs.toFixed(1)} s; wasm memory ${figures.at1e6} B after 1e6 steps, ${figures.at1e7} B after 1e7; ${figures.samples} samples kept`);
  assert.equal(figures.done, 10000000);
  assert.equal(figures.at1e7, figures.at1e6, "wasm memory grew between 10⁶ and 10⁷ steps");
  assert.ok(figures.samples <= 2048);
  assert.deepEqual(errors, []);
  await context.close();
});
