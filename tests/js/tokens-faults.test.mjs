// The token manager under the faults users meet: restored sessions, short-lived tokens,
// callbacks that throw, hang or return garbage, failing storage, hostile channel messages,
// dispose() during a refresh. One test per finding of the issue "restored sessions,
// short-lived tokens, failing callbacks", numbered as there.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTokenManager, FaultlineError } from "faultline";

const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const nowS = () => Math.floor(Date.now() / 1000);
/** A JWT-shaped access token with these claims. */
const jwt = (claims) => `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ token_type: "access", ...claims })}.c2ln`;
const claimsOf = (t) => JSON.parse(Buffer.from(t.split(".")[1], "base64url").toString());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let channelSeq = 0;
const channel = () => `tokens-faults-${process.pid}-${++channelSeq}`;

function mapStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k), map: m };
}

/** A rotating refresh endpoint issuing tokens of `lifeS` seconds (with iat). */
function server({ lifeS = 3600, delayMs = 5 } = {}) {
  const s = {
    calls: 0,
    seen: [],
    refresh: async (rt) => {
      s.calls++;
      s.seen.push(rt);
      await sleep(delayMs);
      const iat = Date.now() / 1000;
      return { access: jwt({ iat, exp: iat + lifeS, n: s.calls }), refresh: `rt-${s.calls}` };
    },
  };
  return s;
}

const isCode = (code) => (e) => {
  assert.ok(e instanceof FaultlineError, `not a FaultlineError: ${e}`);
  assert.equal(e.code, code);
  return true;
};

/** Fails the test if anything escapes as an uncaught exception or unhandled rejection. */
function noEscapes() {
  const escaped = [];
  const onError = (e) => escaped.push(e);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  return () => {
    process.off("uncaughtException", onError);
    process.off("unhandledRejection", onError);
    assert.deepEqual(escaped.map(String), []);
  };
}

test("1. a restored session whose access token expired 10 min ago refreshes at once, never hands it out", async () => {
  const srv = server();
  const logouts = [];
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh, onLogout: (r) => logouts.push(r) });
  const issued = nowS() - 900;
  // With iat: receivedAt + (exp − iat) would make it valid for 5 more minutes.
  const dead = jwt({ iat: issued, exp: issued + 300 });
  tokens.setTokens({ access: dead, refresh: "rt-0" });
  await sleep(50);
  assert.equal(srv.calls, 1, "setTokens with an expired access token refreshes at once");
  const token = await tokens.getAccessToken();
  assert.notEqual(token, dead);
  assert.ok(claimsOf(token).exp > Date.now() / 1000);
  assert.deepEqual(srv.seen, ["rt-0"]);
  assert.deepEqual(logouts, []);
  tokens.dispose();
});

test("1. invalidate() on a young session refreshes; a token fresh from that refresh rejected again ends the session", async () => {
  const srv = server();
  const logouts = [];
  const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh, onLogout: (r) => logouts.push(r) });
  const login = jwt({ iat: nowS(), exp: nowS() + 3600 });
  tokens.setTokens({ access: login, refresh: "rt-0" });
  assert.equal(await tokens.getAccessToken(), login);
  tokens.invalidate(login); // the API answered 401 right after the login
  const fresh = await tokens.getAccessToken();
  assert.notEqual(fresh, login);
  assert.equal(srv.calls, 1);
  tokens.invalidate(fresh); // and rejects what the refresh just gave: no loop
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  await sleep(5);
  assert.equal(srv.calls, 1);
  assert.deepEqual(logouts, ["rejected"]);
  tokens.dispose();
});

for (const lifeS of [1, 3]) {
  test(`2. ${lifeS}-second tokens with default options: never an expired token, refreshes bounded`, async () => {
    const srv = server({ lifeS });
    const tokens = createTokenManager({ channel: channel(), refresh: srv.refresh });
    const iat = Date.now() / 1000;
    tokens.setTokens({ access: jwt({ iat, exp: iat + lifeS }), refresh: "rt-0" });
    const end = Date.now() + 4_000;
    let calls = 0;
    while (Date.now() < end) {
      const t = await tokens.getAccessToken();
      calls++;
      assert.ok(claimsOf(t).exp * 1000 > Date.now(), "an expired token was handed out");
      await sleep(20);
    }
    assert.ok(calls > 50);
    // One refresh per two thirds of a lifetime, never a storm.
    assert.ok(srv.calls >= Math.floor(4 / lifeS) && srv.calls <= (2 * 4) / lifeS + 2, `${srv.calls} refreshes`);
    tokens.dispose();
  });
}

test("2. a server issuing tokens that are already expired ends in a typed error and onLogout, not a storm", async () => {
  let calls = 0;
  const logouts = [];
  const tokens = createTokenManager({
    channel: channel(),
    refresh: async () => { calls++; return { access: jwt({ exp: nowS() - 60 }), refresh: `rt-${calls}` }; },
    onLogout: (r) => logouts.push(r),
  });
  tokens.setTokens({ access: jwt({ exp: nowS() - 60 }), refresh: "rt-0" });
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  assert.ok(calls <= 3, `${calls} refreshes`);
  assert.deepEqual(logouts, ["rejected"]);
  tokens.dispose();
});

test("3. throwing onLogout and onChange callbacks do not crash the process", async () => {
  const done = noEscapes();
  const tokens = createTokenManager({
    channel: channel(),
    refresh: server().refresh,
    onLogout: () => { throw new Error("onLogout bug"); },
  });
  tokens.onChange(() => { throw new Error("onChange bug"); });
  tokens.onChange(async () => { throw new Error("async onChange bug"); });
  tokens.setTokens({ access: jwt({ exp: nowS() + 3600 }), refresh: "rt-0" });
  await tokens.logout();
  await sleep(20);
  done();
  tokens.dispose();
});

test("3/4. a refresh() result whose getter throws: a typed error at once, no crash, the refresh token never re-sent", async () => {
  const done = noEscapes();
  const seen = [];
  const logouts = [];
  const tokens = createTokenManager({
    channel: channel(),
    refresh: async (rt) => {
      seen.push(rt);
      return { get access() { throw new Error("getter bug"); }, refresh: "rotated" };
    },
    onLogout: (r) => logouts.push(r),
  });
  tokens.setTokens({ access: jwt({ exp: nowS() - 1 }), refresh: "rt-0" });
  const started = Date.now();
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  assert.ok(Date.now() - started < 1_000, "answered promptly, not after refresh_timeout");
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_logged_out"));
  await sleep(20);
  assert.deepEqual(seen, ["rt-0"], "the possibly rotated refresh token is never sent again");
  assert.deepEqual(logouts, ["lost"]);
  done();
  tokens.dispose();
});

test("3. a refresh() that throws synchronously, or hangs, gives callers a typed error and keeps the session", async () => {
  const done = noEscapes();
  for (const refresh of [() => { throw new Error("sync bug"); }, () => new Promise(() => {})]) {
    const tokens = createTokenManager({ channel: channel(), refresh, networkTimeoutMs: 200 });
    tokens.setTokens({ access: jwt({ exp: nowS() - 1 }), refresh: "rt-0" });
    await assert.rejects(tokens.getAccessToken(), isCode("refresh_failed"));
    assert.equal(tokens.stats().hasSession, true);
    tokens.dispose();
  }
  done();
});

test("3. a 5.6 M character message on the channel is dropped before it is copied", async () => {
  const done = noEscapes();
  const ch = channel();
  const tokens = createTokenManager({ channel: ch, refresh: server().refresh, storage: mapStorage() });
  const access = jwt({ exp: nowS() + 3600 });
  tokens.setTokens({ access, refresh: "rt-0" });
  const evil = new BroadcastChannel(ch);
  evil.postMessage(`{"fl":1,"t":"done","from":1,"gen":1,"pad":"${"x".repeat(5_600_000)}"}`);
  await sleep(100);
  assert.equal(tokens.stats().oversizedMessages, 1);
  assert.equal(await tokens.getAccessToken(), access);
  evil.close();
  done();
  tokens.dispose();
});

test("5. one failing getItem of a custom store does not log out", async () => {
  const store = mapStorage();
  const logouts = [];
  const tokens = createTokenManager({ channel: channel(), refresh: server().refresh, storage: store, onLogout: (r) => logouts.push(r) });
  const access = jwt({ exp: nowS() + 3600 });
  tokens.setTokens({ access, refresh: "rt-0" });
  const getItem = store.getItem;
  let failures = 0;
  store.getItem = (k) => {
    if (failures < 5) { failures++; throw new Error("storage hiccup"); }
    return getItem(k);
  };
  tokens.invalidate(access); // reads storage: the first reads fail
  const fresh = await tokens.getAccessToken();
  assert.notEqual(fresh, access);
  await sleep(20);
  assert.deepEqual(logouts, []);
  assert.ok(tokens.stats().unreadableReads >= 1);
  tokens.dispose();
});

test("5. a store that keeps failing answers refresh_storage_unavailable and keeps the session", async () => {
  const store = mapStorage();
  const logouts = [];
  const tokens = createTokenManager({ channel: channel(), refresh: server().refresh, storage: store, onLogout: (r) => logouts.push(r) });
  const access = jwt({ exp: nowS() + 3600 });
  tokens.setTokens({ access, refresh: "rt-0" });
  const getItem = store.getItem;
  store.getItem = () => { throw new Error("storage down"); };
  tokens.invalidate(access);
  await assert.rejects(tokens.getAccessToken(), isCode("refresh_storage_unavailable"));
  store.getItem = getItem;
  assert.notEqual(await tokens.getAccessToken(), access);
  assert.deepEqual(logouts, []);
  tokens.dispose();
});

/** A lease-path manager (no Web Locks in Node) on a shared store, with an attacker on its channel. */
function underAttack(attack) {
  const ch = channel();
  const store = mapStorage();
  const srv = server();
  const tokens = createTokenManager({ channel: ch, refresh: srv.refresh, storage: store });
  const evil = new BroadcastChannel(ch);
  const stop = attack(evil, store, ch);
  return { tokens, srv, close: () => { stop(); evil.close(); tokens.dispose(); } };
}

test("6. REFRESHING floods with a far lease end, nonce-0 claims and a huge generation do not hold off refreshing", async () => {
  const attacks = {
    refreshing: (evil) => {
      const t = setInterval(() => evil.postMessage(JSON.stringify({ fl: 1, t: "refreshing", from: 7, gen: 0, until: Date.now() + 3_600_000 })), 20);
      return () => clearInterval(t);
    },
    nonce: (evil) => {
      evil.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.t === "claim") evil.postMessage(JSON.stringify({ fl: 1, t: "claim", from: 0, gen: m.gen, nonce: 0 }));
      };
      return () => {};
    },
    generation: (evil) => {
      evil.postMessage(JSON.stringify({ fl: 1, t: "done", from: 7, gen: 2 ** 53 - 1, exp: null }));
      return () => {};
    },
  };
  for (const [name, attack] of Object.entries(attacks)) {
    const { tokens, srv, close } = underAttack(attack);
    await sleep(30);
    const started = Date.now();
    tokens.setTokens({ access: jwt({ exp: nowS() - 1 }), refresh: "rt-0" });
    const token = await tokens.getAccessToken();
    assert.ok(Date.now() - started < 2_000, `${name}: refresh held off ${Date.now() - started} ms`);
    assert.equal(srv.calls, 1, name);
    assert.ok(claimsOf(token).exp > nowS(), name);
    close();
  }
});

test("7. a refresh() resolving after dispose() is not written", async () => {
  const store = mapStorage();
  const ch = channel();
  let release;
  const tokens = createTokenManager({
    channel: ch,
    storage: store,
    refresh: () => new Promise((ok) => { release = () => ok({ access: jwt({ exp: nowS() + 3600 }), refresh: "rt-late" }); }),
  });
  tokens.setTokens({ access: jwt({ exp: nowS() - 1 }), refresh: "rt-0" });
  await sleep(300);
  assert.equal(typeof release, "function", "the refresh is out");
  tokens.dispose();
  release();
  await sleep(20);
  const rec = JSON.parse(store.getItem(`faultline.refresh.${ch}`));
  assert.equal(rec.s.rt, "rt-0");
});

test("7. an opaque access token without expires_in is bounded by opaqueLifetimeMs", async () => {
  let calls = 0;
  const tokens = createTokenManager({
    channel: channel(),
    opaqueLifetimeMs: 1_000,
    refresh: async () => ({ access: `opaque-${++calls}`, refresh: `rt-${calls}` }),
  });
  tokens.setTokens({ access: "opaque-0", refresh: "rt-0" });
  assert.equal(await tokens.getAccessToken(), "opaque-0");
  await sleep(900);
  assert.equal(await tokens.getAccessToken(), "opaque-1");
  tokens.dispose();
});

test("8. the default in-memory store keeps no record after dispose()", async () => {
  const ch = channel();
  const a = createTokenManager({ channel: ch, refresh: server().refresh });
  a.setTokens({ access: jwt({ exp: nowS() + 3600 }), refresh: "rt-secret" });
  a.dispose();
  const b = createTokenManager({ channel: ch, refresh: server().refresh });
  await assert.rejects(b.getAccessToken(), isCode("refresh_logged_out"));
  assert.equal(b.stats().hasSession, false);
  b.dispose();
});

test("expiresIn is accepted beside expires_in", async () => {
  const tokens = createTokenManager({ channel: channel(), refresh: server().refresh });
  tokens.setTokens({ access: "opaque", refresh: "rt-0", expiresIn: 0 });
  await sleep(50);
  assert.notEqual(await tokens.getAccessToken(), "opaque", "expiresIn: 0 is expired at once");
  tokens.dispose();
});
