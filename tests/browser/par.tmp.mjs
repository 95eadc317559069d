import { launch } from "./harness.mjs";
const browser = await launch();
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:8000/favicon.svg`);

const r = await page.evaluate(async () => {
  const src = `import init, { Lab } from "${location.origin}/pkg/rankflow.js"; onmessage = async (e) => { await init({ module_or_path: e.data.module }); const lab = Lab.from_preset("noisy-gd"); const t0 = performance.now(); while (lab.advance(100000) > 0); postMessage((performance.now() - t0) / 1000); };`;
  const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
  const module = await WebAssembly.compileStreaming(fetch("/pkg/rankflow_bg.wasm"));
  const one = () => new Promise((res) => { const w = new Worker(url, { type: "module" }); w.onmessage = (e) => { res(e.data); w.terminate(); }; w.postMessage({ module }); });
  const a = await one();
  const b = await Promise.all([one(), one()]);
  const c = await one();
  return { alone: [a, c], together: b };
});
console.log(JSON.stringify(r));
await browser.close();
