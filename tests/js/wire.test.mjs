// Inputs cross into wasm as JSON text (pkg-template/src/wire.ts). What JSON would drop or
// change without a word is a typed error naming the field; ±Infinity keeps its meaning; bytes
// bodies keep theirs. Checked through the public API, as users meet it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { classify, createClassifier, FaultlineError, RetryPolicy, supportReport, tokenTiming } from "faultline";

const server = { category: "server", retryable: true };

/** Asserts `f` throws a FaultlineError with `code` whose message includes every `part`. */
function throwsCode(f, code, ...parts) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof FaultlineError, `not a FaultlineError: ${e}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `${JSON.stringify(p)} not in: ${e.message}`);
    return true;
  });
}

test("NaN, BigInt, functions and symbols are invalid_argument naming the field", () => {
  const p = new RetryPolicy({ seed: 1 });
  throwsCode(() => p.decide({ attempt: 1, classification: { ...server, retryAfterMs: NaN } }), "invalid_argument", "classification.retryAfterMs", "NaN");
  throwsCode(() => p.decide({ attempt: 1n, classification: server }), "invalid_argument", "attempt", "bigint");
  throwsCode(() => p.decide({ attempt: 1, classification: server, origin: () => "x" }), "invalid_argument", "origin", "function");
  throwsCode(() => p.decide({ attempt: 1, classification: server, method: Symbol("GET") }), "invalid_argument", "method", "symbol");
  throwsCode(() => createClassifier({ rules: [{ code: "X", retryable: 1n }] }), "invalid_argument", "rules[0].retryable");
  throwsCode(() => createClassifier({ userMessages: { throttled: NaN } }), "invalid_argument", "userMessages.throttled");
});

test("a cycle, deep nesting, a throwing getter or toJSON are invalid_argument, never a TypeError", () => {
  const p = new RetryPolicy({ seed: 1 });
  const cyclic = { category: "server", retryable: true };
  cyclic.self = cyclic;
  throwsCode(() => p.decide({ attempt: 1, classification: cyclic }), "invalid_argument", "classification.self", "cycle");
  let deep = {};
  for (let i = 0; i < 100; i++) deep = { deep };
  throwsCode(() => p.decide({ attempt: 1, classification: { ...server, deep } }), "invalid_argument", "nested deeper than 64");
  throwsCode(
    () => p.decide({ attempt: 1, get classification() { throw new TypeError("boom"); } }),
    "invalid_argument", "classification could not be read (boom)",
  );
  throwsCode(
    () => p.decide({ attempt: 1, classification: server, origin: { toJSON() { throw new Error("nope"); } } }),
    "invalid_argument", "origin toJSON threw (nope)",
  );
  throwsCode(
    () => tokenTiming({ exp: 10 }, { nowMs: 0, receivedAtMs: new Proxy({}, { ownKeys() { throw new Error("revoked"); } }) }),
    "invalid_argument", "receivedAtMs could not be read (revoked)",
  );
  // The policy is still usable: nothing of a refused call was kept.
  assert.equal(p.decide({ attempt: 1, classification: server }).reason, "retry_backoff");
});

test("toJSON and undefined members are read as JSON.stringify reads them", () => {
  const p = new RetryPolicy({ seed: 1 });
  const d = p.decide({ attempt: 1, classification: { toJSON: () => server }, method: undefined, nowMs: 1000 });
  assert.equal(d.reason, "retry_backoff");
  assert.equal(d.retryAtMs, 1000 + d.delayMs);
});

test("Infinity keeps its meaning: an endless hint is too long to wait, an endless option is out of range", () => {
  const p = new RetryPolicy({ seed: 1 });
  const d = p.decide({ attempt: 1, classification: { category: "rate_limited", retryable: true, retryAfterMs: Infinity }, nowMs: 0 });
  assert.equal(d.reason, "hint_too_large");
  assert.equal(d.retry, false);
  assert.equal(d.throttled, true);
  assert.equal(d.retryAfterMs, null);
  throwsCode(() => new RetryPolicy({ capMs: Infinity }), "retry_invalid_option", "`capMs`");
  throwsCode(() => p.decide({ attempt: 1, classification: server, elapsedMs: -Infinity }), "invalid_argument", "elapsedMs");
  throwsCode(() => tokenTiming({ exp: Infinity }, { nowMs: 0 }), "jwt_invalid_timing_input", "exp");
  throwsCode(() => tokenTiming({ exp: 10 }, { nowMs: NaN }), "jwt_invalid_timing_input", "nowMs");
});

test("full-precision numbers cross exactly", () => {
  const p = new RetryPolicy({ seed: 1 });
  for (const nowMs of [20754.755486381062, 1700000000123.4567, 0.1 + 0.2, 123456789012345680000]) {
    const d = p.decide({ attempt: 1, classification: server, nowMs });
    assert.equal(d.retryAtMs, nowMs + d.delayMs, String(nowMs));
  }
});

test("bytes bodies keep their meaning: UTF-8 with U+FFFD, a BOM skipped, a character cut at the limit dropped", () => {
  const bytes = (...parts) => new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p)] : p)));
  const bad = classify({ status: 400, body: bytes([0xef, 0xbb, 0xbf], '{"detail":"bad ', [0xff], ' byte"}') });
  assert.equal(bad.message, "bad \uFFFD byte");
  assert.equal(bad.format, "detail");
  // "é" is two bytes: with a 12-byte limit the cut falls inside it, and it is dropped.
  const text = bytes("Service café");
  const cut = createClassifier({ maxBodyBytes: 12 });
  const c = cut.classify({ status: 418, body: text });
  assert.equal(c.message, "Service caf");
  assert.equal(createClassifier({ maxBodyBytes: 13 }).classify({ status: 418, body: text }).message, "Service café");
  assert.equal(cut.classify({ status: 418, body: text.buffer }).message, "Service caf");
  const report = supportReport(bad, { method: "POST", url: "https://api.example.com/x", body: bytes('{"a":"', [0xc3], '"}') });
  assert.ok(report.includes('{"a":"\uFFFD"}'), report);
});
