/**
 * Classifying failed requests: what went wrong, what to do about it, whether and when to retry.
 *
 * Three entry points share one core: {@link classify} (the parts of a response you already
 * hold, synchronous), {@link classifyResponse} (a fetch `Response`, reading a bounded body
 * prefix) and {@link classifyError} (anything `fetch`, undici, Node, ky, axios or got throws).
 * {@link createClassifier} adds your own rules and user messages per code;
 * {@link supportReport} writes the escalation text support asks for, with credentials
 * redacted.
 *
 * Each call normalises its input here (headers to `name:value` lines, the body to bounded
 * text), hands it to wasm as JSON text (headers and body as strings beside it) and gets the
 * `Classification` back as a plain object. Nothing is kept between calls.
 * @module
 */
import {
  Classifier as WasmClassifier,
  classify as wasmClassify,
  classify_default_max_body_bytes,
  classify_thrown,
  support_report_text,
} from "faultline-glue";
import { ApiError, FaultlineError, fromWasmError } from "./errors.js";
import type { Action, Category, Classification, Phase } from "./types.js";
import { assertReady } from "./wasm.js";
import { readPrefix } from "./classify/body.js";
import { bodyValue, boundedBody, headerText, type BodyLike, type HeadersLike } from "./classify/input.js";
import { get, isFetchResponse, responseOf, thrownFields } from "./classify/thrown.js";
import { toWire } from "./wire.js";

export type { BodyLike, HeadersLike } from "./classify/input.js";
export type { Phase } from "./types.js";

/** What {@link classify} takes: the parts of a received response. */
export interface ResponseParts {
  /** HTTP status; 0 for an opaque response (classified as a network failure, `status: null`). */
  status: number;
  /** Response headers: a `Headers`, a plain object (names in any case), `[name, value]` pairs, `AxiosHeaders`, a `Map`. */
  headers?: HeadersLike;
  /** The body: text, bytes, an already-parsed JSON value (it is re-serialised), or nothing. */
  body?: BodyLike;
  /** Request method (kept for {@link supportReport}; it does not change the classification). */
  method?: string;
  /** Request URL (kept for {@link supportReport}). */
  url?: string;
  /** Which call this was. Default `"request"`. A 401 on `"refresh"` ends the session. */
  phase?: Phase;
  /**
   * Whether the request carried credentials. `false`: an ambiguous 401 ("credentials were not
   * provided or are invalid", a bare `authentication_failed`) is `add_credentials`; `true`:
   * it is `refresh_token`. Absent: `refresh_token`. A clearer signal (blacklisted token, no
   * active account) wins either way.
   */
  credentialsSent?: boolean;
  /** Epoch ms now, the base for `Retry-After` dates when the response has no `Date`. Default `Date.now()`. */
  nowMs?: number;
}

/** A caller's rule for one server code: each field given replaces the built-in decision. */
export interface ClassifyRule {
  /** Replacement category. */
  category?: Category;
  /** Replacement action. */
  action?: Action;
  /** Replacement retryable flag. */
  retryable?: boolean;
  /** Replacement user message. */
  userMessage?: string;
}

/** How to classify: body limit, custom rules and user messages. */
export interface ClassifyOptions {
  /** Body bytes looked at (default 65 536, at most 8 MiB). A longer body is cut; cut JSON no longer parses. */
  maxBodyBytes?: number;
  /**
   * Rules per server code (compared case-insensitively; the first match applies), as an
   * object `{CODE: rule}` or a list of rules with a `code`. They also apply to thrown errors
   * by their code (`ECONNREFUSED`).
   */
  rules?: Record<string, ClassifyRule> | ReadonlyArray<ClassifyRule & { code: string }>;
  /** User messages keyed by server code, or else by category name (`"rate_limited"`). */
  userMessages?: Record<string, string>;
}

/** Options of {@link classifyResponse}. */
export interface ResponseOptions extends ClassifyOptions {
  /** Request method, for {@link supportReport}. */
  method?: string;
  /** Which call this was. Default `"request"`. */
  phase?: Phase;
  /** Whether the request carried credentials (see {@link ResponseParts.credentialsSent}). */
  credentialsSent?: boolean;
  /** Epoch ms now (default `Date.now()`); the response `Date` header wins when present. */
  nowMs?: number;
  /** Give up reading a stalled body after this long and classify what arrived. Default 10 000 ms. */
  readTimeoutMs?: number;
}

/** A classifier with its own rules and user messages; see {@link createClassifier}. */
export interface Classifier {
  /** {@link classify} with this classifier's options. */
  classify(parts: ResponseParts): Classification;
  /** {@link classifyResponse} with this classifier's options. */
  classifyResponse(response: Response | { response: Response }, options?: Omit<ResponseOptions, keyof ClassifyOptions>): Promise<Classification>;
  /** {@link classifyError} with this classifier's rules and user messages. */
  classifyError(thrown: unknown): Classification;
  /** Frees the wasm side now (otherwise it is freed when the classifier is garbage-collected). Later calls throw. */
  dispose(): void;
}

/** What {@link supportReport} needs about the request; every field is optional. */
export interface ReportRequest {
  /** Request method (default `GET`). */
  method?: string;
  /** Request URL (credentials in it are redacted). */
  url?: string | URL;
  /** Request headers (credential values are redacted). */
  headers?: HeadersLike;
  /** Request body, for the curl command (credentials are redacted; cut at 2 KiB). */
  body?: BodyLike;
  /** Response body, for the excerpt (cut at 2 KiB; an HTML page shows only its title). */
  responseBody?: BodyLike;
  /** When it failed, epoch ms. Default: when it was classified (by {@link classifyResponse}), else now. */
  timestampMs?: number;
}

const DEFAULT_READ_TIMEOUT_MS = 10_000;
/** How much of a request or response body a support report is given, at most. */
const REPORT_BODY_BYTES = 4096;
/** The longest name, message or code of a thrown error that is read. */
const MAX_THROWN_TEXT = 4096;

const invalid = (message: string): FaultlineError => new FaultlineError("invalid_argument", message);

/** The engine behind the public functions: the defaults (`null`) or a wasm classifier. */
type Engine = WasmClassifier | null;

function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromWasmError(e);
  }
}

function maxOf(engine: Engine): number {
  assertReady();
  return engine === null ? classify_default_max_body_bytes() : engine.maxBodyBytes;
}

/**
 * What classifyResponse saw, for supportReport's defaults: kept on the classification it
 * returns, under a symbol and not enumerable, so the object still compares, spreads and
 * serialises as a plain Classification.
 */
const SEEN = Symbol("faultline.seen");
type Seen = { method?: string; response: Response; body: Uint8Array | string | null; at: number };

/** The response's URL, when it has one and it can be read. */
function urlOf(response: Response): string | undefined {
  const url = get(response, "url");
  return typeof url === "string" && url !== "" ? url : undefined;
}

/** Checks the scalar parts of `parts`; `invalid_argument` for a bad one. */
function checkParts(parts: ResponseParts): void {
  if (parts === null || typeof parts !== "object") throw invalid("classify takes {status, headers?, body?, phase?}");
  const { status, phase, credentialsSent, nowMs } = parts;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 999) {
    throw invalid(`status must be an integer from 0 to 999, got ${String(status)}`);
  }
  if (phase !== undefined && phase !== "request" && phase !== "refresh" && phase !== "login") {
    throw invalid(`phase must be "request", "refresh" or "login", got ${JSON.stringify(phase) ?? String(phase)}`);
  }
  if (credentialsSent !== undefined && typeof credentialsSent !== "boolean") throw invalid("credentialsSent must be a boolean");
  if (nowMs !== undefined && (typeof nowMs !== "number" || !Number.isFinite(nowMs))) throw invalid("nowMs must be a finite number");
}

/** Classifies `parts`; `body` and `headers`, when given, are already normalised. */
function run(engine: Engine, parts: ResponseParts, body?: string | Uint8Array, headers?: string): Classification {
  assertReady();
  checkParts(parts);
  const { status, phase, credentialsSent, nowMs } = parts;
  const input = toWire("classify input", { status, phase, credentialsSent, nowMs: nowMs ?? Date.now() });
  // Headers and body cross as strings of their own: inside JSON every line break of the
  // headers and every quote of a JSON body would be escaped.
  const lines = headers ?? headerText(parts.headers);
  const text = boundedBody(body ?? bodyValue(parts.body), maxOf(engine));
  return call(() => (engine === null ? wasmClassify(input, lines, text) : engine.classify(input, lines, text)) as Classification);
}

function runThrown(engine: Engine, thrown: unknown): Classification {
  assertReady();
  const own = apiClassification(thrown);
  if (own !== undefined) return own;
  const carried = responseOf(thrown);
  if (carried !== undefined) {
    // The body of a fetch Response (ky) can only be read asynchronously: status and
    // headers classify it here, classifyResponse(error) reads the body too.
    if (carried.fetchResponse === undefined) {
      return run(engine, { status: carried.status }, safeBody(carried.body), safeHeaders(carried.headers));
    }
    const c = run(engine, { status: carried.status }, "", safeHeaders(carried.headers));
    if (c.format === "empty") c.format = "unknown"; // a body not read is not an empty one
    return c;
  }
  const fields = thrownFields(thrown);
  for (const k of Object.keys(fields) as (keyof typeof fields)[]) {
    const v = fields[k];
    if (v !== undefined && v.length > MAX_THROWN_TEXT) fields[k] = v.slice(0, MAX_THROWN_TEXT);
  }
  const input = toWire("thrown error", fields);
  return call(() => (engine === null ? classify_thrown(input) : engine.classifyThrown(input)) as Classification);
}

/** A carried body as text or bytes; one that cannot be serialised counts as none. */
function safeBody(b: unknown): string | Uint8Array {
  try {
    return bodyValue(b);
  } catch {
    return "";
  }
}

/** Carried headers as text; headers that cannot be read count as none. */
function safeHeaders(h: unknown): string {
  try {
    return headerText(h);
  } catch {
    return "";
  }
}

/** The classification an `ApiError` (of this or another copy of the package) carries. */
function apiClassification(thrown: unknown): Classification | undefined {
  if (thrown === null || typeof thrown !== "object") return undefined;
  try {
    if (!(thrown instanceof ApiError) && get(thrown, "name") !== "ApiError") return undefined;
  } catch {
    return undefined; // a revoked proxy
  }
  const c = get(thrown, "classification") as Classification | undefined;
  return c !== null && typeof c === "object" && typeof get(c, "category") === "string" && typeof get(c, "action") === "string" ? c : undefined;
}

async function runResponse(engine: Engine, source: unknown, options: ResponseOptions | undefined): Promise<Classification> {
  const response = isFetchResponse(source) ? source : get(source, "response");
  if (!isFetchResponse(response)) throw invalid("classifyResponse takes a fetch Response (or an error carrying one, such as ky's HTTPError)");
  const timeout = options?.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  if (typeof timeout !== "number" || !(timeout >= 0)) throw invalid("readTimeoutMs must be a non-negative number");
  const parts: ResponseParts = {
    status: response.status,
    headers: response.headers,
    phase: options?.phase,
    credentialsSent: options?.credentialsSent,
    nowMs: options?.nowMs,
  };
  checkParts(parts); // bad options reject before the body is read
  const at = Date.now();
  const prefix = await readPrefix(response, maxOf(engine), timeout, at);
  const c = run(engine, { ...parts, nowMs: parts.nowMs ?? at }, prefix ?? "");
  // A body that could not be read is not an empty one.
  if (prefix === null && c.format === "empty") c.format = "unknown";
  const memo: Seen = { method: options?.method, response, body: prefix, at };
  Object.defineProperty(c, SEEN, { value: memo });
  return c;
}

/**
 * Classifies the parts of a received response: status, headers and body (any common error
 * envelope: Upstream/DRF, FastAPI, Sachain, RFC 9457 problem details, Google, GraphQL, text,
 * gateway HTML). Synchronous; looks at most at `maxBodyBytes` of the body.
 *
 * @param parts - `{status, headers?, body?, phase?, credentialsSent?, nowMs?}`
 * @param options - body limit, rules, user messages (a classifier is built once per
 *   options object; prefer {@link createClassifier} for that)
 * @throws {FaultlineError} `invalid_argument` for a bad status, phase, headers, body or option.
 * @example
 * const c = classify({ status: 429, headers: { "Retry-After": "30" }, body: "" });
 * c.category; // "rate_limited"
 * c.retryAfterMs; // 30000
 */
export function classify(parts: ResponseParts, options?: ClassifyOptions): Classification {
  return run(engineFor(options), parts);
}

/**
 * Classifies a fetch `Response`, reading at most `maxBodyBytes` of its body (the rest is
 * cancelled, so a huge or endless body costs nothing more). A body already used, locked or
 * failing is not read: the response is classified by status and headers (`format`
 * `"unknown"`). The response `Date` header is the base for `Retry-After` dates.
 *
 * Also takes an error that carries a fetch `Response`, such as ky's `HTTPError`, and reads
 * its body (which {@link classifyError}, being synchronous, cannot).
 *
 * @throws {FaultlineError} `invalid_argument` when `response` is not a Response or an option is bad.
 * @example
 * const res = await fetch(url);
 * if (!res.ok) throw new ApiError(await classifyResponse(res, { method: "GET" }));
 */
export function classifyResponse(response: Response | { response: Response }, options?: ResponseOptions): Promise<Classification> {
  try {
    return runResponse(engineFor(options), response, options);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Classifies anything thrown instead of (or about) a response: `TypeError: fetch failed` with
 * undici's `cause.code`, browser messages ("Failed to fetch", "Load failed"), `AbortError`,
 * `TimeoutError`, Node system errors, strings, `null` — and, read by shape without importing
 * them, ky's `HTTPError` (status and headers; its body needs {@link classifyResponse}) and
 * `TimeoutError`, `AxiosError` (with its response: status, headers, `data`; or its code:
 * `ECONNABORTED`, `ETIMEDOUT`, `ERR_NETWORK`, `ERR_CANCELED`) and got's `RequestError`
 * (`response.statusCode`, `headers`, `body`; or codes such as `ETIMEDOUT`, `ECONNRESET`).
 * An {@link ApiError} returns its own classification. Never throws for odd input (getters
 * that throw are ignored).
 * @example
 * try { await fetch(url); } catch (e) { if (classifyError(e).notSent) retryEvenPost(); }
 */
export function classifyError(thrown: unknown): Classification {
  return runThrown(null, thrown);
}

// Classifiers built for options objects passed to classify()/classifyResponse().
const byOptions = new WeakMap<object, WasmClassifier>();

function engineFor(options: ClassifyOptions | undefined): Engine {
  if (options === undefined) return null;
  if (options === null || typeof options !== "object") throw invalid("options must be an object");
  if (options.rules === undefined && options.userMessages === undefined && options.maxBodyBytes === undefined) return null;
  let engine = byOptions.get(options);
  if (engine === undefined) {
    engine = build(options);
    byOptions.set(options, engine);
  }
  return engine;
}

const RULE_FIELDS = ["code", "category", "action", "retryable", "userMessage"];

function build(options: ClassifyOptions): WasmClassifier {
  assertReady();
  const { maxBodyBytes, rules, userMessages } = options;
  if (maxBodyBytes !== undefined && (typeof maxBodyBytes !== "number" || !Number.isInteger(maxBodyBytes) || maxBodyBytes < 0)) {
    throw invalid(`maxBodyBytes must be an integer from 0 to 8388608, got ${String(maxBodyBytes)}`);
  }
  let list: unknown[] | undefined;
  if (rules !== undefined) {
    if (rules === null || typeof rules !== "object") throw invalid("rules must be an object {CODE: rule} or a list of rules");
    list = Array.isArray(rules)
      ? rules
      : Object.entries(rules).map(([code, r]) => (r !== null && typeof r === "object" && !Array.isArray(r) ? { ...r, code } : r));
  }
  for (const r of list ?? []) {
    const unknown = r !== null && typeof r === "object" ? Object.keys(r).find((k) => !RULE_FIELDS.includes(k)) : undefined;
    if (unknown !== undefined) throw invalid(`rule ${JSON.stringify((r as { code?: unknown }).code)} has an unknown field ${JSON.stringify(unknown)}`);
  }
  const spec = toWire("classifier options", { maxBodyBytes, rules: list, userMessages });
  return call(() => new WasmClassifier(spec));
}

/**
 * A classifier with your own rules per server code and user messages per code or category,
 * validated once (an unknown category or action throws `invalid_argument`). The top-level
 * functions use the defaults.
 *
 * The rules live in wasm memory: call `dispose()` when done with a short-lived classifier;
 * otherwise they are freed when the classifier is garbage-collected (the wasm-bindgen handle
 * is registered with a `FinalizationRegistry`).
 * @throws {FaultlineError} `invalid_argument` for an unknown category/action, a wrong type or an unknown rule field.
 * @example
 * const classifier = createClassifier({
 *   rules: { ACCOUNT_LOCKED: { category: "forbidden", action: "request_permission" } },
 *   userMessages: { rate_limited: "Slow down a little." },
 * });
 * classifier.classify({ status: 429, body: "" }).userMessage; // "Slow down a little."
 */
export function createClassifier(options: ClassifyOptions = {}): Classifier {
  if (options === null || typeof options !== "object") throw invalid("createClassifier takes an options object");
  let engine: WasmClassifier | null = build(options);
  const live = (): WasmClassifier => {
    if (engine === null) throw invalid("this classifier was disposed");
    return engine;
  };
  return {
    classify: (parts) => run(live(), parts),
    classifyResponse: (response, opts) => {
      try {
        return runResponse(live(), response, opts);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    classifyError: (thrown) => runThrown(live(), thrown),
    dispose: () => {
      if (engine === null) return;
      engine.free();
      engine = null;
    },
  };
}

/**
 * The escalation text support asks for (seed 000): subject, request id, timestamp, endpoint,
 * status, category and action, code and message, the error response (cut at 2 KiB) and a
 * curl command to reproduce it — with every credential redacted (Authorization, cookies, API
 * keys, passwords and tokens in headers, URLs, JSON and form bodies, and anything shaped like
 * a JWT or `Bearer` token anywhere).
 *
 * For a classification from {@link classifyResponse}, the method, URL, response body and time
 * are remembered, so `supportReport(c)` alone is useful.
 * @throws {FaultlineError} `invalid_argument` when `classification` is not one.
 * @example
 * navigator.clipboard.writeText(supportReport(c, { method: "GET", url, headers: requestHeaders }));
 */
export function supportReport(classification: Classification, request: ReportRequest = {}): string {
  assertReady();
  if (classification === null || typeof classification !== "object") throw invalid("supportReport takes a Classification");
  if (request === null || typeof request !== "object") throw invalid("the request must be an object {method?, url?, headers?, body?}");
  const memo = (classification as { [SEEN]?: Seen })[SEEN];
  let method: unknown = request.method ?? memo?.method;
  let url: unknown = request.url ?? (memo === undefined ? undefined : urlOf(memo.response));
  let headers: unknown = request.headers;
  if (typeof Request !== "undefined" && request instanceof Request) {
    method = request.method;
    url = request.url;
    headers = request.headers;
  }
  if (method !== undefined && typeof method !== "string") throw invalid("method must be a string");
  if (url instanceof URL) url = url.href;
  if (url !== undefined && typeof url !== "string") throw invalid("url must be a string or a URL");
  const timestampMs = request.timestampMs ?? memo?.at ?? Date.now();
  if (typeof timestampMs !== "number") throw invalid("timestampMs must be a number");
  // Numbers that are not usable (NaN, infinite) are left out, as before they crossed.
  const usable = (n: unknown): number | null => (typeof n === "number" && Number.isFinite(n) ? n : null);
  const responseBody = request.responseBody !== undefined ? bodyValue(request.responseBody) : memo?.body ?? undefined;
  const c = classification as unknown as Record<string, unknown>;
  const input = {
    classification: {
      category: c.category,
      action: c.action,
      status: usable(c.status),
      code: typeof c.code === "string" ? c.code : null,
      message: typeof c.message === "string" ? c.message : null,
      retryable: c.retryable === true,
      retryAfterMs: usable(c.retryAfterMs),
      hintSource: typeof c.hintSource === "string" ? c.hintSource : null,
      requestId: typeof c.requestId === "string" ? c.requestId : null,
      notSent: c.notSent === true,
    },
    method,
    url,
    headers: headers === undefined ? "" : headerText(headers),
    body: request.body === undefined || request.body === null ? undefined : boundedBody(bodyValue(request.body), REPORT_BODY_BYTES),
    responseBody: responseBody === undefined ? undefined : boundedBody(responseBody, REPORT_BODY_BYTES),
    timestampMs: usable(timestampMs),
  };
  return call(() => support_report_text(toWire("supportReport input", input)));
}
