// RetryPolicy.decide through the built package vs the hand-written decide most clients carry
// (a status list + exponential backoff with full jitter + Retry-After in seconds), one process.
// Both return a fresh decision object per call. The figures are what one decision costs, not
// a target: a retry waits hundreds of milliseconds, so either is free next to the wait.
//   node bench/retry.mjs [--quick]
import { createRequire } from "node:module";
import { compare, consume } from "./harness.mjs";

const require = createRequire(import.meta.url);
const fl = require("../dist/node.cjs");

// The common hand-written kind (seed 000's client, axios-retry / ky style).
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
function handDecide(attempt, status, retryAfter) {
  if (attempt > 3 || !RETRY_STATUS.has(status)) return { retry: false, delayMs: 0 };
  if (retryAfter !== null) {
    const s = Number(retryAfter);
    if (Number.isFinite(s) && s >= 0) return { retry: true, delayMs: Math.min(s * 1000, 60_000) };
  }
  return { retry: true, delayMs: Math.random() * Math.min(30_000, 1000 * 2 ** (attempt - 1)) };
}

const server = { category: "server", status: 500, retryable: true, retryAfterMs: null, hintSource: null, notSent: false };
const throttled = { category: "rate_limited", status: 429, retryable: true, retryAfterMs: 2000, hintSource: "retry-after", notSent: false };
// The budget and breaker would (rightly) stop a benchmark that fails forever; make them huge so
// every call walks the full retry path.
const noStop = { budget: { capacity: 1e9 }, breaker: { failureThreshold: 4e9 } };
const plain = new fl.RetryPolicy({ budget: false, breaker: false });
const shared = new fl.RetryPolicy(noStop);
const origin = "https://api.example.com";
const now = Date.now();

compare("decide() after a 500 on GET (attempts 1..3 cycled)", [
  { name: "faultline decide", fn: (i) => plain.decide({ attempt: 1 + (i % 3), classification: server, method: "GET" }).delayMs },
  { name: "faultline decide + origin (breaker+budget)", fn: (i) => shared.decide({ attempt: 1 + (i % 3), classification: server, method: "GET", origin, nowMs: now }).delayMs },
  { name: "hand-written JS decide", fn: (i) => handDecide(1 + (i % 3), 500, null).delayMs },
], { baseline: "hand-written JS decide", iterations: 300_000 });

compare("decide() after a 429 with Retry-After: 2", [
  { name: "faultline decide", fn: (i) => plain.decide({ attempt: 1 + (i % 3), classification: throttled, method: "GET" }).delayMs },
  { name: "faultline decide, POST + idempotency key", fn: (i) => plain.decide({ attempt: 1 + (i % 3), classification: throttled, method: "POST", idempotencyKey: "k" }).delayMs },
  { name: "hand-written JS decide", fn: (i) => handDecide(1 + (i % 3), 429, "2").delayMs },
], { baseline: "hand-written JS decide", iterations: 300_000 });

// Pacing runs once per send. Time only moves forward (as a clock does): 100/s, one send per 10 ms.
const pacer = fl.createPacer({ burst: "100/second" });
let t = 0;
compare("Pacer: delayBeforeSend + recordSend, one scope at its limit", [
  { name: "faultline pacer", fn: () => { t += 10; const d = pacer.delayBeforeSend("burst", t); pacer.recordSend("burst", t); return d; } },
], { iterations: 200_000 });
consume(0);
