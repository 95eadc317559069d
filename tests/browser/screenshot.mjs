// Regenerates the README's screenshot: the default preset played to its end on a 1280×720 screen.
//   node tests/browser/screenshot.mjs [BASE_URL] [OUT.png]   (after `cargo xtask serve`)
import { launch } from "./harness.mjs";

const [base = "http://127.0.0.1:8000/", out = "www/assets/screenshot.png"] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`${base}?preset=incremental&speed=5000`);
await page.waitForFunction(() => !document.getElementById("play").disabled);
await page.click("#play");
await page.waitForFunction(() => /^Finished/.test(document.getElementById("status").textContent), null, { timeout: 120000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
await browser.close();
console.log(`screenshot in ${out}`);
