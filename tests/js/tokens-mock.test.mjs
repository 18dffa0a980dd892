// The mock auth server's hold modes and reuse grace window, which the browser tests of the
// token manager rely on: a request held BEFORE processing is dropped when its client goes
// away (nothing rotated), one held AFTER processing loses a rotated token, and a grace
// window turns the reuse of the just-rotated parent into "here is the current child".
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { startServer } from "./www/server.mjs";

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.close(); });
const post = (p, b) => fetch(new URL(p, s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
const stats = async () => (await fetch(new URL("/api/_stats", s.url))).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const login = async () => (await post("/api/v1/auth/login", { username: "ada", password: "correct horse" })).json();

/** Sends a refresh request and destroys the connection after `ms`, before any answer. */
function refreshThenHangUp(refresh, ms) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ refresh });
    const req = request(new URL("/api/v1/auth/refresh", s.url), { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } });
    req.on("error", () => resolve());
    req.on("response", () => resolve("answered"));
    req.end(body);
    setTimeout(() => { req.destroy(); resolve("hung up"); }, ms);
  });
}

test("_reset restores the default config", async () => {
  await post("/api/_config", { refreshHoldMs: 5, refreshHoldMode: "before", reuseGraceMs: 7 });
  await post("/api/_reset", {});
  const cfg = await (await post("/api/_config", {})).json();
  assert.deepEqual(cfg, { accessTtlSec: 300, refreshTtlSec: 86_400, refreshHoldMs: 0, refreshHoldMode: "after", reuseGraceMs: 0 });
});

test("hold before processing: a client that hangs up is dropped and its token stays usable", async () => {
  await post("/api/_reset", {});
  const pair = await login();
  await post("/api/_config", { refreshHoldMs: 300, refreshHoldMode: "before" });
  assert.equal(await refreshThenHangUp(pair.refresh, 50), "hung up");
  await sleep(400);
  let st = await stats();
  assert.equal(st.refreshHeld, 1);
  assert.equal(st.refreshDropped, 1);
  assert.equal(st.refreshRequests, 0, "never processed");
  const r = await post("/api/v1/auth/refresh", { refresh: pair.refresh });
  assert.equal(r.status, 200, "the same refresh token still works: nothing was rotated");
  st = await stats();
  assert.equal(st.refreshRequests, 1);
  assert.equal(st.refreshes, 1);
  assert.equal(st.reuseDetected, 0);
  assert.ok(st.lastRefreshAt > 0);
});

test("hold after processing: the rotated answer is lost; reuse revokes without a grace window", async () => {
  await post("/api/_reset", {});
  const pair = await login();
  await post("/api/_config", { refreshHoldMs: 300, refreshHoldMode: "after" });
  assert.equal(await refreshThenHangUp(pair.refresh, 50), "hung up");
  await post("/api/_config", { refreshHoldMs: 0 });
  const r = await post("/api/v1/auth/refresh", { refresh: pair.refresh });
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { detail: "Token is blacklisted", code: "token_not_valid" });
  const st = await stats();
  assert.equal(st.refreshes, 1);
  assert.equal(st.reuseDetected, 1);
  assert.equal(st.graceReuses, 0);
});

test("reuse grace window: the parent reused in time returns the current child, once rotated further it revokes", async () => {
  await post("/api/_reset", {});
  const pair = await login();
  await post("/api/_config", { reuseGraceMs: 10_000 });
  const child = await (await post("/api/v1/auth/refresh", { refresh: pair.refresh })).json();
  const again = await post("/api/v1/auth/refresh", { refresh: pair.refresh });
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), child, "the same child pair, no new rotation");
  const ok = await fetch(new URL("/api/v1/uploads/", s.url), { headers: { authorization: `Bearer ${child.access}` } });
  assert.equal(ok.status, 200);
  // The child rotates: the grandparent is no longer the parent of the active token.
  const grandchild = await post("/api/v1/auth/refresh", { refresh: child.refresh });
  assert.equal(grandchild.status, 200);
  const late = await post("/api/v1/auth/refresh", { refresh: pair.refresh });
  assert.equal(late.status, 401);
  const st = await stats();
  assert.equal(st.refreshes, 2);
  assert.equal(st.graceReuses, 1);
  assert.equal(st.reuseDetected, 1);
});

test("reuse grace window: outside the window the reuse revokes the family", async () => {
  await post("/api/_reset", {});
  const pair = await login();
  await post("/api/_config", { reuseGraceMs: 50 });
  assert.equal((await post("/api/v1/auth/refresh", { refresh: pair.refresh })).status, 200);
  await sleep(120);
  assert.equal((await post("/api/v1/auth/refresh", { refresh: pair.refresh })).status, 401);
  const st = await stats();
  assert.equal(st.graceReuses, 0);
  assert.equal(st.reuseDetected, 1);
});
