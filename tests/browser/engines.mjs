// One small driver over three browser engines, all from Debian's packages (no browser download): Chromium through
// playwright-core, Firefox ESR through puppeteer-core over WebDriver BiDi, WebKitGTK (Safari's engine family) through
// webkit2gtk-driver's WebKitWebDriver (W3C WebDriver over HTTP) driving MiniBrowser under Xvfb. The smoke tests
// (engines.smoke.mjs) use only what all three do: load a URL, evaluate a function, poll, read the page's errors.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import puppeteer from "puppeteer-core";
import { launch as launchChromium } from "./harness.mjs";

export const ENGINES = (process.env.RANKFLOW_ENGINES ?? "chromium,firefox,webkit").split(",").filter(Boolean);

const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
const MINIBROWSER = ["4.1", "4.0", "6.0"]
  .map((v) => `/usr/lib/x86_64-linux-gnu/webkit2gtk-${v}/MiniBrowser`)
  .concat(process.env.MINIBROWSER ? [process.env.MINIBROWSER] : [])
  .reverse()
  .find(existsSync);

/** Records uncaught errors, rejected promises and console.error on the page it runs in (WebDriver has no events). */
const RECORD_ERRORS = `if (!window.__errors) {
  window.__errors = [];
  addEventListener("error", (e) => window.__errors.push(String(e.message ?? e)));
  addEventListener("unhandledrejection", (e) => window.__errors.push(String(e.reason)));
  const error = console.error.bind(console);
  console.error = (...a) => { window.__errors.push(a.map(String).join(" ")); error(...a); };
}`;

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

/** A page in `engine` ("chromium" | "firefox" | "webkit"): {engine, version, goto(url), evaluate(fn, arg),
 * waitFor(fn, arg, timeoutMs), errors(), close()}. `fn` is a function (sent as its source) of one JSON argument. */
export async function openEngine(engine, { width = 1280, height = 800 } = {}) {
  const driver = { chromium: chromiumPage, firefox: firefoxPage, webkit: webkitPage }[engine];
  if (!driver) throw new Error(`unknown engine ${engine}; one of chromium, firefox, webkit`);
  const page = await driver(width, height);
  page.engine = engine;
  page.waitFor = async (fn, arg, timeout = 60000) => {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await page.evaluate(fn, arg);
      if (v) return v;
      if (Date.now() > end) throw new Error(`${engine}: timed out after ${timeout} ms waiting for ${fn}`);
      await pause(100);
    }
  };
  return page;
}

async function chromiumPage(width, height) {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    version: `Chromium ${browser.version()}`,
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    errors: async () => errors,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

async function firefoxPage(width, height) {
  const browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: { width, height },
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    version: `Firefox ${(await browser.version()).split("/")[1]}`,
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    errors: async () => errors,
    close: () => browser.close(),
  };
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function webkitPage(width, height) {
  if (!MINIBROWSER) throw new Error("WebKitGTK's MiniBrowser not found (apt-get install webkit2gtk-driver)");
  const port = await freePort();
  // xvfb-run gives MiniBrowser a display of its own; -a picks a free one. Out of compositing mode: without a GPU,
  // WebKitGTK composites through Mesa's software GL (llvmpipe), at the simulation's own cost (BENCHMARKS.md).
  const driver = spawn(
    "xvfb-run",
    ["-a", "-s", `-screen 0 ${width}x${height + 100}x24`, "WebKitWebDriver", `--port=${port}`],
    {
      stdio: "ignore",
      detached: true,
      env: { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: "1" },
    },
  );
  const kill = () => {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {}
  };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const j = await r.json();
    if (j.value?.error) throw new Error(`WebKitWebDriver ${path}: ${j.value.error}: ${j.value.message}`);
    return j.value;
  };
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    up = await call("GET", "/status").then(
      (v) => v?.ready !== false,
      () => false,
    );
    if (!up) await pause(100);
  }
  if (!up) {
    kill();
    throw new Error("WebKitWebDriver did not start");
  }
  let session;
  try {
    session = await call("POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "MiniBrowser",
          "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
        },
      },
    });
  } catch (e) {
    kill();
    throw e;
  }
  const sid = session.sessionId;
  await call("POST", `/session/${sid}/window/rect`, { width, height }).catch(() => {});
  const evaluate = (fn, arg) =>
    call("POST", `/session/${sid}/execute/sync`, {
      script: `return (${typeof fn === "function" ? fn.toString() : `() => ${fn}`})(arguments[0]);`,
      args: [arg ?? null],
    });
  return {
    version: `WebKitGTK ${session.capabilities.browserVersion}`,
    goto: async (url) => {
      await call("POST", `/session/${sid}/url`, { url });
      // Errors are recorded from here on: one thrown while the page loads stops it short of "ready".
      await call("POST", `/session/${sid}/execute/sync`, { script: RECORD_ERRORS, args: [] });
    },
    evaluate,
    errors: () => evaluate(() => window.__errors ?? []),
    close: async () => {
      await call("DELETE", `/session/${sid}`).catch(() => {});
      kill();
    },
  };
}
