// The smoke subset in every engine (engines.mjs: Chromium, Firefox ESR, WebKitGTK): every preset plays to
// "finished" with its ✓ and no error; a host on another origin drives an embed through the API; the offline single
// file plays from file://. `cargo xtask test` runs it once per engine (RANKFLOW_ENGINES picks them).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BASE_URL } from "./harness.mjs";
import { ENGINES, openEngine } from "./engines.mjs";

const CLI = process.env.RANKFLOW_CLI ?? fileURLToPath(new URL("../../target/fast/rankflow", import.meta.url));
const OFFLINE = fileURLToPath(new URL("../../dist/rankflow.html", import.meta.url));

let host, hostOrigin;
before(async () => {
  host = http.createServer((req, res) => {
    const src = new URL(req.url, "http://x").searchParams.get("src") ?? "";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><meta charset="utf-8"><title>host</title>
<iframe id="lab" src="${src.replace(/"/g, "&quot;")}" width="760" height="640"></iframe>
<script>
  window.events = [];
  addEventListener("message", (e) => { if (e.data && e.data.type === "rankflow") window.events.push(e.data); });
  window.send = (m) => document.getElementById("lab").contentWindow.postMessage(m, "*");
</script>`);
  });
  await new Promise((r) => host.listen(0, "127.0.0.1", r));
  hostOrigin = `http://127.0.0.1:${host.address().port}`;
});
after(() => host?.close());

/** From the page being ready: Play, "finished", then the claim's lines (they refresh at most once a second). */
async function playToVerdict(page) {
  await page.waitFor(() => ["ready", "finished"].includes(window.rankflow?.state().status));
  await page.evaluate(() => window.rankflow.play());
  // Generous: it checks where the run ends, not how fast (WebKitGTK took up to 164 s on incremental-depth).
  await page.waitFor(() => window.rankflow.state().status === "finished", null, 600000);
  return page.waitFor(() => {
    const lines = [...document.querySelectorAll("#claim li")].map((l) => l.textContent);
    return lines.some((l) => /^[✓✗] claim/.test(l)) && lines;
  });
}

const presets = JSON.parse(execFileSync(CLI, ["presets", "--json"]).toString()).map((p) => p.name);

// The engines side by side (each engine's tests in turn): a page playing a preset keeps one core busy with its
// worker and part of another with drawing, so two engines at once finish sooner than one after the other
// (276 s against 242 s measured here, Firefox ESR and WebKitGTK).
// One browser per engine for its three tests (a start costs Firefox ESR ≈ 8 CPU-s).
describe("the smoke subset", { concurrency: true }, () => {
  for (const engine of ENGINES)
    describe(engine, { concurrency: 1 }, () => {
      let browser;
      before(async () => {
        browser = await openEngine(engine);
      });
      after(() => browser?.close());

      test(`${engine}: every preset plays to "finished" with its ✓ and no error`, async () => {
        const page = await browser.open();
        try {
          const times = [];
          for (const name of presets) {
            await page.goto(`${BASE_URL}?preset=${name}&speed=max`);
            const t0 = Date.now();
            const lines = await playToVerdict(page);
            times.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            const verdict = lines.find((l) => /^[✓✗] claim/.test(l));
            assert.match(verdict, /^✓ claim holds/, `${engine}, ${name}: ${verdict}`);
            const status = await page.evaluate(() => window.rankflow.state());
            assert.equal(
              status.step,
              status.steps,
              `${engine}, ${name}: finished at ${status.step} of ${status.steps}`,
            );
            assert.deepEqual(await page.errors(), [], `${engine}, ${name}: errors`);
          }
          console.log(`# ${browser.version}: ${times.join(", ")}`);
        } finally {
          await page.close();
        }
      });

      test(`${engine}: a host on another origin plays an embed through the API and hears its events`, async () => {
        const page = await browser.open({ width: 900, height: 800 });
        try {
          assert.notEqual(new URL(BASE_URL).origin, hostOrigin);
          const src = `${BASE_URL}?embed=1&preset=tied-spectrum&speed=max&origin=${encodeURIComponent(hostOrigin)}`;
          await page.goto(`${hostOrigin}/?src=${encodeURIComponent(src)}`);
          await page.waitFor(() => window.events.some((e) => e.event === "ready"));
          await page.evaluate(() => window.send({ type: "rankflow", command: "step", n: 100 }));
          await page.waitFor(() => {
            window.send({ type: "rankflow", command: "get-state" });
            return window.events.some((e) => e.event === "state" && e.state.step === 100);
          });
          await page.evaluate(() => window.send({ type: "rankflow", command: "play" }));
          await page.waitFor(() => window.events.some((e) => e.event === "finished"), null, 120000);
          const heard = await page.evaluate(() => [...new Set(window.events.map((e) => e.event))]);
          for (const e of ["ready", "resize", "statechange", "state", "finished"])
            assert.ok(heard.includes(e), `${engine}: no ${e} event (heard ${heard})`);
          await page.evaluate(() => window.send({ type: "rankflow", command: "get-state" }));
          const state = await page.waitFor(
            () => window.events.findLast((e) => e.event === "state" && e.state.status === "finished")?.state,
          );
          assert.equal(state.step, state.steps);
          assert.ok(!heard.includes("error"), `${engine}: the embed reported an error`);
          assert.deepEqual(await page.errors(), []);
        } finally {
          await page.close();
        }
      });

      test(`${engine}: the offline single file plays a preset from file://`, async () => {
        assert.ok(existsSync(OFFLINE), `${OFFLINE} missing: run cargo xtask dist`);
        const page = await browser.open();
        try {
          await page.goto(`${pathToFileURL(OFFLINE)}?preset=tied-spectrum&speed=max`);
          const lines = await playToVerdict(page);
          assert.ok(
            lines.some((l) => /^✓ claim holds/.test(l)),
            `${engine}: ${lines.join(" | ")}`,
          );
          assert.deepEqual(await page.errors(), []);
        } finally {
          await page.close();
        }
      });
    });
});
