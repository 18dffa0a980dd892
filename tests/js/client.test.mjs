// createClient against a local mock API (helper.server.mjs): path prefixes, timeouts and
// deadlines, fetch options, raw responses, hooks, idempotency keys, token refresh and the end
// of a session, server hints, typed errors for bad arguments, events.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiError, createClient, FaultlineError, RetryPolicy } from "faultline";
import { scenarios } from "./helper.scenarios.mjs";
import { closedPort, startApi } from "./helper.server.mjs";
import { stubTokens } from "./helper.tokens.mjs";

let s;
before(async () => { s = await startApi(); });
after(async () => { await s.close(); });
const fast = (extra = {}) => new RetryPolicy({ baseMs: 1, capMs: 5, seed: 7, maxRetryAfterMs: 1500, largeHint: "fail", ...extra });
let n = 0;
const k = () => `k${++n}-${Date.now()}`;
// The scenarios faultlineKy and faultlineAxios pass as well.
scenarios("createClient", ({ baseUrl, ...options }) => {
  const api = createClient({ baseUrl, ...options });
  return { send: (method, path, { query, json, idempotencyKey, signal } = {}) => api.request(method, path, { query, json, idempotencyKey, signal }) };
});

const isInvalid = (re) => (e) => e instanceof FaultlineError && e.code === "invalid_argument" && re.test(e.message);

test("the base URL's path prefix is kept, with or without a leading slash", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: false });
  assert.equal((await api.request("GET", "echo/users")).path, "/v1/echo/users");
  assert.equal((await api.request("GET", "/echo/users")).path, "/v1/echo/users");
  const slash = createClient({ baseUrl: `${s.url}/v1/`, retry: false });
  assert.equal((await slash.request("GET", "/echo")).path, "/v1/echo");
  // An absolute URL is used as is.
  assert.equal((await slash.request("GET", `${s.url}/v1/echo/abs`)).path, "/v1/echo/abs");
});

test("query: an object (arrays repeat, undefined skipped) or URLSearchParams", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: false });
  const out = await api.fetch("GET", "echo?x=1", { query: { a: 1, b: [true, "z"], c: undefined } });
  assert.equal(new URL(out.url).search, "?x=1&a=1&b=true&b=z");
  const p = await api.request("GET", "echo", { query: new URLSearchParams("q=%20") });
  assert.deepEqual(p.query, { q: " " });
});

test("a hung endpoint with timeoutMs: 200 is an ApiError category timeout within 300 ms", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: false, timeoutMs: 200 });
  const t0 = Date.now();
  await assert.rejects(api.request("GET", "hang"), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.classification.category, "timeout");
    assert.equal(e.classification.retryable, true);
    return true;
  });
  const took = Date.now() - t0;
  assert.ok(took >= 190 && took < 300, `took ${took} ms`);
});

test("per-attempt timeouts are retried; the deadline cuts a backoff sleep and is a timeout", async () => {
  const events = [];
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: fast(), timeoutMs: 50, onEvent: (e) => events.push(e.type) });
  const t0 = Date.now();
  await assert.rejects(api.request("GET", "hang"), (e) => e.classification.category === "timeout");
  assert.equal(events.filter((t) => t === "request").length, 4, "first attempt and three retries of a timeout");
  assert.ok(Date.now() - t0 < 1000);

  const slow = createClient({ baseUrl: `${s.url}/v1`, retry: new RetryPolicy({ baseMs: 5000, capMs: 5000, jitter: "none", seed: 1 }), deadlineMs: 300 });
  const t1 = Date.now();
  await assert.rejects(slow.request("GET", "flaky", { query: { fail: 5, key: k() } }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.classification.category, "timeout");
    assert.ok(e.cause instanceof ApiError, "the last failure is the cause");
    assert.equal(e.cause.status, 503);
    return true;
  });
  const took = Date.now() - t1;
  assert.ok(took >= 280 && took < 1000, `took ${took} ms`);
});

test("the caller's abort is aborted (never timeout), during the fetch and during the wait", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: new RetryPolicy({ baseMs: 5000, capMs: 5000, jitter: "none", seed: 1 }), timeoutMs: 5000, deadlineMs: 5000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(api.request("GET", "hang", { signal: ac.signal }), (e) => e instanceof ApiError && e.classification.category === "aborted" && !e.classification.retryable);
  const ac2 = new AbortController();
  setTimeout(() => ac2.abort(), 80);
  const t0 = Date.now();
  await assert.rejects(api.request("GET", "flaky", { query: { fail: 5, key: k() }, signal: ac2.signal }), (e) => e.classification.category === "aborted");
  assert.ok(Date.now() - t0 < 1000);
  // Already aborted: nothing is sent.
  const before = s.count("/v1/echo");
  await assert.rejects(api.request("GET", "echo", { signal: AbortSignal.abort() }), (e) => e.classification.category === "aborted");
  assert.equal(s.count("/v1/echo"), before);
});

test("fetch options and HeadersInit headers reach fetch", async () => {
  const seen = [];
  const spy = async (url, init) => { seen.push(init); return new Response("{}", { headers: { "content-type": "application/json" } }); };
  const api = createClient({ baseUrl: "https://api.example.com/v1", fetch: spy, credentials: "include", cache: "no-store", headers: new Headers({ "X-App": "1" }) });
  await api.request("GET", "users", { redirect: "manual", keepalive: true, mode: "cors", headers: [["X-Req", "2"]] });
  assert.equal(seen[0].credentials, "include");
  assert.equal(seen[0].cache, "no-store");
  assert.equal(seen[0].redirect, "manual");
  assert.equal(seen[0].keepalive, true);
  assert.equal(seen[0].mode, "cors");
  assert.deepEqual(seen[0].headers, { "x-app": "1", "x-req": "2" });
});

test("api.fetch() and { raw: true } give the Response: status, headers, unread body", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: false });
  const res = await api.fetch("GET", "echo/r");
  assert.ok(res instanceof Response);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("x-request-id"), /^req_/);
  assert.equal((await res.json()).path, "/v1/echo/r");
  const raw = await api.request("POST", "echo", { json: { a: 1 }, raw: true });
  assert.equal((await raw.json()).body, '{"a":1}');
});

test("hooks change the request, the response, the retry and the error", async () => {
  const api = createClient({
    baseUrl: `${s.url}/v1`,
    retry: fast(),
    hooks: {
      beforeRequest: [(r) => { r.init.headers["x-trace"] = `t${r.attempt}`; }],
      afterResponse: [async (res) => (res.headers.get("x-replace") ? undefined : res.status === 200 && new URL(res.url).pathname === "/v1/echo/wrap" ? new Response(JSON.stringify({ wrapped: (await res.json()).headers["x-trace"] }), { headers: { "content-type": "application/json" } }) : undefined)],
      beforeRetry: [({ request, classification }) => { request.url = request.url.replace("fail=1", "fail=0"); assert.equal(classification.status, 503); }],
      beforeError: [(e) => { e.tagged = true; }],
    },
  });
  assert.deepEqual(await api.request("GET", "echo/wrap"), { wrapped: "t1" });
  const out = await api.request("GET", "flaky", { query: { fail: 1, key: k() } });
  assert.equal(out.attempts, 2);
  await assert.rejects(api.request("GET", "nope"), (e) => e instanceof ApiError && e.tagged === true && e.status === 404);
  const replaced = createClient({ baseUrl: `${s.url}/v1`, retry: false, hooks: { beforeError: [(e) => new TypeError(`mine: ${e.status}`)] } });
  await assert.rejects(replaced.request("GET", "nope"), { name: "TypeError", message: "mine: 404" });
  // A beforeRequest hook can answer without the network.
  const cached = createClient({ baseUrl: "https://unreachable.invalid", hooks: { beforeRequest: () => Response.json({ cached: true }) } });
  assert.deepEqual(await cached.request("GET", "x"), { cached: true });
});

test("a hook that throws fails the call with an ApiError (cause kept), never a crash", async () => {
  const boom = new Error("boom");
  for (const hooks of [{ beforeRequest: () => { throw boom; } }, { afterResponse: async () => { throw boom; } }, { beforeError: () => { throw boom; } }]) {
    const api = createClient({ baseUrl: `${s.url}/v1`, retry: false, hooks });
    const path = hooks.beforeError ? "nope" : "echo";
    await assert.rejects(api.request("GET", path), (e) => {
      assert.ok(e instanceof ApiError, String(e));
      assert.equal(e.cause, boom);
      assert.equal(e.classification.retryable, false);
      assert.match(e.message, /hook threw: boom/);
      return true;
    });
  }
});

test("automatic Idempotency-Key: one per POST call, kept across retries, so POST is retried", async () => {
  const keys = [];
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: fast(), idempotencyKeys: true, hooks: { beforeRequest: (r) => { keys.push(r.init.headers["idempotency-key"]); } } });
  const out = await api.request("POST", "flaky", { query: { fail: 1, key: k() }, json: {} });
  assert.equal(out.attempts, 2);
  assert.equal(keys.length, 2);
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  assert.equal(keys[0], keys[1]);
  await api.request("GET", "echo");
  assert.equal(keys[2], undefined, "GET gets no key");
  const echoed = await api.request("POST", "echo", { idempotencyKey: "mine" });
  assert.equal(echoed.headers["idempotency-key"], "mine");
});

test("a 503 is retried to success; events: request, response, retry", async () => {
  const events = [];
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: fast(), onEvent: (e) => events.push(e.type) });
  assert.deepEqual(await api.request("GET", "flaky", { query: { fail: 2, key: k() } }), { ok: true, attempts: 3, body: "" });
  assert.deepEqual(events, ["request", "response", "retry", "request", "response", "retry", "request", "response"]);
});

test("429 with Retry-After: 3600 (default policy): exactly one request, retryAtMs about now + 3600 s", async () => {
  const gaveUp = [];
  const api = createClient({ baseUrl: `${s.url}/v1`, onEvent: (e) => e.type === "give_up" && gaveUp.push(e) });
  const before = s.count("/v1/throttle");
  const t0 = Date.now();
  await assert.rejects(api.request("GET", "throttle", { query: { retryAfter: 3600 } }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 429);
    assert.equal(e.classification.retryAfterMs, 3_600_000);
    assert.ok(Math.abs(e.retryAtMs - (t0 + 3_600_000)) < 2000, `retryAtMs ${e.retryAtMs - t0}`);
    return true;
  });
  assert.equal(s.count("/v1/throttle") - before, 1);
  assert.equal(Date.now() - t0 < 1000, true);
  assert.equal(gaveUp[0].decision.reason, "hint_too_large");
  assert.ok(Math.abs(gaveUp[0].retryAtMs - (t0 + 3_600_000)) < 2000);
});

test("a second 401 after refresh-and-replay: one onLogout('rejected') and action reauthenticate", async () => {
  const events = [];
  // The refresh hands out a token the API rejects as well.
  const tokens = stubTokens({ initial: "expired", refresh: async () => "also-bad" });
  const api = createClient({ baseUrl: `${s.url}/v1`, tokens, retry: fast(), onEvent: (e) => events.push(e) });
  const results = await Promise.allSettled([api.request("GET", "me"), api.request("GET", "me")]);
  for (const r of results) {
    assert.equal(r.status, "rejected");
    assert.ok(r.reason instanceof ApiError);
    assert.equal(r.reason.classification.action, "reauthenticate");
    assert.equal(r.reason.status, 401);
    assert.doesNotMatch(r.reason.classification.userMessage, /try again/i);
  }
  assert.deepEqual(tokens.logouts, ["rejected"]);
  assert.equal(tokens.refreshes, 1);
  assert.equal(tokens.invalidated.filter((t) => t === "also-bad").length, 2, "the replayed token is invalidated again");
  assert.deepEqual(events.filter((e) => e.type === "token_rejected").map((e) => e.afterRefresh), [false, false, true, true]);
  assert.equal(s.count("/v1/me") >= 4, true);
});

test("credentials never sent: 401 is add_credentials and not retried", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: fast() });
  const before = s.count("/v1/me");
  await assert.rejects(api.request("GET", "me"), (e) => e.classification.action === "add_credentials" && e.classification.retryable === false);
  assert.equal(s.count("/v1/me") - before, 1);
});

test("connection reset and refused are network failures, retried for GET", async () => {
  const decisions = [];
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: fast(), onEvent: (e) => e.type === "retry" && decisions.push(e.classification.category) });
  await assert.rejects(api.request("GET", "reset"), (e) => e.classification.category === "network" && e.classification.status === null);
  assert.deepEqual(decisions, ["network", "network", "network"]);
  const refused = createClient({ baseUrl: await closedPort(), retry: fast() });
  await assert.rejects(refused.request("POST", "x"), (e) => e.classification.category === "network" && e.classification.notSent === true);
});

test("the circuit opens after repeated failures: a circuit event, then fail fast without a request", async () => {
  const events = [];
  const policy = new RetryPolicy({ baseMs: 1, capMs: 2, seed: 3, breaker: { failureThreshold: 3, cooldownMs: 60_000 }, budget: false });
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: policy, onEvent: (e) => events.push(e) });
  await assert.rejects(api.request("GET", "flaky", { query: { fail: 9, key: k() } }));
  const before = s.count("/v1/flaky");
  await assert.rejects(api.request("GET", "flaky", { query: { fail: 9, key: k() } }), (e) => e.classification.code === "circuit_open" && e.classification.notSent);
  assert.equal(s.count("/v1/flaky"), before);
  assert.deepEqual(events.filter((e) => e.type === "circuit").map((e) => e.state), ["open"]);
});

test("ApiError#supportReport() names the request and redacts the token", async () => {
  const tokens = { getAccessToken: async () => "secret-token-value" };
  const api = createClient({ baseUrl: `${s.url}/v1`, tokens, retry: false });
  await assert.rejects(api.request("GET", "nope"), (e) => {
    const text = e.supportReport();
    assert.match(text, /404/);
    assert.match(text, /\/v1\/nope/);
    assert.match(text, /GET/);
    assert.doesNotMatch(text, /secret-token-value/);
    return true;
  });
});

test("bad options are typed invalid_argument errors at creation", () => {
  assert.throws(() => createClient({ baseURL: "https://x" }), isInvalid(/unknown option "baseURL" \(did you mean baseUrl\?\)/));
  assert.throws(() => createClient({ prefixUrl: "https://x" }), isInvalid(/did you mean baseUrl/));
  assert.throws(() => createClient({ timeout: 5 }), isInvalid(/did you mean timeoutMs/));
  assert.throws(() => createClient({ tokens: "abc" }), isInvalid(/tokens must be an object/));
  assert.throws(() => createClient({ tokens: {} }), isInvalid(/getAccessToken/));
  assert.throws(() => createClient({ baseUrl: "not a url" }), isInvalid(/baseUrl is not an absolute URL/));
  assert.throws(() => createClient({ baseUrl: "ftp://x" }), isInvalid(/http/));
  assert.throws(() => createClient({ timeoutMs: -1 }), isInvalid(/timeoutMs/));
  assert.throws(() => createClient({ deadlineMs: "5" }), isInvalid(/deadlineMs/));
  assert.throws(() => createClient({ credentials: "yes" }), isInvalid(/credentials must be/));
  assert.throws(() => createClient({ headers: { a: 1 } }), isInvalid(/strings/));
  assert.throws(() => createClient({ hooks: { beforeRequest: [1] } }), isInvalid(/hooks.beforeRequest/));
  assert.throws(() => createClient({ hooks: { onRequest: [] } }), isInvalid(/unknown option "onRequest"/));
  assert.throws(() => createClient({ onEvent: 1 }), isInvalid(/onEvent/));
  assert.throws(() => createClient({ retry: "yes" }), isInvalid(/retry must be/));
  assert.throws(() => createClient("x"), isInvalid(/options object/));
});

test("bad arguments are typed invalid_argument errors (rejections), before anything is sent", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1` });
  const bare = createClient();
  const before = s.count("/v1/echo");
  await assert.rejects(api.request(1, "echo"), isInvalid(/method/));
  await assert.rejects(api.request("GET", 5), isInvalid(/path must be a string/));
  await assert.rejects(bare.request("GET", "/users"), isInvalid(/relative and the client has no baseUrl/));
  await assert.rejects(bare.request("GET", "http://[::1"), isInvalid(/not a valid URL/));
  await assert.rejects(api.request("GET", "echo", { query: "abc" }), isInvalid(/query must be an object or a URLSearchParams, got a string/));
  await assert.rejects(api.request("GET", "echo", { query: { a: { b: 1 } } }), isInvalid(/query.a/));
  await assert.rejects(api.request("GET", "echo", { query: { big: "x".repeat(70_000) } }), isInvalid(/query is too large/));
  await assert.rejects(api.request("GET", "echo", { searchParams: { a: 1 } }), isInvalid(/did you mean query/));
  await assert.rejects(api.request("GET", "echo", { json: {}, body: "x" }), isInvalid(/json or body/));
  await assert.rejects(api.request("GET", "echo", { signal: "x" }), isInvalid(/AbortSignal/));
  await assert.rejects(api.request("GET", "echo", { idempotencyKey: 5 }), isInvalid(/idempotencyKey/));
  await assert.rejects(api.request("GET", "echo", { phase: "x" }), isInvalid(/phase/));
  assert.equal(s.count("/v1/echo"), before);
  // A 50 MB string as query is refused at once (it used to be spread into 50 million parameters).
  const t0 = Date.now();
  await assert.rejects(api.request("GET", "echo", { query: "x".repeat(50_000_000) }), isInvalid(/got a string/));
  assert.ok(Date.now() - t0 < 500);
});

test("an observer that throws does not break requests", async () => {
  const api = createClient({ baseUrl: `${s.url}/v1`, retry: false, onEvent: () => { throw new Error("observer"); } });
  assert.equal((await api.request("GET", "echo")).method, "GET");
});
