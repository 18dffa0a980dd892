/**
 * Classifying failed requests: what went wrong, what to do about it, whether and when to retry.
 *
 * Three entry points share one core: {@link classify} (the parts of a response you already
 * hold, synchronous), {@link classifyResponse} (a fetch `Response`, reading a bounded body
 * prefix) and {@link classifyError} (anything `fetch`, undici, Node or axios throws).
 * {@link createClassifier} adds your own rules and user messages per code;
 * {@link supportReport} writes the escalation text support asks for, with credentials
 * redacted.
 *
 * The response crosses into wasm as a bounded body prefix and the header values the core
 * reads, written straight into wasm memory; the result comes back as numbers plus one
 * string, and the object is built here from tables read once from the Rust model.
 * @module
 */
import { ApiError, FaultlineError, fromWasmError } from "./errors.js";
import type { Action, Category, Classification } from "./types.js";
import { wasm } from "./wasm.js";
import { readPrefix } from "./classify/body.js";
import { bodyValue, collectKnownHeaders, headerLines, writeFields, writeParts, written, type BodyLike, type Field, type HeadersLike } from "./classify/input.js";
import { readClassification } from "./classify/output.js";
import { thrownFields } from "./classify/thrown.js";
import { getVocab } from "./classify/vocab.js";
import type { Classifier as WasmClassifier } from "faultline-glue";

export type { BodyLike, HeadersLike } from "./classify/input.js";

/** Which call failed: an ordinary request, the token refresh call, or the login call. */
export type Phase = "request" | "refresh" | "login";

/** What {@link classify} takes: the parts of a received response. */
export interface ResponseParts {
  /** HTTP status; 0 for an opaque response (classified as a network failure, `status: null`). */
  status: number;
  /** Response headers: a `Headers`, a plain object (names in any case) or `[name, value]` pairs. */
  headers?: HeadersLike;
  /** The body: text, bytes, an already-parsed JSON value (it is re-serialised), or nothing. */
  body?: BodyLike;
  /** Request method (kept for {@link supportReport}; it does not change the classification). */
  method?: string;
  /** Request URL (kept for {@link supportReport}). */
  url?: string;
  /** Which call this was. Default `"request"`. A 401 on `"refresh"` ends the session. */
  phase?: Phase;
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
  classifyResponse(response: Response, options?: Omit<ResponseOptions, keyof ClassifyOptions>): Promise<Classification>;
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
let defaultMax = -1;
const maxDefault = (): number => (defaultMax < 0 ? (defaultMax = wasm().classify_default_max_body_bytes()) : defaultMax);

const invalid = (message: string): FaultlineError => new FaultlineError("invalid_argument", message);

function phaseIndex(phase: unknown): number {
  if (phase === undefined || phase === "request") return 0;
  const i = typeof phase === "string" ? getVocab().phaseIndex.get(phase) : undefined;
  if (i === undefined) throw invalid(`phase must be "request", "refresh" or "login", got ${JSON.stringify(phase) ?? String(phase)}`);
  return i;
}

function statusOf(status: unknown): number {
  if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 999) {
    throw invalid(`status must be an integer from 0 to 999, got ${String(status)}`);
  }
  return status;
}

function nowOf(now: unknown): number {
  if (now === undefined) return written.clock ? Date.now() : NaN; // the clock is read only when a header needs it
  if (typeof now !== "number" || !Number.isFinite(now)) throw invalid("nowMs must be a finite number");
  return now;
}

function checkMax(max: unknown): number {
  if (typeof max !== "number" || !Number.isInteger(max) || max < 0 || max > 8 * 1024 * 1024) {
    throw invalid(`maxBodyBytes must be an integer from 0 to 8388608, got ${String(max)}`);
  }
  return max;
}

/**
 * What classifyResponse saw, for supportReport's defaults: kept on the classification it
 * returns, under a symbol and not enumerable, so the object still compares, spreads and
 * serialises as a plain Classification. (A WeakMap entry per response cost ten times as
 * much, most of it in the garbage collector.)
 */
const SEEN = Symbol("faultline.seen");
// The response itself rather than its `url`: the getter costs more than the rest of the
// bookkeeping, and only supportReport reads it.
type Seen = { method?: string; response: Response; body: Uint8Array | string | null; at: number };

/** The response's URL, when it has one and it can be read. */
function urlOf(response: Response): string | undefined {
  try {
    return typeof response.url === "string" && response.url !== "" ? response.url : undefined;
  } catch {
    return undefined;
  }
}

/** The engine behind the public functions: the defaults, or a {@link WasmClassifier}. */
type Engine = WasmClassifier | null;

function run(engine: Engine, max: number, parts: ResponseParts, body?: string | Uint8Array): Classification {
  if (parts === null || typeof parts !== "object") throw invalid("classify takes {status, headers?, body?, phase?}");
  const status = statusOf(parts.status);
  const phase = phaseIndex(parts.phase);
  collectKnownHeaders(parts.headers);
  const now = nowOf(parts.nowMs);
  const total = writeParts(body ?? bodyValue(parts.body), max);
  let textBytes: number;
  try {
    textBytes = engine === null
      ? wasm().classify_parts(status, written.bodyBytes, written.valuesEnd, total, written.textStart, written.ascii, phase, now, max)
      : engine.classify(status, written.bodyBytes, written.valuesEnd, total, written.textStart, written.ascii, phase, now);
  } catch (e) {
    throw fromWasmError(e);
  }
  return readClassification(textBytes, written);
}

const lengths = [0, 0, 0, 0, 0, 0];

function runThrown(engine: Engine, thrown: unknown): Classification {
  const own = apiClassification(thrown);
  if (own !== undefined) return own;
  const present = writeFields(thrownFields(thrown), lengths, 4096);
  const [a, b, c, d, e, f] = lengths as [number, number, number, number, number, number];
  let textBytes: number;
  try {
    textBytes = engine === null ? wasm().classify_thrown_parts(a, b, c, d, e, f, present) : engine.classify_thrown(a, b, c, d, e, f, present);
  } catch (err) {
    throw fromWasmError(err);
  }
  return readClassification(textBytes, null);
}

/** The classification an `ApiError` (of this or another copy of the package) carries. */
function apiClassification(thrown: unknown): Classification | undefined {
  try {
    if (thrown === null || typeof thrown !== "object") return undefined;
    if (!(thrown instanceof ApiError) && (thrown as { name?: unknown }).name !== "ApiError") return undefined;
    const c = (thrown as { classification?: unknown }).classification as Classification | undefined;
    return c !== null && typeof c === "object" && typeof c.category === "string" && typeof c.action === "string" ? c : undefined;
  } catch {
    return undefined; // a revoked proxy, a throwing getter
  }
}

async function runResponse(engine: Engine, max: number, response: Response, options: ResponseOptions | undefined): Promise<Classification> {
  if (response === null || typeof response !== "object" || typeof (response as { status?: unknown }).status !== "number") {
    throw invalid("classifyResponse takes a fetch Response");
  }
  const timeout = options?.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  if (typeof timeout !== "number" || !(timeout >= 0)) throw invalid("readTimeoutMs must be a non-negative number");
  const phase = options?.phase;
  const nowMs = options?.nowMs;
  phaseIndex(phase);
  const at = Date.now();
  const prefix = await readPrefix(response, max, timeout, at);
  const c = run(engine, max, { status: response.status, headers: response.headers, phase, nowMs: nowMs ?? at }, prefix ?? "");
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
 * @param parts - `{status, headers?, body?, phase?, nowMs?}`
 * @param options - body limit; with `rules`/`userMessages` a classifier is built once per
 *   options object (prefer {@link createClassifier} for that)
 * @throws {FaultlineError} `invalid_argument` for a bad status, phase, headers, body or option.
 * @example
 * const c = classify({ status: 429, headers: { "Retry-After": "30" }, body: "" });
 * c.category; // "rate_limited"
 * c.retryAfterMs; // 30000
 */
export function classify(parts: ResponseParts, options?: ClassifyOptions): Classification {
  if (options === undefined) return run(null, maxDefault(), parts);
  const { engine, max } = engineFor(options);
  return run(engine, max, parts);
}

/**
 * Classifies a fetch `Response`, reading at most `maxBodyBytes` of its body (the rest is
 * cancelled, so a huge or endless body costs nothing more). A body already used, locked or
 * failing is not read: the response is classified by status and headers (`format`
 * `"unknown"`). The response `Date` header is the base for `Retry-After` dates.
 *
 * @throws {FaultlineError} `invalid_argument` when `response` is not a Response or an option is bad.
 * @example
 * const res = await fetch(url);
 * if (!res.ok) throw new ApiError(await classifyResponse(res, { method: "GET" }));
 */
export function classifyResponse(response: Response, options?: ResponseOptions): Promise<Classification> {
  // Not `async`: returning runResponse's promise from an async function costs two more
  // turns of the microtask queue. A bad option still rejects rather than throws.
  try {
    const { engine, max } = options === undefined ? { engine: null, max: maxDefault() } : engineFor(options);
    return runResponse(engine, max, response, options);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Classifies anything thrown instead of a response: `TypeError: fetch failed` with undici's
 * `cause.code`, browser messages ("Failed to fetch", "Load failed"), `AbortError`,
 * `TimeoutError` from `AbortSignal.timeout`, Node system errors, axios errors, strings, or
 * `null`. An {@link ApiError} returns its own classification. Never throws for odd input
 * (getters that throw are ignored).
 * @example
 * try { await fetch(url); } catch (e) { if (classifyError(e).notSent) retryEvenPost(); }
 */
export function classifyError(thrown: unknown): Classification {
  return runThrown(null, thrown);
}

// Classifiers built for options objects passed to classify()/classifyResponse().
const byOptions = new WeakMap<object, { engine: Engine; max: number }>();

function engineFor(options: ClassifyOptions): { engine: Engine; max: number } {
  if (options === null || typeof options !== "object") throw invalid("options must be an object");
  if (options.rules === undefined && options.userMessages === undefined) {
    return { engine: null, max: options.maxBodyBytes === undefined ? maxDefault() : checkMax(options.maxBodyBytes) };
  }
  let e = byOptions.get(options);
  if (e === undefined) {
    const engine = build(options);
    e = { engine, max: engine.max_body_bytes };
    byOptions.set(options, e);
  }
  return e;
}

function build(options: ClassifyOptions): WasmClassifier {
  const spec: { maxBodyBytes?: number; rules?: unknown[]; userMessages?: Record<string, string> } = {};
  if (options.maxBodyBytes !== undefined) spec.maxBodyBytes = checkMax(options.maxBodyBytes);
  const rules = options.rules;
  if (rules !== undefined) {
    if (rules === null || typeof rules !== "object") throw invalid("rules must be an object {CODE: rule} or a list of rules");
    const list = Array.isArray(rules) ? rules : Object.entries(rules).map(([code, r]) => (r !== null && typeof r === "object" ? { ...r, code } : r));
    for (const r of list) {
      if (r === null || typeof r !== "object" || Array.isArray(r)) throw invalid("every rule must be an object {category?, action?, retryable?, userMessage?}");
      for (const [k, v] of Object.entries(r)) {
        if (v !== undefined && typeof v !== (k === "retryable" ? "boolean" : "string")) {
          throw invalid(`rule ${JSON.stringify((r as { code?: unknown }).code)}: ${k} must be a ${k === "retryable" ? "boolean" : "string"}`);
        }
      }
    }
    spec.rules = list;
  }
  const messages = options.userMessages;
  if (messages !== undefined) {
    if (messages === null || typeof messages !== "object" || Array.isArray(messages)) throw invalid("userMessages must be an object {codeOrCategory: text}");
    for (const [k, v] of Object.entries(messages)) {
      if (typeof v !== "string") throw invalid(`userMessages[${JSON.stringify(k)}] must be a string`);
    }
    spec.userMessages = messages;
  }
  const json = JSON.stringify(spec);
  writeFields([json], lengths);
  try {
    return new (wasm().Classifier)(lengths[0]!);
  } catch (e) {
    throw fromWasmError(e);
  }
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
  const max = engine.max_body_bytes;
  const live = (): WasmClassifier => {
    if (engine === null) throw invalid("this classifier was disposed");
    return engine;
  };
  const classifier: Classifier = {
    classify: (parts) => run(live(), max, parts),
    classifyResponse: (response, opts) => runResponse(live(), max, response, opts),
    classifyError: (thrown) => runThrown(live(), thrown),
    dispose: () => {
      if (engine === null) return;
      engine.free();
      engine = null;
    },
  };
  return classifier;
}

function report(c: Classification, request: ReportRequest): string {
  if (c === null || typeof c !== "object") throw invalid("supportReport takes a Classification");
  const v = getVocab();
  const category = v.categoryIndex.get(c.category);
  const action = v.actionIndex.get(c.action);
  if (category === undefined || action === undefined) throw invalid("supportReport takes a Classification (unknown category or action)");
  if (request === null || typeof request !== "object") throw invalid("the request must be an object {method?, url?, headers?, body?}");
  const memo = (c as { [SEEN]?: Seen })[SEEN];
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
  const responseBody = request.responseBody !== undefined ? bodyValue(request.responseBody) : memo?.body ?? undefined;
  const str = (s: unknown): string | undefined => (typeof s === "string" ? s : undefined);
  const fields: Field[] = [
    str(c.code) ?? undefined,
    str(c.message) ?? undefined,
    str(c.requestId) ?? undefined,
    method as string | undefined,
    url as string | undefined,
    headers === undefined ? undefined : headerLines(headers),
    request.body === undefined || request.body === null ? undefined : bodyValue(request.body),
    responseBody,
  ];
  const ts = request.timestampMs ?? memo?.at ?? Date.now();
  if (typeof ts !== "number") throw invalid("timestampMs must be a number");
  const lens = new Uint32Array(8);
  const present = writeFields(fields, lens, 4096);
  const hint = typeof c.hintSource === "string" ? v.hintIndex.get(c.hintSource) ?? -1 : -1;
  const status = typeof c.status === "number" ? c.status : NaN;
  const retryAfter = typeof c.retryAfterMs === "number" ? c.retryAfterMs : NaN;
  const flags = (c.retryable === true ? 1 : 0) | (c.notSent === true ? 2 : 0);
  try {
    return wasm().support_report_text(status, category, action, flags, retryAfter, hint, ts, lens, present);
  } catch (e) {
    throw fromWasmError(e);
  }
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
  return report(classification, request);
}
