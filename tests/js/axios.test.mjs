// faultlineAxios on a real axios 1.x instance: the client's scenarios (helper.scenarios.mjs),
// the Classification on AxiosError, axios's timeout, and eject.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import axios from "axios";
import { FaultlineError } from "faultline";
import { faultlineAxios } from "faultline/axios";
import { scenarios } from "./helper.scenarios.mjs";
import { startApi } from "./helper.server.mjs";

const make = ({ baseUrl, ...options }) => {
  const api = axios.create({ baseURL: baseUrl });
  faultlineAxios(api, options);
  return {
    send: async (method, path, { query, json, idempotencyKey, signal } = {}) =>
      (await api.request({ method, url: path, params: query, data: json, signal, headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {} })).data,
  };
};
scenarios("axios", make);

test("axios: the error is the AxiosError with the classification attached; timeouts; eject", async () => {
  const s = await startApi();
  try {
    const api = axios.create({ baseURL: `${s.url}/v1/`, timeout: 100 });
    const eject = faultlineAxios(api, { retry: false });
    await assert.rejects(api.get("nope"), (e) => {
      assert.equal(e.name, "AxiosError");
      assert.equal(e.response.status, 404);
      assert.equal(e.classification.category, "not_found");
      return true;
    });
    await assert.rejects(api.get("hang"), (e) => e.classification.category === "timeout" && e.classification.retryable === true);
    eject();
    await assert.rejects(api.get("nope"), (e) => e.response.status === 404 && e.classification === undefined);
  } finally {
    await s.close();
  }
});

test("axios: bad arguments are typed errors", () => {
  assert.throws(() => faultlineAxios({}), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
  assert.throws(() => faultlineAxios(axios.create(), { tokens: 5 }), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
});

test("faultline/axios and faultline/ky load through require too, sharing the package's classes", () => {
  const require = createRequire(import.meta.url);
  const cjs = require("faultline/axios");
  assert.equal(typeof cjs.faultlineAxios, "function");
  assert.equal(typeof require("faultline/ky").faultlineKy, "function");
  // The adapter's errors are the package's own FaultlineError class.
  assert.throws(() => cjs.faultlineAxios({}), (e) => e instanceof require("faultline").FaultlineError);
});

test("types: the adapters fit the real ky and axios instances (tsc --strict, node16)", () => {
  const file = "consumer-adapters.mts";
  writeFileSync(file, [
    'import ky from "ky";',
    'import axios from "axios";',
    'import { faultlineKy } from "faultline/ky";',
    'import { faultlineAxios } from "faultline/axios";',
    'import { createClient, RetryPolicy, type ClientEvent } from "faultline";',
    'const seen: string[] = [];',
    'const api = ky.create({ baseUrl: "https://x.example/" }).extend(faultlineKy({ retry: new RetryPolicy(), onEvent: (e: ClientEvent) => void seen.push(e.type) }));',
    'const eject: () => void = faultlineAxios(axios.create(), { retry: false });',
    'const c = createClient({ baseUrl: "https://x.example/v1", headers: new Headers(), credentials: "include", hooks: { beforeRequest: [(r) => { r.init.headers["x"] = "1"; }] } });',
    'const res: Promise<Response> = c.fetch("GET", "x");',
    'const body: Promise<{ id: number }> = c.request<{ id: number }>("GET", "x", { query: { a: 1 } });',
    "export { api, eject, res, body };",
  ].join("\n"));
  const tsc = join(process.cwd(), "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "--strict", "--noEmit", "--module", "node16", "--moduleResolution", "node16", "--target", "es2022", "--types", "node", file], { stdio: "inherit" });
});
