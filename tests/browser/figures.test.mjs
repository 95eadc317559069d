// The page's figures as a lecturer sees them on a 1280×720 projector: the σ chart fully above the fold, the
// initial state drawn before Play, canvas text large enough for the back row, a claim figure for every preset,
// captions and tables from the core, no raw TeX anywhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const PROJECTOR = { width: 1280, height: 720 };
// Records the font size of every text drawn on each canvas (plotters-canvas sets ctx.font to "… Npx family").
const recordText = () => {
  window.__text = {};
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, w) {
    const px = parseFloat((/([\d.]+)px/.exec(this.font) || [])[1]);
    const id = this.canvas.dataset?.for || this.canvas.id || "?"; // charts are drawn off screen, then copied
    (window.__text[id] ??= []).push(px);
    return fill.call(this, text, x, y, w);
  };
};

async function projector(query = "") {
  const context = await browser.newContext({ viewport: PROJECTOR, deviceScaleFactor: 1 });
  await context.addInitScript(recordText);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto((process.env.RANKFLOW_URL ?? "http://127.0.0.1:8000/") + query);
  await page.waitForFunction(() => !document.getElementById("play").disabled, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  return { page, context, errors };
}

test("at 1280×720 the σ chart is fully above the fold and its text is projector-sized", async () => {
  const { page, context, errors } = await projector();
  const box = await page.$eval("#sv-chart", (c) => {
    const r = c.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height };
  });
  assert.ok(box.top >= 0 && box.bottom <= 720, `σ chart spans ${box.top}–${box.bottom}`);
  assert.ok(box.height >= 400, `σ chart only ${box.height}px tall`);
  const sizes = await page.evaluate(() => window.__text);
  for (const id of ["sv-chart", "claim-chart", "loss-chart", "matrix-chart"]) {
    assert.ok(sizes[id]?.length >= 3, `no text drawn on ${id}`);
    const min = Math.min(...sizes[id]);
    assert.ok(min >= 16, `${id}: text as small as ${min}px`);
  }
  assert.ok(Math.max(...sizes["sv-chart"]) >= 20, "σ chart title below 20px");
  assert.deepEqual(errors, []);
  await context.close();
});

test("before Play the σ chart shows the initial singular values at step 0", async () => {
  const { page, context } = await projector("?preset=counterexample");
  assert.match(await page.$eval("#cap-singular_values", (e) => e.textContent), /at step 0/);
  // Saturated (palette-coloured) pixels in the lower-left of the plot: the step-0 dots (targets are absent here).
  const coloured = await page.$eval("#sv-chart", (c) => {
    const w = Math.round(c.width * 0.14),
      h = Math.round(c.height * 0.75);
    const d = c.getContext("2d").getImageData(0, c.height - h, w, h - Math.round(c.height * 0.12)).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) + Math.abs(d[i + 1] - d[i + 2]) > 80) n++;
    return n;
  });
  assert.ok(coloured > 20, `no initial values drawn (${coloured} coloured pixels)`);
  // The data table holds the step-0 row.
  await page.click('details.data-table[data-figure="singular_values"] summary');
  // The table is filled by the details' toggle event, which fires in a task of its own after the click.
  await page.waitForSelector('details.data-table[data-figure="singular_values"] tbody tr', { timeout: 15000 });
  const firstRow = await page.$$eval(
    'details.data-table[data-figure="singular_values"] tbody tr:first-child td',
    (tds) => tds.map((t) => t.textContent),
  );
  assert.equal(firstRow[0], "1", "step 0 sits at the left edge (1) of the log axis");
  assert.ok(
    firstRow.slice(1).some((v) => v !== ""),
    "no values in the step-0 row",
  );
  await context.close();
});

test("every preset shows its claim figure and captions, with no raw TeX in the page", async () => {
  const { page, context, errors } = await projector();
  const names = await page.$$eval("#preset option", (os) => os.map((o) => o.value).filter((v) => v !== "custom"));
  assert.ok(names.length >= 10);
  for (const name of names) {
    await page.selectOption("#preset", name);
    await page.waitForFunction(() => !document.querySelector('figure[data-figure="claim"]').hidden, null, {
      timeout: 30000,
    });
    await page.waitForFunction(() => document.getElementById("cap-claim").textContent.length > 10, null, {
      timeout: 30000,
    });
    const inked = await page.$eval("#claim-chart", (c) => {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) n++;
      return n;
    });
    assert.ok(inked > 500, `${name}: claim figure blank`);
    const text = await page.evaluate(
      () =>
        document.body.innerText +
        [...document.querySelectorAll("[aria-valuetext]")].map((e) => e.getAttribute("aria-valuetext")).join(" "),
    );
    for (const tex of ["_{", "^{", "\\"]) assert.ok(!text.includes(tex), `${name}: raw TeX ${tex} on the page`);
    const described = await page.$eval(
      "#sv-chart",
      (c) => document.getElementById(c.getAttribute("aria-describedby")).textContent,
    );
    assert.ok(described.length > 10, `${name}: σ chart has no caption`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("a multi-run preset shows one read-out row per run and its finished wording", async () => {
  const { page, context } = await projector("?preset=counterexample&speed=5000");
  await page.click("#play");
  await page.waitForFunction(
    () => /^Finished at step 300,000\./.test(document.getElementById("status").textContent),
    null,
    { timeout: 120000 },
  );
  await page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 4, null, { timeout: 20000 });
  const rows = await page.$$eval("#runs tbody tr", (trs) => trs.map((tr) => tr.cells[0].textContent));
  assert.deepEqual(rows, ["α = 1e-2", "α = 1e-4", "α = 1e-6", "GLRL"]);
  // The strip above no longer shows one unnamed run's numbers: they are in the table, one row per run.
  assert.equal(await page.$eval("#r-nuclear", (e) => e.offsetParent), null);
  assert.notEqual(await page.$eval("#r-step", (e) => e.offsetParent), null);
  const status = await page.$eval("#status", (e) => e.textContent);
  assert.match(status, /GLRL converged after 1 phase:/);
  assert.doesNotMatch(status, /GLRL: GLRL/);
  const alpha = await page.$eval('[data-field="model.init_scale"]', (e) => e.getAttribute("aria-valuetext"));
  assert.match(alpha, /^α = /);
  await context.close();
});

test("the product init convention comes from the link, shows in the form and the caption", async () => {
  const { page, context, errors } = await projector(
    "?problem.kind=full&problem.n=10&problem.rank=2&model.depth=4&model.init_convention=product",
  );
  assert.equal(await page.$eval('[data-field="model.init_convention"]', (e) => e.value), "product");
  await page.waitForFunction(() =>
    /product convention/.test(document.getElementById("cap-singular_values").textContent),
  );
  // Editing another field keeps it (and a preset without it shows the default, not an empty choice).
  await page.fill('[data-field="model.depth"]', "3");
  await page.press('[data-field="model.depth"]', "Tab");
  // The edit replays at full speed (it may diverge at this step size); nothing complains about the convention.
  assert.doesNotMatch(await page.$eval("#message", (e) => e.textContent), /init_convention/);
  assert.match(page.url(), /model\.init_convention=product/);
  await page.selectOption("#preset", "incremental");
  assert.equal(await page.$eval('[data-field="model.init_convention"]', (e) => e.value), "factor");
  assert.deepEqual(errors, []);
  await context.close();
});
