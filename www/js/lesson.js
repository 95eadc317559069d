// The lesson bar: a lesson (the core's lesson JSON) at one step — its title, its text, previous/next and progress,
// and the step's question: the run holds at the question's moment (the future not yet drawn), the student picks a
// choice, the run goes on, and at its end the choice the run's own numbers give is shown beside theirs.
// `open(step)` runs the step; PageDown/PageUp (what presentation clickers send) move on; 1–5 choose.
import { $ } from "./ui.js";

let shown = null; // the bar on the page (its buttons are wired once and act on it)

export class LessonBar {
  /** `lesson`: {name, title, steps: [{title, preset, text, figure, predict?, …}]}; `k`: the step shown, from 1;
   * `source`: the lesson's JSON text when it is a lecturer's own (null: shipped, known by name); `open(step)`: runs
   * a step; `release()`: lets the held run go on once a choice is made. */
  constructor(lesson, k, { open, release, source = null }) {
    this.lesson = lesson;
    this.k = k;
    this.open = open;
    this.release = release;
    this.source = source;
    if (!shown) {
      $("lesson-prev").addEventListener("click", () => shown?.prev());
      $("lesson-next").addEventListener("click", () => shown?.next());
    }
    shown = this;
    $("lesson").hidden = false;
    document.body.classList.add("in-lesson");
    // Present mode sizes the chart to what the bar leaves of the screen.
    this.sizer = new ResizeObserver(() =>
      document.documentElement.style.setProperty("--lesson-h", `${$("lesson").offsetHeight}px`),
    );
    this.sizer.observe($("lesson"));
    this.show();
  }

  /** Where the lesson is, for the link and `state()`: {name, step, steps, source?, question?}. `question` (a step that asks
   * one): {text, choices, asking (the run holds for it), chosen, answer: {choice, value, said} once known}. */
  at() {
    const at = { name: this.lesson.name, step: this.k, steps: this.lesson.steps.length };
    if (this.source) at.source = this.source; // (the link carries it; the core writes it)
    const p = this.step().predict;
    if (p) {
      at.question = {
        text: p.question,
        choices: p.choices.map((c) => c.label),
        asking: this.asking,
        chosen: this.chosen,
        answer: this.answer,
      };
    }
    return at;
  }

  step() {
    return this.lesson.steps[this.k - 1];
  }

  /** Goes to step `k` (from 1) and runs it; false when there is no such step. */
  go(k) {
    if (!Number.isInteger(k) || k < 1 || k > this.lesson.steps.length || k === this.k) return false;
    this.k = k;
    this.show();
    this.open(this.step());
    this.changed("lesson");
    return true;
  }

  next() {
    return this.go(this.k + 1);
  }

  prev() {
    return this.go(this.k - 1);
  }

  /** The reader went their own way (picked a preset, edited a field): the bar goes, the link drops the lesson. */
  leave() {
    if (shown === this) shown = null;
    this.sizer.disconnect();
    $("lesson").hidden = true;
    document.documentElement.style.removeProperty("--lesson-h");
    document.body.classList.remove("in-lesson");
    document.dispatchEvent(new CustomEvent("rankflow:lesson", { detail: null }));
  }

  changed(what) {
    document.dispatchEvent(new CustomEvent(`rankflow:${what}`, { detail: this.at() }));
  }

  show() {
    const n = this.lesson.steps.length;
    const s = this.step();
    $("lesson-title").textContent = this.lesson.title;
    $("lesson-count").textContent = `Step ${this.k} of ${n}`;
    $("lesson-progress").value = this.k;
    $("lesson-progress").max = n;
    $("lesson-step-title").textContent = s.title;
    $("lesson-text").textContent = s.text;
    $("lesson-prev").disabled = this.k === 1;
    $("lesson-next").disabled = this.k === n;
    this.ask();
  }

  /** The step's question, not yet asked (at the step's start, and when its run is reset). */
  ask() {
    const s = this.step();
    this.asking = false;
    this.chosen = null;
    this.answer = null;
    const box = $("lesson-question");
    box.hidden = !s.predict;
    box.classList.remove("asking", "nudge");
    if (!s.predict) return;
    // A question asked partway is not shown before its moment: it would tell what has not happened yet.
    box.classList.toggle("waiting", s.predict.stop.step !== 0);
    $("lesson-ask").textContent = s.predict.question;
    const list = $("lesson-choices");
    list.replaceChildren(
      ...s.predict.choices.map((c, i) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "choice";
        b.dataset.choice = String(i);
        b.setAttribute("aria-pressed", "false");
        b.disabled = true;
        const key = document.createElement("kbd");
        key.textContent = String(i + 1);
        b.append(key, ` ${c.label}`);
        b.addEventListener("click", () => this.choose(i));
        return b;
      }),
    );
    $("lesson-outcome").textContent =
      s.predict.stop.step === 0
        ? "Predict before you see it."
        : "Press Play: the run will stop partway and ask you to predict what comes next.";
  }

  /** The run holds at the question's moment (`pressedPlay`: the student pressed Play instead of choosing). */
  held(pressedPlay) {
    const box = $("lesson-question");
    if (!this.step().predict) return;
    if (this.chosen !== null) this.ask(); // the run was reset: the question again
    if (!this.asking) {
      this.asking = true;
      box.classList.remove("waiting");
      box.classList.add("asking");
      for (const b of $("lesson-choices").children) b.disabled = false;
      $("lesson-outcome").textContent = "Choose one: the run goes on once you have (keys 1–5).";
      this.changed("lesson-question");
    }
    if (pressedPlay) {
      box.classList.remove("nudge");
      void box.offsetWidth; // restart the animation
      box.classList.add("nudge");
      $("lesson-choices").children[0]?.focus();
    }
  }

  /** The student's choice `i` (from 0): shown, then the run goes on. False when no question waits for it. */
  choose(i) {
    const p = this.step().predict;
    if (!p || !this.asking || this.chosen !== null || !Number.isInteger(i) || i < 0 || i >= p.choices.length)
      return false;
    this.chosen = i;
    this.asking = false;
    $("lesson-question").classList.remove("asking", "nudge");
    for (const b of $("lesson-choices").children) {
      b.disabled = true;
      b.setAttribute("aria-pressed", String(Number(b.dataset.choice) === i));
    }
    $("lesson-outcome").textContent = `Your prediction: ${p.choices[i].label}. The run goes on…`;
    this.release();
    return true;
  }

  /** The finished run's answer ({value, choice, said} or {error}): shown beside the student's choice. */
  answered(answer) {
    const p = this.step().predict;
    if (!p || !answer || this.answer || this.chosen === null) return;
    this.answer = answer;
    const out = $("lesson-outcome");
    if (answer.error) {
      out.textContent = `The run cannot answer this question: ${answer.error}.`;
    } else {
      for (const b of $("lesson-choices").children) {
        const c = Number(b.dataset.choice);
        b.classList.toggle("right", c === answer.choice);
        b.classList.toggle("wrong", c === this.chosen && c !== answer.choice);
      }
      const said = answer.choice === null ? "none of the choices" : p.choices[answer.choice].label;
      const verdict =
        answer.choice === this.chosen ? "✓ as you predicted." : `✗ you predicted: ${p.choices[this.chosen].label}.`;
      out.textContent = `The run says: ${said} (${answer.said}) — ${verdict}`;
    }
    this.changed("lesson-answer");
  }
}
