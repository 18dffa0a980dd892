/**
 * The classification vocabulary (categories, actions, formats, hint sources, phases and the
 * built-in user messages), read once from the wasm module on first use. The Rust model is the
 * only place these strings are written; the bindings send indices into these tables.
 * @module
 * @internal
 */
import type { Action, Category, Format } from "../types.js";
import { wasm } from "../wasm.js";

/** The tables, in the order of `classify_vocab()` in `src/bindings/classify.rs`. @internal */
export interface Vocab {
  categories: Category[];
  actions: Action[];
  formats: Format[];
  hintSources: string[];
  phases: string[];
  messages: string[];
  categoryIndex: Map<string, number>;
  actionIndex: Map<string, number>;
  hintIndex: Map<string, number>;
  phaseIndex: Map<string, number>;
  /**
   * The response headers the core reads: lower-case name -> its letter on the wire (a char
   * code), whether its value may need the clock, and whether it matters only when a header
   * needing the clock came too.
   */
  headers: Map<string, { code: number; clock: boolean; onlyWithClock: boolean }>;
  /**
   * By length below 32, one bit per last character of those names (its char code & 31, the
   * same for either case): a name whose bit is clear is not read, without a lookup.
   */
  headerNameEnds: Int32Array;
}

let vocab: Vocab | undefined;

const indexOf = (xs: readonly string[]): Map<string, number> => new Map(xs.map((x, i) => [x, i]));

/** The vocabulary tables (read from wasm on the first call). @internal */
export function getVocab(): Vocab {
  if (vocab !== undefined) return vocab;
  const [categories, actions, formats, hintSources, phases, messages, headerNames, clockHeaders, onlyWithClock] = wasm()
    .classify_vocab()
    .split("\n")
    .map((line) => line.split("\u0001"));
  vocab = {
    categories: categories as Category[],
    actions: actions as Action[],
    formats: formats as Format[],
    hintSources: hintSources!,
    phases: phases!,
    messages: messages!,
    categoryIndex: indexOf(categories!),
    actionIndex: indexOf(actions!),
    hintIndex: indexOf(hintSources!),
    phaseIndex: indexOf(phases!),
    headers: new Map(headerNames!.map((n, i) => [n, { code: 65 + i, clock: clockHeaders!.includes(n), onlyWithClock: onlyWithClock!.includes(n) }])),
    headerNameEnds: headerNames!.reduce((ends, n) => {
      if (n.length < 32) ends[n.length]! |= 1 << (n.charCodeAt(n.length - 1) & 31);
      return ends;
    }, new Int32Array(32)),
  };
  return vocab;
}
