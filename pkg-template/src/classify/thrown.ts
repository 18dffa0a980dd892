/**
 * Reading thrown errors safely, by shape: getters that throw, revoked proxies, odd types and
 * cycles never escape, and no HTTP client is imported.
 *
 * Two readings: {@link responseOf} finds the HTTP response an error carries (ky `HTTPError`,
 * `AxiosError` with a response, got's `HTTPError`/`RequestError` with a response), and
 * {@link thrownFields} takes the name, message and code of the error and of its `cause`
 * (fetch/undici, Node, ky `TimeoutError`, axios `ECONNABORTED`/`ERR_NETWORK`/`ETIMEDOUT`/
 * `ERR_CANCELED`, got `ETIMEDOUT`/`ECONNRESET`).
 * @module
 * @internal
 */

/** `o[key]`, or `undefined` when `o` is not an object or reading it throws. @internal */
export function get(o: unknown, key: string): unknown {
  if (o === null || (typeof o !== "object" && typeof o !== "function")) return undefined;
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isArray(v: unknown): boolean {
  try {
    return Array.isArray(v);
  } catch {
    return false; // a revoked proxy
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const codeOf = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;

/** What {@link thrownFields} reads: the wasm side's `ThrownInput`. @internal */
export interface ThrownFields {
  name?: string;
  message?: string;
  code?: string;
  causeName?: string;
  causeMessage?: string;
  causeCode?: string;
}

/**
 * Name, message and code of a thrown value and of its `cause`. A string is a message; a
 * cause without a code lends the code of its first inner error (Node's `AggregateError` from
 * trying several addresses).
 * @internal
 */
export function thrownFields(thrown: unknown): ThrownFields {
  if (typeof thrown === "string") return { message: thrown };
  const out: ThrownFields = {};
  const set = (key: keyof ThrownFields, v: string | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  set("name", str(get(thrown, "name")));
  set("message", str(get(thrown, "message")));
  set("code", codeOf(get(thrown, "code")));
  const cause = get(thrown, "cause");
  if (typeof cause === "string") {
    out.causeMessage = cause;
  } else if (cause !== thrown) {
    set("causeName", str(get(cause, "name")));
    set("causeMessage", str(get(cause, "message")));
    let causeCode = codeOf(get(cause, "code"));
    if (causeCode === undefined) {
      const inner = get(cause, "errors");
      if (isArray(inner)) causeCode = codeOf(get(get(inner, "0"), "code"));
    }
    set("causeCode", causeCode);
  }
  return out;
}

/** The parts of an HTTP response an error carries. @internal */
export interface CarriedResponse {
  status: number;
  headers: unknown;
  /** The body when the client has already read it (axios `data`, got `body`); else absent. */
  body?: unknown;
  /** The fetch `Response` itself (ky), whose body only an async reader can read. */
  fetchResponse?: Response;
}

/** Whether `v` is a fetch `Response` (or behaves as one). @internal */
export function isFetchResponse(v: unknown): v is Response {
  if (typeof Response !== "undefined") {
    try {
      if (v instanceof Response) return true;
    } catch {
      return false;
    }
  }
  return typeof get(v, "status") === "number" && typeof get(get(v, "headers"), "get") === "function" && typeof get(v, "arrayBuffer") === "function";
}

/** A body value an HTTP client has already read: text, bytes or parsed JSON; not streams or blobs. */
function readBody(v: unknown): unknown {
  if (v === undefined || v === null || typeof v === "string" || v instanceof Uint8Array || v instanceof ArrayBuffer) return v;
  if (typeof v !== "object") return typeof v === "number" || typeof v === "boolean" ? v : undefined;
  if ((typeof Blob !== "undefined" && v instanceof Blob) || (typeof ReadableStream !== "undefined" && v instanceof ReadableStream)) return undefined;
  if (typeof get(v, "pipe") === "function" || typeof get(v, "getReader") === "function") return undefined; // a Node or web stream
  return v;
}

/**
 * The response a thrown error carries, by shape: `error.response` with a numeric `status`
 * (fetch `Response` for ky, axios' response with `data`) or `statusCode` (got, with `body`).
 * @internal
 */
export function responseOf(thrown: unknown): CarriedResponse | undefined {
  const response = get(thrown, "response");
  if (response === null || typeof response !== "object") return undefined;
  if (isFetchResponse(response)) {
    return { status: response.status, headers: get(response, "headers"), fetchResponse: response };
  }
  const status = get(response, "status") ?? get(response, "statusCode");
  if (typeof status !== "number" || !Number.isInteger(status) || status < 0 || status > 999) return undefined;
  const data = get(response, "data");
  return { status, headers: get(response, "headers"), body: readBody(data !== undefined ? data : get(response, "body")) };
}
