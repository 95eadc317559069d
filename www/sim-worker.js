// The simulation Worker: receives the compiled wasm module once ({type: "init", module}: nothing is fetched
// twice), then answers the session's requests (see js/simulation.js). Any exception — a panic in wasm
// included — is reported as {type: "crashed"} and the worker stops answering: the page offers Reset.
import init, * as wasm from "./pkg/rankflow.js";
import { createSimulation } from "./js/simulation.js";

let handle = null;
let queue = [];
let dead = false;

function post(reply, transfer) {
  postMessage(reply, transfer ?? []);
}

onmessage = async (event) => {
  const msg = event.data;
  if (dead) return;
  if (msg?.type === "init") {
    try {
      await init({ module_or_path: msg.module });
    } catch (e) {
      dead = true;
      postMessage({ type: "crashed", message: `the simulation could not start: ${e.message}` });
      return;
    }
    handle = createSimulation(wasm, post, { warm: true });
    postMessage({ type: "ready" });
    for (const m of queue) run(m);
    queue = [];
    return;
  }
  if (!handle) {
    queue.push(msg);
    return;
  }
  run(msg);
};

function run(msg) {
  if (dead) return;
  try {
    handle(msg);
  } catch (e) {
    dead = true;
    postMessage({ type: "crashed", message: e?.message ?? String(e) });
  }
}
