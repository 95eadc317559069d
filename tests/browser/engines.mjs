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

/** A browser of `engine` ("chromium" | "firefox" | "webkit"), started once for several tests: {engine, version,
 * open({width, height}) → page, close()}. A page: {goto(url), evaluate(fn, arg), waitFor(fn, arg, timeoutMs),
 * errors(), close()}; `fn` is a function (sent as its source) of one JSON argument. WebKitGTK's driver has one
 * window: its pages take turns in it (the smoke's tests in an engine run one after the other). */
export async function openEngine(engine) {
  const driver = { chromium: chromiumBrowser, firefox: firefoxBrowser, webkit: webkitBrowser }[engine];
  if (!driver) throw new Error(`unknown engine ${engine}; one of chromium, firefox, webkit`);
  const browser = await driver();
  return {
    engine,
    version: browser.version,
    close: browser.close,
    open: async ({ width = 1280, height = 800 } = {}) => {
      const page = await browser.open(width, height);
      // Polled in the page, a few seconds per call: a round trip through the driver costs the browser's parent
      // process more than the check itself (ten a second, over minutes of play).
      page.waitFor = async (fn, arg, timeout = 60000) => {
        const end = Date.now() + timeout;
        const poll = `async (arg) => {
          const f = (${fn.toString()});
          const end = Date.now() + ${POLL_CALL_MS};
          for (;;) {
            const v = f(arg);
            if (v || Date.now() > end) return v ?? null;
            await new Promise((r) => setTimeout(r, 50));
          }
        }`;
        for (;;) {
          const v = await page.evaluateSource(poll, arg);
          if (v) return v;
          if (Date.now() > end) throw new Error(`${engine}: timed out after ${timeout} ms waiting for ${fn}`);
        }
      };
      return page;
    },
  };
}

/** How long one waitFor call polls in the page before answering (within WebDriver's 30 s script timeout). */
const POLL_CALL_MS = 5000;

/** `(src)(arg)` as one expression, for drivers that evaluate a string (the promise it returns is awaited). */
const applied = (src, arg) => `(${src})(${JSON.stringify(arg ?? null)})`;

/** A playwright (Chromium) or puppeteer (Firefox over BiDi) page as the smoke uses it: the two drivers share the
 * calls it needs (goto, evaluate, the console and pageerror events). */
function eventedPage(page, close) {
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  return {
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    evaluateSource: (src, arg) => page.evaluate(applied(src, arg)),
    errors: async () => errors,
    close,
  };
}

async function chromiumBrowser() {
  const browser = await launchChromium();
  return {
    version: `Chromium ${browser.version()}`,
    open: async (width, height) => {
      const context = await browser.newContext({ viewport: { width, height } });
      return eventedPage(await context.newPage(), () => context.close());
    },
    close: () => browser.close(),
  };
}

async function firefoxBrowser() {
  const browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath: FIREFOX,
    headless: true,
  });
  return {
    version: `Firefox ${(await browser.version()).split("/")[1]}`,
    open: async (width, height) => {
      const page = await browser.newPage();
      await page.setViewport({ width, height });
      return eventedPage(page, () => page.close());
    },
    close: () => browser.close(),
  };
}

/** Xvfb's screen for WebKitGTK: room for the largest window a test asks for. */
const SCREEN = { width: 1280, height: 900 };

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function webkitBrowser() {
  if (!MINIBROWSER) throw new Error("WebKitGTK's MiniBrowser not found (apt-get install webkit2gtk-driver)");
  const port = await freePort();
  // xvfb-run gives MiniBrowser a display of its own; -a picks a free one. Out of compositing mode: without a GPU,
  // WebKitGTK composites through Mesa's software GL (llvmpipe), at the simulation's own cost (BENCHMARKS.md).
  const driver = spawn(
    "xvfb-run",
    ["-a", "-s", `-screen 0 ${SCREEN.width}x${SCREEN.height}x24`, "WebKitWebDriver", `--port=${port}`],
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
  const run = (script, arg) => call("POST", `/session/${sid}/execute/sync`, { script, args: [arg ?? null] });
  const evaluateSource = (src, arg) => run(`return (${src})(arguments[0]);`, arg);
  return {
    version: `WebKitGTK ${session.capabilities.browserVersion}`,
    open: async (width, height) => {
      await call("POST", `/session/${sid}/window/rect`, { width, height }).catch(() => {});
      const evaluate = (fn, arg) => evaluateSource(typeof fn === "function" ? fn.toString() : `() => ${fn}`, arg);
      return {
        goto: async (url) => {
          await call("POST", `/session/${sid}/url`, { url });
          // Errors are recorded from here on: one thrown while the page loads stops it short of "ready".
          await run(RECORD_ERRORS);
        },
        evaluate,
        evaluateSource,
        errors: () => evaluate(() => window.__errors ?? []),
        // The window stays for the next page: this one is left (its workers stop).
        close: () => call("POST", `/session/${sid}/url`, { url: "about:blank" }).catch(() => {}),
      };
    },
    close: async () => {
      await call("DELETE", `/session/${sid}`).catch(() => {});
      kill();
    },
  };
}
