// The embed API from a host page on another origin: every command, every event, hostile messages, reveal.js.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { launch, BASE_URL } from "./harness.mjs";

let browser, server, hostOrigin;
// Hosts that size frames by their content, written from their protocols: H5P's resizer (h5p-resizer.js, as in
// Moodle) and Canvas LMS's lti.frameResize listener.
const H5P_HOST = `addEventListener("message", (e) => {
    if (!e.data || e.data.context !== "h5p") return;
    const iframe = [...document.getElementsByTagName("iframe")].find((f) => f.contentWindow === e.source);
    if (!iframe) return;
    window.h5p.push(e.data.action);
    const respond = (action, data = {}) => e.source.postMessage({ ...data, action, context: "h5p" }, e.origin);
    if (e.data.action === "hello") {
      iframe.style.width = "100%";
      addEventListener("resize", () => respond("resize"));
      respond("hello");
    } else if (e.data.action === "prepareResize") {
      if (iframe.clientHeight !== e.data.scrollHeight || e.data.scrollHeight !== e.data.clientHeight) {
        iframe.style.height = e.data.clientHeight + "px";
        respond("resizePrepared");
      }
    } else if (e.data.action === "resize") iframe.style.height = e.data.scrollHeight + "px";
  });`;
const LTI_HOST = `addEventListener("message", (e) => {
    let d = e.data;
    if (typeof d === "string") try { d = JSON.parse(d); } catch { return; }
    if (d && d.subject === "lti.frameResize") {
      window.lti.push(d.height);
      document.getElementById("lab").style.height = d.height + "px";
    }
  });`;
const hostPage = (src, kind) => `<!doctype html><meta charset="utf-8"><title>host</title>
<style>iframe { border: 0; display: block; }</style>
<iframe id="lab" src="${src}" width="760" height="${kind ? 300 : 640}"></iframe>
<script>
  window.events = [];
  window.h5p = [];
  window.lti = [];
  window.keys = [];
  addEventListener("message", (e) => { if (e.data && e.data.type === "rankflow") window.events.push(e.data); });
  document.addEventListener("keydown", (e) => window.keys.push(e.key));
  window.send = (m) => document.getElementById("lab").contentWindow.postMessage(m, "*");
  ${kind === "h5p" ? H5P_HOST : kind === "lti" ? LTI_HOST : ""}
</script>`;

before(async () => {
  browser = await launch();
  server = http.createServer((req, res) => {
    const u = new URL(req.url, "http://x");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(hostPage(u.searchParams.get("src"), u.searchParams.get("kind")));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  hostOrigin = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await browser?.close();
  server?.close();
});

async function openHost(query, kind = "") {
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  const src = `${BASE_URL}?${query}`;
  await page.goto(`${hostOrigin}/?src=${encodeURIComponent(src)}&kind=${kind}`);
  return { page, context, errors };
}

const waitEvent = (page, pred, timeout = 60000) =>
  page.waitForFunction(`window.events.some(${pred})`, null, { timeout });
const count = (page, pred) => page.evaluate(`window.events.filter(${pred}).length`);

test("a host on another origin drives the lab through every command and hears every event", async () => {
  assert.notEqual(new URL(BASE_URL).origin, hostOrigin);
  const { page, context, errors } = await openHost(
    `embed=1&preset=tied-spectrum&speed=max&origin=${encodeURIComponent(hostOrigin)}`,
  );
  await waitEvent(page, `(e) => e.event === "ready"`);
  await waitEvent(page, `(e) => e.event === "resize" && e.height > 100`);
  await page.waitForFunction(
    () => {
      window.send({ type: "rankflow", command: "get-state" });
      return window.events.some((e) => e.event === "state" && e.state.steps === 3000);
    },
    null,
    { timeout: 20000, polling: 200 },
  );
  // step and seek (forwards, then back in time)
  await page.evaluate(() => window.send({ type: "rankflow", command: "step", n: 100 }));
  await page.evaluate(() => window.send({ type: "rankflow", command: "get-state" }));
  await page.waitForFunction(
    () => {
      window.send({ type: "rankflow", command: "get-state" });
      return window.events.some((e) => e.event === "state" && e.state.step === 100);
    },
    null,
    { timeout: 20000, polling: 200 },
  );
  await page.evaluate(() => window.send({ type: "rankflow", command: "seek", step: 250 }));
  await page.waitForFunction(
    () => {
      window.send({ type: "rankflow", command: "get-state" });
      return window.events.some((e) => e.event === "state" && e.state.step === 250);
    },
    null,
    { timeout: 20000, polling: 200 },
  );
  // seek backwards: the time cursor goes to the recorded sample nearest step 10; the run stays at 250
  await page.evaluate(() => window.send({ type: "rankflow", command: "seek", step: 10 }));
  await page.waitForFunction(
    () => {
      window.send({ type: "rankflow", command: "get-state" });
      return window.events.some(
        (e) => e.event === "state" && e.state.step === 250 && Number.isInteger(e.state.cursor) && e.state.cursor <= 20,
      );
    },
    null,
    { timeout: 20000, polling: 200 },
  );
  // play to the end: milestones for the three values, then finished
  await page.evaluate(() => window.send({ type: "rankflow", command: "play" }));
  await waitEvent(page, `(e) => e.event === "statechange" && e.state.status === "playing"`);
  await waitEvent(page, `(e) => e.event === "finished"`);
  await waitEvent(page, `(e) => e.event === "milestone" && e.k === 3`, 10000);
  const ks = await page.evaluate(() =>
    window.events
      .filter((e) => e.event === "milestone")
      .map((e) => e.k)
      .sort(),
  );
  assert.deepEqual(ks, [1, 2, 3]);
  // reset, set a partial config, a preset, a bad preset; pause
  await page.evaluate(() => window.send({ type: "rankflow", command: "reset" }));
  await waitEvent(page, `(e) => e.event === "statechange" && e.state.status === "ready"`);
  await page.evaluate(() => window.send({ type: "rankflow", command: "set", config: { steps: 1234 } }));
  await page.waitForFunction(
    () => {
      window.send({ type: "rankflow", command: "get-state" });
      return window.events.some((e) => e.event === "state" && e.state.steps === 1234);
    },
    null,
    { timeout: 20000, polling: 200 },
  );
  await page.evaluate(() => window.send({ type: "rankflow", command: "set", config: { model: { depth: 99 } } }));
  await waitEvent(page, `(e) => e.event === "error" && e.command === "set" && /model.depth/.test(e.message)`);
  await page.evaluate(() => window.send({ type: "rankflow", command: "set", preset: "no-such-preset" }));
  await waitEvent(page, `(e) => e.event === "error" && /unknown name/.test(e.message)`);
  await page.evaluate(() => window.send({ type: "rankflow", command: "set", preset: "incremental" }));
  await page.waitForFunction(
    () => {
      window.send({ type: "rankflow", command: "get-state" });
      return window.events.some((e) => e.event === "state" && e.state.steps === 50000);
    },
    null,
    { timeout: 20000, polling: 200 },
  );
  await page.evaluate(() => window.send({ type: "rankflow", command: "play" }));
  await waitEvent(page, `(e) => e.event === "statechange" && e.state.status === "playing" && e.state.steps === 50000`);
  await page.evaluate(() => window.send({ type: "rankflow", command: "pause" }));
  await waitEvent(page, `(e) => e.event === "statechange" && e.state.status === "paused"`);
  // reveal.js
  await page.evaluate(() => window.send("slide:start"));
  await page.waitForFunction(
    () => window.events.filter((e) => e.event === "statechange" && e.state.status === "playing").length >= 2,
    null,
    { timeout: 20000 },
  );
  await page.evaluate(() => window.send("slide:stop"));
  await page.waitForFunction(
    () => window.events.filter((e) => e.event === "statechange" && e.state.status === "paused").length >= 2,
    null,
    { timeout: 20000 },
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("200 hostile messages leave the lab working, with no uncaught error and no polluted prototype", async () => {
  const { page, context, errors } = await openHost("embed=1&preset=sensing");
  await waitEvent(page, `(e) => e.event === "ready"`);
  await page.evaluate(() => {
    const big = "x".repeat(200000);
    const hostile = [
      null,
      undefined,
      0,
      1e308,
      "",
      "rankflow",
      "slide:nonsense",
      [],
      [1, 2],
      { type: "other" },
      { type: "rankflow" },
      { type: "rankflow", command: 7 },
      { type: "rankflow", command: "explode" },
      { type: "rankflow", command: "step", n: -5 },
      { type: "rankflow", command: "step", n: "1e99" },
      { type: "rankflow", command: "step", n: 1.5 },
      { type: "rankflow", command: "seek", step: "abc" },
      { type: "rankflow", command: "set" },
      { type: "rankflow", command: "set", config: [1, 2] },
      { type: "rankflow", command: "set", config: "steps=5" },
      { type: "rankflow", command: "set", config: { steps: -1 } },
      { type: "rankflow", command: "set", config: { problem: { n: 1e9 } } },
      { type: "rankflow", command: "set", config: JSON.parse('{"__proto__": {"polluted": 1}, "steps": 10}') },
      { type: "rankflow", command: "set", config: { constructor: { prototype: { polluted: 2 } } } },
      { type: "rankflow", command: "set", preset: { toString: 1 } },
      { type: "rankflow", command: "play", payload: big },
      { type: "rankflow", command: "set", config: { model: { init_scale: "NaN" } } },
      { type: "rankflow", command: "get-state", x: new Array(5000).fill({ a: [1, 2, 3] }) },
    ];
    for (let i = 0; i < 200; i++) window.send(hostile[i % hostile.length]);
  });
  await page.waitForTimeout(1500);
  const frame = page.frames().find((f) => f.url().startsWith(BASE_URL));
  assert.equal(await frame.evaluate(() => ({}).polluted ?? Object.prototype.polluted ?? null), null);
  await page.evaluate(() => {
    window.events = [];
    window.send({ type: "rankflow", command: "get-state" });
  });
  await waitEvent(page, `(e) => e.event === "state"`, 10000);
  await page.evaluate(() => window.send({ type: "rankflow", command: "play" }));
  await waitEvent(page, `(e) => e.event === "statechange" && e.state.status === "playing"`, 20000);
  assert.ok(
    (await count(page, `(e) => e.event === "error" && /too large/.test(e.message)`)) === 0,
    "events were reset",
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("with origin= the lab ignores every other origin", async () => {
  const { page, context, errors } = await openHost("embed=1&preset=sensing&origin=https://notes.example.org");
  await page.waitForTimeout(3000);
  await page.evaluate(() => window.send({ type: "rankflow", command: "play" }));
  await page.waitForTimeout(1500);
  const frame = page.frames().find((f) => f.url().startsWith(BASE_URL));
  assert.equal(await frame.evaluate(() => window.rankflow.state().status), "ready");
  // It answers nobody else either (events go only to notes.example.org).
  assert.equal(await count(page, `(e) => true`), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Copy link inside an iframe offers a selected field instead of a clipboard error", async () => {
  const { page, context, errors } = await openHost("embed=1&preset=sensing");
  await waitEvent(page, `(e) => e.event === "ready"`);
  const frame = page.frames().find((f) => f.url().startsWith(BASE_URL));
  await frame.click("#copy-link");
  await frame.waitForSelector("#link-box:not([hidden])");
  const { value, selected, url } = await frame.evaluate(() => {
    const f = document.getElementById("link-field");
    return { value: f.value, selected: f.selectionEnd - f.selectionStart, url: location.href };
  });
  assert.equal(value, url);
  assert.ok(/preset=sensing/.test(value) && selected === value.length, `${value} (${selected} selected)`);
  // The host is told the link (it may copy it for the reader).
  await waitEvent(page, `(e) => e.event === "link" && /preset=sensing/.test(e.url)`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a host moves an embedded lesson (lesson-next, -prev, -goto, -choose) and hears lesson-step, -question, -answer", async () => {
  const { page, context, errors } = await openHost(
    `embed=1&lesson=first-look&step=1&origin=${encodeURIComponent(hostOrigin)}`,
  );
  try {
    await waitEvent(page, '(e) => e.event === "ready"');
    await page.evaluate(() => window.send({ type: "rankflow", command: "lesson-next" }));
    await waitEvent(page, '(e) => e.event === "lesson-step" && e.lesson.step === 2');
    await page.evaluate(() => window.send({ type: "rankflow", command: "lesson-goto", step: 3 }));
    await waitEvent(page, '(e) => e.event === "lesson-step" && e.lesson.step === 3 && e.lesson.steps === 3');
    await page.evaluate(() => window.send({ type: "rankflow", command: "lesson-prev" }));
    await waitEvent(page, '(e) => e.event === "lesson-step" && e.lesson.step === 2');
    await page.evaluate(() => window.send({ type: "rankflow", command: "get-state" }));
    await waitEvent(page, '(e) => e.event === "state" && e.state.lesson && e.state.lesson.step === 2');
    await page.evaluate(() => window.send({ type: "rankflow", command: "lesson-goto", step: 7 }));
    await waitEvent(page, '(e) => e.event === "error" && e.command === "lesson-goto" && /from 1 to 3/.test(e.message)');
    // Step 2 asks its question at step 0: the host hears it, answers it, and hears the run's answer.
    await waitEvent(page, '(e) => e.event === "lesson-question" && e.lesson.step === 2 && e.lesson.question.asking');
    await page.evaluate(() => window.send({ type: "rankflow", command: "lesson-choose", choice: 5 }));
    await waitEvent(
      page,
      '(e) => e.event === "error" && e.command === "lesson-choose" && /from 0 to 1/.test(e.message)',
    );
    await page.evaluate(() => window.send({ type: "rankflow", command: "lesson-choose", choice: 0 }));
    await waitEvent(page, '(e) => e.event === "lesson-answer"', 60000);
    const answer = await page.evaluate(() => window.events.find((e) => e.event === "lesson-answer"));
    assert.equal(answer.lesson.question.chosen, 0);
    assert.equal(answer.lesson.question.answer.choice, 0, "σ₁ and σ₂ of a tied target rise together");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** The frame's height on the host, and how tall its content is inside. */
const heights = async (page) => {
  const frame = page.frames().find((f) => f.url().startsWith(BASE_URL));
  const inside = await frame.evaluate(() => ({
    content: document.documentElement.scrollHeight,
    view: window.innerHeight,
    hostSized: document.body.classList.contains("host-sized"),
  }));
  const outside = await page.$eval("#lab", (f) => f.getBoundingClientRect().height);
  return { ...inside, frame: outside };
};

for (const kind of ["h5p", "lti"]) {
  test(`a ${kind === "h5p" ? "H5P (Moodle)" : "Canvas LMS (lti.frameResize)"} host on another origin sizes the frame to the lab, and it settles`, async () => {
    const { page, context, errors } = await openHost(
      `embed=1&preset=escape-time&speed=max&origin=${encodeURIComponent(hostOrigin)}`,
      kind,
    );
    try {
      await waitEvent(page, `(e) => e.event === "ready"`);
      if (kind === "h5p")
        await page.waitForFunction(() => ["hello", "prepareResize", "resize"].every((a) => window.h5p.includes(a)));
      else await page.waitForFunction(() => window.lti.length > 0);
      await page.waitForFunction(() => document.getElementById("lab").getBoundingClientRect().height > 300);
      await page.waitForTimeout(1500);
      const a = await heights(page);
      await page.waitForTimeout(1500);
      const b = await heights(page);
      assert.deepEqual(a, b, "the frame's height settles");
      assert.ok(a.hostSized, "charts take their height from their width");
      assert.ok(Math.abs(a.frame - a.content) <= 1, `frame ${a.frame} px, content ${a.content} px: nothing cut`);
      assert.ok(a.content <= a.view + 1, `no scrolling inside the frame (${a.content} > ${a.view})`);
      // Playing changes no height for good: the host and the lab still agree afterwards.
      await page.evaluate(() => window.send({ type: "rankflow", command: "play" }));
      await waitEvent(page, `(e) => e.event === "finished"`, 90000);
      await page.waitForTimeout(1000);
      const c = await heights(page);
      assert.ok(Math.abs(c.frame - c.content) <= 1, `after the run: frame ${c.frame} px, content ${c.content} px`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test("Esc inside an embed gives the keys back to the host (a slide deck's arrows), and says so", async () => {
  const { page, context, errors } = await openHost(`embed=1&preset=sensing&origin=${encodeURIComponent(hostOrigin)}`);
  try {
    await waitEvent(page, `(e) => e.event === "ready"`);
    const frame = page.frames().find((f) => f.url().startsWith(BASE_URL));
    await frame.click("#r-step");
    await page.keyboard.press("ArrowRight");
    assert.deepEqual(await page.evaluate(() => window.keys), [], "the focused lab has the keys");
    await page.keyboard.press("Escape");
    await waitEvent(page, `(e) => e.event === "focus-released"`);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("PageDown");
    assert.deepEqual(await page.evaluate(() => window.keys), ["ArrowRight", "PageDown"], "the host has them back");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
