// The mock API is what the browser tests measure against, so its rotation and reuse
// detection are tested first.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startServer } from "./www/server.mjs";

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.close(); });
const post = (p, b) => fetch(new URL(p, s.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });

test("login: wrong password gets SimpleJWT's 401 text", async () => {
  const r = await post("/api/v1/auth/login", { username: "ada", password: "nope" });
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { detail: "No active account found with the given credentials" });
});

test("rotation, then reuse of the old refresh token revokes the family", async () => {
  await post("/api/_reset", {});
  const pair = await (await post("/api/v1/auth/login", { username: "ada", password: "correct horse" })).json();
  const ok = await fetch(new URL("/api/v1/uploads/", s.url), { headers: { authorization: `Bearer ${pair.access}` } });
  assert.equal(ok.status, 200);
  const r1 = await post("/api/v1/auth/refresh", { refresh: pair.refresh });
  assert.equal(r1.status, 200);
  const pair2 = await r1.json();
  assert.notEqual(pair2.refresh, pair.refresh);
  const reuse = await post("/api/v1/auth/refresh", { refresh: pair.refresh });
  assert.equal(reuse.status, 401);
  assert.deepEqual(await reuse.json(), { detail: "Token is blacklisted", code: "token_not_valid" });
  const after = await post("/api/v1/auth/refresh", { refresh: pair2.refresh });
  assert.equal(after.status, 401, "the whole family is revoked after reuse");
  const denied = await fetch(new URL("/api/v1/uploads/", s.url), { headers: { authorization: `Bearer ${pair2.access}` } });
  assert.equal(denied.status, 401);
  assert.equal((await denied.json()).code, "token_not_valid");
  const stats = await (await fetch(new URL("/api/_stats", s.url))).json();
  assert.equal(stats.refreshes, 1);
  assert.equal(stats.refreshRequests, 3);
  assert.equal(stats.reuseDetected, 1);
});

test("missing credentials and flaky endpoint", async () => {
  const r = await fetch(new URL("/api/v1/uploads/", s.url));
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { detail: "Authentication credentials were not provided." });
  const f1 = await fetch(new URL("/api/v1/flaky?fail=1&status=429&retryAfter=3&key=t", s.url));
  assert.equal(f1.status, 429);
  assert.equal(f1.headers.get("retry-after"), "3");
  assert.match(f1.headers.get("x-request-id"), /^req_\d+$/);
  const f2 = await fetch(new URL("/api/v1/flaky?fail=1&status=429&key=t", s.url));
  assert.equal(f2.status, 200);
  assert.deepEqual(await f2.json(), { ok: true, attempts: 2 });
});
