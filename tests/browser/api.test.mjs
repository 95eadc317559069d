// The page API (window.rankflow) and the simulation Worker: every preset plays to "finished" with the CLI's
// numbers exactly, the worker's failure is shown and Reset recovers, memory stays flat over 10⁷ steps.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, openPage, BASE_URL, settledMemory } from "./harness.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CLI = new URL("../../target/release/rankflow", import.meta.url).pathname;
const PRESETS = JSON.parse(execFileSync(CLI, ["presets", "--json"]).toString()).map((p) => p.name);

const finished = (page, timeout = 240000) =>
  page.waitForFunction(() => window.rankflow?.state().status === "finished", null, { timeout });

/** a ≈ b: equal structure, numbers within a relative 1e-6 (native and wasm products round differently). */
function close(a, b, path = "") {
  if (typeof a === "number" && typeof b === "number") {
    assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-300), `${path}: ${a} vs ${b}`);
  } else if (a && typeof a === "object") {
    assert.equal(typeof b, "object", path);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), path);
    for (const k of Object.keys(a)) close(a[k], b[k], `${path}/${k}`);
  } else assert.equal(a, b, path);
}

test("every preset reaches finished through window.rankflow with the CLI's claim, bit-identical to one flat run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rankflow-api-"));
  const { page, errors, context } = await openPage(browser);
  const events = [];
  await page.exposeFunction("__event", (s) => events.push(s));
  await page.evaluate(() => document.addEventListener("rankflow:statechange", (e) => window.__event(e.detail.status)));
  for (const name of PRESETS) {
    await page.selectOption("#preset", name);
    await page.waitForFunction(() => ["ready", "finished"].includes(window.rankflow.state().status));
    await page.$eval("#speed", (el) => { el.value = el.max; el.dispatchEvent(new Event("input")); });
    events.length = 0;
    const t0 = Date.now();
    await page.evaluate(() => window.rankflow.play());
    await finished(page);
    const secs = (Date.now() - t0) / 1000;
    const state = await page.evaluate(() => window.rankflow.state());
    assert.equal(state.status, "finished");
    assert.ok(state.runs.length >= 1 && state.runs.every((r) => r.step > 0), `${name}: ${JSON.stringify(state.runs)}`);
    assert.ok(events.includes("playing") && events.at(-1) === "finished", `${name}: events ${events}`);
    const pageReport = await page.evaluate(() => window.rankflow.report());
    // The worker sliced its steps by time; the same wasm stepping in one call per 10⁶ steps gives the same bits.
    const flat = await page.evaluate(async (name) => {
      const m = await import("./pkg/rankflow.js");
      const lab = m.Lab.from_preset(name);
      while (lab.advance(1000000) > 0);
      while (!lab.advance_baseline(1000));
      const r = lab.report_json();
      lab.free();
      return r;
    }, name);
    assert.ok(pageReport === flat, `${name}: the page's trajectories differ from one flat run's`);
    const out = join(dir, `${name}.json`);
    execFileSync(CLI, ["run", "--preset", name, "--out", out], { stdio: "ignore" });
    const cli = JSON.parse(readFileSync(out, "utf8"));
    const mine = JSON.parse(pageReport);
    assert.deepEqual(mine.claim.lines, cli.claim.lines, `${name}: the claim's lines differ from the CLI's`);
    close(mine.claim, cli.claim, `${name} claim`);
    console.log(`${name}: finished in ${secs.toFixed(1)} s; ${cli.claim?.lines?.[0] ?? ""}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("Play on a finished run says so; pause/step/state follow the API", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?problem.n=8&problem.rank=2&steps=300&speed=max" });
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
        if (m?.type === "load" && window.__holdLoads) { setTimeout(() => super.postMessage(m, transfer), 3000); return; }
        return super.postMessage(m, transfer);
      }
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${BASE_URL}?problem.n=8&problem.rank=2&steps=300`);
  await page.waitForFunction(() => window.rankflow?.state().status === "ready");
  await page.evaluate(() => { window.__holdLoads = true; window.rankflow.reset(); });
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

test("at full speed the run streams: the step advances in many small slices, never a silent second", async () => {
  // A worker's clock is coarse (~0.1 ms): once the code was warm, a first step timed as 0 ms sized the next slice
  // to the whole run, so the charts froze until its end (seen after α drags: 3.7 s without an answer).
  const { page, context } = await openPage(browser, { query: "?preset=incremental&speed=max" });
  const play = () => page.evaluate(() => new Promise((resolve) => {
    const seen = [];
    const t0 = performance.now();
    const tick = () => {
      const s = window.rankflow.state();
      if (seen.at(-1)?.[1] !== s.step) seen.push([performance.now() - t0, s.step]);
      if (s.status === "finished") resolve(seen); else requestAnimationFrame(tick);
    };
    window.rankflow.play();
    requestAnimationFrame(tick);
  }));
  for (const round of ["cold", "warm (after Reset)", "warm again"]) {
    const trace = await play();
    const gaps = trace.slice(1).map((p, i) => p[0] - trace[i][0]);
    assert.equal(trace.at(-1)[1], 50000, round);
    assert.ok(trace.length >= 20, `${round}: only ${trace.length} distinct steps drawn: ${JSON.stringify(trace.slice(0, 5))}…`);
    assert.ok(Math.max(...gaps) < 1500, `${round}: a gap of ${Math.round(Math.max(...gaps))} ms without a new step`);
    await page.evaluate(() => window.rankflow.reset());
    await page.waitForFunction(() => window.rankflow.state().status === "ready");
  }
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
    await page.goto(`${BASE_URL}?preset=incremental&speed=max`);
    const baseline = () => page.$eval("#r-baseline", (e) => e.textContent);
    await page.waitForFunction(() => /\d/.test(document.getElementById("r-baseline").textContent), null, { timeout: 60000 });
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
    assert.equal(await page.evaluate(() => window.__baselineRequests), helper ? 1 : 0, `helper ${helper}: requests to the helper`);
    assert.deepEqual(errors, []);
    values.push(before);
    await context.close();
  }
  assert.equal(values[0], values[1], "the helper's baseline and the simulation's own");
});

test("the simulation's wasm memory after 10⁷ steps equals its memory after 10⁶; the page's does not grow", async () => {
  const q = "?problem.kind=entries&problem.values=%3F%201%201%20%2F%201%20%3F%200.1%20%2F%201%200.1%20%3F" +
    "&model.depth=2&model.symmetric=1&model.init_scale=0.0001&optimizer.lr=0.02&steps=10000000&record_every=1&speed=max";
  const { page, errors, context } = await openPage(browser, { query: q });
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().step >= 1000000, null, { timeout: 240000, polling: 50 });
  const at1e6 = await page.evaluate(() => window.rankflow.memory());
  await page.waitForFunction(() => window.rankflow.state().step >= 5000000, null, { timeout: 600000, polling: 50 });
  const at5e6 = await page.evaluate(() => window.rankflow.memory());
  await finished(page, 600000);
  const at1e7 = await settledMemory(page);
  console.log(`memory: simulation ${at1e6.simulation} B at 10⁶ steps, ${at1e7.simulation} B at 10⁷; page ${at1e6.page} → ${at5e6.page} → ${at1e7.page} B, ` +
    `its live heap ${at1e6.pageHeap} → ${at5e6.pageHeap} → ${at1e7.pageHeap} B`);
  assert.equal((await page.evaluate(() => window.rankflow.state())).step, 10000000);
  assert.equal(at1e7.simulation, at1e6.simulation, "the simulation's wasm memory grew");
  // The page only decodes and draws figures of bounded size: its live heap stays within the few KB by which one
  // frame's figures differ from another's (19–23 KB here; 64 bytes forgotten per frame drawn raised it by 14 KB), and
  // its linear memory (a high-water mark, which fragmentation alone can raise by a few pages) within 1 MiB.
  assert.ok(at1e7.pageHeap - at1e6.pageHeap <= 8192, `the page's live heap grew: ${at1e6.pageHeap} → ${at1e7.pageHeap} B`);
  assert.ok(at1e7.page - at5e6.page <= 1 << 20, "the page's wasm memory grew by over 1 MiB");
  assert.deepEqual(errors, []);
  await context.close();
});
