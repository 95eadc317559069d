// Soak (cargo xtask test --soak): the simulation's memory stays flat over 10⁷ steps.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, settledMemory } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const finished = (page, timeout = 240000) =>
  page.waitForFunction(() => window.rankflow?.state().status === "finished", null, { timeout });

test("the simulation's wasm memory after 10⁷ steps equals its memory after 10⁶; the page's does not grow", async () => {
  const q =
    "?problem.kind=entries&problem.values=%3F%201%201%20%2F%201%20%3F%200.1%20%2F%201%200.1%20%3F" +
    "&model.depth=2&model.symmetric=1&model.init_scale=0.0001&optimizer.lr=0.02&steps=10000000&record_every=1&speed=max";
  const { page, errors, context } = await openPage(browser, { query: q });
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().step >= 1000000, null, { timeout: 240000, polling: 50 });
  const at1e6 = await page.evaluate(() => window.rankflow.memory());
  await page.waitForFunction(() => window.rankflow.state().step >= 5000000, null, { timeout: 600000, polling: 50 });
  const at5e6 = await page.evaluate(() => window.rankflow.memory());
  await finished(page, 600000);
  const at1e7 = await settledMemory(page);
  console.log(
    `memory: simulation ${at1e6.simulation} B at 10⁶ steps, ${at1e7.simulation} B at 10⁷; page ${at1e6.page} → ${at5e6.page} → ${at1e7.page} B, ` +
      `its live heap ${at1e6.pageHeap} → ${at5e6.pageHeap} → ${at1e7.pageHeap} B`,
  );
  assert.equal((await page.evaluate(() => window.rankflow.state())).step, 10000000);
  assert.equal(at1e7.simulation, at1e6.simulation, "the simulation's wasm memory grew");
  // The page only decodes and draws figures of bounded size: its live heap stays within the few KB by which one
  // frame's figures differ from another's (19–23 KB here; 64 bytes forgotten per frame drawn raised it by 14 KB), and
  // its linear memory (a high-water mark, which fragmentation alone can raise by a few pages) within 1 MiB.
  assert.ok(
    at1e7.pageHeap - at1e6.pageHeap <= 8192,
    `the page's live heap grew: ${at1e6.pageHeap} → ${at1e7.pageHeap} B`,
  );
  assert.ok(at1e7.page - at5e6.page <= 1 << 20, "the page's wasm memory grew by over 1 MiB");
  assert.deepEqual(errors, []);
  await context.close();
});
