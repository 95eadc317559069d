// The page in a real headless Chromium: loads cleanly, plays, steps, validates input, survives divergence.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, stepCount, chartPixels, collectErrors, BASE_URL } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("loads without console errors and draws both charts", async () => {
  const { page, errors, context } = await openPage(browser);
  const title = await page.$eval("#preset-title", (el) => el.textContent);
  assert.match(title, /one singular value at a time/);
  // A drawn chart is not a blank canvas: sample its pixels.
  const inked = await page.$eval("#sv-chart", (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) dark++;
    return dark;
  });
  assert.ok(inked > 500, `singular-value chart looks blank (${inked} inked pixels)`);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Animation frames the page asks for in the next `ms` (its frame loop sleeps while nothing is due). */
const framesAsked = (page, ms) =>
  page.evaluate(async (ms) => {
    if (!window.__frames) {
      const ask = window.requestAnimationFrame.bind(window);
      window.__frames = { n: 0 };
      window.requestAnimationFrame = (f) => {
        window.__frames.n++;
        return ask(f);
      };
    }
    const n0 = window.__frames.n;
    await new Promise((r) => setTimeout(r, ms));
    return window.__frames.n - n0;
  }, ms);

/** Whether the page's frame loop goes to sleep within 5 s: a half second with no frame asked (the baseline's
 * answer, arriving from the helper worker, is drawn in frames of its own). */
async function settles(page) {
  for (let i = 0; i < 10; i++) if ((await framesAsked(page, 500)) === 0) return true;
  return false;
}

test("Play advances the step readout and changes the chart; Pause stops it; idle, the page asks for no frames", async () => {
  const { page, errors, context } = await openPage(browser);
  const before = await chartPixels(page, "sv-chart");
  assert.equal(await stepCount(page), 0);
  assert.ok(await settles(page), "a page waiting for Play keeps asking for animation frames");
  await page.click("#play");
  await page.waitForFunction(
    () => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 2000,
    null,
    { timeout: 20000 },
  );
  await page.waitForFunction(() => /\d/.test(document.getElementById("r-rate").textContent), null, { timeout: 20000 });
  await page.click("#play"); // pause
  await page.waitForTimeout(200); // the slice under way when Pause was pressed (≤ 50 ms) still lands
  const paused = await stepCount(page);
  await page.waitForTimeout(400);
  assert.equal(await stepCount(page), paused, "steps advanced while paused");
  assert.ok(await settles(page), "a paused page keeps asking for animation frames");
  // Woken by Step: the frames come back while the steps are owed (and the charts redraw).
  const [asked] = await Promise.all([framesAsked(page, 500), page.click("#step")]);
  assert.ok(asked > 0, "Step did not wake the frame loop");
  await page.waitForFunction(
    (p) => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > p,
    paused,
  );
  assert.notEqual(await chartPixels(page, "sv-chart"), before, "chart did not change");
  const rate = await page.$eval("#r-rate", (el) => Number(el.textContent.replace(/[^0-9]/g, "")));
  assert.ok(rate > 0, "steps/s readout not updated");
  assert.deepEqual(errors, []);
  await context.close();
});

test("Step advances a quarter decade (100 steps from 0); rankflow.step(n) exactly n; Reset replays the same trajectory", async () => {
  const { page, context } = await openPage(browser);
  const perFrame = 100;
  const stepped = (n) =>
    page.waitForFunction((n) => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) === n, n);
  await page.click("#step");
  await stepped(perFrame);
  const loss1 = await page.$eval("#r-loss", (el) => el.textContent);
  await page.click("#reset");
  await stepped(0);
  await page.click("#step");
  await stepped(perFrame);
  await page.waitForTimeout(200);
  assert.equal(await stepCount(page), perFrame, "Step overshot");
  assert.equal(await page.$eval("#r-loss", (el) => el.textContent), loss1);
  await page.evaluate(() => window.rankflow.step(1234));
  await stepped(perFrame + 1234);
  await page.waitForTimeout(200);
  const st = await page.evaluate(() => window.rankflow.state());
  assert.equal(st.step, perFrame + 1234);
  assert.equal(st.status, "paused");
  await context.close();
});

test("a bad value shows a message naming the field and keeps the page alive", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.fill('[data-field="model.depth"]', "99");
  await page.press('[data-field="model.depth"]', "Tab");
  const msg = await page.$eval("#message", (el) => (el.hidden ? "" : el.textContent));
  assert.match(msg, /^model\.depth: must be an integer in \[1, 8\], got 99/);
  assert.equal(await page.getAttribute('[data-field="model.depth"]', "aria-invalid"), "true");
  // Malformed custom matrix text.
  await page.selectOption('[data-field="problem.kind"]', "entries");
  await page.fill('[data-field="problem.values"]', "? 1 / 1 x");
  await page.press('[data-field="problem.values"]', "Tab");
  assert.match(
    await page.$eval("#message", (el) => el.textContent),
    /problem\.values: row 2, entry 2: "x" is not \? or a number/,
  );
  // Fix it: the message clears and the run restarts.
  await page.fill('[data-field="problem.values"]', "? 1 / 1 0");
  await page.fill('[data-field="optimizer.lr"]', "0.1");
  await page.fill('[data-field="model.depth"]', "2");
  await page.press('[data-field="model.depth"]', "Tab");
  assert.equal(await page.$eval("#message", (el) => el.hidden), true);
  await page.click("#play");
  await page.waitForFunction(() => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 100);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a diverging run pauses with an explanation instead of drawing garbage", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.fill('[data-field="optimizer.lr"]', "5000");
  await page.press('[data-field="optimizer.lr"]', "Tab");
  await page.click("#play");
  await page.waitForFunction(() => !document.getElementById("message").hidden, null, { timeout: 20000 });
  const msg = await page.$eval("#message", (el) => el.textContent);
  assert.match(msg, /Diverged at step \d+.*optimizer\.lr = 5000 is too large.*try lr = \d/);
  assert.equal(await page.$eval("#play", (el) => el.textContent.includes("Play")), true, "run should be paused");
  const shown = await page.$$eval(".readouts dd", (els) => els.map((e) => e.textContent).join(" "));
  assert.doesNotMatch(shown, /NaN|Infinity/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("HiDPI: the canvas backing store is scaled by devicePixelRatio", async () => {
  const { page, context } = await openPage(browser, { deviceScaleFactor: 2 });
  const [w, cw] = await page.$eval("#sv-chart", (c) => [c.width, c.clientWidth]);
  assert.equal(w, Math.round(cw * 2));
  await context.close();
});

test("at full speed on two cores the charts are drawn one a frame, to the end: after the run each shows its end", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    // Two cores, as here and on most phones: the drawing is spread (session.js FEW_CORES).
    Object.defineProperty(Navigator.prototype, "hardwareConcurrency", { get: () => 2 });
    // Each copy onto a visible canvas, with the animation frame it happens in.
    window.__frame = 0;
    const tick = () => {
      window.__frame++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__draws = [];
    const drawImage = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (...args) {
      if (this.canvas.isConnected)
        window.__draws.push({ id: this.canvas.id, frame: window.__frame, t: performance.now() });
      return drawImage.apply(this, args);
    };
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${BASE_URL}?preset=glrl-equivalence&speed=max`);
  await page.waitForFunction(() => window.rankflow?.state().status === "ready", null, { timeout: 20000 });
  const r = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const start = performance.now();
        document.addEventListener("rankflow:statechange", (e) => {
          if (e.detail.status !== "finished") return;
          const end = performance.now();
          setTimeout(async () => {
            // The page's canvases (its own table); the matrix view is drawn with each claim answer when open.
            const { CANVAS } = await import("./js/charts.js");
            const shown = Object.entries(CANVAS)
              .filter(([id]) => id !== "matrices" || document.getElementById("matrix-view").open)
              .map(([, c]) => c)
              .filter((c) => document.getElementById(c)?.clientWidth > 0);
            resolve({ start, end, shown, draws: window.__draws.filter((d) => d.t > start) });
          }, 2000);
        });
        window.rankflow.play();
      }),
  );
  assert.ok(r.shown.length >= 2, `charts shown: ${r.shown}`);
  const perFrame = new Map();
  for (const d of r.draws) perFrame.set(d.frame, [...(perFrame.get(d.frame) ?? []), d.id]);
  const crowded = [...perFrame.values()].filter((ids) => ids.length > 1);
  assert.deepEqual(crowded, [], "frames that drew more than one chart");
  const after = new Set(r.draws.filter((d) => d.t > r.end).map((d) => d.id));
  assert.deepEqual(
    r.shown.filter((id) => !after.has(id)),
    [],
    "charts not drawn since the run finished",
  );
  assert.deepEqual(errors, []);
  await context.close();
});
