/**
 * What users pass, normalised into what crosses into wasm: headers as one text of
 * `name:value` lines, a body as bounded text (bytes decoded as the core decodes them).
 * Everything a user object can run (getters, `toJSON`, iterators) runs here, before the
 * wasm call, so nothing it does can reach into a classification in progress.
 * @module
 * @internal
 */
import { FaultlineError } from "../errors.js";

/**
 * Response headers in any of the usual shapes: a fetch `Headers`, a plain object (names in
 * any case, values strings, numbers or string lists), `[name, value]` pairs, a `Map`, axios'
 * `AxiosHeaders`, or any object with `entries()` or `forEach()`.
 */
export type HeadersLike =
  | Headers
  | Record<string, unknown>
  | Iterable<readonly [string, unknown]>
  | { entries(): Iterable<readonly [string, unknown]> }
  | { forEach(callback: (value: unknown, name: string) => void): void }
  | null
  | undefined;

/** A response body: text, bytes, an already-parsed JSON value, or nothing. */
export type BodyLike = string | Uint8Array | ArrayBuffer | ArrayBufferView | object | number | boolean | null | undefined;

/** Most header pairs sent; a response with more keeps the first ones. */
const MAX_HEADERS = 256;
/** Longest header value sent, in UTF-16 units; longer ones are cut. */
const MAX_HEADER_VALUE = 8192;

const invalid = (message: string): FaultlineError => new FaultlineError("invalid_argument", message);

const breaksLine = (s: string): boolean => s.includes("\n") || s.includes("\r");

function valueText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.filter((x) => typeof x === "string").join(", ");
  return undefined;
}

/**
 * The headers of any {@link HeadersLike} as `name:value` lines joined by `\n`. A name with
 * `:` or a line break, a value with a line break (no fetch `Headers` can hold one) and an
 * entry without a usable value are skipped; a list entry that is not a pair is
 * `invalid_argument`.
 * @internal
 */
export function headerText(h: unknown): string {
  let text = "";
  let count = 0;
  if (h === undefined || h === null) return text;
  if (typeof h !== "object") throw invalid("headers must be a Headers object, a plain object or a list of [name, value] pairs");
  const add = (name: unknown, value: unknown): void => {
    if (count >= MAX_HEADERS || typeof name !== "string" || name.includes(":") || breaksLine(name)) return;
    let v = valueText(value);
    if (v === undefined || breaksLine(v)) return;
    if (v.length > MAX_HEADER_VALUE) v = v.slice(0, MAX_HEADER_VALUE);
    text += count++ === 0 ? name + ":" + v : "\n" + name + ":" + v;
  };
  const o = h as Record<string | symbol, unknown>;
  if (Array.isArray(h)) {
    for (const pair of h) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string") throw invalid("a header list must hold [name, value] pairs");
      add(pair[0], pair[1]);
    }
  } else if (typeof o.entries === "function" || typeof o[Symbol.iterator] === "function") {
    // Headers, Map, AxiosHeaders and other iterables of pairs.
    const it = (typeof o.entries === "function" ? (o.entries as () => Iterable<unknown>)() : (h as Iterable<unknown>));
    for (const pair of it) {
      if (!Array.isArray(pair)) throw invalid("a header list must hold [name, value] pairs");
      add(pair[0], pair[1]);
    }
  } else if (typeof o.forEach === "function") {
    (o.forEach as (cb: (value: unknown, name: unknown) => void) => void)((value, name) => add(name, value));
  } else {
    for (const k of Object.keys(o)) add(k, o[k]);
  }
  return text;
}

/** Text or bytes for a body, or `invalid_argument`. @internal */
export function bodyValue(b: BodyLike | unknown): string | Uint8Array {
  if (typeof b === "string") return b;
  if (b === undefined || b === null) return "";
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (
    (typeof Blob !== "undefined" && b instanceof Blob) ||
    (typeof ReadableStream !== "undefined" && b instanceof ReadableStream) ||
    (typeof FormData !== "undefined" && b instanceof FormData) ||
    typeof b === "function" || typeof b === "symbol" || typeof b === "bigint"
  ) {
    throw invalid("body must be a string, bytes, a parsed JSON value or null (use classifyResponse for streams)");
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(b);
  } catch (e) {
    throw invalid(`body could not be serialised as JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return text ?? "";
}

let utf8: TextDecoder | undefined;

/**
 * A body as the text that crosses into wasm, cut to what the core looks at. A string is cut
 * to `max + 1` UTF-16 units (each is at least one UTF-8 byte, so the core sees that it was
 * longer). Bytes are decoded as UTF-8 with U+FFFD for each invalid sequence and a BOM kept,
 * as the core decodes bytes: past `max` bytes the rest is dropped, and with it a character
 * cut in two.
 * @internal
 */
export function boundedBody(b: string | Uint8Array, max: number): string {
  if (typeof b === "string") return b.length > max + 1 ? b.slice(0, max + 1) : b;
  if (b.length <= max) return (utf8 ??= new TextDecoder("utf-8", { ignoreBOM: true })).decode(b);
  // A streaming decode holds back an unfinished character instead of replacing it; this
  // decoder is dropped with what it holds.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(b.subarray(0, max), { stream: true });
}
