// Sharing, embedding, exporting and keyboard use of the page, in a real headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, stepCount, BASE_URL, downloaded } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const stepped = (page, n) =>
  page.waitForFunction((n) => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) === n, n);

test("URL round trip: the same link restores every field and the same trajectory", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.fill('[data-field="problem.n"]', "12");
  await page.fill('[data-field="problem.singular_values"]', "5 2");
  await page.fill('[data-field="model.depth"]', "2");
  await page.fill('[data-field="optimizer.lr"]', "3");
  await page.fill('[data-field="seed"]', "7");
  await page.press('[data-field="seed"]', "Tab");
  const url = page.url();
  assert.match(url, /problem\.n=12/);
  assert.match(url, /seed=7/);
  // Each edit restarted the run at full speed; Reset goes back to step 0, paused.
  await page.evaluate(() => window.rankflow.reset());
  await page.waitForFunction(() => window.rankflow.state().status === "ready");
  await page.evaluate(() => window.rankflow.step(500));
  await stepped(page, 500);
  const loss = await page.$eval("#r-loss", (e) => e.textContent);

  const second = await context.newPage();
  await second.goto(url);
  await second.waitForFunction(() => !document.getElementById("play").disabled);
  for (const [field, want] of [
    ["problem.n", "12"],
    ["problem.singular_values", "5 2"],
    ["model.depth", "2"],
    ["optimizer.lr", "3"],
    ["seed", "7"],
  ]) {
    assert.equal(await second.$eval(`[data-field="${field}"]`, (e) => e.value), want, field);
  }
  await second.evaluate(() => window.rankflow.step(500));
  await stepped(second, 500);
  assert.equal(await second.$eval("#r-loss", (e) => e.textContent), loss, "same seed, same trajectory");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a bad link parameter is named, and only that field falls back", async () => {
  const { page, errors, context } = await openPage(browser, {
    query: "?model.depth=42&optimizer.lr=0.5&problem.n=10&bogus=1",
  });
  const msg = await page.$eval("#message", (e) => e.textContent);
  assert.match(msg, /parameter model\.depth: model\.depth: must be an integer in \[1, 8\], got 42/);
  assert.match(msg, /unknown parameter "bogus"/);
  assert.equal(await page.$eval('[data-field="model.depth"]', (e) => e.value), "3");
  assert.equal(await page.$eval('[data-field="optimizer.lr"]', (e) => e.value), "0.5");
  assert.equal(await page.$eval('[data-field="problem.n"]', (e) => e.value), "10");
  assert.deepEqual(errors, []);
  await context.close();
});

for (const width of [320, 1200]) {
  test(`embed mode fits ${width} px, draws crisply and links back`, async () => {
    const { page, errors, context } = await openPage(browser, {
      query: "?embed=1&preset=incremental&autoplay=1",
      viewport: { width, height: 700 },
      deviceScaleFactor: 2,
    });
    assert.ok(await page.$eval(".top", (e) => e.getBoundingClientRect().height <= 1), "the header out of sight");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
    const [cw, w] = await page.$eval("#sv-chart", (c) => [c.clientWidth, c.width]);
    assert.ok(cw >= width - 40 && cw <= width, `chart ${cw}px wide in a ${width}px frame`);
    assert.equal(w, Math.round(cw * 2), "backing store follows devicePixelRatio");
    const href = await page.$eval("#open-full", (a) => (a.hidden ? "" : a.getAttribute("href")));
    assert.match(href, /preset=incremental/);
    assert.doesNotMatch(href, /embed=1/);
    await page.waitForFunction(
      () => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 0,
      null,
      { timeout: 30000 },
    );
    // Resize: the chart is redrawn at the new size.
    await page.setViewportSize({ width: width + 100, height: 700 });
    await page.waitForFunction(
      (w) =>
        document.getElementById("sv-chart").width === Math.round(document.getElementById("sv-chart").clientWidth * 2) &&
        document.getElementById("sv-chart").clientWidth > w - 40,
      width + 100,
    );
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("figure embed shows the chart alone", async () => {
  const { page, context } = await openPage(browser, {
    query: "?embed=1&figure=1&preset=counterexample",
    viewport: { width: 600, height: 400 },
  });
  assert.equal(await page.$eval(".toolbar", (e) => getComputedStyle(e).display), "none");
  assert.equal(await page.$eval('figure.card[data-figure="loss"]', (e) => getComputedStyle(e).display), "none");
  assert.equal(await page.$eval('figure.card[data-figure="claim"]', (e) => getComputedStyle(e).display), "none");
  const h = await page.$eval("#sv-chart", (c) => c.clientHeight);
  assert.ok(h > 300, `figure height ${h}`);
  await context.close();
});

test("every export downloads a file that parses; the config re-imports", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.click("#step");
  await page.waitForFunction(() => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 0);
  const files = {};
  for (const what of ["png:sv-chart", "svg:singular_values", "png:loss-chart", "svg:loss", "csv", "json", "config"]) {
    await page.click("#export-menu summary");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click(`[data-export="${what}"]`)]);
    files[what] = await downloaded(dl);
  }
  const png = (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  assert.ok(png(files["png:sv-chart"]) && png(files["png:loss-chart"]));
  for (const k of ["svg:singular_values", "svg:loss"]) {
    const svg = files[k].toString();
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    assert.match(svg, /<polyline/);
  }
  const csv = files.csv.toString().trim().split("\n");
  assert.match(csv[0], /^run,step,loss,test_error,nuclear_norm,effective_rank,balance,sigma_1,/);
  assert.ok(csv.length >= 2 && csv.every((l) => l.split(",").length === csv[0].split(",").length));
  const report = JSON.parse(files.json.toString());
  assert.ok(Array.isArray(report.samples) && report.samples.length >= 2 && report.final.W.length === 30);
  const config = JSON.parse(files.config.toString());
  assert.equal(config.problem.n, 30);
  // Re-import: change the seed and paste it back.
  config.seed = 99;
  await page.fill("#import-text", JSON.stringify(config));
  await page.click("#import-apply");
  assert.equal(await page.$eval('[data-field="seed"]', (e) => e.value), "99");
  assert.match(page.url(), /seed=99/);
  await page.fill("#import-text", '{"problem": {"kind": "full", "n": -3}}');
  await page.click("#import-apply");
  assert.match(await page.$eval("#message", (e) => e.textContent), /Imported config rejected: problem\.n:/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("keyboard: space plays and pauses, s steps, r resets, ? opens help; focus is visible", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.focus("body");
  await page.keyboard.press("s");
  await stepped(page, 100);
  await page.keyboard.press("r");
  await stepped(page, 0);
  await page.keyboard.press(" ");
  await page.waitForFunction(() => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 1000);
  assert.equal(await page.$eval("#play", (e) => e.getAttribute("aria-pressed")), "true");
  await page.keyboard.press(" ");
  assert.equal(await page.$eval("#play", (e) => e.getAttribute("aria-pressed")), "false");
  await page.keyboard.press("?");
  assert.equal(await page.$eval("#help", (d) => d.open), true);
  await page.keyboard.press("Escape");
  assert.equal(await page.$eval("#help", (d) => d.open), false);
  // Tab reaches the play button with a visible focus ring.
  await page.focus("body");
  await page.keyboard.press("Tab");
  let found = false;
  for (let i = 0; i < 5 && !found; i++) {
    found = await page.evaluate(() => document.activeElement?.id === "play");
    if (!found) await page.keyboard.press("Tab");
  }
  assert.ok(found, "Tab never reached the play button");
  const outline = await page.$eval("#play", (e) => getComputedStyle(e).outlineStyle);
  assert.notEqual(outline, "none");
  assert.deepEqual(errors, []);
  await context.close();
});

test("prefers-reduced-motion: autoplay does not start", async () => {
  const context = await browser.newContext({ reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(BASE_URL + "?embed=1&autoplay=1");
  await page.waitForFunction(() => !document.getElementById("play").disabled);
  await page.waitForTimeout(500);
  assert.equal(await stepCount(page), 0);
  await context.close();
});

test("the static dist/ build works under a sub-path", { skip: !process.env.RANKFLOW_SUBPATH_URL }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(process.env.RANKFLOW_SUBPATH_URL + "?preset=sensing");
  await page.waitForFunction(() => !document.getElementById("play").disabled, null, { timeout: 20000 });
  await page.click("#play");
  await page.waitForFunction(
    () => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 500,
    null,
    { timeout: 20000 },
  );
  assert.match(page.url(), /\/dist\/\?preset=sensing/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an exact α from a link survives editing other fields", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?model.init_scale=0.00018&problem.n=10" });
  await page.fill('[data-field="seed"]', "5");
  await page.press('[data-field="seed"]', "Tab");
  assert.match(page.url(), /model\.init_scale=0\.00018&/);
  assert.match(await page.$eval('output[data-value-of="model.init_scale"]', (e) => e.textContent), /1\.8e-4/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("hide= hides the named controls and fields, keeps the rest, and stays in the link", async () => {
  const { page, errors, context } = await openPage(browser, {
    query: "?preset=sensing&hide=model.depth,speed,export,bogus",
  });
  const shown = (sel) => page.$eval(sel, (e) => e.checkVisibility());
  assert.equal(await shown('[data-field="model.depth"]'), false);
  assert.equal(await shown("#speed"), false);
  assert.equal(await shown("#export-menu"), false);
  assert.equal(await shown("#play"), true);
  assert.equal(await shown('[data-field="problem.n"]'), true);
  assert.match(await page.$eval("#message", (e) => e.textContent), /parameter hide: unknown control "bogus"/);
  assert.match(await page.evaluate(() => location.search), /hide=model\.depth,speed,export/);
  // The message is not an error: the page still plays.
  await page.click("#play");
  await page.waitForFunction(
    () => window.rankflow.state().status === "playing" || window.rankflow.state().status === "finished",
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("an edited preset is judged by its claim; its experiment exports and re-imports, and a bad one names the field", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?preset=tied-spectrum&speed=max" });
  const verdict = () =>
    page
      .waitForFunction(
        () => [...document.querySelectorAll("#claim li")].map((l) => l.textContent).find((t) => /^[✓✗] claim/.test(t)),
        null,
        { timeout: 60000 },
      )
      .then((h) => h.jsonValue());
  // Stopped at 400 steps, before σ₃ is learned: the same claim, judged the same way as the CLI would, fails.
  await page.fill('[data-field="steps"]', "400");
  await page.press('[data-field="steps"]', "Tab");
  await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
  assert.match(await verdict(), /^✗ claim fails: one value at a time — but run: σ₃ never learned/);
  // The experiment (runs and claim) exports as the CLI's --experiment file…
  await page.click("#export-menu summary");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click('[data-export="experiment"]')]);
  const experiment = JSON.parse((await downloaded(dl)).toString());
  assert.equal(experiment.claim, "stage_times");
  assert.equal(experiment.runs[0].config.steps, 400);
  // …and, with enough steps again, re-imports to a verdict that holds.
  experiment.runs[0].config.steps = 3000;
  await page.fill("#import-text", JSON.stringify(experiment));
  await page.click("#import-apply");
  assert.equal(await page.$eval('[data-field="steps"]', (e) => e.value), "3000");
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
  assert.match(await verdict(), /^✓ claim holds: one value at a time/);
  experiment.runs[0].config.model.depth = 99;
  await page.fill("#import-text", JSON.stringify(experiment));
  await page.click("#import-apply");
  assert.match(
    await page.$eval("#message", (e) => e.textContent),
    /Imported experiment rejected: runs\[0\]\.config\.model\.depth:/,
  );
  assert.deepEqual(errors, []);
  await context.close();
});
