/**
 * `faultline/redis`: a {@link RetryStore} in Redis, so the processes of a Node fleet share
 * one retry budget, one circuit per origin and one pacing window per scope.
 *
 * The store keeps plain data (what the engine hands it) under `<prefix><key>` as a hash of a
 * version and a JSON value; every decision is still made by the engine, on what the store
 * returns. A save is a compare-and-set of every key it touches, in one Lua script, so two
 * processes never both spend the last retry token: the one that saved second loads again.
 * Scripts run by `EVALSHA` and fall back to `EVAL` on `NOSCRIPT`, so a restarted or flushed
 * Redis heals by itself. Each call has a deadline (`timeoutMs`, default 50 ms): past it, or
 * on any error, the caller runs on its local state and an event says so. The store opens no
 * connection and holds no timer between calls: the app's client is used as it is, and
 * `dispose()` turns the store off.
 * @module
 */
import { createHash } from "node:crypto";
import { FaultlineError } from "./errors.js";
import type { RetryStore, StoreEntry, StoredValue, StoreFallback } from "./retry.js";

/** Something the store tells about itself. */
export type RedisStoreEvent = StoreFallback | { type: "store_conflict"; keys: string[] };

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client (`new Redis()`) or a node-redis v4+ client (`createClient()`, connected). */
  client: unknown;
  /** Prefix of every key. Default `"faultline:"`. */
  prefix?: string;
  /** Keys expire after this long without a save (a pacing key lives at least its window). Default 1 hour. */
  ttlMs?: number;
  /** Longest wait for Redis per call before falling back to local state. Default 50 ms. */
  timeoutMs?: number;
  /** Told about fallbacks and conflicts; a throwing listener is ignored. */
  onEvent?: (event: RedisStoreEvent) => void;
}

/** The store, with counters and `dispose()`. */
export interface RedisStore extends RetryStore {
  /** Calls that ran on local state (timeout, error or disposed), and saves that met a newer version. */
  readonly stats: { fallbacks: number; conflicts: number };
  /** Stops using Redis: later calls answer "unavailable" at once. Idempotent. */
  dispose(): void;
}

// KEYS: the keys. Returns version, value for each key ("0", "" when absent).
const LOAD = `local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'v', 's')
  out[2 * i - 1] = v[1] or '0'
  out[2 * i] = v[2] or ''
end
return out`;

// KEYS: the keys. ARGV: version, value, ttl ms for each key. Writes all or none.
const SAVE = `for i, key in ipairs(KEYS) do
  if (redis.call('HGET', key, 'v') or '0') ~= ARGV[3 * i - 2] then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'v', tostring(tonumber(ARGV[3 * i - 2]) + 1), 's', ARGV[3 * i - 1])
  redis.call('PEXPIRE', key, ARGV[3 * i])
end
return 1`;

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash("sha1").update(source).digest("hex") });

type Run = (s: Script, keys: string[], args: string[]) => Promise<unknown>;

/** `EVALSHA`, then `EVAL` when Redis does not know the script (a restart, `SCRIPT FLUSH`). */
function runner(client: unknown): Run {
  const c = (typeof client === "object" && client !== null ? client : {}) as Record<string, unknown>;
  type Call = (...a: unknown[]) => Promise<unknown>;
  let evalsha: (s: Script, keys: string[], args: string[]) => Promise<unknown>;
  let evaluate: (s: Script, keys: string[], args: string[]) => Promise<unknown>;
  if (typeof c.evalSha === "function" && typeof c.eval === "function") {
    // node-redis v4+
    evalsha = (s, keys, args) => (c.evalSha as Call).call(client, s.sha, { keys, arguments: args });
    evaluate = (s, keys, args) => (c.eval as Call).call(client, s.source, { keys, arguments: args });
  } else if (typeof c.evalsha === "function" && typeof c.eval === "function") {
    // ioredis
    evalsha = (s, keys, args) => (c.evalsha as Call).call(client, s.sha, keys.length, ...keys, ...args);
    evaluate = (s, keys, args) => (c.eval as Call).call(client, s.source, keys.length, ...keys, ...args);
  } else {
    throw new FaultlineError("invalid_argument", "createRedisStore: client must be an ioredis or node-redis client");
  }
  return async (s, keys, args) => {
    try {
      return await evalsha(s, keys, args);
    } catch (e) {
      if (!String((e as { message?: unknown })?.message ?? e).includes("NOSCRIPT")) throw e;
      return evaluate(s, keys, args);
    }
  };
}

const positive = (v: unknown, name: string, dflt: number, max: number): number => {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > max) {
    throw new FaultlineError("invalid_argument", `createRedisStore: ${name} must be a number between 0 and ${max}, got ${String(v)}`);
  }
  return v;
};

/** Settles with `p`, or rejects with "timeout" after `ms` (the timer never keeps the process alive). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    (timer as { unref?: () => void }).unref?.();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * A {@link RetryStore} over the app's Redis client, for `new RetryPolicy({ store })` and
 * `createPacer(limits, { store })`.
 *
 * @example
 * import Redis from "ioredis";
 * import { RetryPolicy } from "faultline";
 * import { createRedisStore } from "faultline/redis";
 * const store = createRedisStore({ client: new Redis() });
 * const policy = new RetryPolicy({ store });
 * const d = await policy.decideShared({ attempt, classification, origin });
 * @throws {FaultlineError} `invalid_argument` for a client that is neither, or bad numbers.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  if (options === null || typeof options !== "object") {
    throw new FaultlineError("invalid_argument", "createRedisStore takes an options object with a client");
  }
  const run = runner(options.client);
  const prefix = options.prefix ?? "faultline:";
  if (typeof prefix !== "string") throw new FaultlineError("invalid_argument", "createRedisStore: prefix must be a string");
  const ttlMs = positive(options.ttlMs, "ttlMs", 3_600_000, 2 ** 31);
  const timeoutMs = positive(options.timeoutMs, "timeoutMs", 50, 60_000);
  const onEvent = options.onEvent;
  const load = script(LOAD);
  const save = script(SAVE);
  const stats = { fallbacks: 0, conflicts: 0 };
  let disposed = false;

  /** Tells a listener; a throwing listener cannot break a request. */
  const tell = <E>(listener: ((event: E) => void) | undefined, event: E): void => {
    try {
      listener?.(event);
    } catch {
      // ignored
    }
  };
  type Listener = ((event: StoreFallback) => void) | undefined;
  /** A call ran on local state: counted, and told to the store's listener and to the caller's. */
  const fallback = (op: "load" | "save", listener: Listener, error?: unknown): void => {
    stats.fallbacks++;
    const reason = disposed ? "disposed" : (error as Error | undefined)?.message === "timeout" ? "timeout" : "error";
    const event: StoreFallback = reason === "error" ? { type: "store_fallback", op, reason, error } : { type: "store_fallback", op, reason };
    tell(onEvent, event);
    tell(listener, event);
  };
  const parse = (text: unknown): unknown => {
    if (typeof text !== "string" || text === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  };

  return {
    stats,
    async load(keys: string[], listener?: Listener): Promise<StoredValue[] | null> {
      if (disposed) {
        fallback("load", listener);
        return null;
      }
      try {
        const reply = await within(run(load, keys.map((k) => prefix + k), []), timeoutMs);
        if (!Array.isArray(reply) || reply.length !== keys.length * 2) throw new Error("unexpected reply to the load script");
        return keys.map((_, i) => ({ version: Number(reply[2 * i]) || 0, value: parse(reply[2 * i + 1]) }));
      } catch (e) {
        fallback("load", listener, e);
        return null;
      }
    },
    async save(entries: StoreEntry[], listener?: Listener): Promise<"saved" | "conflict" | "unavailable"> {
      if (disposed) {
        fallback("save", listener);
        return "unavailable";
      }
      const keys = entries.map((e) => prefix + e.key);
      const args = entries.flatMap((e) => [
        String(e.version),
        JSON.stringify(e.value ?? null),
        String(Math.ceil(Math.max(ttlMs, e.minTtlMs ?? 0))),
      ]);
      try {
        const reply = await within(run(save, keys, args), timeoutMs);
        if (Number(reply) === 1) return "saved";
        stats.conflicts++;
        tell(onEvent, { type: "store_conflict", keys: entries.map((e) => e.key) });
        return "conflict";
      } catch (e) {
        fallback("save", listener, e);
        return "unavailable";
      }
    },
    dispose(): void {
      disposed = true;
    },
  };
}
