// The README's embed snippet, from a page served on another origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, BASE_URL } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the README's embed snippet works from a page served elsewhere", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rankflow-embed-"));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html><body><h1>Lecture notes</h1>
<iframe src="${BASE_URL}?embed=1&preset=incremental&autoplay=1" width="100%" height="600" style="border:0" title="rankflow" loading="lazy"></iframe>
</body></html>`,
  );
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(readFileSync(join(dir, "index.html")));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const context = await browser.newContext({ viewport: { width: 800, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/`);
  const frame = await (await page.waitForSelector("iframe")).contentFrame();
  await frame.waitForFunction(
    () => Number(document.getElementById("r-step").textContent.replace(/[^0-9]/g, "")) > 100,
    null,
    { timeout: 20000 },
  );
  // The page's header is out of sight in an embed (kept for screen readers only).
  assert.ok(await frame.$eval(".top", (e) => e.getBoundingClientRect().height <= 1));
  assert.deepEqual(errors, []);
  await context.close();
  server.close();
});
