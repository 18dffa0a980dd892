// Generated from src/core/error.rs by `cargo test` (test codes_ts_is_current).
// Do not edit: change the Rust table and run `UPDATE_CODES=1 cargo test codes_ts`.

/** Every stable error code faultline can raise, with its meaning. */
export const ERROR_CODES = {
  invalid_argument: "an argument has the wrong type or an out-of-range value",
  not_initialized: "the WebAssembly module was used before init() finished",
  init_failed: "the WebAssembly module could not be loaded",
  http_error: "a request failed; the ApiError carries its classification",
  internal: "an unexpected failure inside the library (please report it)",
  retry_invalid_option: "a retry option has the wrong type or an out-of-range value",
  retry_unknown_option: "a retry option name does not exist",
  retry_invalid_rate: "a rate spec such as \"10/hour\" could not be read",
  retry_invalid_ratelimit_policy: "a RateLimit-Policy header value could not be read",
  retry_too_many_scopes: "the pacer already tracks its maximum number of scopes",
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
