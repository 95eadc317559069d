// Lessons on the page: ?lesson=NAME&step=K opens the step's preset under a lesson bar (title, text, progress);
// PageDown/PageUp and the buttons move between steps, the link and state().lesson follow; a bad name is named.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage } from "./harness.mjs";
import { cliAnswers } from "./every-preset.mjs";

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
    assert.deepEqual(
      { ...w.lesson, question: undefined },
      { name: "first-look", step: 2, steps: 3, question: undefined },
    );
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
    // The step asks its question at step 0; once answered it plays to its claim like the preset itself.
    await page.waitForFunction(() => window.rankflow.state().lesson.question?.asking === true);
    assert.equal(await page.evaluate(() => window.rankflow.lessonChoose(0)), true);
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

test("predict, then reveal: the run holds at the question's moment, goes on once chosen, and its own numbers answer", async () => {
  const cli = cliAnswers("first-look");
  const { page, errors, context } = await openPage(browser, { query: "?lesson=first-look&step=1&speed=max" });
  const question = () => page.evaluate(() => window.rankflow.state().lesson.question);
  try {
    // Step 1 stops when σ₁ is learned: before Play nothing is asked, the choices wait disabled.
    let q = await question();
    assert.equal(q.asking, false);
    assert.match(q.text, /When will σ₂ be learned/);
    assert.ok(await page.$eval("#lesson-choices button", (b) => b.disabled));
    await page.keyboard.press(" ");
    await page.waitForFunction(() => window.rankflow.state().lesson.question.asking, null, { timeout: 60000 });
    const held = await page.evaluate(() => window.rankflow.state());
    assert.equal(held.status, "paused");
    assert.ok(held.held > 0, `held at ${held.held}`);
    const every = JSON.parse(await page.evaluate(() => window.rankflow.report())).config.record_every;
    assert.ok(held.cursor <= held.held && held.cursor > held.held - every, "the figures show the moment, not after");
    // Held: Play does not pass the question (it nudges it), and the run does not move.
    await page.keyboard.press(" ");
    await page.waitForTimeout(400);
    const still = await page.evaluate(() => window.rankflow.state());
    assert.equal(still.step, held.step);
    assert.equal(still.status, "paused");
    assert.ok(await page.$eval("#lesson-question", (e) => e.classList.contains("asking")));
    assert.match(await page.$eval("#status", (e) => e.textContent), /question/);
    // Key 2: the second choice; the run goes on to its end.
    await page.keyboard.press("2");
    await page.waitForFunction(() => window.rankflow.state().status === "finished", null, { timeout: 60000 });
    await page.waitForFunction(() => window.rankflow.state().lesson.question.answer !== null);
    q = await question();
    assert.equal(q.chosen, 1);
    // The answer is the run's: the same measure and choice as the CLI's, and σ₁'s exact learned step is where it held.
    const report = JSON.parse(await page.evaluate(() => window.rankflow.report()));
    assert.equal(held.held, report.learned[0].step, "held exactly at σ₁'s learned step");
    assert.equal(Number(q.answer.value.toPrecision(4)), cli[1].measured);
    assert.equal(q.choices[q.answer.choice], cli[1].label);
    const outcome = await page.$eval("#lesson-outcome", (e) => e.textContent);
    assert.ok(outcome.includes(cli[1].label) && outcome.includes(cli[1].said), outcome);
    assert.match(outcome, q.answer.choice === 1 ? /✓ as you predicted/ : /✗ you predicted/);
    assert.equal(await page.$$eval("#lesson-choices .right", (b) => b.length), 1);
    // Reset: the same question is asked again.
    await page.keyboard.press("r");
    await page.waitForFunction(() => window.rankflow.state().step === 0);
    await page.keyboard.press(" ");
    await page.waitForFunction(() => window.rankflow.state().lesson.question.asking, null, { timeout: 60000 });
    assert.equal((await question()).chosen, null);

    // Step 3 asks at step 0: at once, before Play. A wrong choice is shown beside the run's answer.
    await page.keyboard.press("PageDown");
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => window.rankflow.state().lesson.question?.asking === true, null, {
      timeout: 20000,
    });
    assert.equal(await page.evaluate(() => window.rankflow.state().step), 0);
    assert.equal(await page.evaluate(() => window.rankflow.lessonChoose(7)), false, "no such choice");
    assert.equal(await page.evaluate(() => window.rankflow.lessonChoose(0)), true);
    assert.equal(await page.evaluate(() => window.rankflow.lessonChoose(1)), false, "chosen once");
    await page.waitForFunction(() => window.rankflow.state().lesson.question.answer !== null, null, { timeout: 90000 });
    q = await question();
    assert.equal(q.choices[q.answer.choice], cli[3].label);
    assert.notEqual(q.answer.choice, 0, "GD does not end at the nuclear-norm minimum");
    assert.match(await page.$eval("#lesson-outcome", (e) => e.textContent), /✗ you predicted: Near 3\.8/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a lecturer's own lesson: pasted, checked (a bad one named), opened, carried inline by its link", async () => {
  const mine = JSON.parse(readFileSync(new URL("../../src/lessons/first-look.json", import.meta.url), "utf8"));
  mine.name = "my-class";
  mine.title = "My class: two steps";
  mine.steps = mine.steps.slice(1); // tied-spectrum (asks at step 0), then counterexample
  const { page, errors, context } = await openPage(browser, { query: "?preset=sensing" });
  try {
    const bad = structuredClone(mine);
    bad.steps[1].preset = "no-such-preset";
    await page.fill("#import-text", JSON.stringify(bad));
    await page.click("#import-apply");
    assert.match(
      await page.$eval("#message", (e) => e.textContent),
      /Imported lesson rejected: steps\[1\]\.preset: no preset "no-such-preset"/,
    );
    assert.ok(await page.$eval("#lesson", (e) => e.hidden));
    await page.fill("#import-text", JSON.stringify(mine, null, 2));
    await page.click("#import-apply");
    await page.waitForFunction(() => window.rankflow.state().lesson?.name === "my-class");
    assert.equal(await page.$eval("#lesson-title", (e) => e.textContent), "My class: two steps");
    assert.equal(await page.$eval("#preset", (e) => e.value), "tied-spectrum");
    const link = await page.evaluate(() => location.search);
    assert.match(link, /^\?lesson=~[A-Za-z0-9_-]+&step=1$/);
    assert.ok(link.length < 2500, `${link.length} characters`);
    // The link alone brings it back, at its step, and its question is answered by the run (the simulation reads
    // the lesson from the link too).
    await page.goto(`${page.url().split("?")[0]}${link.replace("step=1", "step=2")}`);
    await page.waitForFunction(() => window.rankflow?.state().lesson?.question?.asking === true, null, {
      timeout: 20000,
    });
    const at = await page.evaluate(() => window.rankflow.state().lesson);
    assert.deepEqual([at.name, at.step, at.steps], ["my-class", 2, 2]);
    assert.equal(await page.$eval("#preset", (e) => e.value), "counterexample");
    await page.evaluate(() => window.rankflow.lessonChoose(2));
    await page.waitForFunction(() => window.rankflow.state().lesson.question.answer, null, { timeout: 90000 });
    assert.equal((await page.evaluate(() => window.rankflow.state().lesson.question.answer)).choice, 2);
    // A damaged link is named, and the page still runs.
    await page.goto(`${page.url().split("?")[0]}${link.slice(0, 60)}`);
    await page.waitForFunction(() => window.rankflow?.state().status === "ready");
    assert.match(
      await page.evaluate(() => document.body.innerText),
      /parameter lesson: an inline lesson is cut or damaged/,
    );
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
