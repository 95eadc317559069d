// Regenerates the README's screenshot: the default preset played to its end on a 1280×720 screen, the time cursor
// at step 6,440 (where σ₂ is learned).
//   node tests/browser/screenshot.mjs [BASE_URL] [OUT.png]   (after `cargo xtask serve`)
import { launch } from "./harness.mjs";

const [base = "http://127.0.0.1:8000/", out = "www/assets/screenshot.png"] = process.argv.slice(2);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`${base}?preset=incremental&t=6440`);
await page.waitForFunction(
  () => window.rankflow?.state().status === "finished" && window.rankflow.state().cursor !== null,
  null,
  { timeout: 120000 },
);
await page.waitForTimeout(1500);

await page.screenshot({ path: out });
await browser.close();
console.log(`screenshot in ${out}`);
