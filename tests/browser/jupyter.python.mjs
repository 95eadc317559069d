// rankflow.Lab in JupyterLab (run by `cargo xtask test-python`, with the wheel installed in RANKFLOW_VENV): a
// notebook shows Lab(preset="tied-spectrum"), a Python cell plays it to "finished", and lab.state is read back in
// Python. A second lab in the same notebook is not disturbed. JupyterLab runs on localhost, from the venv.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, collectErrors } from "./harness.mjs";

const VENV = process.env.RANKFLOW_VENV;
const TOKEN = "rankflow-test";

const cell = (source) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source });
const NOTEBOOK = {
  cells: [
    cell(
      'import rankflow\nlab = rankflow.Lab(preset="tied-spectrum", height=480)\nheard = []\nlab.on("finished", heard.append)\nlab',
    ),
    cell('other = rankflow.Lab(preset="incremental", height=300)\nother'),
    cell("lab.play()"),
    cell(
      'print("LAB", lab.state.get("status"), lab.state.get("step"), lab.state.get("steps"), len(heard))\n' +
        'print("OTHER", other.state.get("status"), other.state.get("step"))\n' +
        'print("RESULT", lab.result().verdict["holds"], lab.result().steps[-1])',
    ),
  ].map((c, i) => ({ ...c, id: `c${i}` })),
  metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
  nbformat: 4,
  nbformat_minor: 5,
};

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

let lab, browser, base;
before(async () => {
  assert.ok(VENV, "RANKFLOW_VENV: the venv with jupyterlab and the rankflow wheel (cargo xtask test-python)");
  const dir = mkdtempSync(join(tmpdir(), "rankflow-jupyter-"));
  writeFileSync(join(dir, "lab.ipynb"), JSON.stringify(NOTEBOOK));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  lab = spawn(
    join(VENV, "bin", "jupyter"),
    [
      "lab",
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${port}`,
      `--ServerApp.root_dir=${dir}`,
      `--IdentityProvider.token=${TOKEN}`,
      "--LabApp.news_url=",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ],
    { cwd: dir, env: { ...process.env, JUPYTER_CONFIG_DIR: join(dir, ".jupyter") }, stdio: "ignore" },
  );
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/status?token=${TOKEN}`)).ok) break;
    } catch {
      /* not listening yet */
    }
    assert.ok(i < 120, "JupyterLab did not start within 60 s");
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
  lab?.kill();
});

/** Runs the notebook's cell `i` (0-based) and waits until it has run. JupyterLab shows "[*]" the moment a cell is
 * queued and "[n]" once it ran; a prompt still blank after 10 s means the keys were lost, and they are sent again.
 * A fresh venv's first imports (numpy, the extension, anywidget) can take a minute on a loaded machine. */
async function runCell(page, i) {
  const cells = page.locator(".jp-Notebook .jp-Cell");
  const prompt = () => page.$$eval(PROMPT, (els, k) => els[k]?.textContent ?? "", i);
  const queued = async () => /\[[\d*]\]/.test(await prompt());
  for (let attempt = 0; attempt < 3; attempt++) {
    await cells.nth(i).locator(".jp-InputArea-editor").click();
    await page.keyboard.press("Escape"); // command mode: Shift+Enter runs the selected cell
    await page.keyboard.press("Shift+Enter");
    const end = Date.now() + 10000;
    while (!(await queued()) && Date.now() < end) await page.waitForTimeout(200);
    if (await queued()) break;
  }
  await page.waitForFunction(
    ([selector, k]) => /\[\d+\]/.test(document.querySelectorAll(selector)[k]?.textContent ?? ""),
    [PROMPT, i],
    { timeout: 180000 },
  );
}

/** A notebook cell's input prompt: "[ ]" before it runs, "[*]" queued or running, "[n]" once it ran. */
const PROMPT = ".jp-Notebook .jp-Cell .jp-InputPrompt";

/** The lab frames' documents (blob: URLs), in the notebook's order. */
const labFrames = (page) => page.frames().filter((f) => f.url().startsWith("blob:"));

test("a notebook shows Lab(preset=tied-spectrum), a Python cell plays it to finished, and Python reads lab.state", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${base}/lab/tree/lab.ipynb?token=${TOKEN}`);
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60000 });
  await page.waitForFunction(
    () => document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle",
    null,
    { timeout: 60000 },
  );
  await runCell(page, 0);
  await runCell(page, 1);
  // Both pages load in their frames and say ready.
  await page.waitForFunction(() => document.querySelectorAll(".jp-OutputArea-output iframe").length === 2, null, {
    timeout: 30000,
  });
  let frames;
  for (let i = 0; (frames = labFrames(page)).length < 2; i++) {
    assert.ok(i < 100, `${frames.length} lab frames`);
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const f of frames)
    await f.waitForFunction(() => window.rankflow?.state().status === "ready", null, { timeout: 60000 });
  const [mine, other] = frames;
  assert.equal(await mine.evaluate(() => document.body.classList.contains("embed")), true);
  // Nothing that would lead out of the notebook to a blob: address: no "open in rankflow", no "Copy link".
  assert.equal(await mine.evaluate(() => document.getElementById("open-full").hidden), true);
  assert.equal(await mine.locator("#copy-link").isVisible(), false);
  const box = await page.locator(".jp-OutputArea-output iframe").first().boundingBox();
  assert.ok(Math.abs(box.height - 480) <= 1, `the frame is ${box.height} px high`);
  // Played from Python.
  await runCell(page, 2);
  await mine.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
  const state = await mine.evaluate(() => window.rankflow.state());
  assert.equal(state.step, state.steps);
  assert.equal((await other.evaluate(() => window.rankflow.state())).status, "ready", "the other lab moved");
  mkdirSync("artifacts", { recursive: true });
  await page.locator(".jp-Notebook .jp-Cell").first().scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector(".jp-Notebook .jp-Cell")?.scrollIntoView());
  await page
    .locator(".jp-toast-button", { hasText: "No" })
    .click({ timeout: 2000 })
    .catch(() => {});
  await page.screenshot({ path: "artifacts/jupyterlab.png" }); // the README's picture of the widget
  // lab.state (synced from the frame) and the "finished" callback, read back in Python.
  await page.waitForTimeout(500);
  await runCell(page, 3);
  const out = await page.locator(".jp-Notebook .jp-Cell").nth(3).locator(".jp-OutputArea").innerText();
  assert.match(out, new RegExp(`LAB finished ${state.steps} ${state.steps} 1`), out);
  assert.match(out, /OTHER ready 0/, out);
  assert.match(out, new RegExp(`RESULT True ${state.steps}`), out);
  const ours = errors.filter((e) => /rankflow|blob:/.test(e));
  assert.deepEqual(ours, []);
  await context.close();
});
