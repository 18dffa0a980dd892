// A Node fleet sharing one retry budget, breaker and pacer through Redis (issue 20's scenario):
// 4 child processes x 500 requests through createClient against a mock API (node:http on
// 127.0.0.1, port 0) that answers 503 for a 30 s outage and 200 after; Redis is Debian's
// redis-server, started here on a free loopback port and stopped at the end.
//   1. Budget (breaker off): requests the server saw with one budget in Redis and with one per
//      process. The shared budget should let about a quarter of the retries through.
//   2. Breaker (defaults): once it opens in one process, requests the others still send
//      before the cool-down ends (one at most expected).
//   3. Pacer "10/hour" across the 4 processes: requests that went out (exactly 10 expected).
//   4. Redis killed a third into the outage and restarted at two thirds (requests go on a fifth
//      longer than the outage): crashes, unhandled rejections, requests answered / failed with
//      a typed error / failed untyped, fallback events; after the restart, fallbacks stop and
//      the scripts are loaded again (NOSCRIPT).
//   node bench/fleet.mjs [--outage-ms 30000] [--requests 500]      (needs a build in dist/)
import { spawnSync } from "node:child_process";
import { afterOpen, runFleet } from "../tests/js/helper.fleet.mjs";
import { freePort, startRedis } from "../tests/js/helper.redis.mjs";

const flag = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const outageMs = flag("--outage-ms", 30_000);
const requests = flag("--requests", 500);
const spacingMs = outageMs / requests; // the requests span the outage
process.env.FAULTLINE_DIST = new URL("../dist", import.meta.url).pathname;

const redisPort = await freePort();
let redis = await startRedis(redisPort);
const cli = (...args) => spawnSync("redis-cli", ["-p", String(redisPort), ...args], { encoding: "utf8" }).stdout.trim();
const fast = { baseMs: 5, capMs: 20 }; // short backoff: each request's retries end before the next is due
const fleet = { requests, spacingMs, outageMs };
const logical = 4 * requests;
const sum = (run, f) => run.workers.reduce((n, w) => n + (w.report === null ? 0 : f(w.report)), 0);
const failed = (run) => {
  const out = {};
  for (const w of run.workers) for (const [code, n] of Object.entries(w.report?.failed ?? {})) out[code] = (out[code] ?? 0) + n;
  return out;
};
console.log(`Fleet: 4 processes x ${requests} requests, one every ${spacingMs.toFixed(0)} ms, during a ${outageMs / 1000} s outage (503, then 200).`);
console.log("The machine may be loaded: times are wall-clock.\n");

// 1. Budget --------------------------------------------------------------------------------
const budget = { ...fast, breaker: false };
const shared = await runFleet({ ...fleet, redisPort, prefix: "budget:", policy: budget });
const local = await runFleet({ ...fleet, policy: budget });
const retries = (run) => run.seen.length - logical;
console.log("1. Retry budget (500 tokens, 5 a retry; breaker off)");
console.log("   budget             server saw   retries   store fallbacks");
for (const [name, run] of [["one in Redis", shared], ["one per process", local]]) {
  console.log(`   ${name.padEnd(18)} ${String(run.seen.length).padStart(10)} ${String(retries(run)).padStart(9)} ${String(sum(run, (r) => r.fallbacks.length)).padStart(17)}`);
}
console.log(`   retries shared / per process: ${(retries(shared) / retries(local)).toFixed(2)} (about 0.25 expected)\n`);

// 2. Breaker -------------------------------------------------------------------------------
const breakerShared = await runFleet({ ...fleet, redisPort, prefix: "breaker:", policy: fast });
const breakerLocal = await runFleet({ ...fleet, policy: fast });
const cooldownMs = 5000;
console.log("2. Breaker (5 failures in a row open it, 5 s cool-down, then one probe)");
for (const [name, run] of [["shared in Redis", breakerShared], ["one per process", breakerLocal]]) {
  const { by, after } = afterOpen(run, cooldownMs);
  const others = after.filter((_, id) => id !== by);
  console.log(`   ${name}: server saw ${run.seen.length}; opened first in process ${by}; requests the other 3 sent before the cool-down ended: ${others.join(", ")} (max ${Math.max(...others)})`);
}
console.log();

// 3. Pacer ---------------------------------------------------------------------------------
const pacerJob = { requests: 25, spacingMs: 5, outageMs: 0, pacer: { reports: "10/hour" } };
const pacedShared = await runFleet({ ...pacerJob, redisPort, prefix: "pacer:" });
const pacedLocal = await runFleet(pacerJob);
console.log("3. Pacer \"10/hour\", 4 processes x 25 attempts to send");
console.log(`   shared in Redis: ${pacedShared.seen.length} went out (exactly 10 expected; store fallbacks ${sum(pacedShared, (r) => r.fallbacks.length)}); one per process: ${pacedLocal.seen.length}\n`);

// 4. Redis killed mid-run ------------------------------------------------------------------
let restartedAt = Infinity;
// A fifth more requests, after the outage: the fleet recovers once Redis is back.
const killed = await runFleet({
  ...fleet, requests: Math.round(requests * 1.2), redisPort, prefix: "kill:", policy: fast,
  during: async (startAt) => {
    await new Promise((r) => setTimeout(r, startAt + outageMs / 3 - Date.now()));
    await redis.stop();
    await new Promise((r) => setTimeout(r, startAt + (2 * outageMs) / 3 - Date.now()));
    redis = await startRedis(redisPort);
    restartedAt = Date.now();
  },
});
const crashes = killed.workers.filter((w) => w.code !== 0 || w.report === null).length;
const answered = sum(killed, (r) => r.ok);
const typed = Object.values(failed(killed)).reduce((a, b) => a + b, 0);
const untyped = sum(killed, (r) => r.untyped.length);
const fallbacks = sum(killed, (r) => r.fallbacks.length);
const late = sum(killed, (r) => r.fallbacks.filter((t) => t > restartedAt + 1000).length);
const evals = /cmdstat_eval:calls=(\d+)/.exec(cli("info", "commandstats"))?.[1] ?? "0";
const keys = cli("--scan", "--pattern", "kill:*").split("\n").filter(Boolean).length;
console.log(`4. Redis killed at ${(outageMs / 3000).toFixed(0)} s, restarted at ${((2 * outageMs) / 3000).toFixed(0)} s`);
console.log(`   crashes ${crashes}, unhandled rejections ${sum(killed, (r) => r.unhandled)}`);
console.log(`   ${4 * Math.round(requests * 1.2)} requests: ${answered} answered, ${typed} failed with a typed error ${JSON.stringify(failed(killed))}, ${untyped} failed otherwise`);
console.log(`   store fallback events ${fallbacks}; after the restart (+1 s) ${late}; scripts reloaded by EVAL after NOSCRIPT: ${evals}; keys shared again: ${keys}`);

await redis.stop();
