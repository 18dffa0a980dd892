/**
 * Reading JWTs: strict decoding and refresh timing that survives wrong client clocks.
 *
 * Nothing here verifies signatures (a browser holds no key); it reads what a client needs
 * to know when to refresh. The wasm module checks the token and returns its claims as a few
 * numbers (`JwtClaimSlots`: `decodeJwt(t).exp` has a speed floor); the header and payload
 * come as JSON text when first read, and `JSON.parse` builds them.
 * @module
 */
import { jwt_claims, jwt_decode, jwt_timing } from "faultline-glue";
import { fromWasmError, FaultlineError } from "./errors.js";
import { JwtClaimSlots as Slot, type ClockSource, type RawDecodedJwt, type TokenKind, type TokenTiming } from "./generated.js";
import { assertReady } from "./wasm.js";
import { toWire } from "./wire.js";

export type { ClockSource, TokenKind, TokenTiming };

/** `"access"`, `"refresh"`, or the declared type as written (e.g. `"ID"`). */
export type TokenType = TokenKind | (string & {});

/** Options of {@link decodeJwt}. */
export interface JwtOptions {
  /** Tokens longer than this (bytes of UTF-8) are rejected before decoding. Default 16384. */
  maxTokenBytes?: number;
}

/** The registered claims (RFC 7519 §4.1); any other claim is allowed too. */
export interface JwtPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** The JOSE header. */
export interface JwtHeader {
  alg?: string;
  typ?: string;
  kid?: string;
  [parameter: string]: unknown;
}

/** A decoded (not verified) JWT; `T` describes the payload (custom claims). */
export interface DecodedJwt<T = JwtPayload> {
  /** The JOSE header object. */
  readonly header: JwtHeader;
  /** The claims object, as `JSON.parse` reads it. */
  readonly payload: T;
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

/** Runs a glue call, turning its error into a `FaultlineError`. */
function call<R>(fn: () => R): R {
  assertReady();
  try {
    return fn();
  } catch (e) {
    throw fromWasmError(e);
  }
}

const KINDS: readonly TokenKind[] = ["access", "refresh"];
const num = (v: number | undefined): number | undefined => (v === undefined || Number.isNaN(v) ? undefined : v);

class Jwt<T> implements DecodedJwt<T> {
  readonly exp?: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly tokenType?: TokenType;
  #token: string;
  #max: number;
  #raw?: RawDecodedJwt;
  #header?: JwtHeader;
  #payload?: T;

  constructor(token: string, max: number) {
    const slots = call(() => jwt_claims(token, max));
    this.#token = token;
    this.#max = max;
    const exp = num(slots[Slot.exp]);
    const iat = num(slots[Slot.iat]);
    const nbf = num(slots[Slot.nbf]);
    const kind = num(slots[Slot.kind]);
    if (exp !== undefined) this.exp = exp;
    if (iat !== undefined) this.iat = iat;
    if (nbf !== undefined) this.nbf = nbf;
    if (kind !== undefined) this.tokenType = KINDS[kind] ?? this.#texts().tokenType;
  }

  /** The header and payload texts (and a declared kind's name), decoded once. */
  #texts(): RawDecodedJwt {
    return (this.#raw ??= call(() => jwt_decode(this.#token, this.#max) as RawDecodedJwt));
  }

  get header(): JwtHeader {
    return (this.#header ??= JSON.parse(this.#texts().header) as JwtHeader);
  }

  get payload(): T {
    return (this.#payload ??= JSON.parse(this.#texts().payload) as T);
  }

  toJSON(): object {
    return { header: this.header, payload: this.payload, exp: this.exp, iat: this.iat, nbf: this.nbf, tokenType: this.tokenType };
  }
}

/**
 * Decodes a compact JWT strictly, without verifying it: exactly three segments (a five-segment
 * JWE gets its own code), strict base64url (padding tolerated), UTF-8 and JSON objects,
 * numeric `exp`/`iat`/`nbf`. Claims with non-ASCII text decode correctly. The type parameter
 * describes custom claims: `decodeJwt<{ user_id: number }>(token).payload.user_id`.
 *
 * @throws {FaultlineError} `jwt_malformed`, `jwt_encrypted`, `jwt_base64`, `jwt_utf8`,
 *   `jwt_json`, `jwt_not_object`, `jwt_claim_type`, `jwt_too_large`, `invalid_argument`.
 * @example
 * const { exp, tokenType, payload } = decodeJwt(accessToken);
 */
export function decodeJwt<T = JwtPayload>(token: string, options?: JwtOptions): DecodedJwt<T> {
  checkToken(token);
  return new Jwt<T>(token, maxBytes(options));
}

/**
 * `exp` and `iat` (seconds; NaN when absent) of a JWT, or `null` when `token` is not a JWT
 * (an opaque token). Never throws for a refused token. @internal
 */
export function jwtTimes(token: string): [number, number] | null {
  let slots: Float64Array;
  try {
    slots = call(() => jwt_claims(token, 0));
  } catch {
    return null;
  }
  return [slots[Slot.exp]!, slots[Slot.iat]!];
}

// The expiry check runs before every request with the same token: remember its claims.
let cached: { token: string; max: number; claims: TimeClaims; wire: string } | undefined;

function claimsOf(token: string, max: number): { claims: TimeClaims; wire: string } {
  if (cached?.token !== token || cached.max !== max) {
    const slots = call(() => jwt_claims(token, max));
    const claims = { exp: num(slots[Slot.exp]), iat: num(slots[Slot.iat]), nbf: num(slots[Slot.nbf]) };
    cached = { token, max, claims, wire: toWire("tokenTiming claims", claims) };
  }
  return cached;
}

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
  let claims: TimeClaims;
  let wireClaims: string | undefined;
  if (typeof token === "string") {
    ({ claims, wire: wireClaims } = claimsOf(token, maxBytes(options)));
  } else if (token !== null && typeof token === "object") {
    claims = token;
  } else {
    throw new FaultlineError("invalid_argument", "tokenTiming takes a JWT string or a {exp, iat, nbf} object");
  }
  const input = { ...options, nowMs: options.nowMs ?? Date.now() };
  // NaN has no JSON form: refused here with the code the core gives any other unusable time.
  refuseNaN(claims);
  refuseNaN(input);
  wireClaims ??= toWire("tokenTiming claims", claims);
  const wireInput = toWire("tokenTiming options", input);
  return call(() => jwt_timing(wireClaims, wireInput) as TokenTiming);
}

function refuseNaN(values: object): void {
  for (const name of Object.keys(values)) {
    const v = (values as Record<string, unknown>)[name];
    if (typeof v === "number" && Number.isNaN(v)) throw new FaultlineError("jwt_invalid_timing_input", `timing input "${name}" must be a number, got NaN`);
  }
}
