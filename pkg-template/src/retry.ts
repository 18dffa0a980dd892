/**
 * Retry decisions and pacing: {@link RetryPolicy} (backoff with jitter, server hints,
 * per-call limits, a shared retry budget and a circuit breaker per origin) and
 * {@link Pacer} (stay under known rate limits instead of backing off after a 429).
 *
 * The engine is the Rust core. `decide` runs after every failed request, so it crosses into
 * wasm as numbers only: the category, hint source and method travel as indices into tables
 * that the wasm module exports once (never copied here), and the answer comes back as one
 * packed number plus the delay. Options are read once, as JSON, by the core itself, so names,
 * defaults and error messages are identical everywhere.
 * @module
 */
import { FaultlineError, fromWasmError } from "./errors.js";
import { outSlots, writeString, writeStrings } from "./scratch.js";
import type { Category } from "./types.js";
import { wasm } from "./wasm.js";

/** How random a backoff delay is. `full` (default): `U(0, ceiling)`. */
export type Jitter = "full" | "equal" | "decorrelated" | "none";

/** What to do when the server asks for a longer wait than `maxRetryAfterMs`. */
export type LargeHint = "honor" | "clamp" | "fail";

/** Why a retry decision came out the way it did. The two `retry_*` reasons mean "retry". */
export type RetryReason =
  | "retry_backoff" | "retry_hint" | "not_retryable" | "aborted" | "attempts_exhausted"
  | "deadline_exceeded" | "budget_exhausted" | "circuit_open" | "hint_too_large" | "unsafe_method";

/** The state of one origin's circuit breaker. */
export type BreakerState = "closed" | "open" | "half_open";

/** The shared retry budget (an AWS-style token bucket). */
export interface RetryBudgetOptions {
  /** Tokens when full. Default 500. */
  capacity?: number;
  /** Tokens one retry costs. Default 5. */
  retryCost?: number;
  /** Tokens one retry after a timeout or network failure costs. Default 10. */
  timeoutCost?: number;
  /** Tokens each success returns. Default 1. */
  successRefill?: number;
}

/** The per-origin circuit breaker. */
export interface RetryBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe is let through. Default 5000 ms. */
  cooldownMs?: number;
  /** Most origins tracked (least recently used forgotten first). Default 256, at most 10 000. */
  maxOrigins?: number;
}

/**
 * Options of {@link RetryPolicy}. Every one is optional; `null` means "the default".
 * Unknown names are errors (`retry_unknown_option`), so a typo never silently falls back.
 */
export interface RetryPolicyOptions {
  /** Total attempts INCLUDING the first. Default 6 (a hard ceiling over the two limits below). */
  maxAttempts?: number | null;
  /** Retries of 5xx, timeouts and network failures per call. Default 3. */
  maxRetries?: number | null;
  /** Retries of throttled failures (429, or any failure with a server hint) per call. Default 5. */
  maxThrottledRetries?: number | null;
  /** First backoff ceiling in ms. Default 1000. */
  baseMs?: number | null;
  /** Largest backoff delay in ms, after jitter. Default 30 000. */
  capMs?: number | null;
  /** Growth per retry, 1 to 1000. Default 2. */
  multiplier?: number | null;
  /** Default `"full"`. */
  jitter?: Jitter | null;
  /** Longest server hint (Retry-After, ...) followed as is, in ms. Default 60 000. */
  maxRetryAfterMs?: number | null;
  /** What to do with a longer hint. Default `"clamp"` (wait `maxRetryAfterMs`, minus a small spread). */
  largeHint?: LargeHint | null;
  /** Jitter added to a server hint, as a fraction of it (0 to 1). Default 0.1. */
  hintJitterRatio?: number | null;
  /** Largest jitter added to a server hint, in ms. Default 1000. */
  hintJitterMaxMs?: number | null;
  /** Per-call time limit in ms from the first attempt (`elapsedMs`). Default none. */
  deadlineMs?: number | null;
  /** Retry POST/PATCH without an idempotency key. Default false. */
  retryNonIdempotent?: boolean | null;
  /** The shared retry budget; `false` disables it. */
  budget?: RetryBudgetOptions | boolean | null;
  /** The per-origin circuit breaker; `false` disables it. */
  breaker?: RetryBreakerOptions | boolean | null;
  /**
   * Seed of the jitter randomness, a whole number below 2^53. Default: a fresh random seed
   * per policy (so clients do not share jitter). Give one to make every delay reproducible.
   */
  seed?: number | null;
}

/**
 * The part of a {@link Classification} the decision reads. A full `Classification` (from
 * `classify`) fits as is.
 */
export interface RetryClassification {
  /** What kind of failure. */
  category: Category;
  /** Whether repeating the request may succeed. */
  retryable: boolean;
  /** The server's delay hint in ms, if any. */
  retryAfterMs?: number | null;
  /** Where the hint came from (echoed in the decision). */
  hintSource?: string | null;
  /** True when the request certainly never reached the server (safe to retry any method). */
  notSent?: boolean;
  /** HTTP status (not read by the decision; accepted so a `Classification` fits). */
  status?: number | null;
}

/** One failed attempt, for {@link RetryPolicy.decide}. */
export interface RetryDecideInput {
  /** 1-based number of the attempt that just failed (1 = the first request). */
  attempt: number;
  /** What went wrong. */
  classification: RetryClassification;
  /** HTTP method, any case. Default `"GET"`. */
  method?: string | null;
  /** The request's `Idempotency-Key` (any non-empty string, or `true`): POST/PATCH may be retried. */
  idempotencyKey?: string | boolean | null;
  /** Milliseconds since the first attempt started (for `deadlineMs`). Default 0. */
  elapsedMs?: number | null;
  /** Epoch ms, for the breaker. Default `Date.now()`. */
  nowMs?: number | null;
  /** The origin (`"https://api.example.com"`) for the circuit breaker; none skips it. */
  origin?: string | null;
  /** How many of this call's earlier retries were throttled (sum of `decision.throttled`). Default 0. */
  throttledRetries?: number | null;
  /** The delay waited before this attempt (only `decorrelated` jitter reads it). */
  previousDelayMs?: number | null;
}

/** What to do about a failed attempt. */
export interface RetryDecision {
  /** Retry, or give up. */
  retry: boolean;
  /** Milliseconds to wait before the retry; 0 when not retrying. Finite, never negative. */
  delayMs: number;
  /** Why. */
  reason: RetryReason;
  /** The server hint's source when the delay came from (or was refused because of) a hint. */
  hintSource: string | null;
  /** This failure counts as throttled: add 1 to `throttledRetries` when you retry. */
  throttled: boolean;
}

// ---------------------------------------------------------------------------------------
// Vocabulary tables, read once from the wasm module.

interface Vocab {
  categories: Map<string, number>;
  reasons: RetryReason[];
  hintSources: string[];
  hintIndex: Map<string, number>;
  customHint: number;
  methods: Map<string, number>;
  methodFromScratch: number;
  breakerStates: BreakerState[];
}

let vocab: Vocab | undefined;

function tables(): Vocab {
  if (vocab !== undefined) return vocab;
  const [cats = "", reasons = "", hints = "", methods = "", states = ""] = wasm().retry_vocab().split("\n");
  const index = (list: string[]) => new Map(list.map((s, i) => [s, i]));
  const hintSources = hints.split("|");
  const methodList = methods.split("|");
  vocab = {
    categories: index(cats.split("|")),
    reasons: reasons.split("|") as RetryReason[],
    hintSources,
    hintIndex: new Map(hintSources.map((s, i) => [s, i + 1])),
    customHint: hintSources.length + 1,
    methods: index(methodList),
    methodFromScratch: methodList.length,
    breakerStates: states.split("|") as BreakerState[],
  };
  return vocab;
}

// ---------------------------------------------------------------------------------------
// Argument checks (bad input is a typed error, never a panic or a NaN delay).

function bad(message: string): FaultlineError {
  return new FaultlineError("invalid_argument", message);
}

const describe = (v: unknown): string => (v === null ? "null" : typeof v === "number" ? String(v) : typeof v);

/** A finite number, or the default when absent. */
function finite(v: unknown, name: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${name} must be a finite number, got ${describe(v)}`);
  return v;
}

/** A whole number >= min, or the default when absent. */
function whole(v: unknown, name: string, min: number, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw bad(`${name} must be a whole number >= ${min}, got ${describe(v)}`);
  }
  return v;
}

function now(v: unknown): number {
  return v === undefined || v === null ? Date.now() : finite(v, "nowMs", 0);
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

// NaN and ±Infinity would become `null` ("use the default") in JSON; send them as strings so
// the core reports the option as invalid instead.
const keepNonFinite = (_key: string, v: unknown): unknown =>
  typeof v === "number" && !Number.isFinite(v) ? String(v) : v;

// Frees the wasm side of objects the user forgot to free().
const registry: FinalizationRegistry<{ free(): void }> | undefined =
  typeof FinalizationRegistry === "function" ? new FinalizationRegistry((engine) => engine.free()) : undefined;

type Engine = InstanceType<ReturnType<typeof wasm>["RetryEngine"]>;
type PacerCore = InstanceType<ReturnType<typeof wasm>["PacerEngine"]>;

// The out slots, read after every `decide`. `outSlots()` compares `memory.buffer` on each call,
// and that getter alone cost ~100 ns here; a view on a buffer that memory growth detached has
// length 0, which is a free check.
let slots: Float64Array | undefined;
function delaySlot(): number {
  if (slots === undefined || slots.length === 0) slots = outSlots();
  return slots[0]!;
}

const NO_ORIGIN = -1;
const ORIGIN_FROM_SCRATCH = -2;
const lengths = [0, 0];

// ---------------------------------------------------------------------------------------

/**
 * Decides whether and when to retry a failed request: exponential backoff with jitter,
 * server hints (Retry-After and friends, clamped and jittered), separate limits for 5xx and
 * for throttling, a per-call deadline, and — shared by every call that uses this policy — a
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
  #engine: Engine | undefined;
  #origins = new Map<string, number>();

  /**
   * @param options - see {@link RetryPolicyOptions}; all optional
   * @throws {FaultlineError} `retry_invalid_option` or `retry_unknown_option` (the message
   *   names the option), `invalid_argument` when the options cannot be serialised.
   */
  constructor(options: RetryPolicyOptions = {}) {
    const given: unknown = options ?? {};
    let opts = given;
    let seed = NaN;
    if (typeof given === "object" && given !== null && !Array.isArray(given)) {
      const o: Record<string, unknown> = { ...given };
      if (o.seed === undefined || o.seed === null) o.seed = randomSeed();
      seed = o.seed as number;
      opts = o;
    }
    let json: string;
    try {
      json = JSON.stringify(opts, keepNonFinite) ?? "null";
    } catch (e) {
      throw new FaultlineError("invalid_argument", `retry options must be plain data: ${String(e)}`, { cause: e });
    }
    const w = wasm();
    try {
      this.#engine = new w.RetryEngine(writeString(json));
    } catch (e) {
      throw fromWasmError(e);
    }
    this.seed = seed;
    registry?.register(this, this.#engine, this);
  }

  #live(): Engine {
    if (this.#engine === undefined) throw bad("this RetryPolicy has been freed");
    return this.#engine;
  }

  /** An interned origin id, or ORIGIN_FROM_SCRATCH when the table is full. */
  #originId(e: Engine, origin: string): number {
    let id = this.#origins.get(origin);
    if (id === undefined) {
      id = e.intern_origin(writeString(origin));
      if (id < 0) return ORIGIN_FROM_SCRATCH;
      this.#origins.set(origin, id);
    }
    return id;
  }

  /** Origin id for the non-decide calls; a full table writes the origin to scratch [0, len). */
  #originArg(e: Engine, origin: string): [number, number] {
    const id = this.#originId(e, origin);
    return id === ORIGIN_FROM_SCRATCH ? [id, writeString(origin)] : [id, 0];
  }

  /**
   * Decides about one failed attempt. Checks, in order (the first that applies is the
   * `reason`): aborted / not retryable; unsafe method (POST/PATCH without an idempotency key
   * unless `notSent` or `retryNonIdempotent`); attempt limits; open circuit; the delay (hint or
   * backoff; `hint_too_large` with `largeHint: "fail"`); deadline; budget.
   *
   * A failure with category `server`, `unavailable`, `timeout` or `network` and an `origin`
   * counts toward that origin's breaker.
   *
   * @throws {FaultlineError} `invalid_argument` for a missing or malformed field.
   */
  decide(input: RetryDecideInput): RetryDecision {
    const e = this.#live();
    if (input === null || typeof input !== "object") throw bad(`decide takes an object, got ${describe(input)}`);
    const c = input.classification;
    if (c === null || typeof c !== "object") throw bad(`classification must be an object, got ${describe(c)}`);
    const t = tables();
    const category = t.categories.get(c.category);
    if (category === undefined) throw bad(`classification.category is not a category: ${String(c.category)}`);
    if (typeof c.retryable !== "boolean") throw bad(`classification.retryable must be a boolean, got ${describe(c.retryable)}`);
    const attempt = input.attempt;
    if (typeof attempt !== "number" || !Number.isInteger(attempt) || attempt < 1) {
      throw bad(`attempt must be a whole number >= 1 (1 = the first request), got ${describe(attempt)}`);
    }
    let flags = c.retryable ? 1 : 0;
    if (c.notSent === true) flags |= 2;
    const key = input.idempotencyKey;
    if (key !== undefined && key !== null && key !== false) {
      if (key === true || (typeof key === "string" && key !== "")) flags |= 4;
      else if (typeof key !== "string") throw bad(`idempotencyKey must be a string, got ${describe(key)}`);
    }
    let hint = c.retryAfterMs;
    if (hint === undefined || hint === null) hint = NaN;
    else if (typeof hint !== "number" || Number.isNaN(hint)) throw bad(`classification.retryAfterMs must be a number or null, got ${describe(hint)}`);
    const src = c.hintSource;
    let hintIdx = 0;
    if (src !== undefined && src !== null) {
      if (typeof src !== "string") throw bad(`classification.hintSource must be a string or null, got ${describe(src)}`);
      hintIdx = t.hintIndex.get(src) ?? t.customHint;
    }
    const m = input.method;
    let method = 0;
    let methodText = "";
    if (m !== undefined && m !== null) {
      if (typeof m !== "string") throw bad(`method must be a string, got ${describe(m)}`);
      const i = t.methods.get(m) ?? t.methods.get(m.toUpperCase());
      if (i === undefined) {
        method = t.methodFromScratch;
        methodText = m;
      } else {
        method = i;
      }
    }
    const elapsed = finite(input.elapsedMs, "elapsedMs", 0);
    const throttled = whole(input.throttledRetries, "throttledRetries", 0, 0);
    const prev = input.previousDelayMs;
    const previous = prev === undefined || prev === null ? NaN : finite(prev, "previousDelayMs", 0);
    const o = input.origin;
    const nowIn = input.nowMs;
    let nowMs = nowIn === undefined || nowIn === null ? NaN : finite(nowIn, "nowMs", 0);
    let origin = NO_ORIGIN;
    let originText = "";
    if (o === undefined || o === null) {
      nowMs = 0; // only the breaker reads the time, and only with an origin
    } else {
      checkOrigin(o);
      if (Number.isNaN(nowMs)) nowMs = Date.now();
      origin = this.#originId(e, o);
      if (origin === ORIGIN_FROM_SCRATCH) originText = o;
    }
    let methodLen = 0;
    let originLen = 0;
    if (methodText !== "" || originText !== "") {
      writeStrings([methodText, originText], lengths);
      methodLen = lengths[0]!;
      originLen = lengths[1]!;
    }
    const packed = e.decide(attempt, category, flags, hint, hintIdx, method, origin, elapsed, nowMs, throttled, previous, methodLen, originLen);
    const h = (packed >>> 4) & 15;
    return {
      retry: (packed & 512) !== 0,
      delayMs: delaySlot(),
      reason: t.reasons[packed & 15]!,
      hintSource: h === 0 ? null : h === t.customHint ? (src as string) : t.hintSources[h - 1]!,
      throttled: (packed & 256) !== 0,
    };
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
    const t = now(nowMs);
    const [id, len] = this.#originArg(e, origin);
    return e.allow_request(id, len, t);
  }

  /** A request succeeded: refills the budget and, with an origin, closes its circuit. */
  recordSuccess(origin?: string | null, nowMs?: number): void {
    const e = this.#live();
    const t = now(nowMs);
    if (origin === undefined || origin === null) {
      e.record_success(NO_ORIGIN, 0, t);
      return;
    }
    checkOrigin(origin);
    const [id, len] = this.#originArg(e, origin);
    e.record_success(id, len, t);
  }

  /**
   * A request to `origin` failed in a way that says the origin is unhealthy. `decide` already
   * records the failures it sees; call this only for failures you do not pass to `decide`.
   */
  recordFailure(origin: string, nowMs?: number): void {
    const e = this.#live();
    checkOrigin(origin);
    const t = now(nowMs);
    const [id, len] = this.#originArg(e, origin);
    e.record_failure(id, len, t);
  }

  /** Tokens left in the retry budget; `null` when the budget is disabled. */
  get budgetTokens(): number | null {
    const v = this.#live().budget_tokens();
    return Number.isNaN(v) ? null : v;
  }

  /** The circuit state of `origin` now (or at `nowMs`); `null` when the breaker is disabled. */
  breakerState(origin: string, nowMs?: number): BreakerState | null {
    const e = this.#live();
    checkOrigin(origin);
    const t = now(nowMs);
    const [id, len] = this.#originArg(e, origin);
    return tables().breakerStates[e.breaker_state(id, len, t)] ?? null;
  }

  /** Releases the wasm memory of this policy now. Later calls throw `invalid_argument`. Idempotent. */
  free(): void {
    const e = this.#engine;
    if (e === undefined) return;
    this.#engine = undefined;
    registry?.unregister(this);
    e.free();
  }
}

export interface RetryPolicy {
  /** Same as {@link RetryPolicy.free}, for `using policy = new RetryPolicy()`. */
  [Symbol.dispose](): void;
}

// ---------------------------------------------------------------------------------------

/** A rate limit: at most `limit` requests in any rolling window of `windowMs`. */
export interface PacerRate {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
}

/** A policy read from a `RateLimit-Policy` header by {@link Pacer.updateFromHeader}. */
export interface PacerPolicy extends PacerRate {
  /** The policy name as the server sent it (`"burst"`). */
  name: string;
}

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
  #core: PacerCore | undefined;
  /** Header-announced scope names per caller scope ("" = applies to every send). */
  #announced = new Map<string, string[]>();
  /** Joined scope lists per caller scope, rebuilt when a header changes them. */
  #keys = new Map<string, string>();

  /**
   * @param limits - `{ scope: "10/hour", ... }`
   * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
   */
  constructor(limits: Record<string, string> = {}) {
    if (limits === null || typeof limits !== "object") throw bad(`limits must be an object, got ${describe(limits)}`);
    this.#core = new (wasm().PacerEngine)();
    registry?.register(this, this.#core, this);
    try {
      for (const [scope, rate] of Object.entries(limits)) this.setLimit(scope, rate);
    } catch (e) {
      this.free();
      throw e;
    }
  }

  #live(): PacerCore {
    if (this.#core === undefined) throw bad("this Pacer has been freed");
    return this.#core;
  }

  /** The core scope names a send in `scope` must respect, `\n`-joined. */
  #scopes(scope: string | undefined): string {
    const k = scope ?? "";
    let s = this.#keys.get(k);
    if (s === undefined) {
      const all = [...(scope === undefined ? [] : [scope]), ...(this.#announced.get(k) ?? []), ...(scope === undefined ? [] : this.#announced.get("") ?? [])];
      s = all.join("\n");
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
    writeStrings([scope, rate], lengths);
    try {
      p.set_limit(lengths[0]!, lengths[1]!);
    } catch (e) {
      throw fromWasmError(e);
    }
  }

  /** The limit set on `scope` (by a spec), or `null`. */
  limit(scope: string): PacerRate | null {
    const p = this.#live();
    checkScope(scope);
    if (!p.limit(writeString(scope))) return null;
    const out = outSlots();
    return { limit: out[0]!, windowMs: out[1]! };
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
    return p.delay(writeString(this.#scopes(scope)), t);
  }

  /** Counts a send in `scope` (and in the policies that apply to it). Call it when you send. */
  recordSend(scope?: string, nowMs?: number): void {
    const p = this.#live();
    if (scope !== undefined) checkScope(scope);
    const t = now(nowMs);
    p.record(writeString(this.#scopes(scope)), t);
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
    writeStrings([prefix, value], lengths);
    let text: string;
    try {
      text = p.apply_header(lengths[0]!, lengths[1]!);
    } catch (e) {
      throw fromWasmError(e);
    }
    const policies: PacerPolicy[] = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const [name = "", limit = "0", windowMs = "0"] = line.split("\t");
      policies.push({ name, limit: Number(limit), windowMs: Number(windowMs) });
    }
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
}

export interface Pacer {
  /** Same as {@link Pacer.free}, for `using pacer = createPacer(...)`. */
  [Symbol.dispose](): void;
}

// `Symbol.dispose` only where the engine has it (Node 20+, recent browsers).
for (const cls of [RetryPolicy, Pacer]) {
  if (typeof Symbol.dispose === "symbol") {
    Object.defineProperty(cls.prototype, Symbol.dispose, {
      value(this: { free(): void }) {
        this.free();
      },
      writable: true,
      configurable: true,
    });
  }
}

/**
 * A {@link Pacer} with limits per scope, e.g. the ones an API documents:
 * `createPacer({ report_generation: "10/hour", burst: "60/minute" })`.
 * @throws {FaultlineError} `retry_invalid_rate`, `retry_too_many_scopes`, `invalid_argument`.
 */
export function createPacer(limits: Record<string, string> = {}): Pacer {
  return new Pacer(limits);
}
