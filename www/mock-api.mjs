// The mock failure API the playground and the browser tests talk to.
//  - /api/scenarios                 the list of canned failures (from tests/vectors when present)
//  - /api/scenario/<name>           answers with that scenario's status, headers and body
//  - /api/v1/echo                   200 with the request's method and headers (minus credentials)
//  - /api/v1/auth/login|refresh     SimpleJWT-like auth with rotation + reuse detection (mock-auth.mjs)
//  - /api/v1/uploads/               a protected resource (Bearer access token)
//  - /api/v1/flaky?fail=N&status=S  fails N times per ?key= with status S (Retry-After: ?retryAfter=), then 200
//  - /api/_stats, /api/_reset, /api/_config   test controls (counters, reset, auth timing,
//                                    refresh hold mode, reuse grace window); /api/_time clock
//  - POST /api/_expire               every access token issued so far is refused from now on
// Every response carries an X-Request-Id. State is per server instance; close() stops timers.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createAuth } from "./mock-auth.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));

function loadScenarios() {
  // The packed test consumer copies vectors next to www/; the repo has them in tests/vectors.
  for (const p of [`${here}../vectors/classify.json`, `${here}../tests/vectors/classify.json`]) {
    if (existsSync(p)) {
      const doc = JSON.parse(readFileSync(p, "utf8"));
      return (doc.cases ?? []).filter((c) => c.input && typeof c.input.status === "number");
    }
  }
  return [];
}

/** A vector's body as sent: text, bytes (`bodyBase64`) or a long repeated text (`bodyParts`). */
function scenarioBody(input) {
  if (input.bodyBase64 !== undefined) return Buffer.from(input.bodyBase64, "base64");
  if (input.bodyParts !== undefined) {
    const p = input.bodyParts;
    return (p.prefix ?? "") + p.repeat.repeat(p.times) + (p.suffix ?? "");
  }
  return typeof input.body === "string" ? input.body : input.body == null ? "" : JSON.stringify(input.body);
}

async function readJson(req, limit = 64 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const c of req) {
    size += c.length;
    if (size > limit) return null;
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
  } catch {
    return null;
  }
}

export function createMockApi(options = {}) {
  const scenarios = loadScenarios();
  const auth = createAuth(options.auth);
  const flaky = new Map();
  const timers = new Set();
  let seq = 0;
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${++seq}`, ...headers });
    res.end(JSON.stringify(body));
  };
  const later = (ms, fn) => {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  };
  return {
    scenarios,
    auth,
    async handle(req, res, url) {
      const path = url.pathname;
      if (path === "/api/_stats") return json(res, 200, { ...auth.stats, refreshHoldMs: auth.config.refreshHoldMs });
      if (path === "/api/_time") return json(res, 200, { now: Date.now() });
      if (path === "/api/_reset" && req.method === "POST") {
        auth.reset();
        flaky.clear();
        return json(res, 200, { ok: true });
      }
      if (path === "/api/_expire" && req.method === "POST") return json(res, 200, { expired: auth.expireAccessTokens() });
      if (path === "/api/_config" && req.method === "POST") {
        const body = (await readJson(req)) ?? {};
        for (const k of ["accessTtlSec", "refreshTtlSec", "refreshHoldMs", "reuseGraceMs"]) {
          if (Number.isFinite(body[k]) && body[k] >= 0) auth.config[k] = body[k];
        }
        if (body.refreshHoldMode === "before" || body.refreshHoldMode === "after") auth.config.refreshHoldMode = body.refreshHoldMode;
        return json(res, 200, auth.config);
      }
      if (path === "/api/v1/auth/login" && req.method === "POST") {
        const body = (await readJson(req)) ?? {};
        const pair = auth.login(body.username, body.password);
        return pair ? json(res, 200, pair) : json(res, 401, { detail: "No active account found with the given credentials" });
      }
      if (path === "/api/v1/auth/refresh" && req.method === "POST") {
        const body = (await readJson(req)) ?? {};
        const answer = (out) => {
          if (out.status === 200) auth.stats.lastRefreshAt = Date.now();
          json(res, out.status, out.body);
        };
        const hold = auth.config.refreshHoldMs;
        if (hold > 0 && auth.config.refreshHoldMode === "before") {
          // Held BEFORE processing: a client that went away meanwhile never had its token used.
          auth.stats.refreshHeld++;
          let gone = false;
          res.on("close", () => { if (!res.writableEnded) gone = true; });
          return later(hold, () => {
            if (gone || res.destroyed || req.socket.destroyed) {
              auth.stats.refreshDropped++;
              return;
            }
            answer(auth.refresh(body.refresh));
          });
        }
        // Rotation happens now; the answer may be held back (a tab can die meanwhile).
        const out = auth.refresh(body.refresh);
        if (hold > 0) {
          auth.stats.refreshHeld++;
          return later(hold, () => { if (!res.destroyed) answer(out); });
        }
        return answer(out);
      }
      if (path === "/api/v1/uploads/") {
        const denied = auth.authorize(req.headers.authorization);
        if (denied) return json(res, 401, denied, { "www-authenticate": 'Bearer realm="api"' });
        return json(res, 200, { count: 2, results: [{ id: 1, name: "scan-1.dcm" }, { id: 2, name: "scan-2.dcm" }] });
      }
      if (path === "/api/v1/flaky") {
        const key = url.searchParams.get("key") ?? "default";
        const fail = Number(url.searchParams.get("fail") ?? 2);
        const status = Number(url.searchParams.get("status") ?? 503);
        const n = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, n);
        if (n <= fail) {
          const headers = {};
          const ra = url.searchParams.get("retryAfter");
          if (ra !== null) headers["retry-after"] = ra;
          return json(res, status, { error: { code: status === 429 ? "throttled" : "service_unavailable", message: `failure ${n} of ${fail}` } }, headers);
        }
        return json(res, 200, { ok: true, attempts: n });
      }
      if (url.pathname === "/api/scenarios") {
        // Only what HTTP can carry (a status of 0 or 999 is a vector for classify(), not a response).
        const servable = scenarios.filter((c) => c.input.status >= 200 && c.input.status <= 599);
        return json(res, 200, servable.map((c) => ({
          name: c.name, source: c.source ?? null, status: c.input.status, phase: c.input.phase ?? "request", method: c.input.method ?? "GET",
        })));
      }
      if (url.pathname.startsWith("/api/scenario/")) {
        const name = decodeURIComponent(url.pathname.slice("/api/scenario/".length));
        const c = scenarios.find((s) => s.name === name);
        if (!c) return json(res, 404, { detail: "Not found." });
        if (!(c.input.status >= 200 && c.input.status <= 599)) return json(res, 400, { detail: `status ${c.input.status} cannot be sent over HTTP` });
        try {
          res.writeHead(c.input.status, { "x-request-id": `req_${++seq}`, ...(c.input.headers ?? {}) });
        } catch (e) {
          return json(res, 400, { detail: `these headers cannot be sent over HTTP: ${e.message}` });
        }
        return res.end(scenarioBody(c.input));
      }
      if (url.pathname === "/api/v1/echo") {
        const { authorization, cookie, ...rest } = req.headers;
        return json(res, 200, { method: req.method, headers: rest, authorized: Boolean(authorization) });
      }
      return json(res, 404, { detail: "Not found." });
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
