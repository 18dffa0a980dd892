// Panel 1, the error inspector: a canned failure sent through the mock API (classifyResponse)
// or a response typed by the visitor (classify), shown as a card, a retry plan and the
// redacted support report.
import { classify, classifyError, classifyResponse, RetryPolicy, supportReport } from "/pkg/browser.mjs";
import { $, duration, el, errorText } from "./util.mjs";

const FIELDS = ["category", "action", "status", "code", "message", "retryable", "retryAfterMs", "hintSource", "requestId", "fieldErrors", "format", "userMessage", "notSent"];
// A credential in the request, to show that the report never repeats it.
const DEMO_AUTH = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl";

/** The kind of API a canned failure comes from, from its vector's source. */
export function apiKind(source) {
  const s = source ?? "";
  if (/^seed 00[02]/.test(s)) return "Django REST + SimpleJWT (the Upstream API)";
  if (/^seed 003/.test(s)) return "FastAPI with an API key";
  if (/^seed 004/.test(s)) return "Sachain ({message, requestId, details})";
  if (/RFC (9457|7807)|ValidationProblemDetails|ratelimit-headers/.test(s)) return "Problem details (RFC 9457)";
  if (/^Google/.test(s)) return "Google APIs (AIP-193)";
  if (/^GraphQL/.test(s)) return "GraphQL";
  return "Gateways, proxies and other servers";
}

// Badge colour families (see playground.css).
const CATEGORY_TONE = {
  unauthenticated: "auth", forbidden: "auth", not_found: "client", invalid_request: "client", conflict: "client",
  payload_too_large: "client", rate_limited: "wait", server: "bad", unavailable: "bad", timeout: "bad", network: "bad",
  aborted: "neutral", unknown: "neutral",
};
const ACTION_TONE = {
  refresh_token: "ok", wait_and_retry: "wait", retry_with_backoff: "ok", reauthenticate: "auth", add_credentials: "auth",
  check_credentials: "auth", request_permission: "auth", fix_request: "client", verify_resource: "client",
  contact_support: "bad", none: "neutral",
};

const show = (v) => (v === null ? "null" : typeof v === "object" ? JSON.stringify(v) : String(v));

function badge(text, tone, label) {
  return el("span", { class: `badge tone-${tone}`, "data-kind": label, title: label }, el("span", { class: "badge-key", text: `${label} ` }), text);
}

function fact(term, value, id) {
  return [el("dt", { text: term }), el("dd", { "data-fact": id, text: value })];
}

/** Prints a classification as a card, the retry plan for it and its support report. */
function render(c, request, label) {
  $("badges").replaceChildren(
    badge(c.category, CATEGORY_TONE[c.category] ?? "neutral", "category"),
    badge(c.action, ACTION_TONE[c.action] ?? "neutral", "action"),
    el("span", { class: c.retryable ? "pill pill-yes" : "pill pill-no", "data-fact": "retryable", text: c.retryable ? "retryable" : "not retryable" }),
    el("span", { class: "meta", text: `${c.status === null ? "no response" : `HTTP ${c.status}`} · ${c.format}` }),
  );
  $("user-message").textContent = c.userMessage;
  const hint = c.retryAfterMs === null ? "none" : `${duration(c.retryAfterMs)}${c.hintSource ? ` — from ${c.hintSource}` : ""}`;
  $("facts").replaceChildren(
    ...fact("Server hint", hint, "hint"),
    ...fact("Request id", c.requestId ?? "none", "requestId"),
    ...fact("Server code", c.code ?? "none", "code"),
    ...fact("Server message", c.message ?? "none", "message"),
    ...fact("Never sent", c.notSent ? "yes: safe to retry any method" : "no", "notSent"),
  );
  const fe = c.fieldErrors ?? {};
  $("field-errors").tBodies[0].replaceChildren(...Object.entries(fe).map(([field, msgs]) =>
    el("tr", {}, el("th", { scope: "row", text: field }), el("td", { text: msgs.join("; ") }))));
  $("field-errors-box").hidden = Object.keys(fe).length === 0;
  $("classification").tBodies[0].replaceChildren(...FIELDS.map((k) =>
    el("tr", { "data-field": k }, el("th", { scope: "row", text: k }), el("td", { text: show(c[k]) }))));

  const policy = new RetryPolicy();
  try {
    const plan = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const d = policy.decide({ attempt, classification: c, method: request.method });
      plan.push(el("tr", {},
        el("td", { text: String(attempt) }),
        el("td", { text: d.retry ? "yes" : "no" }),
        el("td", { text: d.retry ? `${Math.round(d.delayMs)} ms` : "" }),
        el("td", { text: d.reason })));
      if (!d.retry) break;
    }
    $("retry-plan").tBodies[0].replaceChildren(...plan);
  } finally {
    policy.free();
  }
  $("report").textContent = supportReport(c, request);
  const result = $("result");
  result.hidden = false;
  result.dataset.scenario = label;
  result.dataset.category = c.category;
  result.dataset.action = c.action;
}

/** "Name: value" lines to a header object; throws on a line without a colon. */
export function parseHeaders(text) {
  const out = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const at = line.indexOf(":");
    if (at <= 0) throw new Error(`Header line ${i + 1} needs "Name: value"`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

async function loadScenarios() {
  const list = await (await fetch("/api/scenarios")).json();
  const groups = new Map();
  for (const s of list) {
    const g = apiKind(s.source);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(s);
  }
  const select = $("scenario");
  for (const [kind, items] of groups) {
    select.append(el("optgroup", { label: kind }, ...items.map((s) =>
      el("option", { value: s.name, text: `${s.status} · ${s.name}`, "data-phase": s.phase, "data-method": s.method }))));
  }
  select.addEventListener("change", () => {
    $("method").value = select.selectedOptions[0]?.dataset.method ?? "GET";
  });
}

export async function setupInspector() {
  $("failure-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const option = $("scenario").selectedOptions[0];
    if (!option) return;
    const method = $("method").value;
    const sent = $("credentials").checked;
    const url = new URL(`/api/scenario/${encodeURIComponent(option.value)}`, location.href).href;
    const headers = { Accept: "application/json", ...(sent ? { Authorization: DEMO_AUTH } : {}) };
    const res = await fetch(url, { method, headers });
    // credentialsSent: whether the request carried credentials (decides an ambiguous 401).
    const c = await classifyResponse(res, { method, phase: option.dataset.phase, credentialsSent: sent });
    render(c, { method, url, headers }, option.value);
  });

  $("send-unreachable").addEventListener("click", async () => {
    // Port 9 (discard) is refused by browsers before anything is sent.
    const url = "http://127.0.0.1:9/api/v1/orders";
    const method = $("method").value;
    try {
      await fetch(url, { method });
    } catch (err) {
      render(classifyError(err), { method, url, headers: { Authorization: DEMO_AUTH } }, "unreachable");
    }
  });

  $("custom-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const error = $("c-error");
    try {
      const status = Number($("c-status").value);
      const headers = parseHeaders($("c-headers").value);
      const body = $("c-body").value;
      const sent = $("credentials").checked;
      const c = classify({ status, headers, body, credentialsSent: sent });
      error.hidden = true;
      render(c, { method: $("method").value, url: "https://api.example.com/your/request", headers: sent ? { ...headers, Authorization: DEMO_AUTH } : headers }, "custom");
    } catch (err) {
      error.textContent = errorText(err);
      error.hidden = false;
    }
  });
  await loadScenarios();
}
