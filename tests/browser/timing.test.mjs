// What measures time (frames drawn, gaps between steps): run alone, after the other files, which run
// concurrently (see xtask's test).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const inked = (page, id) =>
  page.$eval(`#${id}`, (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 40 || Math.abs(d[i + 1] - d[i + 2]) > 40) n++;
    return n;
  });

test("at full speed the run streams: the step advances in many small slices, never a silent second", async () => {
  // A worker's clock is coarse (~0.1 ms): once the code was warm, a first step timed as 0 ms sized the next slice
  // to the whole run, so the charts froze until its end (seen after α drags: 3.7 s without an answer).
  const { page, context } = await openPage(browser, { query: "?preset=incremental&speed=max" });
  const play = () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const seen = [];
          const t0 = performance.now();
          const tick = () => {
            const s = window.rankflow.state();
            if (seen.at(-1)?.[1] !== s.step) seen.push([performance.now() - t0, s.step]);
            if (s.status === "finished") resolve(seen);
            else requestAnimationFrame(tick);
          };
          window.rankflow.play();
          requestAnimationFrame(tick);
        }),
    );
  for (const round of ["cold", "warm (after Reset)", "warm again"]) {
    const trace = await play();
    const gaps = trace.slice(1).map((p, i) => p[0] - trace[i][0]);
    assert.equal(trace.at(-1)[1], 50000, round);
    assert.ok(
      trace.length >= 20,
      `${round}: only ${trace.length} distinct steps drawn: ${JSON.stringify(trace.slice(0, 5))}…`,
    );
    assert.ok(Math.max(...gaps) < 1500, `${round}: a gap of ${Math.round(Math.max(...gaps))} ms without a new step`);
    await page.evaluate(() => window.rankflow.reset());
    await page.waitForFunction(() => window.rankflow.state().status === "ready");
  }
  await context.close();
});

test("phase diagram: a sweep runs in a worker while the page keeps animating, and can be cancelled", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.selectOption("#preset", "counterexample");
  await page.click("#phase-view summary");
  await page.selectOption("#sweep-x", "alpha");
  await page.selectOption("#sweep-y", "seed");
  await page.selectOption("#sweep-outcome", "nuclear_norm_ratio");
  await page.evaluate(() => {
    window.__frames = 0;
    const f = () => {
      window.__frames++;
      requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  });
  const t0 = Date.now();
  await page.click("#sweep-run");
  await page.waitForFunction(() => /^done: 24 runs/.test(document.getElementById("sweep-status").textContent), null, {
    timeout: 120000,
  });
  const secs = (Date.now() - t0) / 1000;
  const frames = await page.evaluate(() => window.__frames);
  assert.ok(frames > secs * 20, `page animated only ${frames} frames in ${secs.toFixed(1)} s during the sweep`);
  assert.equal(await page.$eval("#sweep-progress", (p) => p.value), 1);
  assert.ok((await inked(page, "sweep-chart")) > 1000, "heatmap is blank");
  // Cancel: start again and stop it at once.
  await page.click("#sweep-run");
  await page.click("#sweep-cancel");
  await page.waitForFunction(() => document.getElementById("sweep-status").textContent === "cancelled", null, {
    timeout: 20000,
  });
  assert.equal(await page.$eval("#sweep-run", (b) => b.disabled), false);
  assert.deepEqual(errors, []);
  await context.close();
});
