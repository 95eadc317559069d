// Soak (cargo xtask test --soak): every preset's page run equals one flat run of the same wasm bit for bit.
import { test, before, after } from "node:test";
import { launch } from "./harness.mjs";
import { playEveryPreset } from "./every-preset.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("every preset's page run is bit-identical to one flat run", async () => {
  await playEveryPreset(browser, () => true);
});
