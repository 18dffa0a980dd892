// The playground page: plain <script type="module">, no bundler, importing the built package.
// Every figure on the page comes from the library; the page only fetches and prints.
import init, { classifyError, classifyResponse, decodeJwt, FaultlineError, RetryPolicy, supportReport, tokenTiming, wasmVersion } from "/pkg/browser.mjs";

await init();
document.getElementById("wasm-version").textContent = wasmVersion();

const $ = (id) => document.getElementById(id);
const FIELDS = ["category", "action", "status", "code", "message", "retryable", "retryAfterMs", "hintSource", "requestId", "fieldErrors", "format", "userMessage", "notSent"];
// A credential in the request, to show that the report never repeats it.
const DEMO_AUTH = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl";

/** A table row; the first cell is a header cell when `head` is set. */
function row(cells, head = false) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => {
    const td = document.createElement(head && i === 0 ? "th" : "td");
    if (head && i === 0) td.scope = "row";
    td.textContent = String(c);
    tr.append(td);
  });
  return tr;
}

const show = (v) => (v === null ? "null" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** Prints a classification, the retry plan for it and its support report. */
function render(c, request, label) {
  const body = $("classification").tBodies[0];
  body.replaceChildren(...FIELDS.map((k) => {
    const tr = row([k, show(c[k])], true);
    tr.dataset.field = k;
    return tr;
  }));
  const policy = new RetryPolicy();
  try {
    const plan = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const d = policy.decide({ attempt, classification: c, method: request.method });
      plan.push(row([attempt, d.retry ? "yes" : "no", d.retry ? `${Math.round(d.delayMs)} ms` : "", d.reason]));
      if (!d.retry) break;
    }
    $("retry-plan").tBodies[0].replaceChildren(...plan);
  } finally {
    policy.free();
  }
  $("report").textContent = supportReport(c, request);
  $("result").hidden = false;
  $("result").dataset.scenario = label;
  $("result").dataset.category = c.category;
}

async function loadScenarios() {
  const list = await (await fetch("/api/scenarios")).json();
  const groups = new Map();
  // Grouped by document: "seed 004", "RFC 9457", "GraphQL spec", ...
  const groupOf = (source) => {
    const seed = /^seed \d+/.exec(source ?? "");
    return seed ? seed[0] : (source ?? "other").split(/ §|:| \(/)[0];
  };
  for (const s of list) {
    const g = groupOf(s.source);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(s);
  }
  const select = $("scenario");
  for (const [source, items] of groups) {
    const og = document.createElement("optgroup");
    og.label = source;
    for (const s of items) {
      const o = document.createElement("option");
      o.value = s.name;
      o.textContent = `${s.status} · ${s.name}`;
      o.dataset.phase = s.phase;
      o.dataset.method = s.method;
      og.append(o);
    }
    select.append(og);
  }
  select.addEventListener("change", () => {
    $("method").value = select.selectedOptions[0]?.dataset.method ?? "GET";
  });
}

$("failure-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const option = $("scenario").selectedOptions[0];
  if (!option) return;
  const method = $("method").value;
  const url = new URL(`/api/scenario/${encodeURIComponent(option.value)}`, location.href).href;
  const headers = { Authorization: DEMO_AUTH, Accept: "application/json" };
  const res = await fetch(url, { method, headers });
  const c = await classifyResponse(res, { method, phase: option.dataset.phase });
  render(c, { method, url, headers }, option.value);
});

$("send-unreachable").addEventListener("click", async () => {
  // Port 9 (discard) is refused by browsers before anything is sent.
  const url = "http://127.0.0.1:9/api/v1/orders";
  const method = $("method").value;
  let c;
  try {
    await fetch(url, { method });
    return;
  } catch (err) {
    c = classifyError(err);
  }
  render(c, { method, url, headers: { Authorization: DEMO_AUTH } }, "unreachable");
});

// A sample access token that expires in five minutes (unsigned: only the claims matter here).
function sampleToken() {
  const b64 = (o) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ token_type: "access", exp: now + 300, iat: now, jti: "demo", user_id: 42 })}.c2lnbmF0dXJl`;
}

$("decode").addEventListener("click", () => {
  const out = $("jwt-out");
  try {
    const token = $("jwt").value.trim();
    const jwt = decodeJwt(token);
    const timing = tokenTiming(token);
    out.textContent = JSON.stringify({ header: jwt.header, payload: jwt.payload, tokenType: jwt.tokenType ?? null, timing }, null, 2);
    out.dataset.state = "ok";
  } catch (err) {
    out.textContent = err instanceof FaultlineError ? `FaultlineError ${err.code}: ${err.message}` : String(err);
    out.dataset.state = "error";
  }
});

$("jwt").value = sampleToken();
await loadScenarios();
document.body.dataset.ready = "true";
