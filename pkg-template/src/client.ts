/**
 * `createClient`: a `fetch` wrapper that does what the rest of the library decides.
 *
 * Each attempt: bearer token from the token source -> `beforeRequest` hooks -> fetch, bounded
 * by the attempt's `timeoutMs` and the call's `deadlineMs` -> `afterResponse` hooks -> on
 * failure classify it -> on a 401 that says "refresh" invalidate the token and repeat once
 * (a second 401 ends the session) -> otherwise ask the {@link RetryPolicy} whether and when
 * to retry -> sleep (cut by abort and deadline) -> `beforeRetry` hooks -> repeat; or throw an
 * {@link ApiError} (through `beforeError` hooks). All decisions are the core's; this module
 * only does I/O. The caller's abort is `aborted`; a timeout or the deadline is `timeout`.
 * @module
 */
import { classify, classifyError, classifyResponse, type Phase, type ResponseOptions } from "./classify.js";
import { ApiError, FaultlineError } from "./errors.js";
import type { RetryDecision, RetryPolicy, RetryPolicyOptions } from "./retry.js";
import type { Classification } from "./types.js";
import { addQuery, checkBaseUrl, checkKeys, checkMs, fetchOptions, FETCH_OPTIONS, resolveUrl, toHeaders } from "./client/options.js";
import {
  allowed, checkTokens, circuitOpen, isObject, makePolicy, makeShared, newCall, nextStep, sleep, succeeded, takeToken,
  type ClientEvent, type TokenSource,
} from "./client/shared.js";
import { attemptSignal, callSignal } from "./client/signals.js";

export type { ClientEvent, TokenSource };

/** The request of one attempt, as hooks see it: change `url` or `init` (headers, body, ...) in place. */
export interface HookRequest {
  /** The full URL. */
  url: string;
  /** What is passed to fetch; `headers` is a plain object with lower-case names. */
  init: RequestInit & { method: string; headers: Record<string, string> };
  /** 1-based attempt number. */
  attempt: number;
}

/** Hooks that may change a request or a response. Each may be async; one that throws fails the call with an {@link ApiError}. */
export interface ClientHooks {
  /** Before each attempt (after the bearer token is set). Return a `Response` to skip the fetch. */
  beforeRequest?: Array<(request: HookRequest) => Response | void | Promise<Response | void>>;
  /** After each response (any status). Return a `Response` to replace it. */
  afterResponse?: Array<(response: Response, request: HookRequest) => Response | void | Promise<Response | void>>;
  /** After the wait, before a retry: change `request` for it. */
  beforeRetry?: Array<(info: { request: HookRequest; classification: Classification; decision: RetryDecision }) => void | Promise<void>>;
  /** Before an {@link ApiError} is thrown. Return an `Error` to throw that instead. */
  beforeError?: Array<(error: ApiError) => Error | void | Promise<Error | void>>;
}

/** fetch options passed through to every request (and overridable per call). */
export interface FetchOptions {
  credentials?: RequestCredentials;
  redirect?: RequestRedirect;
  cache?: RequestCache;
  mode?: RequestMode;
  keepalive?: boolean;
}

/** Options of {@link createClient}. */
export interface ClientOptions extends FetchOptions {
  /** Prefix for relative paths, path included: `"https://api.example.com/v1"` + `"users"`. */
  baseUrl?: string | URL;
  /** Bearer tokens; see {@link TokenSource} for what happens on a 401. */
  tokens?: TokenSource;
  /** A policy (shared budget and breaker across calls), its options, or `false` for no retries. */
  retry?: RetryPolicy | RetryPolicyOptions | false;
  /** The fetch to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: HeadersInit;
  /** Time limit of each attempt in ms (the fetch and reading the body). Default 10 000; `false` for none. */
  timeoutMs?: number | false;
  /** Time limit of a whole call (attempts and waits) in ms. Default none. */
  deadlineMs?: number | false;
  /** Give every POST and PATCH an `Idempotency-Key` (one per call, kept across retries), so they can be retried. */
  idempotencyKeys?: boolean;
  /** Hooks that may change requests, responses and errors. */
  hooks?: ClientHooks;
  /** Called for every {@link ClientEvent}; exceptions it throws are ignored. */
  onEvent?: (event: ClientEvent) => void;
}

/** Options of one call. */
export interface RequestOptions extends FetchOptions {
  /** A JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** A raw body (instead of `json`). */
  body?: BodyInit | null;
  /** Extra headers for this request. */
  headers?: HeadersInit;
  /** Query parameters appended to the URL (arrays repeat the name; `undefined`/`null` are skipped). */
  query?: Record<string, string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>> | URLSearchParams;
  /** Aborts the request and any retry wait (category `aborted`). */
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key`; lets POST/PATCH be retried safely. */
  idempotencyKey?: string;
  /** This call's per-attempt time limit (overrides the client's). */
  timeoutMs?: number | false;
  /** This call's overall time limit (overrides the client's). */
  deadlineMs?: number | false;
  /** Which call this is, for classification (`"login"`, `"refresh"`). Default `"request"`. */
  phase?: Phase;
  /** Resolve with the `Response` (status, headers, unread body) instead of the parsed body. */
  raw?: boolean;
}

/** A client made by {@link createClient}. */
export interface Client {
  /**
   * Sends a request and returns the parsed body (JSON when the response says so, else text,
   * `null` for an empty body), or the `Response` with `raw: true`. Throws {@link ApiError}
   * with the classification when it fails for good.
   */
  request<T = unknown>(method: string, path: string, options?: RequestOptions & { raw?: false }): Promise<T>;
  request(method: string, path: string, options: RequestOptions & { raw: true }): Promise<Response>;
  /** Like `request(..., { raw: true })`: the successful `Response`, body unread. */
  fetch(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** The policy in use (or `null`), e.g. to read `budgetTokens`. */
  readonly retryPolicy: RetryPolicy | null;
}

const bad = (message: string): FaultlineError => new FaultlineError("invalid_argument", message);

// The options of createClient and of each call besides the fetch options (FETCH_OPTIONS), which both take.
const CLIENT_KEYS = new Set(["baseUrl", "tokens", "retry", "fetch", "headers", "timeoutMs", "deadlineMs", "idempotencyKeys", "hooks", "onEvent"]);
const REQUEST_KEYS = new Set(["json", "body", "headers", "query", "signal", "idempotencyKey", "timeoutMs", "deadlineMs", "phase", "raw"]);
const HOOK_NAMES = ["beforeRequest", "afterResponse", "beforeRetry", "beforeError"] as const;
const PHASES = new Set(["request", "refresh", "login"]);
const WITH_KEY = new Set(["POST", "PATCH"]);

function checkHooks(hooks: unknown): Required<ClientHooks> {
  const out = { beforeRequest: [], afterResponse: [], beforeRetry: [], beforeError: [] } as Required<ClientHooks>;
  if (hooks === undefined) return out;
  if (!isObject(hooks)) throw bad("hooks must be an object");
  checkKeys("hooks", hooks, new Set(HOOK_NAMES));
  for (const name of HOOK_NAMES) {
    const list = hooks[name];
    if (list === undefined) continue;
    const fns = typeof list === "function" ? [list] : list;
    if (!Array.isArray(fns) || !fns.every((f) => typeof f === "function")) throw bad(`hooks.${name} must be a function or an array of functions`);
    (out[name] as unknown[]) = [...fns];
  }
  return out;
}

/** A hook threw: the call fails with an ApiError (never retried) whose cause is what it threw. */
function hookFailed(name: string, thrown: unknown, notSent: boolean): ApiError {
  if (thrown instanceof ApiError) return thrown;
  const c = { ...classifyError(thrown), retryable: false, notSent };
  const what = thrown instanceof Error ? thrown.message : String(thrown);
  return new ApiError(c, `the ${name} hook threw: ${what}`, { cause: thrown });
}

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return null;
  const type = res.headers.get("content-type") ?? "";
  return /[/+]json\b/i.test(type) ? JSON.parse(text) : text;
}

function newKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Makes a client that retries, refreshes tokens, bounds time and classifies failures.
 * @throws {FaultlineError} `invalid_argument` for a bad or unknown option (the message names
 *   it); the retry options' codes.
 * @example
 * const api = createClient({ baseUrl: "https://api.example.com/v1", tokens, timeoutMs: 5000 });
 * const uploads = await api.request("GET", "uploads/");
 */
export function createClient(options: ClientOptions = {}): Client {
  if (!isObject(options as unknown)) throw bad("createClient takes an options object");
  checkKeys("createClient", options as Record<string, unknown>, CLIENT_KEYS, FETCH_OPTIONS);
  const base = checkBaseUrl(options.baseUrl);
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== "function") throw bad("no fetch: pass options.fetch (a function)");
  const tokens = checkTokens(options.tokens);
  const shared = makeShared({ policy: makePolicy(options.retry), tokens, onEvent: options.onEvent });
  const { policy, emit } = shared;
  const baseHeaders = toHeaders("headers", options.headers);
  const baseInit: Record<string, unknown> = {};
  fetchOptions(options as Record<string, unknown>, baseInit);
  const timeoutMs = checkMs("timeoutMs", options.timeoutMs, 10_000);
  const deadlineMs = checkMs("deadlineMs", options.deadlineMs, false);
  if (options.idempotencyKeys !== undefined && typeof options.idempotencyKeys !== "boolean") throw bad("idempotencyKeys must be a boolean");
  const autoKeys = options.idempotencyKeys === true;
  const hooks = checkHooks(options.hooks);

  async function runHooks<A extends unknown[], R>(name: string, fns: Array<(...args: A) => R>, args: A, notSent: boolean): Promise<Awaited<R> | undefined> {
    for (const fn of fns) {
      let out: Awaited<R>;
      try {
        out = await fn(...args);
      } catch (e) {
        throw hookFailed(name, e, notSent);
      }
      if (out !== undefined) return out;
    }
    return undefined;
  }

  async function fail(error: ApiError): Promise<never> {
    let thrown: Error = error;
    for (const fn of hooks.beforeError) {
      let out: Error | void;
      try {
        out = await fn(error);
      } catch (e) {
        throw hookFailed("beforeError", e, error.classification.notSent);
      }
      if (out instanceof Error) thrown = out;
    }
    throw thrown;
  }

  /** Checks a call's arguments and builds its request (nothing is sent yet). */
  function prepare(method: unknown, path: unknown, opts: RequestOptions) {
    if (typeof method !== "string" || !/^[A-Za-z]{1,20}$/.test(method)) throw bad("the method must be a word such as \"GET\"");
    if (!isObject(opts as unknown)) throw bad("request options must be an object");
    checkKeys("request", opts as Record<string, unknown>, REQUEST_KEYS, FETCH_OPTIONS);
    const verb = method.toUpperCase();
    const url = resolveUrl(base, path);
    addQuery(url, opts.query);
    const headers = toHeaders("request headers", opts.headers, { ...baseHeaders });
    const init: HookRequest["init"] = { ...baseInit, method: verb, headers };
    fetchOptions(opts as Record<string, unknown>, init as unknown as Record<string, unknown>);
    if (opts.json !== undefined && opts.body !== undefined) throw bad("give json or body, not both");
    if (opts.json !== undefined) {
      init.body = JSON.stringify(opts.json);
      headers["content-type"] ??= "application/json";
    } else if (opts.body !== undefined) {
      init.body = opts.body;
    }
    let key = opts.idempotencyKey;
    if (key !== undefined && (typeof key !== "string" || key === "")) throw bad("idempotencyKey must be a non-empty string");
    key ??= headers["idempotency-key"] ?? (autoKeys && WITH_KEY.has(verb) ? newKey() : undefined);
    if (key !== undefined) headers["idempotency-key"] = key;
    const phase = opts.phase ?? "request";
    if (!PHASES.has(phase)) throw bad(`phase must be "request", "refresh" or "login"`);
    const signal = opts.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw bad("signal must be an AbortSignal");
    return {
      request: { url: url.href, init, attempt: 0 } as HookRequest,
      origin: url.origin,
      key: key ?? null,
      phase,
      signal,
      timeoutMs: checkMs("timeoutMs", opts.timeoutMs, timeoutMs),
      deadlineMs: checkMs("deadlineMs", opts.deadlineMs, deadlineMs),
    };
  }

  async function send(method: unknown, path: unknown, opts: RequestOptions, raw: boolean): Promise<unknown> {
    const p = prepare(method, path, opts);
    const { request, origin } = p;
    const { method: verb, headers } = request.init;
    const wantRaw = raw || opts.raw === true;
    const call = newCall();
    const limit = callSignal(p.signal, p.deadlineMs);
    /** Why the call stopped, if it did: the caller's abort (`aborted`) wins over the deadline (`timeout`). */
    const stopped = (): Classification | null => {
      if (p.signal?.aborted) return classifyError(p.signal.reason);
      if (limit.signal?.aborted) return classifyError(limit.signal.reason);
      return null;
    };
    const report = () => ({ method: verb, url: request.url, headers, timestampMs: Date.now() });

    try {
      for (;;) {
        call.attempt++;
        request.attempt = call.attempt;
        const at = { method: verb, url: request.url, attempt: call.attempt };
        const early = stopped();
        if (early !== null) {
          emit({ type: "give_up", ...at, classification: early, decision: null, retryAtMs: null });
          return await fail(new ApiError(early, undefined, { cause: limit.signal?.reason, request: report() }));
        }
        if (!(await allowed(shared, origin))) {
          const c = circuitOpen(classify({ status: 503, headers: {}, body: "" }), origin);
          if (shared.circuits.get(origin) !== "open") {
            shared.circuits.set(origin, "open");
            emit({ type: "circuit", origin, state: "open" });
          }
          emit({ type: "give_up", ...at, classification: c, decision: null, retryAtMs: null });
          return await fail(new ApiError(c, undefined, { request: report() }));
        }
        let token: string | undefined;
        let short: Response | void | undefined;
        try {
          token = await takeToken(shared, at);
          if (token !== undefined) headers.authorization = `Bearer ${token}`;
          short = await runHooks("beforeRequest", hooks.beforeRequest, [request], true);
        } catch (e) {
          if (e instanceof ApiError) return await fail(e);
          if (e instanceof FaultlineError) throw e; // the token source's own typed error (e.g. refresh_logged_out)
          return await fail(hookFailed("tokens.getAccessToken", e, true));
        }
        emit({ type: "request", ...at });

        const attempt = attemptSignal(limit.signal, p.timeoutMs);
        if (attempt.signal !== undefined) request.init.signal = attempt.signal;
        const t0 = Date.now();
        let c: Classification;
        let cause: unknown;
        try {
          let res = short instanceof Response ? short : await doFetch(request.url, request.init);
          res = (await runHooks("afterResponse", hooks.afterResponse, [res, request], false)) ?? res;
          emit({ type: "response", ...at, status: res.status, durationMs: Date.now() - t0 });
          if (res.ok) {
            await succeeded(shared, origin);
            if (wantRaw) return res;
            try {
              return await parseBody(res);
            } catch (e) {
              const why = stopped() ?? (attempt.timedOut ? classifyError(attempt.signal?.reason) : null);
              if (why !== null) throw new ApiError(why, undefined, { cause: e, request: report() });
              throw new ApiError({ ...classifyError(e), status: res.status, retryable: false }, `the response body could not be read: ${String(e)}`, { cause: e, request: report() });
            }
          }
          const credentialsSent = headers.authorization !== undefined || request.init.credentials === "include";
          const classifyOptions: ResponseOptions & { credentialsSent: boolean } = { method: verb, phase: p.phase, credentialsSent };
          c = await classifyResponse(res, classifyOptions);
        } catch (e) {
          if (e instanceof ApiError) return await fail(e);
          cause = e;
          c = stopped() ?? classifyError(attempt.timedOut ? attempt.signal?.reason : e);
        } finally {
          attempt.end();
        }

        const next = await nextStep(shared, call, { ...at, origin, idempotencyKey: p.key, token }, c);
        if (next.kind === "give_up") {
          return await fail(new ApiError(next.classification, undefined, { cause, retryAtMs: next.retryAtMs, request: report() }));
        }
        if (next.kind === "retry") {
          try {
            await sleep(next.decision.delayMs, limit.signal);
            await runHooks("beforeRetry", hooks.beforeRetry, [{ request, classification: c, decision: next.decision }], true);
          } catch (e) {
            if (e instanceof ApiError) return await fail(e);
            const why = stopped() ?? classifyError(e);
            emit({ type: "give_up", ...at, classification: why, decision: null, retryAtMs: null });
            const last = new ApiError(c, undefined, { cause, request: report() });
            return await fail(new ApiError(why, undefined, { cause: last, request: report() }));
          }
        }
      }
    } finally {
      limit.end();
    }
  }

  return {
    request: ((method: string, path: string, opts: RequestOptions = {}) => send(method, path, opts, false)) as Client["request"],
    fetch: (method, path, opts = {}) => send(method, path, opts, true) as Promise<Response>,
    retryPolicy: policy,
  };
}
