// Node start-up cost of the package, in fresh processes, median of 10, beside jose measured
// the same way in the same run: the time `require("faultline")` takes (the wasm is not
// compiled yet: that happens on the first call that needs it), then `require` plus a first
// `decodeJwt(token).exp` (which reads, compiles and instantiates the wasm). Then where that
// second time goes: reading faultline_bg.wasm, compiling it, instantiating it, and the rest
// (Node loading and running node.cjs, and the call itself).
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
// A token both libraries decode (header {"alg":"none"}, payload {"exp":1}).
const TOKEN = "eyJhbGciOiJub25lIn0.eyJleHAiOjF9.";
const firstCallMs = (path) => `const t = performance.now(); const m = require(${JSON.stringify(path)}); if (m.decodeJwt(${JSON.stringify(TOKEN)}).exp !== 1) throw new Error("wrong exp"); process.stdout.write(String(performance.now() - t));`;

// Where the time goes, measured inside the same require: the wasm read, compile and
// instantiate calls are timed by wrapping them (the wrappers add microseconds); the rest is
// Node loading and running node.cjs (the facade and the wasm-bindgen glue).
const splitScript = `const fs = require("node:fs"); const spent = { read: 0, compile: 0, instantiate: 0 };
  const timed = (name, f) => {
    const g = function (...args) { const t = performance.now(); try { return new.target ? new f(...args) : f.apply(this, args); } finally { spent[name] += performance.now() - t; } };
    g.prototype = f.prototype; // instanceof keeps working
    return g;
  };
  const read = fs.readFileSync; fs.readFileSync = function (p, ...rest) { return String(p).endsWith(".wasm") ? timed("read", read)(p, ...rest) : read.call(this, p, ...rest); };
  WebAssembly.Module = timed("compile", WebAssembly.Module); WebAssembly.Instance = timed("instantiate", WebAssembly.Instance);
  const t = performance.now(); require(${JSON.stringify(`${dist}/node.cjs`)}).decodeJwt(${JSON.stringify(TOKEN)}); const total = performance.now() - t;
  process.stdout.write(JSON.stringify({ ...spent, rest: total - spent.read - spent.compile - spent.instantiate }));`;

const ours = median(requireMs(`${dist}/node.cjs`));
const jose = median(requireMs(require.resolve("jose")));
const oursFirst = median(firstCallMs(`${dist}/node.cjs`));
const joseFirst = median(firstCallMs(require.resolve("jose")));
execFileSync(process.execPath, ["-e", splitScript]);
const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath, ["-e", splitScript], { encoding: "utf8" })));
const split = Object.fromEntries(Object.keys(runs[0]).map((k) => {
  const xs = runs.map((r) => r[k]).sort((a, b) => a - b);
  return [k, (xs[RUNS / 2 - 1] + xs[RUNS / 2]) / 2];
}));

const ms = (v) => `${v.toFixed(1).padStart(7)} ms`;
console.log(`require() in a fresh Node ${process.version} process, median of ${RUNS}:`);
console.log(`  faultline ${ms(ours)}  (target <= ${TARGET_MS} ms: ${ours <= TARGET_MS ? "holds" : "MISSED"})`);
console.log(`  jose      ${ms(jose)}  (faultline / jose = ${(ours / jose).toFixed(2)}×)`);
console.log(`require() and a first decodeJwt(token).exp, median of ${RUNS}:`);
console.log(`  faultline ${ms(oursFirst)}  (the wasm is read, compiled and instantiated here)`);
console.log(`  jose      ${ms(joseFirst)}  (faultline / jose = ${(oursFirst / joseFirst).toFixed(2)}×)`);
console.log(`where faultline's require + first call goes (medians of ${RUNS} more processes, each step timed inside it):`);
console.log(`  read the wasm    ${ms(split.read)}`);
console.log(`  compile it       ${ms(split.compile)}  (new WebAssembly.Module)`);
console.log(`  instantiate it   ${ms(split.instantiate)}  (new WebAssembly.Instance)`);
console.log(`  the rest         ${ms(split.rest)}  (Node loading and running node.cjs, and the call)`);
