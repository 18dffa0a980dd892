// classify() through the built package beside the hand-written plain-JS peer
// (bench/plain-classify.mjs), in one process, on the seeds' error bodies (taken from
// tests/vectors/classify.json) with the dozen headers a real response carries, plus the
// other formats faultline reads.
//   node bench/classify.mjs [--quick]
// Prints, per body, the median CPU time per call of each, the ratio faultline / plain, and
// whether faultline holds the floor (≤ 10 µs per seed body; a floor, not a race).
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

const FLOOR_US = 10;

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

function realistic(label, seed, name, extra = {}) {
  const v = vector(name);
  const lower = (o) => Object.fromEntries(Object.entries(o).map(([k, x]) => [k.toLowerCase(), x]));
  const headers = { ...common, ...lower(v.headers), ...extra };
  headers["content-length"] = String(Buffer.byteLength(v.body ?? ""));
  return { label, seed, parts: { status: v.status, headers, body: v.body ?? "", phase: v.phase } };
}

const requestId = { "x-request-id": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" };
const cases = [
  realistic("upstream 429 throttled", "000", "upstream 429 throttled wait_seconds -> wait_and_retry 3600 s", requestId),
  realistic("SimpleJWT 401 expired", "000", "SimpleJWT 401 expired access token -> refresh_token", { "www-authenticate": 'Bearer realm="api"' }),
  realistic("upstream 400 validation", "000", "upstream 400 validation_error field errors", requestId),
  realistic("upstream 500 with type", "002", "upstream 500 request_id at the error level"),
  realistic("detail 403 invalid API key", "003", "detail 403 invalid API key -> check_credentials"),
  realistic("nginx 502 HTML", "003", "nginx 502 HTML page -> unavailable, title as message"),
  realistic("Sachain 400 validation", "004", "sachain VALIDATION_INVALID_FORMAT 400"),
  realistic("Sachain 413 file too large", "004", "sachain VALIDATION_FILE_TOO_LARGE 413"),
  realistic("problem+json 422", null, "problem 422 errors extension with JSON pointers"),
  realistic("Google 429 RetryInfo", null, "google 429 RESOURCE_EXHAUSTED with RetryInfo and ErrorInfo"),
  realistic("GraphQL 200 UNAUTHENTICATED", null, "graphql 200 UNAUTHENTICATED -> refresh_token"),
  realistic("FastAPI 422 detail list", null, "FastAPI 422 detail list -> body.email keys"),
];

// The machine may be shared: figures are process CPU time per call (harness `clock: "cpu"`),
// the median of several runs after a warm-up.
const measure = (fn, options) => cpuMeasure(fn, { clock: "cpu", ...options });
const rounds = QUICK ? 1 : 3;
const iterations = QUICK ? 5_000 : 50_000;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

console.log(`\nclassify(parts): faultline beside plain JS${QUICK ? "  (quick mode: figures are rough)" : ""}`);
console.log(`  ${"body".padEnd(30)} ${"seed".padEnd(4)} ${"bytes".padStart(6)} ${"faultline".padStart(10)} ${"plain JS".padStart(10)} ${"ratio".padStart(7)}  floor ≤ ${FLOOR_US} µs`);
let held = true;
for (const c of cases) {
  const a = [];
  const b = [];
  for (let r = 0; r < rounds; r++) {
    a.push(measure(() => fl.classify(c.parts).category, { iterations, runs: 5 }));
    b.push(measure(() => plainClassify(c.parts).category, { iterations, runs: 5 }));
  }
  const ours = median(a) / 1000;
  const plain = median(b) / 1000;
  const ok = ours <= FLOOR_US;
  if (c.seed !== null && !ok) held = false;
  console.log(
    `  ${c.label.padEnd(30)} ${(c.seed ?? "-").padEnd(4)} ${String(Buffer.byteLength(c.parts.body)).padStart(6)} ${ours.toFixed(2).padStart(7)} µs ${plain.toFixed(2).padStart(7)} µs ${(ours / plain).toFixed(2).padStart(6)}×  ${ok ? "ok" : "ABOVE"}`,
  );
}
console.log(`\n  floor on every seed body: ${held ? "holds" : "NOT HELD"}`);

// A 1 MiB body: faultline looks at the first maxBodyBytes (64 KiB: cut JSON, so status and
// headers decide); the peer parses all of it.
{
  const errors = [];
  for (let size = 0; size < 1 << 20; ) {
    const e = { loc: ["body", "items", errors.length, "sku"], msg: "field required", type: "missing" };
    errors.push(e);
    size += JSON.stringify(e).length + 1;
  }
  const parts = { status: 422, headers: { ...common, "content-type": "application/json" }, body: JSON.stringify({ detail: errors }) };
  const it = QUICK ? 100 : 1000;
  const a = measure(() => fl.classify(parts).category, { iterations: it, runs: 5 });
  const b = measure(() => plainClassify(parts).category, { iterations: it / 10, runs: 5 });
  console.log(`\n1 MiB JSON body (${parts.body.length} B): faultline (64 KiB prefix) ${(a / 1000).toFixed(1)} µs, plain JS (JSON.parse of all of it) ${(b / 1000).toFixed(1)} µs`);
}
consume(0);
process.exitCode = held ? 0 : 1;
