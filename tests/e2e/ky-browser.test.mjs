// faultlineKy with the real ky in Chromium: a page bundled by esbuild (the browser build of
// faultline, faultline/ky and ky) talks to the mock API on its own origin. A 503 retried to
// success, five concurrent requests with a rejected token sharing one refresh, a second 401
// ending the session, the 429 hint honoured, and an abort during the backoff sleep.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { launchChromium, openPage } from "./helper.browser.mjs";
import { startApi } from "./helper.server.mjs";

const page = `
import init, { RetryPolicy } from "faultline";
import ky from "ky";
import { faultlineKy } from "faultline/ky";
import { stubTokens } from "./helper.tokens.mjs";

const fast = () => new RetryPolicy({ baseMs: 1, capMs: 5, seed: 7, maxRetryAfterMs: 1500, largeHint: "fail" });
const make = (options) => ky.create({ baseUrl: location.origin + "/v1/" }).extend(faultlineKy(options));
const issue = async () => (await ky.post(location.origin + "/issue").json()).token;
const outcome = (p) => p.then((body) => ({ ok: true, body }), (e) => ({ ok: false, name: e.name, category: e.classification?.category, action: e.classification?.action }));

window.run = async () => {
  await init("/faultline_bg.wasm");
  const out = {};
  out.flaky = await outcome(make({ retry: fast() }).get("flaky", { searchParams: { fail: 2, key: "b1" } }).json());

  const tokens = stubTokens({ initial: "expired", refresh: issue });
  const api = make({ tokens, retry: fast() });
  out.concurrent = await Promise.all(Array.from({ length: 5 }, () => outcome(api.get("me").json())));
  out.refreshes = tokens.refreshes;

  const bad = stubTokens({ initial: "expired", refresh: async () => "also-bad" });
  out.ended = await outcome(make({ tokens: bad, retry: fast() }).get("me").json());
  out.logouts = bad.logouts;

  const t0 = performance.now();
  out.hint = await outcome(make({ retry: fast() }).get("flaky", { searchParams: { fail: 1, status: 429, retryAfter: 1, key: "b2" } }).json());
  out.hintMs = performance.now() - t0;

  const ac = new AbortController();
  const t1 = performance.now();
  // Abort once the 5 s backoff sleep has begun.
  const onEvent = (e) => { if (e.type === "retry") setTimeout(() => ac.abort(), 20); };
  const slow = make({ retry: new RetryPolicy({ baseMs: 5000, capMs: 5000, jitter: "none", seed: 1 }), onEvent });
  out.aborted = await outcome(slow.get("flaky", { searchParams: { fail: 5, key: "b3" }, signal: ac.signal }).json());
  out.abortMs = performance.now() - t1;
  return out;
};
document.body.dataset.ready = "true";
`;

let api, browser;
before(async () => {
  const bundle = await build({
    stdin: { contents: page, resolveDir: process.cwd(), sourcefile: "ky-page.mjs" },
    bundle: true, format: "esm", platform: "browser", write: false, logLevel: "warning",
  });
  const wasm = readFileSync(join(process.cwd(), "node_modules/faultline/faultline_bg.wasm"));
  api = await startApi({
    files: {
      "/": { type: "text/html", body: '<!doctype html><body><script type="module" src="/app.js"></script></body>' },
      "/app.js": { type: "text/javascript", body: bundle.outputFiles[0].contents },
      "/faultline_bg.wasm": { type: "application/wasm", body: wasm },
    },
    routes: { "/issue": (res) => { res.writeHead(200, { "content-type": "application/json" }); res.end(JSON.stringify({ token: api.tokens.issue() })); } },
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await api?.close();
});

test("faultlineKy in Chromium: retries, one shared refresh, end of session, hints, abort", async () => {
  const { page: tab, errors } = await openPage(browser.context, `${api.url}/`);
  await tab.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 10_000 });
  const out = await tab.evaluate(() => window.run());
  assert.deepEqual(out.flaky, { ok: true, body: { ok: true, attempts: 3, body: "" } });
  assert.equal(out.refreshes, 1);
  assert.ok(out.concurrent.every((o) => o.ok && o.body.user === "ada"), JSON.stringify(out.concurrent));
  assert.deepEqual(out.ended, { ok: false, name: "HTTPError", category: "unauthenticated", action: "reauthenticate" });
  assert.deepEqual(out.logouts, ["rejected"]);
  assert.equal(out.hint.ok, true);
  assert.ok(out.hintMs >= 1000, `hint waited ${out.hintMs} ms`);
  assert.equal(out.aborted.category, "aborted");
  assert.ok(out.abortMs < 2000, `abort took ${out.abortMs} ms`);
  // The failed responses the scenarios ask for are logged by the browser; nothing else may be.
  assert.deepEqual(errors.filter((e) => !e.startsWith("Failed to load resource: the server responded with a status of")), []);
});
