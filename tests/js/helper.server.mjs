// A small mock API (node:http on 127.0.0.1, a free port) for the client, ky and axios suites.
// Every endpoint lives under /v1 so a lost path prefix shows as a 404.
//   /v1/echo[/...]      200 {method, path, query, headers, body}
//   /v1/me              200 when "Authorization: Bearer <issued token>", else SimpleJWT's 401
//   /v1/flaky?key&fail=N&status=503[&retryAfter=s]
//                       fails N times per key with `status` (DRF-style body), then 200 {ok, attempts}
//   /v1/throttle?retryAfter=s   always 429 with Retry-After: s
//   /v1/hang            never answers
//   /v1/reset           destroys the connection (ECONNRESET)
//   /v1/storm?key       per key: 429, then 503, then a reset, then 200 (cycling by the key's hit count)
// `hits` counts requests per path; `tokens.issue()` makes a token the API accepts; `files`
// ({ "/app.js": { type, body } }) serves pages from the same origin.
import { createServer } from "node:http";

export async function startApi({ files = {}, routes = {} } = {}) {
  const hits = new Map();
  const flaky = new Map();
  const valid = new Set();
  const sockets = new Set();
  let issued = 0;
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${hits.size}_${Date.now()}`, ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const path = url.pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      const q = Object.fromEntries(url.searchParams);
      const file = files[path];
      if (file !== undefined) {
        res.writeHead(200, { "content-type": file.type });
        return res.end(file.body);
      }
      if (routes[path] !== undefined) return routes[path](res, req);
      if (path.startsWith("/v1/echo")) {
        return json(res, 200, { method: req.method, path, query: q, headers: req.headers, body });
      }
      if (path === "/v1/me") {
        const auth = req.headers.authorization ?? "";
        if (!auth.startsWith("Bearer ")) return json(res, 401, { detail: "Authentication credentials were not provided." });
        if (!valid.has(auth.slice(7))) {
          return json(res, 401, { detail: "Given token not valid for any token type", code: "token_not_valid", messages: [{ token_class: "AccessToken", token_type: "access", message: "Token is invalid or expired" }] });
        }
        return json(res, 200, { user: "ada", token: auth.slice(7) });
      }
      if (path === "/v1/flaky") {
        const key = `${req.method} ${q.key}`;
        const n = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, n);
        if (n <= Number(q.fail ?? 0)) {
          const status = Number(q.status ?? 503);
          const headers = q.retryAfter === undefined ? {} : { "retry-after": q.retryAfter };
          return json(res, status, { detail: status === 429 ? "Request was throttled." : "Service temporarily unavailable, try again later." }, headers);
        }
        return json(res, 200, { ok: true, attempts: n, body });
      }
      if (path === "/v1/throttle") {
        return json(res, 429, { detail: `Request was throttled. Expected available in ${q.retryAfter} seconds.` }, { "retry-after": String(q.retryAfter) });
      }
      if (path === "/v1/hang") return undefined;
      if (path === "/v1/reset") return req.socket.destroy();
      if (path === "/v1/storm") {
        const key = `storm ${q.key}`;
        const n = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, n);
        const step = Number(q.seed ?? 0) + n;
        if (step % 4 === 1) return json(res, 429, { detail: "Request was throttled." }, { "retry-after": "0" });
        if (step % 4 === 2) return json(res, 503, { detail: "Service temporarily unavailable, try again later." });
        if (step % 4 === 3) return req.socket.destroy();
        return json(res, 200, { ok: true, attempts: n });
      }
      return json(res, 404, { detail: "Not found." });
    });
  });
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    count: (path) => hits.get(path) ?? 0,
    tokens: {
      issue: () => {
        const t = `tok-${++issued}`;
        valid.add(t);
        return t;
      },
      revoke: (t) => valid.delete(t),
      revokeAll: () => valid.clear(),
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The URL of a port nothing listens on (connection refused). */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
