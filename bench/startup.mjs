// Node start-up cost of the package: the time `require("faultline")` takes in a fresh
// process (the wasm is compiled and instantiated synchronously on load), median of 10
// processes, printed beside `require("jose")` measured the same way in the same run.
// Then where the time goes, each step timed on its own in fresh processes (medians):
// reading faultline_bg.wasm, compiling it (`new WebAssembly.Module`), instantiating it, and
// the rest, which is Node loading and running node.cjs (the facade and the wasm-bindgen glue).
//   node bench/startup.mjs        FAULTLINE_DIST=path/to/dist to measure another build
// Target: <= 10 ms.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dist = process.env.FAULTLINE_DIST ?? new URL("../dist", import.meta.url).pathname;
const RUNS = 10;
const TARGET_MS = 10;

/** ms that `script` reports (it writes one number) when run in a fresh Node process. */
function run(script) {
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

function median(script) {
  run(script); // warm the file system cache, as a deployed service has it
  const xs = Array.from({ length: RUNS }, () => run(script)).sort((a, b) => a - b);
  return (xs[RUNS / 2 - 1] + xs[RUNS / 2]) / 2;
}

const requireMs = (path) => `const t = performance.now(); require(${JSON.stringify(path)}); process.stdout.write(String(performance.now() - t));`;

// The wasm steps alone. Instantiating needs the imports; stubs do, as nothing is called.
const wasm = JSON.stringify(`${dist}/faultline_bg.wasm`);
const steps = {
  "read the wasm": `const fs = require("node:fs"); const t = performance.now(); fs.readFileSync(${wasm}); process.stdout.write(String(performance.now() - t));`,
  "compile it": `const b = require("node:fs").readFileSync(${wasm}); const t = performance.now(); new WebAssembly.Module(b); process.stdout.write(String(performance.now() - t));`,
  "instantiate it": `const m = new WebAssembly.Module(require("node:fs").readFileSync(${wasm})); const imports = {};
    for (const i of WebAssembly.Module.imports(m)) (imports[i.module] ??= {})[i.name] = () => {};
    const t = performance.now(); new WebAssembly.Instance(m, imports); process.stdout.write(String(performance.now() - t));`,
};

const ours = median(requireMs(`${dist}/node.cjs`));
const jose = median(requireMs(require.resolve("jose")));
const split = Object.fromEntries(Object.entries(steps).map(([name, script]) => [name, median(script)]));
const wasmMs = Object.values(split).reduce((a, b) => a + b, 0);

const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;
console.log(`require() in a fresh Node ${process.version} process, median of ${RUNS}:`);
console.log(`  faultline ${ms(ours)}  (target <= ${TARGET_MS} ms: ${ours <= TARGET_MS ? "holds" : "MISSED"})`);
console.log(`  jose      ${ms(jose)}  (faultline / jose = ${(ours / jose).toFixed(2)}×)`);
console.log("where faultline's time goes (each step alone, median of its own fresh processes):");
for (const [name, v] of Object.entries(split)) console.log(`  ${name.padEnd(16)} ${ms(v)}`);
console.log(`  ${"the rest".padEnd(16)} ${ms(Math.max(0, ours - wasmMs))}  (Node loading and running node.cjs: facade + glue)`);
