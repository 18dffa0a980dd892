/**
 * What `createClient`, `faultline/ky` and `faultline/axios` decide the same way after a failed
 * attempt: refresh-and-replay on a 401 that asks for it (once; a second 401 ends the session),
 * otherwise the {@link RetryPolicy}'s decision, and the events that go with each step.
 *
 * It imports only what the package exports, so the ky and axios entry points can take those
 * from the installed `faultline` package instead of bundling a second copy.
 * @module
 * @internal
 */
import { FaultlineError } from "../errors.js";
import { RetryPolicy, type BreakerState, type RetryDecision, type RetryPolicyOptions, type SharedCallOptions, type StoreFallback } from "../retry.js";
import type { Classification } from "../types.js";

/**
 * What the client needs from a token source (a `createTokenManager` result fits).
 *
 * `invalidate(token)` is called when the API answers 401 to `token`. The first time for a
 * call, the request is then repeated once with the next `getAccessToken()`. If the API
 * rejects that replayed token too, `invalidate` is called with it again and the call fails
 * with `action: "reauthenticate"`: a source that ends the session when a token fresh from a
 * refresh is invalidated (the token manager does, with `onLogout("rejected")`, once however
 * many requests report it) turns this into one logout.
 */
export interface TokenSource {
  /** A valid access token (refreshing first when needed). */
  getAccessToken(): Promise<string>;
  /** The API rejected `token` (401): the next call must not return it. */
  invalidate?(token: string): void;
}

/** Where an event happened. */
interface At {
  method: string;
  url: string;
  /** 1-based attempt number (a replay after a refresh counts as an attempt). */
  attempt: number;
}

/** One thing that happened during a request, for logging and metrics. */
export type ClientEvent =
  | ({ type: "request" } & At)
  | ({ type: "response"; status: number; durationMs: number } & At)
  | ({ type: "retry"; classification: Classification; decision: RetryDecision } & At)
  /** The token source handed out a new access token (after a rejection or an expiry). */
  | ({ type: "refresh" } & At)
  /** The API rejected the token; `afterRefresh` when it was the replay's token (the session ends). */
  | ({ type: "token_rejected"; afterRefresh: boolean } & At)
  /** An origin's circuit breaker changed state. */
  | { type: "circuit"; origin: string; state: BreakerState }
  /**
   * The policy's store (`faultline/redis`) did not answer a load or save for `origin` in time
   * (`timeout`), failed (`error`) or was disposed: that step ran on this process's own budget
   * and breaker, and the request went on.
   */
  | ({ type: "store_fallback"; origin: string } & Pick<StoreFallback, "op" | "reason">)
  | ({ type: "give_up"; classification: Classification; decision: RetryDecision | null; retryAtMs: number | null } & At);

/** Options of `faultlineKy` and `faultlineAxios`. */
export interface AdapterOptions {
  /** Bearer tokens (a `createTokenManager` result fits). */
  tokens?: TokenSource;
  /** A policy (shared budget and breaker), its options, or `false` for no retries (refresh-and-replay still happens). */
  retry?: RetryPolicy | RetryPolicyOptions | false;
  /** Called for every {@link ClientEvent}; exceptions it throws are ignored. */
  onEvent?: (event: ClientEvent) => void;
}

/** Puts the classification (and `retryAtMs`) on another library's error, as `createClient`'s ApiError has them. */
export function attach(error: unknown, c: Classification, retryAtMs: number | null): void {
  if (typeof error !== "object" || error === null) return;
  try {
    Object.assign(error, { classification: c, retryAtMs });
  } catch {
    // a frozen error keeps its shape
  }
}

/** Per-client state shared by its calls. */
export interface Shared {
  policy: RetryPolicy | null;
  tokens: TokenSource | undefined;
  emit: (event: ClientEvent) => void;
  /** The last token handed out, to notice refreshes. */
  lastToken: string | undefined;
  /** The last breaker state seen per origin. */
  circuits: Map<string, BreakerState | null>;
}

/** Per-call state. */
export interface CallState {
  /** Attempts made so far (replays included). */
  attempt: number;
  /** Failed attempts the policy has seen (replays excluded). */
  failures: number;
  replayed: boolean;
  throttledRetries: number;
  previousDelayMs: number | null;
  startedMs: number;
}

/** What to do after a failed attempt. */
export type Next =
  | { kind: "replay" }
  | { kind: "retry"; decision: RetryDecision }
  | { kind: "give_up"; classification: Classification; retryAtMs: number | null };

const bad = (message: string): FaultlineError => new FaultlineError("invalid_argument", message);

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks a `tokens` option at creation. */
export function checkTokens(tokens: unknown): TokenSource | undefined {
  if (tokens === undefined) return undefined;
  if (!isObject(tokens) || typeof tokens.getAccessToken !== "function") {
    throw bad("tokens must be an object with getAccessToken() (a createTokenManager result fits)");
  }
  if (tokens.invalidate !== undefined && typeof tokens.invalidate !== "function") throw bad("tokens.invalidate must be a function");
  return tokens as unknown as TokenSource;
}

/**
 * The policy for a `retry` option: a policy as is, options (with `largeHint: "fail"` unless
 * given: an interactive call is told when to come back rather than retried into a throttle),
 * or `false` for none.
 */
export function makePolicy(retry: unknown): RetryPolicy | null {
  if (retry === false) return null;
  if (retry instanceof RetryPolicy) return retry;
  if (retry === undefined || retry === null) return new RetryPolicy({ largeHint: "fail" });
  if (!isObject(retry)) throw bad("retry must be a RetryPolicy, its options, or false");
  return new RetryPolicy({ largeHint: "fail", ...(retry as RetryPolicyOptions) });
}

/** Builds the per-client state. `onEvent` exceptions are swallowed: an observer must not break requests. */
export function makeShared(options: { policy: RetryPolicy | null; tokens: TokenSource | undefined; onEvent: unknown }): Shared {
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== "function") throw bad("onEvent must be a function");
  const emit = typeof onEvent === "function"
    ? (event: ClientEvent) => {
        try {
          onEvent(event);
        } catch {
          // ignored
        }
      }
    : () => {};
  return { policy: options.policy, tokens: options.tokens, emit, lastToken: undefined, circuits: new Map() };
}

export function newCall(): CallState {
  return { attempt: 0, failures: 0, replayed: false, throttledRetries: 0, previousDelayMs: null, startedMs: Date.now() };
}

/** Takes a token for an attempt, emitting `refresh` when the source moved to a new one. */
export async function takeToken(s: Shared, at: At): Promise<string | undefined> {
  if (s.tokens === undefined) return undefined;
  const token = await s.tokens.getAccessToken();
  if (typeof token !== "string" || token === "") throw bad("tokens.getAccessToken() must resolve to a non-empty string");
  if (s.lastToken !== undefined && s.lastToken !== token) s.emit({ type: "refresh", ...at });
  s.lastToken = token;
  return token;
}

/** Emits a `circuit` event when `origin`'s breaker state differs from the last one seen. */
export function watchCircuit(s: Shared, origin: string): void {
  if (s.policy === null) return;
  const state = s.policy.breakerState(origin);
  if (state === (s.circuits.get(origin) ?? "closed")) return;
  s.circuits.set(origin, state);
  if (state !== null) s.emit({ type: "circuit", origin, state });
}

/**
 * How the shared methods of the policy tell a store fallback: as a `store_fallback` event.
 * With a policy that has no store they run on local state and never call it.
 */
function viaStore(s: Shared, origin: string): SharedCallOptions {
  return { onFallback: ({ op, reason }) => s.emit({ type: "store_fallback", origin, op, reason }) };
}

/**
 * Whether a request to `origin` may be sent now: `false` when its circuit is open (in the
 * state shared through the policy's store, when it has one).
 */
export async function allowed(s: Shared, origin: string): Promise<boolean> {
  if (s.policy === null) return true;
  return s.policy.allowRequestShared(origin, undefined, viaStore(s, origin));
}

/** Records a success with the policy (budget refill, breaker close), in the shared state when there is a store. */
export async function succeeded(s: Shared, origin: string): Promise<void> {
  if (s.policy === null) return;
  await s.policy.recordSuccessShared(origin, undefined, viaStore(s, origin));
  if ((s.circuits.get(origin) ?? "closed") !== "closed") watchCircuit(s, origin);
}

/** The epoch ms from which trying again makes sense: the decision's, else the hint's. */
export function retryAt(decision: RetryDecision | null, c: Classification): number | null {
  const at = (decision as { retryAtMs?: number | null } | null)?.retryAtMs;
  if (typeof at === "number") return at;
  return c.retryAfterMs === null ? null : Date.now() + c.retryAfterMs;
}

/** The session is over: the same failure, asking the user to sign in again. */
export function reauthenticate(c: Classification): Classification {
  return { ...c, action: "reauthenticate", retryable: false, userMessage: "Your session has expired. Please log in again." };
}

/**
 * What one failed attempt to `origin` leads to. Updates `call` and emits the events. The
 * policy decides on the budget and breaker its store shares, when it has one.
 */
export async function nextStep(
  s: Shared,
  call: CallState,
  at: At & { origin: string; idempotencyKey: string | null; token: string | undefined },
  c: Classification,
): Promise<Next> {
  const { method, url, attempt } = at;
  if (c.action === "refresh_token" && at.token !== undefined && s.tokens !== undefined) {
    s.tokens.invalidate?.(at.token);
    s.emit({ type: "token_rejected", method, url, attempt, afterRefresh: call.replayed });
    if (!call.replayed) {
      call.replayed = true;
      return { kind: "replay" };
    }
    const ended = reauthenticate(c);
    s.emit({ type: "give_up", method, url, attempt, classification: ended, decision: null, retryAtMs: null });
    return { kind: "give_up", classification: ended, retryAtMs: null };
  }
  if (s.policy === null || c.category === "aborted") {
    const retryAtMs = retryAt(null, c);
    s.emit({ type: "give_up", method, url, attempt, classification: c, decision: null, retryAtMs });
    return { kind: "give_up", classification: c, retryAtMs };
  }
  call.failures++;
  const decision = await s.policy.decideShared({
    attempt: call.failures,
    classification: c,
    method,
    idempotencyKey: at.idempotencyKey,
    elapsedMs: Date.now() - call.startedMs,
    origin: at.origin,
    throttledRetries: call.throttledRetries,
    previousDelayMs: call.previousDelayMs,
  }, viaStore(s, at.origin));
  watchCircuit(s, at.origin);
  if (!decision.retry) {
    const retryAtMs = retryAt(decision, c);
    s.emit({ type: "give_up", method, url, attempt, classification: c, decision, retryAtMs });
    return { kind: "give_up", classification: c, retryAtMs };
  }
  if (decision.throttled) call.throttledRetries++;
  call.previousDelayMs = decision.delayMs;
  s.emit({ type: "retry", method, url, attempt, classification: c, decision });
  return { kind: "retry", decision };
}

/** The classification of a request refused because `origin`'s circuit is open. */
export function circuitOpen(base: Classification, origin: string): Classification {
  return { ...base, status: null, code: "circuit_open", message: `circuit open for ${origin}`, notSent: true, format: "unknown" };
}

/**
 * Waits `ms`, or rejects with `signal.reason` as soon as `signal` aborts.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** An error named `TimeoutError` (what `AbortSignal.timeout` throws), classified `timeout`. */
export function timeoutError(message: string): Error {
  const e = new Error(message);
  e.name = "TimeoutError";
  return e;
}
