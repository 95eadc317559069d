// The configuration form, built from the core's field table (limits.fields): one control per field, grouped,
// with the table's label, help, range and default. Reading and writing go through the core (form_read,
// form_values): which fields show, what a blank means and how lists and matrices are written are decided there.
import { $, fmt } from "./ui.js";

let wasm;
let table = [];
const form = () => $("config");
const controls = () => [...form().querySelectorAll("[data-field]")];
export const control = (path) => form().querySelector(`[data-field="${CSS.escape(path)}"]`);

/** Allowed range as the form states it: "[1, 8]", "(0, 1]". */
const rangeText = (r) => `${r.lo_open ? "(" : "["}${r.lo}, ${r.hi}${r.hi_open ? ")" : "]"}`;
const defaultText = (d) => {
  const [kind, v] = Object.entries(d)[0];
  return kind === "number" ? fmt(v, 3) : String(v);
};

function controlFor(f) {
  let el;
  if (f.kind === "choice") {
    el = document.createElement("select");
    for (const [value, label] of f.choices) el.add(new Option(label, value));
  } else if (f.kind === "matrix") {
    el = document.createElement("textarea");
    el.rows = 4;
    el.spellcheck = false;
  } else {
    el = document.createElement("input");
    if (f.kind === "flag") el.type = "checkbox";
    else if (f.kind === "log_number") {
      // log₁₀ of the value; an exact value from a preset, link or import stays exact until the slider moves.
      el.type = "range";
      el.min = String(Math.floor(Math.log10(f.range.lo)));
      el.max = String(Math.ceil(Math.log10(f.range.hi)));
      el.step = String(f.slider_step);
    } else if (f.kind === "list") {
      el.type = "text";
      el.spellcheck = false;
    } else {
      el.type = "number";
      el.step = f.kind === "integer" ? "1" : "any";
      if (f.kind === "integer") el.inputMode = "numeric";
      if (f.range) {
        // A bound that is open, or a bound of a list, is not a valid value: only closed bounds become min/max.
        if (!f.range.lo_open) el.min = String(f.range.lo);
        if (!f.range.hi_open) el.max = String(f.range.hi);
      }
    }
  }
  el.dataset.field = f.path;
  el.dataset.kind = f.kind;
  if (f.kind !== "flag" && f.kind !== "choice" && f.kind !== "log_number") {
    const d = defaultText(f.default);
    el.placeholder = "derived" in f.default ? `auto: ${d}` : d;
  }
  return el;
}

/** Builds the form's fields from the core's table, in fieldsets by group (in the core's order). */
export function buildForm(core, fields, groupOrder) {
  wasm = core;
  table = fields;
  const groups = new Map();
  for (const name of groupOrder) {
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = name;
    set.append(legend);
    groups.set(name, set);
  }
  for (const f of fields) {
    const el = controlFor(f);
    const label = document.createElement("label");
    const limits = [f.range ? rangeText(f.range) : "", f.limit].filter(Boolean).join(", ");
    label.title = `${f.help}${limits ? ` Allowed: ${limits}.` : ""} (${f.path})`;
    if (f.kind === "flag") {
      label.className = "check";
      label.append(el, ` ${f.label}`);
    } else {
      label.className = f.kind === "matrix" ? "block" : "row";
      label.append(`${f.label} `, el);
      if (f.kind === "log_number") {
        const out = document.createElement("output");
        out.dataset.valueOf = f.path;
        el.setAttribute("aria-describedby", (out.id = `value-${f.path.replace(/\W/g, "-")}`));
        label.append(out);
      }
    }
    if (f.only_when) label.dataset.showIf = `${f.only_when[0]}=${f.only_when[1].join(" ")}`;
    groups.get(f.group).append(label);
  }
  $("config-fields").replaceChildren(...groups.values());
}

/** What the controls hold: {path: text | bool}, a log-scale slider as its exact value. */
function controlValues() {
  const values = {};
  for (const el of controls()) {
    const path = el.dataset.field;
    if (el.type === "checkbox") values[path] = el.checked;
    else if (el.dataset.kind === "log_number") values[path] = el.dataset.exact ?? String(10 ** +el.value);
    else values[path] = el.value;
  }
  return values;
}

/** Reads the form: {config, normalized} or {error, field}; with `origin` and `before` (configs) also what changed
 * from each, as from_origin and from_before ([{name, before, after}]). One core call, one parse of the config. */
export const readForm = (origin = null, before = null) =>
  JSON.parse(
    wasm.form_edit(
      JSON.stringify(controlValues()),
      origin ? JSON.stringify(origin) : "",
      before ? JSON.stringify(before) : "",
    ),
  );

/** Shows `config` in the controls. */
export function writeForm(config) {
  const values = JSON.parse(wasm.form_values(JSON.stringify(config)));
  for (const el of controls()) {
    const v = values[el.dataset.field];
    if (el.type === "checkbox") el.checked = !!v;
    else if (el.dataset.kind === "log_number") {
      el.value = Math.log10(Number(v)).toFixed(1);
      el.dataset.exact = v;
    } else el.value = v ?? "";
  }
  syncForm();
}

/** Shows the controls the current choices use, and the log sliders' values. */
export function syncForm() {
  for (const holder of form().querySelectorAll("[data-show-if]")) {
    const [path, values] = holder.dataset.showIf.split("=");
    holder.hidden = !values.split(" ").includes(control(path).value);
  }
  for (const out of form().querySelectorAll("output[data-value-of]")) {
    const el = control(out.dataset.valueOf);
    const f = table.find((x) => x.path === el.dataset.field);
    const v = el.dataset.exact ? Number(el.dataset.exact) : 10 ** +el.value;
    const text = `${f.symbol || f.label} = ${fmt(v, 2)}`;
    out.textContent = text;
    el.setAttribute("aria-valuetext", text);
  }
}

/** A slider moved by hand: its value is the slider's, no longer an exact one. */
export function sliderMoved(el) {
  delete el.dataset.exact;
}
