// faultline/redis, measured against a real Redis (Debian's redis-server, started here on a free
// loopback port and stopped at the end), through ioredis: the latency the store adds,
// decide() on local state beside decideShared() through Redis (and the same for the pacer),
// p50 and p99, one process, sequential calls. A fleet of processes: bench/fleet.mjs.
//   node bench/redis.mjs [--quick]
import { createRequire } from "node:module";
import { connect, freePort, startRedis } from "../tests/js/helper.redis.mjs";

const require = createRequire(import.meta.url);
const fl = require("../dist/node.cjs");
const { createRedisStore } = require("../dist/redis.cjs");
const quick = process.argv.includes("--quick");

const server503 = { category: "unavailable", status: 503, retryable: true, retryAfterMs: null, hintSource: null };
const redisPort = await freePort();
const redisServer = await startRedis(redisPort);
const { client: redis, close } = await connect("ioredis", redisPort);

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

close();
await redisServer.stop();
