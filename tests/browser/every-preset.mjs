// Every preset played through window.rankflow to "finished": the claim's lines equal the CLI's, and the page's
// report equals one flat run's of the same wasm bit for bit (for the presets `flatFor` names), its claim figure is
// drawn and its verdict shown. Shared by presets.test.mjs (a few presets flat, and the claims' own checks on the
// finished page) and identical.soak.mjs (all flat).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { BASE_URL, openPage } from "./harness.mjs";

export const CLI = process.env.RANKFLOW_CLI ?? new URL("../../target/fast/rankflow", import.meta.url).pathname;
const PRESETS = JSON.parse(execFileSync(CLI, ["presets", "--json"]).toString()).map((p) => p.name);

export const finished = (page, timeout = 240000) =>
  page.waitForFunction(() => window.rankflow?.state().status === "finished", null, { timeout });

/** a ≈ b: equal structure, numbers within a relative 1e-6 (native and wasm products round differently), or both
 * below 1e-20 — a loss at round-off (the problems are O(1): a product's error is ~1e-16, its square ~1e-32). */
function close(a, b, path = "") {
  if (typeof a === "number" && typeof b === "number") {
    assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-14), `${path}: ${a} vs ${b}`);
  } else if (a && typeof a === "object") {
    assert.equal(typeof b, "object", path);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), path);
    for (const k of Object.keys(a)) close(a[k], b[k], `${path}/${k}`);
  } else assert.equal(a, b, path);
}

/** The claim's lines as the page shows them, once the verdict is among them (they refresh at most once a second). */
export async function shownClaim(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll("#claim li")].some((l) => /^[✓✗] claim/.test(l.textContent)),
    null,
    { timeout: 20000 },
  );
  return page.$$eval("#claim li", (els) => els.map((e) => e.textContent));
}

/** Pixels of canvas `id` that are coloured (not white, grey or black). */
export const inked = (page, id) =>
  page.$eval(`#${id}`, (c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 40 || Math.abs(d[i + 1] - d[i + 2]) > 40) n++;
    return n;
  });

/** Plays every preset to "finished" on one page; `checks[name](page, lines)` then runs on that finished page. */
export async function playEveryPreset(browser, flatFor, checks = {}) {
  const { page, errors, context } = await openPage(browser);
  // The CLI's claim of every preset, finished with its baseline (`rankflow posters` writes it beside the posters,
  // from the run `rankflow run --preset NAME --out` makes; the build rewrites them whenever the CLI changed).
  const posters = await (await fetch(new URL("posters/index.json", BASE_URL))).json();
  const events = [];
  await page.exposeFunction("__event", (s) => events.push(s));
  await page.evaluate(() => document.addEventListener("rankflow:statechange", (e) => window.__event(e.detail.status)));
  for (const name of PRESETS) {
    await page.selectOption("#preset", name);
    await page.waitForFunction(() => ["ready", "finished"].includes(window.rankflow.state().status));
    await page.$eval("#speed", (el) => {
      el.value = el.max;
      el.dispatchEvent(new Event("input"));
    });
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
    if (flatFor(name)) {
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
    }
    const cli = { claim: posters.presets.find((p) => p.name === name).claim };
    const mine = JSON.parse(pageReport);
    assert.deepEqual(mine.claim.lines, cli.claim.lines, `${name}: the claim's lines differ from the CLI's`);
    close(mine.claim, cli.claim, `${name} claim`);
    const lines = await shownClaim(page);
    assert.match(lines.at(-1), /^✓ claim holds/, `${name}: ${lines.at(-1)}`);
    assert.ok((await inked(page, "claim-chart")) > 1000, `${name}: the claim figure is blank`);
    await checks[name]?.(page, lines);
    console.log(`${name}: finished in ${secs.toFixed(1)} s; ${cli.claim?.lines?.[0] ?? ""}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
}

/** The CLI's answers to a lesson's questions: step → {label, measured} (`rankflow lesson NAME --answers`). */
export function cliAnswers(name) {
  const out = execFileSync(CLI, ["lesson", name, "--answers"], { encoding: "utf8" });
  const answers = {};
  for (const m of out.matchAll(/^step (\d+): .* → (.*) \(measured ([^;]+); (.*)\)$/gm))
    answers[m[1]] = { label: m[2], measured: Number(m[3]), said: m[4] };
  return answers;
}
