// Every preset played through window.rankflow to "finished" on one page: its claim's lines are the CLI's, its
// claim figure is drawn and its verdict ✓, and each paper's claim shows on the finished page what it should. The
// longest browser test file: `cargo xtask test` starts it first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./harness.mjs";
import { inked, playEveryPreset } from "./every-preset.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Flat runs of three short presets: GLRL beside GD, a multi-run experiment with its baseline, one run. Every preset,
// noisy GD's included, in the soak (identical.soak.mjs, which .ci/run runs too).
const FLAT = new Set(["glrl-equivalence", "counterexample", "tied-spectrum"]);

/** What each paper's claim shows on the finished page, beyond its lines being the CLI's. */
const CLAIMS = {
  // Noisy GD from both imbalances ends at the prediction; plain GD keeps each start's imbalance.
  "noisy-gd": async (_page, lines) => {
    for (const start of ["W₂ ≫ W₁", "W₁ ≫ W₂"]) {
      const noisy = lines.find((l) => l.startsWith(`noisy GD from ${start}`));
      const ratio = Number(noisy.match(/= ([0-9.]+) \(predicted 2\.000\)/)[1]);
      assert.ok(Math.abs(ratio / 2 - 1) < 0.03, noisy);
    }
    const plain = (start) => Number(lines.find((l) => l.startsWith(`plain GD from ${start}`)).match(/= ([0-9.]+)/)[1]);
    assert.ok(
      plain("W₂ ≫ W₁") > 5 && plain("W₁ ≫ W₂") < 0.2,
      `plain GD ratios ${plain("W₂ ≫ W₁")}, ${plain("W₁ ≫ W₂")}`,
    );
  },
  // Four stages at each depth, and a Hessian chart with its explanation.
  "saddle-to-saddle": async (page, lines) => {
    assert.equal(lines.filter((l) => /^L = [24]: 4 of 4 stages /.test(l)).length, 2, lines.join("\n"));
    assert.match(lines.at(-1), /^✓ claim holds: one saddle-escaping stage per target value/);
    assert.match(lines[0], /λₘᵢₙ on them: -10\.00, -5\.00, -2\.50, -1\.25/);
    assert.equal(await page.$eval("#hessian-section", (e) => e.hidden), false);
    assert.match(await page.$eval("#hessian-section .note", (e) => e.textContent), /degenerate/);
    assert.ok((await inked(page, "hessian-chart")) > 100, "Hessian chart is blank");
  },
  // Deeper recovers from fewer observations, judged with the convex minimum of every problem.
  "fewer-observations": async (_page, lines) => {
    const from = (name) =>
      lines
        .find((l) => l.startsWith(`${name}:`))
        .match(/recovered \(≤ 0\.01\) (from [0-9]+|not within [0-9]+) observations/)[1];
    assert.equal(from("L = 3"), "from 160");
    assert.equal(from("L = 4"), "from 160");
    assert.equal(from("L = 2"), "not within 240");
    assert.equal(from("minimum nuclear norm"), "from 240");
    assert.match(lines.at(-1), /^✓ claim holds: deeper factorizations recover from fewer observations/);
  },
};

test("every preset reaches finished through window.rankflow with the CLI's claim, drawn and ✓; three are bit-identical to one flat run", async () => {
  await playEveryPreset(browser, (name) => FLAT.has(name), CLAIMS);
});
