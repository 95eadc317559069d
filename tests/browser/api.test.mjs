// The page API (window.rankflow) and the simulation Worker: play, pause, step and state; the worker's failure is
// shown and Reset recovers. (Every preset played to "finished" through the API: claims.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, BASE_URL } from "./harness.mjs";
import { finished } from "./every-preset.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("Play on a finished run says so; pause/step/state follow the API", async () => {
  const { page, errors, context } = await openPage(browser, {
    query: "?problem.n=8&problem.rank=2&steps=300&speed=max",
  });
  assert.equal((await page.evaluate(() => window.rankflow.state())).status, "ready");
  await page.evaluate(() => window.rankflow.step(120));
  await page.waitForFunction(() => window.rankflow.state().step === 120);
  assert.equal((await page.evaluate(() => window.rankflow.state())).status, "paused");
  await page.evaluate(() => window.rankflow.play());
  await finished(page, 30000);
  assert.equal((await page.evaluate(() => window.rankflow.state())).step, 300);
  await page.click("#play");
  assert.match(await page.$eval("#status", (e) => e.textContent), /has finished.*Reset/);
  await page.evaluate(() => window.rankflow.reset());
  await page.waitForFunction(() => window.rankflow.state().status === "ready" && window.rankflow.state().step === 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Step pressed while the experiment loads steps once it has loaded", async () => {
  // Once the page is ready, every "load" sent to the simulation worker is held back 3 s: the Reset below leaves the
  // page loading (its buttons enabled) while Step is pressed.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    const Native = window.Worker;
    window.Worker = class extends Native {
      postMessage(m, transfer) {
        if (m?.type === "load" && window.__holdLoads) {
          setTimeout(() => super.postMessage(m, transfer), 3000);
          return;
        }
        return super.postMessage(m, transfer);
      }
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${BASE_URL}?problem.n=8&problem.rank=2&steps=300`);
  await page.waitForFunction(() => window.rankflow?.state().status === "ready");
  await page.evaluate(() => {
    window.__holdLoads = true;
    window.rankflow.reset();
  });
  assert.equal((await page.evaluate(() => window.rankflow.state())).status, "loading");
  assert.equal(await page.$eval("#step", (b) => b.disabled), false);
  await page.focus("body");
  await page.keyboard.press("s");
  await page.waitForFunction(() => window.rankflow.state().step > 0, null, { timeout: 15000 });
  const st = await page.evaluate(() => window.rankflow.state());
  const log = await page.$eval("#log-steps", (e) => e.checked);
  assert.equal(st.step, log ? 100 : 3, "one press: 100 steps on a log step axis, else 1 % of 300");
  assert.equal(st.status, "paused");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a failing simulation shows a message, and Reset recovers", async () => {
  const { page, context } = await openPage(browser, { query: "?preset=incremental" });
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().step > 0);
  await page.evaluate(() => window.rankflow.simulateFailure());
  await page.waitForFunction(() => window.rankflow.state().status === "error");
  assert.match(await page.$eval("#message", (e) => e.textContent), /simulation stopped.*Reset/);
  assert.equal(await page.$eval("#message", (e) => e.hidden), false);
  await page.click("#reset");
  await page.waitForFunction(() => window.rankflow.state().status === "ready");
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().step > 1000);
  assert.equal((await page.evaluate(() => window.rankflow.state())).status, "playing");
  await context.close();
});

test("the convex baseline is solved once per problem (an α edit reuses it); without the helper worker the simulation solves it", async () => {
  const values = [];
  for (const helper of [true, false]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Counts the baseline requests sent to the helper worker; without `helper` that worker cannot start.
    await context.addInitScript((helper) => {
      window.__baselineRequests = 0;
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(url, options) {
          if (!helper && /\/worker\.js/.test(String(url))) throw new Error("no helper worker here");
          super(url, options);
        }
        postMessage(m, transfer) {
          if (m?.type === "baseline") window.__baselineRequests++;
          return super.postMessage(m, transfer);
        }
      };
    }, helper);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${BASE_URL}?preset=sensing&speed=max`);
    const baseline = () => page.$eval("#r-baseline", (e) => e.textContent);
    await page.waitForFunction(() => /\d/.test(document.getElementById("r-baseline").textContent), null, {
      timeout: 60000,
    });
    const before = await baseline();
    // An α edit: a new run on the same problem, whose baseline is the one already solved.
    await page.evaluate(() => {
      const el = document.querySelector('[data-field="model.init_scale"]');
      el.value = String(Number(el.value) - 0.3);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await page.waitForFunction(() => window.rankflow.state().status === "playing");
    await finished(page, 120000);
    assert.equal(await baseline(), before, `helper ${helper}: the edited run's baseline`);
    assert.equal(
      await page.evaluate(() => window.__baselineRequests),
      helper ? 1 : 0,
      `helper ${helper}: requests to the helper`,
    );
    assert.deepEqual(errors, []);
    values.push(before);
    await context.close();
  }
  assert.equal(values[0], values[1], "the helper's baseline and the simulation's own");
});
