// One Chromium for every test file (`cargo xtask test` starts it): prints its WebSocket address on the first line
// of stdout, closes when stdin closes.
import { chromium } from "playwright-core";
import { LAUNCH } from "./harness.mjs";

const server = await chromium.launchServer(LAUNCH);
process.stdout.write(`${server.wsEndpoint()}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await server.close();
  process.exit(0);
});
