/**
 * Checking what `createClient` and its calls are given, so a mistake is a typed
 * `invalid_argument` error naming the option (at creation where possible) instead of a raw
 * `TypeError` from `fetch` or `URL`, or an option silently ignored.
 * @module
 * @internal
 */
import { FaultlineError } from "../errors.js";
import { isObject } from "./shared.js";

const bad = (message: string): FaultlineError => new FaultlineError("invalid_argument", message);

/** Names other HTTP clients use, and what to write instead. */
const RENAMED: Record<string, string> = {
  baseURL: "baseUrl", prefixUrl: "baseUrl", prefix: "baseUrl", baseUri: "baseUrl", url: "baseUrl",
  timeout: "timeoutMs", totalTimeout: "deadlineMs", deadline: "deadlineMs",
  searchParams: "query", params: "query", data: "json", body: "json or body",
  onError: "hooks.beforeError or onEvent", interceptors: "hooks",
};

/** fetch options passed through, with the values each accepts. */
export const FETCH_OPTIONS: Record<string, readonly string[] | "boolean"> = {
  credentials: ["omit", "same-origin", "include"],
  redirect: ["follow", "error", "manual"],
  cache: ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"],
  mode: ["cors", "no-cors", "same-origin", "navigate"],
  keepalive: "boolean",
};

/** Rejects names that are neither in `known` nor keys of `alsoKnown`, with a hint for the usual ones. */
export function checkKeys(what: string, options: Record<string, unknown>, known: ReadonlySet<string>, alsoKnown: object = {}): void {
  for (const key of Object.keys(options)) {
    if (known.has(key) || Object.hasOwn(alsoKnown, key)) continue;
    const hint = RENAMED[key];
    throw bad(`${what}: unknown option "${key}"${hint === undefined ? "" : ` (did you mean ${hint}?)`}`);
  }
}

/** A duration option: a positive number of ms, or `false` for none. */
export function checkMs(name: string, v: unknown, fallback: number | false): number | false {
  if (v === undefined) return fallback;
  if (v === false) return false;
  if (typeof v !== "number" || !(v > 0) || v > 2_147_483_647) {
    throw bad(`${name} must be a number of milliseconds between 1 and 2147483647, or false`);
  }
  return v;
}

/** Copies the fetch options (`credentials`, ...) from `from` into `into`, checking each. */
export function fetchOptions(from: Record<string, unknown>, into: Record<string, unknown>): void {
  for (const [name, allowed] of Object.entries(FETCH_OPTIONS)) {
    const v = from[name];
    if (v === undefined) continue;
    const ok = allowed === "boolean" ? typeof v === "boolean" : typeof v === "string" && allowed.includes(v);
    if (!ok) throw bad(`${name} must be ${allowed === "boolean" ? "a boolean" : allowed.map((a) => `"${a}"`).join(", ")}`);
    into[name] = v;
  }
}

/**
 * The base URL for relative paths, without trailing slashes: `"https://api.example.com/v1"`
 * keeps its `/v1`. `undefined` without a base (then a relative path needs a page URL).
 */
export function checkBaseUrl(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" && !(v instanceof URL)) throw bad("baseUrl must be a string or a URL");
  let url: URL;
  try {
    url = new URL(String(v));
  } catch {
    throw bad(`baseUrl is not an absolute URL: ${JSON.stringify(String(v).slice(0, 200))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad(`baseUrl must be http(s), got ${url.protocol}`);
  if (url.search !== "" || url.hash !== "") throw bad("baseUrl must not have a query or a fragment");
  return url.href.replace(/\/+$/, "");
}

const ABSOLUTE = /^[a-z][a-z\d+\-.]*:/i;

/**
 * The URL of a call: an absolute `path` as is; otherwise `base + "/" + path` (both `"users"`
 * and `"/users"` land under the base's path prefix); without a base, resolved against the
 * page's URL in a browser.
 */
export function resolveUrl(base: string | undefined, path: unknown): URL {
  if (typeof path !== "string") throw bad(`the path must be a string, got ${typeof path}`);
  if (path.length > 65_536) throw bad("the path is longer than 65536 characters");
  let href: string | undefined;
  if (ABSOLUTE.test(path)) href = path;
  else if (base !== undefined) href = `${base}/${path.replace(/^\/+/, "")}`;
  const page = (globalThis as { location?: { href?: unknown } }).location?.href;
  try {
    if (href !== undefined) return new URL(href);
    if (typeof page === "string") return new URL(path, page);
  } catch {
    throw bad(`not a valid URL: ${JSON.stringify(path.slice(0, 200))}`);
  }
  throw bad(`"${path.slice(0, 200)}" is relative and the client has no baseUrl`);
}

const MAX_QUERY_PARAMS = 1000;
const MAX_QUERY_CHARS = 65_536;

/** Appends `query` (an object or `URLSearchParams`) to `url`; bounded. */
export function addQuery(url: URL, query: unknown): void {
  if (query === undefined || query === null) return;
  const pairs: [string, string][] = [];
  let chars = 0;
  const add = (k: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw bad(`query.${k} must be a string, number, boolean or an array of them`);
    }
    const s = String(v);
    chars += k.length + s.length;
    if (pairs.length >= MAX_QUERY_PARAMS || chars > MAX_QUERY_CHARS) {
      throw bad(`query is too large (at most ${MAX_QUERY_PARAMS} parameters and ${MAX_QUERY_CHARS} characters)`);
    }
    pairs.push([k, s]);
  };
  if (query instanceof URLSearchParams) {
    for (const [k, v] of query) add(k, v);
  } else if (isObject(query)) {
    for (const k in query) {
      if (!Object.hasOwn(query, k)) continue;
      const v = query[k];
      if (Array.isArray(v)) for (const item of v) add(k, item);
      else add(k, v);
    }
  } else {
    throw bad(`query must be an object or a URLSearchParams, got ${typeof query === "string" ? "a string" : typeof query}`);
  }
  for (const [k, v] of pairs) url.searchParams.append(k, v);
}

/**
 * Headers as a plain object with lower-case names (what fetch takes fastest), from any
 * `HeadersInit`: a `Headers`, `[name, value]` pairs or a record. Values must be strings.
 */
export function toHeaders(what: string, init: unknown, into: Record<string, string> = {}): Record<string, string> {
  if (init === undefined || init === null) return into;
  const put = (k: unknown, v: unknown) => {
    if (typeof k !== "string" || typeof v !== "string") throw bad(`${what}: header names and values must be strings`);
    into[k.toLowerCase()] = v;
  };
  if (typeof Headers !== "undefined" && init instanceof Headers) init.forEach((v, k) => put(k, v));
  else if (Array.isArray(init)) {
    for (const pair of init) {
      if (!Array.isArray(pair) || pair.length !== 2) throw bad(`${what}: header pairs must be [name, value]`);
      put(pair[0], pair[1]);
    }
  } else if (isObject(init)) {
    for (const k in init) if (Object.hasOwn(init, k)) put(k, init[k]);
  } else {
    throw bad(`${what} must be a Headers, [name, value] pairs or an object`);
  }
  return into;
}
