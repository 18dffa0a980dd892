/**
 * Retry decisions and pacing: {@link RetryPolicy} (backoff with jitter, server hints,
 * per-call limits, a shared retry budget and a circuit breaker per origin) and
 * {@link Pacer} (stay under known rate limits instead of backing off after a 429).
 *
 * The engine is the Rust core. Options, the `decide` input and the decision cross as plain
 * objects whose types are generated from the Rust definitions (`generated.ts`), so names,
 * defaults, vocabularies and error messages are the core's, written once.
 * @module
 */
import { PacerEngine, RetryEngine } from "faultline-glue";
import { FaultlineError, fromWasmError } from "./errors.js";
import type {
  BreakerState, Jitter, LargeHint, PacerPolicy, PacerRate, RetryBreakerOptions, RetryBudgetOptions,
  RetryClassification, RetryDecideInput, RetryDecision, RetryPolicyOptions, RetryReason,
} from "./generated.js";
import { assertReady } from "./wasm.js";

export type {
  BreakerState, Jitter, LargeHint, PacerPolicy, PacerRate, RetryBreakerOptions, RetryBudgetOptions,
  RetryClassification, RetryDecideInput, RetryDecision, RetryPolicyOptions, RetryReason,
};

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

  /**
   * @param options - see {@link RetryPolicyOptions}; all optional
   * @throws {FaultlineError} `retry_invalid_option` or `retry_unknown_option` (the message
   *   names the option).
   */
  constructor(options: RetryPolicyOptions = {}) {
    assertReady();
    let opts: unknown = options ?? {};
    if (typeof opts === "object" && opts !== null && !Array.isArray(opts)) {
      const o: Record<string, unknown> = { ...opts };
      if (o.seed === undefined || o.seed === null) o.seed = randomSeed();
      opts = o;
    }
    const engine = call(() => new RetryEngine(opts));
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
    return call(() => e.decide(input) as RetryDecision);
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
  /** Header-announced scope names per caller scope ("" = applies to every send). */
  #announced = new Map<string, string[]>();
  /** The engine scopes a send in each caller scope must respect, rebuilt when a header changes them. */
  #keys = new Map<string, string[]>();

  /**
   * @param limits - `{ scope: "10/hour", ... }`
   * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
   */
  constructor(limits: Record<string, string> = {}) {
    assertReady();
    if (limits === null || typeof limits !== "object") throw bad(`limits must be an object, got ${describe(limits)}`);
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
 * `createPacer({ report_generation: "10/hour", burst: "60/minute" })`.
 * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
 */
export function createPacer(limits: Record<string, string> = {}): Pacer {
  return new Pacer(limits);
}
