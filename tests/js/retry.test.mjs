// The retry vectors (tests/vectors/retry.json, also replayed by tests/retry_vectors.rs) through
// the packed package, step by step against one policy per case, plus what only the JS facade
// does: random default seeds, argument checks, the vocabulary round trip, Pacer, free/dispose.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createPacer, ERROR_CODES, FaultlineError, Pacer, RetryPolicy } from "faultline";

const doc = JSON.parse(readFileSync("vectors/retry.json", "utf8"));
const REASONS = [
  "retry_backoff", "retry_hint", "not_retryable", "aborted", "attempts_exhausted",
  "deadline_exceeded", "budget_exhausted", "circuit_open", "hint_too_large", "unsafe_method",
];
const reached = new Set();

const isCode = (code) => (e) => {
  assert.ok(e instanceof FaultlineError, `not a FaultlineError: ${e}`);
  assert.equal(e.code, code, e.message);
  return true;
};

function checkDecision(ctx, d, want) {
  assert.deepEqual(Object.keys(d).sort(), ["delayMs", "hintSource", "reason", "retry", "retryAfterMs", "retryAtMs", "throttled"], ctx);
  assert.equal(d.retry, want.retry, ctx);
  assert.equal(d.reason, want.reason, ctx);
  assert.equal(d.hintSource, want.hintSource, ctx);
  assert.equal(typeof d.throttled, "boolean", ctx);
  assert.ok(Number.isFinite(d.delayMs) && d.delayMs >= 0, `${ctx}: delay ${d.delayMs}`);
  if (want.delayRange) {
    const [lo, hi] = want.delayRange;
    assert.ok(d.delayMs >= lo && d.delayMs <= hi, `${ctx}: ${d.delayMs} not in [${lo}, ${hi}]`);
  } else {
    assert.equal(d.delayMs, want.delayMs, ctx);
  }
  for (const key of ["retryAfterMs", "retryAtMs"]) {
    if (key in want) assert.equal(d[key], want[key], `${ctx}: ${key}`);
  }
  reached.add(d.reason);
}

for (const c of doc.cases) {
  test(`vector: ${c.name}`, () => {
    assert.equal(typeof c.source, "string");
    const { config, steps } = c.input;
    if (c.expect.error) {
      assert.throws(() => new RetryPolicy(config), (e) => {
        isCode(c.expect.error)(e);
        assert.ok(e.message.includes(`\`${c.expect.option}\``), `message names ${c.expect.option}: ${e.message}`);
        return true;
      });
      return;
    }
    // No seed in most cases: the facade picks a random one, so ranges must hold for any seed.
    const policy = new RetryPolicy(config);
    assert.equal(steps.length, c.expect.results.length);
    steps.forEach((step, i) => {
      const want = c.expect.results[i];
      const ctx = `${c.name} step ${i}`;
      if (step.decide) {
        checkDecision(ctx, policy.decide(step.decide), want);
      } else if (step.recordSuccess) {
        policy.recordSuccess(step.recordSuccess.origin, step.recordSuccess.nowMs ?? 0);
        assert.equal(want.ok, true, ctx);
      } else if (step.allowRequest) {
        assert.equal(policy.allowRequest(step.allowRequest.origin, step.allowRequest.nowMs), want.allowed, ctx);
      } else if (step.schedule !== undefined) {
        assert.deepEqual(policy.schedule(step.schedule), want.schedule, ctx);
      } else {
        assert.fail(`${ctx}: unknown step ${JSON.stringify(step)}`);
      }
    });
    policy.free();
  });
}

test("the vectors reach every reason through the package", () => {
  assert.deepEqual([...reached].sort(), [...REASONS].sort());
});

const server = { category: "server", retryable: true, retryAfterMs: null, hintSource: null };
const throttled = (ms, src = "retry-after") => ({ category: "rate_limited", retryable: true, retryAfterMs: ms, hintSource: src });

test("every reason string is reachable with a minimal input", () => {
  const exact = { jitter: "none", hintJitterRatio: 0 };
  const cases = [
    [{}, { attempt: 1, classification: server }, "retry_backoff"],
    [{}, { attempt: 1, classification: throttled(2000) }, "retry_hint"],
    [{}, { attempt: 1, classification: { category: "not_found", retryable: false } }, "not_retryable"],
    [{}, { attempt: 1, classification: { category: "aborted", retryable: false } }, "aborted"],
    [{ maxAttempts: 1 }, { attempt: 1, classification: server }, "attempts_exhausted"],
    [{ deadlineMs: 500 }, { attempt: 1, classification: server, elapsedMs: 0 }, "deadline_exceeded"],
    [{ budget: { capacity: 0 } }, { attempt: 1, classification: server }, "budget_exhausted"],
    [{ breaker: { failureThreshold: 1 } }, { attempt: 1, classification: server, origin: "https://x", nowMs: 0 }, "circuit_open"],
    [{}, { attempt: 1, classification: throttled(3_600_000) }, "hint_too_large"],
    [{}, { attempt: 1, classification: server, method: "POST" }, "unsafe_method"],
  ];
  const seen = new Set();
  for (const [opts, input, reason] of cases) {
    const d = new RetryPolicy({ ...exact, ...opts }).decide(input);
    assert.equal(d.reason, reason, JSON.stringify(opts));
    assert.equal(d.retry, reason.startsWith("retry_"), reason);
    seen.add(d.reason);
  }
  assert.equal(seen.size, REASONS.length);
});

test("no seed: every policy draws its own jitter; the seed is exposed", () => {
  const a = new RetryPolicy();
  const b = new RetryPolicy();
  assert.ok(Number.isSafeInteger(a.seed) && a.seed >= 0);
  assert.notEqual(a.seed, b.seed);
  assert.notDeepEqual(a.schedule(8), b.schedule(8));
  const da = a.decide({ attempt: 1, classification: server }).delayMs;
  const db = b.decide({ attempt: 1, classification: server }).delayMs;
  assert.notEqual(da, db);
  // seed: null also means "pick one".
  assert.ok(Number.isSafeInteger(new RetryPolicy({ seed: null }).seed));
});

test("same seed: identical schedules and identical decisions", () => {
  const a = new RetryPolicy({ seed: 42 });
  const b = new RetryPolicy({ seed: 42 });
  assert.equal(a.seed, 42);
  const s = a.schedule(10);
  assert.deepEqual(b.schedule(10), s);
  assert.deepEqual(a.schedule(10), s, "schedule does not disturb anything");
  assert.equal(s.length, 10);
  for (let k = 0; k < s.length; k++) assert.ok(s[k] >= 0 && s[k] <= Math.min(30_000, 1000 * 2 ** k), `${k}: ${s[k]}`);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const input = { attempt, classification: attempt === 2 ? throttled(1500) : server, nowMs: 1000 };
    assert.deepEqual(a.decide(input), b.decide(input));
  }
  assert.notDeepEqual(new RetryPolicy({ seed: 43 }).schedule(10), s);
  assert.equal(new RetryPolicy({ seed: 1 }).schedule(5000).length, 1000, "at most 1000 entries");
  assert.deepEqual(new RetryPolicy({ seed: 1 }).schedule(0), []);
});

test("option errors carry the core's codes and name the option", () => {
  const cases = [
    [{ baseMs: NaN }, "retry_invalid_option", "baseMs"],
    [{ capMs: Infinity }, "retry_invalid_option", "capMs"],
    [{ capMs: -Infinity }, "retry_invalid_option", "capMs"],
    [{ maxAttempts: "3" }, "retry_invalid_option", "maxAttempts"],
    [{ maxAttempts: [3] }, "retry_invalid_option", "maxAttempts"],
    [{ largeHint: "ignore" }, "retry_invalid_option", "largeHint"],
    [{ budget: { retryCost: "5" } }, "retry_invalid_option", "budget.retryCost"],
    [{ jitter: "FULL" }, "retry_invalid_option", "jitter"],
    [{ seed: -1 }, "retry_invalid_option", "seed"],
    [{ seed: 2 ** 53 }, "retry_invalid_option", "seed"],
    [{ seed: 1.5 }, "retry_invalid_option", "seed"],
    [{ hintJitterRatio: 2 }, "retry_invalid_option", "hintJitterRatio"],
    [{ deadlineMs: 0 }, "retry_invalid_option", "deadlineMs"],
    [{ budget: "yes" }, "retry_invalid_option", "budget"],
    [{ breaker: { failureThreshold: 0 } }, "retry_invalid_option", "breaker.failureThreshold"],
    [{ breaker: { maxOrigins: 20_000 } }, "retry_invalid_option", "breaker.maxOrigins"],
    [{ breaker: { cooldownMS: 5 } }, "retry_unknown_option", "breaker.cooldownMS"],
    [{ retries: 3 }, "retry_unknown_option", "retries"],
    [42, "retry_invalid_option", "options"],
    [[1, 2], "retry_invalid_option", "options"],
  ];
  for (const [opts, code, option] of cases) {
    assert.throws(() => new RetryPolicy(opts), (e) => {
      isCode(code)(e);
      assert.ok(e.message.includes(`\`${option}\``), `${JSON.stringify(opts)}: ${e.message}`);
      return true;
    });
  }
  assert.ok("retry_invalid_option" in ERROR_CODES && "retry_unknown_option" in ERROR_CODES);
  // Values are never walked deeper than the options go: cyclic objects are plain errors.
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => new RetryPolicy(cyclic), isCode("retry_unknown_option"));
  assert.throws(() => new RetryPolicy({ maxAttempts: cyclic }), isCode("retry_invalid_option"));
  assert.throws(() => new RetryPolicy({ budget: cyclic }), isCode("retry_unknown_option"));
  assert.equal(new RetryPolicy({ seed: 10n }).seed, 10, "a BigInt seed is read as its number");
  // Absent values are defaults: undefined, null, and no options at all.
  for (const opts of [undefined, null, {}, { baseMs: undefined, capMs: null }]) assert.ok(new RetryPolicy(opts));
  const off = new RetryPolicy({ budget: false, breaker: false });
  assert.equal(off.budgetTokens, null);
  assert.equal(off.breakerState("https://a"), null);
  assert.equal(new RetryPolicy().budgetTokens, 500);
});

test("bad decide input is invalid_argument, never a panic or a NaN", () => {
  const p = new RetryPolicy({ seed: 1 });
  const bad = [
    undefined, null, 5, {},
    { attempt: 1 },
    { attempt: 1, classification: null },
    { attempt: 0, classification: server },
    { attempt: 1.5, classification: server },
    { attempt: NaN, classification: server },
    { attempt: "1", classification: server },
    { attempt: 1, classification: { ...server, category: "teapot" } },
    { attempt: 1, classification: { category: "server" } },
    { attempt: 1, classification: { ...server, retryAfterMs: NaN } },
    { attempt: 1, classification: { ...server, retryAfterMs: "5" } },
    { attempt: 1, classification: { ...server, retryAfterMs: 5, hintSource: 7 } },
    { attempt: 1, classification: server, method: 1 },
    { attempt: 1, classification: server, elapsedMs: NaN },
    { attempt: 1, classification: server, elapsedMs: Infinity },
    { attempt: 1, classification: server, throttledRetries: -1 },
    { attempt: 1, classification: server, previousDelayMs: NaN },
    { attempt: 1, classification: server, origin: 42 },
    { attempt: 1, classification: server, origin: "https://a", nowMs: NaN },
    { attempt: 1, classification: server, nowMs: -Infinity },
    { attempt: 1, classification: server, nowMs: "now" },
    { attempt: 1, classification: server, idempotencyKey: 12 },
  ];
  for (const input of bad) assert.throws(() => p.decide(input), isCode("invalid_argument"), JSON.stringify(input));
  for (const n of [-1, 1.5, NaN, "3", undefined, Infinity]) assert.throws(() => p.schedule(n), isCode("invalid_argument"));
  assert.throws(() => p.allowRequest(undefined), isCode("invalid_argument"));
  assert.throws(() => p.allowRequest("https://a", Infinity), isCode("invalid_argument"));
  assert.throws(() => p.recordFailure(null), isCode("invalid_argument"));
  assert.throws(() => p.breakerState({}), isCode("invalid_argument"));
  // Still usable afterwards.
  assert.equal(p.decide({ attempt: 1, classification: server }).reason, "retry_backoff");
});

test("property: random inputs give finite, non-negative delays and consistent decisions", () => {
  // SplitMix64-style generator in JS, fixed seed, so a failure reproduces.
  let state = 0x9e3779b97f4a7c15n;
  const next = () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
  };
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const cats = ["server", "unavailable", "timeout", "network", "rate_limited", "not_found", "aborted", "unknown"];
  const hints = [null, 0, 1, 999.5, 60_000, 3_600_000, 86_400_001, Infinity, -5];
  const sources = [null, "retry-after", "retry-after-ms", "body:text", "x-custom"];
  for (let round = 0; round < 40; round++) {
    const opts = {
      seed: round,
      jitter: pick(["full", "equal", "decorrelated", "none"]),
      largeHint: pick(["honor", "clamp", "fail"]),
      baseMs: pick([0, 1, 100, 1000, 86_400_000]),
      capMs: pick([0, 500, 30_000, 86_400_000]),
      multiplier: pick([1, 2, 1000]),
      maxRetryAfterMs: pick([0, 1000, 60_000]),
      deadlineMs: pick([null, 1, 10_000]),
    };
    const p = new RetryPolicy(opts);
    for (let i = 0; i < 100; i++) {
      const input = {
        attempt: 1 + Math.floor(next() * 12),
        classification: { category: pick(cats), retryable: next() < 0.8, retryAfterMs: pick(hints), hintSource: pick(sources), notSent: next() < 0.2 },
        method: pick(["GET", "post", "PATCH", "PROPFIND", ""]),
        idempotencyKey: pick([null, "k"]),
        elapsedMs: next() * 20_000,
        origin: pick([null, "https://a", "https://b"]),
        nowMs: next() * 100_000,
        throttledRetries: Math.floor(next() * 6),
        previousDelayMs: pick([null, 0, 5000]),
      };
      const d = p.decide(input);
      const ctx = `round ${round} ${JSON.stringify(opts)} input ${JSON.stringify(input)} -> ${JSON.stringify(d)}`;
      assert.ok(Number.isFinite(d.delayMs) && d.delayMs >= 0, ctx);
      assert.ok(REASONS.includes(d.reason), ctx);
      assert.equal(d.retry, d.reason === "retry_backoff" || d.reason === "retry_hint", ctx);
      if (!d.retry) assert.equal(d.delayMs, 0, ctx);
      if (d.reason === "retry_hint") {
        assert.equal(d.hintSource, input.classification.hintSource, ctx);
        assert.ok(d.delayMs <= 86_400_000 + 1000, ctx);
      }
      if (d.reason === "retry_backoff") assert.ok(d.delayMs <= opts.capMs, ctx);
      const hint = input.classification.retryAfterMs;
      const usable = typeof hint === "number" && Number.isFinite(hint) && hint >= 0;
      assert.equal(d.retryAfterMs, usable ? hint : null, ctx);
      const at = d.retry ? input.nowMs + d.delayMs : usable ? input.nowMs + hint : null;
      assert.equal(d.retryAtMs, at, ctx);
    }
  }
});

test("methods: table, any case, and methods outside the table", () => {
  const p = new RetryPolicy({ seed: 3 });
  for (const m of ["GET", "get", "Head", "OPTIONS", "put", "DELETE", "TRACE", "QUERY", "", undefined, null]) {
    assert.equal(p.decide({ attempt: 1, classification: server, method: m }).retry, true, String(m));
  }
  for (const m of ["POST", "patch", "CONNECT", "PROPFIND", "MKCOL", "Ünïcode"]) {
    assert.equal(p.decide({ attempt: 1, classification: server, method: m }).reason, "unsafe_method", m);
    assert.equal(p.decide({ attempt: 1, classification: server, method: m, idempotencyKey: "k-1" }).retry, true, m);
    assert.equal(p.decide({ attempt: 1, classification: server, method: m, idempotencyKey: "" }).reason, "unsafe_method", m);
    assert.equal(p.decide({ attempt: 1, classification: { ...server, notSent: true }, method: m }).retry, true, m);
  }
  assert.equal(new RetryPolicy({ retryNonIdempotent: true }).decide({ attempt: 1, classification: server, method: "POST" }).retry, true);
});

test("hint sources are echoed back as given", () => {
  const p = new RetryPolicy({ seed: 5, hintJitterRatio: 0 });
  for (const src of ["retry-after-ms", "retry-after", "ratelimit", "ratelimit-reset", "x-ratelimit-reset", "body:error.details.wait_seconds", "body:details.retryAfter", "body:retryInfo.retryDelay", "body:text", "x-my-header", "ünï"]) {
    const d = p.decide({ attempt: 1, classification: throttled(1234, src), nowMs: 1000 });
    assert.deepEqual(d, { retry: true, delayMs: 1234, reason: "retry_hint", hintSource: src, throttled: true, retryAfterMs: 1234, retryAtMs: 2234 });
  }
  const fail = new RetryPolicy().decide({ attempt: 1, classification: throttled(120_000, "x-my-header"), nowMs: 5 });
  assert.deepEqual(fail, { retry: false, delayMs: 0, reason: "hint_too_large", hintSource: "x-my-header", throttled: true, retryAfterMs: 120_000, retryAtMs: 120_005 });
  // A Classification-shaped object with extra fields fits as is.
  const full = { ...throttled(2000), action: "wait_and_retry", status: 429, code: "throttled", message: "slow down", requestId: "r", fieldErrors: null, format: "upstream", userMessage: "x", notSent: false };
  assert.equal(p.decide({ attempt: 1, classification: full }).delayMs, 2000);
});

test("429 with Retry-After: 3600 under the default options: no retry, and the decision says when", () => {
  // What `classify` gives for `429` + `Retry-After: 3600`.
  const classification = { category: "rate_limited", action: "wait_and_retry", status: 429, retryable: true, retryAfterMs: 3_600_000, hintSource: "retry-after", notSent: false };
  const policy = new RetryPolicy();
  const now = 1_750_000_000_000;
  const d = policy.decide({ attempt: 1, classification, nowMs: now });
  assert.equal(d.retry, false);
  assert.equal(d.reason, "hint_too_large");
  assert.equal(d.delayMs, 0);
  assert.equal(d.retryAfterMs, 3_600_000);
  assert.equal(d.retryAtMs, now + 3_600_000);
  // Without nowMs the policy reads the clock.
  const before = Date.now();
  const e = policy.decide({ attempt: 1, classification });
  assert.ok(e.retryAtMs >= before + 3_600_000 && e.retryAtMs <= Date.now() + 3_600_000, String(e.retryAtMs));
  // clamp and honor are opt-in.
  assert.equal(new RetryPolicy({ largeHint: "clamp" }).decide({ attempt: 1, classification }).reason, "retry_hint");
  assert.equal(new RetryPolicy({ largeHint: "honor", hintJitterRatio: 0 }).decide({ attempt: 1, classification }).delayMs, 3_600_000);
});

test("the retry types need nothing beyond ES2020 + DOM", async () => {
  const { mkdtempSync, writeFileSync, symlinkSync, rmSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const { execFileSync } = await import("node:child_process");
  const { createRequire } = await import("node:module");
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const dir = mkdtempSync(join(tmpdir(), "faultline-types-"));
  try {
    symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "plain.ts"), `import { RetryPolicy, createPacer, type RetryDecision } from "faultline";
const p = new RetryPolicy({ largeHint: "fail", budget: { capacity: 10 } });
const d: RetryDecision = p.decide({ attempt: 1, classification: { category: "rate_limited", retryable: true, retryAfterMs: 5 } });
const at: number | null = d.retryAtMs;
p.free();
createPacer({ a: "1/s" }).free();
export { at };
`);
    writeFileSync(join(dir, "using.ts"), `import { RetryPolicy, createPacer } from "faultline";
export function f(): number {
  using p = new RetryPolicy();
  using q = createPacer();
  return p.schedule(1).length + q.delayBeforeSend();
}
`);
    const config = (lib, files) => JSON.stringify({
      compilerOptions: { noEmit: true, strict: true, skipLibCheck: false, lib, target: lib[0], module: "nodenext", moduleResolution: "nodenext", types: [] },
      files,
    });
    writeFileSync(join(dir, "es2020.json"), config(["es2020", "dom"], ["plain.ts"]));
    writeFileSync(join(dir, "esnext.json"), config(["es2022", "esnext.disposable", "dom"], ["plain.ts", "using.ts"]));
    for (const project of ["es2020.json", "esnext.json"]) {
      try {
        execFileSync(process.execPath, [tsc, "-p", join(dir, project)], { cwd: dir, encoding: "utf8" });
      } catch (e) {
        assert.fail(`${project}: ${e.stdout}${e.stderr}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("throttled retries are counted by the caller and have their own limit", () => {
  const p = new RetryPolicy({ jitter: "none", hintJitterRatio: 0, maxAttempts: 20 });
  let throttledRetries = 0;
  const reasons = [];
  for (let attempt = 1; attempt <= 7; attempt++) {
    const d = p.decide({ attempt, classification: throttled(100), throttledRetries });
    reasons.push(d.reason);
    if (d.throttled) throttledRetries++;
  }
  assert.deepEqual(reasons, ["retry_hint", "retry_hint", "retry_hint", "retry_hint", "retry_hint", "attempts_exhausted", "attempts_exhausted"]);
});

test("breaker and budget: per origin, with many origins", () => {
  const p = new RetryPolicy({ jitter: "none", breaker: { failureThreshold: 2, cooldownMs: 1000, maxOrigins: 500 }, maxRetries: 10, maxAttempts: 20 });
  const origins = Array.from({ length: 100 }, (_, i) => `https://api-${i}.example.com`);
  for (const o of origins) {
    assert.equal(p.breakerState(o, 0), "closed");
    assert.equal(p.decide({ attempt: 1, classification: server, origin: o, nowMs: 0 }).retry, true);
  }
  for (const o of origins.slice(0, 80)) {
    assert.equal(p.decide({ attempt: 2, classification: server, origin: o, nowMs: 10 }).reason, "circuit_open", o);
    assert.equal(p.allowRequest(o, 20), false, o);
  }
  for (const o of origins.slice(80)) assert.equal(p.allowRequest(o, 20), true, o);
  const o = origins[90];
  p.recordFailure(o, 30);
  assert.equal(p.breakerState(o, 30), "open");
  assert.equal(p.breakerState(o, 1030), "half_open");
  assert.equal(p.allowRequest(o, 1030), true, "one probe");
  assert.equal(p.allowRequest(o, 1031), false, "only one");
  p.recordSuccess(o, 1040);
  assert.equal(p.breakerState(o, 1040), "closed");
  // Budget: 100 retries at 5 tokens each were paid from 500; the success gave 1 back.
  assert.equal(p.budgetTokens, 1);
  assert.equal(p.decide({ attempt: 1, classification: server }).reason, "budget_exhausted");
  p.recordSuccess();
  p.recordSuccess(null, 5);
  assert.equal(p.budgetTokens, 3);
  // nowMs defaults to Date.now().
  assert.equal(p.breakerState(origins[0]), "half_open");
});

test("Pacer: rolling window per scope, specs, header policies", () => {
  const pacer = createPacer({ report_generation: "10/hour", burst: "2/second" });
  assert.ok(pacer instanceof Pacer);
  assert.deepEqual(pacer.limit("report_generation"), { limit: 10, windowMs: 3_600_000 });
  assert.equal(pacer.limit("nothing"), null);
  assert.equal(pacer.delayBeforeSend("burst", 0), 0);
  pacer.recordSend("burst", 0);
  pacer.recordSend("burst", 100);
  assert.equal(pacer.delayBeforeSend("burst", 100), 900);
  assert.equal(pacer.delayBeforeSend("burst", 999), 1);
  assert.equal(pacer.delayBeforeSend("burst", 1000), 0);
  assert.equal(pacer.delayBeforeSend("unlimited", 100), 0);
  for (let i = 0; i < 10; i++) pacer.recordSend("report_generation", i * 1000);
  assert.equal(pacer.delayBeforeSend("report_generation", 10_000), 3_590_000);

  // A header without a scope applies to every send; units other than requests are skipped.
  const applied = pacer.updateFromHeader('"per-min";q=3;w=60, "bytes";q=1000;w=1;qu="content-bytes", "nowindow";q=5');
  assert.deepEqual(applied, [{ name: "per-min", limit: 3, windowMs: 60_000 }]);
  for (const t of [0, 1, 2]) pacer.recordSend(undefined, t);
  assert.equal(pacer.delayBeforeSend(undefined, 10), 59_990);
  assert.equal(pacer.delayBeforeSend("unlimited", 10), 59_990, "global policies apply to every scope");
  // A scoped header applies to that scope only, and replaces that scope's previous policies.
  assert.deepEqual(pacer.updateFromHeader("uploads", '"u";q=1;w=10'), [{ name: "u", limit: 1, windowMs: 10_000 }]);
  pacer.recordSend("uploads", 100_000);
  assert.equal(pacer.delayBeforeSend("uploads", 100_000), 10_000);
  assert.equal(pacer.delayBeforeSend("burst", 100_000), 0);
  pacer.updateFromHeader("uploads", '"u2";q=100;w=10');
  assert.equal(pacer.delayBeforeSend("uploads", 100_000), 0);
  // Absent headers change nothing.
  assert.deepEqual(pacer.updateFromHeader(null), []);
  assert.deepEqual(pacer.updateFromHeader("uploads", undefined), []);
  pacer.recordSend(undefined, 100_001);
  pacer.recordSend(undefined, 100_002);
  assert.equal(pacer.delayBeforeSend(undefined, 100_003), 59_997, "the global policy still holds");
  // nowMs defaults to Date.now(): sends long ago do not count.
  assert.equal(pacer.delayBeforeSend("burst"), 0);
  pacer.free();
});

test("Pacer errors are typed", () => {
  assert.throws(() => createPacer({ a: "10/fortnight" }), isCode("retry_invalid_rate"));
  assert.throws(() => createPacer({ a: "0/hour" }), isCode("retry_invalid_rate"));
  assert.throws(() => createPacer({ a: 10 }), isCode("invalid_argument"));
  assert.throws(() => createPacer(null), isCode("invalid_argument"));
  const p = createPacer();
  assert.throws(() => p.setLimit("", "1/s"), isCode("invalid_argument"));
  assert.throws(() => p.setLimit("a\nb", "1/s"), isCode("invalid_argument"));
  assert.throws(() => p.updateFromHeader('"a";w=60'), isCode("retry_invalid_ratelimit_policy"));
  assert.throws(() => p.updateFromHeader("a;q=1,"), isCode("retry_invalid_ratelimit_policy"));
  assert.throws(() => p.updateFromHeader(42), isCode("invalid_argument"));
  assert.throws(() => p.delayBeforeSend("a", NaN), isCode("invalid_argument"));
  for (let i = 0; i < 64; i++) p.setLimit(`s${i}`, "1/s");
  assert.throws(() => p.setLimit("one-too-many", "1/s"), isCode("retry_too_many_scopes"));
  p.setLimit("s0", "5/minute");
  assert.deepEqual(p.limit("s0"), { limit: 5, windowMs: 60_000 });
});

test("free() and Symbol.dispose release the wasm side; use after free is a typed error", () => {
  const p = new RetryPolicy({ seed: 1 });
  p.free();
  p.free();
  assert.throws(() => p.decide({ attempt: 1, classification: server }), isCode("invalid_argument"));
  assert.throws(() => p.schedule(1), isCode("invalid_argument"));
  assert.throws(() => p.budgetTokens, isCode("invalid_argument"));
  const q = new RetryPolicy();
  assert.equal(typeof q[Symbol.dispose], "function");
  q[Symbol.dispose]();
  assert.throws(() => q.allowRequest("https://a"), isCode("invalid_argument"));
  const pacer = createPacer({ a: "1/s" });
  pacer[Symbol.dispose]();
  assert.throws(() => pacer.delayBeforeSend("a"), isCode("invalid_argument"));
  pacer.free();
  // Many short-lived objects, freed or left to the FinalizationRegistry, keep working.
  for (let i = 0; i < 20_000; i++) {
    const r = new RetryPolicy({ seed: i });
    if (i % 2 === 0) r.free();
  }
  assert.equal(new RetryPolicy({ seed: 9 }).decide({ attempt: 1, classification: server }).retry, true);
});
