// The packed tarball through CommonJS require().
const assert = require("node:assert/strict");
const { test } = require("node:test");
const fl = require("faultline");
const pkg = require("faultline/package.json");

test("CJS require: the wasm loads synchronously on first use", async () => {
  assert.equal(fl.wasmVersion(), pkg.version);
  assert.equal(typeof fl.default, "function");
  assert.equal(await fl.init(), undefined);
});

test("CJS errors are real Error subclasses", () => {
  const e = new fl.FaultlineError("internal", "x");
  assert.ok(e instanceof Error);
  assert.equal(e.code, "internal");
});

test("require and import share one module: one ApiError class", async () => {
  const esm = await import("faultline");
  assert.equal(esm.ApiError, fl.ApiError);
  assert.ok(new fl.ApiError({ status: 500 }) instanceof esm.ApiError);
  assert.ok(new esm.FaultlineError("internal") instanceof fl.FaultlineError);
});
