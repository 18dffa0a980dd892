// The packed tarball, imported the ways users import it (Node ESM here; CJS in
// packaging.test.cjs; Chromium in browser.test.mjs).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import init, * as fl from "faultline";

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(process.cwd(), "node_modules/faultline/package.json"), "utf8"));

test("ESM import: the wasm loads synchronously on first use; init() loads it and ignores its argument", async () => {
  assert.equal(fl.wasmVersion(), pkg.version);
  assert.equal(await init(), undefined);
  assert.equal(await fl.init(new URL("file:///nowhere.wasm")), undefined);
});

// What a fresh Node process does: how many times it compiles the module after `load`, then
// after each of `calls` (a script body using `fl`), printed as a JSON list.
function compiles(load, calls) {
  const script = `const Module = WebAssembly.Module; let n = 0;
    WebAssembly.Module = function (...a) { n += 1; return new Module(...a); };
    const seen = [];
    (async () => { const fl = ${load}; seen.push(n);
      for (const call of [${calls.join(", ")}]) { try { await call(fl); } catch (e) { seen.push(e.code ?? String(e)); } seen.push(n); }
      process.stdout.write(JSON.stringify(seen)); })();`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: process.cwd(), encoding: "utf8" }));
}

test("Node: importing compiles nothing; the first call compiles the module once", () => {
  const calls = ["(fl) => fl.decodeJwt(\"eyJhbGciOiJub25lIn0.eyJleHAiOjF9.\").exp", "(fl) => fl.classify({ status: 503 })", "(fl) => fl.init()"];
  assert.deepEqual(compiles("require('faultline')", calls), [0, 1, 1, 1]);
  assert.deepEqual(compiles("await import('faultline')", calls), [0, 1, 1, 1]);
  assert.deepEqual(compiles("require('faultline')", ["(fl) => fl.init()", calls[0]]), [0, 1, 1]);
  // An API that does not need the module (errors, constants) never compiles it.
  assert.deepEqual(compiles("require('faultline')", ["(fl) => new fl.FaultlineError('internal').code", "(fl) => fl.ERROR_CODES.internal"]), [0, 0, 0]);
});

test("Node: a module that cannot be loaded gives init_failed on every call, not a crash at import", () => {
  const dir = mkdtempSync(join(tmpdir(), "faultline-broken-"));
  cpSync(join(process.cwd(), "node_modules/faultline"), join(dir, "node_modules/faultline"), { recursive: true });
  writeFileSync(join(dir, "node_modules/faultline/faultline_bg.wasm"), "<html>not found</html>");
  const script = `const fl = require("faultline"); const seen = [];
    for (const call of [() => fl.classify({ status: 503 }), () => fl.decodeJwt("a.b.c"), () => fl.wasmVersion()]) {
      try { call(); seen.push("returned"); } catch (e) { seen.push([e instanceof fl.FaultlineError, e.code, e.cause instanceof Error]); }
    }
    fl.init().then(() => seen.push("resolved"), (e) => seen.push(e.code)).then(() => process.stdout.write(JSON.stringify(seen)));`;
  const seen = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" }));
  assert.deepEqual(seen, [[true, "init_failed", true], [true, "init_failed", true], [true, "init_failed", true], "init_failed"]);
});

test("browser build before init(): every entry point throws (or rejects with) not_initialized", async () => {
  const browser = await import(pathToFileURL(join(process.cwd(), "node_modules/faultline/browser.mjs")).href);
  const token = "eyJhbGciOiJub25lIn0.eyJleHAiOjF9.";
  const calls = {
    classify: () => browser.classify({ status: 503 }),
    classifyResponse: () => browser.classifyResponse(new Response("down", { status: 503 })),
    classifyError: () => browser.classifyError(new TypeError("fetch failed")),
    createClassifier: () => browser.createClassifier({}),
    supportReport: () => browser.supportReport({ status: 503 }),
    RetryPolicy: () => new browser.RetryPolicy(),
    createPacer: () => browser.createPacer(),
    decodeJwt: () => browser.decodeJwt(token),
    tokenTiming: () => browser.tokenTiming(token),
    createTokenManager: () => browser.createTokenManager({ channel: "app", refresh: async () => ({ accessToken: token }) }),
    wasmVersion: () => browser.wasmVersion(),
  };
  for (const [name, call] of Object.entries(calls)) {
    const code = await (async () => call())().then(() => "returned", (e) => e.code ?? e.name);
    assert.equal(code, "not_initialized", name);
  }
});

test("FaultlineError is a real Error subclass with a stable code", () => {
  const e = new fl.FaultlineError("invalid_argument", "bad");
  assert.ok(e instanceof Error);
  assert.equal(e.name, "FaultlineError");
  assert.equal(e.code, "invalid_argument");
  assert.equal(e.message, "bad");
  assert.equal(new fl.FaultlineError("not_initialized").message, fl.ERROR_CODES.not_initialized);
  const api = new fl.ApiError({ status: 503, userMessage: "down" });
  assert.ok(api instanceof fl.FaultlineError);
  assert.equal(api.code, "http_error");
  assert.equal(api.status, 503);
  assert.equal(api.message, "down");
});

test("error codes come from the Rust table", () => {
  const src = readFileSync(join(process.env.FAULTLINE_REPO, "src/core/error.rs"), "utf8");
  for (const code of ["invalid_argument", "not_initialized", "init_failed", "http_error", "internal"]) {
    assert.ok(src.includes(`code: "${code}"`), code);
    assert.equal(typeof fl.ERROR_CODES[code], "string");
  }
});

test("exports map: node import/require with their types, then the browser build, wasm subpath", () => {
  const dot = pkg.exports["."];
  assert.deepEqual(Object.keys(dot), ["node", "types", "default"]);
  assert.deepEqual(dot.node, {
    import: { types: "./index.d.mts", default: "./node.mjs" },
    require: { types: "./index.d.cts", default: "./node.cjs" },
  });
  assert.equal(dot.default, "./browser.mjs");
  assert.equal(pkg.sideEffects, false);
  const wasmPath = require.resolve("faultline/faultline_bg.wasm");
  const bytes = readFileSync(wasmPath);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  assert.ok(WebAssembly.validate(bytes));
});

test("from an empty directory: node -e require() and import() both reach wasm", () => {
  const dir = mkdtempSync(join(tmpdir(), "faultline-empty-"));
  writeFileSync(join(dir, "package.json"), "{}");
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", process.env.FAULTLINE_TARBALL], { cwd: dir });
  const cjs = execFileSync(process.execPath, ["-e", "process.stdout.write(require('faultline').wasmVersion())"], { cwd: dir, encoding: "utf8" });
  assert.equal(cjs, pkg.version);
  const esm = execFileSync(process.execPath, ["--input-type=module", "-e", "const m = await import('faultline'); await m.default(); process.stdout.write(m.wasmVersion())"], { cwd: dir, encoding: "utf8" });
  assert.equal(esm, pkg.version);
});

test("types compile for ESM and CJS consumers (tsc --strict, node16)", () => {
  const tsc = join(process.cwd(), "node_modules/typescript/bin/tsc");
  for (const [ext, mod] of [["mts", "esm"], ["cts", "cjs"]]) {
    const file = `consumer-${mod}.${ext}`;
    writeFileSync(file, [
      mod === "esm" ? 'import init, { FaultlineError, ApiError, wasmVersion, type Classification, type ErrorCode } from "faultline";'
                    : 'import init = require("faultline"); const { FaultlineError, ApiError, wasmVersion } = init;',
      mod === "esm" ? "await init();" : "void init.default();",
      'const v: string = wasmVersion();',
      'const e = new FaultlineError("invalid_argument");',
      'const c: "invalid_argument" | string = e.code;',
      'const a = new ApiError({} as import("faultline").Classification);',
      'const s: number | null = a.status;',
      'export { v, c, s };',
    ].join("\n"));
    execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--types", "node", file], { stdio: "inherit" });
  }
});

test("import and require share one module: one FaultlineError and ApiError class", () => {
  const cjs = require("faultline");
  assert.equal(cjs.ApiError, fl.ApiError);
  assert.equal(cjs.FaultlineError, fl.FaultlineError);
  const thrownByCjs = new cjs.ApiError({ status: 503, userMessage: "down" });
  assert.ok(thrownByCjs instanceof fl.ApiError);
  assert.ok(thrownByCjs instanceof fl.FaultlineError);
  assert.ok(new fl.ApiError({ status: 500 }) instanceof cjs.ApiError);
  assert.equal(cjs.default, init);
});

test("metadata a registry page needs: repository, homepage, bugs, engines, licenses, changelog, source map", () => {
  assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/.+\.git$/);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.match(pkg.bugs.url, /\/issues$/);
  assert.equal(pkg.engines.node, ">=20");
  assert.equal(pkg.license, "MIT OR Apache-2.0");
  const dir = join(process.cwd(), "node_modules/faultline");
  assert.match(readFileSync(join(dir, "LICENSE-MIT"), "utf8"), /Permission is hereby granted/);
  assert.match(readFileSync(join(dir, "LICENSE-APACHE"), "utf8"), /Apache License\s+Version 2\.0/);
  assert.match(readFileSync(join(dir, "CHANGELOG.md"), "utf8"), /keepachangelog\.com/);
  assert.match(readFileSync(join(dir, "browser.mjs"), "utf8"), /\n\/\/# sourceMappingURL=browser\.mjs\.map\n?$/);
  const map = JSON.parse(readFileSync(join(dir, "browser.mjs.map"), "utf8"));
  assert.equal(map.version, 3);
  assert.ok(map.sources.some((s) => s.endsWith("classify.ts")), map.sources.join());
  assert.equal(map.sources.length, map.sourcesContent.length);
});

// Types must need nothing beyond ES2020 and the DOM: no @types/node, no esnext lib, and the
// published declarations checked too (skipLibCheck false).
test("types compile with lib es2020 + dom only, skipLibCheck false, no @types/node", () => {
    const dir = mkdtempSync(join(process.cwd(), "types-es2020-"));
    writeFileSync(join(dir, "main.ts"), [
      'import init, { classify, decodeJwt, RetryPolicy, createTokenManager, createClient, ApiError, type Classification } from "faultline";',
      "await init();",
      'const c: Classification = classify({ status: 500, headers: {}, body: "" });',
      "const d = new RetryPolicy().decide({ attempt: 1, classification: c, method: \"GET\" });",
      "export { c, d, decodeJwt, createTokenManager, createClient, ApiError };",
    ].join("\n"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, skipLibCheck: false, lib: ["es2020", "dom"], types: [],
        target: "es2020", module: "esnext", moduleResolution: "bundler",
      },
      files: ["main.ts"],
    }));
    const tsc = join(process.cwd(), "node_modules/typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8", stdio: "pipe" });
  });

// An app's bundler drops what the app does not use ("sideEffects": false), statement by
// statement inside browser.mjs: that needs its `/* @__PURE__ */` annotations (a whitespace-
// minifying build removes them) and module tops with nothing a bundler must keep (a class with a
// computed method name, a Set built from a spread call).
test("browser.mjs tree-shakes: a decodeJwt-only app bundles no retry, pacer, client or token code", async () => {
  const browser = readFileSync(join(process.cwd(), "node_modules/faultline/browser.mjs"), "utf8");
  assert.ok((browser.match(/\/\* @__PURE__ \*\//g) ?? []).length >= 6, "pure annotations kept in browser.mjs");
  const { build } = await import("esbuild");
  const bundle = async (contents) => {
    const r = await build({
      stdin: { contents, resolveDir: process.cwd(), sourcefile: "app.mjs" }, bundle: true, minify: true, format: "esm",
      platform: "browser", target: "es2022", write: false, logLevel: "error",
    });
    return r.outputFiles[0].text;
  };
  const jwtApp = await bundle('import init, { decodeJwt } from "faultline"; await init(); console.log(decodeJwt(globalThis.t).exp);');
  for (const absent of ["retryengine_", "pacerengine_", "refreshtab_", "classifier_", "FinalizationRegistry", "has been freed", "idempotencyKeys", "BroadcastChannel"]) {
    assert.ok(!jwtApp.includes(absent), `the decodeJwt-only app contains ${absent}`);
  }
  assert.ok(jwtApp.includes("jwt_decode"));
  const classifyApp = await bundle('import init, { classify } from "faultline"; await init(); console.log(classify({ status: 503, headers: {}, body: "" }).category);');
  for (const absent of ["retryengine_", "pacerengine_", "refreshtab_", "has been freed", "idempotencyKeys", "BroadcastChannel", "jwt_decode"]) {
    assert.ok(!classifyApp.includes(absent), `the classify-only app contains ${absent}`);
  }
});
