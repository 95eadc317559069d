import { launch } from "./harness.mjs";
const browser = await launch();
const name = process.argv[2];
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "v8", "blink", "cc", "gpu", "viz"] });
await page.evaluate(() => new Promise((res) => { const f = () => { if (window.rankflow.state().status !== "finished") requestAnimationFrame(f); else res(); }; window.rankflow.play(); requestAnimationFrame(f); }));
const buf = await browser.stopTracing();
const ev = JSON.parse(buf.toString()).traceEvents;
const threads = new Map(); for (const e of ev) if (e.name === "thread_name") threads.set(e.pid + ":" + e.tid, e.args.name);
// top-level X events per thread: sum durations of events with name in toplevel
const per = new Map();
for (const e of ev) { if (e.ph !== "X" || !e.dur) continue; const th = threads.get(e.pid + ":" + e.tid) ?? e.tid; const k = th + " | " + e.name; per.set(k, (per.get(k) ?? 0) + e.dur); }
for (const [k, v] of [...per].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1000).toFixed(0), k);
await browser.close();
