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
  jwt_malformed: "the token does not have three dot-separated segments, or its header or payload is empty",
  jwt_encrypted: "the token is an encrypted JWE (five segments); its claims cannot be read",
  jwt_base64: "a token segment is not strict base64url",
  jwt_utf8: "a decoded token segment is not valid UTF-8",
  jwt_json: "a decoded token segment is not valid JSON",
  jwt_not_object: "the token header or payload is JSON but not an object",
  jwt_claim_type: "exp, nbf or iat is present but not a finite number",
  jwt_too_large: "the token is longer than the size limit (16 KiB by default)",
  jwt_invalid_timing_input: "a time given to tokenTiming is NaN, infinite, negative or outside the Date range",
  refresh_logged_out: "there is no session (logged out, or the refresh token was rejected): sign in again",
  refresh_failed: "the token refresh failed transiently and the access token is expired; retry after the cooldown",
  refresh_cooldown: "a recent refresh failed in some tab; all tabs wait for the shared cooldown to end",
  refresh_timeout: "no access token within the configured wait bound",
  refresh_busy: "too many callers are already waiting for a token in this tab",
  refresh_invalid_token: "a token given to the token manager is empty or too long",
  refresh_message_malformed: "a cross-tab message was not understood and was ignored",
  refresh_storage_malformed: "the shared token record in storage was not understood and was ignored",
  refresh_storage_unavailable: "the token storage could not be read for a while; the session is kept, try again later",
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
