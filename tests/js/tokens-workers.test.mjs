// Node worker threads share one session: BroadcastChannel works across worker_threads, and
// a SharedArrayBuffer-backed synchronous store (passed through workerData) plays the part
// of localStorage. The main thread and two workers ask for a token at once with an expired
// one; exactly one refresh runs in the whole process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { createTokenManager } from "faultline";

/**
 * A one-key synchronous store in a SharedArrayBuffer: Int32 [0] is a spin lock, [1] the
 * value's length in UTF-16 units (-1: no value), [2] a refresh counter; the text follows.
 * (Stringified into the workers, so it must be self-contained.)
 */
function sabStorage(sab) {
  const head = new Int32Array(sab, 0, 4);
  const text = new Uint16Array(sab, 16);
  const lock = () => { while (Atomics.compareExchange(head, 0, 0, 1) !== 0) Atomics.wait(head, 0, 1, 1); };
  const unlock = () => { Atomics.store(head, 0, 0); Atomics.notify(head, 0, 1); };
  return {
    head,
    getItem() {
      lock();
      try {
        const n = head[1];
        if (n < 0) return null;
        let s = "";
        for (let i = 0; i < n; i += 4096) s += String.fromCharCode.apply(null, text.subarray(i, Math.min(n, i + 4096)));
        return s;
      } finally { unlock(); }
    },
    setItem(_key, value) {
      lock();
      try {
        if (value.length > text.length) throw new Error("quota exceeded");
        for (let i = 0; i < value.length; i++) text[i] = value.charCodeAt(i);
        head[1] = value.length;
      } finally { unlock(); }
    },
    removeItem() { lock(); head[1] = -1; unlock(); },
  };
}

/** refresh(): counts in the shared counter, answers after 30 ms with tokens numbered by it. */
function sharedRefresh(head) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return async () => {
    const n = Atomics.add(head, 2, 1) + 1;
    await new Promise((r) => setTimeout(r, 30));
    return { access: `${enc({ alg: "HS256" })}.${enc({ exp: Math.floor(Date.now() / 1000) + 3600, n })}.c2ln`, refresh: `rt-${n}` };
  };
}

const workerCode = `
const { workerData, parentPort } = require("node:worker_threads");
const { createTokenManager } = require("faultline");
const sabStorage = ${sabStorage.toString()};
const sharedRefresh = ${sharedRefresh.toString()};
const storage = sabStorage(workerData.sab);
const tokens = createTokenManager({ channel: workerData.channel, storage, refresh: sharedRefresh(storage.head) });
parentPort.once("message", async () => {
  const got = await Promise.all(Array.from({ length: 100 }, () => tokens.getAccessToken().catch((e) => "error:" + e.code)));
  parentPort.postMessage({ tokens: [...new Set(got)], started: tokens.stats().refreshesStarted, channel: tokens.stats().channel });
  tokens.dispose();
});
parentPort.postMessage("ready");
`;

test("main thread + 2 worker threads, expired token, 300 callers: one refresh in the process", async () => {
  const sab = new SharedArrayBuffer(16 + 2 * 64 * 1024);
  const storage = sabStorage(sab);
  storage.head[1] = -1;
  const channel = `tokens-workers-${process.pid}`;
  const main = createTokenManager({ channel, storage, refresh: sharedRefresh(storage.head) });
  assert.equal(main.stats().channel, "broadcast");
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const workers = [0, 1].map(() => new Worker(workerCode, { eval: true, workerData: { sab, channel } }));
  try {
    await Promise.all(workers.map((w) => new Promise((ok, fail) => { w.once("message", ok); w.once("error", fail); })));
    main.setTokens({ access: `${enc({ alg: "HS256" })}.${enc({ exp: Math.floor(Date.now() / 1000) - 5 })}.c2ln`, refresh: "rt-0" });
    const answers = workers.map((w) => new Promise((ok, fail) => { w.once("message", ok); w.once("error", fail); }));
    for (const w of workers) w.postMessage("go");
    const mine = await Promise.all(Array.from({ length: 100 }, () => main.getAccessToken()));
    const theirs = await Promise.all(answers);
    const all = new Set([...mine, ...theirs.flatMap((t) => t.tokens)]);
    assert.equal(all.size, 1, `tokens: ${[...all].join(" | ")}`);
    assert.equal(Atomics.load(storage.head, 2), 1, "exactly one refresh() in the process");
    assert.equal(main.stats().refreshesStarted + theirs[0].started + theirs[1].started, 1);
    assert.deepEqual(theirs.map((t) => t.channel), ["broadcast", "broadcast"]);
    assert.equal(JSON.parse(Buffer.from([...all][0].split(".")[1], "base64url")).n, 1);
  } finally {
    main.dispose();
    await Promise.all(workers.map((w) => w.terminate()));
  }
});
