// getAccessToken() cost through the built package, side by side with hand-written peers.
//  - fast path: the current token is valid, answered from memory (no wasm call)
//  - machine path: every call is one round trip through the Rust state machine (storage read,
//    record decode, effects encode), forced by an expired session whose refresh failed: each
//    call is answered `refresh_cooldown` (an expired token is never handed out)
//  - baselines: "if (exp > now) return token" (sync) and the same wrapped in a Promise
//   node bench/tokens.mjs [--quick]
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { compare, consume, QUICK } from "./harness.mjs";

const require = createRequire(import.meta.url);
const fl = require("../dist/node.cjs");

const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const nowS = Math.floor(Date.now() / 1000);
const sig = Buffer.alloc(32, 7).toString("base64url");
const valid = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ token_type: "access", exp: nowS + 86_400, jti: "9f0c2a7e4b1d4e5f", user_id: 4200 })}.${sig}`;
const expired = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ token_type: "access", exp: nowS - 60, jti: "9f0c2a7e4b1d4e5f", user_id: 4200 })}.${sig}`;
const refresh = async () => { throw new Error("the benchmark never refreshes"); };

const fast = fl.createTokenManager({ channel: "bench-fast", refresh });
fast.setTokens({ access: valid, refresh: "rt-bench" });
const slow = fl.createTokenManager({ channel: "bench-slow", refresh, cooldownBaseMs: 86_400_000, cooldownMaxMs: 86_400_000 });
slow.setTokens({ access: expired, refresh: "rt-bench" });
const machineCall = () => slow.getAccessToken().then(() => "token", (e) => e.code);
const exp = (nowS + 86_400) * 1000;
const handWritten = () => (exp > Date.now() ? valid : null);
const handWrittenAsync = () => (exp > Date.now() ? Promise.resolve(valid) : Promise.reject(new Error("expired")));

await machineCall(); // the one refresh attempt fails; the cooldown starts
if ((await fast.getAccessToken()) !== valid || (await machineCall()) !== "refresh_cooldown") throw new Error("bench setup is wrong");

compare("getAccessToken(), call only (the promise is created, not awaited)", [
  { name: "hand-written if (exp > now) return token", fn: handWritten },
  { name: "hand-written, as a Promise", fn: handWrittenAsync },
  { name: "faultline fast path (valid token)", fn: () => fast.getAccessToken() },
], { baseline: "hand-written if (exp > now) return token", iterations: 200_000 });

/** ns per awaited call: median of runs of `n` sequential awaits. */
async function awaited(fn, n) {
  for (let i = 0; i < Math.min(n, 2_000); i++) consume(await fn());
  const samples = [];
  for (let r = 0; r < (QUICK ? 3 : 7); r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) consume(await fn());
    samples.push(((performance.now() - t0) * 1e6) / n);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1];
}

const n = QUICK ? 2_000 : 50_000;
const rows = [];
for (let round = 0; round < 3; round++) {
  rows.push({
    sync: await awaited(async () => handWritten(), n),
    promise: await awaited(handWrittenAsync, n),
    fast: await awaited(() => fast.getAccessToken(), n),
    machine: await awaited(machineCall, QUICK ? 500 : 10_000),
  });
}
const med = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[1];
console.log(`\nawait getAccessToken(), sequential${QUICK ? "  (quick mode: figures are rough)" : ""}`);
for (const [label, k] of [["hand-written if (exp > now) return token", "sync"], ["hand-written, as a Promise", "promise"], ["faultline fast path (valid token)", "fast"], ["faultline machine path (wasm round trip, answered refresh_cooldown)", "machine"]]) {
  console.log(`  ${label.padEnd(44)} ${med(k).toFixed(1).padStart(10)} ${(med(k) / med("sync")).toFixed(2).padStart(8)}×`);
}
fast.dispose();
slow.dispose();
