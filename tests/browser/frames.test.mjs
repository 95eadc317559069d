// Small frames and assistive technology: at the four embed sizes lecture notes use, in present mode, on a phone and
// on the full page, axe-core finds no violation, nothing sticks out sideways, and the first screen (figure tabs,
// charts, time slider, controls, status) is whole — what follows it starts below the edge instead of being cut.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { launch, BASE_URL, collectErrors } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Opens `query` at w×h (CSP bypassed only so that axe's script can be injected). */
async function open(query, width, height, extra = {}) {
  const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true, ...extra });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(BASE_URL + query);
  await page.waitForFunction(() => window.rankflow?.state && !document.getElementById("play").disabled, null, {
    timeout: 20000,
  });
  await page.waitForTimeout(300);
  return { page, context, errors };
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`,
    ),
  );
}

/** Visible elements that stick out past the right edge (outside any scrolling box). */
const sideways = (page) =>
  page.evaluate(() => {
    const out = [];
    const scrolls = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden") return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      if (!el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > innerWidth + 1 && !scrolls(el)) out.push(`${el.tagName}#${el.id}.${el.className}`);
    }
    return { scroll: document.documentElement.scrollWidth - innerWidth, out: out.slice(0, 5) };
  });

const EMBEDS = [
  [320, 480],
  [640, 400],
  [760, 640],
  [800, 600],
];

for (const [w, h] of EMBEDS) {
  test(`an embed at ${w}×${h}: no axe violation, nothing cut at the edges (a preset and a lesson step)`, async () => {
    for (const query of ["?embed=1&preset=noisy-gd", "?embed=1&lesson=first-look&step=3"]) {
      const { page, context, errors } = await open(query, w, h);
      try {
        assert.deepEqual(await axeViolations(page), [], `${query} at ${w}×${h}`);
        assert.deepEqual(await sideways(page), { scroll: 0, out: [] }, `${query} at ${w}×${h}`);
        if (query.includes("preset")) {
          // The first screen is whole, and what follows it begins below the frame's edge rather than across it.
          const cut = await page.evaluate(
            (height) =>
              ["fig-tabs", "claim-chart", "sv-chart", "scrub", "play", "status"]
                .map((id) => document.getElementById(id))
                .filter((el) => el?.checkVisibility())
                .map((el) => [el.id, el.getBoundingClientRect()])
                .filter(([, r]) => r.top < 0 || r.bottom > height + 0.5)
                .map(([id, r]) => `${id} ${Math.round(r.top)}–${Math.round(r.bottom)}`)
                .concat(
                  [...document.querySelectorAll(".readouts")]
                    .map((el) => el.getBoundingClientRect())
                    .filter((r) => r.top < height && r.bottom > height)
                    .map((r) => `read-out across the edge ${Math.round(r.top)}–${Math.round(r.bottom)}`),
                ),
            h,
          );
          assert.deepEqual(cut, [], `${query} at ${w}×${h}`);
        }
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  });
}

test("present mode (a preset, a lesson step with its question), the full page and a phone: no axe violation", async () => {
  for (const [query, w, h, extra] of [
    ["?preset=incremental&present=1&theme=projector", 1280, 720],
    ["?lesson=first-look&step=3&present=1&theme=projector", 1280, 720],
    ["?preset=incremental", 1280, 720],
    ["?lesson=implicit-bias&step=1", 390, 844, { isMobile: true, hasTouch: true }],
    ["?preset=noisy-gd", 390, 844, { isMobile: true, hasTouch: true }],
  ]) {
    const { page, context, errors } = await open(query, w, h, extra);
    try {
      assert.deepEqual(await axeViolations(page), [], `${query} at ${w}×${h}`);
      assert.deepEqual(await sideways(page), { scroll: 0, out: [] }, `${query} at ${w}×${h}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("the first screen explains itself on a projector and a phone, and leads into the lesson", async () => {
  for (const [w, h, extra] of [
    [1280, 720],
    [390, 844, { isMobile: true, hasTouch: true }],
  ]) {
    const { page, context, errors } = await open("", w, h, extra);
    try {
      const seen = await page.evaluate(() => {
        const inView = (id) => {
          const el = typeof id === "string" ? document.getElementById(id) : id;
          const r = el.getBoundingClientRect();
          return el.checkVisibility() && r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
        };
        return {
          lede: inView(document.querySelector(".lede")),
          title: inView("preset-title"),
          explanation: inView("preset-explanation"),
          start: inView("start-lesson"),
          chartTop: document.getElementById("sv-chart").getBoundingClientRect().top < innerHeight - 150,
          settingsOpen: document.getElementById("settings").open,
        };
      });
      assert.deepEqual(
        seen,
        { lede: true, title: true, explanation: true, start: true, chartTop: true, settingsOpen: w > 700 },
        `${w}×${h}`,
      );
      assert.deepEqual(await sideways(page), { scroll: 0, out: [] });
      if (w < 700) {
        // A tap unfolds the settings.
        await page.tap("#settings > summary");
        assert.ok(await page.$eval('[data-field="model.depth"]', (e) => e.checkVisibility()), "the fields are shown");
      } else {
        await page.click("#start-lesson");
        await page.waitForFunction(() => window.rankflow?.state().lesson?.name === "first-look");
        assert.ok(await page.$eval("#start-lesson", (a) => !a.checkVisibility()), "no way in once inside");
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});

test("the poster of what the link runs shows before the wasm is ready, and the live chart replaces it", async () => {
  for (const [query, preset] of [
    ["?preset=noisy-gd", "noisy-gd"],
    ["?lesson=implicit-bias&step=4", "saddle-to-saddle"],
    ["", "incremental"],
  ]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    let release;
    const held = new Promise((r) => {
      release = r;
    });
    // The wasm arrives only when the test lets it.
    await page.route("**/pkg/rankflow_bg.wasm", async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(BASE_URL + query);
      await page.waitForFunction(
        () => document.getElementById("poster").complete && !document.getElementById("poster").hidden,
      );
      const shown = await page.$eval("#poster", (p) => ({ src: p.getAttribute("src"), w: p.naturalWidth, alt: p.alt }));
      assert.equal(shown.src, `posters/${preset}-singular_values.png`, query);
      assert.equal(shown.w, 1200, "the picture loaded");
      assert.match(shown.alt, /Singular values of W, the finished run/);
      assert.ok(await page.$eval("#play", (b) => b.disabled), "the wasm is not ready yet");
      if (!query) {
        // The handout beside the posters: a PDF of a page per preset.
        const pdf = await page.evaluate(async () => {
          const index = await (await fetch("posters/index.json")).json();
          const bytes = new Uint8Array(await (await fetch(`posters/${index.handout}`)).arrayBuffer());
          return { head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length, presets: index.presets.length };
        });
        assert.equal(pdf.head, "%PDF-");
        assert.ok(pdf.size > 100_000 && pdf.presets >= 13, JSON.stringify(pdf));
      }
      release();
      await page.waitForFunction(() => !document.getElementById("play").disabled);
      await page.waitForFunction(() => document.getElementById("poster").hidden);
      assert.deepEqual(errors, []);
    } finally {
      release();
      await context.close();
    }
  }
});

test("a phone by touch: play and pause, scrub the time slider, switch figure in present mode", async () => {
  const { page, context, errors } = await open("?preset=noisy-gd&speed=max", 390, 844, {
    isMobile: true,
    hasTouch: true,
  });
  try {
    await page.tap("#play");
    await page.waitForFunction(() => window.rankflow.state().status !== "ready");
    await page.waitForFunction(() => window.rankflow.state().step > 1000);
    await page.tap("#play");
    await page.waitForFunction(() => window.rankflow.state().status === "paused");
    const slider = await page.$eval("#scrub", (s) => {
      s.scrollIntoView({ block: "center" });
      const r = s.getBoundingClientRect();
      return { x: r.left + 0.3 * r.width, y: r.top + r.height / 2 };
    });
    await page.touchscreen.tap(slider.x, slider.y);
    await page.waitForFunction(() => window.rankflow.state().cursor !== null);
    assert.deepEqual(await sideways(page), { scroll: 0, out: [] });
    await page.goto(`${BASE_URL}?preset=noisy-gd&present=1`);
    await page.waitForFunction(() => !document.getElementById("play").disabled);
    const other = await page.$eval("#fig-tabs button[aria-selected=false]", (b) => b.id);
    await page.tap(`#${other}`);
    await page.waitForFunction((id) => document.getElementById(id).getAttribute("aria-selected") === "true", other);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
