// Lessons on the page: ?lesson=NAME&step=K opens the step's preset under a lesson bar (title, text, progress);
// PageDown/PageUp and the buttons move between steps, the link and state().lesson follow; a bad name is named.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "./harness.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const where = (page) =>
  page.evaluate(() => ({
    lesson: window.rankflow.state().lesson,
    preset: document.getElementById("preset").value,
    query: location.search,
    title: document.getElementById("lesson-step-title").textContent,
    count: document.getElementById("lesson-count").textContent,
  }));

test("a lesson link opens its step; PageDown, PageUp and the buttons move through it; the link follows", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?lesson=first-look&step=2" });
  try {
    let w = await where(page);
    assert.deepEqual(w.lesson, { name: "first-look", step: 2, steps: 3 });
    assert.equal(w.preset, "tied-spectrum");
    assert.equal(w.query, "?lesson=first-look&step=2");
    assert.equal(w.title, "Equal values rise together");
    assert.equal(w.count, "Step 2 of 3");
    // `b` (a clicker's black screen) blanks the whole screen, and again brings it back.
    await page.keyboard.press("b");
    assert.equal(await page.evaluate(() => getComputedStyle(document.body, "::after").backgroundColor), "rgb(0, 0, 0)");
    await page.keyboard.press("b");
    assert.equal(await page.evaluate(() => document.body.classList.contains("blank")), false);
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => window.rankflow.state().lesson.step === 3);
    w = await where(page);
    assert.equal(w.preset, "counterexample");
    assert.equal(w.query, "?lesson=first-look&step=3");
    assert.ok(await page.evaluate(() => document.body.classList.contains("show-claim")), "the step's claim figure");
    assert.ok(await page.$eval("#lesson-next", (b) => b.disabled), "no step after the last");
    await page.keyboard.press("PageDown"); // nothing after the last step
    await page.click("#lesson-prev");
    await page.keyboard.press("PageUp");
    await page.waitForFunction(() => window.rankflow.state().lesson.step === 1);
    w = await where(page);
    assert.equal(w.preset, "incremental");
    assert.ok(await page.$eval("#lesson-prev", (b) => b.disabled));
    assert.equal(await page.evaluate(() => window.rankflow.lessonGoto(9)), false);
    assert.equal(await page.evaluate(() => window.rankflow.lessonGoto(2)), true);
    assert.equal((await where(page)).preset, "tied-spectrum");
    // The step plays to its claim like the preset itself.
    await page.evaluate(() => window.rankflow.play());
    await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
    // Picking another preset leaves the lesson: no bar, no lesson in the link or the state.
    await page.selectOption("#preset", "sensing");
    await page.waitForFunction(() => window.rankflow.state().lesson === null);
    assert.ok(await page.$eval("#lesson", (e) => e.hidden));
    assert.equal(await page.evaluate(() => location.search), "?preset=sensing");
    assert.equal(await page.keyboard.press("PageDown"), undefined);
    assert.equal(await page.evaluate(() => window.rankflow.state().lesson), null);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a bad lesson or step is named, and the page still runs", async () => {
  const { page, errors, context } = await openPage(browser, { query: "?lesson=nope" });
  try {
    assert.ok(await page.$eval("#lesson", (e) => e.hidden));
    assert.match(
      await page.evaluate(() => document.body.innerText),
      /parameter lesson: unknown name "nope"; one of first-look, implicit-bias/,
    );
    await page.goto(`${page.url().split("?")[0]}?lesson=implicit-bias&step=11`);
    await page.waitForFunction(() => window.rankflow?.state().lesson?.step === 1);
    assert.match(
      await page.evaluate(() => document.body.innerText),
      /parameter step: expected a step of lesson implicit-bias from 1 to 10, got "11"/,
    );
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
