// 10 000 GETs at concurrency 200 into a storm: a local server (its own process) answers each
// request, by a seeded draw, 429 with Retry-After: 1 (20%), 503 (25%), a connection reset
// (10%) or 200 (45%). The same storm goes through createClient (default policy: backoff,
// budget, breaker; then with the breaker off) and through ky (its default retry, limit 2), one after the other in this
// process. Printed for each: requests the server saw per logical request, outcomes by
// category, unhandled rejections (must be 0), heap before and after, the longest event-loop
// delay, and the wall time.
//   node --expose-gc bench/client-load.mjs [--quick]
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import ky from "ky";
import { ApiError, classifyError, createClient } from "../dist/node.mjs";

if (process.argv[2] === "serve") {
  // The storm server: a 32-bit LCG seeded per run, so both clients meet the same sequence.
  let x = 12345;
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const r = x / 2 ** 32;
    if (r < 0.2) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      return res.end('{"detail":"Request was throttled. Expected available in 1 second."}');
    }
    if (r < 0.45) {
      res.writeHead(503, { "content-type": "application/json" });
      return res.end('{"detail":"Service temporarily unavailable, try again later."}');
    }
    if (r < 0.55) return req.socket.destroy();
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  server.keepAliveTimeout = 60_000;
  process.on("message", (m) => {
    if (m === "count") process.send({ hits });
    if (m === "reset") {
      hits = 0;
      x = 12345;
      process.send({ reset: true });
    }
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
} else {
  await main();
}

async function main() {
  const QUICK = process.env.QUICK === "1" || process.argv.includes("--quick");
  const TOTAL = QUICK ? 1_000 : 10_000;
  const CONCURRENCY = 200;
  const child = fork(new URL(import.meta.url).pathname, ["serve"], { stdio: "inherit" });
  const ask = (msg, key) => new Promise((resolve) => {
    const on = (m) => {
      if (key in m) {
        child.off("message", on);
        resolve(m);
      }
    };
    child.on("message", on);
    if (msg) child.send(msg);
  });
  const { port } = await ask(null, "port");
  const base = `http://127.0.0.1:${port}/v1`;
  let unhandled = 0;
  process.on("unhandledRejection", () => { unhandled++; });

  const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
  const heap = () => {
    globalThis.gc?.();
    return process.memoryUsage().heapUsed;
  };

  async function storm(name, one) {
    await ask("reset", "reset");
    const before = heap();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const outcomes = {};
    const unhandledBefore = unhandled;
    let next = 0;
    const t0 = Date.now();
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const outcome = await one(i).then(() => "ok", (e) => e);
        const key = typeof outcome === "string" ? outcome : outcomeOf(outcome);
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wallMs = Date.now() - t0;
    delay.disable();
    const { hits } = await ask("count", "hits");
    const after = heap();
    console.log(`\n${name}: ${TOTAL} requests, concurrency ${CONCURRENCY}, ${(wallMs / 1000).toFixed(1)} s`);
    console.log(`  server requests per logical request: ${(hits / TOTAL).toFixed(2)} (${hits} in all)`);
    console.log(`  outcomes: ${Object.entries(outcomes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    console.log(`  unhandled rejections: ${unhandled - unhandledBefore}`);
    console.log(`  heap: ${mb(before)} before, ${mb(after)} after`);
    console.log(`  event-loop delay: max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`);
    return { hits, wallMs };
  }

  // An error's category: the client's ApiError carries it; ky's errors are classified here.
  function outcomeOf(e) {
    if (e instanceof ApiError) return e.classification.code === "circuit_open" ? "circuit_open (not sent)" : e.classification.category;
    if (e?.response) return `HTTP ${e.response.status}`;
    return classifyError(e?.cause ?? e).category;
  }

  const api = createClient({ baseUrl: base });
  const ours = await storm("createClient (default policy)", () => api.request("GET", "items"));
  const noBreaker = createClient({ baseUrl: base, retry: { breaker: false } });
  await storm("createClient (breaker off: backoff and budget only)", () => noBreaker.request("GET", "items"));
  const plain = ky.create({ baseUrl: `${base}/`, retry: { limit: 2 } });
  const theirs = await storm("ky (retry limit 2)", () => plain.get("items").json());
  console.log(`\nserver load: createClient ${(ours.hits / TOTAL).toFixed(2)} vs ky ${(theirs.hits / TOTAL).toFixed(2)} requests per logical request (${(ours.hits / theirs.hits).toFixed(2)}×)`);
  if (unhandled !== 0) process.exitCode = 1;
  child.kill();
}
