// Small page helpers shared by the modules: element lookup, number formatting, the message box and status line.
export const $ = (id) => document.getElementById(id);

/** A module worker running `path` (relative to www/): served next to the page, or — in the offline single file
 * (dist/rankflow.html) — started by its loader from Blob URLs. */
export const startWorker = (path) =>
  globalThis.rankflowOffline?.worker(path) ?? new Worker(new URL(`../${path}`, import.meta.url), { type: "module" });

/** 4 significant digits, exponent outside [1e-3, 1e4); "–" for missing or non-finite values. */
export const fmt = (v, digits = 4) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(digits - 1) : String(+v.toPrecision(digits));
};

/** The field path a core message starts with ("PATH: must be …" → "PATH"). */
export const fieldOf = (msg) => String(msg).split(":")[0];

/** Shows `text` in the alert box (text only, never HTML) and marks the control of `field` invalid. */
export function showMessage(text, field) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
  for (const el of document.querySelectorAll("[data-field][aria-invalid]")) el.removeAttribute("aria-invalid");
  if (field) {
    const el = [...document.querySelectorAll("[data-field]")].find(
      (f) =>
        field === f.dataset.field || field.startsWith(f.dataset.field + ".") || field.startsWith(f.dataset.field + "["),
    );
    if (el) {
      el.setAttribute("aria-invalid", "true");
      const folded = el.closest("details:not([open])");
      if (folded) folded.open = true; // a named field is shown, even in folded settings
    }
  }
}

export function setStatus(text) {
  $("status").textContent = text;
}

/** A table element from {columns, rows}; `cell` formats a value. Text only, never HTML. */
export function tableOf(t, cell) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const c of t.columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of t.rows) {
    const tr = body.insertRow();
    row.forEach((v, i) => {
      tr.insertCell().textContent = cell(v, i);
    });
  }
  return table;
}

/** Saves `blob` as a download named `name`. */
export function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
