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
