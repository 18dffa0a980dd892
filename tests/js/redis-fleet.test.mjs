// A fleet of real Node processes (child processes running helper.fleet-worker.mjs) sharing a
// Redis (Debian's redis-server on a free loopback port) through createClient: the breaker and
// the pacer hold across processes. The figures of the full scenario are in bench/fleet.mjs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { afterOpen, runFleet } from "./helper.fleet.mjs";
import { freePort, startRedis } from "./helper.redis.mjs";

let redisPort;
let redisServer;

before(async () => {
  redisPort = await freePort();
  redisServer = await startRedis(redisPort);
});

after(() => redisServer?.stop());

const clean = (run) => {
  for (const w of run.workers) {
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(w.report.untyped, []);
    assert.equal(w.report.unhandled, 0);
  }
};

test("once the breaker opens in one process, the others stop within one request", async () => {
  // Process 0 starts first and opens the breaker with its first request (3 failures: the
  // request and two retries); the other three start 300 ms later.
  const job = { requests: 25, spacingMs: 20, outageMs: 60_000, othersLaterMs: 300, policy: { breaker: { failureThreshold: 3, cooldownMs: 60_000 }, baseMs: 1, capMs: 2 } };
  const run = await runFleet({ ...job, redisPort, prefix: "breaker:", timeoutMs: 1000 });
  clean(run);
  const { openedAt, by, after: sent } = afterOpen(run, 60_000);
  assert.ok(Number.isFinite(openedAt), "the breaker opened");
  assert.equal(by, 0);
  assert.deepEqual(sent.slice(1).map((n) => n <= 1), [true, true, true], `requests sent after the breaker opened: ${sent}`);
  for (const w of run.workers) assert.ok(w.report.failed.circuit_open >= 24, JSON.stringify(w.report.failed));
  assert.equal(run.seen.length, 3);
  // Without the store each process opens its own breaker with its own three failures.
  const alone = await runFleet(job);
  clean(alone);
  assert.deepEqual(afterOpen(alone, 60_000).after.slice(1), [3, 3, 3]);
  assert.equal(alone.seen.length, 12);
});

test("a pacer of 10 per hour lets exactly 10 through across 4 processes", async () => {
  const job = { requests: 10, spacingMs: 5, outageMs: 0, pacer: { reports: "10/hour" } };
  const run = await runFleet({ ...job, redisPort, prefix: "pacer:", timeoutMs: 1000 });
  clean(run);
  assert.equal(run.seen.length, 10);
  assert.equal(run.workers.reduce((n, w) => n + w.report.sent, 0), 10);
  assert.equal(run.workers.reduce((n, w) => n + w.report.paced, 0), 30);
  // Without the store each process keeps its own window: 10 each.
  const alone = await runFleet(job);
  clean(alone);
  assert.equal(alone.seen.length, 40);
});
