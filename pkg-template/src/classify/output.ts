/**
 * A {@link Classification} from what the bindings return: numbers in the out slots, and one
 * string holding code, message, request id, user message, field errors (JSON) and an
 * unlisted hint source, whose UTF-16 lengths are slots 7–12 (`-1` when absent). Layout:
 * `src/bindings/classify.rs`.
 * @module
 * @internal
 */
import { outSlots } from "../scratch.js";
import type { Classification } from "../types.js";
import { getVocab } from "./vocab.js";

/** The classification the last classify export described. @internal */
export function readClassification(text: string): Classification {
  const o = outSlots();
  const v = getVocab();
  let at = 0;
  let n = o[7]!;
  const code = n < 0 ? null : text.slice(at, (at += n));
  n = o[8]!;
  const message = n < 0 ? null : text.slice(at, (at += n));
  n = o[9]!;
  const requestId = n < 0 ? null : text.slice(at, (at += n));
  n = o[10]!;
  const userMessage = n < -1 ? v.messages[-n - 2]! : text.slice(at, (at += n));
  n = o[11]!;
  const fieldErrors = n < 0 ? null : (JSON.parse(text.slice(at, (at += n))) as Record<string, string[]>);
  const hint = o[6]!;
  n = o[12]!;
  const hintSource = hint < 0 ? null : hint < v.hintSources.length ? v.hintSources[hint]! : text.slice(at, at + Math.max(n, 0));
  const status = o[3]!;
  const retryAfter = o[5]!;
  const flags = o[4]!;
  return {
    category: v.categories[o[0]!]!,
    action: v.actions[o[1]!]!,
    status: status === status ? status : null,
    code,
    message,
    retryable: (flags & 1) !== 0,
    retryAfterMs: retryAfter === retryAfter ? retryAfter : null,
    hintSource,
    requestId,
    fieldErrors,
    format: v.formats[o[2]!]!,
    userMessage,
    notSent: (flags & 2) !== 0,
  };
}
