// A small, honest benchmark harness: every figure is the median of several timed runs of
// many iterations, each case runs side by side with its peers in the same process, and the
// table prints ns/op and the ratio against a named baseline.
//   QUICK=1 shrinks the work (CI runs benchmarks that way only to keep them from rotting).
import { performance } from "node:perf_hooks";

const QUICK = process.env.QUICK === "1" || process.argv.includes("--quick");
let sink = 0;

/** Keeps results alive so the JIT cannot drop the work. */
export function consume(v) {
  sink = (sink + (typeof v === "number" ? v : v == null ? 0 : 1)) | 0;
}

/** Milliseconds on the wall clock, or of this process's CPU time (user + system). */
const clocks = {
  wall: () => performance.now(),
  cpu: () => {
    const t = process.cpuUsage();
    return (t.user + t.system) / 1000;
  },
};

/**
 * ns per call of `fn(i)`: median of `runs` runs after a warm-up. `clock: "cpu"` times
 * process CPU time instead of the wall clock: on a shared machine wall-clock figures swing
 * with other processes' load, CPU time much less (it still includes GC and JIT threads).
 */
export function measure(fn, { iterations = 200_000, runs = 7, clock = "wall" } = {}) {
  if (QUICK) {
    iterations = Math.max(1, Math.floor(iterations / 50));
    runs = 3;
  }
  const now = clocks[clock];
  for (let i = 0; i < Math.min(iterations, 20_000); i++) consume(fn(i));
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const t0 = now();
    for (let i = 0; i < iterations; i++) consume(fn(i));
    samples.push(((now() - t0) * 1e6) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Runs each case (interleaved by round so drift hits all alike) and prints a table with the
 * ratio `case / baseline`. `cases` = [{name, fn}], `baseline` = the name to divide by,
 * `clock` as in {@link measure}.
 * Returns {name: nsPerOp}.
 */
export function compare(title, cases, { baseline, iterations, rounds = 3, clock = "wall" } = {}) {
  const acc = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) acc[c.name].push(measure(c.fn, { iterations, runs: 5, clock }));
  }
  const result = {};
  for (const c of cases) {
    const xs = acc[c.name].sort((a, b) => a - b);
    result[c.name] = xs[Math.floor(xs.length / 2)];
  }
  const base = result[baseline ?? cases[0].name];
  console.log(`\n${title}${QUICK ? "  (quick mode: figures are rough)" : ""}${clock === "cpu" ? "  (process CPU time)" : ""}`);
  console.log(`  ${"case".padEnd(44)} ${"ns/op".padStart(10)} ${"vs " + (baseline ?? cases[0].name)}`);
  for (const c of cases) {
    const ns = result[c.name];
    console.log(`  ${c.name.padEnd(44)} ${ns.toFixed(1).padStart(10)} ${(ns / base).toFixed(2).padStart(8)}×`);
  }
  return result;
}

export { QUICK };
