// Launches Debian's Chromium through playwright-core (never downloads a browser) and opens the served page.
import { chromium } from "playwright-core";

export const BASE_URL = process.env.RANKFLOW_URL ?? "http://127.0.0.1:8000/";

/** Debian's Chromium as the tests launch it (never a downloaded browser). */
export const LAUNCH = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // playwright gives every launch a fresh temporary --user-data-dir itself.
  ],
};

/** The browser a test file uses: the one `cargo xtask test` shares between the files (browser-server.mjs, its
 * address in RANKFLOW_BROWSER_WS), else one of its own. Closing a shared browser closes only this file's contexts. */
export async function launch() {
  const shared = process.env.RANKFLOW_BROWSER_WS;
  return shared ? chromium.connect(shared) : chromium.launch(LAUNCH);
}

/** The page's console errors and uncaught exceptions, as they come (an array that fills up). */
export function collectErrors(page) {
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

/** Opens the page and collects console errors and uncaught exceptions. */
export async function openPage(
  browser,
  { query = "", viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1 } = {},
) {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(BASE_URL + query);
  await page.waitForFunction(() => !document.getElementById("play").disabled, null, { timeout: 20000 });
  return { page, errors, context };
}

export const stepCount = (page) => page.$eval("#r-step", (el) => Number(el.textContent.replace(/[^0-9]/g, "")));
export const chartPixels = (page, id) => page.$eval(`#${id}`, (c) => c.toDataURL());

// Starts recording the gaps between animation frames on the page (read them with frameGaps).
export const recordFrameGaps = (page) =>
  page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (t) => {
      window.__gaps.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
// The recorded gaps (ms), the first five (start-up) dropped.
export const frameGaps = (page) => page.evaluate(() => window.__gaps.slice(5));

/** `rankflow.memory()` once two readings 250 ms apart agree: the final answer (claim lines, tables) has arrived
 * and is drawn. */
export async function settledMemory(page) {
  let last = null;
  for (let i = 0; i < 40; i++) {
    const m = await page.evaluate(() => window.rankflow.memory());
    if (last && JSON.stringify(m) === JSON.stringify(last)) return m;
    last = m;
    await page.waitForTimeout(250);
  }
  return last;
}

/** A download's bytes (a stream: a browser connected to remotely has no local path). */
export const downloaded = async (download) => Buffer.concat(await (await download.createReadStream()).toArray());
