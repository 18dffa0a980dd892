// A fleet in an outage, for redis-fleet.test.mjs and bench/fleet.mjs: a mock API (node:http on
// 127.0.0.1, port 0) that answers 503 for `outageMs` from the start and 200 after, and
// `workers` Node child processes running helper.fleet-worker.mjs against it.
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const worker = new URL("./helper.fleet-worker.mjs", import.meta.url).pathname;

/**
 * Runs the fleet; `during(startAt)` runs beside it (to kill Redis, say). Resolves with every
 * request the server saw (`{ worker, at, status }`), each worker's report, and how each exited.
 */
export async function runFleet({ workers = 4, requests, spacingMs, outageMs, during, ...job }) {
  const seen = [];
  let outageEnds = Infinity;
  const server = createServer((req, res) => {
    const at = Date.now();
    const status = at < outageEnds ? 503 : 200;
    seen.push({ worker: Number(req.headers["x-worker"]), at, status });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(status === 200 ? '{"ok":true}' : '{"error":"unavailable"}');
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const children = [];
  let ready = 0;
  let go;
  const started = new Promise((resolve) => (go = resolve));
  const runs = Array.from({ length: workers }, (_, id) => new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, JSON.stringify({ ...job, id, url, requests, spacingMs })], {
      stdio: ["pipe", "pipe", "pipe"],
      env: process.env,
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (d.includes("ready") && ++ready === workers) go();
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code, signal) => {
      let report = null;
      try {
        report = JSON.parse(stdout.trim().split("\n").pop());
      } catch {
        // a crash: no report
      }
      resolve({ code, signal, report, stderr });
    });
  }));
  // Every worker starts on the same tick once all are up (process start-up is not free), and
  // the outage starts with them.
  await Promise.race([started, Promise.all(runs)]);
  const startAt = Date.now() + 50;
  outageEnds = startAt + outageMs;
  for (const child of children) child.stdin.end(`go ${startAt}\n`);
  const side = during?.(startAt);
  const done = await Promise.all(runs);
  await side;
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
  return { seen, workers: done, startAt };
}

/**
 * Requests each other worker sent once the breaker opened somewhere, before `withinMs` more
 * (the cool-down, after which one probe is allowed): `{ openedAt, by, after: [per worker] }`.
 */
export function afterOpen(run, withinMs) {
  const opened = run.workers.map((w) => w.report?.openedAt ?? Infinity);
  const openedAt = Math.min(...opened);
  const by = opened.indexOf(openedAt);
  const after = run.workers.map((_, id) => run.seen.filter((s) => s.worker === id && s.at > openedAt && s.at < openedAt + withinMs).length);
  return { openedAt, by, after };
}
