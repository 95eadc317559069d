// The configuration form ↔ a config object. Which fields exist comes from the core (limits_json().fields);
// the core validates everything (messages name the field).
import { $, fmt } from "./ui.js";

const form = () => $("config");
const LISTS = new Set(["problem.singular_values", "model.init_scales", "optimizer.noise"]);
export const control = (path) => form().querySelector(`[data-field="${path}"]`);
const fields = () => [...form().querySelectorAll("[data-field]")];

export function setPath(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}
export function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

/** Checks that every control names a field the core knows (a renamed field fails loudly in the console). */
export function checkFields(known) {
  for (const el of fields())
    if (!known.includes(el.dataset.field)) console.error(`form control for unknown field ${el.dataset.field}`);
}

/** Whether a control is shown: its `data-show-if="path=v1 v2"` holder matches the current form. */
function visible(el) {
  const holder = el.closest("[data-show-if]");
  if (!holder) return true;
  const [path, values] = holder.dataset.showIf.split("=");
  return values.split(" ").includes(control(path).value);
}

/** Reads the form into a config object; returns {config} or {error, field}. */
export function readForm(parseMatrix) {
  const config = {};
  const sv = control("problem.singular_values");
  const givenSpectrum = visible(sv) && sv.value.trim() !== "";
  for (const el of fields()) {
    const path = el.dataset.field;
    if (!visible(el)) continue;
    if (path === "problem.rank" && givenSpectrum) continue; // the rank is the number of singular values
    if (el.type === "checkbox") {
      if (el.checked || path === "model.symmetric") setPath(config, path, el.checked);
      continue;
    }
    const raw = el.value.trim();
    // The slider moves on a 0.1-decade grid; an α that came from a preset, link or import stays exact until moved.
    if (path === "model.init_scale") {
      setPath(config, path, el.dataset.exact ? Number(el.dataset.exact) : 10 ** +raw);
      continue;
    }
    if (path === "problem.values") {
      try {
        setPath(config, path, JSON.parse(parseMatrix(raw)));
      } catch (e) {
        return { error: e.message, field: path };
      }
      continue;
    }
    if (LISTS.has(path)) {
      if (raw === "") continue;
      const parts = raw.split(/[\s,]+/).filter(Boolean);
      // Pass non-numbers through as strings: the core's message then names the field.
      setPath(
        config,
        path,
        parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : p)),
      );
      continue;
    }
    if (el.tagName === "SELECT") {
      setPath(config, path, raw);
      continue;
    }
    if (raw === "") continue; // blank = default
    const num = Number(raw);
    setPath(config, path, Number.isFinite(num) ? num : raw);
  }
  return { config };
}

export function writeForm(config, matrixText) {
  for (const el of fields()) {
    const path = el.dataset.field;
    const v = getPath(config, path);
    if (el.type === "checkbox") el.checked = !!v;
    else if (path === "model.init_scale") {
      el.value = Math.log10(v ?? 1e-3).toFixed(1);
      el.dataset.exact = String(v ?? 1e-3);
    } else if (path === "problem.values") el.value = v ? matrixText(JSON.stringify(v)) : "? 1 1 / 1 ? 0.1 / 1 0.1 ?";
    else if (LISTS.has(path)) el.value = v ? v.join(" ") : "";
    else if (path === "model.width" || path === "problem.m") {
      // Leave auto-filled sizes blank so they follow n.
      const n = getPath(config, "problem.n");
      el.value =
        v === undefined ||
        (path === "problem.m" && v === n) ||
        (path === "model.width" && v === Math.max(n ?? 0, getPath(config, "problem.m") ?? 0))
          ? ""
          : v;
    } else if (el.tagName === "SELECT")
      el.value = v ?? el.options[0].value; // a field left at its default
    else el.value = v ?? "";
  }
  syncVisibility();
  syncAlpha();
}

export function syncVisibility() {
  for (const holder of form().querySelectorAll("[data-show-if]")) {
    const [path, values] = holder.dataset.showIf.split("=");
    holder.hidden = !values.split(" ").includes(control(path).value);
  }
}

export function alphaOf(el = control("model.init_scale")) {
  return el.dataset.exact ? Number(el.dataset.exact) : 10 ** +el.value;
}

export function syncAlpha() {
  const el = control("model.init_scale");
  const text = `α = ${fmt(alphaOf(el), 2)}`;
  $("alpha-value").textContent = text;
  el.setAttribute("aria-valuetext", text);
}

const SYMBOL = { "model.init_scale": "α", "optimizer.lr": "η", "model.depth": "L", "problem.n": "n", seed: "seed" };
const flat = (o, prefix = "", out = {}) => {
  for (const [k, v] of Object.entries(o ?? {})) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) flat(v, p, out);
    else out[p] = v;
  }
  return out;
};
const show = (v) => (typeof v === "number" ? fmt(v, 3) : Array.isArray(v) ? v.join(" ") : String(v ?? "default"));

/** What differs between two configs, as [{name, before, after}] ("α", 1e-3, 1e-4). */
export function changes(before, after) {
  const a = flat(before),
    b = flat(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => ({ name: SYMBOL[k] ?? k, before: show(a[k]), after: show(b[k]) }));
}
