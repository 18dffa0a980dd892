/**
 * Reading JWTs: strict decoding and refresh timing that survives wrong client clocks.
 *
 * Nothing here verifies signatures (a browser holds no key); it reads what a client needs
 * to know when to refresh. The token crosses into wasm as UTF-8 bytes written straight into
 * wasm memory, and only numbers come back, so `decodeJwt(token).exp` and the per-request
 * `tokenTiming` check stay cheap; the header and payload objects are decoded on first access.
 * @module
 */
import { fromWasmError, FaultlineError } from "./errors.js";
import { outSlots, writeString } from "./scratch.js";
import { wasm } from "./wasm.js";

/** `"access"`, `"refresh"`, or the declared type as written (e.g. `"ID"`). */
export type TokenType = "access" | "refresh" | (string & {});

/** Options of {@link decodeJwt}. */
export interface JwtOptions {
  /** Tokens longer than this (bytes of UTF-8) are rejected before decoding. Default 16384. */
  maxTokenBytes?: number;
}

/** A decoded (not verified) JWT. */
export interface DecodedJwt {
  /** The JOSE header object. */
  readonly header: Record<string, unknown>;
  /** The claims object. */
  readonly payload: Record<string, unknown>;
  /** `exp` in seconds since the epoch; absent when the token never expires. */
  readonly exp?: number;
  /** `iat` in seconds since the epoch. */
  readonly iat?: number;
  /** `nbf` in seconds since the epoch. */
  readonly nbf?: number;
  /**
   * The token kind, from SimpleJWT's `token_type` claim, else the header or payload `typ`
   * (`at+jwt` is access). Lets a client refuse to send a refresh token as an access token.
   */
  readonly tokenType?: TokenType;
}

/** Time claims, for {@link tokenTiming} when you have them without a token. */
export interface TimeClaims {
  /** Expiry, seconds since the epoch. */
  exp?: number;
  /** Issued-at, seconds since the epoch. */
  iat?: number;
  /** Not-before, seconds since the epoch. */
  nbf?: number;
}

/** Options of {@link tokenTiming}. All times are milliseconds since the epoch. */
export interface TimingOptions {
  /** The local clock now. Default `Date.now()`. */
  nowMs?: number;
  /** Local time the token was received; with `iat` it cancels any client clock skew. */
  receivedAtMs?: number;
  /** The response's `Date` header, as ms; used when `iat`/`receivedAtMs` are not both known. */
  serverDateMs?: number;
  /** How long before expiry to refresh. Default 300 000 (5 min), never more than half the lifetime. */
  refreshAheadMs?: number;
  /** As {@link JwtOptions.maxTokenBytes}. */
  maxTokenBytes?: number;
}

/** When a token expires and when to refresh it, on the local clock. */
export interface TokenTiming {
  /** Local instant of expiry; `null` when the token never expires. */
  expiresAtMs: number | null;
  /** Local instant to refresh at; `null` when it never expires. */
  refreshAtMs: number | null;
  /** True at or after `expiresAtMs`. */
  expired: boolean;
  /** True at or after `refreshAtMs`. */
  shouldRefresh: boolean;
  /** `exp − iat` in ms, when both are known. */
  lifetimeMs: number | null;
  /** Estimated client clock error in ms (local − server), when known. */
  skewMs: number | null;
  /** Which clock the expiry was placed on. */
  clock: "lifetime" | "server_date" | "local";
}

const KINDS = [undefined, "access", "refresh"] as const;
const CLOCKS = ["lifetime", "server_date", "local"] as const;

function checkToken(token: unknown): asserts token is string {
  if (typeof token !== "string") {
    throw new FaultlineError("invalid_argument", `a JWT must be a string, got ${token === null ? "null" : typeof token}`);
  }
}

function maxBytes(options: { maxTokenBytes?: number } | undefined): number {
  const max = options?.maxTokenBytes;
  if (max === undefined) return 0;
  if (!Number.isInteger(max) || max < 1) {
    throw new FaultlineError("invalid_argument", `maxTokenBytes must be a positive integer, got ${String(max)}`);
  }
  return max;
}

const num = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

class Jwt implements DecodedJwt {
  readonly exp?: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly tokenType?: TokenType;
  #token: string;
  #max: number;
  #header?: Record<string, unknown>;
  #payload?: Record<string, unknown>;

  constructor(token: string, max: number, kind: number) {
    const out = outSlots();
    const exp = num(out[0]!);
    const iat = num(out[1]!);
    const nbf = num(out[2]!);
    if (exp !== undefined) this.exp = exp;
    if (iat !== undefined) this.iat = iat;
    if (nbf !== undefined) this.nbf = nbf;
    this.#token = token;
    this.#max = max;
    if (kind !== 0) this.tokenType = kind === 3 ? this.#texts() : KINDS[kind];
  }

  /** Decodes the texts once; returns the declared kind's name. */
  #texts(): string {
    let text: string;
    try {
      text = wasm().jwt_texts(writeString(this.#token), this.#max);
    } catch (e) {
      throw fromWasmError(e);
    }
    const out = outSlots();
    const h = out[0]!;
    const p = out[1]!;
    this.#header = JSON.parse(text.slice(0, h)) as Record<string, unknown>;
    this.#payload = JSON.parse(text.slice(h, h + p)) as Record<string, unknown>;
    return text.slice(h + p);
  }

  get header(): Record<string, unknown> {
    if (this.#header === undefined) this.#texts();
    return this.#header!;
  }

  get payload(): Record<string, unknown> {
    if (this.#payload === undefined) this.#texts();
    return this.#payload!;
  }

  toJSON(): object {
    return { header: this.header, payload: this.payload, exp: this.exp, iat: this.iat, nbf: this.nbf, tokenType: this.tokenType };
  }
}

/**
 * Decodes a compact JWT strictly, without verifying it: exactly three segments (a five-segment
 * JWE gets its own code), strict base64url (padding tolerated), UTF-8 and JSON objects,
 * numeric `exp`/`iat`/`nbf`. Claims with non-ASCII text decode correctly.
 *
 * @throws {FaultlineError} `jwt_malformed`, `jwt_encrypted`, `jwt_base64`, `jwt_utf8`,
 *   `jwt_json`, `jwt_not_object`, `jwt_claim_type`, `jwt_too_large`, `invalid_argument`.
 * @example
 * const { exp, tokenType, payload } = decodeJwt(accessToken);
 */
export function decodeJwt(token: string, options?: JwtOptions): DecodedJwt {
  checkToken(token);
  const max = maxBytes(options);
  return new Jwt(token, max, summary(token, max));
}

/** What `jwt_summary` returns for a refused token (`REFUSED` in `src/bindings/jwt.rs`). */
const REFUSED = 255;

/** Reads the token's claims into the out slots and returns its kind; throws its error. */
function summary(token: string, max: number): number {
  const kind = wasm().jwt_summary(writeString(token), max);
  if (kind === REFUSED) throwRefused(token, max);
  return kind;
}

function throwRefused(token: string, max: number): never {
  try {
    wasm().jwt_error(writeString(token), max);
  } catch (e) {
    throw fromWasmError(e);
  }
  throw new FaultlineError("internal", "jwt_summary refused a token that jwt_error accepts");
}

/**
 * `exp` and `iat` (seconds; NaN when absent) of a JWT, or `null` when `token` is not a JWT
 * (an opaque token). Never throws for a refused token. @internal
 */
export function jwtTimes(token: string): [number, number] | null {
  if (wasm().jwt_summary(writeString(token), 0) === REFUSED) return null;
  const out = outSlots();
  return [out[0]!, out[1]!];
}

// The expiry check runs before every request with the same token: remember its claims.
let cachedToken: string | undefined;
let cachedMax = 0;
let cachedExp = NaN;
let cachedIat = NaN;
let cachedNbf = NaN;

function claimsOf(token: string, max: number): void {
  if (token === cachedToken && max === cachedMax) return;
  summary(token, max);
  const out = outSlots();
  cachedExp = out[0]!;
  cachedIat = out[1]!;
  cachedNbf = out[2]!;
  cachedToken = token;
  cachedMax = max;
}

const bit = (v: number | undefined, i: number, name: string): number => {
  if (v === undefined) return 0;
  if (typeof v !== "number") throw new FaultlineError("invalid_argument", `${name} must be a number, got ${typeof v}`);
  return 1 << i;
};

/**
 * When a token expires and when to refresh it, on the local clock, corrected for client
 * clock skew: with `iat` and `receivedAtMs`, expiry is `receivedAt + (exp − iat)`; else with
 * `serverDateMs` the server/local offset is applied. Refresh-ahead defaults to 5 minutes and
 * never exceeds half the token's lifetime, so short tokens do not refresh in a loop.
 * The claims of the last token are cached, so calling this before every request is cheap.
 *
 * @param token - a JWT, or its time claims
 * @throws {FaultlineError} the {@link decodeJwt} codes, `jwt_invalid_timing_input`, `invalid_argument`.
 */
export function tokenTiming(token: string | TimeClaims, options: TimingOptions = {}): TokenTiming {
  let exp: number, iat: number, nbf: number, present: number;
  if (typeof token === "string") {
    claimsOf(token, maxBytes(options));
    exp = cachedExp;
    iat = cachedIat;
    nbf = cachedNbf;
    present = (Number.isNaN(exp) ? 0 : 1) | (Number.isNaN(iat) ? 0 : 2) | (Number.isNaN(nbf) ? 0 : 4);
  } else if (token !== null && typeof token === "object") {
    present = bit(token.exp, 0, "exp") | bit(token.iat, 1, "iat") | bit(token.nbf, 2, "nbf");
    exp = token.exp ?? NaN;
    iat = token.iat ?? NaN;
    nbf = token.nbf ?? NaN;
  } else {
    throw new FaultlineError("invalid_argument", "tokenTiming takes a JWT string or a {exp, iat, nbf} object");
  }
  const now = options.nowMs ?? Date.now();
  present |= 8 | bit(options.receivedAtMs, 4, "receivedAtMs") | bit(options.serverDateMs, 5, "serverDateMs") | bit(options.refreshAheadMs, 6, "refreshAheadMs");
  if (typeof now !== "number") throw new FaultlineError("invalid_argument", "nowMs must be a number");
  let clock: number;
  try {
    clock = wasm().jwt_timing(exp, iat, nbf, now, options.receivedAtMs ?? NaN, options.serverDateMs ?? NaN, options.refreshAheadMs ?? NaN, present);
  } catch (e) {
    throw fromWasmError(e);
  }
  const out = outSlots();
  return {
    expiresAtMs: Number.isNaN(out[0]!) ? null : out[0]!,
    refreshAtMs: Number.isNaN(out[1]!) ? null : out[1]!,
    expired: out[2] === 1,
    shouldRefresh: out[3] === 1,
    lifetimeMs: Number.isNaN(out[4]!) ? null : out[4]!,
    skewMs: Number.isNaN(out[5]!) ? null : out[5]!,
    clock: CLOCKS[clock] ?? "local",
  };
}
