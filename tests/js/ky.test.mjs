// faultlineKy inside a real ky 2.x instance: the client's scenarios (helper.scenarios.mjs),
// the Classification on ky's errors, and ky's own timeout classified as a timeout.
import assert from "node:assert/strict";
import { test } from "node:test";
import ky from "ky";
import { FaultlineError } from "faultline";
import { faultlineKy } from "faultline/ky";
import { scenarios } from "./helper.scenarios.mjs";
import { startApi } from "./helper.server.mjs";

const make = ({ baseUrl, ...options }) => {
  const api = ky.create({ baseUrl }).extend(faultlineKy(options));
  return {
    send: (method, path, { query, json, idempotencyKey, signal } = {}) =>
      api(path, { method, searchParams: query, json, signal, headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {} }).json(),
  };
};
scenarios("ky", make);

test("ky: the error is ky's HTTPError with the classification attached; ky's timeout is a timeout", async () => {
  const s = await startApi();
  try {
    const api = ky.create({ baseUrl: `${s.url}/v1/`, timeout: 100 }).extend(faultlineKy({ retry: false }));
    await assert.rejects(api.get("nope").json(), (e) => {
      assert.equal(e.name, "HTTPError");
      assert.equal(e.response.status, 404);
      assert.equal(e.classification.category, "not_found");
      assert.equal(e.classification.action, "verify_resource");
      return true;
    });
    await assert.rejects(api.get("hang").json(), (e) => {
      assert.equal(e.name, "TimeoutError");
      assert.equal(e.classification.category, "timeout");
      return true;
    });
  } finally {
    await s.close();
  }
});

test("ky: bad options are typed errors", () => {
  assert.throws(() => faultlineKy({ tokens: "x" }), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
  assert.throws(() => faultlineKy("x"), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
});
