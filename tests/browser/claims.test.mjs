// The papers' claims on the page: every preset shows its read-out; key numbers appear as the explanations promise.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "./harness.mjs";
import { inked } from "./every-preset.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function runPreset(page, name) {
  await page.selectOption("#preset", name);
  await page.$eval("#speed", (el) => {
    el.value = "100";
    el.dispatchEvent(new Event("input"));
  });
  await page.click("#play");
  await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 120000 });
  // The claim's lines refresh at most once a second: the verdict line appears only with the finished numbers.
  await page.waitForFunction(
    () => [...document.querySelectorAll("#claim li")].some((l) => /^[✓✗] claim/.test(l.textContent)),
    null,
    { timeout: 20000 },
  );
  return page.$$eval("#claim li", (els) => els.map((e) => e.textContent));
}

test("every preset loads, draws and shows its claim read-out without errors", async () => {
  const { page, errors, context } = await openPage(browser);
  const names = await page.$$eval("#preset option", (os) => os.map((o) => o.value).filter((v) => v !== "custom"));
  assert.ok(names.length >= 10, `only ${names.length} presets`);
  for (const name of names) {
    await page.selectOption("#preset", name);
    await page.click("#step");
    await page.waitForFunction(
      () => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 0,
      null,
      { timeout: 20000 },
    );
    await page.waitForTimeout(300);
    const lines = await page.$$eval("#claim li", (els) => els.map((e) => e.textContent));
    assert.ok(lines.length > 0, `${name}: no claim read-out`);
    assert.ok((await page.$eval("#preset-explanation", (e) => e.textContent)).length > 100, `${name}: no explanation`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("counterexample: nuclear norms grow as α shrinks, GLRL reaches 10.2, baseline 3.8", async () => {
  const { page, errors, context } = await openPage(browser);
  const lines = await runPreset(page, "counterexample");
  const nn = (label) => Number(lines.find((l) => l.startsWith(label)).match(/‖W‖\* = ([0-9.]+)/)[1]);
  assert.ok(nn("α = 1e-2") < nn("α = 1e-4") && nn("α = 1e-4") < nn("α = 1e-6"), lines.join("\n"));
  assert.ok(nn("α = 1e-6") > 9.4);
  assert.ok(Math.abs(nn("GLRL") - 10.2) < 1e-3);
  // The baseline is solved over frames while the runs play.
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll("#claim li")].some((l) =>
        /convex baseline \(minimum trace, PSD\): 3\.80/.test(l.textContent),
      ),
    null,
    { timeout: 30000 },
  );
  assert.ok((await inked(page, "matrix-chart")) > 100, "matrix view is blank");
  assert.deepEqual(errors, []);
  await context.close();
});

test("GLRL and GD side by side: distances shrink with α", async () => {
  const { page, errors, context } = await openPage(browser);
  const lines = await runPreset(page, "glrl-equivalence");
  assert.match(lines[0], /^GLRL: 3 phases/);
  const far = ["GD α = 1e-2", "GD α = 1e-4", "GD α = 1e-6"].map((l) =>
    Number(lines.find((x) => x.startsWith(l)).match(/farthest from GLRL's path ([0-9.]+) after leaving/)[1]),
  );
  assert.ok(far[0] > far[1] && far[1] > far[2], far.join(", "));
  // GLRL's output is the target here: the read-out says the end point proves only a fit, and the verdict holds.
  assert.ok(
    lines.some((l) => /GLRL's output is the target M itself/.test(l)),
    lines.join("\n"),
  );
  assert.match(
    lines[lines.length - 1],
    /^✓ claim holds: GD follows GLRL's path as α → 0 — largest distance [0-9.]+ at α = 1e-6 \(needs ≤ 0\.15\)/,
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("full-staircase: the exact theory of the aligned start is drawn and can be hidden", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?preset=full-staircase&speed=max" });
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
  await page.waitForFunction(
    () => /Dotted: the exact per-mode recursion/.test(document.getElementById("cap-singular_values").textContent),
    null,
    { timeout: 20000 },
  );
  assert.match(await page.$eval("#cap-singular_values", (e) => e.textContent), /theory: learned at 2k, 4k, 8k, 16k/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("sweep lines: noisy GD's ratio against its noise over 2 seeds, one mean line with a band and the prediction", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.selectOption("#preset", "noisy-gd");
  await page.fill('[data-field="steps"]', "20000");
  await page.press('[data-field="steps"]', "Tab");
  await page.click("#phase-view summary");
  await page.selectOption("#sweep-shape", "lines");
  assert.equal(await page.$eval("#sweep-y-label", (e) => e.textContent), "one line per");
  await page.selectOption("#sweep-x", "noise");
  await page.selectOption("#sweep-y", "none");
  await page.fill("#sweep-seeds", "2");
  await page.selectOption("#sweep-outcome", "norm_ratio");
  await page.click("#sweep-run");
  await page.waitForFunction(() => /^done: 8 runs/.test(document.getElementById("sweep-status").textContent), null, {
    timeout: 120000,
  });
  assert.ok((await inked(page, "sweep-chart")) > 1000, "lines are blank");
  // A phase diagram without a second field is refused with a message naming it.
  await page.selectOption("#sweep-shape", "heat");
  await page.click("#sweep-run");
  assert.match(await page.$eval("#message", (e) => e.textContent), /a phase diagram needs a second field/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("seed= re-seeds a preset, says so, keeps it in the link, and the verdict is shown", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?preset=tied-spectrum&seed=4&speed=max" });
  assert.match(await page.$eval("#preset-explanation", (e) => e.textContent), /Re-seeded at seed 4/);
  assert.equal(await page.$eval('[data-field="seed"]', (e) => e.value), "4");
  assert.match(await page.evaluate(() => location.search), /preset=tied-spectrum&seed=4/);
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
  await page.waitForFunction(
    () => [...document.querySelectorAll("#claim li")].some((l) => l.textContent.startsWith("✓ claim holds")),
    null,
    { timeout: 30000 },
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("custom matrix editor: a typed matrix becomes an entries problem; malformed text is explained", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.selectOption('[data-field="problem.kind"]', "entries");
  await page.fill('[data-field="problem.values"]', "? 1 1 / 1 ? 0.1 / 1 0.1");
  await page.press('[data-field="problem.values"]', "Tab");
  assert.match(
    await page.$eval("#message", (e) => e.textContent),
    /problem\.values: row 3 has 2 entries but row 1 has 3/,
  );
  // An edit restarts the run; a malformed edit right after it (in the same turn: before the simulation answers)
  // holds that run, which would diverge at its step size, and the field's message stays.
  await page.evaluate(() => {
    const edit = (field, value) => {
      const el = document.querySelector(`[data-field="${field}"]`);
      el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    };
    edit("problem.values", "? 1 1 / 1 ? 0.1 / 1 0.1 ?");
    edit("problem.values", "? 1 1 / 1 ? 0.1 / 1 0.1");
  });
  await page.waitForTimeout(1500);
  assert.notEqual(await page.evaluate(() => window.rankflow.state().status), "playing");
  assert.match(
    await page.$eval("#message", (e) => e.textContent),
    /problem\.values: row 3 has 2 entries but row 1 has 3/,
  );
  await page.fill('[data-field="problem.values"]', "? 1 1 / 1 ? 0.1 / 1 0.1 ?");
  await page.fill('[data-field="model.depth"]', "2");
  await page.fill('[data-field="optimizer.lr"]', "0.02");
  await page.check('[data-field="model.symmetric"]');
  await page.press('[data-field="optimizer.lr"]', "Tab");
  assert.equal(await page.$eval("#message", (e) => e.hidden), true, await page.$eval("#message", (e) => e.textContent));
  const cfg = await page.evaluate(() => document.querySelector('[data-field="problem.kind"]').value);
  assert.equal(cfg, "entries");
  await page.click("#play");
  await page.waitForFunction(() => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 1000);
  assert.deepEqual(errors, []);
  await context.close();
});

test("compare custom runs side by side: depth 3 vs depth 2 on the same problem; the link restores both", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.click("#compare-panel summary");
  await page.click("#compare-add");
  await page.fill('[data-field="model.depth"]', "2");
  await page.press('[data-field="model.depth"]', "Tab");
  await page.click("#compare-add");
  assert.equal(await page.$$eval("#compare-list li", (l) => l.length), 2);
  await page.click("#compare-run");
  await page.$eval("#speed", (el) => {
    el.value = "100";
    el.dispatchEvent(new Event("input"));
  });
  await page.waitForFunction(() => document.getElementById("play").textContent.includes("Play"), null, {
    timeout: 120000,
  });
  await page.waitForTimeout(300);
  const lines = await page.$$eval("#claim li", (els) => els.map((e) => e.textContent));
  // One line per run (and, once both have finished, the verdict).
  const runs = lines.filter((l) => !/^[✓✗] claim/.test(l));
  assert.equal(runs.length, 2, lines.join("\n"));
  assert.match(runs[0], /^GD L=3 α=1e-3: σ₁…σ₄ learned at steps/);
  assert.match(runs[1], /^GD L=2 α=1e-3: σ₁…σ₄ learned at steps/);
  assert.match(await page.$eval("#preset-title", (e) => e.textContent), /Comparison: GD L=3 α=1e-3 vs GD L=2 α=1e-3/);
  // The link keeps every compared run: opened afresh it shows the same comparison, both runs in the table.
  const search = await page.evaluate(() => location.search);
  assert.match(search, /[?&]compare=/);
  const again = await openPage(browser, { query: search });
  await again.page.waitForFunction(() => document.querySelectorAll("#runs tbody tr").length === 2, null, {
    timeout: 20000,
  });
  assert.match(
    await again.page.$eval("#preset-title", (e) => e.textContent),
    /Comparison: GD L=3 α=1e-3 vs GD L=2 α=1e-3/,
  );
  assert.equal(await again.page.$$eval("#compare-list li", (l) => l.length), 2);
  assert.deepEqual([...errors, ...again.errors], []);
  await again.context.close();
  await context.close();
});
