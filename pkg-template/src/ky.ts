/**
 * `faultline/ky`: the client's decisions inside a ky (2.x) instance a team already has.
 *
 * `faultlineKy()` returns options for `ky.create()` / `ky.extend()`: hooks that set the bearer
 * token before each attempt (and wrap the call's `fetch` to see each response), classify every failure, refresh-and-replay on a 401 that asks
 * for it, and ask the {@link RetryPolicy} (server hints, backoff, budget, breaker,
 * idempotency) whether and when to retry; plus a `retry` setting that lets ky retry any
 * method and leaves the decision and the wait to those hooks. The failure's
 * {@link Classification} is attached to the error ky throws (`error.classification`, and
 * `error.retryAtMs` when the server asked for a wait too long to make).
 *
 * ky is not imported: the hooks only use what ky hands them, so ky stays the app's own
 * (an optional peer dependency).
 * @module
 */
import { classifyError, classifyResponse, type ResponseOptions } from "./classify.js";
import { FaultlineError } from "./errors.js";
import type { Classification } from "./types.js";
import {
  attach, checkTokens, isObject, makePolicy, makeShared, newCall, nextStep, sleep, succeeded, takeToken, timeoutError,
  type AdapterOptions, type CallState, type ClientEvent, type Shared, type TokenSource,
} from "./client/shared.js";

/** Options of {@link faultlineKy}. */
export type FaultlineKyOptions = AdapterOptions;

/** The part of ky's hook arguments these hooks read. */
interface KyState {
  request: Request;
  options: { context?: Record<string, unknown>; signal?: AbortSignal | null };
  response?: Response;
  error?: Error & { response?: Response; classification?: Classification; retryAtMs?: number | null };
}

/** What {@link faultlineKy} returns: pass it to `ky.create()` or `ky.extend()` (after your own retry settings). */
export interface FaultlineKyOptionsForKy {
  hooks: {
    init: Array<(options: object) => void>;
    beforeRequest: Array<(state: KyState) => Promise<void>>;
    beforeRetry: Array<(state: KyState) => Promise<void>>;
    beforeError: Array<(state: KyState) => Error>;
  };
  retry: {
    limit: number;
    methods: string[];
    shouldRetry: () => boolean;
    delay: () => number;
    retryOnTimeout: boolean;
  };
}

/** One ky call's state, found again through its `context` object. */
interface Call {
  call: CallState;
  /** The caller's signal (ky's own signal is also aborted by its timeout). */
  signal: AbortSignal | undefined;
  token: string | undefined;
  sentAt: number;
  /** The classification of the last failed response. */
  last: Classification | undefined;
}

const ALL_METHODS = ["get", "post", "put", "patch", "delete", "head", "options", "trace", "query"];

/** A failure that came with no response: ky's `NetworkError` wraps fetch's error as `cause`. */
function classifyThrown(e: unknown): Classification {
  const err = e as { name?: unknown; cause?: unknown } | null;
  if (err?.name === "TimeoutError") return classifyError(timeoutError(String((e as Error).message)));
  if (err?.name === "NetworkError" && err.cause !== undefined) return classifyError(err.cause);
  return classifyError(e);
}

/**
 * Hooks and a retry setting for ky that do what `createClient` does.
 * @throws {FaultlineError} `invalid_argument` for a bad option.
 * @example
 * import ky from "ky";
 * import { faultlineKy } from "faultline/ky";
 * const api = ky.create({ baseUrl: "https://api.example.com/v1/" }).extend(faultlineKy({ tokens }));
 */
export function faultlineKy(options: FaultlineKyOptions = {}): FaultlineKyOptionsForKy {
  if (!isObject(options as unknown)) throw new FaultlineError("invalid_argument", "faultlineKy takes an options object");
  const shared: Shared = makeShared({ policy: makePolicy(options.retry), tokens: checkTokens(options.tokens), onEvent: options.onEvent });
  const calls = new WeakMap<object, Call>();
  const callOf = (s: KyState): Call | undefined => (s.options.context === undefined ? undefined : calls.get(s.options.context));

  async function send(s: KyState, c: Call): Promise<void> {
    c.call.attempt++;
    const at = { method: s.request.method, url: s.request.url, attempt: c.call.attempt };
    c.token = await takeToken(shared, at);
    if (c.token !== undefined) s.request.headers.set("authorization", `Bearer ${c.token}`);
    c.sentAt = Date.now();
    shared.emit({ type: "request", ...at });
  }

  async function seen(request: Request, res: Response, c: Call): Promise<void> {
    shared.emit({ type: "response", method: request.method, url: request.url, attempt: c.call.attempt, status: res.status, durationMs: Date.now() - c.sentAt });
    if (res.ok) await succeeded(shared, new URL(request.url).origin);
  }

  return {
    hooks: {
      // A context object of our own per call (ky keeps it for the call's hooks), holding its state.
      // Per call: a context object of our own (ky hands it to every hook of the call) that
      // finds the call's state, and the call's fetch wrapped to see each response (an
      // afterResponse hook would make ky copy every response body).
      init: [(given) => {
        const o = given as Record<string, unknown>;
        const context = { ...(isObject(o.context) ? o.context : {}) };
        o.context = context;
        const signal = o.signal instanceof AbortSignal ? o.signal : undefined;
        const c: Call = { call: newCall(), signal, token: undefined, sentAt: 0, last: undefined };
        calls.set(context, c);
        const inner = typeof o.fetch === "function" ? (o.fetch as typeof fetch) : globalThis.fetch.bind(globalThis);
        o.fetch = async (input: Request, init?: RequestInit) => {
          const res = await inner(input, init);
          await seen(input, res, c);
          if (!res.ok) {
            const credentialsSent = input.headers.has("authorization") || input.credentials === "include";
            const opts: ResponseOptions & { credentialsSent: boolean } = { method: input.method, credentialsSent };
            c.last = await classifyResponse(res.clone(), opts);
          }
          return res;
        };
      }],
      beforeRequest: [async (s) => {
        const c = callOf(s);
        if (c !== undefined) await send(s, c);
      }],
      beforeRetry: [async (s) => {
        const c = callOf(s);
        if (c === undefined) return;
        const error = s.error;
        if (error?.name === "ForceRetryError") return send(s, c); // the app's own ky.retry()
        const cl = error?.response !== undefined && c.last !== undefined ? c.last : classifyThrown(error);
        const at = { method: s.request.method, url: s.request.url, attempt: c.call.attempt };
        const next = await nextStep(shared, c.call, {
          ...at,
          origin: new URL(s.request.url).origin,
          idempotencyKey: s.request.headers.get("idempotency-key"),
          token: c.token,
        }, cl);
        if (next.kind === "give_up") {
          attach(error, next.classification, next.retryAtMs);
          throw error; // the same error: ky's beforeError hooks still run
        }
        if (next.kind === "retry") {
          try {
            await sleep(next.decision.delayMs, c.signal);
          } catch (reason) {
            const aborted = classifyError(reason);
            shared.emit({ type: "give_up", ...at, classification: aborted, decision: null, retryAtMs: null });
            attach(reason, aborted, null);
            throw reason;
          }
        }
        await send(s, c);
      }],
      beforeError: [(s) => {
        const error = s.error as NonNullable<KyState["error"]>;
        if (error.classification === undefined) {
          const c = callOf(s);
          attach(error, error.response !== undefined && c?.last !== undefined ? c.last : classifyThrown(error), null);
        }
        return error;
      }],
    },
    retry: { limit: 1000, methods: [...ALL_METHODS], shouldRetry: () => true, delay: () => 0, retryOnTimeout: true },
  };
}

export type { ClientEvent, TokenSource };
