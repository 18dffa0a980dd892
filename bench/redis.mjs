// faultline/redis, measured against a real Redis (Debian's redis-server, started here on a free
// loopback port and stopped at the end), through ioredis.
//   1. Latency the store adds: decide() on local state beside decideShared() through Redis,
//      p50 and p99, one process, sequential calls.
//   2. A fleet in an outage: 4 Node processes x 500 requests (each retried by the policy) into a
//      local HTTP server that answers 503 to everything; requests the server saw with one shared
//      store and with a budget per process. The shared budget should let about a quarter of the
//      retries through.
//   node bench/redis.mjs [--quick]
import { spawn, spawnSync } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Redis = require("ioredis");
const fl = require("../dist/node.cjs");
const { createRedisStore } = require("../dist/redis.cjs");
const quick = process.argv.includes("--quick");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const server503 = { category: "unavailable", status: 503, retryable: true, retryAfterMs: null, hintSource: null };

// ---------------------------------------------------------------------------------------
// A worker: `node bench/redis.mjs --worker <redisPort> <httpPort> <shared|local> <requests>`.
if (process.argv[2] === "--worker") {
  const [redisPort, httpPort, mode, count] = process.argv.slice(3);
  const redis = new Redis({ port: Number(redisPort), host: "127.0.0.1" });
  const store = mode === "shared" ? createRedisStore({ client: redis, prefix: "fleet:", timeoutMs: 1000 }) : null;
  const policy = new fl.RetryPolicy({ store, breaker: false, baseMs: 1, capMs: 2, maxRetries: 3 });
  let gaveUp = 0;
  for (let i = 0; i < Number(count); i++) {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/`);
      await res.arrayBuffer();
      const d = await policy.decideShared({ attempt, classification: server503 });
      if (!d.retry) {
        gaveUp += d.reason === "budget_exhausted" ? 1 : 0;
        break;
      }
      await new Promise((r) => setTimeout(r, d.delayMs));
    }
  }
  redis.disconnect();
  process.stdout.write(JSON.stringify({ gaveUp, fallbacks: store?.stats.fallbacks ?? 0 }));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------

const redisPort = await freePort();
if (spawnSync("redis-server", ["--version"]).status !== 0) {
  console.error("redis-server is missing: run scripts/setup.sh");
  process.exit(1);
}
const redisServer = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
const redis = new Redis({ port: redisPort, host: "127.0.0.1", retryStrategy: () => 50, lazyConnect: true });
redis.on("error", () => {}); // until redis-server listens
for (let i = 0; i < 100; i++) {
  try {
    if (redis.status === "wait" || redis.status === "end") await redis.connect();
    await redis.ping();
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function latency(name, n, f) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f(i);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return { name, p50: pct(times, 50), p99: pct(times, 99) };
}

const n = quick ? 500 : 5000;
const local = new fl.RetryPolicy({ breaker: { failureThreshold: 1e9 }, budget: { capacity: 1e9 } });
const sharedStore = createRedisStore({ client: redis, prefix: "lat:", timeoutMs: 1000 });
const shared = new fl.RetryPolicy({ store: sharedStore, breaker: { failureThreshold: 1e9 }, budget: { capacity: 1e9 } });
const origin = "https://api.example.com";
const input = (i) => ({ attempt: 1 + (i % 3), classification: server503, origin });
const rows = [
  await latency("decide() local", n, (i) => local.decide(input(i))),
  await latency("decideShared() via Redis", n, (i) => shared.decideShared(input(i))),
];
const pacerLocal = fl.createPacer({ s: "100000/second" });
const pacerShared = fl.createPacer({ s: "100000/second" }, { store: sharedStore });
rows.push(await latency("pacer.reserve() local", n, () => pacerLocal.reserve("s")));
rows.push(await latency("pacer.reserve() via Redis", n, () => pacerShared.reserve("s")));
console.log(`\nLatency on loopback, ${n} sequential calls each (µs; the machine may be loaded)`);
console.log("  case                              p50       p99");
for (const r of rows) console.log(`  ${r.name.padEnd(30)} ${r.p50.toFixed(1).padStart(8)}  ${r.p99.toFixed(1).padStart(8)}`);
console.log(`  added by Redis to decide(): p50 ${(rows[1].p50 - rows[0].p50).toFixed(1)} µs, p99 ${(rows[1].p99 - rows[0].p99).toFixed(1)} µs; ratio p50 ${(rows[1].p50 / rows[0].p50).toFixed(1)}x`);
console.log(`  store fallbacks during the run: ${sharedStore.stats.fallbacks}, conflicts: ${sharedStore.stats.conflicts}`);

// ---------------------------------------------------------------------------------------

async function fleet(mode, perProcess) {
  await redis.flushall();
  let seen = 0;
  const http = createHttpServer((req, res) => {
    seen++;
    res.writeHead(503, { "content-type": "application/json" });
    res.end('{"error":{"code":"unavailable"}}');
  });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  const httpPort = http.address().port;
  const self = new URL(import.meta.url).pathname;
  const results = await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [self, "--worker", String(redisPort), String(httpPort), mode, String(perProcess)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}`))));
  })));
  await new Promise((r) => http.close(r));
  const logical = 4 * perProcess;
  return { mode, seen, retries: seen - logical, logical, fallbacks: results.reduce((a, r) => a + r.fallbacks, 0) };
}

const perProcess = quick ? 100 : 500;
const fleets = [await fleet("local", perProcess), await fleet("shared", perProcess)];
console.log(`\nFleet in an outage: 4 processes x ${perProcess} requests, every response 503, budget 500 tokens / 5 a retry, breaker off`);
console.log("  budget              server saw   retries   per logical request   store fallbacks");
for (const f of fleets) {
  console.log(`  ${(f.mode === "shared" ? "one, in Redis" : "one per process").padEnd(18)} ${String(f.seen).padStart(11)} ${String(f.retries).padStart(9)} ${(f.seen / f.logical).toFixed(3).padStart(21)} ${String(f.fallbacks).padStart(17)}`);
}
console.log(`  retries with the shared budget / per-process budgets: ${(fleets[1].retries / fleets[0].retries).toFixed(2)} (a quarter expected)`);

redis.disconnect();
redisServer.kill("SIGKILL");
