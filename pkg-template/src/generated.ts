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

/** Where a server delay hint came from, strongest first. */
export type HintSource =
  | "retry-after-ms"
  | "retry-after"
  | "ratelimit"
  | "ratelimit-reset"
  | "x-ratelimit-reset"
  | "body:error.details.wait_seconds"
  | "body:details.retryAfter"
  | "body:retryInfo.retryDelay"
  | "body:text";

/** Which call failed: an ordinary request, the token refresh call, or the login call. */
export type Phase =
  | "request"
  | "refresh"
  | "login";

/** A classified failure: the object users switch on. */
export interface Classification {
  /** What kind of failure. */
  category: Category;
  /** What to do about it. */
  action: Action;
  /** HTTP status; `null` when no response arrived. */
  status: number | null;
  /** The server's machine code, as sent (e.g. `"throttled"`, `"AUTH_TOKEN_INVALID"`). */
  code: string | null;
  /** The server's human message (never shown for 5xx: use `userMessage`). */
  message: string | null;
  /** Whether repeating the same request may succeed. */
  retryable: boolean;
  /** Strongest server delay hint in milliseconds. */
  retryAfterMs: number | null;
  /** Where the hint came from. */
  hintSource: HintSource | null;
  /** Request id for support (X-Request-Id, body `request_id`, ...). */
  requestId: string | null;
  /** Validation messages per field, for forms, in document order. */
  fieldErrors: Record<string, string[]> | null;
  /** The envelope recognised. */
  format: Format;
  /** A message safe to show a person. */
  userMessage: string;
  /** True when the request certainly never reached the server (safe to retry any method). */
  notSent: boolean;
}
