// A real Redis for the faultline/redis suites: Debian's redis-server on 127.0.0.1 on a free
// port (no persistence), killed at the end; and the two clients the store supports, ioredis
// and node-redis, from the repo's dev dependencies, behind one small interface.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";

const repo = process.env.FAULTLINE_REPO ?? new URL("../..", import.meta.url).pathname;
const fromRepo = createRequire(`${repo}/package.json`);

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server on `port`, answering PING before this resolves. `stop()` kills it (SIGKILL). */
export async function startRedis(port) {
  assert.equal(spawnSync("redis-server", ["--version"]).status, 0, "redis-server is missing: run scripts/setup.sh");
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const probe = spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" });
    if (probe.stdout.trim() === "PONG") {
      return {
        stop: () => new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", resolve);
          child.kill("SIGKILL");
        }),
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error("redis-server did not start");
}

/**
 * A connected client of `kind` ("ioredis" or "node-redis") on `port`, with what the suites
 * need: `client` (for createRedisStore), `command(...args)` (a raw command), `ready()`
 * (resolves once it answers again after a restart) and `close()`.
 */
export async function connect(kind, port) {
  if (kind === "ioredis") {
    const Redis = fromRepo("ioredis");
    const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on("error", () => {});
    await client.ping();
    return {
      client,
      command: (name, ...args) => client.call(name, ...args),
      ready: () => waitFor(() => client.status === "ready").then(() => client.ping()),
      close: () => client.disconnect(),
    };
  }
  const { createClient } = fromRepo("redis");
  const client = createClient({ socket: { port, host: "127.0.0.1", reconnectStrategy: () => 50 } });
  client.on("error", () => {}); // node-redis crashes the process on an unheard "error"
  await client.connect();
  return {
    client,
    command: (...args) => client.sendCommand(args.map(String)),
    ready: () => waitFor(() => client.isReady).then(() => client.ping()),
    close: () => client.destroy?.() ?? client.disconnect(),
  };
}

async function waitFor(ok) {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
}
