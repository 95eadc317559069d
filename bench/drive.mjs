// What the page benchmarks do to a served page in Chromium (bench/page.mjs, bench/page_ab.mjs,
// bench/long_tasks.mjs).

/** A fresh 1280×720 context on `url + query`, once the page says "ready" (or "finished"): {page, context}.
 * `throttle` > 1 slows the page's CPU that many times (Chromium's CPU throttling) before it loads. */
export async function openPage(browser, url, query, { throttle = 1, timeout = 60000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  if (throttle !== 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  }
  await page.goto(url + query);
  await page.waitForFunction(() => ["ready", "finished"].includes(window.rankflow?.state().status), null, {
    timeout,
  });
  return { page, context };
}

/** Presses Play and waits for "finished": {seconds, long: durations of main-thread tasks over 50 ms (Long Tasks
 * API, ms), longAt: their starts (ms after Play), gaps: between animation frames (ms)}. Long tasks are collected
 * for `settleMs` after the end too. */
export const play = (page, settleMs = 100) =>
  page.evaluate(
    (settleMs) =>
      new Promise((resolve) => {
        const long = [];
        const longAt = [];
        const t0 = performance.now();
        const obs = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            long.push(e.duration);
            longAt.push(e.startTime - t0);
          }
        });
        obs.observe({ type: "longtask" });
        const gaps = [];
        let last = performance.now();
        let on = true;
        const tick = (t) => {
          gaps.push(t - last);
          last = t;
          if (on) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        document.addEventListener("rankflow:statechange", function done(e) {
          if (e.detail.status !== "finished") return;
          const seconds = (performance.now() - t0) / 1000;
          on = false;
          document.removeEventListener("rankflow:statechange", done);
          setTimeout(() => {
            obs.disconnect();
            resolve({ seconds, long, longAt, gaps: gaps.slice(2) });
          }, settleMs);
        });
        window.rankflow.play();
      }),
    settleMs,
  );

/** Drags the α slider of the page (open on `incremental`) with the real mouse, 20 moves 30 ms apart from its
 * middle leftwards, and releases it: seconds from the release (the slider's change event, as the page sees it) to
 * the released value's run drawn to its end. Gives up after 120 s. */
export async function alphaDrag(page) {
  // The slider sits below the fold at 1280×720: scrolled into view first, or the mouse would miss it.
  const slider = page.locator('[data-field="model.init_scale"]');
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) {
    await page.mouse.move(box.x + box.width * (0.5 - 0.01 * i), y);
    await page.waitForTimeout(30);
  }
  await page.evaluate(() => {
    window.__drag = new Promise((resolve) => {
      let t0 = null;
      document.querySelector('[data-field="model.init_scale"]').addEventListener("change", () => {
        t0 = performance.now();
      });
      document.addEventListener("rankflow:statechange", (e) => {
        if (t0 !== null && e.detail.status === "finished") resolve((performance.now() - t0) / 1000);
      });
    });
  });
  await page.mouse.up();
  return page.evaluate(() =>
    Promise.race([
      window.__drag,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("α drag: no run finished 120 s after release")), 120000),
      ),
    ]),
  );
}
