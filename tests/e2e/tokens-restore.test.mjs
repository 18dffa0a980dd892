// The token manager in real Chromium against the mock auth server (rotation and reuse
// detection), for restored sessions and short-lived tokens:
//   - 8 background tabs restore a session whose access token expired and whose refresh token
//     is good: one refresh, all 8 on one working token, no logout;
//   - 4 tabs with 3-second tokens for 30 s: no expired token handed out, no reuse, at most
//     21 refreshes (one per half lifetime, plus the first).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchChromium } from "./helper.browser.mjs";
import { startServer } from "./www/server.mjs";

const pkgDir = join(process.cwd(), "node_modules/faultline");
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

async function waitFor(what, check, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function openTabs(n, channel, { hidden = false } = {}) {
  const tabs = [];
  for (let i = 0; i < n; i++) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    if (hidden) {
      await page.addInitScript(() => {
        Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => "hidden" });
        Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => true });
      });
    }
    await page.goto(`${server.url}e2e/tokens.html?channel=${channel}`);
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 });
    tabs.push({ page, errors });
  }
  return tabs;
}

const each = (tabs, fn, arg) => Promise.all(tabs.map((t) => t.page.evaluate(fn, arg)));
const closeTabs = async (tabs) => { for (const t of tabs) if (!t.page.isClosed()) await t.page.close(); };

async function authorized(token) {
  const r = await fetch(new URL("/api/v1/uploads/", server.url), { headers: { authorization: `Bearer ${token}` } });
  return r.status;
}

test("8 background tabs restore a session whose access token expired: one refresh, one working token, no logout", async () => {
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

test("4 tabs with 3-second tokens for 30 s: no expired token handed out, no reuse, at most 21 refreshes", async () => {
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
