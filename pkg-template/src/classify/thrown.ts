/**
 * The six strings the core reads from a thrown error — name, message, code and the same three
 * of its `cause` — taken from anything safely: getters that throw, revoked proxies, odd
 * types and cycles never escape, and only strings (and numeric codes) are read.
 * @module
 * @internal
 */

function get(o: unknown, key: string): unknown {
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

/**
 * `[name, message, code, causeName, causeMessage, causeCode]` of a thrown value. A string is
 * a message; a cause without a code lends the code of its first inner error (Node's
 * `AggregateError` from trying several addresses).
 * @internal
 */
export function thrownFields(thrown: unknown): (string | undefined)[] {
  if (typeof thrown === "string") return [undefined, thrown, undefined, undefined, undefined, undefined];
  const cause = get(thrown, "cause");
  let causeName: string | undefined;
  let causeMessage: string | undefined;
  let causeCode: string | undefined;
  if (typeof cause === "string") {
    causeMessage = cause;
  } else if (cause !== thrown) {
    causeName = str(get(cause, "name"));
    causeMessage = str(get(cause, "message"));
    causeCode = codeOf(get(cause, "code"));
    if (causeCode === undefined) {
      const inner = get(cause, "errors");
      if (isArray(inner)) causeCode = codeOf(get(get(inner, "0"), "code"));
    }
  }
  return [str(get(thrown, "name")), str(get(thrown, "message")), codeOf(get(thrown, "code")), causeName, causeMessage, causeCode];
}
