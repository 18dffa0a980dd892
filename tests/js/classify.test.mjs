// classify, classifyResponse, classifyError, createClassifier and supportReport through the
// packed package. Every case of vectors/classify.json (also run by tests/classify_vectors.rs)
// must give exactly the same Classification, whatever shape the headers and body come in.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { test } from "node:test";
import { ApiError, classify, classifyError, classifyResponse, createClassifier, FaultlineError, supportReport } from "faultline";

const doc = JSON.parse(readFileSync("vectors/classify.json", "utf8"));
const FIELDS = ["category", "action", "status", "code", "message", "retryable", "retryAfterMs", "hintSource", "requestId", "format", "notSent"];

/** Asserts every expected field exactly, as tests/classify_vectors.rs does. */
function check(got, want, label) {
  for (const k of FIELDS) assert.equal(got[k], want[k], `${label}: ${k}`);
  if (want.fieldErrors === null) {
    assert.equal(got.fieldErrors, null, `${label}: fieldErrors`);
  } else {
    assert.deepEqual(Object.entries(got.fieldErrors), Object.entries(want.fieldErrors), `${label}: fieldErrors`);
  }
  if (typeof want.userMessage === "string") assert.equal(got.userMessage, want.userMessage, `${label}: userMessage`);
  assert.equal(typeof got.userMessage, "string");
  assert.ok(got.userMessage.length > 0, `${label}: empty userMessage`);
  assert.deepEqual(Object.keys(got).sort(), [...FIELDS, "fieldErrors", "userMessage"].sort(), `${label}: keys`);
}

function bodyOf(input) {
  if (input.bodyBase64 !== undefined) return new Uint8Array(Buffer.from(input.bodyBase64, "base64"));
  if (input.bodyParts !== undefined) {
    const p = input.bodyParts;
    return (p.prefix ?? "") + p.repeat.repeat(p.times) + (p.suffix ?? "");
  }
  return input.body;
}

const bytes = (b) => (typeof b === "string" ? new TextEncoder().encode(b) : b);
const asHeaders = (h) => {
  try {
    return new Headers(h);
  } catch {
    return undefined; // a value fetch's Headers refuses; the other shapes still run
  }
};

/** An object whose only way to list its headers is `forEach(value, name)`. */
function forEachHeaders(record) {
  return { forEach: (cb) => Object.entries(record).forEach(([k, v]) => cb(v, k)) };
}

/**
 * The shape of axios' `AxiosHeaders`: names as own properties, methods on the prototype,
 * iterable as `[name, value]` entries (values may be arrays or numbers).
 */
class AxiosHeadersLike {
  constructor(record) {
    Object.assign(this, record);
  }
  get(name) {
    const k = Object.keys(this).find((n) => n.toLowerCase() === String(name).toLowerCase());
    return k === undefined ? undefined : this[k];
  }
  set(name, value) {
    this[name] = value;
    return this;
  }
  toJSON() {
    return { ...this };
  }
  [Symbol.iterator]() {
    return Object.entries(this.toJSON())[Symbol.iterator]();
  }
}
const axiosHeaders = (record) => new AxiosHeadersLike(record);

function partsOf(input, headers, body) {
  const parts = { status: input.status, headers, body, phase: input.phase };
  if (input.method !== undefined) parts.method = input.method;
  if (input.url !== undefined) parts.url = input.url;
  if (input.nowMs !== undefined) parts.nowMs = input.nowMs;
  if (input.credentialsSent !== undefined) parts.credentialsSent = input.credentialsSent;
  return parts;
}

for (const c of doc.cases) {
  test(`classify: ${c.name}`, () => {
    const input = c.input;
    const body = bodyOf(input);
    const shapes = [
      ["object headers, text body", input.headers, body],
      ["[name, value] headers, byte body", Object.entries(input.headers), bytes(body)],
    ];
    const h = asHeaders(input.headers);
    if (h !== undefined) shapes.push(["Headers object, text body", h, body]);
    shapes.push(["Map headers", new Map(Object.entries(input.headers)), body]);
    shapes.push(["headers with forEach only", forEachHeaders(input.headers), body]);
    shapes.push(["AxiosHeaders-like headers", axiosHeaders(input.headers), body]);
    // Upper-cased names must not matter.
    shapes.push(["upper-case names", Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toUpperCase(), v])), body]);
    for (const [label, headers, b] of shapes) {
      const got = classify(partsOf(input, headers, b), input.options);
      check(got, c.expect, label);
    }
    if (input.options !== undefined) {
      const classifier = createClassifier(input.options);
      check(classifier.classify(partsOf(input, input.headers, body)), c.expect, "createClassifier");
      classifier.dispose();
    }
  });
}

for (const c of doc.thrown) {
  test(`classifyError: ${c.name}`, () => {
    const i = c.input;
    const plain = {};
    for (const k of ["name", "message", "code"]) if (i[k] !== undefined) plain[k] = i[k];
    if (i.causeName !== undefined || i.causeMessage !== undefined || i.causeCode !== undefined) {
      plain.cause = {};
      if (i.causeName !== undefined) plain.cause.name = i.causeName;
      if (i.causeMessage !== undefined) plain.cause.message = i.causeMessage;
      if (i.causeCode !== undefined) plain.cause.code = i.causeCode;
    }
    check(classifyError(plain), c.expect, "plain object");
    // The same as a real Error (its cause a real Error too).
    if (i.message !== undefined) {
      const cause = plain.cause && Object.assign(new Error(plain.cause.message ?? ""), plain.cause);
      if (cause && plain.cause.message === undefined) delete cause.message;
      const err = new Error(i.message, cause ? { cause } : undefined);
      if (i.name !== undefined) err.name = i.name;
      if (i.code !== undefined) err.code = i.code;
      // An Error without a message still has one (""), which reads as none.
      check(classifyError(err), c.expect, "Error");
    }
  });
}

test("the vocabulary comes from the Rust model (every value in the vectors is produced)", () => {
  const cats = new Set(doc.cases.map((c) => c.expect.category));
  for (const cat of ["unauthenticated", "forbidden", "not_found", "invalid_request", "rate_limited", "server", "unavailable", "timeout"]) {
    assert.ok(cats.has(cat), cat);
  }
});

// ---------------------------------------------------------------- classifyResponse

function responseFor(input) {
  const body = bytes(bodyOf(input));
  return new Response(body.length === 0 ? null : body, { status: input.status, headers: input.headers });
}

test("classifyResponse: every vector whose status a Response can carry", async () => {
  let n = 0;
  for (const c of doc.cases) {
    const input = c.input;
    if (input.status < 200 || input.status > 599) continue;
    const opts = { phase: input.phase, ...(input.options ?? {}) };
    if (input.nowMs !== undefined) opts.nowMs = input.nowMs;
    if (input.credentialsSent !== undefined) opts.credentialsSent = input.credentialsSent;
    const got = await classifyResponse(responseFor(input), opts);
    check(got, c.expect, c.name);
    n++;
  }
  assert.ok(n >= 130, `only ${n} cases`);
});

/** A stream that counts what was pulled from it; endless unless `total` is given. */
function countingStream({ chunk = 16 * 1024, total = Infinity, first } = {}) {
  const stats = { pulled: 0, cancelled: false };
  const piece = new Uint8Array(chunk).fill(0x61);
  const stream = new ReadableStream({
    pull(ctrl) {
      if (stats.pulled === 0 && first) {
        ctrl.enqueue(new TextEncoder().encode(first));
        stats.pulled += first.length;
        return;
      }
      if (stats.pulled >= total) return ctrl.close();
      ctrl.enqueue(piece);
      stats.pulled += piece.length;
    },
    cancel() {
      stats.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, stats };
}

test("classifyResponse: a 1 MiB body is read only up to the limit", async () => {
  const big = JSON.stringify({ error: { code: "throttled", message: "x".repeat(1 << 20) } });
  const c = await classifyResponse(new Response(big, { status: 429, headers: { "content-type": "application/json", "retry-after": "7" } }));
  // Cut JSON does not parse: status and headers classify it.
  assert.equal(c.category, "rate_limited");
  assert.equal(c.code, null);
  assert.equal(c.format, "unknown");
  assert.equal(c.retryAfterMs, 7000);

  const { stream, stats } = countingStream({ total: 8 << 20, first: '{"error":{"code":"throttled","message":"' });
  const c2 = await classifyResponse(new Response(stream, { status: 503 }), { maxBodyBytes: 1000 });
  assert.equal(c2.category, "unavailable");
  assert.ok(stats.pulled <= 64 * 1024, `pulled ${stats.pulled} bytes`);
  assert.equal(stats.cancelled, true);
});

test("classifyResponse: an endless stream returns", async () => {
  const { stream, stats } = countingStream({ first: "<html><head><title>502 Bad Gateway</title></head><body>" });
  const c = await classifyResponse(new Response(stream, { status: 502 }));
  assert.equal(c.category, "unavailable");
  assert.equal(c.format, "html");
  assert.equal(c.message, "502 Bad Gateway");
  assert.ok(stats.pulled < 65536 + 2 * 16384, `pulled ${stats.pulled}`);
  assert.equal(stats.cancelled, true);
});

test("classifyResponse: a body that stalls is given up after readTimeoutMs", async () => {
  let cancelled = false;
  const stream = new ReadableStream({
    start(ctrl) {
      ctrl.enqueue(new TextEncoder().encode('{"detail": "Request was throttled.'));
    },
    pull() {
      return new Promise(() => {}); // never
    },
    cancel() {
      cancelled = true;
    },
  });
  const t0 = Date.now();
  const c = await classifyResponse(new Response(stream, { status: 429, headers: { "x-request-id": "stall-1" } }), { readTimeoutMs: 50 });
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(c.category, "rate_limited");
  assert.equal(c.requestId, "stall-1");
  assert.equal(c.format, "unknown");
  assert.equal(cancelled, true);
});

test("classifyResponse: stalled bodies time out in deadline order, whatever order they start in", async () => {
  const stalled = () =>
    new ReadableStream({
      start(ctrl) {
        ctrl.enqueue(new TextEncoder().encode("Service "));
      },
      pull() {
        return new Promise(() => {}); // never
      },
    });
  const order = [];
  const t0 = Date.now();
  const read = (ms) =>
    classifyResponse(new Response(stalled(), { status: 503 }), { readTimeoutMs: ms }).then((c) => {
      order.push(ms);
      assert.ok(Date.now() - t0 >= ms - 5, `${ms} ms read gave up early`);
      assert.equal(c.message, "Service");
    });
  await Promise.all([read(240), read(40), read(140)]);
  assert.deepEqual(order, [40, 140, 240]);
});

test("classifyResponse: a finished read holds no timer that keeps Node running", () => {
  // The read timeout is 60 s: a deadline left armed would hold the child that long.
  const code = `import { classifyResponse } from "faultline";
const c = await classifyResponse(new Response('{"detail":"x"}', { status: 400 }), { readTimeoutMs: 60000 });
console.log(c.message);`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "x");
  assert.ok(Date.now() - t0 < 20_000, "the child waited for the read timeout");
});

test("classifyResponse: a used or locked body falls back to status and headers", async () => {
  const r = new Response('{"detail":"Not found."}', { status: 404, headers: { "content-type": "application/json", "x-request-id": "used-1" } });
  await r.text();
  const c = await classifyResponse(r);
  assert.equal(c.category, "not_found");
  assert.equal(c.action, "verify_resource");
  assert.equal(c.message, null);
  assert.equal(c.format, "unknown");
  assert.equal(c.requestId, "used-1");

  const locked = new Response("{}", { status: 500 });
  locked.body.getReader();
  const lockedC = await classifyResponse(locked);
  assert.equal(lockedC.category, "server");
  assert.equal(lockedC.format, "unknown");

  // Read through a reader of the caller's and released: what is left is read (here nothing).
  const released = new Response('{"detail":"gone"}', { status: 404 });
  const own = released.body.getReader();
  assert.equal((await own.read()).value.length, 17);
  own.releaseLock();
  const releasedC = await classifyResponse(released);
  assert.equal(releasedC.category, "not_found");
  assert.equal(releasedC.message, null);
  assert.equal(releasedC.format, "empty");

  const errored = new Response(new ReadableStream({ pull(ctrl) { ctrl.error(new Error("boom")); } }), { status: 503 });
  assert.equal((await classifyResponse(errored)).category, "unavailable");

  const empty = await classifyResponse(new Response(null, { status: 503 }));
  assert.equal(empty.format, "empty");
});

test("classifyResponse: Retry-After dates count from the response Date header", async () => {
  const c = await classifyResponse(new Response("", {
    status: 503,
    headers: { date: "Wed, 21 Oct 2015 07:28:00 GMT", "retry-after": "Wed, 21 Oct 2015 07:29:30 GMT" },
  }), { nowMs: 0 });
  assert.equal(c.retryAfterMs, 90_000);
  assert.equal(c.hintSource, "retry-after");
  // Without a Date header, nowMs is the base.
  const at = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  const d = await classifyResponse(new Response("", { status: 503, headers: { "retry-after": "Wed, 21 Oct 2015 07:28:10 GMT" } }), { nowMs: at });
  assert.equal(d.retryAfterMs, 10_000);
});

/** A local HTTP server; `handler(req, res)`; returns {url, close}. */
async function serve(handler) {
  const server = createServer(handler);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

test("classifyResponse over real HTTP: a response body that never ends", async () => {
  let written = 0;
  const srv = await serve((req, res) => {
    res.writeHead(500, { "content-type": "application/json", "x-request-id": "inf-1" });
    res.write('{"error":{"code":"internal_server_error","message":"');
    const timer = setInterval(() => {
      if (!res.write("y".repeat(8192))) return;
      written += 8192;
    }, 1);
    res.on("close", () => clearInterval(timer));
  });
  try {
    const res = await fetch(`${srv.url}/api/v1/claims/`);
    const c = await classifyResponse(res, { method: "GET", maxBodyBytes: 4096 });
    assert.equal(c.category, "server");
    assert.equal(c.requestId, "inf-1");
    assert.equal(c.format, "unknown");
    // What supportReport takes from classifyResponse travels unseen: the object is a
    // plain Classification to compare, spread and serialise.
    assert.deepStrictEqual(Object.keys(c), Object.keys(classify({ status: 500 })));
    assert.deepStrictEqual(c, { ...c });
    assert.deepStrictEqual(JSON.parse(JSON.stringify(c)), { ...c });
    assert.doesNotMatch(supportReport({ ...c }, { timestampMs: 0 }), /claims/);
    const report = supportReport(c, { timestampMs: 0 });
    assert.match(report, /^Subject: API Error: 500 server - GET \/api\/v1\/claims\/\n/);
    assert.match(report, /Endpoint: GET \/api\/v1\/claims\/\n/);
    assert.match(report, /\(cut at 2048 bytes\)/);
  } finally {
    await srv.close();
  }
  assert.ok(written < 1 << 22, `server wrote ${written} bytes`);
});

// ---------------------------------------------------------------- classifyError, real errors

test("classifyError: real fetch failures (undici)", async () => {
  // A port nobody listens on (port 1 itself is a fetch "bad port", refused before connecting).
  const closed = await serve(() => {});
  await closed.close();
  const refused = await fetch(closed.url).then(() => null, (e) => e);
  assert.ok(refused instanceof TypeError);
  const c = classifyError(refused);
  assert.equal(c.category, "network");
  assert.equal(c.action, "retry_with_backoff");
  assert.equal(c.code, "ECONNREFUSED");
  assert.equal(c.retryable, true);
  assert.equal(c.notSent, true);
  assert.equal(c.status, null);

  const bad = await fetch("not a url").then(() => null, (e) => e);
  const b = classifyError(bad);
  assert.equal(b.category, "invalid_request");
  assert.equal(b.notSent, true);

  const srv = await serve(() => {}); // never answers
  try {
    const ctrl = new AbortController();
    const pending = fetch(srv.url, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 10);
    const aborted = await pending.then(() => null, (e) => e);
    const a = classifyError(aborted);
    assert.equal(aborted.name, "AbortError");
    assert.equal(a.category, "aborted");
    assert.equal(a.action, "none");
    assert.equal(a.retryable, false);

    const timedOut = await fetch(srv.url, { signal: AbortSignal.timeout(1) }).then(() => null, (e) => e);
    const t = classifyError(timedOut);
    assert.equal(timedOut.name, "TimeoutError");
    assert.equal(t.category, "timeout");
    assert.equal(t.retryable, true);
    assert.equal(t.action, "retry_with_backoff");
  } finally {
    await srv.close();
  }
});

test("classifyError: a reset connection is network but not known to be unsent", async () => {
  const srv = await serve((req) => req.socket.destroy());
  try {
    const e = await fetch(srv.url).then(() => null, (x) => x);
    const c = classifyError(e);
    assert.equal(c.category, "network");
    assert.equal(c.retryable, true);
    assert.equal(c.notSent, false);
  } finally {
    await srv.close();
  }
});

test("classifyError: anything at all, never throwing", () => {
  const hostile = {
    get name() {
      throw new Error("no");
    },
    get message() {
      throw new Error("no");
    },
    get cause() {
      throw new Error("no");
    },
  };
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const cyclic = new Error("loop");
  cyclic.cause = cyclic;
  const agg = new TypeError("fetch failed", { cause: new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:3000"), { code: "ECONNREFUSED" })], "") });
  for (const thrown of [null, undefined, 42, Symbol("x"), hostile, proxy, cyclic, () => {}, [], {}, new Error(), "", { message: 7, name: {}, code: [] }]) {
    const c = classifyError(thrown);
    assert.equal(typeof c.category, "string");
    assert.equal(c.status, null);
  }
  assert.equal(classifyError(null).category, "unknown");
  assert.equal(classifyError("Failed to fetch").category, "network");
  assert.equal(classifyError("Failed to fetch").message, "Failed to fetch");
  assert.equal(classifyError(cyclic).message, "loop");
  const a = classifyError(agg);
  assert.equal(a.code, "ECONNREFUSED");
  assert.equal(a.notSent, true);
  assert.equal(classifyError({ code: 503 }).code, "503");
  assert.equal(classifyError(new DOMException("The operation was aborted.", "AbortError")).category, "aborted");
  assert.equal(classifyError(new DOMException("signal timed out", "TimeoutError")).category, "timeout");
});

test("classifyError: an ApiError returns its own classification", () => {
  const c = classify({ status: 403, body: { detail: "You do not have permission to perform this action." } });
  const err = new ApiError(c);
  assert.equal(classifyError(err), c);
  assert.equal(err.code, "http_error");
  assert.equal(err.message, c.userMessage);
  // Also from another copy of the package (same name and shape).
  const foreign = Object.assign(new Error("x"), { name: "ApiError", classification: c });
  assert.equal(classifyError(foreign), c);
});

// ---------------------------------------------------------------- custom rules

test("createClassifier: rules and user messages per code and category", () => {
  const classifier = createClassifier({
    rules: {
      ACCOUNT_LOCKED: { category: "forbidden", action: "request_permission", userMessage: "Your account is locked." },
      business_duplicate_upload: { action: "retry_with_backoff", retryable: true },
      ECONNREFUSED: { userMessage: "The API is down." },
    },
    userMessages: { rate_limited: "Slow down a little.", VALIDATION_FAILED: "Please check the form." },
  });
  const locked = classifier.classify({ status: 400, body: { message: "Locked", details: { code: "ACCOUNT_LOCKED" } } });
  assert.equal(locked.category, "forbidden");
  assert.equal(locked.action, "request_permission");
  assert.equal(locked.userMessage, "Your account is locked.");
  const dup = classifier.classify({ status: 409, body: { error: { code: "business_duplicate_upload", message: "dup" } } });
  assert.equal(dup.retryable, true);
  assert.equal(dup.action, "retry_with_backoff");
  assert.equal(classifier.classify({ status: 429, body: "" }).userMessage, "Slow down a little.");
  assert.equal(classifier.classify({ status: 422, body: { code: "validation_failed", message: "x" } }).userMessage, "Please check the form.");
  // Rules and messages apply to thrown errors by their code and category too.
  const down = classifier.classifyError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }));
  assert.equal(down.userMessage, "The API is down.");
  assert.equal(down.category, "network");
  // The defaults are untouched.
  assert.equal(classify({ status: 429, body: "" }).userMessage, "Too many requests. Please wait a moment and try again.");
  classifier.dispose();
  classifier.dispose(); // twice is fine
  assert.throws(() => classifier.classify({ status: 500 }), (e) => e instanceof FaultlineError && e.code === "invalid_argument");
});

test("createClassifier: a rule list, maxBodyBytes, and classifyResponse", async () => {
  const classifier = createClassifier({ rules: [{ code: "quota", category: "rate_limited", action: "contact_support", retryable: false }], maxBodyBytes: 60 });
  const c = await classifier.classifyResponse(new Response('{"code":"quota","message":"Quota exceeded"}', { status: 400 }));
  assert.equal(c.category, "rate_limited");
  assert.equal(c.action, "contact_support");
  const cut = await classifier.classifyResponse(new Response(`{"code":"quota","message":"${"long ".repeat(20)}"}`, { status: 400 }));
  assert.equal(cut.code, null); // cut at 60 bytes: no longer JSON
  assert.equal(cut.category, "invalid_request");
});

test("createClassifier: bad rules are invalid_argument", () => {
  const bad = [
    null,
    7,
    { rules: { X: { category: "exploded" } } },
    { rules: { X: { action: "panic" } } },
    { rules: { X: { retryable: "yes" } } },
    { rules: { X: { userMessage: 5 } } },
    { rules: { X: { categroy: "forbidden" } } },
    { rules: { X: null } },
    { rules: [{ category: "forbidden" }] },
    { rules: "X" },
    { userMessages: { throttled: 3 } },
    { userMessages: ["a"] },
    { maxBodyBytes: -1 },
    { maxBodyBytes: 1.5 },
    { maxBodyBytes: NaN },
    { maxBodyBytes: 1e9 },
  ];
  for (const opts of bad) {
    assert.throws(() => createClassifier(opts), (e) => {
      assert.ok(e instanceof FaultlineError, `${JSON.stringify(opts)}: ${e}`);
      assert.equal(e.code, "invalid_argument", JSON.stringify(opts));
      return true;
    });
  }
  assert.throws(() => classify({ status: 500 }, { rules: { X: { category: "nope" } } }), /unknown variant `nope`/);
});

// ---------------------------------------------------------------- supportReport

test("supportReport: seed 000 escalation, every credential redacted", () => {
  const body = '{"error":{"code":"internal_server_error","message":"An unexpected error occurred. Please try again later.","details":null}}';
  const c = classify({ status: 500, headers: { "Content-Type": "application/json", "X-Request-Id": "abc123-def456-789" }, body });
  const report = supportReport(c, {
    method: "get",
    url: "https://api.upstream.example.com/api/v1/claims/?page_size=1000&access_token=SECRET1",
    headers: new Headers([
      ["Authorization", "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.sig"],
      ["Cookie", "sessionid=abc; csrftoken=def"],
      ["X-API-Key", "valid-key-123"],
      ["Accept", "application/json"],
    ]),
    body: { username: "u@example.com", password: "SecurePassword123!", refresh: "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.s" },
    responseBody: body,
    timestampMs: 1_706_369_445_000,
  });
  // Headers objects list names in lower case, sorted.
  assert.equal(report, `Subject: API Error: 500 internal_server_error - GET /api/v1/claims/

X-Request-Id: abc123-def456-789
Timestamp: 2024-01-27T15:30:45Z
Endpoint: GET /api/v1/claims/?page_size=1000&access_token=REDACTED
Status: 500
Category: server (retryable; action: retry_with_backoff)
Code: internal_server_error
Message: An unexpected error occurred. Please try again later.

Error response:
${body}

Reproduce (credentials redacted):
curl -X GET 'https://api.upstream.example.com/api/v1/claims/?page_size=1000&access_token=REDACTED' \\
  -H 'accept: application/json' \\
  -H 'authorization: Bearer REDACTED' \\
  -H 'cookie: sessionid=REDACTED; csrftoken=REDACTED' \\
  -H 'x-api-key: REDACTED' \\
  --data-raw '{"username":"u@example.com","password":"REDACTED","refresh":"REDACTED"}'
`);
  for (const secret of ["SECRET1", "SecurePassword123", "valid-key-123", "eyJ", "sessionid=abc", "csrftoken=def"]) {
    assert.ok(!report.includes(secret), `${secret} leaked`);
  }
});

test("supportReport: network failure, Request objects, hints, bad input", () => {
  const c = classifyError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:3000" } }));
  const report = supportReport(c, new Request("https://api.example.com/login", { method: "POST", headers: { authorization: "Basic dTpw" } }));
  assert.match(report, /^Subject: API Error: network ECONNREFUSED - POST \/login\n/);
  assert.match(report, /Request sent: no \(failed before sending\)\n/);
  assert.match(report, /-H 'authorization: Basic REDACTED'/);
  assert.ok(!report.includes("dTpw"), report);
  const withUser = supportReport(c, { method: "POST", url: "https://user:pa55@api.example.com/login#id_token=abc", body: "grant_type=password&username=u&password=p%40ss" });
  assert.match(withUser, /curl -X POST 'https:\/\/REDACTED@api.example.com\/login#id_token=REDACTED' \\\n  --data-raw 'grant_type=password&username=u&password=REDACTED'/);
  assert.ok(!withUser.includes("pa55") && !withUser.includes("p%40ss"), withUser);
  const limited = classify({ status: 429, headers: { "retry-after": "30" } });
  assert.match(supportReport(limited, { url: new URL("https://h.example/x") }), /Retry-After: 30000 ms \(retry-after\)\n/);
  const html = classify({ status: 502, body: "<html><head><title>502 Bad Gateway</title></head><body>token=eyJa.b.c</body></html>" });
  assert.match(supportReport(html, { responseBody: new TextEncoder().encode("<html><head><title>502 Bad Gateway</title></head></html>") }), /\(HTML page: 502 Bad Gateway\)/);
  for (const bad of [null, 5, {}, { category: "weird", action: "none" }]) {
    assert.throws(() => supportReport(bad, {}), (e) => e.code === "invalid_argument");
  }
  assert.throws(() => supportReport(c, { method: 5 }), (e) => e.code === "invalid_argument");
});

// ---------------------------------------------------------------- arguments

test("bad arguments are invalid_argument", async () => {
  const bad = [
    () => classify(null),
    () => classify("500"),
    () => classify({ status: "500" }),
    () => classify({ status: 1000 }),
    () => classify({ status: -1 }),
    () => classify({ status: 500.5 }),
    () => classify({ status: 500, phase: "bogus" }),
    () => classify({ status: 500, headers: 42 }),
    () => classify({ status: 500, headers: [["a"], 5] }),
    () => classify({ status: 500, body: new Blob(["x"]) }),
    () => classify({ status: 500, body: new ReadableStream() }),
    () => classify({ status: 500, body: 10n }),
    () => classify({ status: 500, nowMs: "now" }),
    () => classify({ status: 500 }, { maxBodyBytes: -5 }),
    () => {
      const o = {};
      o.self = o;
      return classify({ status: 500, body: o });
    },
  ];
  for (const f of bad) {
    assert.throws(f, (e) => {
      assert.ok(e instanceof FaultlineError, String(e));
      assert.equal(e.code, "invalid_argument", f.toString());
      return true;
    });
  }
  for (const r of [null, {}, "x"]) {
    await assert.rejects(classifyResponse(r), (e) => e.code === "invalid_argument");
  }
  await assert.rejects(classifyResponse(new Response("", { status: 500 }), { phase: "x" }), (e) => e.code === "invalid_argument");
  // A bad option rejects the promise; it does not throw.
  const pending = classifyResponse(new Response("", { status: 500 }), { maxBodyBytes: -1 });
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, (e) => e instanceof FaultlineError && e.code === "invalid_argument");
});

test("header and body shapes agree, request ids are kept", () => {
  const body = '{"error":{"code":"throttled","message":"Request was throttled. Expected available in 45 seconds.","details":{"wait_seconds":45}}}';
  const want = classify({ status: 429, headers: { "X-Amzn-RequestId": "amz-1", "content-type": "application/json" }, body });
  assert.equal(want.requestId, "amz-1");
  assert.equal(want.retryAfterMs, 45_000);
  assert.equal(want.hintSource, "body:error.details.wait_seconds");
  const variants = [
    { headers: new Map([["x-amzn-requestid", "amz-1"], ["content-type", "application/json"]]), body: JSON.parse(body) },
    { headers: [["x-amzn-requestid", "amz-1"]], body: new TextEncoder().encode(body).buffer },
    { headers: { "x-amzn-requestid": ["amz-1"] }, body: new DataView(new TextEncoder().encode(body).buffer) },
  ];
  for (const v of variants) assert.deepEqual(classify({ status: 429, ...v }), want);
  // Names in any case are read; a name of the same length that differs only at its end is not.
  for (const [ra, id] of [["retry-after", "x-request-id"], ["RETRY-AFTER", "X-REQUEST-ID"], ["Retry-After", "X-Request-Id"]]) {
    const c = classify({ status: 503, headers: { [ra]: "7", [id]: "id-9" } });
    assert.deepEqual([c.retryAfterMs, c.requestId], [7000, "id-9"], `${ra}, ${id}`);
  }
  const lookalike = classify({ status: 503, headers: { "retry-aftex": "7", "x-request-iD ": "id-9", "X-REQUEST-IE": "id-8" } });
  assert.deepEqual([lookalike.retryAfterMs, lookalike.requestId], [null, null]);
  // Line breaks in plain-object values cannot forge headers, and make no request id.
  const forged = classify({ status: 503, headers: { "x-note": "a\nretry-after: 999" } });
  assert.equal(forged.retryAfterMs, null);
  const broken = classify({ status: 503, headers: { "x-request-id": "a\nb", "x-correlation-id": "c-1", "retry-after": "3" } });
  assert.equal(broken.requestId, "c-1");
  assert.equal(broken.retryAfterMs, 3000);
  // A value longer than a header record holds is cut; the headers after it are still read.
  for (const [unit, kept] of [["r", "r".repeat(200)], ["é", "é".repeat(100)], ["😀", "😀".repeat(50)]]) {
    const long = classify({ status: 503, headers: [["x-request-id", unit.repeat(20_000)], ["retry-after", "7"], ["x-correlation-id", "c-2"]] });
    assert.equal(long.requestId, kept, `a long ${unit} id is cut to 200 bytes`);
    assert.equal(long.retryAfterMs, 7000, `retry-after after a long ${unit} value`);
  }
  // An ASCII body with a non-ASCII header value before the one handed back.
  const mixed = classify({ status: 400, headers: { "content-type": "application/json; q=ü", "x-request-id": "id-ü-2" }, body: '{"code":"plain_code","message":"plain message"}' });
  assert.deepEqual([mixed.code, mixed.message, mixed.requestId], ["plain_code", "plain message", "id-ü-2"]);
  // Non-ASCII text survives the trip both ways.
  const u = classify({ status: 400, body: { detail: "Ungültige Eingabe — 日本語 😀" } });
  assert.equal(u.message, "Ungültige Eingabe — 日本語 😀");
  const f = classify({ status: 400, body: { "naïve😀": ["Requis — 必須"] } });
  assert.deepEqual(f.fieldErrors, { "naïve😀": ["Requis — 必須"] });
});

// A short ASCII body and the header values (when they are long enough) are written into wasm
// by one encodeInto of the joined text; longer bodies, short values, and any text outside
// ASCII, part by part. Either way every
// value is filed under its own header and the strings come back whole.
test("header values come back whole whichever way they were written", () => {
  const body = (n) => JSON.stringify({ error: { code: "throttled", message: "Slow down.", details: { wait_seconds: 5 } }, pad: "p".repeat(n) });
  const headers = [
    ["content-type", "application/json"],
    ["retry-after", "9"],
    ["x-correlation-id", "corr-2"],
    ["x-request-id", "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"],
  ];
  const short = body(0).length;
  // Around the joining limit (2048 units), and far past it.
  for (const n of [0, 2048 - short, 2049 - short, 70_000]) {
    const text = body(n);
    for (const [label, b] of [["text", text], ["bytes", new TextEncoder().encode(text)]]) {
      const c = classify({ status: 429, headers, body: b });
      const where = `${label} body of ${text.length} units`;
      if (n < 70_000) {
        assert.deepEqual([c.code, c.message, c.format], ["throttled", "Slow down.", "upstream"], where);
      } else {
        assert.equal(c.format, "unknown", `${where}: cut JSON`);
      }
      assert.equal(c.requestId, "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b", `${where}: requestId`);
      assert.equal(c.retryAfterMs, 9000, `${where}: Retry-After`);
      assert.equal(c.hintSource, "retry-after", `${where}: hint source`);
      // The second of two request-id headers, when the first is unusable.
      const second = classify({ status: 429, headers: [...headers.slice(0, 3), ["x-request-id", " "]], body: b });
      assert.equal(second.requestId, "corr-2", `${where}: weaker request id`);
    }
  }
  // Values too short to be worth joining (under 32 units in all) are copied after the body;
  // both sides of that limit.
  for (const id of ["c".repeat(14), "c".repeat(15)]) {
    const c = classify({ status: 429, headers: [["content-type", "application/json"], ["retry-after", "9"], ["x-correlation-id", id]], body: body(0) });
    assert.deepEqual([c.code, c.requestId, c.retryAfterMs], ["throttled", id, 9000], `values of ${16 + 1 + id.length} units`);
  }
  // An ASCII body with a value outside ASCII after an ASCII one: written again part by part.
  const mixed = classify({ status: 429, headers: [["x-correlation-id", "plain"], ["x-request-id", "é-1"], ["retry-after", "4"]], body: body(0) });
  assert.deepEqual([mixed.code, mixed.requestId, mixed.retryAfterMs], ["throttled", "é-1", 4000]);
});

// Field names are handed out from a small set of recent ones when their text is the same:
// a name must never come back as another one of the same length, nor from another call's
// text, and more names than the set holds must all come back whole.
test("field names are right when they repeat, differ by a letter, or outnumber the names kept", () => {
  const drf = (names) => classify({ status: 400, body: JSON.stringify(Object.fromEntries(names.map((n) => [n, [`bad ${n}`]]))) });
  const want = (names) => Object.fromEntries(names.map((n) => [n, [`bad ${n}`]]));
  for (const names of [["email"], ["email"], ["emaik"], ["email", "emaik", "mail"], ["k".repeat(32)], ["k".repeat(32)], ["k".repeat(33)], ["k".repeat(31) + "j"]]) {
    assert.deepEqual(drf(names).fieldErrors, want(names), names.join(","));
  }
  const many = Array.from({ length: 40 }, (_, i) => `field_${i}`);
  for (let round = 0; round < 3; round++) assert.deepEqual(drf(many).fieldErrors, want(many), `40 names, round ${round}`);
  // Names built from a path, in the result text rather than the body.
  for (let round = 0; round < 2; round++) {
    const nested = classify({ status: 400, body: { address: { zip: ["Bad zip."], city: ["Bad city."] }, addresz: ["x"] } });
    assert.deepEqual(nested.fieldErrors, { "address.zip": ["Bad zip."], "address.city": ["Bad city."], addresz: ["x"] });
  }
  // The same name after a body where it sits elsewhere.
  const sachain = (field) => classify({ status: 400, body: { message: "Bad.", details: { code: "VALIDATION_INVALID_FORMAT", field } } });
  assert.deepEqual(sachain("fileName").fieldErrors, { fileName: ["Bad."] });
  assert.deepEqual(sachain("fileNamf").fieldErrors, { fileNamf: ["Bad."] });
  assert.deepEqual(sachain("fileName").fieldErrors, { fileName: ["Bad."] });
});

// The bindings hand most strings back as positions in the text the facade wrote (a code, a
// message, a request id, a field name), and the rest as decoded text. Every way a body can
// arrive must give the same strings: short and long text, bytes (never sliced), with
// characters outside ASCII before and inside the strings (UTF-8 positions turned into UTF-16
// ones, in the header lines and in the body), and with escapes.
test("strings come back whole wherever the bindings find them", () => {
  const detail = "Überprüfung fehlgeschlagen — ✓ 😀 done";
  const json = (pad) =>
    JSON.stringify({
      error: { code: "grüße_ungültig", message: detail, request_id: "réq-😀-1", details: { "e-mail": ["Ungültig ✓"], address: { zip: ["Bad 😀 zip."] } } },
      pad,
    });
  const want = {
    message: detail,
    code: "grüße_ungültig",
    fieldErrors: { "e-mail": ["Ungültig ✓"], "address.zip": ["Bad 😀 zip."] },
  };
  const headers = { "content-type": "application/json; note=ü😀", "X-Request-Id": "hdr-ü-😀-7" };
  for (const [label, body] of [
    ["short text", json("")],
    ["long text", json("x".repeat(5000))],
    ["bytes", new TextEncoder().encode(json(""))],
    ["long bytes", new TextEncoder().encode(json("é".repeat(3000)))],
  ]) {
    const c = classify({ status: 400, headers, body });
    assert.equal(c.message, want.message, `${label}: message`);
    assert.equal(c.code, want.code, `${label}: code`);
    assert.equal(c.requestId, "hdr-ü-😀-7", `${label}: requestId`);
    assert.deepEqual(c.fieldErrors, want.fieldErrors, `${label}: fieldErrors`);
    const noHeader = classify({ status: 400, body });
    assert.equal(noHeader.requestId, "réq-😀-1", `${label}: body requestId`);
    const asciiFirst = classify({ status: 400, headers: [["content-type", "application/json"], ["x-request-id", " id-7 "]], body });
    assert.equal(asciiFirst.requestId, "id-7", `${label}: trimmed header requestId`);
    assert.equal(asciiFirst.message, want.message, `${label}: message after ASCII headers`);
  }
  const escaped = classify({ status: 422, body: '{"detail":"say \\"hi\\" \\u00e9\\ud83d\\ude00","code":"a\\/b"}' });
  assert.equal(escaped.message, 'say "hi" é😀');
  assert.equal(escaped.code, "a/b");
  const text = classify({ status: 503, body: "  Über capacity ✓  " });
  assert.equal(text.message, "Über capacity ✓");
  assert.equal(text.format, "text");
});

// ---------------------------------------------------------------- every call stands alone

test("a classify call that fails while reading its headers leaves nothing for the next call", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const anHourAgo = new Date(now - 3_600_000).toUTCString();
  const inThirtySeconds = new Date(now + 30_000).toUTCString();
  assert.throws(
    () => classify({ status: 503, headers: [["date", anHourAgo], "oops"] }),
    (e) => e instanceof FaultlineError && e.code === "invalid_argument",
  );
  try {
    classify({ status: 503, headers: { date: anHourAgo, get "x-request-id"() { throw new Error("getter"); } } });
  } catch {}
  const c = classify({ status: 503, headers: { "retry-after": inThirtySeconds }, nowMs: now });
  assert.equal(c.retryAfterMs, 30_000);
  assert.equal(c.hintSource, "retry-after");
});

test("classify called from inside classify (a body's toJSON, a header getter) leaves the outer result intact", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const inner = [];
  const headers = {
    "retry-after": new Date(now + 30_000).toUTCString(),
    get "x-request-id"() {
      inner.push(classify({ status: 500, headers: { "x-request-id": "inner-header", "retry-after": "1" }, body: "oops" }));
      return "outer-id";
    },
  };
  const body = {
    toJSON() {
      inner.push(classify({ status: 401, headers: { "x-request-id": "inner-body" }, body: { detail: "Token is blacklisted" } }));
      return { error: { code: "throttled", message: "Slow down", details: { wait_seconds: 5 } } };
    },
  };
  const c = classify({ status: 503, headers, body, nowMs: now });
  assert.equal(c.retryAfterMs, 30_000);
  assert.equal(c.hintSource, "retry-after");
  assert.equal(c.requestId, "outer-id");
  assert.equal(c.code, "throttled");
  assert.equal(c.format, "upstream");
  assert.deepEqual(inner.map((i) => [i.requestId, i.category, i.action]), [
    ["inner-header", "server", "wait_and_retry"],
    ["inner-body", "unauthenticated", "reauthenticate"],
  ]);
});

test("credentialsSent must be a boolean", () => {
  assert.throws(() => classify({ status: 401, credentialsSent: "no" }), (e) => e.code === "invalid_argument");
  assert.equal(classify({ status: 401, credentialsSent: false }).action, "add_credentials");
  assert.equal(classify({ status: 401, credentialsSent: true }).action, "refresh_token");
  assert.equal(classify({ status: 401 }).action, "refresh_token");
});

// ---------------------------------------------------------------- errors of other HTTP clients, by shape

// Shaped as ky 1.x builds them (ky/source/errors/HTTPError.ts, TimeoutError.ts).
class KyHTTPError extends Error {
  constructor(response, request, options) {
    super(`Request failed with status code ${response.status}: ${request.method} ${request.url}`);
    this.name = "HTTPError";
    this.response = response;
    this.request = request;
    this.options = options;
  }
}
class KyTimeoutError extends Error {
  constructor(request) {
    super(`Request timed out: ${request.method} ${request.url}`);
    this.name = "TimeoutError";
    this.request = request;
  }
}
// Shaped as axios 1.x builds them (lib/core/AxiosError.js): name, code, config, request, response.
class AxiosErrorLike extends Error {
  constructor(message, code, response) {
    super(message);
    this.name = "AxiosError";
    this.code = code;
    this.isAxiosError = true;
    this.config = { url: "/api/v1/items", method: "get" };
    this.request = {};
    if (response !== undefined) this.response = response;
  }
}
// Shaped as got 14 builds them (source/core/errors.ts): RequestError with code, response.
class GotRequestError extends Error {
  constructor(name, message, code, response) {
    super(message);
    this.name = name;
    this.code = code;
    this.timings = {};
    if (response !== undefined) this.response = response;
  }
}

const throttledBody = '{"detail":"Request was throttled. Expected available in 30 seconds."}';

test("classifyError: ky HTTPError (status and headers; classifyResponse reads the body too)", async () => {
  const request = new Request("https://api.example.com/v1/items");
  const make = () =>
    new KyHTTPError(
      new Response(throttledBody, { status: 429, headers: { "content-type": "application/json", "retry-after": "30", "x-request-id": "ky-1" } }),
      request,
      {},
    );
  const c = classifyError(make());
  assert.equal(c.category, "rate_limited");
  assert.equal(c.status, 429);
  assert.equal(c.retryAfterMs, 30_000);
  assert.equal(c.requestId, "ky-1");
  assert.equal(c.format, "unknown", "the body is not read synchronously");
  assert.equal(c.message, null);
  const full = await classifyResponse(make());
  assert.equal(full.format, "detail");
  assert.equal(full.message, "Request was throttled. Expected available in 30 seconds.");
  assert.equal(full.retryAfterMs, 30_000);
  const timeout = classifyError(new KyTimeoutError(request));
  assert.deepEqual([timeout.category, timeout.retryable, timeout.status], ["timeout", true, null]);
});

test("classifyError: AxiosError with a response (status, AxiosHeaders, data) and by code", () => {
  const invalid = classifyError(
    new AxiosErrorLike("Request failed with status code 400", "ERR_BAD_REQUEST", {
      status: 400,
      statusText: "Bad Request",
      headers: axiosHeaders({ "content-type": "application/json", "x-request-id": "ax-1" }),
      data: { email: ["Enter a valid email address."] },
    }),
  );
  assert.deepEqual([invalid.category, invalid.action, invalid.status, invalid.requestId], ["invalid_request", "fix_request", 400, "ax-1"]);
  assert.deepEqual(invalid.fieldErrors, { email: ["Enter a valid email address."] });
  const gateway = classifyError(
    new AxiosErrorLike("Request failed with status code 503", "ERR_BAD_RESPONSE", {
      status: 503,
      headers: { "content-type": "text/html", "retry-after": "120" },
      data: "<html><head><title>503 Service Temporarily Unavailable</title></head><body>nginx</body></html>",
    }),
  );
  assert.deepEqual([gateway.category, gateway.format, gateway.retryAfterMs], ["unavailable", "html", 120_000]);
  const byCode = (code, name = "AxiosError") => {
    const e = new AxiosErrorLike(code === "ECONNABORTED" ? "timeout of 1000ms exceeded" : "x", code);
    e.name = name;
    const c = classifyError(e);
    return [c.category, c.retryable, c.status];
  };
  assert.deepEqual(byCode("ECONNABORTED"), ["timeout", true, null]);
  assert.deepEqual(byCode("ETIMEDOUT"), ["timeout", true, null]);
  assert.deepEqual(byCode("ERR_NETWORK"), ["network", true, null]);
  assert.deepEqual(byCode("ERR_CANCELED", "CanceledError"), ["aborted", false, null]);
});

test("classifyError: got RequestError, TimeoutError and HTTPError", () => {
  const reset = classifyError(new GotRequestError("RequestError", "read ECONNRESET", "ECONNRESET"));
  assert.deepEqual([reset.category, reset.retryable, reset.notSent], ["network", true, false]);
  const timeout = classifyError(new GotRequestError("TimeoutError", "Timeout awaiting 'request' for 500ms", "ETIMEDOUT"));
  assert.deepEqual([timeout.category, timeout.retryable], ["timeout", true]);
  const http = classifyError(
    new GotRequestError("HTTPError", "Response code 401 (Unauthorized)", "ERR_NON_2XX_3XX_RESPONSE", {
      statusCode: 401,
      headers: { "content-type": "application/json" },
      body: Buffer.from('{"detail":"Given token not valid for any token type","code":"token_not_valid"}'),
    }),
  );
  assert.deepEqual([http.category, http.action, http.status, http.code], ["unauthenticated", "refresh_token", 401, "token_not_valid"]);
});

test("classifyError: a carried response with hostile parts still classifies", () => {
  const response = {
    status: 502,
    get headers() {
      throw new Error("no headers for you");
    },
    data: { toJSON() { throw new Error("nope"); } },
  };
  const c = classifyError(new AxiosErrorLike("bad gateway", "ERR_BAD_RESPONSE", response));
  assert.deepEqual([c.category, c.status, c.format], ["unavailable", 502, "empty"]);
});
