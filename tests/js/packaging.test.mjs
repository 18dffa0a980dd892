// The packed tarball, imported the ways users import it (Node ESM here; CJS in
// packaging.test.cjs; Chromium in browser.test.mjs).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import init, * as fl from "faultline";

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(process.cwd(), "node_modules/faultline/package.json"), "utf8"));

test("ESM import loads the wasm synchronously; init() is a no-op", async () => {
  assert.equal(fl.wasmVersion(), pkg.version);
  assert.equal(await init(), undefined);
  assert.equal(await fl.init(new URL("file:///nowhere.wasm")), undefined);
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

test("exports map: types first, node import/require, browser, wasm subpath", () => {
  const dot = pkg.exports["."];
  assert.deepEqual(Object.keys(dot), ["types", "node", "browser", "import", "default"]);
  assert.deepEqual(dot.node, { import: "./node.mjs", require: "./node.cjs" });
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
