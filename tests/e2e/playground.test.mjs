// The playground page (www/) in real Chromium, at 1280 px and 390 px: every panel driven and
// what it shows asserted against the packed package run in Node; four real tabs refreshing
// once with createTokenManager() and four times (then logged out) with the guide's code;
// axe-core in the page; keyboard reach. Screenshots of each panel go to docs/img/.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { classify, RetryPolicy } from "faultline";
import { launchChromium, openPage } from "./helper.browser.mjs";
import { startServer } from "./www/server.mjs";

const pkgDir = join(process.cwd(), "node_modules/faultline");
const repo = process.env.FAULTLINE_REPO ?? process.cwd();
const shots = join(repo, "docs/img");
const vectors = JSON.parse(readFileSync(join(process.cwd(), "vectors/classify.json"), "utf8")).cases;
const WIDTHS = [1280, 390];
let server, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer({ pkgDir });
  browser = await launchChromium();
});

// Every page a test opens is closed after it, passed or failed: a page left open would be
// one more tab in the multi-tab test.
const pages = new Set();
afterEach(async () => {
  for (const p of pages) await p.close().catch(() => {});
  pages.clear();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The page at a width, ready; `errors` collects console errors and uncaught exceptions. */
async function open(width, path = "") {
  const { page, errors } = await openPage(browser.context, `${server.url}${path}`);
  pages.add(page);
  await page.setViewportSize({ width, height: 900 });
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 20_000 });
  return { page, errors };
}

// A failed fetch is logged by Chromium itself ("Failed to load resource: ... 429"): that is
// the network panel talking, not the page. Anything else is a real error.
const realErrors = (errors) => errors.filter((e) => !e.startsWith("Failed to load resource") && !e.includes("ERR_UNSAFE_PORT"));

async function shot(page, selector, name) {
  await page.locator(selector).screenshot({ path: join(shots, name) });
}

/** Runs axe-core in the page: no serious or critical violations. */
async function assertNoSeriousViolations(page) {
  await page.addScriptTag({ content: readFileSync(join(repo, "node_modules/axe-core/axe.min.js"), "utf8") });
  const violations = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
}

async function waitFor(what, check, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const width of WIDTHS) {
  describe(`at ${width} px`, () => {
    test("header: what it is, the install line, links to every panel and doc", async () => {
      const { page, errors } = await open(width);
      assert.equal(await page.textContent("#install-line"), "npm install faultline");
      const links = await page.$$eval(".top nav a", (as) => as.map((a) => a.getAttribute("href")));
      assert.deepEqual(links, ["#inspector", "#retry", "#jwt-panel", "#tabs", "/docs/classify.md", "/docs/retry.md", "/docs/jwt.md", "/docs/tokens.md", "/docs/client.md"]);
      // Nothing wider than the window.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no horizontal scroll");
      assert.deepEqual(realErrors(errors), []);
    });

    test("error inspector: canned failures, a typed response, the credentials switch, the report", async () => {
      const { page, errors } = await open(width);
      const field = (k) => page.textContent(`#classification tr[data-field="${k}"] td`);
      // Grouped by the kind of API; every servable vector offered.
      const groups = await page.$$eval("#scenario optgroup", (gs) => gs.map((g) => g.label));
      assert.ok(groups.includes("Django REST + SimpleJWT (the Upstream API)") && groups.includes("GraphQL"), groups.join());
      const offered = await page.$$eval("#scenario option", (os) => os.length);
      assert.equal(offered, vectors.filter((c) => c.input.status >= 200 && c.input.status <= 599).length);

      const name = "upstream 429 throttled wait_seconds -> wait_and_retry 3600 s";
      const want = classify({ ...vectors.find((c) => c.name === name).input, credentialsSent: true });
      await page.selectOption("#scenario", name);
      await page.click("#send");
      await page.waitForSelector(`#result[data-scenario="${name}"]`, { timeout: 20_000 });
      assert.equal(await page.textContent('#badges [data-kind="category"]'), `category ${want.category}`);
      assert.equal(await page.textContent('#badges [data-kind="action"]'), `action ${want.action}`);
      assert.equal(await page.textContent('#badges [data-fact="retryable"]'), want.retryable ? "retryable" : "not retryable");
      assert.equal(await page.textContent("#user-message"), want.userMessage);
      assert.equal(await page.textContent('#facts [data-fact="hint"]'), "1 h 0 min — from body:error.details.wait_seconds");
      assert.match(await page.textContent('#facts [data-fact="requestId"]'), /^req_\d+$/);
      for (const k of ["category", "action", "code", "message", "retryAfterMs", "hintSource", "format"]) {
        assert.equal(await field(k), want[k] === null ? "null" : String(want[k]), k);
      }
      // The plan (attempt, retry?, reason) is the one the same policy gives in Node.
      const plan = await page.$$eval("#retry-plan tbody tr", (rows) => rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent, r.cells[3].textContent]));
      const policy = new RetryPolicy();
      const expected = [];
      for (let attempt = 1, d = { retry: true }; d.retry && attempt <= 6; attempt++) {
        d = policy.decide({ attempt, classification: want, method: "GET" });
        expected.push([String(attempt), d.retry ? "yes" : "no", d.reason]);
      }
      policy.free();
      assert.deepEqual(plan, expected);
      const report = await page.textContent("#report");
      assert.ok(report.includes("Bearer REDACTED") && !report.includes("eyJzdWIiOiJkZW1vIn0"), report);
      await page.click("#copy-report");
      await page.waitForSelector("#copy-report[data-copied=true]");
      if (width === 1280) await shot(page, "#inspector", "playground-inspector.png");

      // The credentials switch reaches classify(): an ambiguous 401 read both ways.
      const ambiguous = { status: 401, headers: { "content-type": "application/json" }, body: '{"detail":"Authentication credentials were not provided or are invalid."}' };
      for (const sent of [true, false]) {
        await page.setChecked("#credentials", sent);
        await page.fill("#c-status", "401");
        await page.fill("#c-headers", "Content-Type: application/json");
        await page.fill("#c-body", ambiguous.body);
        await page.click("#c-classify");
        await page.waitForSelector('#result[data-scenario="custom"]');
        assert.equal(await field("action"), classify({ ...ambiguous, credentialsSent: sent }).action, `credentialsSent ${sent}`);
      }
      await page.setChecked("#credentials", true);

      // A typed validation error: field errors as a table.
      const body = '{"type":"about:blank","title":"Invalid input","status":422,"errors":{"email":["is not an email"],"age":["must be a number","is required"]}}';
      await page.fill("#c-status", "422");
      await page.fill("#c-headers", "Content-Type: application/problem+json\nX-Request-Id: req_typed_7");
      await page.fill("#c-body", body);
      await page.click("#c-classify");
      const typed = classify({ status: 422, headers: { "Content-Type": "application/problem+json", "X-Request-Id": "req_typed_7" }, body, credentialsSent: true });
      await waitFor("the typed classification", async () => (await field("requestId")) === "req_typed_7");
      const rows = await page.$$eval("#field-errors tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
      assert.deepEqual(rows, Object.entries(typed.fieldErrors ?? {}).map(([k, v]) => [k, v.join("; ")]));
      assert.equal(await field("category"), typed.category);
      // A header line without a colon is refused in the form, not thrown.
      await page.fill("#c-headers", "no colon here");
      await page.click("#c-classify");
      assert.equal(await page.textContent("#c-error"), 'Error: Header line 1 needs "Name: value"');

      await page.click("#send-unreachable");
      await page.waitForSelector('#result[data-scenario="unreachable"]');
      assert.equal(await field("category"), "network");
      assert.equal(await field("status"), "null");
      assert.deepEqual(realErrors(errors), []);
    });

    test("retry lab: schedules from schedule(), the outage chart, a live run naming each hint", async () => {
      const { page, errors } = await open(width);
      const opts = { baseMs: 500, capMs: 8000, maxAttempts: 5, jitter: "equal", largeHint: "fail", maxRetryAfterMs: 60_000, budget: true };
      await page.fill("#k-base", "500");
      await page.fill("#k-cap", "8000");
      await page.fill("#k-attempts", "5");
      await page.selectOption("#k-jitter", "equal");
      await page.waitForSelector('#schedule-plot[data-retries="4"]');
      const series = await page.$$eval("#schedule-plot [data-series]", (gs) => gs.map((g) => [g.dataset.series, JSON.parse(g.dataset.points), g.classList.contains("faded")]));
      assert.equal(series.at(-1)[0], "equal #33", "the selected kind is drawn last, on top");
      assert.equal(series.length, 10); // three clients for each jittered kind, one for none
      for (const [name, points, faded] of series) {
        const [jitter, seed] = name.split(" #");
        const p = new RetryPolicy({ ...opts, jitter, seed: Number(seed) });
        assert.deepEqual(points, p.schedule(4).map((d, i) => [i + 1, d / 1000]), name);
        p.free();
        assert.equal(faded, jitter !== "equal", `${name} drawn bold only when selected`);
      }
      const axes = await page.$$eval("#schedule-plot .axis-label", (ts) => ts.map((t) => t.textContent));
      assert.deepEqual(axes, ["retry number", "wait before it (s)"]);
      assert.deepEqual(await page.$$eval("#schedule-plot .legend li", (ls) => ls.map((l) => l.textContent)),
        ["full (3 clients)", "equal (3 clients)", "decorrelated (3 clients)", "none"]);

      // The outage: both curves, the outage band, a summary with the numbers drawn.
      assert.deepEqual(await page.$$eval("#outage-plot [data-series]", (gs) => gs.map((g) => g.dataset.series)), ["faultline", "guide"]);
      assert.equal(await page.textContent("#outage-plot .band-label"), "outage (429)");
      const summary = await page.$eval("#outage-summary", (e) => ({ ...e.dataset, text: e.textContent }));
      assert.equal(summary.clients, "200");
      const waves = await page.$$eval("#outage-plot [data-series]", (gs) => gs.map((g) => Math.max(...JSON.parse(g.dataset.points).filter((p) => p[0] > 5).map((p) => p[1]))));
      assert.deepEqual(waves.map(String), [summary.waveFaultline, summary.waveGuide]);
      assert.match(summary.text, /^200 clients\. faultline: \d+ requests during the outage, largest wave after the first 5 s \d+\/s;/);
      if (width === 1280) await shot(page, "#retry .plots", "playground-retry-plots.png");

      // Live: two 503s with Retry-After: 0, then 200; each wait names the hint that set it.
      await page.fill("#l-fail", "2");
      await page.selectOption("#l-status", "503");
      await page.fill("#l-ra", "0");
      await page.click("#l-run");
      await page.waitForSelector("#live-timeline[data-state=ok]", { timeout: 15_000 });
      let log = await page.$$eval("#live-log li", (ls) => ls.map((l) => l.textContent));
      assert.equal(log.length, 6, log.join("\n"));
      assert.match(log[0], /attempt 1: HTTP 503/);
      assert.match(log[1], /^wait \d+ ms, set by retry-after \(retry_hint\)$/);
      assert.match(log[3], /^wait \d+ ms, set by retry-after \(retry_hint\)$/);
      assert.match(log[4], /attempt 3: HTTP 200/);
      assert.match(log[5], /^done in .*"attempts":3/);
      assert.equal(await page.$$eval("#live-timeline circle", (cs) => cs.length), 3);
      if (width === 1280) {
        // Without a hint the waits come from the backoff (equal jitter, base 500 ms).
        await page.fill("#l-ra", "");
        await page.click("#l-run");
        await page.waitForSelector("#live-timeline[data-state=ok]", { timeout: 20_000 });
        log = await page.$$eval("#live-log li", (ls) => ls.map((l) => l.textContent));
        assert.match(log[1], /^wait \d+ ms, set by backoff \(no hint\) \(retry_backoff\)$/);
        const waits = log.filter((l) => l.startsWith("wait ")).map((l) => Number(/^wait (\d+) ms/.exec(l)[1]));
        assert.ok(waits[0] >= 250 && waits[0] <= 500 && waits[1] >= 500 && waits[1] <= 1000, waits.join()); // equal jitter: [b/2, b]
        await shot(page, "#retry .live", "playground-retry-live.png");
      }

      // A 429 asking for an hour, with largeHint "fail": no retry, and the hint is said.
      await page.selectOption("#l-status", "429");
      await page.fill("#l-ra", "3600");
      await page.click("#l-run");
      await page.waitForSelector("#live-timeline[data-state=failed]", { timeout: 20_000 });
      log = await page.$$eval("#live-log li", (ls) => ls.map((l) => l.textContent));
      assert.match(log.at(-1), /^give up after attempt 1: hint_too_large — the server asked for 1 h 0 min$/);

      // A bad knob is a typed error next to the knobs, not an exception.
      await page.fill("#k-base", "-5");
      await page.waitForSelector("#k-error:not([hidden])");
      assert.match(await page.textContent("#k-error"), /^FaultlineError retry_invalid_option: .*baseMs/);
      assert.deepEqual(realErrors(errors), []);
    });

    test("JWT inspector: claims, a countdown that ignores a wrong clock, typed errors, mock login", async () => {
      const { page, errors } = await open(width);
      await page.click("#jwt-sample");
      await page.waitForSelector("#jwt-out[data-state=ok]", { state: "attached" });
      const decoded = JSON.parse(await page.textContent("#jwt-out"));
      assert.equal(decoded.payload.user_id, 42);
      assert.equal(decoded.timing.expiresAtMs, decoded.payload.exp * 1000);
      assert.deepEqual(JSON.parse(await page.textContent("#jwt-payload")), decoded.payload);
      assert.deepEqual(JSON.parse(await page.textContent("#jwt-header")), { alg: "HS256", typ: "JWT" });
      const left = async () => Number(await page.getAttribute("#jwt-view", "data-expires-in-s"));
      assert.ok(Math.abs((await left()) - 300) <= 2, String(await left()));
      assert.match(await page.textContent("#expires-in"), /^(4 min 5\d s|5 min 0 s)$/);
      // The refresh is due before expiry, and the bar says how much life is used.
      assert.match(await page.textContent("#refresh-in"), /^\d+ min \d+ s$/);
      assert.ok(Number(await page.getAttribute("#life-bar", "aria-valuenow")) <= 1);

      // The clock slider by keyboard: End = +60 min. The countdown holds; exp alone would say expired.
      await page.focus("#skew");
      await page.keyboard.press("End");
      assert.equal(await page.textContent("#skew-out"), "+60 min");
      assert.ok(Math.abs((await left()) - 300) <= 2, String(await left()));
      assert.match(await page.textContent("#naive-line"), /would say: expired\.$/);
      assert.equal(await page.getAttribute("#jwt-view", "data-expired"), "false");
      if (width === 1280) await shot(page, "#jwt-panel", "playground-jwt.png");
      await page.keyboard.press("Home");
      assert.equal(await page.textContent("#skew-out"), "-60 min");
      assert.ok(Math.abs((await left()) - 300) <= 2);

      for (const [token, code] of [["not-a-token", "jwt_malformed"], ["a.b", "jwt_malformed"]]) {
        await page.fill("#jwt", token);
        await page.click("#decode");
        await page.waitForSelector("#jwt-error:not([hidden])");
        assert.equal(await page.getAttribute("#jwt-error", "data-code"), code);
        assert.match(await page.textContent("#jwt-error"), new RegExp(`^FaultlineError ${code}: `));
      }
      await page.click("#jwt-login");
      await page.waitForSelector("#jwt-error", { state: "hidden" });
      const claims = JSON.parse(await page.textContent("#jwt-payload"));
      assert.equal(claims.token_type, "access");
      assert.equal(claims.user_id, "demo");
      assert.deepEqual(realErrors(errors), []);
    });

    test("axe-core: no serious or critical violations with every panel filled", async () => {
      const { page, errors } = await open(width);
      await page.click("#send");
      await page.waitForSelector("#result:not([hidden])");
      await page.click("#decode");
      await page.waitForSelector("#jwt-view:not([hidden])");
      await page.fill("#l-fail", "1");
      await page.fill("#l-ra", "0");
      await page.click("#l-run");
      await page.waitForSelector("#live-timeline[data-state=ok]", { timeout: 20_000 });
      await page.evaluate(() => { for (const d of document.querySelectorAll("details")) d.open = true; });
      await assertNoSeriousViolations(page);
      assert.deepEqual(realErrors(errors), []);
      if (width === 390) {
        await page.evaluate(() => scrollTo(0, document.getElementById("inspector").offsetTop - 8));
        await page.screenshot({ path: join(shots, "playground-390.png") });
      }
    });
  });
}

test("keyboard: every control is reached by Tab", async () => {
  const { page } = await open(1280);
  const controls = await page.$$eval("button, input, select, textarea, a[href], summary", (es) =>
    es.filter((e) => e.offsetParent !== null).map((e) => e.id || e.textContent.trim()));
  const reached = new Set();
  for (let i = 0; i < controls.length + 20; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate(() => { const e = document.activeElement; return e.id || e.textContent.trim(); }));
  }
  assert.deepEqual(controls.filter((c) => !reached.has(c)), []);
});

describe("multi-tab refresh", () => {
  const stats = async () => (await fetch(new URL("/api/_stats", server.url))).json();
  const tabState = (p) => p.$eval("#tab-self", (e) => ({ ...e.dataset }));

  test("4 tabs: expire -> one refresh, one generation; the guide's code -> 4 refreshes and a logout", async () => {
    await fetch(new URL("/api/_reset", server.url), { method: "POST" });
    const { page: main, errors } = await open(1280, "#tabs");
    await main.evaluate(() => localStorage.clear());
    await main.reload();
    await main.waitForSelector("body[data-ready=true]", { state: "attached" });
    const tabs = [main];
    for (let i = 0; i < 3; i++) {
      const [popup] = await Promise.all([browser.context.waitForEvent("page"), main.click("#open-tab")]);
      popup.on("pageerror", (e) => errors.push(String(e)));
      popup.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      await popup.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 20_000 });
      tabs.push(popup);
      pages.add(popup);
    }
    await main.waitForSelector('#tab-count[data-count="4"]', { timeout: 20_000 });

    const allShow = async (what, pred) => waitFor(what, async () => {
      const states = await Promise.all(tabs.map(tabState));
      return states.every(pred) ? states : null;
    });
    const count = () => main.getAttribute("#refresh-count", "data-count");

    // faultline: log in, expire, one refresh, the same new generation everywhere.
    await main.click("#tab-login");
    const loggedIn = await allShow("every tab logged in", (s) => s.state === "logged in" && s.generation !== "");
    const g0 = loggedIn[0].generation;
    assert.ok(loggedIn.every((s) => s.generation === g0), JSON.stringify(loggedIn));
    const before = (await stats()).refreshRequests;
    await main.click("#expire");
    const after1 = await allShow("every tab on a newer generation", (s) => s.state === "logged in" && s.generation !== g0);
    assert.ok(after1.every((s) => s.generation === after1[0].generation), JSON.stringify(after1));
    await waitFor("the page's count", async () => (await count()) === "1");
    const s1 = await stats();
    assert.equal(s1.refreshRequests - before, 1);
    assert.equal(s1.reuseDetected, 0);
    // Every tab's table agrees, and the log names the one tab that refreshed and how.
    const gens = await tabs[2].$$eval("#tab-table tbody td[data-col=generation]", (tds) => tds.map((t) => t.textContent));
    assert.deepEqual(gens, Array(4).fill(after1[0].generation));
    const refreshers = await main.$$eval('#tab-log li[data-kind="refresh"]', (ls) => ls.map((l) => l.textContent));
    assert.equal(refreshers.length, 1, refreshers.join("\n"));
    assert.match(refreshers[0], /sends the refresh request \(holding the (Web Lock|lease)\)/);
    assert.match(await main.textContent("#last-refresh"), /^tab [1-4] sent the refresh request \(holding the (Web Lock|lease)\) at \d\d:\d\d:\d\d\.\d{3}$/);
    await shot(main, "#tabs", "playground-tabs.png");

    // The guide's snippet in every tab: each refreshes, the server sees reuse and revokes.
    await main.click("#guide-switch");
    await allShow("every tab in hand-written mode", (s) => s.mode === "guide");
    await main.click("#tab-login");
    await allShow("every tab logged in (hand-written)", (s) => s.state === "logged in");
    const before2 = (await stats()).refreshRequests;
    await main.click("#expire");
    await waitFor("4 refresh requests", async () => (await stats()).refreshRequests - before2 === 4);
    await waitFor("the page's count", async () => (await count()) === "4");
    const s2 = await stats();
    assert.equal(s2.refreshes - s1.refreshes, 1, "one rotation succeeded");
    assert.ok(s2.reuseDetected >= 1, "the server saw a reused refresh token");
    // The first refresh rotated the token; the three after it presented a used one.
    await waitFor("three tabs logged out", async () => (await Promise.all(tabs.map(tabState))).filter((s) => s.state === "logged out").length === 3);
    const logouts = await main.$$eval('#tab-log li[data-kind="logout"]', (ls) => ls.map((l) => l.textContent));
    assert.ok(logouts.some((l) => /reused refresh token .*logged out/.test(l)), logouts.join("\n"));
    await shot(main, "#tabs", "playground-tabs-handwritten.png");

    // Back to faultline: a new session, one refresh again.
    await main.click("#guide-switch");
    await allShow("every tab back on faultline", (s) => s.mode === "faultline");
    await main.click("#tab-login");
    const l3 = await allShow("every tab logged in again", (s) => s.state === "logged in" && s.generation !== "");
    const before3 = (await stats()).refreshRequests;
    await main.click("#expire");
    await allShow("every tab on a newer generation", (s) => s.state === "logged in" && s.generation !== l3[0].generation);
    await waitFor("the page's count", async () => (await count()) === "1");
    assert.equal((await stats()).refreshRequests - before3, 1);

    await assertNoSeriousViolations(tabs[1]); // /tab.html, with a session and a log

    // At 390 px the panel still fits.
    await main.setViewportSize({ width: 390, height: 900 });
    assert.ok(await main.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no horizontal scroll");
    assert.deepEqual(realErrors(errors), []);
  });
});

test("mock API: POST /api/_expire refuses every access token issued so far, not the refresh token", async () => {
  const call = (path, init) => fetch(new URL(path, server.url), init);
  const json = { "content-type": "application/json" };
  const pair = await (await call("/api/v1/auth/login", { method: "POST", headers: json, body: JSON.stringify({ username: "u", password: "correct horse" }) })).json();
  const uploads = (token) => call("/api/v1/uploads/", { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  assert.equal(await uploads(pair.access), 200);
  assert.ok((await (await call("/api/_expire", { method: "POST" })).json()).expired >= 1);
  assert.equal(await uploads(pair.access), 401);
  const next = await (await call("/api/v1/auth/refresh", { method: "POST", headers: json, body: JSON.stringify({ refresh: pair.refresh }) })).json();
  assert.equal(await uploads(next.access), 200, "a token issued after the expiry works");
});
