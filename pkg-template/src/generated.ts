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
