// The playground server: the page (www/), the built package (/pkg/), and the mock failure
// API (/api/, see mock-api.mjs), all on 127.0.0.1. Tests import startServer(); people run
//   node www/server.mjs [--port 8080] [--pkg dist]
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createMockApi } from "./mock-api.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".md": "text/plain; charset=utf-8",
};

/** Serves a file from `root`, refusing anything outside it. */
function serveFile(root, rel, res) {
  const base = resolve(root);
  let path = normalize(join(base, decodeURIComponent(rel)));
  if (path !== base && !path.startsWith(base + sep)) return false;
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
  createReadStream(path).pipe(res);
  return true;
}

/**
 * Starts the server. `mounts` maps URL prefixes to directories (e.g. {"/bundle/": dir}).
 * @returns {Promise<{url: string, api: object, close: () => Promise<void>}>}
 */
export async function startServer({ port = 0, pkgDir = join(here, "../dist"), mounts = {}, api: apiOptions = {} } = {}) {
  const api = createMockApi(apiOptions);
  // The docs the page links to, when the repository is around (not in a packed test consumer).
  const docs = join(here, "../docs");
  const roots = { "/pkg/": pkgDir, ...(existsSync(docs) ? { "/docs/": docs } : {}), ...mounts, "/": here };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/api/")) return api.handle(req, res, url);
    for (const [prefix, dir] of Object.entries(roots)) {
      if (url.pathname.startsWith(prefix) && serveFile(dir, url.pathname.slice(prefix.length), res)) return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  const sockets = new Set();
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}/`,
    api,
    close: () => new Promise((ok) => { api.close(); for (const s of sockets) s.destroy(); server.close(() => ok()); }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
  const { url } = await startServer({ port: Number(arg("--port", 8080)), pkgDir: resolve(arg("--pkg", join(here, "../dist"))) });
  console.log(`faultline playground: ${url}  (mock API under ${url}api/, Ctrl-C to stop)`);
}
