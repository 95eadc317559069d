import { launch } from "./harness.mjs";
const browser = await launch();
const name = process.argv[2];
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto(`http://127.0.0.1:8000/?preset=${name}&speed=max`);
await page.waitForFunction(() => ["ready"].includes(window.rankflow?.state().status));
await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "v8.execute", "blink.user_timing"] });
await page.evaluate(() => new Promise((res) => { const f = () => { if (window.rankflow.state().status !== "finished") requestAnimationFrame(f); else setTimeout(res, 300); }; window.rankflow.play(); requestAnimationFrame(f); }));
const ev = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
const threads = new Map(); for (const e of ev) if (e.name === "thread_name") threads.set(e.pid + ":" + e.tid, e.args.name);
const main = ev.filter((e) => threads.get(e.pid + ":" + e.tid) === "CrRendererMain" && e.ph === "X");
const t0 = Math.min(...main.map((e) => e.ts));
const long = main.filter((e) => e.name === "RunTask" && e.dur > 40000);
for (const L of long) {
  console.log(`--- task at ${((L.ts - t0) / 1000).toFixed(0)} ms, ${(L.dur / 1000).toFixed(1)} ms`);
  const kids = main.filter((e) => e !== L && e.ts >= L.ts && e.ts + e.dur <= L.ts + L.dur && e.dur > 3000);
  for (const k of kids.slice(0, 25)) console.log(`  ${((k.ts - L.ts) / 1000).toFixed(1)} +${(k.dur / 1000).toFixed(1)} ${k.name} ${k.args?.data?.functionName ?? ""} ${k.args?.data?.url?.split("/").pop() ?? ""} ${k.args?.data?.type ?? ""}`);
}
await browser.close();
