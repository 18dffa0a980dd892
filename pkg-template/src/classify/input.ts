/**
 * Response parts into wasm memory: a bounded body prefix, the header values, then a record per
 * value, back to back in the scratch buffer, with one `scratch_reserve`.
 *
 * Only the headers the core reads travel (`HEADERS_READ` in the Rust core, which includes every
 * request-id header). After the values comes one record of three bytes per value: a letter for
 * the name (its position in the core's `Known` headers) and the value's byte length in two
 * bytes of seven bits (layout: `known_headers` in `src/bindings/classify.rs`). A `Date`
 * travels only with a header that needs the clock, the only case in which the core reads it.
 * A short text body and values long enough to be worth it are written by one `encodeInto`
 * of the joined text: V8 copies a string a character at a time into a typed array at about
 * 3 ns per character, and each `encodeInto` costs about 45 ns before its first byte, so
 * joining (a copy of a short string) is the cheapest way in. When the joined text is not
 * all ASCII the parts are written again one by one, for their byte lengths. Bodies are cut
 * before encoding: only `maxBodyBytes + 4` UTF-16 units of a string (or `maxBodyBytes + 1`
 * bytes) are written, so the core still sees that the body was longer, and a 1 MiB body
 * costs what 64 KiB does.
 * @module
 * @internal
 */
import { FaultlineError } from "../errors.js";
import { scratch } from "../scratch.js";
import { wasm } from "../wasm.js";
import { getVocab, type Vocab } from "./vocab.js";

/** Response headers in any of the usual shapes. */
export type HeadersLike =
  | Headers
  | Record<string, string | number | readonly string[] | undefined | null>
  | Iterable<readonly [string, string]>
  | null
  | undefined;

/** A response body: text, bytes, an already-parsed JSON value, or nothing. */
export type BodyLike = string | Uint8Array | ArrayBuffer | ArrayBufferView | object | number | boolean | null | undefined;

const encoder = new TextEncoder();

// Only a line feed could split a line; the core trims the rest.
const clean = (s: string): string => (s.indexOf("\n") === -1 ? s : s.replace(/\n/g, " "));

function valueText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.filter((x) => typeof x === "string").join(", ");
  return undefined;
}

/**
 * Header lines `name:value\n` from a `Headers`, a plain object (any case), a `Map`, or a list
 * of `[name, value]` pairs. Names with `:` and values with line breaks are made harmless.
 * @internal
 */
export function headerLines(h: HeadersLike | unknown): string {
  if (h === undefined || h === null) return "";
  if (typeof h !== "object") throw new FaultlineError("invalid_argument", "headers must be a Headers object, a plain object or a list of [name, value] pairs");
  let s = "";
  if (typeof Headers !== "undefined" && h instanceof Headers) {
    // A Headers object validates its values: no line breaks can occur.
    for (const [k, v] of h as unknown as Iterable<[string, string]>) s += k + ":" + v + "\n";
    return s;
  }
  if (typeof (h as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of h as Iterable<unknown>) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string") {
        throw new FaultlineError("invalid_argument", "a header list must hold [name, value] pairs");
      }
      const v = valueText(pair[1]);
      if (v !== undefined && pair[0].indexOf(":") === -1) s += clean(pair[0]) + ":" + clean(v) + "\n";
    }
    return s;
  }
  const o = h as Record<string, unknown>;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const v = valueText(o[k]);
    if (v !== undefined && k.indexOf(":") === -1) s += clean(k) + ":" + clean(v) + "\n";
  }
  return s;
}

type Known = { code: number; clock: boolean; onlyWithClock: boolean };
// Header name as given -> its entry, or null when the core does not read it: lower-casing
// every name of every response costs more than the rest of the header handling.
const names = new Map<string, Known | null>();

function entry(k: string, vocab: Vocab): Known | null {
  // Most headers a response carries are ruled out by their length and last character,
  // before any lookup (`server` is not `cf-ray`, `connection` not `request-id`). A name of 32
  // units or more is always looked up.
  const n = k.length;
  if (n < 32 && ((vocab.headerNameEnds[n]! >> (k.charCodeAt(n - 1) & 31)) & 1) === 0) return null;
  let e = names.get(k);
  if (e === undefined) {
    e = vocab.headers.get(k.toLowerCase()) ?? null;
    if (names.size < 1024) names.set(k, e);
  }
  return e;
}

/**
 * What the last {@link writeParts} wrote that the bindings may hand back by position: the
 * body text (`body`, empty when the body was bytes), then the header values of
 * {@link collectKnownHeaders} (`values`, `count`, and their length plus three per record,
 * `units`, in UTF-16 units), back to back. `bodyBytes` is the body's UTF-8 length,
 * `valuesEnd` where the values end (and the records start) and `textStart` where that text
 * starts in scratch; `ascii` says that text is all ASCII (positions in it are then byte
 * offsets); `clock` says whether a header value may need the clock. @internal
 */
export const written = { values: [] as string[], letters: [] as number[], count: 0, units: 0, bodyBytes: 0, valuesEnd: 0, textStart: 0, body: "", ascii: true, clock: false };

/**
 * Collects the headers the core reads into {@link written} (`values`, `letters`, `count`,
 * `units`, `clock`), from a `Headers`, a plain object (names in any case), a `Map`, or
 * `[name, value]` pairs; the first of duplicate names comes first. A value longer than a
 * record holds (a third of the core's `MAX_HEADER_VALUE_BYTES` in UTF-16 units, so that it
 * fits whatever its characters) is cut. A header the core reads only to measure a date
 * against (`HEADERS_ONLY_WITH_NOW`: `Date`) is left out when no header needing the clock
 * came with it.
 * @internal
 */
export function collectKnownHeaders(h: HeadersLike | unknown): void {
  const w = written;
  w.count = 0;
  w.units = 0;
  w.clock = false;
  gather(h);
  if (held !== undefined) {
    if (w.clock) append(heldCode, held);
    held = undefined;
  }
}

// The first header of HEADERS_ONLY_WITH_NOW met, until the end of collectKnownHeaders.
let held: string | undefined;
let heldCode = 0;

function gather(h: unknown): void {
  if (h === undefined || h === null) return;
  if (typeof h !== "object") throw new FaultlineError("invalid_argument", "headers must be a Headers object, a plain object or a list of [name, value] pairs");
  const vocab = getVocab();
  // A plain object first: it is the common shape, and asking whether it is a `Headers` costs
  // a read of Node's lazy `Headers` global on every call.
  if (typeof (h as Iterable<unknown>)[Symbol.iterator] !== "function") {
    const o = h as Record<string, unknown>;
    for (const k in o) {
      const e = entry(k, vocab);
      if (e === null) continue;
      const v = valueText(o[k]);
      if (v === undefined || !Object.prototype.hasOwnProperty.call(o, k)) continue;
      add(e, v);
    }
    return;
  }
  if (typeof Headers !== "undefined" && h instanceof Headers) {
    // Names are lower case.
    for (const [k, v] of h as unknown as Iterable<[string, string]>) {
      const e = entry(k, vocab);
      if (e !== null) add(e, v);
    }
    return;
  }
  for (const pair of h as Iterable<unknown>) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string") {
      throw new FaultlineError("invalid_argument", "a header list must hold [name, value] pairs");
    }
    const e = entry(pair[0], vocab);
    const v = e === null ? undefined : valueText(pair[1]);
    if (v !== undefined) add(e!, v);
  }
}

function add(e: Known, v: string): void {
  if (e.onlyWithClock) {
    if (held === undefined) {
      held = v;
      heldCode = e.code;
    }
    return;
  }
  append(e.code, v);
  if (e.clock) written.clock = true;
}

// Longest value in UTF-16 units: at most three bytes each, it fits a record.
let maxValueUnits = -1;

function append(code: number, v: string): void {
  const w = written;
  if (maxValueUnits < 0) maxValueUnits = Math.floor(wasm().classify_max_header_value_bytes() / 3);
  if (v.length > maxValueUnits) v = v.slice(0, maxValueUnits);
  w.values[w.count] = v;
  w.letters[w.count++] = code;
  w.units += v.length + 3;
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
    throw new FaultlineError("invalid_argument", "body must be a string, bytes, a parsed JSON value or null (use classifyResponse for streams)");
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(b);
  } catch (e) {
    throw new FaultlineError("invalid_argument", `body could not be serialised as JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return text ?? "";
}

// Longest text body joined with the header values for one `encodeInto`: joining copies the
// body, which is cheaper than a separate `encodeInto` only while the body is short.
const JOIN_MAX_UNITS = 2048;
// Fewest UTF-16 units of header values worth joining: below it the join (a new string and a
// copy of the body) costs more than copying the values a character at a time. Measured on the
// benchmark's responses, A/B in both load orders: an nginx page with 9 units of values and a
// Sachain body with 16 ran 5 % and 3 % faster copied; Upstream's 56 ran 4 % slower copied.
const JOIN_MIN_VALUE_UNITS = 32;

// The byte length of each value written, for its record.
const valueBytes: number[] = [];

/**
 * Writes at most `max + 4` units (or `max + 1` bytes) of the body, then the header values
 * and a record per value (see {@link collectKnownHeaders}), and returns the number of bytes
 * written; the body's byte length is `bodyBytes` in {@link written}, where the values end
 * `valuesEnd`, the text the bindings may refer to starts at `textStart`, and `ascii` says
 * whether that text is all ASCII. The body goes first so that it is encoded at the start of
 * the scratch view (a sub-view costs an allocation). A short text body is joined with
 * values of {@link JOIN_MIN_VALUE_UNITS} or more and written by one `encodeInto`; otherwise
 * ASCII values are copied a byte at a time.
 * @internal
 */
export function writeParts(body: string | Uint8Array, max: number): number {
  const w = written;
  let at: number;
  let mem: Uint8Array;
  if (typeof body === "string") {
    if (body.length > max + 4) body = body.slice(0, max + 4);
    mem = scratch(body.length * 3 + w.units * 3);
    w.body = body;
    w.textStart = 0;
    if (w.units - 3 * w.count >= JOIN_MIN_VALUE_UNITS && body.length <= JOIN_MAX_UNITS) {
      let joined = body;
      for (let i = 0; i < w.count; i++) joined += w.values[i]!;
      const n = encoder.encodeInto(joined, mem).written;
      // All ASCII: every part's byte length is its length.
      if (n === joined.length) {
        w.bodyBytes = body.length;
        w.valuesEnd = n;
        w.ascii = true;
        for (let i = 0; i < w.count; i++) valueBytes[i] = w.values[i]!.length;
        return writeRecords(mem, n);
      }
    }
    at = body.length === 0 ? 0 : encoder.encodeInto(body, mem).written;
    w.ascii = at === body.length;
  } else {
    const n = Math.min(body.length, max + 1);
    mem = scratch(n + w.units * 3);
    mem.set(n === body.length ? body : body.subarray(0, n));
    at = n;
    w.body = "";
    w.textStart = n;
    w.ascii = true;
  }
  w.bodyBytes = at;
  for (let i = 0; i < w.count; i++) {
    const v = w.values[i]!;
    const start = at;
    let j = 0;
    for (; j < v.length; j++) {
      const c = v.charCodeAt(j);
      if (c > 0x7f) break;
      mem[at++] = c;
    }
    if (j < v.length) {
      at += encoder.encodeInto(j === 0 ? v : v.slice(j), mem.subarray(at)).written;
      w.ascii = false;
    }
    valueBytes[i] = at - start;
  }
  w.valuesEnd = at;
  return writeRecords(mem, at);
}

/** Writes the record of each value (its header's letter, then {@link valueBytes} as two bytes of seven bits) from `at`; returns the end. */
function writeRecords(mem: Uint8Array, at: number): number {
  const w = written;
  for (let i = 0; i < w.count; i++) {
    const n = valueBytes[i]!;
    mem[at] = w.letters[i]!;
    mem[at + 1] = n >> 7;
    mem[at + 2] = n & 0x7f;
    at += 3;
  }
  return at;
}

/** A field for {@link writeFields}: text or bytes, cut to `max` bytes (plus a little, so the core sees the cut). @internal */
export type Field = string | Uint8Array | undefined;

/**
 * Writes fields back to back (absent ones as nothing), each cut to about `max` bytes, and
 * returns their byte lengths and a bitmask of the present ones.
 * @internal
 */
export function writeFields(fields: Field[], lengths: number[] | Uint32Array, max = Infinity): number {
  let cap = 0;
  let present = 0;
  for (let i = 0; i < fields.length; i++) {
    let f = fields[i];
    if (f === undefined) continue;
    present |= 1 << i;
    if (typeof f === "string") {
      if (f.length > max + 4) fields[i] = f = f.slice(0, max + 4);
      cap += f.length * 3;
    } else {
      if (f.length > max + 1) fields[i] = f = f.subarray(0, max + 1);
      cap += f.length;
    }
  }
  const mem = scratch(cap);
  let at = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let n = 0;
    if (typeof f === "string") {
      n = f.length === 0 ? 0 : encoder.encodeInto(f, mem.subarray(at, cap)).written;
    } else if (f !== undefined) {
      mem.set(f, at);
      n = f.length;
    }
    lengths[i] = n;
    at += n;
  }
  return present;
}
