// Teaching with the page (issue 11): hover reads exact values, a legend click hides a line, the time slider and
// t= links look back at any recorded step, present mode fills a projector, embeds put the chart first, and a
// figure under reduced motion is drawn finished.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, BASE_URL, collectErrors } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function open(query, { viewport = { width: 1280, height: 900 }, reducedMotion = "no-preference", init } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, reducedMotion, acceptDownloads: true });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(BASE_URL + query);
  await page.waitForFunction(() => window.rankflow && window.rankflow.state().status !== "loading", null, {
    timeout: 20000,
  });
  return { page, context, errors };
}
const finished = (page, timeout = 120000) =>
  page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout });

/** The trajectories CSV as the Export menu downloads it: [{run, step, loss, …, sigma: […]}]. */
async function exportedCsv(page) {
  await page.click("#export-menu summary");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-export="csv"]')]);
  const text = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString());
  const [head, ...lines] = text.trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => {
    const v = l.split(",");
    const row = Object.fromEntries(cols.map((c, i) => [c, i === 0 ? v[i] : Number(v[i])]));
    row.sigma = cols.map((c, i) => (c.startsWith("sigma_") ? Number(v[i]) : null)).filter((x) => x !== null);
    return row;
  });
}

/** Hovers the σ chart at fraction `fx` of its width; returns {x, rows: [{label, value}]} of the tip. */
async function hover(page, canvas, fx, fy = 0.55) {
  const box = await page.$eval(`#${canvas}`, (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  await page.mouse.move(box.x + fx * box.w, box.y + fy * box.h);
  const tip = page.locator(`#${canvas} ~ .hover-tip`);
  await tip.waitFor({ state: "visible", timeout: 15000 });
  return tip.evaluate((t) => ({
    x: Number(t.dataset.x),
    rows: [...t.querySelectorAll(".tip-row")].map((r) => ({
      label: r.querySelector(".tip-label").textContent,
      value: Number(r.querySelector(".tip-value").dataset.value),
    })),
  }));
}

// The tests below that need a finished run play full-staircase: four values learned one by one like incremental's,
// in 40,000 steps, with no convex baseline to solve (a fifth of incremental's time in the page).
test("hover reads the exact values of the exported CSV at that step; a legend click hides and shows a line", async () => {
  const { page, context, errors } = await open("?preset=full-staircase&speed=max");
  await page.evaluate(() => window.rankflow.play());
  await finished(page);
  await page.waitForTimeout(300);
  const csv = await exportedCsv(page);
  const tip = await hover(page, "sv-chart", 0.62);
  const row = csv.find((r) => r.step === tip.x);
  assert.ok(row, `hovered step ${tip.x} is a recorded sample`);
  const sigma1 = tip.rows.find((r) => r.label === "σ₁");
  assert.ok(sigma1, `σ₁ in the tip: ${JSON.stringify(tip.rows)}`);
  assert.equal(sigma1.value, row.sigma[0], "σ₁ at the hovered step equals the CSV's sigma_1");
  for (const r of tip.rows.filter((r) => /^σ[₀-₉]+$/.test(r.label))) {
    const k = Number([...r.label.slice(1)].map((c) => c.charCodeAt(0) - 0x2080).join(""));
    assert.equal(r.value, row.sigma[k - 1], `${r.label} equals sigma_${k}`);
  }
  // The legend's first entry (σ₁) sits under the title, at the left; clicking it removes σ₁ from the tip.
  const box = await page.$eval("#sv-chart", (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  const text = Math.min(Math.max(Math.min(box.w / 50, box.h / 16), 12), 26);
  const legend = { x: box.x + text * 0.6 + text, y: box.y + Math.ceil(text * 1.25 * 1.5) + Math.ceil(text * 1.4) / 2 };
  const before = await page.$eval("#sv-chart", (c) => c.toDataURL());
  await page.mouse.click(legend.x, legend.y);
  await page.waitForTimeout(200);
  assert.notEqual(await page.$eval("#sv-chart", (c) => c.toDataURL()), before, "the chart is redrawn without σ₁");
  const hidden = await hover(page, "sv-chart", 0.62);
  assert.ok(!hidden.rows.some((r) => r.label === "σ₁"), `σ₁ hidden: ${JSON.stringify(hidden.rows)}`);
  await page.mouse.click(legend.x, legend.y);
  const shown = await hover(page, "sv-chart", 0.62);
  assert.ok(
    shown.rows.some((r) => r.label === "σ₁"),
    "σ₁ shown again",
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("the time slider shows the read-outs of the recorded sample; the link keeps t= and restores the cursor", async () => {
  const { page, context, errors } = await open("?preset=full-staircase&speed=max");
  await page.evaluate(() => window.rankflow.play());
  await finished(page);
  const csv = await exportedCsv(page);
  // ← from the right end moves the cursor back (keys act on the page, not in a field).
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => /^step /.test(document.getElementById("scrub-value").textContent));
  await page.waitForTimeout(400);
  const at = await page.evaluate(() => ({
    label: document.getElementById("scrub-value").textContent,
    step: Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")),
    loss: document.getElementById("r-loss").textContent,
    url: location.search,
    matrices: document.getElementById("cap-matrices").textContent,
  }));
  const cursor = Number(at.label.replace(/[^0-9]/g, ""));
  assert.equal(at.step, cursor, "the step read-out is the cursor's");
  const row = csv.find((r) => r.step === cursor);
  assert.ok(row, `the cursor ${cursor} is on a recorded sample`);
  const fmt = (v) => (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(+v.toPrecision(4)));
  assert.equal(at.loss, fmt(row.loss), "the loss read-out is that sample's");
  assert.ok(cursor < 40000 && cursor > 0, `cursor moved back from the end: ${cursor}`);
  assert.match(at.url, new RegExp(`[?&]t=${cursor}(&|$)`));
  assert.match(at.matrices, /of W at step \d+/);
  // End follows the run again.
  await page.keyboard.press("End");
  await page.waitForFunction(() => document.getElementById("scrub-value").textContent === "latest");
  // A t= link restores the cursor (the run plays there by itself).
  const link = await open(`?preset=full-staircase&t=${cursor}`);
  await link.page.waitForFunction(
    (c) => document.getElementById("scrub-value").textContent === `step ${c.toLocaleString()}`,
    cursor,
    { timeout: 60000 },
  );
  const step = await link.page.$eval("#r-step", (e) => Number(e.textContent.replace(/[^0-9]/g, "")));
  assert.equal(step, cursor);
  assert.deepEqual([...errors, ...link.errors], []);
  await link.context.close();
  await context.close();
});

test("present mode fills a 1280×720 projector with text of at least 20 px", async () => {
  const init = () => {
    window.__text = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, x, y, w) {
      if ((this.canvas.dataset?.for || this.canvas.id) === "sv-chart")
        window.__text.push(parseFloat((/([\d.]+)px/.exec(this.font) || [])[1]));
      return fill.call(this, text, x, y, w);
    };
  };
  const { page, context, errors } = await open("?preset=incremental", { viewport: { width: 1280, height: 720 }, init });
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("f");
  await page.waitForFunction(() => document.body.classList.contains("present"));
  await page.evaluate(() => {
    window.__text = [];
  });
  await page.evaluate(() => window.rankflow.step(500));
  await page.waitForTimeout(800);
  const box = await page.$eval("#sv-chart", (c) => {
    const r = c.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, w: r.width, h: r.height };
  });
  assert.ok(box.top >= 0 && box.bottom <= 720 && box.h >= 560 && box.w >= 1200, `σ chart ${JSON.stringify(box)}`);
  const sizes = await page.evaluate(() => window.__text);
  assert.ok(sizes.length > 5 && Math.min(...sizes) >= 20, `text sizes ${Math.min(...sizes)}…`);
  // c: the claim's figure fills the screen instead, as large.
  await page.evaluate(() => {
    window.__claim = [];
    const f = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (t, x, y, w) {
      if ((this.canvas.dataset?.for || this.canvas.id) === "claim-chart")
        window.__claim.push(parseFloat((/([\d.]+)px/.exec(this.font) || [])[1]));
      return f.call(this, t, x, y, w);
    };
  });
  await page.keyboard.press("c");
  await page.waitForTimeout(500);
  const claim = await page.$eval("#claim-chart", (c) => {
    const r = c.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, h: r.height, sv: document.getElementById("sv-chart").checkVisibility() };
  });
  assert.ok(
    !claim.sv && claim.top >= 0 && claim.bottom <= 720 && claim.h >= 560,
    `claim figure ${JSON.stringify(claim)}`,
  );
  const claimSizes = await page.evaluate(() => window.__claim);
  assert.ok(claimSizes.length > 5 && Math.min(...claimSizes) >= 20, `claim text sizes ${Math.min(...claimSizes)}…`);
  await page.keyboard.press("c");
  assert.match(await page.evaluate(() => location.search), /present=1/);
  await page.keyboard.press("f");
  await page.waitForFunction(() => !document.body.classList.contains("present"));
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [w, h] of [
  [320, 480],
  [640, 400],
  [800, 600],
  [760, 640],
]) {
  test(`an embed at ${w}×${h} shows the whole σ chart and claim figure without scrolling`, async () => {
    const small = w < 560 || h < 560; // one figure at a time, switched by tabs
    for (const preset of ["incremental", "noisy-gd", "saddle-to-saddle"]) {
      const { page, context, errors } = await open(`?embed=1&preset=${preset}`, { viewport: { width: w, height: h } });
      await page.waitForTimeout(400);
      const visible = () =>
        page.evaluate(() =>
          ["sv-chart", "claim-chart"]
            .map((id) => {
              const c = document.getElementById(id);
              if (!c.checkVisibility()) return null;
              const r = c.getBoundingClientRect();
              return { id, top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
            })
            .filter(Boolean),
        );
      const check = (boxes) => {
        for (const b of boxes) {
          assert.ok(
            b.top >= 0 && b.bottom <= h && b.left >= 0 && b.right <= w && b.height >= 120,
            `${preset} ${b.id} at ${w}×${h}: ${JSON.stringify(b)}`,
          );
        }
      };
      const first = await visible();
      check(first);
      // The figure that states the claim comes first: the claim's figure for noisy-gd (a norm ratio), the σ chart
      // for the staircases.
      const [lead, other] = preset === "noisy-gd" ? ["claim", "sv"] : ["sv", "claim"];
      const tabs = await page.$$eval("#fig-tabs button", (bs) => bs.map((b) => b.id));
      assert.deepEqual(tabs, [`tab-${lead}`, `tab-${other}`], `${preset}: the lead's tab first`);
      if (small) {
        assert.deepEqual(
          first.map((b) => b.id),
          [`${lead}-chart`],
          `${preset}: the lead figure first`,
        );
        await page.click(`#tab-${other}`);
        await page.waitForTimeout(200);
        const second = await visible();
        assert.deepEqual(
          second.map((b) => b.id),
          [`${other}-chart`],
          `${preset}: the other figure after its tab`,
        );
        check(second);
      } else {
        const byTop = [...first].sort((a, b) => a.top - b.top).map((b) => b.id);
        assert.deepEqual(byTop, [`${lead}-chart`, `${other}-chart`], `${preset}: both figures, the lead on top`);
      }
      assert.equal(await page.evaluate(() => document.scrollingElement.scrollTop), 0);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
}

test("a figure embed shows a play overlay; under reduced motion it is drawn finished", async () => {
  const { page, context, errors } = await open("?embed=1&figure=1&preset=full-staircase", {
    viewport: { width: 640, height: 400 },
  });
  await page.locator("#play-overlay").waitFor({ state: "visible" });
  await page.click("#play-overlay");
  await page.waitForFunction(() => window.rankflow.state().status === "playing");
  assert.equal(await page.locator("#play-overlay").isVisible(), false);
  await context.close();
  const calm = await open("?embed=1&figure=1&preset=full-staircase", {
    viewport: { width: 640, height: 400 },
    reducedMotion: "reduce",
  });
  await finished(calm.page);
  assert.equal(await calm.page.locator("#play-overlay").isVisible(), false);
  const step = await calm.page.evaluate(() => window.rankflow.state().step);
  assert.equal(step, 40000, "the whole run is drawn");
  assert.deepEqual([...errors, ...calm.errors], []);
  await calm.context.close();
});

test("changing α keeps the last run as a labelled ghost and an edited preset keeps its title; both clear", async () => {
  const { page, context, errors } = await open("?preset=incremental&speed=max");
  await page.evaluate(() => window.rankflow.step(3000));
  await page.waitForFunction(() => window.rankflow.state().step >= 3000);
  const title = await page.$eval("#preset-title", (e) => e.textContent);
  // One arrow key on the α slider: α 1e-3 → 10^−2.9.
  await page.focus('[data-field="model.init_scale"]');
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => !document.getElementById("clear-ghost").hidden);
  assert.match(
    await page.$eval("#clear-ghost", (e) => e.title),
    /previous: α = (1e-3|0\.001)$|previous: α = (1e-3|0\.001)\)/,
  );
  assert.equal(await page.$eval("#preset-title", (e) => e.textContent), title, "the preset keeps its title");
  assert.match(await page.$eval("#edited-what", (e) => e.textContent), /edited: α (1e-3|0\.001) → /);
  // The ghost is drawn: the chart differs once it is cleared.
  await page.waitForTimeout(500);
  await page.evaluate(() => window.rankflow.pause());
  await page.waitForTimeout(300);
  const withGhost = await page.$eval("#sv-chart", (c) => c.toDataURL());
  await page.click("#clear-ghost");
  await page.waitForFunction(() => document.getElementById("clear-ghost").hidden);
  await page.waitForTimeout(300);
  assert.notEqual(await page.$eval("#sv-chart", (c) => c.toDataURL()), withGhost, "the faint lines are gone");
  await page.click("#back-to-preset");
  await page.waitForFunction(() => document.getElementById("edited").hidden);
  assert.deepEqual(errors, []);
  await context.close();
});

test("touch: press and hold on a chart shows the values, sliding moves the crosshair", async () => {
  const context = await browser.newContext({ viewport: { width: 760, height: 900 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(BASE_URL + "?preset=full-staircase&speed=max");
  await page.waitForFunction(() => window.rankflow && window.rankflow.state().status !== "loading", null, {
    timeout: 20000,
  });
  await page.evaluate(() => window.rankflow.play());
  await finished(page);
  await page.locator("#sv-chart").scrollIntoViewIfNeeded();
  const r = await page.$eval("#sv-chart", (c) => {
    const b = c.getBoundingClientRect();
    return { x: b.left, y: b.top, w: b.width, h: b.height };
  });
  const cdp = await context.newCDPSession(page);
  const touch = (type, x) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y: r.y + 0.6 * r.h }] });
  await touch("touchStart", r.x + 0.5 * r.w);
  await page.waitForTimeout(500); // hold
  const tip = page.locator("#sv-chart ~ .hover-tip");
  await tip.waitFor({ state: "visible", timeout: 15000 });
  const first = Number(await tip.getAttribute("data-x"));
  await touch("touchMove", r.x + 0.8 * r.w);
  await page.waitForTimeout(200);
  const second = Number(await tip.getAttribute("data-x"));
  assert.ok(second > first, `the crosshair follows the finger: step ${first} → ${second}`);
  await touch("touchEnd");
  assert.deepEqual(errors, []);
  await context.close();
});
