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

/** How random a backoff delay is. `full` (default): `U(0, ceiling)`. */
export type Jitter =
  | "full"
  | "equal"
  | "decorrelated"
  | "none";

/** What to do when the server asks for a longer wait than `maxRetryAfterMs`. */
export type LargeHint =
  | "fail"
  | "clamp"
  | "honor";

/** Why a retry decision came out the way it did. The two `retry_*` reasons mean "retry". */
export type RetryReason =
  | "retry_backoff"
  | "retry_hint"
  | "not_retryable"
  | "aborted"
  | "attempts_exhausted"
  | "deadline_exceeded"
  | "budget_exhausted"
  | "circuit_open"
  | "hint_too_large"
  | "unsafe_method";

/** The state of one origin's circuit breaker. */
export type BreakerState =
  | "closed"
  | "open"
  | "half_open";

/** Why a session ended. */
export type LogoutReason =
  | "user"
  | "rejected"
  | "lost"
  | "cleared";

/** How to ask for the Web Lock. */
export type LockMode =
  | "ifAvailable"
  | "wait";

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

/** Where `jwt_claims` puts each claim (`core::jwt::CLAIM_SLOTS`). */
export const JwtClaimSlots = { exp: 0, iat: 1, nbf: 2, kind: 3 } as const;

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

/** Options of `RetryPolicy`; all optional, `null` means the default, unknown names are `retry_unknown_option`. */
export interface RetryPolicyOptions {
  /** Total attempts INCLUDING the first. Default 6 (a ceiling over the two limits below). */
  maxAttempts?: number | null;
  /** Retries of 5xx, timeouts and network failures per call. Default 3. */
  maxRetries?: number | null;
  /** Retries of throttled failures (429, or any failure with a server hint) per call. Default 5. */
  maxThrottledRetries?: number | null;
  /** First backoff ceiling in ms. Default 1000. */
  baseMs?: number | null;
  /** Largest backoff delay in ms, after jitter. Default 30 000. */
  capMs?: number | null;
  /** Growth per retry, 1 to 1000. Default 2. */
  multiplier?: number | null;
  /** Default `"full"`. */
  jitter?: Jitter | null;
  /** Longest server hint (Retry-After, ...) followed, in ms. Default 60 000. */
  maxRetryAfterMs?: number | null;
  /** What to do with a longer hint. Default `"fail"`: give up and carry the hint (`retryAtMs`). */
  largeHint?: LargeHint | null;
  /** Jitter added to a server hint, as a fraction of it (0 to 1). Default 0.1. */
  hintJitterRatio?: number | null;
  /** Largest jitter added to a server hint, in ms. Default 1000. */
  hintJitterMaxMs?: number | null;
  /** Per-call time limit in ms from the first attempt (`elapsedMs`). Default none. */
  deadlineMs?: number | null;
  /** Retry POST/PATCH without an idempotency key. Default false. */
  retryNonIdempotent?: boolean | null;
  /** The shared retry budget; `false` disables it. */
  budget?: RetryBudgetOptions | boolean | null;
  /** The per-origin circuit breaker; `false` disables it. */
  breaker?: RetryBreakerOptions | boolean | null;
  /** Seed of the jitter randomness, a whole number below 2^53. Default: a random one per policy. */
  seed?: number | null;
}

/** The shared retry budget (an AWS-style token bucket). */
export interface RetryBudgetOptions {
  /** Tokens when full. Default 500. */
  capacity?: number | null;
  /** Tokens one retry costs. Default 5. */
  retryCost?: number | null;
  /** Tokens one retry after a timeout or network failure costs. Default 10. */
  timeoutCost?: number | null;
  /** Tokens each success returns. Default 1. */
  successRefill?: number | null;
}

/** The per-origin circuit breaker. */
export interface RetryBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number | null;
  /** How long the circuit stays open before one probe is let through. Default 5000 ms. */
  cooldownMs?: number | null;
  /** Most origins tracked (least recently used forgotten first). Default 256, at most 10 000. */
  maxOrigins?: number | null;
}

/** The part of a `Classification` the decision reads; a full `Classification` fits as is. */
export interface RetryClassification {
  /** What kind of failure. */
  category: Category;
  /** Whether repeating the request may succeed. */
  retryable: boolean;
  /** The server's delay hint in ms, if any. */
  retryAfterMs?: number | null;
  /** Where the hint came from (echoed in the decision). */
  hintSource?: string | null;
  /** True when the request certainly never reached the server (safe to retry any method). */
  notSent?: boolean | null;
}

/** One failed attempt, for `RetryPolicy.decide`. */
export interface RetryDecideInput {
  /** 1-based number of the attempt that just failed (1 = the first request). */
  attempt: number;
  /** What went wrong. */
  classification: RetryClassification;
  /** HTTP method, any case. Default `"GET"`. */
  method?: string | null;
  /** The request's `Idempotency-Key` (a non-empty string, or `true`): POST/PATCH may be retried. */
  idempotencyKey?: string | boolean | null;
  /** Milliseconds since the first attempt started (for `deadlineMs`). Default 0. */
  elapsedMs?: number | null;
  /** Epoch ms, for the breaker and `retryAtMs`. Default `Date.now()`. */
  nowMs?: number | null;
  /** The origin (`"https://api.example.com"`) for the circuit breaker; none skips it. */
  origin?: string | null;
  /** How many of this call's earlier retries were throttled (sum of `decision.throttled`). Default 0. */
  throttledRetries?: number | null;
  /** The delay waited before this attempt (only `decorrelated` jitter reads it). */
  previousDelayMs?: number | null;
}

/** What to do about a failed attempt. */
export interface RetryDecision {
  /** Retry, or give up. */
  retry: boolean;
  /** Milliseconds to wait before the retry; 0 when not retrying. Finite, never negative. */
  delayMs: number;
  /** Why. */
  reason: RetryReason;
  /** The server hint's source when the delay came from (or was refused because of) a hint. */
  hintSource: string | null;
  /** This failure counts as throttled: add 1 to `throttledRetries` when you retry. */
  throttled: boolean;
  /** The server's hint in ms as read, whether followed or not. */
  retryAfterMs: number | null;
  /** Epoch ms when to try again: `nowMs + delayMs` when retrying, `nowMs + retryAfterMs` when giving up on a hinted failure (e.g. a one-hour Retry-After), else null. */
  retryAtMs: number | null;
}

/** A rate limit: at most `limit` requests in any rolling window of `windowMs`. */
export interface PacerRate {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
}

/** A policy read from a `RateLimit-Policy` header by `Pacer.updateFromHeader`. */
export interface PacerPolicy {
  /** The policy name as the server sent it (`"burst"`). */
  name: string;
  /** Requests allowed per window. */
  limit: number;
  /** Window length in ms. */
  windowMs: number;
}

/** One origin's circuit as plain data, as a shared store keeps it. */
export interface RetryCircuit {
  /** The stored state (an open circuit past its cool-down is still `open` here). */
  state: BreakerState;
  /** Consecutive failures while closed. */
  failures: number;
  /** When the circuit last opened, epoch ms. */
  openedAtMs: number;
  /** When the half-open probe was let through, epoch ms. */
  probeSentMs: number | null;
}

/** What a policy shares about one origin with other processes through a store. */
export interface RetrySharedState {
  /** Tokens left in the retry budget (`null`: disabled, or not in the store: a full bucket). */
  budgetTokens: number | null;
  /** The origin's circuit (`null`: disabled, or not in the store: closed). */
  circuit: RetryCircuit | null;
}

/** Post a message on the channel. */
export interface RefreshPost {
  /** the effect */
  type: "post";
  /** wire string */
  message: string;
}

/** Request the Web Lock. */
export interface RefreshRequestLock {
  /** the effect */
  type: "requestLock";
  /** request id */
  request: number;
  /** lock name */
  name: string;
  /** how to wait */
  mode: LockMode;
}

/** Abort a queued lock request. */
export interface RefreshAbortLock {
  /** the effect */
  type: "abortLock";
  /** request id */
  request: number;
}

/** Release a held lock. */
export interface RefreshReleaseLock {
  /** the effect */
  type: "releaseLock";
  /** request id */
  request: number;
}

/** Call the user's refresh(refreshToken). */
export interface RefreshStartRefresh {
  /** the effect */
  type: "startRefresh";
  /** attempt id */
  attempt: number;
  /** the refresh token to send */
  refreshToken: string;
}

/** Write the shared record. */
export interface RefreshWriteRecord {
  /** the effect */
  type: "writeRecord";
  /** record string */
  record: string;
}

/** Arm the wake-up timer. */
export interface RefreshSetTimer {
  /** the effect */
  type: "setTimer";
  /** epoch ms */
  atMs: number;
}

/** Cancel the wake-up timer. */
export interface RefreshCancelTimer {
  /** the effect */
  type: "cancelTimer";
}

/** Answer a caller with a token. */
export interface RefreshResolve {
  /** the effect */
  type: "resolve";
  /** caller id */
  requestId: number;
  /** access token */
  token: string;
  /** its generation */
  generation: number;
  /** until when it may be handed out */
  usableUntilMs: number | null;
}

/** Answer a caller with an error. */
export interface RefreshReject {
  /** the effect */
  type: "reject";
  /** caller id */
  requestId: number;
  /** error code */
  code: string;
  /** cooldown end, if known */
  retryAtMs: number | null;
}

/** A new token for onChange. */
export interface RefreshChanged {
  /** the effect */
  type: "changed";
  /** its generation */
  generation: number;
  /** access token */
  token: string;
  /** expiry */
  expiresAtMs: number | null;
  /** until when it may be handed out */
  usableUntilMs: number | null;
}

/** The session ended. */
export interface RefreshLoggedOut {
  /** the effect */
  type: "loggedOut";
  /** why */
  reason: LogoutReason;
}

/** A tab's counters and state. */
export interface RefreshTabStats {
  /** channel messages not ours */
  foreignMessages: number;
  /** channel messages of another version */
  versionMessages: number;
  /** malformed or implausible messages */
  malformedMessages: number;
  /** records that could not be decoded */
  malformedRecords: number;
  /** storage reads that failed */
  unreadableReads: number;
  /** inputs for something no longer wanted */
  staleInputs: number;
  /** results discarded (generation moved) */
  discardedResults: number;
  /** requests refused with refresh_busy */
  busyRejections: number;
  /** refreshes this tab started */
  refreshesStarted: number;
  /** takeovers this tab performed */
  takeovers: number;
  /** generation last adopted */
  generation: number;
  /** requests waiting in the machine */
  waiting: number;
  /** a refresh of this tab is out */
  refreshing: boolean;
  /** this tab sees a session */
  hasSession: boolean;
}

/** One effect of the token manager's state machine, for the adapter to execute. */
export type RefreshEffect =
  | RefreshPost
  | RefreshRequestLock
  | RefreshAbortLock
  | RefreshReleaseLock
  | RefreshStartRefresh
  | RefreshWriteRecord
  | RefreshSetTimer
  | RefreshCancelTimer
  | RefreshResolve
  | RefreshReject
  | RefreshChanged
  | RefreshLoggedOut;
