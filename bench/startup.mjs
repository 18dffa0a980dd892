// Node start-up cost of the package: the time `require("faultline")` takes in a fresh
// process (the wasm is compiled and instantiated synchronously on load), median of 10
// processes, printed beside `require("jose")` measured the same way in the same run.
//   node bench/startup.mjs        FAULTLINE_DIST=path/to/dist to measure another build
// Target: <= 10 ms.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dist = process.env.FAULTLINE_DIST ?? new URL("../dist", import.meta.url).pathname;
const RUNS = 10;
const TARGET_MS = 10;

/** ms that `require(path)` takes in a fresh Node process. */
function requireMs(path) {
  const script = `const t = performance.now(); require(${JSON.stringify(path)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

function median(path) {
  requireMs(path); // warm the file system cache, as a deployed service has it
  const xs = Array.from({ length: RUNS }, () => requireMs(path)).sort((a, b) => a - b);
  return (xs[RUNS / 2 - 1] + xs[RUNS / 2]) / 2;
}

const ours = median(`${dist}/node.cjs`);
const jose = median(require.resolve("jose"));
console.log(`require() in a fresh Node ${process.version} process, median of ${RUNS}:`);
console.log(`  faultline ${ours.toFixed(1).padStart(7)} ms  (target <= ${TARGET_MS} ms: ${ours <= TARGET_MS ? "holds" : "MISSED"})`);
console.log(`  jose      ${jose.toFixed(1).padStart(7)} ms  (faultline / jose = ${(ours / jose).toFixed(2)}×)`);
