// The packed package in real Chromium: a plain <script type="module"> page (the
// playground), a page bundled by esbuild, and the typed error when init() is skipped.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
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
