// Hover: a crosshair on every line chart with the exact value of each visible series at the nearest sample
// (the core reads the figure back: `Charts.hover_json`), by mouse or by touch (press and hold, then slide).
// Clicking (tapping) a legend entry hides or shows what it stands for (`Charts.legend_click`).
import { $ } from "./ui.js";
import { CANVAS } from "./charts.js";

const MAX_ROWS = 12;
const HOLD_MS = 300;

export function setupHover(view) {
  const at = new Map(); // figure id → last pointer {x, y} (CSS px in the canvas), while it is over the chart
  for (const [id, canvasId] of Object.entries(CANVAS)) {
    if (id === "matrices") continue;
    const canvas = $(canvasId);
    if (!canvas) continue;
    const box = canvas.parentElement;
    const line = el("div", "crosshair");
    const tip = el("div", "hover-tip");
    tip.setAttribute("role", "status");
    box.append(line, tip);
    const local = (ev) => {
      const r = canvas.getBoundingClientRect();
      return { x: ev.clientX - r.left, y: ev.clientY - r.top };
    };
    const hide = () => {
      at.delete(id);
      line.hidden = true;
      tip.hidden = true;
    };
    hide();
    const show = (p) => {
      at.set(id, p);
      paint(view, id, p, canvas, line, tip);
    };
    let hold = null;
    canvas.addEventListener("pointermove", (ev) => {
      const p = local(ev);
      if (ev.pointerType === "mouse") {
        const label = view.charts.legend_label(id, p.x, p.y);
        canvas.style.cursor = label === undefined ? "crosshair" : "pointer";
        canvas.title = label ?? ""; // the whole label where a compact legend shortened it
        show(p);
      } else if (at.has(id)) {
        show(p);
      }
    });
    canvas.addEventListener("pointerdown", (ev) => {
      if (ev.pointerType === "mouse") return;
      const p = local(ev);
      clearTimeout(hold);
      hold = setTimeout(() => {
        canvas.setPointerCapture?.(ev.pointerId);
        show(p);
      }, HOLD_MS);
    });
    canvas.addEventListener("pointerup", (ev) => {
      if (ev.pointerType !== "mouse") {
        clearTimeout(hold);
        setTimeout(hide, 1500);
      }
    });
    canvas.addEventListener("pointercancel", () => {
      clearTimeout(hold);
      hide();
    });
    canvas.addEventListener("pointerleave", (ev) => {
      if (ev.pointerType === "mouse") hide();
    });
    canvas.addEventListener("click", (ev) => {
      const p = local(ev);
      if (view.charts.legend_click(id, p.x, p.y)) {
        view.dirty = true;
        view.draw(false);
        if (at.has(id)) show(p);
      }
    });
  }
  // After every redraw the values under a resting pointer are read again (the run moves on).
  view.afterDraw = () => {
    for (const [id, p] of at) {
      const canvas = $(CANVAS[id]);
      const box = canvas.parentElement;
      paint(view, id, p, canvas, box.querySelector(".crosshair"), box.querySelector(".hover-tip"));
    }
  };
}

function el(tag, cls) {
  const e = document.createElement(tag);
  e.className = cls;
  return e;
}

/** Draws the crosshair and the tip for pointer `p` on figure `id` (text only, never HTML). */
function paint(view, id, p, canvas, line, tip) {
  let r = null;
  try {
    r = JSON.parse(view.charts.hover_json(id, p.x, MAX_ROWS));
  } catch {
    r = null;
  }
  if (!r) {
    line.hidden = true;
    tip.hidden = true;
    return;
  }
  line.hidden = false;
  line.style.left = `${r.px}px`;
  line.style.top = `${r.top}px`;
  line.style.height = `${Math.max(0, r.bottom - r.top)}px`;
  const head = el("div", "tip-x");
  head.textContent = r.x_text;
  const rows = r.rows.map((row) => {
    const d = el("div", "tip-row");
    const sw = el("span", "swatch");
    sw.style.background = row.color;
    const name = el("span", "tip-label");
    name.textContent = row.label;
    const v = el("span", "tip-value");
    v.textContent = row.text;
    v.dataset.value = String(row.y);
    d.append(sw, name, v);
    return d;
  });
  if (r.more) {
    const m = el("div", "tip-more");
    m.textContent = `+ ${r.more} more`;
    rows.push(m);
  }
  if (!r.rows.length) {
    const m = el("div", "tip-more");
    m.textContent = "no sample here";
    rows.push(m);
  }
  tip.replaceChildren(head, ...rows);
  tip.dataset.x = String(r.x);
  tip.hidden = false;
  // Beside the crosshair, on the side with room; kept inside the chart.
  const w = tip.offsetWidth,
    h = tip.offsetHeight,
    W = canvas.clientWidth,
    H = canvas.clientHeight;
  const left = r.px + 14 + w <= W ? r.px + 14 : Math.max(0, r.px - 14 - w);
  tip.style.left = `${left}px`;
  tip.style.top = `${Math.min(Math.max(r.top, p.y - h / 2), Math.max(0, H - h))}px`;
}
