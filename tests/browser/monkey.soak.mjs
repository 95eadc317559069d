// Soak (cargo xtask test --soak): 1,000 random UI actions (clicks, keys, slider drags with the mouse, field edits, preset and URL changes,
// resizes, API calls): no uncaught error, no wasm trap, the page still plays afterwards, no wasm memory leaks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, BASE_URL, settledMemory } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("1,000 random UI actions: 0 uncaught errors, still working, no wasm memory leak", async () => {
  let seed = 20261130;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  }; // high bits
  const pick = (xs) => xs[rnd(xs.length)];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const failures = [];
  page.on("pageerror", (e) => failures.push(`uncaught: ${e}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /panicked|unreachable|RuntimeError|Uncaught/i.test(m.text())) failures.push(m.text());
  });
  page.on("dialog", (d) => d.dismiss());
  await page.goto(BASE_URL + "?preset=incremental");
  await page.waitForFunction(() => window.rankflow?.state().status === "ready", null, { timeout: 20000 });
  const presets = await page.$$eval("#preset option", (os) => os.map((o) => o.value).filter((v) => v !== "custom"));
  const values = ["3", "0", "-1", "1e9", "abc", "", "0.5", "2", "12 6 3", "NaN", "1e-4", "200", "7"];
  const fields = [
    "problem.n",
    "model.depth",
    "optimizer.lr",
    "seed",
    "steps",
    "problem.singular_values",
    "problem.rank",
  ];
  const buttons = [
    "#play",
    "#step",
    "#reset",
    "#compare-add",
    "#compare-clear",
    "#help-button",
    "#clear-ghost",
    "#back-to-preset",
  ];
  const counts = {};
  const memory = [];
  for (let i = 0; i < 1000; i++) {
    const kind = pick([
      "click",
      "click",
      "key",
      "key",
      "drag",
      "edit",
      "edit",
      "preset",
      "api",
      "api",
      "resize",
      "url",
    ]);
    if (kind === "url" && rnd(8) !== 0) continue; // navigations are slow: about one in eight of their draws
    counts[kind] = (counts[kind] ?? 0) + 1;
    try {
      if (await page.evaluate(() => document.getElementById("help").open)) await page.keyboard.press("Escape");
      if (kind === "click") {
        const sel = pick(buttons);
        const el = await page.$(sel);
        if (el && (await el.isVisible()) && (await el.isEnabled())) await el.click({ timeout: 1000 });
      } else if (kind === "key") {
        await page.focus("body");
        await page.keyboard.press(pick([" ", "s", "r", "?", "Escape", "ArrowLeft", "ArrowRight", "Tab"]));
      } else if (kind === "drag") {
        const sel = pick(['[data-field="model.init_scale"]', "#speed"]);
        const box = await page.locator(sel).boundingBox();
        if (box) {
          const y = box.y + box.height / 2;
          await page.mouse.move(box.x + box.width * (rnd(100) / 100), y);
          await page.mouse.down();
          for (let k = 0; k < 4; k++) await page.mouse.move(box.x + box.width * (rnd(100) / 100), y);
          await page.mouse.up();
        }
      } else if (kind === "edit") {
        const loc = page.locator(`[data-field="${pick(fields)}"]`);
        if (await loc.isVisible()) {
          await loc.fill(pick(values), { timeout: 1000 });
          await loc.press("Tab");
        }
      } else if (kind === "preset") {
        await page.selectOption("#preset", pick(presets));
      } else if (kind === "api") {
        await page.evaluate(
          ([what, n]) => {
            const r = window.rankflow;
            if (what === "step") r.step(n);
            else if (what === "state") r.state();
            else r[what]();
          },
          [pick(["play", "pause", "reset", "step", "state"]), rnd(5000)],
        );
      } else if (kind === "resize") {
        await page.setViewportSize(
          pick([
            { width: 320, height: 480 },
            { width: 760, height: 640 },
            { width: 1280, height: 720 },
            { width: 1600, height: 900 },
          ]),
        );
      } else if (kind === "url") {
        await page.goto(
          BASE_URL +
            pick([
              `?preset=${pick(presets)}`,
              "?problem.n=12&model.depth=2&speed=max&autoplay=1",
              "?steps=abc",
              "?embed=1&preset=sensing",
            ]),
        );
        await page.waitForFunction(() => window.rankflow && window.rankflow.state().status !== "loading", null, {
          timeout: 20000,
        });
      }
    } catch (e) {
      // An action that could not be performed (a control hidden or disabled meanwhile) is not a page failure.
      if (
        !/Timeout|not visible|detached|disabled|intercepts pointer|outside of the viewport|Cannot type text/i.test(
          e.message,
        )
      )
        throw e;
    }
    if (rnd(4) === 0) await page.waitForTimeout(rnd(60));
  }
  assert.deepEqual(failures, []);
  // Still working, and memory flat: the same cycle of presets played to the end again leaves the live heap of both
  // wasm modules (the page's and the simulation's) exactly where the previous cycle left it. Their linear memory is
  // a high-water mark that fragmentation alone can raise by a few pages: it must stay within 1 MiB of the first cycle.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.$eval("#speed", (el) => {
    el.value = el.max;
    el.dispatchEvent(new Event("input"));
  });
  for (let cycle = 0; cycle < 3; cycle++) {
    for (const name of ["incremental", "depth-alpha", "sensing"]) {
      await page.selectOption("#preset", name);
      await page.waitForFunction(() => window.rankflow.state().status === "ready", null, { timeout: 20000 });
      await page.evaluate(() => window.rankflow.play());
      await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 120000 });
    }
    memory.push(await settledMemory(page));
  }
  console.log(`monkey: ${JSON.stringify(counts)}; wasm memory after each cycle of presets ${JSON.stringify(memory)}`);
  for (const k of ["pageHeap", "simulationHeap"])
    assert.equal(memory[2][k], memory[1][k], `${k}: live bytes grew between two identical cycles`);
  for (const k of ["page", "simulation"])
    assert.ok(memory[2][k] - memory[0][k] <= 1 << 20, `${k}: linear memory grew by over 1 MiB`);
  assert.deepEqual(failures, []);
  await context.close();
});
