// The scenarios createClient, faultlineKy and faultlineAxios must all pass, against the mock
// API of helper.server.mjs. `make({ baseUrl, tokens, retry, onEvent })` returns an adapter
// `{ send(method, path, { query, json, idempotencyKey, signal }) }` that resolves with the
// parsed body or rejects with the library's error, which carries `.classification`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { RetryPolicy } from "faultline";
import { startApi } from "./helper.server.mjs";
import { stubTokens } from "./helper.tokens.mjs";

export function scenarios(name, make) {
  let s;
  before(async () => { s = await startApi(); });
  after(async () => { await s.close(); });
  let n = 0;
  const k = () => `${name}-${++n}-${Date.now()}`;
  const fast = () => new RetryPolicy({ baseMs: 1, capMs: 5, seed: 7, maxRetryAfterMs: 1500, largeHint: "fail" });
  const api = (extra = {}) => make({ baseUrl: `${s.url}/v1/`, retry: fast(), ...extra });

  test(`${name}: 5 concurrent requests with a rejected token make one refresh`, async () => {
    const events = [];
    const tokens = stubTokens({ initial: "expired", refresh: async () => s.tokens.issue() });
    const a = api({ tokens, onEvent: (e) => events.push(e.type) });
    const outs = await Promise.all(Array.from({ length: 5 }, () => a.send("GET", "me")));
    assert.equal(tokens.refreshes, 1);
    assert.ok(outs.every((o) => o.user === "ada" && o.token === outs[0].token));
    assert.equal(events.filter((t) => t === "refresh").length, 1);
    assert.equal(events.filter((t) => t === "token_rejected").length, 5);
  });

  test(`${name}: a 503 is retried to success`, async () => {
    const events = [];
    const out = await api({ onEvent: (e) => events.push(e.type) }).send("GET", "flaky", { query: { fail: 2, key: k() } });
    assert.equal(out.attempts, 3);
    assert.equal(events.filter((t) => t === "retry").length, 2);
  });

  test(`${name}: POST is not retried without an Idempotency-Key, and is with one`, async () => {
    const key = k();
    await assert.rejects(api().send("POST", "flaky", { query: { fail: 1, key }, json: { a: 1 } }), (e) => {
      assert.equal(e.classification.category, "unavailable");
      assert.equal(e.classification.status, 503);
      return true;
    });
    const out = await api().send("POST", "flaky", { query: { fail: 1, key: k() }, json: { a: 1 }, idempotencyKey: "idem" });
    assert.equal(out.attempts, 2);
  });

  test(`${name}: a 429 hint is honoured`, async () => {
    const decisions = [];
    const t0 = Date.now();
    const out = await api({ onEvent: (e) => e.type === "retry" && decisions.push(e.decision) }).send("GET", "flaky", { query: { fail: 1, status: 429, retryAfter: 1, key: k() } });
    assert.equal(out.attempts, 2);
    assert.equal(decisions[0].reason, "retry_hint");
    assert.ok(Date.now() - t0 >= 1000, "waited the hint");
  });

  test(`${name}: 429 with Retry-After: 3600 is one request and carries retryAtMs`, async () => {
    const before = s.count("/v1/throttle");
    const t0 = Date.now();
    await assert.rejects(make({ baseUrl: `${s.url}/v1/` }).send("GET", "throttle", { query: { retryAfter: 3600 } }), (e) => {
      assert.equal(e.classification.category, "rate_limited");
      assert.ok(Math.abs(e.retryAtMs - (t0 + 3_600_000)) < 2000, `retryAtMs - t0 = ${e.retryAtMs - t0}`);
      return true;
    });
    assert.equal(s.count("/v1/throttle") - before, 1);
  });

  test(`${name}: abort during the backoff sleep stops at once, classified aborted`, async () => {
    const ac = new AbortController();
    const events = [];
    // Abort once the 5 s backoff sleep has begun.
    const onEvent = (e) => {
      events.push(e.type);
      if (e.type === "retry") setTimeout(() => ac.abort(), 20);
    };
    const b = make({ baseUrl: `${s.url}/v1/`, retry: new RetryPolicy({ baseMs: 5000, capMs: 5000, jitter: "none", seed: 1 }), onEvent });
    const t0 = Date.now();
    await assert.rejects(b.send("GET", "flaky", { query: { fail: 5, key: k() }, signal: ac.signal }), (e) => {
      assert.equal(e.classification.category, "aborted");
      return true;
    });
    assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
    assert.deepEqual(events.slice(0, 3), ["request", "response", "retry"]);
  });

  test(`${name}: a second 401 after the replay ends the session once, action reauthenticate`, async () => {
    const tokens = stubTokens({ initial: "expired", refresh: async () => "also-bad" });
    const a = api({ tokens });
    const results = await Promise.allSettled([a.send("GET", "me"), a.send("GET", "me")]);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.equal(r.reason.classification.action, "reauthenticate");
      assert.equal(r.reason.classification.status, 401);
    }
    assert.deepEqual(tokens.logouts, ["rejected"]);
    assert.equal(tokens.refreshes, 1);
  });

  test(`${name}: a connection reset is a network failure, retried for GET`, async () => {
    const retries = [];
    await assert.rejects(api({ onEvent: (e) => e.type === "retry" && retries.push(e.classification.category) }).send("GET", "reset"), (e) => {
      assert.equal(e.classification.category, "network");
      return true;
    });
    assert.deepEqual(retries, ["network", "network", "network"]);
  });

  test(`${name}: a policy with a store: two instances spend one budget, and a silent store is an event`, async () => {
    const store = memoryStore();
    const shared = () => new RetryPolicy({ store, budget: { capacity: 10, retryCost: 5 }, breaker: false, baseMs: 1, capMs: 1, maxRetries: 5 });
    const before = s.count("/v1/flaky");
    for (const a of [api({ retry: shared() }), api({ retry: shared() })]) {
      await assert.rejects(a.send("GET", "flaky", { query: { fail: 100, key: k() } }), (e) => e.classification.status === 503);
    }
    assert.equal(s.count("/v1/flaky") - before, 2 + 2, "10 tokens at 5 a retry: two retries for both");

    const events = [];
    const silent = { load: async () => null, save: async () => "unavailable" };
    const out = await api({ retry: new RetryPolicy({ store: silent, baseMs: 1, capMs: 1 }), onEvent: (e) => e.type === "store_fallback" && events.push(e) })
      .send("GET", "flaky", { query: { fail: 1, key: k() } });
    assert.equal(out.attempts, 2);
    // At least the retry's decision and the success ran on local state (createClient also checks the circuit).
    assert.ok(events.length >= 2, JSON.stringify(events));
    for (const e of events) assert.deepEqual(e, { type: "store_fallback", origin: new URL(s.url).origin, op: "load", reason: "error" });
  });
}

/** A RetryStore in memory with the contract faultline/redis keeps (a save is a compare-and-set of every key). */
function memoryStore() {
  const data = new Map();
  return {
    async load(keys) {
      return keys.map((key) => data.get(key) ?? { version: 0, value: null });
    },
    async save(entries) {
      if (entries.some((e) => (data.get(e.key)?.version ?? 0) !== e.version)) return "conflict";
      for (const e of entries) data.set(e.key, { version: e.version + 1, value: structuredClone(e.value) });
      return "saved";
    },
  };
}
