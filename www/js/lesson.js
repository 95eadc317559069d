// The lesson bar: a shipped lesson (the core's lesson JSON) at one step — its title, its text, previous/next and
// progress. `open(step)` runs the step (its preset); PageDown/PageUp (what presentation clickers send) move on.
import { $ } from "./ui.js";

export class LessonBar {
  /** `lesson`: {name, title, steps: [{title, preset, text, figure, …}]}; `k`: the step shown, from 1. */
  constructor(lesson, k, open) {
    this.lesson = lesson;
    this.k = k;
    this.open = open;
    $("lesson-prev").addEventListener("click", () => this.prev());
    $("lesson-next").addEventListener("click", () => this.next());
    $("lesson").hidden = false;
    document.body.classList.add("in-lesson");
    this.show();
  }

  /** Where the lesson is, for the link and `state()`: {name, step, steps}. */
  at() {
    return { name: this.lesson.name, step: this.k, steps: this.lesson.steps.length };
  }

  step() {
    return this.lesson.steps[this.k - 1];
  }

  /** Goes to step `k` (from 1) and runs it; false when there is no such step. */
  go(k) {
    if (!Number.isInteger(k) || k < 1 || k > this.lesson.steps.length || k === this.k) return false;
    this.k = k;
    this.open(this.step());
    this.show();
    document.dispatchEvent(new CustomEvent("rankflow:lesson", { detail: this.at() }));
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
    $("lesson").hidden = true;
    document.body.classList.remove("in-lesson");
    document.dispatchEvent(new CustomEvent("rankflow:lesson", { detail: null }));
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
  }
}
