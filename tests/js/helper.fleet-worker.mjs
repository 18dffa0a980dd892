// One process of a Node fleet, for redis-fleet.test.mjs and bench/fleet.mjs:
//   node helper.fleet-worker.mjs '<json job>'
// Once connected it prints "ready" and waits for the start time on stdin ("go <epoch ms>"); then
// it sends `requests` GET requests to `url` (one every `spacingMs`) through createClient with
// a RetryPolicy (and, in "pacer" mode, a Pacer) whose state is shared through Redis when
// `redisPort` is set, and prints one JSON line: what happened to each request, the events it
// saw, and the unhandled rejections. `FAULTLINE_DIST` points at a built dist/ instead of the
// installed package.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const job = JSON.parse(process.argv[2]);
const dist = process.env.FAULTLINE_DIST;
const fl = await import(dist ? pathToFileURL(join(dist, "node.mjs")).href : "faultline");
const { createRedisStore } = await import(dist ? pathToFileURL(join(dist, "redis.mjs")).href : "faultline/redis");
const repo = process.env.FAULTLINE_REPO ?? new URL("../..", import.meta.url).pathname;
const Redis = createRequire(`${repo}/package.json`)("ioredis");

const out = { id: job.id, ok: 0, failed: {}, untyped: [], paced: 0, unhandled: 0, fallbacks: [], openedAt: null, sent: 0 };
process.on("unhandledRejection", () => out.unhandled++);

let redis = null;
let store = null;
if (job.redisPort) {
  redis = new Redis({ port: job.redisPort, host: "127.0.0.1", retryStrategy: () => 100 });
  redis.on("error", () => {}); // a killed Redis is part of the scenario
  store = createRedisStore({ client: redis, prefix: job.prefix, timeoutMs: job.timeoutMs ?? 50 });
  await redis.ping(); // connected before the clock starts
}
const policy = new fl.RetryPolicy({ store, ...job.policy });
const pacer = job.pacer ? fl.createPacer(job.pacer, { store }) : null;
const api = fl.createClient({
  baseUrl: job.url,
  retry: policy,
  timeoutMs: 5000,
  headers: { "x-worker": String(job.id) },
  onEvent: (e) => {
    if (e.type === "store_fallback") out.fallbacks.push(Date.now());
    if (e.type === "circuit" && e.state === "open") out.openedAt ??= Date.now();
  },
});

process.stdout.write("ready\n");
// `othersLaterMs`: every process but the first starts that much later.
const start = (job.id === 0 ? 0 : job.othersLaterMs ?? 0) + await new Promise((resolve) => {
  process.stdin.setEncoding("utf8");
  process.stdin.once("data", (line) => {
    process.stdin.pause();
    resolve(Number(/go (\d+)/.exec(line)?.[1] ?? Date.now()));
  });
});
for (let i = 0; i < job.requests; i++) {
  const wait = start + i * job.spacingMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (pacer !== null && (await pacer.reserve("reports")) > 0) {
    out.paced++;
    continue;
  }
  out.sent++;
  try {
    await api.request("GET", "/reports");
    out.ok++;
  } catch (e) {
    // Typed: the package's error class with a classification; counted by code (or category).
    const why = e instanceof fl.FaultlineError ? (e.classification?.code ?? e.classification?.category) : undefined;
    if (typeof why === "string") {
      out.failed[why] = (out.failed[why] ?? 0) + 1;
    } else {
      out.untyped.push(String(e));
    }
  }
}
store?.dispose();
redis?.disconnect();
policy.free();
pacer?.free();
process.stdout.write(`${JSON.stringify(out)}\n`);
