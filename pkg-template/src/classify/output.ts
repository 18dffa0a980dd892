/**
 * A {@link Classification} from what the bindings return: numbers in the out slots, and the
 * strings as `(start, len)` pairs in UTF-16 units (slots 7–18): `start >= 0` is a slice of
 * the text the facade wrote into wasm (it still holds it as a JS string, so a server's code
 * or message costs a `slice`, not a decode); `start < 0` is at `-start - 1` in the result
 * text, which is decoded only when it is not empty (escaped JSON strings, field names built
 * from paths, custom messages). `len` is `-1` when the string is absent. Field errors come
 * as an array of such places (slots 15–16), so no JSON is parsed here. Layout:
 * `src/bindings/classify.rs`.
 * @module
 * @internal
 */
import { outSlots, memoryBytes, memoryF64 } from "../scratch.js";
import type { Classification } from "../types.js";
import { getVocab } from "./vocab.js";

const decoder = new TextDecoder();

/** What the facade wrote as text: `head` then `tail` (one JS string when the body was short). @internal */
export interface Written {
  head: string;
  tail: string;
}

/** The classification the last classify export described; `textBytes` is what it returned. @internal */
export function readClassification(textBytes: number, written: Written | null): Classification {
  const o = outSlots();
  const v = getVocab();
  const text = textBytes === 0 ? "" : decoder.decode(memoryBytes(o[19]!, textBytes));
  const place = (start: number, len: number): string => {
    if (start < 0) return text.slice(-start - 1, -start - 1 + len);
    const head = written!.head;
    if (start >= head.length) return written!.tail.slice(start - head.length, start - head.length + len);
    return head.slice(start, start + len);
  };
  const pick = (i: number): string | null => (o[i + 1]! < 0 ? null : place(o[i]!, o[i + 1]!));
  const um = o[14]!;
  let fieldErrors: Record<string, string[]> | null = null;
  const n = o[16]!;
  if (n >= 0) {
    const f = memoryF64(o[15]!, n);
    fieldErrors = {};
    let i = 0;
    while (i < n) {
      const key = place(f[i]!, f[i + 1]!);
      const count = f[i + 2]!;
      i += 3;
      const messages: string[] = [];
      for (let j = 0; j < count; j++, i += 2) messages.push(place(f[i]!, f[i + 1]!));
      fieldErrors[key] = messages;
    }
  }
  const hint = o[6]!;
  const status = o[3]!;
  const retryAfter = o[5]!;
  const flags = o[4]!;
  return {
    category: v.categories[o[0]!]!,
    action: v.actions[o[1]!]!,
    status: status === status ? status : null,
    code: pick(7),
    message: pick(9),
    retryable: (flags & 1) !== 0,
    retryAfterMs: retryAfter === retryAfter ? retryAfter : null,
    hintSource: hint < 0 ? null : hint < v.hintSources.length ? v.hintSources[hint]! : pick(17),
    requestId: pick(11),
    fieldErrors,
    format: v.formats[o[2]!]!,
    userMessage: um < -1 ? v.messages[-um - 2]! : pick(13)!,
    notSent: (flags & 2) !== 0,
  };
}
