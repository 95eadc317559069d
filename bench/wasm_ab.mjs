// Two (or more) wasm builds of the page stepping presets flat out, nothing drawn, side by side in one Node process:
// rounds alternate the builds' order, each run is timed alone, and each build is reported against the first by the
// median of the rounds' paired ratios (this host's speed drifts by up to 2× between minutes).
// usage: node bench/wasm_ab.mjs ROUNDS PRESET[,PRESET…] PKG_DIR PKG_DIR…   (PKG_DIR: a build's www/pkg)
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [rounds, presetList, ...dirs] = process.argv.slice(2);
if (!(Number(rounds) > 0) || !presetList || dirs.length < 2) {
  console.error("usage: node bench/wasm_ab.mjs ROUNDS PRESET[,PRESET…] PKG_DIR PKG_DIR…");
  process.exit(2);
}
const presets = presetList.split(",");
const builds = [];
for (const dir of dirs) {
  const m = await import(pathToFileURL(resolve(dir, "rankflow.js")).href);
  m.initSync({ module: readFileSync(resolve(dir, "rankflow_bg.wasm")) });
  builds.push(m);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const seconds = (m, preset) => {
  const lab = m.Lab.from_preset(preset);
  const t0 = performance.now();
  while (lab.advance(100000) > 0);
  const s = (performance.now() - t0) / 1000;
  lab.free();
  return s;
};
// One untimed run each first: the engine tiers a module's code up once for all its instances.
for (const m of builds) for (const p of presets) seconds(m, p);
const times = presets.map(() => builds.map(() => []));
for (let r = 0; r < Number(rounds); r++) {
  const order = builds.map((_, b) => b);
  if (r % 2) order.reverse();
  for (const b of order) presets.forEach((p, i) => times[i][b].push(seconds(builds[b], p)));
}
presets.forEach((p, i) => {
  const first = times[i][0];
  const cells = times[i].map((t, b) => {
    const paired = median(t.map((v, r) => v / first[r]));
    const faster = t.filter((v, r) => v < first[r]).length;
    return `${dirs[b]} ${median(t).toFixed(3)} s${b ? ` (paired ${paired.toFixed(3)}, faster in ${faster}/${t.length})` : ""}`;
  });
  console.log(`${p}: ${cells.join("; ")}`);
});
