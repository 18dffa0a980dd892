// The mock failure API the playground and the browser tests talk to.
//  - /api/scenarios                 the list of canned failures (from tests/vectors when present)
//  - /api/scenario/<name>           answers with that scenario's status, headers and body
//  - /api/v1/echo                   200 with the request's method and headers (minus credentials)
// Every response carries an X-Request-Id. State is per server instance; close() stops timers.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

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

export function createMockApi() {
  const scenarios = loadScenarios();
  let seq = 0;
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${++seq}`, ...headers });
    res.end(JSON.stringify(body));
  };
  return {
    scenarios,
    handle(req, res, url) {
      if (url.pathname === "/api/scenarios") {
        return json(res, 200, scenarios.map((c) => ({ name: c.name, source: c.source ?? null, status: c.input.status })));
      }
      if (url.pathname.startsWith("/api/scenario/")) {
        const name = decodeURIComponent(url.pathname.slice("/api/scenario/".length));
        const c = scenarios.find((s) => s.name === name);
        if (!c) return json(res, 404, { detail: "Not found." });
        const headers = { ...(c.input.headers ?? {}) };
        const body = typeof c.input.body === "string" ? c.input.body : c.input.body == null ? "" : JSON.stringify(c.input.body);
        res.writeHead(c.input.status, { "x-request-id": `req_${++seq}`, ...headers });
        return res.end(body);
      }
      if (url.pathname === "/api/v1/echo") {
        const { authorization, cookie, ...rest } = req.headers;
        return json(res, 200, { method: req.method, headers: rest, authorized: Boolean(authorization) });
      }
      return json(res, 404, { detail: "Not found." });
    },
    close() {},
  };
}
