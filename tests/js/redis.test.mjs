// faultline/redis against a real Redis (Debian's redis-server, started on 127.0.0.1 on a free
// port and stopped at the end), through each client the store supports: ioredis and
// node-redis. Several policies and pacers in one process stand for the processes of a fleet:
// they share nothing but the store. (Real child processes: redis-fleet.test.mjs.)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApiError, createClient, createPacer, FaultlineError, RetryPolicy } from "faultline";
import { createRedisStore } from "faultline/redis";
import { connect, freePort, startRedis } from "./helper.redis.mjs";

const server = { category: "unavailable", status: 503, retryable: true, retryAfterMs: null, hintSource: null };
const ORIGIN = "https://api.example.com";
let n = 0;
const prefix = () => `t${++n}:`;

for (const kind of ["ioredis", "node-redis"]) describe(kind, () => {
  let port;
  let redisServer;
  let r;
  let redis;

  before(async () => {
    port = await freePort();
    redisServer = await startRedis(port);
    r = await connect(kind, port);
    redis = r.client;
  });

  after(async () => {
    await r?.close();
    await redisServer?.stop();
  });

  // Generous deadline where a test counts exact sharing: the machine may be loaded.
  const store = (opts = {}) => createRedisStore({ client: redis, prefix: prefix(), timeoutMs: 2000, ...opts });

  test("two processes share one retry budget", async () => {
    const s = store();
    const opts = { store: s, budget: { capacity: 10, retryCost: 5 }, breaker: false, maxRetries: 50, maxAttempts: 60 };
    const a = new RetryPolicy(opts);
    const b = new RetryPolicy(opts);
    const reasons = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      for (const p of [a, b]) reasons.push((await p.decideShared({ attempt, classification: server })).reason);
    }
    // 10 tokens at 5 a retry: two retries for both together, not two each.
    assert.deepEqual(reasons.filter((r) => r === "retry_backoff").length, 2, reasons.join());
    assert.equal(reasons.filter((r) => r === "budget_exhausted").length, 6);
    await b.recordSuccessShared();
    assert.equal(a.budgetTokens, 0, "a's local view is what it last loaded");
    assert.equal((await a.decideShared({ attempt: 1, classification: server })).reason, "budget_exhausted", "1 token back: not enough");
    assert.equal(s.stats.fallbacks, 0);
  });

  test("a circuit opened by one process stops the others at once", async () => {
    const s = store();
    const opts = { store: s, breaker: { failureThreshold: 3, cooldownMs: 60_000 }, maxRetries: 10 };
    const a = new RetryPolicy(opts);
    const b = new RetryPolicy(opts);
    const now = Date.now();
    for (let attempt = 1; attempt <= 3; attempt++) await a.decideShared({ attempt, classification: server, origin: ORIGIN, nowMs: now });
    assert.equal(a.breakerState(ORIGIN, now), "open");
    assert.equal(await b.allowRequestShared(ORIGIN, now + 1), false, "b never failed itself");
    assert.equal((await b.decideShared({ attempt: 1, classification: server, origin: ORIGIN, nowMs: now + 2 })).reason, "circuit_open");
    // Another origin is not affected; a success anywhere closes the circuit for everyone.
    assert.equal(await b.allowRequestShared("https://other.example", now), true);
    await b.recordSuccessShared(ORIGIN, now + 3);
    assert.equal(await a.allowRequestShared(ORIGIN, now + 4), true);
  });

  test("a pacer of 10 per hour lets exactly 10 through across 4 processes", async () => {
    const p0 = prefix();
    const s = createRedisStore({ client: redis, prefix: p0, ttlMs: 1000, timeoutMs: 2000 });
    const pacers = Array.from({ length: 4 }, () => createPacer({ reports: "10/hour" }, { store: s }));
    const now = Date.now();
    const waits = await Promise.all(pacers.map(async (p, k) => {
      const out = [];
      for (let i = 0; i < 10; i++) out.push(await p.reserve("reports", now + k * 10 + i));
      return out;
    }));
    const flat = waits.flat();
    assert.equal(flat.filter((w) => w === 0).length, 10, flat.join());
    assert.ok(flat.every((w) => w >= 0 && w <= 3_600_000), flat.join());
    // And once the 10 are spent, nobody gets through until the first leaves the window.
    for (const p of pacers) assert.ok((await p.reserve("reports", now + 1000)) > 3_500_000);
    // The window outlives the store's short ttlMs: the key lives at least one window.
    const ttl = Number(await r.command("PTTL", `${p0}pacer:reports`));
    assert.ok(ttl > 3_000_000 && ttl <= 3_600_000, String(ttl));
  });

  test("keys expire", async () => {
    const p = prefix();
    const s = createRedisStore({ client: redis, prefix: p, ttlMs: 5000, timeoutMs: 2000 });
    await new RetryPolicy({ store: s }).decideShared({ attempt: 1, classification: server, origin: ORIGIN });
    for (const key of ["retry:budget", `retry:circuit:${ORIGIN}`]) {
      const ttl = Number(await r.command("PTTL", p + key));
      assert.ok(ttl > 0 && ttl <= 5000, `${key}: ${ttl}`);
    }
  });

  test("NOSCRIPT after a script flush heals by itself", async () => {
    const events = [];
    const s = store({ onEvent: (e) => events.push(e) });
    const opts = { store: s, budget: { capacity: 10, retryCost: 5 }, breaker: false };
    const a = new RetryPolicy(opts);
    const b = new RetryPolicy(opts);
    assert.equal((await a.decideShared({ attempt: 1, classification: server })).retry, true);
    await r.command("SCRIPT", "FLUSH");
    assert.equal((await b.decideShared({ attempt: 1, classification: server })).retry, true);
    assert.equal((await a.decideShared({ attempt: 1, classification: server })).reason, "budget_exhausted");
    assert.deepEqual(events.filter((e) => e.type === "store_fallback"), []);
  });

  test("bad options are typed errors of the package's own class", () => {
    for (const opts of [undefined, {}, { client: {} }, { client: redis, timeoutMs: -1 }, { client: redis, ttlMs: Infinity }, { client: redis, prefix: 5 }]) {
      assert.throws(() => createRedisStore(opts), (e) => e instanceof FaultlineError && e.code === "invalid_argument", JSON.stringify(opts));
    }
    assert.throws(() => new RetryPolicy({ store: {} }), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
  });

  test("dispose: the store answers at once and the policy decides locally", async () => {
    const events = [];
    const s = store({ onEvent: (e) => events.push(e) });
    s.dispose();
    s.dispose();
    const p = new RetryPolicy({ store: s });
    assert.equal((await p.decideShared({ attempt: 1, classification: server })).retry, true);
    assert.deepEqual(events.map((e) => [e.type, e.reason]), [["store_fallback", "disposed"]]);
    assert.equal(s.stats.fallbacks, 1);
  });

  test("Redis killed mid-run: every call answers from local state, with events; restarted: sharing resumes", async () => {
    const events = [];
    const unhandled = [];
    const onUnhandled = (e) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const s = createRedisStore({ client: redis, prefix: prefix(), onEvent: (e) => events.push(e) }); // default 50 ms
      const opts = { store: s, budget: { capacity: 10, retryCost: 5 }, breaker: false, maxRetries: 10 };
      const a = new RetryPolicy(opts);
      const b = new RetryPolicy(opts);
      await redisServer.stop();
      const started = Date.now();
      const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).decideShared({ attempt: 1, classification: server })));
      assert.ok(Date.now() - started < 5000, "no call waits for Redis");
      assert.equal(decisions.length, 20);
      for (const d of decisions) assert.ok(["retry_backoff", "budget_exhausted"].includes(d.reason), d.reason);
      // Each process spends only its own budget while Redis is away: 2 retries each.
      assert.equal(decisions.filter((d) => d.retry).length, 4);
      assert.equal(s.stats.fallbacks, 20);
      assert.ok(events.every((e) => e.type === "store_fallback" && e.op === "load"), JSON.stringify(events.slice(0, 3)));

      redisServer = await startRedis(port);
      await r.ready();
      const s2 = store();
      const c = new RetryPolicy({ ...opts, store: s2 });
      const d = new RetryPolicy({ ...opts, store: s2 });
      const again = [];
      for (let attempt = 1; attempt <= 2; attempt++) {
        for (const p of [c, d]) again.push((await p.decideShared({ attempt, classification: server })).retry);
      }
      assert.deepEqual(again, [true, true, false, false], "shared again (and the scripts, flushed by the restart, reloaded)");
      assert.equal(s2.stats.fallbacks, 0);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
  test("createClient shares the breaker: a circuit opened by one client refuses the other's request unsent", async () => {
    const s = store();
    const opts = { store: s, breaker: { failureThreshold: 2, cooldownMs: 60_000 }, baseMs: 1, capMs: 1 };
    const sent = [];
    const fetch503 = (name) => async () => {
      sent.push(name);
      return new Response("", { status: 503 });
    };
    const a = createClient({ baseUrl: ORIGIN, retry: new RetryPolicy(opts), fetch: fetch503("a") });
    const events = [];
    const b = createClient({ baseUrl: ORIGIN, retry: new RetryPolicy(opts), fetch: fetch503("b"), onEvent: (e) => events.push(e) });
    await assert.rejects(a.request("GET", "/x"), (e) => e instanceof ApiError && e.classification.status === 503);
    assert.deepEqual(sent, ["a", "a"], "the second failure opened the circuit: no third attempt");
    await assert.rejects(b.request("GET", "/x"), (e) => e instanceof ApiError && e.classification.code === "circuit_open" && e.classification.notSent);
    assert.deepEqual(sent, ["a", "a"], "b never sent: the circuit is open for the fleet");
    assert.deepEqual(events.filter((e) => e.type === "circuit"), [{ type: "circuit", origin: ORIGIN, state: "open" }]);
    assert.equal(s.stats.fallbacks, 0);
  });

  test("createClient shares the budget: two clients get one budget's retries", async () => {
    const s = store();
    const opts = { store: s, budget: { capacity: 10, retryCost: 5 }, breaker: false, baseMs: 1, capMs: 1, maxRetries: 5 };
    let sent = 0;
    const fetch = async () => {
      sent++;
      return new Response("", { status: 503 });
    };
    const clients = [0, 1].map(() => createClient({ baseUrl: ORIGIN, retry: new RetryPolicy(opts), fetch }));
    for (const c of clients) await assert.rejects(c.request("GET", "/x"), ApiError);
    assert.equal(sent, 2 + 2, "two first attempts and the two retries 10 tokens pay for");
  });

  test("a store that does not answer: the client goes on locally and says so with typed events", async () => {
    const s = store();
    s.dispose();
    const events = [];
    let sent = 0;
    const fetch = async () => new Response(++sent === 1 ? "" : "{}", { status: sent === 1 ? 503 : 200, headers: { "content-type": "application/json" } });
    const api = createClient({ baseUrl: ORIGIN, retry: new RetryPolicy({ store: s, baseMs: 1, capMs: 1 }), fetch, onEvent: (e) => events.push(e) });
    assert.deepEqual(await api.request("GET", "/x"), {});
    assert.equal(sent, 2);
    const fallbacks = events.filter((e) => e.type === "store_fallback");
    // allow, decide (load), allow, success: each step once, each on local state.
    assert.deepEqual(fallbacks, [
      { type: "store_fallback", origin: ORIGIN, op: "load", reason: "disposed" },
      { type: "store_fallback", origin: ORIGIN, op: "load", reason: "disposed" },
      { type: "store_fallback", origin: ORIGIN, op: "load", reason: "disposed" },
      { type: "store_fallback", origin: ORIGIN, op: "load", reason: "disposed" },
    ]);
    assert.equal(s.stats.fallbacks, 4);
  });

  test("a store that throws or answers garbage is a fallback, never a rejection", async () => {
    const seen = [];
    const broken = { load: async () => { throw new Error("boom"); }, save: async () => "saved" };
    const garbage = { load: async () => "nonsense", save: async () => 42 };
    for (const st of [broken, garbage]) {
      const p = new RetryPolicy({ store: st });
      const d = await p.decideShared({ attempt: 1, classification: server, origin: ORIGIN }, { onFallback: (e) => seen.push([e.op, e.reason, e.error?.message]) });
      assert.equal(d.reason, "retry_backoff");
    }
    assert.deepEqual(seen, [["load", "error", "boom"], ["load", "error", undefined]]);
  });
});
