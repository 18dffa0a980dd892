// The token manager in real Chromium: pages of ONE browser context are tabs that share
// localStorage, BroadcastChannel and Web Locks. Each test asserts exact counters of the mock
// auth server (www/mock-auth.mjs: SimpleJWT-style rotation with reuse detection).
//   a) 8 tabs, expired token, all call getAccessToken() at once: one refresh request
//   b) the refreshing tab is closed while the server holds its request: another tab takes
//      over; with the request held before processing there is no reuse; with the response
//      held after rotation, a reuse grace window recovers, and without one every tab logs
//      out once (no loop)
//   c) logout in one tab logs out every tab
//   d) a) and c) with navigator.locks removed: the lease fallback
//   and the proactive refresh: ahead of expiry in a visible tab, never in hidden ones
//   e) 8 background tabs restore a session whose access token expired and whose refresh
//      token is good: one refresh, all 8 on one working token, no logout
//   f) 4 tabs with 3-second tokens for 30 s: no expired token handed out, no reuse, at most
//      21 refreshes
// The time from the refresh response to the last tab updated is printed (median of runs).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchChromium } from "./helper.browser.mjs";
import { startServer } from "./www/server.mjs";

const pkgDir = join(process.cwd(), "node_modules/faultline");
const RUNS = 5;
let server, browser;

before(async () => {
  server = await startServer({ pkgDir });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const post = async (path, body) => (await fetch(new URL(path, server.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json();
const stats = async () => (await fetch(new URL("/api/_stats", server.url))).json();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitFor(what, check, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Opens `n` tabs on `channel`; `noLocks` deletes navigator.locks before any script runs. */
async function openTabs(n, channel, { noLocks = false, hidden = false, opts = {} } = {}) {
  const tabs = [];
  for (let i = 0; i < n; i++) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    if (noLocks) await page.addInitScript(() => { delete Navigator.prototype.locks; });
    if (hidden) {
      // Headless pages count as visible: make visibility controllable (window.__vis).
      await page.addInitScript(() => {
        window.__vis = "hidden";
        Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => window.__vis });
        Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => window.__vis === "hidden" });
      });
    }
    await page.goto(`${server.url}e2e/tokens.html?channel=${channel}&opts=${encodeURIComponent(JSON.stringify(opts))}`);
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.hasLocks), !noLocks);
    assert.equal(await page.evaluate(() => window.tokens.stats().webLocks), !noLocks);
    tabs.push({ page, errors });
  }
  return tabs;
}

const closeTabs = async (tabs) => { for (const t of tabs) if (!t.page.isClosed()) await t.page.close(); };
const each = (tabs, fn, arg) => Promise.all(tabs.map((t) => t.page.evaluate(fn, arg)));

/** A fresh server state and a pair whose access token is already expired (lifetime 0). */
async function expiredLogin() {
  await post("/api/_reset", {});
  await post("/api/_config", { accessTtlSec: 0 });
  const pair = await post("/api/v1/auth/login", { username: "ada", password: "correct horse" });
  await post("/api/_config", { accessTtlSec: 300 });
  return pair;
}

/** Logs in from tab 0 and waits until every tab holds the (expired) session. */
async function everyTabHolds(tabs, pair) {
  await tabs[0].page.evaluate((p) => window.tokens.setTokens(p), pair);
  await waitFor("every tab to adopt the login", async () =>
    (await each(tabs, (a) => window.changes.some((c) => c.accessToken === a), pair.access)).every(Boolean));
}

async function authorized(token) {
  const r = await fetch(new URL("/api/v1/uploads/", server.url), { headers: { authorization: `Bearer ${token}` } });
  return r.status;
}

/**
 * Scenario a): every tab calls getAccessToken() at once while the refresh is out (the server
 * holds the response 300 ms). Returns ms from the refresh response to the last tab updated.
 */
async function oneRefreshForAll(tabs) {
  const pair = await expiredLogin();
  await post("/api/_config", { refreshHoldMs: 300 });
  await everyTabHolds(tabs, pair);
  const results = await each(tabs, () => window.get());
  const st = await stats();
  assert.equal(st.refreshRequests, 1, "exactly one refresh request reached the server");
  assert.equal(st.refreshes, 1);
  assert.equal(st.reuseDetected, 0);
  for (const r of results) assert.equal(r.ok, true, JSON.stringify(r));
  const token = results[0].token;
  assert.notEqual(token, pair.access);
  assert.deepEqual(results.map((r) => r.token), tabs.map(() => token), "all tabs hold the same new token");
  assert.equal(await authorized(token), 200);
  await waitFor("every tab to see the change", async () =>
    (await each(tabs, (t) => window.changes.some((c) => c.accessToken === t), token)).every(Boolean));
  const seenAt = await each(tabs, (t) => window.changes.find((c) => c.accessToken === t).at, token);
  const started = (await each(tabs, () => window.tokens.stats().refreshesStarted)).reduce((a, b) => a + b, 0);
  return { lagMs: Math.max(...seenAt) - st.lastRefreshAt, started };
}

/** Scenario c): logout in one tab; every tab gets onLogout("user") once and refresh_logged_out. */
async function logoutEverywhere(tabs) {
  const before = await each(tabs, () => window.logouts.length);
  await tabs[tabs.length - 1].page.evaluate(() => window.tokens.logout());
  await waitFor("every tab to log out", async () => (await each(tabs, () => window.logouts.length)).every((n, i) => n > before[i]));
  await sleep(100);
  const logouts = await each(tabs, () => window.logouts);
  for (const [i, l] of logouts.entries()) assert.deepEqual(l.slice(before[i]), ["user"], `tab ${i}`);
  for (const r of await each(tabs, () => window.get())) assert.deepEqual(r, { ok: false, code: "refresh_logged_out", name: "FaultlineError" });
  const st = await stats();
  assert.equal(st.refreshRequests, 1, "logging out sends no refresh");
}

for (const noLocks of [false, true]) {
  const path = noLocks ? "lease fallback (navigator.locks removed)" : "Web Locks";
  describe(`8 tabs, ${path}`, () => {
    let tabs;
    before(async () => { tabs = await openTabs(8, noLocks ? "e2e-lease" : "e2e-locks", { noLocks }); });
    after(async () => closeTabs(tabs));

    test(`a${noLocks ? "/d" : ""}) expired token, 8 tabs call getAccessToken() at once: one refresh request, one token (${RUNS} runs)`, async () => {
      const lags = [];
      for (let run = 0; run < RUNS; run++) {
        const { lagMs, started } = await oneRefreshForAll(tabs);
        assert.equal(started, run + 1, "one tab started one refresh per run");
        lags.push(lagMs);
      }
      console.log(`tokens e2e (${path}): refresh response -> last of 8 tabs updated: median ${median(lags)} ms over ${RUNS} runs [${lags.join(", ")}]`);
      for (const t of tabs) assert.deepEqual(t.errors, []);
    });

    test(`c${noLocks ? "/d" : ""}) logout in one tab logs out all 8`, async () => {
      await logoutEverywhere(tabs);
      for (const t of tabs) assert.deepEqual(t.errors, []);
    });
  });
}

/**
 * Scenario b): 4 tabs ask for a token; the server holds the refresh (mode, ms); the tab that
 * sent it is closed. Returns the remaining tabs and their answers.
 */
async function closeTheRefreshingTab(channel, { mode, grace = 0, holdMs = 1_500, opts = {} }) {
  const tabs = await openTabs(4, channel, { opts });
  const pair = await expiredLogin();
  await post("/api/_config", { refreshHoldMs: holdMs, refreshHoldMode: mode, reuseGraceMs: grace });
  await everyTabHolds(tabs, pair);
  const pending = tabs.map((t) => t.page.evaluate(() => window.get()));
  await waitFor("the refresh request to be held by the server", async () => (await stats()).refreshHeld === 1);
  const refreshing = await each(tabs, () => window.tokens.stats().refreshing);
  assert.equal(refreshing.filter(Boolean).length, 1, `exactly one tab is refreshing: ${refreshing}`);
  const dead = refreshing.indexOf(true);
  pending[dead].catch(() => {});
  const closedAt = Date.now();
  await tabs[dead].page.close();
  const rest = tabs.filter((_, i) => i !== dead);
  const answers = await Promise.all(pending.filter((_, i) => i !== dead));
  const answeredMs = Date.now() - closedAt;
  console.log(`tokens e2e (${channel}): tab closed -> remaining tabs answered in ${answeredMs} ms (server hold ${holdMs} ms)`);
  return { tabs: rest, answers, pair };
}

describe("b) the refreshing tab is closed while the server holds the refresh", () => {
  test("held before processing (dropped, as a real server does): another tab completes, no reuse", async () => {
    const { tabs, answers, pair } = await closeTheRefreshingTab("e2e-close-before", { mode: "before" });
    for (const a of answers) assert.equal(a.ok, true, JSON.stringify(a));
    assert.equal(new Set(answers.map((a) => a.token)).size, 1, "the remaining tabs converge");
    assert.notEqual(answers[0].token, pair.access);
    assert.equal(await authorized(answers[0].token), 200);
    await sleep(300);
    const st = await stats();
    assert.equal(st.refreshHeld, 2);
    assert.equal(st.refreshDropped, 1, "the dead tab's request never ran");
    assert.equal(st.refreshRequests, 1);
    assert.equal(st.refreshes, 1);
    assert.equal(st.reuseDetected, 0);
    const takeovers = (await each(tabs, () => window.tokens.stats().takeovers)).reduce((a, b) => a + b, 0);
    assert.equal(takeovers, 1, "one remaining tab took over the lost generation");
    for (const l of await each(tabs, () => window.logouts)) assert.deepEqual(l, []);
    await closeTabs(tabs);
  });

  test("held after rotation, server with a reuse grace window: the takeover gets the child, no logout", async () => {
    const { tabs, answers, pair } = await closeTheRefreshingTab("e2e-close-grace", { mode: "after", grace: 10_000 });
    for (const a of answers) assert.equal(a.ok, true, JSON.stringify(a));
    assert.equal(new Set(answers.map((a) => a.token)).size, 1);
    assert.notEqual(answers[0].token, pair.access);
    assert.equal(await authorized(answers[0].token), 200);
    const st = await stats();
    assert.equal(st.refreshRequests, 2);
    assert.equal(st.refreshes, 1, "rotated once: the takeover got the same child");
    assert.equal(st.graceReuses, 1);
    assert.equal(st.reuseDetected, 0);
    for (const l of await each(tabs, () => window.logouts)) assert.deepEqual(l, []);
    await closeTabs(tabs);
  });

  test("held after rotation, no grace window: one clean logout in every tab, no loop", async () => {
    const { tabs, answers } = await closeTheRefreshingTab("e2e-close-nograce", { mode: "after" });
    for (const a of answers) assert.deepEqual(a, { ok: false, code: "refresh_logged_out", name: "FaultlineError" });
    await waitFor("every tab to log out", async () => (await each(tabs, () => window.logouts.length)).every((n) => n > 0));
    await sleep(1_500);
    for (const l of await each(tabs, () => window.logouts)) assert.deepEqual(l, ["rejected"]);
    const st = await stats();
    assert.equal(st.refreshRequests, 2, "the lost request and one takeover, then nothing");
    assert.equal(st.refreshes, 1);
    assert.equal(st.reuseDetected, 1);
    for (const r of await each(tabs, () => window.get())) assert.equal(r.code, "refresh_logged_out");
    assert.equal((await stats()).refreshRequests, 2);
    await closeTabs(tabs);
  });
});

test("proactive refresh: hidden tabs never refresh ahead of expiry; the first visible one does, once", async () => {
  const tabs = await openTabs(3, "e2e-proactive", { hidden: true, opts: { expiryMarginMs: 500, jitterMs: 0 } });
  await post("/api/_reset", {});
  await post("/api/_config", { accessTtlSec: 6 }); // refresh ahead = a quarter of the lifetime: after ~4 s
  const pair = await post("/api/v1/auth/login", { username: "ada", password: "correct horse" });
  await post("/api/_config", { accessTtlSec: 300 });
  await everyTabHolds(tabs, pair);
  await sleep(2_800);
  assert.equal((await stats()).refreshRequests, 0, "hidden tabs do not refresh proactively");
  for (const r of await each(tabs, () => window.get())) assert.deepEqual(r, { ok: true, token: pair.access }, "the token is still valid");
  await tabs[1].page.evaluate(() => { window.__vis = "visible"; document.dispatchEvent(new Event("visibilitychange")); });
  await waitFor("the visible tab to refresh", async () => (await stats()).refreshes === 1);
  await waitFor("every tab to adopt the new token", async () =>
    (await each(tabs, () => window.changes.length)).every((n) => n === 2));
  const st = await stats();
  assert.equal(st.refreshRequests, 1);
  assert.equal(st.reuseDetected, 0);
  const fresh = await each(tabs, () => window.changes[1].accessToken);
  assert.equal(new Set(fresh).size, 1);
  assert.notEqual(fresh[0], pair.access);
  assert.deepEqual(await each(tabs, () => window.tokens.stats().refreshesStarted), [0, 1, 0]);
  for (const t of tabs) assert.deepEqual(t.errors, []);
  await closeTabs(tabs);
});

test("e) 8 background tabs restore a session whose access token expired: one refresh, one working token, no logout", async () => {
  const tabs = await openTabs(8, "e2e-restore", { hidden: true });
  await post("/api/_reset", {});
  await post("/api/_config", { accessTtlSec: 1 });
  const pair = await post("/api/v1/auth/login", { username: "ada", password: "correct horse" });
  await post("/api/_config", { accessTtlSec: 300 });
  await sleep(1_100); // the access token is now expired by its own exp; the refresh token is good
  await tabs[0].page.evaluate((p) => window.tokens.setTokens(p), pair);
  await waitFor("the refresh", async () => (await stats()).refreshes === 1);
  const results = await each(tabs, () => window.get());
  for (const r of results) assert.equal(r.ok, true, JSON.stringify(r));
  const token = results[0].token;
  assert.notEqual(token, pair.access);
  assert.deepEqual(results.map((r) => r.token), tabs.map(() => token), "all 8 tabs hold the same token");
  assert.equal(await authorized(token), 200);
  await sleep(300);
  const st = await stats();
  assert.equal(st.refreshRequests, 1);
  assert.equal(st.refreshes, 1);
  assert.equal(st.reuseDetected, 0);
  for (const l of await each(tabs, () => window.logouts)) assert.deepEqual(l, []);
  for (const t of tabs) assert.deepEqual(t.errors, []);
  console.log(`tokens e2e (restore): 8 hidden tabs, expired access token -> ${st.refreshRequests} refresh request, 1 token, 0 logouts`);
  await closeTabs(tabs);
});

test("f) 4 tabs with 3-second tokens for 30 s: no expired token handed out, no reuse, at most 21 refreshes", async () => {
  const tabs = await openTabs(4, "e2e-short");
  await post("/api/_reset", {});
  await post("/api/_config", { accessTtlSec: 3 });
  const pair = await post("/api/v1/auth/login", { username: "ada", password: "correct horse" });
  await tabs[0].page.evaluate((p) => window.tokens.setTokens(p), pair);
  // Every tab asks for a token every 50 ms and checks it against its own exp and the clock.
  const runs = each(tabs, async () => {
    const end = Date.now() + 30_000;
    const seen = { calls: 0, expired: 0, errors: [] };
    while (Date.now() < end) {
      try {
        const t = await window.tokens.getAccessToken();
        const { exp } = JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
        seen.calls++;
        if (exp * 1000 <= Date.now()) seen.expired++;
      } catch (e) {
        seen.errors.push(e.code ?? String(e));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return seen;
  });
  const results = await runs;
  const st = await stats();
  const calls = results.reduce((a, r) => a + r.calls, 0);
  const expired = results.reduce((a, r) => a + r.expired, 0);
  console.log(`tokens e2e (3 s tokens, 4 tabs, 30 s): ${calls} tokens handed out, ${expired} expired, ${st.refreshes} refreshes, ${st.reuseDetected} reuse detections, ${st.rejected} API rejections`);
  for (const r of results) assert.deepEqual(r.errors, []);
  assert.equal(expired, 0);
  assert.equal(st.reuseDetected, 0);
  assert.ok(st.refreshes <= 21, `${st.refreshes} refreshes`);
  assert.ok(st.refreshes >= 10, `${st.refreshes} refreshes`);
  for (const l of await each(tabs, () => window.logouts)) assert.deepEqual(l, []);
  for (const t of tabs) assert.deepEqual(t.errors, []);
  await post("/api/_config", { accessTtlSec: 300 });
  await closeTabs(tabs);
});
