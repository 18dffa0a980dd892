/**
 * How inputs cross into wasm: as JSON text, one string per argument, which the Rust side reads
 * straight into the core's types with its bounded JSON reader (one crossing per argument
 * instead of one per field).
 *
 * {@link toWire} writes what `JSON.stringify` writes, except where JSON would drop or change
 * a value without a word. Those are refused with a `FaultlineError` `invalid_argument` that
 * names the field (`budget.capacity`): NaN, BigInt, functions and symbols, a cycle, nesting
 * deeper than the reader accepts (64), and a getter, `toJSON` or proxy that throws.
 * ±Infinity is written `1e999` / `-1e999`, which the reader reads back as ±Infinity (as
 * `JSON.parse` does), so the core applies its own rule to it, as it did when inputs crossed
 * as objects: an infinite `Retry-After` is too long to wait, an infinite option is out of range.
 * @module
 * @internal
 */
import { FaultlineError } from "./errors.js";

/** The deepest nesting the Rust reader accepts (`Limits::default()`). */
const MAX_DEPTH = 64;

/** A refusal on the way, with the path of the field; {@link toWire} adds what was written. */
class Refused {
  constructor(readonly path: string, readonly why: string) {}
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `o[key]`; a getter or proxy that throws is a refusal of `path`. */
function read(o: object, key: string, path: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch (e) {
    throw new Refused(path, `could not be read (${describe(e)})`);
  }
}

/** The JSON text of `v`, at `path`, inside the objects `open` (outermost first). */
function write(v: unknown, key: string, path: string, open: object[]): string {
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    try {
      v = (v as { toJSON(key: string): unknown }).toJSON(key);
    } catch (e) {
      throw new Refused(path, `toJSON threw (${describe(e)})`);
    }
  }
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (Number.isFinite(v)) return String(v);
      if (Number.isNaN(v)) throw new Refused(path, "must be a number, got NaN");
      return v > 0 ? "1e999" : "-1e999";
    case "undefined":
      return "null"; // as JSON.stringify writes an array's hole; absent members are skipped
    case "object":
      break;
    default:
      throw new Refused(path, `JSON cannot carry a ${typeof v}`);
  }
  if (v === null) return "null";
  if (open.includes(v)) throw new Refused(path, "refers to an object that contains it (a cycle)");
  if (open.length >= MAX_DEPTH) throw new Refused(path, `is nested deeper than ${MAX_DEPTH} levels`);
  open.push(v);
  let out: string;
  if (Array.isArray(v)) {
    const items: string[] = [];
    const length = read(v, "length", path) as number;
    for (let i = 0; i < length; i++) items.push(write(read(v, String(i), `${path}[${i}]`), String(i), `${path}[${i}]`, open));
    out = `[${items.join(",")}]`;
  } else {
    let keys: string[];
    try {
      keys = Object.keys(v);
    } catch (e) {
      throw new Refused(path, `could not be read (${describe(e)})`);
    }
    const members: string[] = [];
    for (const k of keys) {
      const at = path === "" ? k : `${path}.${k}`;
      const member = read(v, k, at);
      if (member !== undefined) members.push(`${JSON.stringify(k)}:${write(member, k, at, open)}`);
    }
    out = `{${members.join(",")}}`;
  }
  open.pop();
  return out;
}

/**
 * `value` as the JSON text a glue function takes; `what` names the argument in errors
 * (`"classify input"`). Never throws anything but a `FaultlineError` `invalid_argument`.
 */
export function toWire(what: string, value: unknown): string {
  try {
    return write(value, "", "", []);
  } catch (e) {
    const refused = e instanceof Refused ? e : new Refused("", `could not be written as JSON (${describe(e)})`);
    const field = refused.path === "" ? "" : `${refused.path} `;
    throw new FaultlineError("invalid_argument", `faultline: ${what}: ${field}${refused.why}`);
  }
}
