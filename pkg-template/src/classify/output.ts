/**
 * A {@link Classification} from what the bindings return: numbers in the out slots, and the
 * strings as `(start, len)` pairs in UTF-16 units (slots 7–18): `start >= 0` is a slice of
 * the text the facade wrote into wasm, body then header values (it still holds that text as
 * JS strings, so a server's code or message costs a `slice`, not a decode); `start < 0` is
 * at `-start - 1` in the result text, which is decoded only when it is not empty (escaped
 * JSON strings, field names built from paths, custom messages). `len` is `-1` when the
 * string is absent. Field errors come as an array of such places (slots 15–16), so no JSON
 * is parsed here. Layout: `src/bindings/classify.rs`.
 * @module
 * @internal
 */
import { outSlots, memoryBytes, memoryF64 } from "../scratch.js";
import type { Classification } from "../types.js";
import { getVocab } from "./vocab.js";

const decoder = new TextDecoder();

/** What the facade wrote as text (see `written` in `input.ts`). @internal */
export interface Written {
  /** The body text ("" when the body was bytes). */
  body: string;
  /** The header values after it, back to back, in order. */
  values: string[];
  /** How many of `values` were written. */
  count: number;
}

// The text the last result's strings are in (see the module doc), for `place`.
let text = "";
let input: Written | null = null;

/** The string at `start` (`>= 0`: in what the facade wrote; `< 0`: in the result text). */
function place(start: number, len: number): string {
  if (start < 0) return text.slice(-start - 1, -start - 1 + len);
  const w = input!;
  if (start < w.body.length) return w.body.slice(start, start + len);
  // In a header value.
  let at = w.body.length;
  for (let i = 0; i < w.count; i++) {
    const v = w.values[i]!;
    if (start < at + v.length) return v.slice(start - at, start - at + len);
    at += v.length;
  }
  return "";
}

// Field names handed out lately, at most KEYS_KEPT of at most KEY_KEPT_UNITS units each. A
// string V8 has not seen as a property name must be interned before it is one, which costs
// about 140 ns for an 8-letter name; a name kept here is interned already, and finding it
// costs a slice and a comparison, about 20 ns (`startsWith` costs 75 ns). The same few field
// names come back on every call of a form's API. What is kept is a copy: a slice may be a
// view that keeps the caller's whole body alive, and a joined string is copied when sliced.
const KEYS_KEPT = 16;
const KEY_KEPT_UNITS = 32;
const keys: string[] = [];
let nextKey = 0;

/** {@link place} for a field name: the same string as last time when its text is the same. */
function placeKey(start: number, len: number): string {
  const name = place(start, len);
  if (len > KEY_KEPT_UNITS) return name;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === name) return keys[i]!;
  }
  const key = (name + " ").slice(0, -1);
  keys[nextKey] = key;
  nextKey = (nextKey + 1) % KEYS_KEPT;
  return key;
}

/** The string of out slots `i` (start) and `i + 1` (length), or null. */
function pick(o: Float64Array, i: number): string | null {
  const len = o[i + 1]!;
  return len < 0 ? null : place(o[i]!, len);
}

/** The field errors the out slots point at, or null. */
function fieldErrorsOf(o: Float64Array): Record<string, string[]> | null {
  const n = o[16]!;
  if (n < 0) return null;
  const f = memoryF64();
  const out: Record<string, string[]> = {};
  let i = o[15]! / 8;
  const end = i + n;
  while (i < end) {
    const key = placeKey(f[i]!, f[i + 1]!);
    const count = f[i + 2]!;
    i += 3;
    const messages: string[] = [];
    for (let j = 0; j < count; j++, i += 2) messages.push(place(f[i]!, f[i + 1]!));
    out[key] = messages;
  }
  return out;
}

/** The classification the last classify export described; `textBytes` is what it returned. @internal */
export function readClassification(textBytes: number, written: Written | null): Classification {
  const o = outSlots();
  const v = getVocab();
  text = textBytes === 0 ? "" : decoder.decode(memoryBytes(o[19]!, textBytes));
  input = written;
  const um = o[14]!;
  const hint = o[6]!;
  const status = o[3]!;
  const retryAfter = o[5]!;
  const flags = o[4]!;
  const c: Classification = {
    category: v.categories[o[0]!]!,
    action: v.actions[o[1]!]!,
    status: status === status ? status : null,
    code: pick(o, 7),
    message: pick(o, 9),
    retryable: (flags & 1) !== 0,
    retryAfterMs: retryAfter === retryAfter ? retryAfter : null,
    hintSource: hint < 0 ? null : hint < v.hintSources.length ? v.hintSources[hint]! : pick(o, 17),
    requestId: pick(o, 11),
    fieldErrors: fieldErrorsOf(o),
    format: v.formats[o[2]!]!,
    userMessage: um < -1 ? v.messages[-um - 2]! : pick(o, 13)!,
    notSent: (flags & 2) !== 0,
  };
  // Nothing of the caller's text is kept alive between calls.
  text = "";
  input = null;
  return c;
}
