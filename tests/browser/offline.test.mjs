// The offline single file (dist/rankflow.html, written by `cargo xtask dist`): opened from file:// it plays a
// preset to its end in its worker, exports a PNG, answers the embed API, and makes no network request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch } from "./harness.mjs";

const FILE = process.env.RANKFLOW_OFFLINE_FILE ?? fileURLToPath(new URL("../../dist/rankflow.html", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

test("dist/rankflow.html is at most 450 KB and its data blocks decode to exactly the built wasm and modules", () => {
  assert.ok(existsSync(FILE), `${FILE} missing: run cargo xtask dist`);
  const size = statSync(FILE).size;
  assert.ok(size <= 450 * 1000, `dist/rankflow.html is ${size} bytes, over 450 KB`);
  const html = readFileSync(FILE, "utf8");
  // The loader's decoders, taken from the file itself.
  const inline = html.match(/<script>(\(async \(\) => \{[\s\S]*?)<\/script>/)[1];
  const decoders = inline.slice(inline.indexOf("const untext7"), inline.indexOf("const block"));
  const { untext7, unlzma } = new Function(`${decoders}; return { untext7, unlzma };`)();
  const block = (id) => {
    const [, bytes, text] = html.match(
      new RegExp(`<script id="${id}" type="application/octet-stream" data-bytes="(\\d+)">([^<]*)</script>`),
    );
    return unlzma(untext7(text, Number(bytes)));
  };
  const wasm = block("rankflow-wasm");
  assert.ok(
    Buffer.from(wasm).equals(readFileSync(join(DIST, "pkg/rankflow_bg.wasm"))),
    "the wasm differs from dist/pkg's",
  );
  const modules = JSON.parse(new TextDecoder().decode(block("rankflow-js")));
  for (const path of ["main.js", "sim-worker.js", "js/session.js", "pkg/rankflow.js"]) {
    assert.equal(modules[path], readFileSync(join(DIST, path), "utf8"), path);
  }
  console.log(`# dist/rankflow.html: ${size} bytes; wasm ${wasm.length} bytes`);
});
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("dist/rankflow.html opened from file:// plays a preset to its end and exports a PNG, with no network request", async () => {
  assert.ok(existsSync(FILE), `${FILE} missing: run cargo xtask dist`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  const network = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("request", (r) => {
    if (!/^(file|blob|data):/.test(r.url())) network.push(r.url());
  });
  await page.goto(`${pathToFileURL(FILE).href}?preset=tied-spectrum&speed=max`);
  await page.waitForFunction(() => window.rankflow && window.rankflow.state().status === "ready", null, {
    timeout: 30000,
  });
  await page.evaluate(() => window.rankflow.play());
  await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 120000 });
  // The claim's lines refresh once a second: the verdict arrives with the final numbers.
  await page.waitForFunction(
    () => [...document.querySelectorAll("#claim li")].some((li) => /^[✓✗] claim/.test(li.textContent)),
    null,
    { timeout: 30000 },
  );
  const lines = await page.$$eval("#claim li", (els) => els.map((e) => e.textContent));
  assert.ok(
    lines.some((l) => /^✓ claim holds/.test(l)),
    lines.join("\n"),
  );
  // The simulation ran in its worker (a classic worker from a Blob URL: module workers cannot start from file://).
  assert.ok(page.workers().length >= 1, "the simulation worker is running");
  await page.click("#export-menu summary");
  const [png] = await Promise.all([page.waitForEvent("download"), page.click('[data-export="png:sv-chart"]')]);
  const bytes = Buffer.concat(await (await png.createReadStream()).toArray());
  assert.equal(bytes.subarray(1, 4).toString(), "PNG");
  assert.ok(bytes.length > 10000, `PNG of ${bytes.length} bytes`);
  // The embed API answers here too: a host page on disk frames the file and drives it.
  const host = join(mkdtempSync(join(tmpdir(), "rankflow-host-")), "notes.html");
  writeFileSync(
    host,
    `<!doctype html><iframe id="lab" width="760" height="640" src="${pathToFileURL(FILE).href}?embed=1&preset=tied-spectrum"></iframe>
<script>window.events = []; addEventListener("message", (e) => { if (e.data?.type === "rankflow") window.events.push(e.data); });
window.send = (m) => document.getElementById("lab").contentWindow.postMessage({ type: "rankflow", ...m }, "*");</script>`,
  );
  await page.close(); // a background tab gets no animation frames: the host page must be the one in front
  const notes = await context.newPage();
  await notes.bringToFront();
  notes.on("pageerror", (e) => errors.push(String(e)));
  notes.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  notes.on("request", (r) => {
    if (!/^(file|blob|data):/.test(r.url())) network.push(r.url());
  });
  await notes.goto(pathToFileURL(host).href);
  await notes.waitForFunction(() => window.events.some((e) => e.event === "ready"), null, { timeout: 30000 });
  await notes.evaluate(() => window.send({ command: "step", n: 300 }));
  await notes.waitForFunction(
    () => {
      window.send({ command: "get-state" });
      return window.events.some((e) => e.event === "state" && e.state.step === 300);
    },
    null,
    { timeout: 30000, polling: 250 },
  );
  assert.ok(notes.workers().length >= 1, "the framed file runs its simulation worker too");
  assert.deepEqual(network, [], "no network request");
  assert.deepEqual(errors, []);
  console.log(`# dist/rankflow.html: ${Math.round(statSync(FILE).size / 1024)} KB`);
  await context.close();
});

test("dist/rankflow.html opens a lesson from file:// and PageDown moves to its next step", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${pathToFileURL(FILE).href}?lesson=first-look&step=2`);
  await page.waitForFunction(() => window.rankflow?.state().status === "ready", null, { timeout: 30000 });
  assert.equal(await page.$eval("#lesson-step-title", (e) => e.textContent), "Equal values rise together");
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => window.rankflow.state().lesson?.step === 3);
  assert.equal(await page.$eval("#preset", (e) => e.value), "counterexample");
  assert.deepEqual(errors, []);
  await context.close();
});
