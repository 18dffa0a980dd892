// classify() through the built package vs the hand-written plain-JS peer (bench/plain-classify.mjs),
// side by side in one process, on realistic error responses of each format (bodies taken from
// tests/vectors/classify.json, with the dozen headers a real response carries).
//   node bench/classify.mjs [--quick]
// Prints ns/op per format and the ratio faultline / plain (below 1 = faultline faster), the
// fields on which the two disagree, and the cost of a 1 MiB body.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { consume, measure as cpuMeasure, QUICK } from "./harness.mjs";
import { plainClassify } from "./plain-classify.mjs";

const require = createRequire(import.meta.url);
const fl = require("../dist/node.cjs");
const doc = JSON.parse(readFileSync(new URL("../tests/vectors/classify.json", import.meta.url), "utf8"));
const vector = (name) => {
  const c = doc.cases.find((x) => x.name === name);
  if (!c) throw new Error(`no vector named ${name}`);
  return c.input;
};

// What a response from a typical API behind nginx / a load balancer carries besides the
// headers the classifier reads.
const common = {
  server: "nginx/1.25.3",
  date: "Sat, 22 Nov 2025 10:15:00 GMT",
  "content-length": "0",
  connection: "keep-alive",
  vary: "Accept, Origin",
  "cache-control": "no-store",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

function realistic(label, name, extra = {}) {
  const v = vector(name);
  // Merged by lower-case name, as a real response's headers are unique.
  const lower = (o) => Object.fromEntries(Object.entries(o).map(([k, x]) => [k.toLowerCase(), x]));
  const headers = { ...common, ...lower(v.headers), ...extra };
  headers["content-length"] = String(Buffer.byteLength(v.body ?? ""));
  return { label, parts: { status: v.status, headers, body: v.body ?? "", phase: v.phase } };
}

const cases = [
  realistic("upstream 429 (seed 000)", "upstream 429 throttled wait_seconds -> wait_and_retry 3600 s", { "x-request-id": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" }),
  realistic("SimpleJWT 401 expired", "SimpleJWT 401 expired access token -> refresh_token", { "www-authenticate": 'Bearer realm="api"' }),
  realistic("Sachain 400 validation", "sachain VALIDATION_INVALID_FORMAT 400"),
  realistic("problem+json 422", "problem 422 errors extension with JSON pointers"),
  realistic("Google 429 RetryInfo", "google 429 RESOURCE_EXHAUSTED with RetryInfo and ErrorInfo"),
  realistic("GraphQL 200 UNAUTHENTICATED", "graphql 200 UNAUTHENTICATED -> refresh_token"),
  realistic("FastAPI 422 detail list", "FastAPI 422 detail list -> body.email keys"),
  realistic("nginx 502 HTML", "nginx 502 HTML page -> unavailable, title as message"),
  realistic("empty 503 + Retry-After date", "empty 503 with Retry-After HTTP-date against the Date header"),
];

// This machine is shared: wall-clock figures swing 2× with the other processes' load, so
// every figure here is process CPU time per call (harness `clock: "cpu"`), the median of
// several runs after a warm-up.
const measure = (fn, options) => cpuMeasure(fn, { clock: "cpu", ...options });

const FIELDS = ["category", "action", "code", "message", "retryable", "retryAfterMs", "hintSource", "requestId", "format", "fieldErrors"];
function differences(a, b) {
  return FIELDS.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

const rounds = QUICK ? 1 : 3;
const iterations = 100_000;
const rows = [];
for (const c of cases) {
  const ours = fl.classify(c.parts);
  const theirs = plainClassify(c.parts);
  const a = [];
  const b = [];
  for (let r = 0; r < rounds; r++) {
    a.push(measure(() => fl.classify(c.parts).category, { iterations, runs: 5 }));
    b.push(measure(() => plainClassify(c.parts).category, { iterations, runs: 5 }));
  }
  const med = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  rows.push({ label: c.label, bytes: Buffer.byteLength(c.parts.body), ours: med(a), plain: med(b), diff: differences(ours, theirs) });
}

console.log(`\nclassify(parts): faultline vs plain JS${QUICK ? "  (quick mode: figures are rough)" : ""}`);
console.log(`  ${"format".padEnd(30)} ${"body B".padStart(7)} ${"faultline".padStart(10)} ${"plain JS".padStart(10)} ${"ratio".padStart(7)}  plain JS differs on`);
for (const r of rows) {
  console.log(`  ${r.label.padEnd(30)} ${String(r.bytes).padStart(7)} ${r.ours.toFixed(0).padStart(8)}ns ${r.plain.toFixed(0).padStart(8)}ns ${(r.ours / r.plain).toFixed(2).padStart(6)}×  ${r.diff.join(", ") || "-"}`);
}

// Headers as a fetch Headers object (what classifyResponse gets): the peer calls get() for
// the names it reads, faultline iterates once.
{
  const c = cases[0];
  const parts = { ...c.parts, headers: new Headers(c.parts.headers) };
  const a = measure(() => fl.classify(parts).category, { iterations: iterations / 2 });
  const b = measure(() => plainClassify(parts).category, { iterations: iterations / 2 });
  console.log(`\n  ${`${c.label}, Headers object`.padEnd(38)} ${a.toFixed(0).padStart(8)}ns ${b.toFixed(0).padStart(8)}ns ${(a / b).toFixed(2).padStart(6)}×`);
}

// The fetch path: a Response (body stream, Headers) through classifyResponse, vs the usual
// `await res.text()` + the peer.
{
  const c = cases[0];
  const init = { status: c.parts.status, headers: c.parts.headers };
  const it = QUICK ? 500 : 20_000;
  const time = async (fn) => {
    const xs = [];
    for (let r = 0; r < (QUICK ? 1 : 5); r++) {
      for (let i = 0; i < it / 10; i++) consume((await fn()).category);
      const t0 = process.cpuUsage();
      for (let i = 0; i < it; i++) consume((await fn()).category);
      const t = process.cpuUsage(t0);
      xs.push(((t.user + t.system) * 1000) / it);
    }
    return xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  };
  const a = await time(() => fl.classifyResponse(new Response(c.parts.body, init)));
  const b = await time(async () => {
    const res = new Response(c.parts.body, init);
    return plainClassify({ status: res.status, headers: res.headers, body: await res.text() });
  });
  console.log(`  ${`${c.label}, new Response() each`.padEnd(38)} ${a.toFixed(0).padStart(8)}ns ${b.toFixed(0).padStart(8)}ns ${(a / b).toFixed(2).padStart(6)}×  (classifyResponse vs res.text() + peer)`);
}

// A 1 MiB body: a huge validation error list. faultline looks at the first maxBodyBytes
// (64 KiB: cut JSON, so status and headers decide); the peer parses all of it.
{
  const errors = [];
  for (let size = 0; size < 1 << 20; ) {
    const e = { loc: ["body", "items", errors.length, "sku"], msg: "field required", type: "missing" };
    errors.push(e);
    size += JSON.stringify(e).length + 1;
  }
  const parts = { status: 422, headers: { ...common, "content-type": "application/json" }, body: JSON.stringify({ detail: errors }) };
  const it = QUICK ? 200 : 2000;
  const a = measure(() => fl.classify(parts).category, { iterations: it, runs: 5 });
  const b = measure(() => plainClassify(parts).category, { iterations: it / 10, runs: 5 });
  const whole = measure(() => fl.classify(parts, { maxBodyBytes: 2 << 20 }).category, { iterations: it / 10, runs: 5 });
  console.log(`\n1 MiB JSON body (${parts.body.length} B)`);
  console.log(`  faultline, 64 KiB prefix (default)          ${(a / 1000).toFixed(1).padStart(8)} µs`);
  console.log(`  faultline, whole body (maxBodyBytes 2 MiB)  ${(whole / 1000).toFixed(1).padStart(8)} µs`);
  console.log(`  plain JS, JSON.parse of all of it           ${(b / 1000).toFixed(1).padStart(8)} µs`);
}
consume(0);
