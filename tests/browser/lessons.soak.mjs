// The long lesson walk, with the soaks (`cargo xtask test --soak`): implicit-bias from its first step to its last,
// each step's preset run and each question answered by the run exactly as the CLI answers it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, openPage } from "./harness.mjs";
import { CLI, cliAnswers } from "./every-preset.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("implicit-bias end to end: every step runs its preset, every question is answered by its run as by the CLI", async () => {
  const cli = cliAnswers("implicit-bias");
  const lesson = JSON.parse(execFileSync(CLI, ["lesson", "implicit-bias", "--json"], { encoding: "utf8" }));
  const { page, errors, context } = await openPage(browser, { query: "?lesson=implicit-bias&step=1&speed=max" });
  try {
    for (let k = 1; k <= lesson.steps.length; k++) {
      const step = lesson.steps[k - 1];
      await page.waitForFunction((k) => window.rankflow.state().lesson?.step === k, k);
      assert.equal(await page.$eval("#preset", (e) => e.value), step.preset, `step ${k}`);
      if (step.predict) {
        if (step.predict.stop.step !== 0) await page.keyboard.press(" ");
        await page.waitForFunction(() => window.rankflow.state().lesson.question?.asking, null, { timeout: 60000 });
        const right = step.predict.choices.findIndex((c) => c.label === cli[k].label);
        assert.ok(right >= 0, `step ${k}: the CLI's answer ${cli[k].label} is a choice`);
        await page.keyboard.press(String(right + 1));
        await page.waitForFunction(() => window.rankflow.state().lesson.question.answer, null, { timeout: 120000 });
        const q = await page.evaluate(() => window.rankflow.state().lesson.question);
        assert.equal(q.answer.choice, right, `step ${k}: the run's answer is the CLI's`);
        assert.equal(Number(q.answer.value.toPrecision(4)), cli[k].measured, `step ${k}`);
        assert.match(await page.$eval("#lesson-outcome", (e) => e.textContent), /✓ as you predicted/);
      } else {
        await page.keyboard.press(" ");
        await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 120000 });
      }
      await page.keyboard.press("PageDown");
    }
    assert.equal(await page.evaluate(() => window.rankflow.state().lesson.step), lesson.steps.length);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
