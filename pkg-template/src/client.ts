/**
 * `createClient`: a `fetch` wrapper that does what the rest of the library decides.
 *
 * Each call: bearer token from the token manager -> fetch -> on failure classify it -> on a
 * 401 that says "refresh" invalidate the token and repeat once -> otherwise ask the
 * {@link RetryPolicy} whether and when to retry (server hints, backoff, budget, breaker,
 * idempotency) -> sleep (abortable) -> repeat, or throw an {@link ApiError} carrying the
 * classification. All decisions are the core's; this module only does I/O.
 * @module
 */
import { classify, classifyError, classifyResponse } from "./classify.js";
import { ApiError, FaultlineError } from "./errors.js";
import { RetryPolicy, type RetryDecision, type RetryPolicyOptions } from "./retry.js";
import type { Classification } from "./types.js";

/** What the client needs from a token source (a `createTokenManager` result fits). */
export interface TokenSource {
  /** A valid access token (refreshing first when needed). */
  getAccessToken(): Promise<string>;
  /** Tells the source the API rejected `token` (401), so the next call refreshes. */
  invalidate?(token: string): void;
}

/** One thing that happened during a request, for logging and metrics. */
export type ClientEvent =
  | { type: "request"; method: string; url: string; attempt: number }
  | { type: "response"; method: string; url: string; attempt: number; status: number; durationMs: number }
  | { type: "retry"; method: string; url: string; attempt: number; classification: Classification; decision: RetryDecision }
  | { type: "token_rejected"; method: string; url: string; attempt: number }
  | { type: "give_up"; method: string; url: string; attempt: number; classification: Classification; decision: RetryDecision | null };

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Prefix for relative paths, e.g. `"https://api.example.com"`. */
  baseUrl?: string;
  /** Bearer tokens; on a 401 asking for a refresh the token is invalidated and the call repeated once. */
  tokens?: TokenSource;
  /** A policy (shared budget and breaker across calls), its options, or `false` for no retries. */
  retry?: RetryPolicy | RetryPolicyOptions | false;
  /** The fetch to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Called for every {@link ClientEvent}; exceptions it throws are ignored. */
  onEvent?: (event: ClientEvent) => void;
}

/** Options of one {@link Client.request}. */
export interface RequestOptions {
  /** A JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /** A raw body (instead of `json`). */
  body?: BodyInit | null;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /** Query parameters appended to the URL. */
  query?: Record<string, string | number | boolean>;
  /** Aborts the request and any retry wait. */
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key`; lets POST/PATCH be retried safely. */
  idempotencyKey?: string;
  /** Which call this is, for classification (`"login"`, `"refresh"`). Default `"request"`. */
  phase?: "request" | "refresh" | "login";
}

/** A client made by {@link createClient}. */
export interface Client {
  /**
   * Sends a request and returns the parsed body (JSON when the response says so, else text,
   * `null` for an empty body). Throws {@link ApiError} with the classification when it fails
   * for good.
   */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The policy in use (or `null`), e.g. to read `budgetTokens`. */
  readonly retryPolicy: RetryPolicy | null;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === "") return null;
  const type = res.headers.get("content-type") ?? "";
  return /[/+]json\b/i.test(type) ? JSON.parse(text) : text;
}

/**
 * Makes a client that retries, refreshes tokens and classifies failures.
 * @throws {FaultlineError} `invalid_argument` for bad options; the retry options' codes.
 * @example
 * const api = createClient({ baseUrl: "https://api.example.com", tokens });
 * const uploads = await api.request("GET", "/api/v1/uploads/");
 */
export function createClient(options: ClientOptions = {}): Client {
  if (options === null || typeof options !== "object") {
    throw new FaultlineError("invalid_argument", "createClient takes an options object");
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== "function") {
    throw new FaultlineError("invalid_argument", "no fetch: pass options.fetch");
  }
  const policy =
    options.retry === false ? null : options.retry instanceof RetryPolicy ? options.retry : new RetryPolicy(options.retry ?? {});
  const emit = (e: ClientEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // An observer must not break requests.
    }
  };

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    if (typeof method !== "string" || typeof path !== "string") {
      throw new FaultlineError("invalid_argument", "request(method, path) takes two strings");
    }
    method = method.toUpperCase();
    const url = new URL(path, options.baseUrl ?? (globalThis as { location?: { href: string } }).location?.href);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
    const href = url.href;
    const origin = url.origin;
    const headers: Record<string, string> = { ...options.headers, ...opts.headers };
    let body = opts.body ?? null;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] ??= "application/json";
    }
    if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;

    const started = Date.now();
    let attempt = 1;
    let throttledRetries = 0;
    let previousDelayMs: number | undefined;
    let tokenRetried = false;
    for (;;) {
      if (opts.signal?.aborted) throw new ApiError(classifyError(opts.signal.reason), undefined, { cause: opts.signal.reason });
      if (policy && !policy.allowRequest(origin)) {
        const c: Classification = { ...classify({ status: 503, headers: {}, body: "" }), status: null, code: "circuit_open", message: `circuit open for ${origin}`, notSent: true, format: "unknown" };
        emit({ type: "give_up", method, url: href, attempt, classification: c, decision: null });
        throw new ApiError(c);
      }
      let token: string | undefined;
      if (options.tokens) {
        token = await options.tokens.getAccessToken();
        headers.authorization = `Bearer ${token}`;
      }
      emit({ type: "request", method, url: href, attempt });
      const t0 = Date.now();
      let classification: Classification;
      let cause: unknown;
      try {
        const init: RequestInit = { method, headers, body };
        if (opts.signal) init.signal = opts.signal;
        const res = await doFetch(href, init);
        emit({ type: "response", method, url: href, attempt, status: res.status, durationMs: Date.now() - t0 });
        if (res.ok) {
          policy?.recordSuccess(origin);
          return (await parseBody(res)) as T;
        }
        classification = await classifyResponse(res, { method, phase: opts.phase ?? "request" });
      } catch (e) {
        if (e instanceof ApiError) throw e;
        cause = e;
        classification = classifyError(e);
      }
      if (classification.action === "refresh_token" && options.tokens && token !== undefined && !tokenRetried) {
        tokenRetried = true;
        options.tokens.invalidate?.(token);
        emit({ type: "token_rejected", method, url: href, attempt });
        continue;
      }
      if (!policy || classification.category === "aborted") {
        emit({ type: "give_up", method, url: href, attempt, classification, decision: null });
        throw new ApiError(classification, undefined, { cause });
      }
      const decision = policy.decide({
        attempt,
        classification,
        method,
        idempotencyKey: opts.idempotencyKey ?? null,
        elapsedMs: Date.now() - started,
        origin,
        throttledRetries,
        previousDelayMs: previousDelayMs ?? null,
      });
      if (!decision.retry) {
        emit({ type: "give_up", method, url: href, attempt, classification, decision });
        throw new ApiError(classification, undefined, { cause });
      }
      emit({ type: "retry", method, url: href, attempt, classification, decision });
      if (decision.throttled) throttledRetries++;
      previousDelayMs = decision.delayMs;
      try {
        await sleep(decision.delayMs, opts.signal);
      } catch (e) {
        throw new ApiError(classifyError(e), undefined, { cause: e });
      }
      attempt++;
    }
  }

  return { request, retryPolicy: policy };
}
