// Bundler tests of the packed tarball: each fixture directory is a small app with its own
// package.json and package-lock.json (exact bundler versions). For each one this script
//   1. copies the shared app (app/) and the fixture into tests/packaging/.tmp/<fixture>/,
//   2. installs the bundler with `npm ci` (from the npm cache when it is warm) and unpacks
//      the faultline tarball into node_modules/faultline, as `npm install` would,
//   3. runs `npm run build`, serves dist/ with a strict Content-Security-Policy
//      (script-src 'self' 'wasm-unsafe-eval') and opens it in headless Chromium,
//   4. for fixtures with a `dev` script (Vite), starts the dev server and opens it too,
// and expects the page to show a value computed in wasm. publint and attw check the tarball.
// Usage: node tests/packaging/run.mjs [fixture...]   (FAULTLINE_TARBALL: the tarball to test;
// otherwise dist/ is packed.)
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { test } from "node:test";
import { launchChromium, openPage } from "../js/helper.browser.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "../..");
const tmp = join(here, ".tmp");
const all = readdirSync(here).filter((d) => existsSync(join(here, d, "package-lock.json"))).sort();
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
const version = JSON.parse(readFileSync(join(root, "dist/package.json"), "utf8")).version;
const expected = `ok rate_limited 7000 ${version}`;

rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
const tarball = process.env.FAULTLINE_TARBALL
  ?? join(tmp, execFileSync("npm", ["pack", "--silent", "--pack-destination", tmp, join(root, "dist")], { encoding: "utf8" }).trim().split("\n").pop());

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });

/** Installs one fixture; the installs run side by side (they wait on the network or disk). */
function install(name) {
  const dir = join(tmp, name);
  cpSync(join(here, "app"), dir, { recursive: true });
  cpSync(join(here, name), dir, { recursive: true });
  return new Promise((resolve, reject) => {
    const npm = spawn("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    npm.stderr.on("data", (d) => { err += d; });
    npm.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`npm ci in ${name} failed: ${err}`));
      const target = join(dir, "node_modules/faultline");
      mkdirSync(target, { recursive: true });
      run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
      resolve(dir);
    });
  });
}

const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".map": "application/json" };
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/** Serves `dir` as a production host would, CSP included; 404 for anything not there. */
async function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/+/, "") || "index.html";
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-security-policy": csp });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Chromium keeps spare connections open (preconnects with no request yet), which would hold
  // `server.close()` until the browser drops them: close every connection with the server.
  const close = () => new Promise((r) => {
    server.close(r);
    server.closeAllConnections();
  });
  return { url: `http://127.0.0.1:${server.address().port}/`, close };
}

/** Starts `vite` in `dir` and resolves with its URL once it answers. */
async function devServer(dir, args = []) {
  const child = spawn(process.execPath, ["node_modules/vite/bin/vite.js", "--host", "127.0.0.1", "--port", "0", "--strictPort=false", ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite dev did not start: ${log}`)), 60_000);
    const seen = (d) => {
      log += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(log.replace(/\x1b\[[0-9;]*m/g, ""));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.on("exit", (code) => reject(new Error(`vite dev exited ${code}: ${log}`)));
  });
  const close = () => new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once("exit", r);
    child.kill();
  });
  return { url, close };
}

async function resultOf(context, url) {
  const { page, errors } = await openPage(context, url);
  try {
    await page.waitForFunction(() => document.getElementById("result")?.textContent !== "pending", null, { timeout: 30_000 });
    return { text: await page.textContent("#result"), errors };
  } finally {
    await page.close();
  }
}

// The tarball as linters for published packages see it. attw cannot follow the .wasm
// subpath (it resolves JavaScript and types only), so that entry point is left out.
const bin = (name) => join(root, "node_modules/.bin", name);
test("publint --strict finds nothing", () => {
  const out = run(bin("publint"), ["--strict", tarball], tmp);
  assert.match(out, /All good!/, out);
});
test("are the types wrong: no problems for import, require, node10, node16 and bundlers", () => {
  const out = run(bin("attw"), [tarball, "--exclude-entrypoints", "faultline/faultline_bg.wasm", "--format", "json"], tmp);
  const report = JSON.parse(out);
  assert.deepEqual(report.analysis.problems, [], out);
});

const installed = new Map(chosen.map((name) => [name, install(name)]));
for (const p of installed.values()) p.catch(() => {});
const browser = await launchChromium();
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

for (const name of chosen) {
  test(`${name}: built app loads the wasm under a strict CSP`, async () => {
    const dir = await installed.get(name);
    run("npm", ["run", "build", "--silent"], dir);
    const server = await serve(join(dir, "dist"));
    try {
      const { text, errors } = await resultOf(browser.context, server.url);
      assert.equal(text, expected, errors.join("\n"));
    } finally {
      await server.close();
    }
  });
  const scripts = JSON.parse(readFileSync(join(here, name, "package.json"), "utf8")).scripts ?? {};
  if (scripts.dev) {
    test(`${name}: dev server loads the wasm`, async () => {
      const dir = await installed.get(name);
      const server = await devServer(dir);
      try {
        const { text, errors } = await resultOf(browser.context, server.url);
        assert.equal(text, expected, errors.join("\n"));
      } finally {
        await server.close();
      }
    });
  }
  if (existsSync(join(here, name, "vite.config.js"))) {
    // The line the README asks for is needed: without it init() fails, and says what to do.
    test(`${name}: dev server without optimizeDeps.exclude fails with init_failed and the fix`, async () => {
      const dir = await installed.get(name);
      writeFileSync(join(dir, "bare.config.js"), "export default {};\n");
      const server = await devServer(dir, ["--config", "bare.config.js", "--force"]);
      try {
        const { text } = await resultOf(browser.context, server.url);
        assert.match(text, /^error init_failed .*expected magic word.*Vite dev: optimizeDeps\.exclude \["faultline"\]\)$/);
      } finally {
        await server.close();
      }
    });
  }
}

test.after(() => browser.close());
