/**
 * Retry decisions and pacing: {@link RetryPolicy} (backoff with jitter, server hints,
 * per-call limits, a shared retry budget and a circuit breaker per origin) and
 * {@link Pacer} (stay under known rate limits instead of backing off after a 429).
 *
 * The engine is the Rust core. Options and the `decide` input cross as JSON text, the
 * decision as a plain object; their types are generated from the Rust definitions
 * (`generated.ts`), so names, defaults, vocabularies and error messages are the core's,
 * written once.
 * @module
 */
import { PacerEngine, RetryEngine } from "faultline-glue";
import { FaultlineError, fromWasmError } from "./errors.js";
import type {
  BreakerState, Jitter, LargeHint, PacerPolicy, PacerRate, RetryBreakerOptions, RetryBudgetOptions, RetryCircuit,
  RetryClassification, RetryDecideInput, RetryDecision, RetryPolicyOptions as CoreOptions, RetryReason, RetrySharedState,
} from "./generated.js";
import { assertReady } from "./wasm.js";
import { toWire } from "./wire.js";

export type {
  BreakerState, Jitter, LargeHint, PacerPolicy, PacerRate, RetryBreakerOptions, RetryBudgetOptions, RetryCircuit,
  RetryClassification, RetryDecideInput, RetryDecision, RetryReason, RetrySharedState,
};

/** A value a {@link RetryStore} holds, with its version (0 when the store has none). */
export interface StoredValue {
  /** Bumped by every save; a save names the version it read. */
  version: number;
  /** The plain data saved last (`null` when none). */
  value: unknown;
}

/** One value to save, if its key still has the version that was read. */
export interface StoreEntry {
  key: string;
  version: number;
  value: unknown;
  /** Keep the key at least this long (a pacing window); the store's own expiry applies too. */
  minTtlMs?: number;
}

/**
 * A store call that did not answer (timeout, error, or a disposed store): the caller ran on
 * its local state for it. `error` is what the client or Redis threw, when something did.
 */
export interface StoreFallback {
  type: "store_fallback";
  op: "load" | "save";
  reason: "timeout" | "error" | "disposed";
  error?: unknown;
}

/** Per-call options of the shared methods ({@link RetryPolicy.decideShared}, {@link Pacer.reserve}...). */
export interface SharedCallOptions {
  /** Told when this call ran on local state because the store did not answer; exceptions it throws are ignored. */
  onFallback?: (event: StoreFallback) => void;
}

/**
 * Where the processes of a fleet keep the state their policies and pacers share (budget
 * tokens, each origin's circuit, pacing windows): `createRedisStore` from `faultline/redis`.
 * The store only holds plain data; every decision is made by the engine on what it returns.
 * Neither method may reject: an unreachable store answers `null` / `"unavailable"`, and the
 * caller then decides on its local state.
 */
export interface RetryStore {
  /** Reads `keys` in one snapshot, or `null` when the store cannot answer now (then tells `onFallback` why). */
  load(keys: string[], onFallback?: (event: StoreFallback) => void): Promise<StoredValue[] | null>;
  /** Saves every entry if no key's version moved since it was read (all or none); `"unavailable"` tells `onFallback` why. */
  save(entries: StoreEntry[], onFallback?: (event: StoreFallback) => void): Promise<"saved" | "conflict" | "unavailable">;
}

/** Options of {@link RetryPolicy}: the core's options, and a store to share state through. */
export interface RetryPolicyOptions extends CoreOptions {
  /** Share the budget and the breakers with other processes (`createRedisStore`). */
  store?: RetryStore | null;
}

/** Options of {@link createPacer} beyond the limits. */
export interface PacerOptions {
  /** Share the pacing windows with other processes (`createRedisStore`). */
  store?: RetryStore | null;
}

/** How often a shared operation loads again after another process saved first. */
const SHARED_TRIES = 16;

function checkStore(store: unknown): RetryStore | undefined {
  if (store === undefined || store === null) return undefined;
  const s = store as Partial<RetryStore>;
  if (typeof s.load !== "function" || typeof s.save !== "function") {
    throw bad("store must have load() and save() (see createRedisStore in faultline/redis)");
  }
  return store as RetryStore;
}

/**
 * Reports one fallback of `op` to `onFallback`: the store's own account when it gave one,
 * else a plain `error` (a store that says nothing, or one that threw).
 */
function reporter(op: "load" | "save", onFallback: SharedCallOptions["onFallback"]) {
  let told = false;
  const tell = (event: StoreFallback): void => {
    if (told) return;
    told = true;
    try {
      onFallback?.(event);
    } catch {
      // A listener cannot break a request.
    }
  };
  return { tell, missed: (error?: unknown) => tell(error === undefined ? { type: "store_fallback", op, reason: "error" } : { type: "store_fallback", op, reason: "error", error }) };
}

async function load(store: RetryStore, keys: string[], onFallback: SharedCallOptions["onFallback"]): Promise<StoredValue[] | null> {
  const r = reporter("load", onFallback);
  try {
    const got = await store.load(keys, r.tell);
    if (Array.isArray(got) && got.length === keys.length) return got;
  } catch (e) {
    r.missed(e);
    return null;
  }
  r.missed();
  return null;
}

async function save(store: RetryStore, entries: StoreEntry[], onFallback: SharedCallOptions["onFallback"]): Promise<"saved" | "conflict" | "unavailable"> {
  const r = reporter("save", onFallback);
  try {
    const got = await store.save(entries, r.tell);
    if (got === "saved" || got === "conflict") return got;
  } catch (e) {
    r.missed(e);
    return "unavailable";
  }
  r.missed();
  return "unavailable";
}

/**
 * Runs `step` on the state `store` holds under `keys`: loads it into the engine (`apply`),
 * runs the step, saves what changed (`entries`); when another process saved first, does it
 * again on the newer state. When the store cannot answer, the step runs on local state;
 * when others keep saving first, the answer is `contended()`.
 */
async function shared<T>(
  store: RetryStore,
  keys: string[],
  apply: (values: unknown[]) => void,
  step: () => T,
  entries: (versions: number[]) => StoreEntry[],
  onFallback: SharedCallOptions["onFallback"],
  contended: () => T = step,
): Promise<T> {
  for (let i = 0; i < SHARED_TRIES; i++) {
    const snap = await load(store, keys, onFallback);
    if (snap === null) return step();
    try {
      apply(snap.map((v) => v?.value ?? null));
    } catch {
      // Stored data the engine refuses reads as absent (the initial state).
      apply(keys.map(() => null));
    }
    const result = step();
    if ((await save(store, entries(snap.map((v) => v?.version ?? 0)), onFallback)) !== "conflict") return result;
  }
  return contended();
}

/**
 * `[Symbol.dispose](): void` where the TypeScript lib knows `Symbol.dispose` (esnext or
 * `@types/node`), and nothing otherwise: the types need no more than ES2020 + DOM, and
 * `using` type-checks wherever the lib has it.
 */
export type Disposable = SymbolConstructor extends { readonly dispose: infer S extends symbol }
  ? { [K in S]: () => void }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  : {};

function bad(message: string): FaultlineError {
  return new FaultlineError("invalid_argument", message);
}

/**
 * Options as the engine reads them, ready for the wire. The core reads names two levels deep
 * (`budget.retryCost`) and judges every value itself, refusing a wrong one by option name
 * (`retry_invalid_option`); so what JSON cannot carry is written as what it is: a BigInt as
 * its number, NaN, a function or a symbol as its name (a wrong type, like any string), an
 * array as an empty one and an object below the second level, which the core does not read,
 * as an empty one.
 */
function optionsWire(v: unknown, level = 0): unknown {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  if (typeof v === "function" || typeof v === "symbol") return typeof v;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return [];
  if (level >= 2) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, optionsWire(x, level + 1)]));
}

const describe = (v: unknown): string => (v === null ? "null" : typeof v === "number" ? String(v) : typeof v);

/** A finite epoch time in ms, or now when absent. */
function now(v: unknown): number {
  if (v === undefined || v === null) return Date.now();
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`nowMs must be a finite number, got ${describe(v)}`);
  return v;
}

function checkOrigin(origin: unknown): asserts origin is string {
  if (typeof origin !== "string") throw bad(`origin must be a string, got ${describe(origin)}`);
}

/** A whole number below 2^53 from the platform's CSPRNG (Math.random only where there is none). */
function randomSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues !== undefined) {
    const a = c.getRandomValues(new Uint32Array(2));
    return (a[0]! & 0x1fffff) * 0x1_0000_0000 + a[1]!;
  }
  return Math.floor(Math.random() * 2 ** 53);
}

/** Runs a wasm call, turning its errors into `FaultlineError`s. */
function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromWasmError(e);
  }
}

// Frees the wasm side of objects the user forgot to free().
const registry: FinalizationRegistry<{ free(): void }> | undefined =
  typeof FinalizationRegistry === "function" ? new FinalizationRegistry((engine) => engine.free()) : undefined;

/** `Symbol.dispose` where the engine has it (Node 20+, recent browsers); elsewhere a private symbol. */
const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? /* @__PURE__ */ Symbol("dispose");

// ---------------------------------------------------------------------------------------

/**
 * Decides whether and when to retry a failed request: exponential backoff with jitter,
 * server hints (Retry-After and friends, jittered; a hint above `maxRetryAfterMs` gives up
 * by default and says when to try again in `retryAtMs`), separate limits for 5xx and for
 * throttling, a per-call deadline, and — shared by every call that uses this policy — a
 * retry budget and a circuit breaker per origin. Create ONE policy per client and reuse it.
 *
 * Call {@link RetryPolicy.free} (or `using policy = new RetryPolicy()`) when done; a policy
 * that is garbage-collected is freed too.
 *
 * @example
 * const policy = new RetryPolicy({ maxAttempts: 4 });
 * const d = policy.decide({ attempt: 1, classification, method: "GET", origin: "https://api.example.com" });
 * if (d.retry) await sleep(d.delayMs);
 */
export class RetryPolicy {
  /** The jitter seed in use (the one given, or the random one picked); log it to reproduce. */
  readonly seed: number;
  #engine: RetryEngine | undefined;
  #store: RetryStore | undefined;

  /**
   * @param options - see {@link RetryPolicyOptions}; all optional
   * @throws {FaultlineError} `retry_invalid_option` or `retry_unknown_option` (the message
   *   names the option).
   */
  constructor(options: RetryPolicyOptions = {}) {
    assertReady();
    let opts: unknown = options ?? {};
    if (typeof opts === "object" && opts !== null && !Array.isArray(opts)) {
      const { store, ...o }: Record<string, unknown> = { ...opts };
      this.#store = checkStore(store);
      if (o.seed === undefined || o.seed === null) o.seed = randomSeed();
      opts = o;
    }
    let wire: string;
    try {
      wire = toWire("RetryPolicy options", optionsWire(opts));
    } catch (e) {
      throw e instanceof FaultlineError ? e : bad(`RetryPolicy options could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    const engine = call(() => new RetryEngine(wire));
    this.#engine = engine;
    this.seed = engine.seed;
    registry?.register(this, engine, this);
  }

  #live(): RetryEngine {
    if (this.#engine === undefined) throw bad("this RetryPolicy has been freed");
    return this.#engine;
  }

  /**
   * Decides about one failed attempt. Checks, in order (the first that applies is the
   * `reason`): aborted / not retryable; unsafe method (POST/PATCH without an idempotency key
   * unless `notSent` or `retryNonIdempotent`); attempt limits; open circuit; the delay (hint or
   * backoff; `hint_too_large` for a hint above `maxRetryAfterMs` with `largeHint: "fail"`,
   * the default); deadline; budget.
   *
   * A failure with category `server`, `unavailable`, `timeout` or `network` and an `origin`
   * counts toward that origin's breaker.
   *
   * @throws {FaultlineError} `invalid_argument` for a missing or malformed field.
   */
  decide(input: RetryDecideInput): RetryDecision {
    const e = this.#live();
    const wire = toWire("decide input", input);
    return call(() => e.decide(wire) as RetryDecision);
  }

  /**
   * The first `n` backoff delays (ms) of a call whose failures carry no server hint, for UIs
   * and plots: entry `k` is the delay before retry `k + 1`. At most 1000 entries. Reproducible
   * from the seed, and it does not disturb `decide`.
   * @throws {FaultlineError} `invalid_argument` when `n` is not a whole number >= 0.
   */
  schedule(n: number): number[] {
    const e = this.#live();
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw bad(`n must be a whole number >= 0, got ${describe(n)}`);
    return Array.from(e.schedule(Math.min(n, 1000)));
  }

  /**
   * Asks whether a request to `origin` may be sent now (call it before every send, retries
   * included). `false` means the circuit is open: fail fast. When the cool-down is over,
   * exactly one caller gets `true` (the probe).
   */
  allowRequest(origin: string, nowMs?: number): boolean {
    const e = this.#live();
    checkOrigin(origin);
    return e.allow_request(origin, now(nowMs));
  }

  /** A request succeeded: refills the budget and, with an origin, closes its circuit. */
  recordSuccess(origin?: string | null, nowMs?: number): void {
    const e = this.#live();
    if (origin !== undefined && origin !== null) checkOrigin(origin);
    e.record_success(origin ?? undefined, now(nowMs));
  }

  /**
   * A request to `origin` failed in a way that says the origin is unhealthy. `decide` already
   * records the failures it sees; call this only for failures you do not pass to `decide`.
   */
  recordFailure(origin: string, nowMs?: number): void {
    const e = this.#live();
    checkOrigin(origin);
    e.record_failure(origin, now(nowMs));
  }

  /** Tokens left in the retry budget; `null` when the budget is disabled. */
  get budgetTokens(): number | null {
    return this.#live().budget_tokens() ?? null;
  }

  /** The circuit state of `origin` now (or at `nowMs`); `null` when the breaker is disabled. */
  breakerState(origin: string, nowMs?: number): BreakerState | null {
    const e = this.#live();
    checkOrigin(origin);
    return (e.breaker_state(origin, now(nowMs)) as BreakerState | undefined) ?? null;
  }

  /**
   * {@link RetryPolicy.decide} on the budget and the origin's circuit that every process
   * sharing the policy's `store` sees, saved back atomically. Without a store, or when the
   * store does not answer in time, it decides on this process's own state (and tells
   * `options.onFallback`). Never rejects because of the store.
   */
  async decideShared(input: RetryDecideInput, options?: SharedCallOptions): Promise<RetryDecision> {
    const origin = input?.origin ?? undefined;
    if (origin !== undefined) checkOrigin(origin);
    return this.#shared(origin, true, () => this.decide(input), options);
  }

  /** {@link RetryPolicy.allowRequest} on the circuit every process sharing the store sees. */
  async allowRequestShared(origin: string, nowMs?: number, options?: SharedCallOptions): Promise<boolean> {
    checkOrigin(origin);
    return this.#shared(origin, false, () => this.allowRequest(origin, nowMs), options);
  }

  /** {@link RetryPolicy.recordSuccess} on the shared budget and circuit. */
  async recordSuccessShared(origin?: string | null, nowMs?: number, options?: SharedCallOptions): Promise<void> {
    if (origin !== undefined && origin !== null) checkOrigin(origin);
    return this.#shared(origin ?? undefined, true, () => this.recordSuccess(origin, nowMs), options);
  }

  /** {@link RetryPolicy.recordFailure} on the shared circuit. */
  async recordFailureShared(origin: string, nowMs?: number, options?: SharedCallOptions): Promise<void> {
    checkOrigin(origin);
    return this.#shared(origin, false, () => this.recordFailure(origin, nowMs), options);
  }

  /** Runs `step` on the shared state of the budget (when `budget`) and of `origin`'s circuit. */
  #shared<T>(origin: string | undefined, budget: boolean, step: () => T, options: SharedCallOptions | undefined): Promise<T> {
    const e = this.#live();
    const store = this.#store;
    if (store === undefined) return Promise.resolve().then(step);
    const o = origin ?? "";
    const keys = [...(budget ? ["retry:budget"] : []), ...(origin === undefined ? [] : [`retry:circuit:${origin}`])];
    if (keys.length === 0) return Promise.resolve().then(step);
    const current = (): RetrySharedState => e.shared(o) as RetrySharedState;
    return shared(
      store,
      keys,
      (values) => {
        const state = current();
        const [first = null, second = null] = values;
        if (budget) state.budgetTokens = typeof first === "number" ? first : null;
        if (origin !== undefined) state.circuit = (budget ? second : first) as RetryCircuit | null;
        e.set_shared(o, toWire("shared retry state", state));
      },
      step,
      (versions) => {
        const state = current();
        const out: StoreEntry[] = [];
        if (budget) out.push({ key: "retry:budget", version: versions[0] ?? 0, value: state.budgetTokens });
        if (origin !== undefined) out.push({ key: `retry:circuit:${origin}`, version: versions[out.length] ?? 0, value: state.circuit });
        return out;
      },
      options?.onFallback,
    );
  }

  /** Releases the wasm memory of this policy now. Later calls throw `invalid_argument`. Idempotent. */
  free(): void {
    const e = this.#engine;
    if (e === undefined) return;
    this.#engine = undefined;
    registry?.unregister(this);
    e.free();
  }

  /** Same as {@link RetryPolicy.free}, for `using policy = new RetryPolicy()`. */
  [DISPOSE](): void {
    this.free();
  }
}

// The type of `[Symbol.dispose]()` where the lib has it.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RetryPolicy extends Disposable {}

// ---------------------------------------------------------------------------------------

/** What `reserve` answers when other processes keep taking slots first. */
const CONTENDED_WAIT_MS = 5;

/** Header-announced policies live in their own scopes: `<scope>\u001f<name>`. */
const SEP = "\u001f";

function checkScope(scope: unknown): asserts scope is string {
  if (typeof scope !== "string" || scope === "" || scope.includes("\n") || scope.includes(SEP)) {
    throw bad(`a scope must be a non-empty string without line breaks, got ${describe(scope)}`);
  }
}

/**
 * Paces sends so that known rate limits are never hit, over the same rolling window the
 * server uses: `delayBeforeSend(scope)` says how long to wait, `recordSend(scope)` counts a
 * send. Limits come from specs (`"10/hour"`, `"60/minute"`, `"5/s"`) and from the server's
 * `RateLimit-Policy` header. A scope without a limit is never delayed. At most 64 scopes.
 *
 * @example
 * const pacer = createPacer({ report_generation: "10/hour" });
 * await sleep(pacer.delayBeforeSend("report_generation"));
 * pacer.recordSend("report_generation");
 */
export class Pacer {
  #core: PacerEngine | undefined;
  #store: RetryStore | undefined;
  /** Header-announced scope names per caller scope ("" = applies to every send). */
  #announced = new Map<string, string[]>();
  /** The engine scopes a send in each caller scope must respect, rebuilt when a header changes them. */
  #keys = new Map<string, string[]>();

  /**
   * @param limits - `{ scope: "10/hour", ... }`
   * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
   */
  constructor(limits: Record<string, string> = {}, options: PacerOptions = {}) {
    assertReady();
    if (limits === null || typeof limits !== "object") throw bad(`limits must be an object, got ${describe(limits)}`);
    this.#store = checkStore(options?.store);
    this.#core = new PacerEngine();
    registry?.register(this, this.#core, this);
    try {
      for (const [scope, rate] of Object.entries(limits)) this.setLimit(scope, rate);
    } catch (e) {
      this.free();
      throw e;
    }
  }

  #live(): PacerEngine {
    if (this.#core === undefined) throw bad("this Pacer has been freed");
    return this.#core;
  }

  /** The engine scopes a send in `scope` must respect. */
  #scopes(scope: string | undefined): string[] {
    const k = scope ?? "";
    let s = this.#keys.get(k);
    if (s === undefined) {
      s = scope === undefined
        ? [...(this.#announced.get("") ?? [])]
        : [scope, ...(this.#announced.get(k) ?? []), ...(this.#announced.get("") ?? [])];
      this.#keys.set(k, s);
    }
    return s;
  }

  /**
   * Sets (or replaces) the limit of `scope`, e.g. `setLimit("burst", "60/minute")`. Sends
   * already recorded are kept.
   * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
   */
  setLimit(scope: string, rate: string): void {
    const p = this.#live();
    checkScope(scope);
    if (typeof rate !== "string") throw bad(`a rate must be a string such as "10/hour", got ${describe(rate)}`);
    call(() => p.set_limit(scope, rate));
  }

  /** The limit set on `scope` (by a spec), or `null`. */
  limit(scope: string): PacerRate | null {
    const p = this.#live();
    checkScope(scope);
    return call(() => p.limit(scope) as PacerRate | null);
  }

  /**
   * Milliseconds to wait before a send in `scope` (0 = send now): the longest wait among the
   * scope's own limit, the policies a header announced for it, and those announced for every
   * send. Without a scope, only the latter.
   */
  delayBeforeSend(scope?: string, nowMs?: number): number {
    const p = this.#live();
    if (scope !== undefined) checkScope(scope);
    const t = now(nowMs);
    let wait = 0;
    for (const s of this.#scopes(scope)) wait = Math.max(wait, p.delay(s, t));
    return wait;
  }

  /** Counts a send in `scope` (and in the policies that apply to it). Call it when you send. */
  recordSend(scope?: string, nowMs?: number): void {
    const p = this.#live();
    if (scope !== undefined) checkScope(scope);
    const t = now(nowMs);
    for (const s of this.#scopes(scope)) p.record(s, t);
  }

  /**
   * Waits for nothing and takes a send slot now when one is free: returns 0 and records the
   * send in `scope` (and the policies that apply to it), or returns how long to wait and
   * records nothing. With a `store`, the slot is taken in the window every process sharing
   * it sees, atomically (so "10/hour" is 10 across the fleet); when the store does not answer
   * in time, in this process's own window; when many processes keep taking slots first, a
   * few ms (ask again). Never rejects because of the store; `options.onFallback` hears of
   * each fallback.
   */
  async reserve(scope?: string, nowMs?: number, options?: SharedCallOptions): Promise<number> {
    const p = this.#live();
    if (scope !== undefined) checkScope(scope);
    const names = this.#scopes(scope);
    const take = (): number => {
      const t = now(nowMs);
      let wait = 0;
      for (const s of names) wait = Math.max(wait, p.delay(s, t));
      if (wait === 0) for (const s of names) p.record(s, t);
      return wait;
    };
    const store = this.#store;
    const limited = names.filter((s) => p.limit(s) !== null);
    if (store === undefined || limited.length === 0) return take();
    const keys = limited.map((s) => `pacer:${s}`);
    return shared(
      store,
      keys,
      (values) => limited.forEach((s, i) => p.set_sends(s, Array.isArray(values[i]) ? values[i].filter((x: unknown) => typeof x === "number") : [])),
      take,
      (versions) => limited.map((s, i) => ({
        key: keys[i]!,
        version: versions[i] ?? 0,
        value: Array.from(p.sends(s)),
        minTtlMs: (p.limit(s) as PacerRate | null)?.windowMs ?? 0,
      })),
      options?.onFallback,
      // Taking a slot nobody else can see would break the limit: ask again in a moment.
      () => CONTENDED_WAIT_MS,
    );
  }

  /**
   * Learns limits from a `RateLimit-Policy` response header (IETF draft), e.g.
   * `"burst";q=100;w=60, "daily";q=1000;w=86400`. With a `scope`, the policies apply to sends
   * in that scope; without, to every send. They replace the policies the previous header gave
   * the same scope. Policies in units other than requests, or without a window, are skipped.
   * An absent header (`null`, `undefined`, `""`) changes nothing, so you can pass
   * `response.headers.get("RateLimit-Policy")` directly. Sends made before the header arrived
   * are not counted against its policies.
   *
   * @returns the policies applied
   * @throws {FaultlineError} `retry_invalid_ratelimit_policy`, `retry_too_many_scopes`, `invalid_argument`.
   */
  updateFromHeader(value: string | null | undefined): PacerPolicy[];
  updateFromHeader(scope: string, value: string | null | undefined): PacerPolicy[];
  updateFromHeader(a: string | null | undefined, b?: string | null): PacerPolicy[] {
    const p = this.#live();
    let scope = "";
    let value: unknown = a;
    if (arguments.length >= 2) {
      checkScope(a);
      scope = a;
      value = b;
    }
    if (value === undefined || value === null || value === "") return [];
    if (typeof value !== "string") throw bad(`a RateLimit-Policy value must be a string, got ${describe(value)}`);
    const prefix = scope + SEP;
    const policies = call(() => p.apply_header(prefix, value) as PacerPolicy[]);
    this.#announced.set(scope, policies.map((x) => prefix + x.name));
    this.#keys.clear();
    return policies;
  }

  /** Releases the wasm memory of this pacer now. Later calls throw `invalid_argument`. Idempotent. */
  free(): void {
    const c = this.#core;
    if (c === undefined) return;
    this.#core = undefined;
    registry?.unregister(this);
    c.free();
  }

  /** Same as {@link Pacer.free}, for `using pacer = createPacer(...)`. */
  [DISPOSE](): void {
    this.free();
  }
}

// The type of `[Symbol.dispose]()` where the lib has it.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Pacer extends Disposable {}

/**
 * A {@link Pacer} with limits per scope, e.g. the ones an API documents:
 * `createPacer({ report_generation: "10/hour", burst: "60/minute" })`; with
 * `{ store }` as the second argument the windows are shared by a fleet (see {@link Pacer.reserve}).
 * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
 */
export function createPacer(limits: Record<string, string> = {}, options: PacerOptions = {}): Pacer {
  return new Pacer(limits, options);
}
