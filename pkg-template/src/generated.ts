// Generated from src/core/schema.rs by `cargo test` (test generated_ts_is_current).
// Do not edit: change the Rust definitions and run `UPDATE_TS=1 cargo test generated_ts`.

/** What kind of failure a request met. */
export type Category =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "invalid_request"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "server"
  | "unavailable"
  | "timeout"
  | "network"
  | "aborted"
  | "unknown";

/** What the caller should do about a failure. */
export type Action =
  | "refresh_token"
  | "reauthenticate"
  | "add_credentials"
  | "check_credentials"
  | "request_permission"
  | "fix_request"
  | "verify_resource"
  | "wait_and_retry"
  | "retry_with_backoff"
  | "contact_support"
  | "none";

/** Which error envelope the body was recognised as. */
export type Format =
  | "upstream"
  | "problem"
  | "detail"
  | "sachain"
  | "google"
  | "graphql"
  | "text"
  | "html"
  | "empty"
  | "unknown";

/** The token kinds faultline acts on (other declared kinds are kept as written). */
export type TokenKind =
  | "access"
  | "refresh";

/** Which clock a token's local expiry was placed on. */
export type ClockSource =
  | "lifetime"
  | "server_date"
  | "local";

/** Where `jwt_claims` puts each claim (`core::jwt::CLAIM_SLOTS`). */
export const JwtClaimSlots = { exp: 0, iat: 1, nbf: 2, kind: 3 } as const;

/** What the wasm module returns for a token; `decodeJwt` parses the texts when they are read. */
export interface RawDecodedJwt {
  /** The JOSE header as JSON text. */
  header: string;
  /** The claims set as JSON text. */
  payload: string;
  /** Expiry, seconds since the epoch; absent: never expires. */
  exp?: number;
  /** Issued-at, seconds since the epoch. */
  iat?: number;
  /** Not-before, seconds since the epoch. */
  nbf?: number;
  /** The kind the token declares (`token_type`, else header `typ`, else payload `typ`). */
  tokenType?: TokenKind | (string & {});
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
  /** The token's lifetime in ms (`exp − iat`, else `expiresAt − receivedAt`), when known. */
  lifetimeMs: number | null;
  /** Estimated server clock minus local clock in ms, when known. */
  skewMs: number | null;
  /** Which clock the expiry was placed on. */
  clock: ClockSource;
}
