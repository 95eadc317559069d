// rankflow.Lab's view (anywidget): the page's single-file build in a frame of its own, spoken to through the page's
// embed API (postMessage), exactly as a host page would. Each view hears only its own frame, so several labs in one
// notebook do not interfere. Commands from Python wait until the page says "ready".

const TOLD = new Set([
  "ready",
  "statechange",
  "milestone",
  "finished",
  "error",
  "lesson-step",
  "lesson-question",
  "lesson-answer",
]);

function render({ model, el }) {
  const url = URL.createObjectURL(new Blob([model.get("_page")], { type: "text/html" }));
  const frame = document.createElement("iframe");
  frame.title = "rankflow lab";
  frame.style.cssText = `width: 100%; height: ${model.get("height")}px; border: 0; display: block`;
  frame.setAttribute("allow", "clipboard-write");
  // A blob: document has no query of its own: the page reads its link from the fragment.
  frame.src = `${url}#${model.get("query")}`;
  el.appendChild(frame);

  let ready = false;
  const waiting = [];
  const post = (msg) => frame.contentWindow?.postMessage(msg, "*");
  const onCommand = (msg) => {
    if (!msg || msg.type !== "rankflow") return;
    if (ready) post(msg);
    else waiting.push(msg);
  };
  const onMessage = (ev) => {
    if (ev.source !== frame.contentWindow) return;
    const d = ev.data;
    if (!d || d.type !== "rankflow" || typeof d.event !== "string") return;
    if (d.event === "ready") {
      ready = true;
      for (const m of waiting.splice(0)) post(m);
      post({ type: "rankflow", command: "get-state" });
    }
    if (d.state && typeof d.state === "object") {
      model.set("state", d.state);
      model.save_changes();
    }
    if (TOLD.has(d.event)) model.send(d);
  };
  const onHeight = () => {
    frame.style.height = `${model.get("height")}px`;
  };
  window.addEventListener("message", onMessage);
  model.on("msg:custom", onCommand);
  model.on("change:height", onHeight);
  return () => {
    window.removeEventListener("message", onMessage);
    model.off("msg:custom", onCommand);
    model.off("change:height", onHeight);
    URL.revokeObjectURL(url);
  };
}

export default { render };
