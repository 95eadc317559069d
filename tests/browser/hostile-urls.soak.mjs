// Soak (cargo xtask test --soak): ≥ 200 hostile URLs: no uncaught exception, no wasm trap, the page stays
// interactive, injected markup never renders.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, BASE_URL } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function hostileQueries() {
  const payloads = [
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror=window.__pwned=1>',
    "javascript:alert(1)",
    "<svg onload=window.__pwned=1>",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1",
    "0",
    "-0",
    "1.5",
    "99999999999999999999",
    "",
    "%",
    "%%",
    "%zz",
    "%00",
    "null",
    "true",
    "{}",
    "[]",
    "[[[[[[[[",
    "a".repeat(5000),
    "?",
    "? ? / ? ?",
    "1,2,3,,,",
    "💥",
    "\u202e",
    "../../",
    "0x1f",
  ];
  const keys = [
    "preset",
    "embed",
    "controls",
    "autoplay",
    "figure",
    "log",
    "speed",
    "seed",
    "steps",
    "record_every",
    "hessian",
    "problem.kind",
    "problem.n",
    "problem.m",
    "problem.rank",
    "problem.observed_fraction",
    "problem.psd",
    "problem.measurements",
    "problem.singular_values",
    "problem.values",
    "model.depth",
    "model.width",
    "model.symmetric",
    "model.init",
    "model.init_scale",
    "model.init_scales",
    "optimizer.kind",
    "optimizer.lr",
    "optimizer.noise",
    "optimizer.anneal_steps",
    "optimizer.epsilon",
    "optimizer.tolerance",
    "optimizer.max_phase_steps",
    "<b>x</b>",
    "__proto__",
    "constructor",
  ];
  let seed = 12345;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const out = [];
  for (const k of keys) out.push(`?${encodeURIComponent(k)}=${encodeURIComponent(payloads[rnd(payloads.length)])}`);
  for (const p of payloads) out.push(`?model.depth=${encodeURIComponent(p)}&problem.values=${encodeURIComponent(p)}`);
  out.push(`?problem.values=${encodeURIComponent(("1 ".repeat(60) + "/ ").repeat(60))}`);
  out.push(`?steps=${"9".repeat(120000)}`);
  out.push("#model.depth=<img src=x onerror=window.__pwned=1>");
  while (out.length < 210) {
    const parts = [];
    for (let i = 0; i < 1 + rnd(6); i++)
      parts.push(`${encodeURIComponent(keys[rnd(keys.length)])}=${encodeURIComponent(payloads[rnd(payloads.length)])}`);
    out.push(`?${parts.join("&")}`);
  }
  return out;
}

test("≥ 200 hostile URLs: no exception, no trap, still interactive, nothing injected", async () => {
  const queries = hostileQueries();
  assert.ok(queries.length >= 200);
  const failures = [];
  let current = "";
  let context = null;
  let page = null;
  // A fresh browser context every 50 URLs: one renderer navigated 200 times in a minute holds every page's wasm
  // memory until the engine collects it, and CI once ran out of wasm address space there ("Cannot allocate Wasm
  // memory for new instance") — the browser's limit, not the page's.
  const fresh = async () => {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    page = await context.newPage();
    page.on("pageerror", (e) => failures.push(`${current}: uncaught ${e}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /panicked|unreachable|RuntimeError|wasm/i.test(m.text()))
        failures.push(`${current}: ${m.text()}`);
    });
  };
  let withMessage = 0;
  for (const [i, q] of queries.entries()) {
    if (i % 50 === 0) await fresh();
    current = q.slice(0, 80);
    // A timeout names the URL and what the page showed then (and any error seen before it).
    const named = async (e) => {
      const shown = await page
        .evaluate(() => ["status", "message"].map((id) => document.getElementById(id)?.textContent))
        .catch(() => []);
      throw new Error(`${current}: ${e.message}; page: ${JSON.stringify(shown)}; errors: ${JSON.stringify(failures)}`);
    };
    await page.goto(BASE_URL + q);
    await page.waitForFunction(() => !document.getElementById("play").disabled, null, { timeout: 30000 }).catch(named);
    // Interactive: a step still runs (by keyboard, which works in every mode, even the chart-only figure).
    await page.focus("body");
    await page.keyboard.press("s");
    await page
      .waitForFunction(() => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 0, null, {
        timeout: 30000,
      })
      .catch(named);
    const injected = await page.evaluate(() => ({
      pwned: window.__pwned === 1,
      // (the page's own poster is its one image, and its address is always one of posters/)
      imgs:
        document.querySelectorAll("img:not(#poster)").length +
        [...document.querySelectorAll("#poster[src]")].filter(
          (p) => !/^posters\/[a-z0-9-]+-singular_values\.png$/.test(p.getAttribute("src")),
        ).length,
      scripts: [...document.scripts].filter((s) => !s.src).length,
      svgInDom: document.querySelectorAll("body svg").length,
      bold: document.querySelectorAll("#message b, #status b, #claim b").length,
    }));
    if (injected.pwned || injected.imgs || injected.scripts || injected.svgInDom || injected.bold)
      failures.push(`${current}: injected ${JSON.stringify(injected)}`);
    if (!(await page.$eval("#message", (e) => e.hidden))) withMessage++;
  }
  await context.close();
  assert.deepEqual(failures, []);
  assert.ok(withMessage > 150, `only ${withMessage} of ${queries.length} hostile URLs produced a visible message`);
  console.log(`hostile URLs: ${queries.length} loaded, ${withMessage} with a visible message, 0 failures`);
});
