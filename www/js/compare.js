// Side-by-side comparison of custom runs (at most the core's max_compared), on the first run's problem and seed.
import { $, showMessage, fieldOf } from "./ui.js";

export function setupCompare(wasm, limits, readConfig, runComparison) {
  let compared = [];
  const render = () => {
    $("compare-list").replaceChildren(
      ...compared.map((entry, i) => {
        const li = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = entry.label;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "remove";
        remove.setAttribute("aria-label", `remove ${entry.label}`);
        remove.addEventListener("click", () => {
          compared.splice(i, 1);
          render();
        });
        li.append(name, remove);
        return li;
      }),
    );
    $("compare-count").textContent = compared.length ? `${compared.length} added` : "none added";
    $("compare-run").disabled = compared.length < 2;
    $("compare-clear").disabled = compared.length === 0;
    $("compare-add").disabled = compared.length >= limits.max_compared;
  };
  $("compare-add").addEventListener("click", () => {
    const read = readConfig();
    if (read.error) {
      showMessage(read.error, read.field);
      return;
    }
    const json = JSON.stringify(read.config);
    const msg = wasm.validate(json);
    if (msg) {
      showMessage(msg, fieldOf(msg));
      return;
    }
    let label = wasm.run_label(json);
    while (compared.some((c) => c.label === label)) label += "′";
    compared.push({ label, config: read.config });
    render();
  });
  $("compare-run").addEventListener("click", () => runComparison(compared.slice()));
  $("compare-clear").addEventListener("click", () => {
    compared = [];
    render();
  });
  render();
  /** Shows `runs` (from a compare= link) as the compared list. */
  return {
    show(runs) {
      compared = runs.map((r) => ({ label: r.label, config: r.config }));
      render();
    },
  };
}
