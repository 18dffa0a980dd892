// The packed package in real Chromium: a plain <script type="module"> page (the
// playground), a page bundled by esbuild, and the typed error when init() is skipped.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { RetryPolicy } from "faultline";
import { launchChromium, openPage } from "./helper.browser.mjs";
import { startServer } from "./www/server.mjs";

const pkgDir = join(process.cwd(), "node_modules/faultline");
const version = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
let server, browser, bundleDir;

before(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), "faultline-bundle-"));
  await build({
    entryPoints: [join(process.cwd(), "www/e2e/bundled-app.mjs")],
    bundle: true, format: "esm", platform: "browser", outfile: join(bundleDir, "app.js"), logLevel: "warning",
  });
  copyFileSync(join(pkgDir, "faultline_bg.wasm"), join(bundleDir, "faultline_bg.wasm"));
  server = await startServer({ pkgDir, mounts: { "/bundle/": bundleDir } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("playground page (no bundler) shows the version computed in wasm", async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 });
  assert.equal(await page.textContent("#wasm-version"), version);
  assert.deepEqual(errors, []);
});

test("playground: a canned failure is classified, planned and reported; a token is read", async () => {
  const vectors = JSON.parse(readFileSync(join(process.cwd(), "vectors/classify.json"), "utf8")).cases;
  const { page, errors } = await openPage(browser.context, server.url);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 });
  const field = async (k) => page.textContent(`#classification tr[data-field="${k}"] td`);

  // Every scenario HTTP can carry is offered; each one sent gives its vector's answer.
  const offered = await page.$$eval("#scenario option", (os) => os.map((o) => o.value));
  assert.equal(offered.length, vectors.filter((c) => c.input.status >= 200 && c.input.status <= 599).length);
  for (const name of [
    "upstream 429 throttled wait_seconds -> wait_and_retry 3600 s",
    "SimpleJWT 401 expired access token -> refresh_token",
    "nginx 502 HTML page -> unavailable, title as message",
  ]) {
    const want = vectors.find((c) => c.name === name).expect;
    await page.selectOption("#scenario", name);
    await page.click("#send");
    await page.waitForSelector(`#result[data-scenario="${name}"]`, { state: "attached", timeout: 10_000 });
    for (const k of ["category", "action", "code", "message", "format", "userMessage"]) {
      if (!(k in want)) continue; // vectors state userMessage only where it matters
      const shown = await field(k);
      assert.equal(shown, want[k] === null ? "null" : String(want[k]), `${name}: ${k}`);
    }
    assert.match(await field("requestId"), /^req_\d+$/, `${name}: the mock's X-Request-Id`);
    // The plan's reasons are the ones the same policy gives in Node (delays are jittered).
    const plan = await page.$$eval("#retry-plan tbody tr", (rows) => rows.map((r) => r.cells[3].textContent));
    const policy = new RetryPolicy();
    const reasons = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const d = policy.decide({ attempt, classification: want, method: "GET" });
      reasons.push(d.reason);
      if (!d.retry) break;
    }
    policy.free();
    assert.deepEqual(plan, reasons, `${name}: retry plan`);
    const report = await page.textContent("#report");
    assert.ok(report.includes("Bearer REDACTED"), `${name}: report redacts the Authorization header`);
    assert.ok(!report.includes("eyJzdWIiOiJkZW1vIn0"), `${name}: report repeats no credential`);
  }

  await page.click("#send-unreachable");
  await page.waitForSelector('#result[data-scenario="unreachable"]', { state: "attached", timeout: 10_000 });
  assert.equal(await field("category"), "network");
  assert.equal(await field("status"), "null");

  await page.click("#decode");
  await page.waitForSelector("#jwt-out[data-state=ok]", { state: "attached", timeout: 10_000 });
  const decoded = JSON.parse(await page.textContent("#jwt-out"));
  assert.equal(decoded.payload.user_id, 42);
  assert.equal(decoded.tokenType, "access");
  assert.equal(decoded.timing.expired, false);
  assert.equal(decoded.timing.expiresAtMs, decoded.payload.exp * 1000);
  await page.fill("#jwt", "not-a-token");
  await page.click("#decode");
  await page.waitForSelector("#jwt-out[data-state=error]", { state: "attached", timeout: 10_000 });
  assert.match(await page.textContent("#jwt-out"), /^FaultlineError jwt_malformed:/);
  // The unreachable fetch logs a network error in the console; nothing else may.
  assert.deepEqual(errors.filter((e) => !e.includes("ERR_UNSAFE_PORT") && !e.includes("Failed to load resource")), []);
});

test("esbuild-bundled app loads the wasm and runs", async () => {
  const { page, errors } = await openPage(browser.context, `${server.url}e2e/bundled.html`);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 });
  assert.equal(await page.getAttribute("body", "data-version"), version);
  assert.equal(await page.getAttribute("body", "data-error-class"), "true");
  assert.deepEqual(errors, []);
});

test("calling before init() throws FaultlineError not_initialized", async () => {
  const { page } = await openPage(browser.context, `${server.url}e2e/not-initialized.html`);
  await page.waitForSelector("body[data-result]", { state: "attached", timeout: 10_000 });
  assert.equal(await page.getAttribute("body", "data-result"), "FaultlineError:not_initialized");
});
