// createClient against the mock API: retries with server hints, idempotency, token refresh
// on 401, abort during the wait, typed ApiError with the classification.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiError, createClient, RetryPolicy } from "faultline";
import { startServer } from "./www/server.mjs";

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.close(); });
const fast = () => new RetryPolicy({ baseMs: 1, capMs: 5, seed: 7, maxRetryAfterMs: 1500 });
let key = 0;
const k = () => `k${++key}-${Date.now()}`;

test("retries a 503 twice, then returns the parsed JSON", async () => {
  const events = [];
  const api = createClient({ baseUrl: s.url, retry: fast(), onEvent: (e) => events.push(e.type) });
  const out = await api.request("GET", "/api/v1/flaky", { query: { fail: 2, status: 503, key: k() } });
  assert.deepEqual(out, { ok: true, attempts: 3 });
  assert.deepEqual(events, ["request", "response", "retry", "request", "response", "retry", "request", "response"]);
});

test("honours Retry-After on a 429 (waits about the hint)", async () => {
  const decisions = [];
  const api = createClient({ baseUrl: s.url, retry: fast(), onEvent: (e) => e.type === "retry" && decisions.push(e.decision) });
  const t0 = Date.now();
  const out = await api.request("GET", "/api/v1/flaky", { query: { fail: 1, status: 429, retryAfter: 1, key: k() } });
  assert.equal(out.attempts, 2);
  assert.equal(decisions.length, 1);
  assert.equal(decisions[0].reason, "retry_hint");
  assert.equal(decisions[0].hintSource, "retry-after");
  assert.ok(decisions[0].delayMs >= 1000 && decisions[0].delayMs <= 1100, `delay ${decisions[0].delayMs}`);
  assert.ok(Date.now() - t0 >= 1000);
});

test("POST is not retried without an Idempotency-Key, and is with one", async () => {
  const api = createClient({ baseUrl: s.url, retry: fast() });
  await assert.rejects(api.request("POST", "/api/v1/flaky", { query: { fail: 1, status: 503, key: k() }, json: { a: 1 } }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 503);
    assert.equal(e.classification.category, "unavailable");
    assert.equal(e.classification.code, "service_unavailable");
    assert.match(e.classification.requestId, /^req_\d+$/);
    return true;
  });
  const out = await api.request("POST", "/api/v1/flaky", { query: { fail: 1, status: 503, key: k() }, json: { a: 1 }, idempotencyKey: "idem-1" });
  assert.equal(out.attempts, 2);
});

test("a 401 asking for a refresh invalidates the token and repeats once", async () => {
  await fetch(new URL("/api/_reset", s.url), { method: "POST" });
  const pair = await (await fetch(new URL("/api/v1/auth/login", s.url), { method: "POST", body: JSON.stringify({ username: "ada", password: "correct horse" }) })).json();
  let current = "not-a-valid-token";
  const invalidated = [];
  const tokens = { getAccessToken: async () => current, invalidate: (t) => { invalidated.push(t); current = pair.access; } };
  const api = createClient({ baseUrl: s.url, tokens, retry: false });
  const out = await api.request("GET", "/api/v1/uploads/");
  assert.equal(out.count, 2);
  assert.deepEqual(invalidated, ["not-a-valid-token"]);
  // A second 401 after the refresh is not looped on.
  const stuck = createClient({ baseUrl: s.url, tokens: { getAccessToken: async () => "bad" }, retry: false });
  await assert.rejects(stuck.request("GET", "/api/v1/uploads/"), (e) => e instanceof ApiError && e.classification.action === "refresh_token");
});

test("missing credentials are not retried and say add_credentials", async () => {
  const api = createClient({ baseUrl: s.url, retry: fast() });
  await assert.rejects(api.request("GET", "/api/v1/uploads/"), (e) => e.classification.action === "add_credentials" && e.classification.retryable === false);
});

test("abort during the retry wait rejects promptly with category aborted", async () => {
  const api = createClient({ baseUrl: s.url, retry: new RetryPolicy({ baseMs: 5000, capMs: 5000, jitter: "none", seed: 1 }) });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const t0 = Date.now();
  await assert.rejects(api.request("GET", "/api/v1/flaky", { query: { fail: 5, status: 503, key: k() }, signal: ac.signal }), (e) => e instanceof ApiError && e.classification.category === "aborted" && e.classification.retryable === false);
  assert.ok(Date.now() - t0 < 2000);
});

test("connection refused is classified as network, not sent, and retried", async () => {
  const decisions = [];
  const closed = await startServer();
  const deadUrl = closed.url;
  await closed.close(); // nothing listens there now: ECONNREFUSED
  const api = createClient({ baseUrl: deadUrl, retry: new RetryPolicy({ baseMs: 1, capMs: 2, maxRetries: 1, seed: 3 }), onEvent: (e) => e.type === "retry" && decisions.push(e.decision) });
  await assert.rejects(api.request("POST", "/x", { json: {} }), (e) => e.classification.category === "network" && e.classification.notSent === true);
  assert.equal(decisions.length, 1, "POST retried because it was certainly not sent");
});

test("bad arguments are typed errors", () => {
  assert.throws(() => createClient(null), (e) => e.code === "invalid_argument");
  const api = createClient({ baseUrl: s.url });
  return assert.rejects(api.request(1, 2), (e) => e.code === "invalid_argument");
});
