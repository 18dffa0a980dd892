// createTokenManager through the packed package, in Node: single flight under 1 000
// concurrent callers, the failure paths (refused refresh token, transient failure and its
// shared cooldown, timeouts, garbage results), logout, onChange, invalidate, abort, dispose,
// hostile messages on the same BroadcastChannel name, and two managers sharing one session.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTokenManager, FaultlineError } from "faultline";

const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const nowS = () => Math.floor(Date.now() / 1000);
/** A JWT-shaped access token expiring at `exp` (s), without `iat`: the local clock decides. */
const jwt = (exp, extra = {}) => `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ token_type: "access", exp, ...extra })}.c2ln`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let channelSeq = 0;
const channel = () => `tokens-test-${process.pid}-${++channelSeq}`;

/** A plain synchronous store (a custom storage makes the manager use a real BroadcastChannel). */
function mapStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k), map: m };
}

/** A refresh() double: counts calls, answers with fresh tokens after `delayMs`. */
function server({ delayMs = 5, ttlS = 3600 } = {}) {
  const s = {
    calls: 0,
    seen: [],
    refresh: async (rt, ctx) => {
      s.calls++;
      s.seen.push(rt);
      s.signal = ctx.signal;
      await sleep(delayMs);
      return { access: jwt(nowS() + ttlS, { n: s.calls }), refresh: `rt-${s.calls}` };
    },
  };
  return s;
}

const isCode = (code) => (e) => {
  assert.ok(e instanceof FaultlineError, `not a FaultlineError: ${e}`);
  assert.equal(e.code, code);
  return true;
};

test("1 000 concurrent callers with an expired token: one refresh, one token for all", async () => {
  const srv = server({ delayMs: 20 });
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh });
  tokens.setTokens({ access: jwt(nowS() - 60), refresh: "rt-0" });
  const all = await Promise.all(Array.from({ length: 1000 }, () => tokens.getAccessToken()));
  assert.equal(srv.calls, 1);
  assert.deepEqual(srv.seen, ["rt-0"]);
  assert.equal(new Set(all).size, 1);
  assert.equal(all[0], jwt(JSON.parse(Buffer.from(all[0].split(".")[1], "base64url")).exp, { n: 1 }));
  const st = tokens.stats();
  assert.equal(st.refreshesStarted, 1);
  assert.equal(st.busyRejections, 0);
  assert.equal(st.waiting, 0);
  assert.equal(st.storage, "memory");
  assert.equal(st.channel, "memory");
  // Later calls take the fast path: same token, no refresh.
  assert.equal(await tokens.getAccessToken(), all[0]);
  assert.equal(srv.calls, 1);
  tokens.dispose();
});

test("a valid token is returned without refreshing", async () => {
  const srv = server();
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh });
  const access = jwt(nowS() + 3600);
  tokens.setTokens({ access, refresh: "rt-0" });
  for (let i = 0; i < 100; i++) assert.equal(await tokens.getAccessToken(), access);
  assert.equal(srv.calls, 0);
  tokens.dispose();
});

test("refresh refused (401): every caller gets refresh_logged_out, onLogout fires once", async () => {
  let calls = 0;
  const logouts = [];
  const events = [];
  const tokens = createTokenManager({
    channel: channel(),
    refresh: async () => {
      calls++;
      throw Object.assign(new Error("Token is blacklisted"), { status: 401 });
    },
    onLogout: (reason) => logouts.push(reason),
  });
  tokens.onChange((e) => events.push(e.type === "logout" ? `logout:${e.reason}` : "token"));
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => tokens.getAccessToken()));
  assert.equal(calls, 1);
  for (const r of results) {
    assert.equal(r.status, "rejected");
    isCode("refresh_logged_out")(r.reason);
  }
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  await sleep(20);
  assert.deepEqual(logouts, ["rejected"]);
  assert.deepEqual(events, ["token", "logout:rejected"]);
  assert.equal(calls, 1, "no retry after a refusal");
  tokens.dispose();
});

test("refusal is also read from response.status, classification and the error code", async () => {
  const shapes = [
    { response: { status: 400 } },
    { classification: { status: null, action: "reauthenticate" } },
    new FaultlineError("refresh_logged_out"),
  ];
  for (const shape of shapes) {
    const tokens = createTokenManager({
      channel: channel(),
      refresh: async () => { throw shape instanceof Error ? shape : Object.assign(new Error("no"), shape); },
    });
    tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt" });
    await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
    tokens.dispose();
  }
});

test("transient failure: refresh_failed with retryAtMs, a shared cooldown, then recovery", async () => {
  let calls = 0;
  let fail = true;
  const tokens = createTokenManager({
    channel: channel(),
    cooldownBaseMs: 300,
    refresh: async () => {
      calls++;
      if (fail) throw Object.assign(new Error("503"), { status: 503 });
      return { access: jwt(nowS() + 3600), refresh: "rt-new" };
    },
  });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  const t0 = Date.now();
  const first = await Promise.allSettled([tokens.getAccessToken(), tokens.getAccessToken()]);
  assert.equal(calls, 1);
  for (const r of first) {
    isCode("refresh_failed")(r.reason);
    assert.ok(r.reason.retryAtMs >= t0 + 300 && r.reason.retryAtMs <= Date.now() + 300, `retryAtMs ${r.reason.retryAtMs}`);
  }
  // During the cooldown nobody refreshes: callers are told when to come back.
  await assert.rejects(tokens.getAccessToken(), (e) => isCode("refresh_cooldown")(e) && e.retryAtMs === first[0].reason.retryAtMs);
  assert.equal(calls, 1);
  fail = false;
  await sleep(first[0].reason.retryAtMs - Date.now() + 20);
  const token = await tokens.getAccessToken();
  assert.equal(calls, 2);
  assert.equal(JSON.parse(Buffer.from(token.split(".")[1], "base64url")).exp > nowS(), true);
  tokens.dispose();
});

test("a server retry hint (retryAfterMs on the error) sets the cooldown", async () => {
  const tokens = createTokenManager({
    channel: channel(),
    cooldownBaseMs: 100,
    refresh: async () => { throw Object.assign(new Error("429"), { status: 429, retryAfterMs: 4_000 }); },
  });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  const t0 = Date.now();
  await assert.rejects(tokens.getAccessToken(), (e) => isCode("refresh_failed")(e) && e.retryAtMs >= t0 + 4_000 && e.retryAtMs <= Date.now() + 4_000);
  tokens.dispose();
});

test("a refresh() that never settles is abandoned after networkTimeoutMs and its signal aborted", async () => {
  let signal;
  const tokens = createTokenManager({
    channel: channel(),
    networkTimeoutMs: 150,
    refresh: (_rt, ctx) => { signal = ctx.signal; return new Promise(() => {}); },
  });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  const t0 = Date.now();
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_failed"));
  assert.ok(Date.now() - t0 >= 140, `gave up after ${Date.now() - t0} ms`);
  assert.equal(signal.aborted, true);
  isCode("refresh_timeout")(signal.reason);
  tokens.dispose();
});

test("a refresh() that resolves garbage is never adopted, and its refresh token is never re-sent", async () => {
  for (const garbage of [null, {}, { access: 42 }, { access: "" }, "token"]) {
    const seen = [];
    const logouts = [];
    const tokens = createTokenManager({
      channel: channel(),
      refresh: async (rt) => { seen.push(rt); return garbage; },
      onLogout: (r) => logouts.push(r),
    });
    const access = jwt(nowS() - 1);
    tokens.setTokens({ access, refresh: "rt-0" });
    // The server answered: it may have rotated rt-0, so rt-0 is spent and the session ends.
    await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"), `garbage ${JSON.stringify(garbage)}`);
    await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
    await sleep(5);
    assert.deepEqual(seen, ["rt-0"]);
    assert.deepEqual(logouts, ["lost"]);
    tokens.dispose();
  }
});

test("on a server known not to rotate, an unreadable result is a transient failure", async () => {
  let n = 0;
  const tokens = createTokenManager({
    channel: channel(),
    refresh: async () => (++n === 1 ? { access: jwt(nowS() - 1, { n }) } : null),
  });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "keep-me" });
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_failed"));
  assert.equal(n, 2);
  assert.equal(tokens.stats().hasSession, true);
  tokens.dispose();
});

test("a non-rotating server ({access} only) keeps the refresh token", async () => {
  const seen = [];
  const tokens = createTokenManager({
    channel: channel(),
    minRefreshIntervalMs: 0, // a refreshed token rejected at once is refreshed again
    refresh: async (rt) => { seen.push(rt); return { access: jwt(nowS() + 3600, { k: seen.length }) }; },
  });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "keep-me" });
  const first = await tokens.getAccessToken();
  tokens.invalidate(first);
  const second = await tokens.getAccessToken();
  assert.notEqual(second, first);
  assert.deepEqual(seen, ["keep-me", "keep-me"]);
  tokens.dispose();
});

test("opaque access tokens use expires_in", async () => {
  const srv = { calls: 0 };
  const tokens = createTokenManager({
    channel: channel(),
    refresh: async () => { srv.calls++; return { access: `opaque-${srv.calls}`, refresh: "r", expires_in: 3600 }; },
  });
  tokens.setTokens({ access: "opaque-0", refresh: "r0", expires_in: 0 });
  assert.equal(await tokens.getAccessToken(), "opaque-1");
  assert.equal(await tokens.getAccessToken(), "opaque-1");
  assert.equal(srv.calls, 1);
  tokens.dispose();
});

test("logout(): onLogout('user'), callers get refresh_logged_out, setTokens starts again", async () => {
  const logouts = [];
  const srv = server();
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh, onLogout: (r) => logouts.push(r) });
  tokens.setTokens({ access: jwt(nowS() + 3600), refresh: "rt-0" });
  await tokens.getAccessToken();
  await tokens.logout();
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  await tokens.logout(); // idempotent: no second onLogout for the same (ended) session
  await sleep(10);
  assert.deepEqual(logouts, ["user"]);
  const again = jwt(nowS() + 3600, { again: true });
  tokens.setTokens({ access: again, refresh: "rt-1" });
  assert.equal(await tokens.getAccessToken(), again);
  tokens.dispose();
});

test("never logged in: refresh_logged_out at once", async () => {
  const tokens = createTokenManager({ channel: channel(), refresh: async () => ({ access: "x" }) });
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  tokens.dispose();
});

test("onChange: token events with generation and expiry, then logout; unsubscribe works", async () => {
  const tokens = createTokenManager({ channel: channel(), refresh: async () => ({ access: "x" }) });
  const a = [];
  const b = [];
  tokens.onChange((e) => a.push(e));
  const off = tokens.onChange((e) => b.push(e));
  const exp = nowS() + 3600;
  const access = jwt(exp);
  tokens.setTokens({ access, refresh: "rt" });
  await sleep(0);
  off();
  await tokens.logout();
  await sleep(0);
  assert.equal(a.length, 2);
  assert.equal(a[0].type, "token");
  assert.equal(a[0].accessToken, access);
  assert.equal(a[0].expiresAtMs, exp * 1000);
  assert.equal(typeof a[0].generation, "number");
  assert.deepEqual(a[1], { type: "logout", reason: "user" });
  assert.equal(b.length, 1);
  tokens.dispose();
});

test("onChange callbacks run in a microtask, never inside the machine (re-entry is safe)", async () => {
  const tokens = createTokenManager({ channel: channel(), refresh: async () => ({ access: "x" }) });
  let inside = true;
  let got;
  tokens.onChange(async () => {
    assert.equal(inside, false);
    got = await tokens.getAccessToken(); // re-enters the manager from a callback
  });
  const access = jwt(nowS() + 3600);
  tokens.setTokens({ access, refresh: "rt" });
  inside = false;
  await sleep(10);
  assert.equal(got, access);
  tokens.dispose();
});

test("invalidate(token) after a 401: the next call refreshes even though the token looks valid", async () => {
  const srv = server();
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh });
  const old = jwt(nowS() + 3600, { old: true });
  tokens.setTokens({ access: old, refresh: "rt-0" });
  assert.equal(await tokens.getAccessToken(), old);
  tokens.invalidate("some-other-token"); // ignored
  assert.equal(await tokens.getAccessToken(), old);
  tokens.invalidate(old);
  const [x, y] = await Promise.all([tokens.getAccessToken(), tokens.getAccessToken()]);
  assert.equal(srv.calls, 1);
  assert.equal(x, y);
  assert.notEqual(x, old);
  assert.equal(await tokens.getAccessToken(), x);
  tokens.dispose();
});

test("AbortSignal: an aborted caller rejects with its reason, the others still get the token", async () => {
  const srv = server({ delayMs: 50 });
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  const ctl = new AbortController();
  const aborted = tokens.getAccessToken({ signal: ctl.signal });
  const kept = tokens.getAccessToken();
  ctl.abort();
  await assert.rejects(aborted, { name: "AbortError" });
  assert.match(await kept, /\./);
  await assert.rejects(tokens.getAccessToken({ signal: AbortSignal.abort() }), { name: "AbortError" });
  assert.equal(srv.calls, 1);
  tokens.dispose();
});

test("dispose(): pending callers and later calls reject with AbortError; a later refresh result is not written", async () => {
  const store = mapStorage();
  const srv = server({ delayMs: 300 });
  const ch = channel();
  const tokens = createTokenManager({ channel: ch, refresh: srv.refresh, storage: store });
  tokens.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  const pending = tokens.getAccessToken();
  await sleep(200); // the lease is confirmed and the request is out
  assert.equal(srv.calls, 1);
  tokens.dispose();
  await assert.rejects(pending, { name: "AbortError" });
  await assert.rejects(tokens.getAccessToken(), { name: "AbortError" });
  assert.equal(srv.signal.aborted, true, "the refresh call was aborted");
  await sleep(400);
  const rec = JSON.parse(store.getItem(`faultline.refresh.${ch}`));
  assert.equal(rec.s.rt, "rt-0", "nothing is committed after dispose()");
  assert.throws(() => tokens.setTokens({ access: "a", refresh: "b" }), isCode("invalid_argument"));
  tokens.dispose(); // idempotent
});

test("hostile messages on the same BroadcastChannel name are ignored and counted", async () => {
  const store = mapStorage();
  const ch = channel();
  const srv = server();
  const tokens = createTokenManager({ channel: ch, refresh: srv.refresh, storage: store });
  assert.equal(tokens.stats().channel, "broadcast");
  const access = jwt(nowS() + 3600);
  tokens.setTokens({ access, refresh: "rt-0" });
  const evil = new BroadcastChannel(ch);
  const seen = [];
  evil.onmessage = (e) => seen.push(e.data);
  const foreign = ["hello", "", "{\"type\":\"token\",\"token\":\"x\"}", "[1,2,3]"];
  const oversized = ["x".repeat(10_000), "{\"fl\":1,\"t\":\"done\",\"from\":1,\"gen\":1,\"exp\":null,\"pad\":\"" + "x".repeat(600) + "\"}"];
  const version = ["{\"fl\":2,\"t\":\"logout\",\"from\":1,\"gen\":99}", "{\"fl\":\"1\",\"t\":\"logout\",\"from\":1,\"gen\":1}"];
  const malformed = [
    "{\"fl\":1,\"t\":\"logout\"}",
    "{\"fl\":1,\"t\":\"logout\",\"from\":-1,\"gen\":5}",
    "{\"fl\":1,\"t\":\"explode\",\"from\":1,\"gen\":5}",
    "{\"fl\":1,\"t\":\"done\",\"from\":1,\"gen\":1e400,\"exp\":null}",
    "{\"fl\":1,",
  ];
  for (const m of [...foreign, ...oversized, ...version, ...malformed]) evil.postMessage(m);
  evil.postMessage({ fl: 1, t: "logout", from: 1, gen: 999 }); // objects are never ours
  await sleep(100);
  const st = tokens.stats();
  assert.equal(st.foreignMessages, foreign.length);
  assert.equal(st.versionMessages, version.length);
  assert.equal(st.malformedMessages, malformed.length);
  assert.equal(st.oversizedMessages, oversized.length);
  assert.equal(st.hasSession, true);
  assert.equal(await tokens.getAccessToken(), access);
  // Tokens never travel on the channel: what a listener saw during login and a refresh.
  tokens.invalidate(access);
  const fresh = await tokens.getAccessToken();
  await sleep(50);
  assert.equal(srv.calls, 1);
  assert.ok(seen.length >= 1, "the manager posted protocol messages");
  for (const m of seen) {
    assert.equal(typeof m, "string");
    assert.ok(!m.includes("rt-") && !m.includes(access) && !m.includes(fresh), `token on the channel: ${m}`);
    assert.match(m, /^\{"fl":1,"t":"(claim|refreshing|done|failed|logout)","from":\d+,"gen":\d+/);
  }
  evil.close();
  tokens.dispose();
});

test("two managers on one record (one realm): 2 x 200 callers, one refresh, same token", async () => {
  const srv = server({ delayMs: 30 });
  const ch = channel();
  const a = createTokenManager({ channel: ch, refresh: srv.refresh });
  const b = createTokenManager({ channel: ch, refresh: srv.refresh });
  a.setTokens({ access: jwt(nowS() - 1), refresh: "rt-0" });
  await sleep(5);
  const all = await Promise.all([
    ...Array.from({ length: 200 }, () => a.getAccessToken()),
    ...Array.from({ length: 200 }, () => b.getAccessToken()),
  ]);
  assert.equal(srv.calls, 1);
  assert.equal(new Set(all).size, 1);
  const logouts = [];
  const c = createTokenManager({ channel: ch, refresh: srv.refresh, onLogout: (r) => logouts.push(r) });
  assert.equal(await c.getAccessToken(), all[0]);
  await a.logout();
  await sleep(30);
  assert.deepEqual(logouts, ["user"]);
  await assert.rejects(b.getAccessToken(), isCode("refresh_logged_out"));
  for (const m of [a, b, c]) m.dispose();
});

test("argument validation: typed errors, never a TypeError", () => {
  const refresh = async () => ({ access: "x" });
  assert.throws(() => createTokenManager(), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ refresh }), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ channel: "", refresh }), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ channel: "x".repeat(129), refresh }), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ channel: "c" }), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ channel: "c", refresh, leaseMs: "5" }), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ channel: "c", refresh, storage: {} }), isCode("invalid_argument"));
  assert.throws(() => createTokenManager({ channel: "c", refresh, onLogout: 1 }), isCode("invalid_argument"));
  const tokens = createTokenManager({ channel: channel(), refresh, leaseMs: -5, pollMs: Infinity, maxWaiters: 1e9 });
  assert.throws(() => tokens.setTokens({ access: 1, refresh: "r" }), isCode("invalid_argument"));
  assert.throws(() => tokens.setTokens(null), isCode("invalid_argument"));
  assert.throws(() => tokens.setTokens({ access: "", refresh: "r" }), isCode("refresh_invalid_token"));
  assert.throws(() => tokens.setTokens({ access: "a", refresh: "r".repeat(16_385) }), isCode("refresh_invalid_token"));
  assert.throws(() => tokens.onChange("nope"), isCode("invalid_argument"));
  tokens.dispose();
});

test("a refused setTokens leaves the session as it was", async () => {
  const tokens = createTokenManager({ channel: channel(), refresh: async () => ({ access: "x" }) });
  const access = jwt(nowS() + 3600);
  tokens.setTokens({ access, refresh: "rt" });
  const before = tokens.stats().generation;
  assert.throws(() => tokens.setTokens({ access: "", refresh: "rt2" }), isCode("refresh_invalid_token"));
  assert.equal(tokens.stats().generation, before);
  assert.equal(await tokens.getAccessToken(), access);
  tokens.dispose();
});

test("the token API types compile for a strict TypeScript consumer", async () => {
  const { execFileSync } = await import("node:child_process");
  const { writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  writeFileSync("consumer-tokens.mts", [
    'import { createTokenManager, FaultlineError, type TokenEvent, type TokenManager, type TokenStorage, type LogoutReason } from "faultline";',
    "const storage: TokenStorage = { getItem: () => null, setItem: () => {}, removeItem: () => {} };",
    "const tokens: TokenManager = createTokenManager({ channel: 'app', storage, refreshAheadMs: 60_000,",
    "  refresh: async (rt: string, { signal }) => { void signal.aborted; return { access: rt, refresh: rt }; },",
    "  onLogout: (reason: LogoutReason) => { void reason; } });",
    "const off: () => void = tokens.onChange((e: TokenEvent) => { if (e.type === 'token') { const t: string = e.accessToken; void t; } else { const r: LogoutReason = e.reason; void r; } });",
    "const t: Promise<string> = tokens.getAccessToken({ signal: new AbortController().signal });",
    "t.catch((e: unknown) => { if (e instanceof FaultlineError && e.code === 'refresh_logged_out') off(); });",
    "const w: boolean = tokens.stats().webLocks;",
    "tokens.dispose();",
    "export { w };",
  ].join("\n"));
  const tsc = join(process.cwd(), "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--types", "node", "consumer-tokens.mts"], { stdio: "inherit" });
});
