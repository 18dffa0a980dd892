//! What crosses back to the token manager's TypeScript adapter: one object per effect,
//! serde-tagged by `type` (camelCase names).
//!
//! Events go in as one export per event with plain arguments (numbers, strings, booleans:
//! wasm-bindgen types them, no object needs decoding); the adapter executes the returned
//! [`Output`]s in order. Channel
//! messages and the storage record travel as their versioned strings (`message.rs`,
//! `store.rs`): they are the protocol's own formats, shared by every tab, and the adapter
//! never looks inside them. Tokens travel as strings; the refresh token only in
//! [`Output::StartRefresh`]. The TypeScript types are generated from [`shapes`] and checked
//! against the serde output of real values (`src/core/schema.rs`).

use serde::Serialize;

use super::effects::{Effect, LockMode};
use super::error::RefreshError;
use super::state::Stats;
use super::store::LogoutReason;
use crate::core::error::ErrorCode;
use crate::core::schema::{Field, Shape};

/// One effect for the adapter (see [`Effect`] for what each one asks).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Output {
    /// `channel.postMessage(message)`.
    Post {
        /// The wire string (numbers only).
        message: String,
    },
    /// Request the Web Lock.
    RequestLock {
        /// Request id.
        request: u64,
        /// Lock name.
        name: String,
        /// How to wait.
        mode: LockMode,
    },
    /// Abort a queued lock request.
    AbortLock {
        /// Request id.
        request: u64,
    },
    /// Release a held lock.
    ReleaseLock {
        /// Request id.
        request: u64,
    },
    /// Call the user's `refresh(refreshToken)`.
    StartRefresh {
        /// Attempt id.
        attempt: u64,
        /// The refresh token to send.
        refresh_token: String,
    },
    /// `storage.setItem(key, record)`.
    WriteRecord {
        /// The record string.
        record: String,
    },
    /// Arm the wake-up timer.
    SetTimer {
        /// When (epoch ms).
        at_ms: f64,
    },
    /// Cancel the wake-up timer.
    CancelTimer,
    /// Answer a caller with a token.
    Resolve {
        /// Caller id.
        request_id: u64,
        /// The access token.
        token: String,
        /// Its generation.
        generation: u64,
        /// Until when it may be handed out (expiry minus margin, epoch ms).
        usable_until_ms: Option<f64>,
    },
    /// Answer a caller with an error.
    Reject {
        /// Caller id.
        request_id: u64,
        /// The error code.
        code: String,
        /// When a retry may succeed (cooldown end), if known.
        retry_at_ms: Option<f64>,
    },
    /// `onChange`: a new token.
    Changed {
        /// Its generation.
        generation: u64,
        /// The access token.
        token: String,
        /// Its expiry (epoch ms), if known.
        expires_at_ms: Option<f64>,
        /// Until when it may be handed out (expiry minus margin, epoch ms).
        usable_until_ms: Option<f64>,
    },
    /// `onLogout`.
    LoggedOut {
        /// Why.
        reason: LogoutReason,
    },
}

impl Output {
    /// The output of one effect.
    pub fn of(effect: Effect) -> Output {
        match effect {
            Effect::Post(m) => Output::Post {
                message: m.encode(),
            },
            Effect::RequestLock {
                request,
                name,
                mode,
            } => Output::RequestLock {
                request,
                name,
                mode,
            },
            Effect::AbortLockRequest { request } => Output::AbortLock { request },
            Effect::ReleaseLock { request } => Output::ReleaseLock { request },
            Effect::StartRefresh {
                attempt,
                refresh_token,
            } => Output::StartRefresh {
                attempt,
                refresh_token: refresh_token.expose_secret().to_owned(),
            },
            Effect::WriteRecord(r) => Output::WriteRecord { record: r.encode() },
            Effect::SetTimer { at_ms, .. } => Output::SetTimer { at_ms },
            Effect::CancelTimer { .. } => Output::CancelTimer,
            Effect::Resolve {
                request_id,
                token,
                generation,
                usable_until_ms,
                ..
            } => Output::Resolve {
                request_id,
                token: token.as_str().to_owned(),
                generation,
                usable_until_ms,
            },
            Effect::Reject { request_id, error } => Output::Reject {
                request_id,
                code: error.code().to_owned(),
                retry_at_ms: match error {
                    RefreshError::Failed { retry_at_ms } => Some(retry_at_ms),
                    RefreshError::Cooldown { until_ms } => Some(until_ms),
                    _ => None,
                },
            },
            Effect::Changed {
                generation,
                token,
                expires_at_ms,
                usable_until_ms,
            } => Output::Changed {
                generation,
                token: token.as_str().to_owned(),
                expires_at_ms,
                usable_until_ms,
            },
            Effect::LoggedOut { reason } => Output::LoggedOut { reason },
        }
    }
}

/// A tab's counters and state, for `tokens.stats()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TabStats {
    /// Channel messages that were not ours (ignored).
    pub foreign_messages: u64,
    /// Channel messages of another protocol version (ignored).
    pub version_messages: u64,
    /// Channel messages that were ours but malformed or implausible (ignored).
    pub malformed_messages: u64,
    /// Storage records that could not be decoded.
    pub malformed_records: u64,
    /// Storage reads that failed.
    pub unreadable_reads: u64,
    /// Lock grants or refresh results that arrived for something no longer wanted.
    pub stale_inputs: u64,
    /// Successful refresh results discarded because the generation had moved.
    pub discarded_results: u64,
    /// Requests refused with `refresh_busy`.
    pub busy_rejections: u64,
    /// Refreshes this tab started.
    pub refreshes_started: u64,
    /// Takeovers of a lost refresh this tab performed.
    pub takeovers: u64,
    /// The session generation this tab last adopted.
    pub generation: u64,
    /// Requests waiting in the machine.
    pub waiting: u64,
    /// Whether this tab's refresh request is outstanding.
    pub refreshing: bool,
    /// Whether this tab sees a session.
    pub has_session: bool,
}

impl TabStats {
    /// The counters of `s` with the tab's state.
    pub fn new(
        s: Stats,
        generation: u64,
        waiting: usize,
        refreshing: bool,
        has_session: bool,
    ) -> Self {
        TabStats {
            foreign_messages: s.foreign_messages,
            version_messages: s.version_messages,
            malformed_messages: s.malformed_messages,
            malformed_records: s.malformed_records,
            unreadable_reads: s.unreadable_reads,
            stale_inputs: s.stale_inputs,
            discarded_results: s.discarded_results,
            busy_rejections: s.busy_rejections,
            refreshes_started: s.refreshes_started,
            takeovers: s.takeovers,
            generation,
            waiting: waiting as u64,
            refreshing,
            has_session,
        }
    }
}

const fn f(name: &'static str, ts_type: &'static str, doc: &'static str) -> Field {
    Field::new(name, ts_type, doc)
}

/// The TypeScript shapes of every [`Output`] variant (name `Refresh<Variant>`), of
/// [`TabStats`] and of the sanitized timing the adapter reads back.
pub fn shapes() -> Vec<Shape> {
    SHAPES.to_vec()
}

const TYPE: &str = "the effect";

const SHAPES: &[Shape] = &[
    Shape {
        ts_name: "RefreshPost",
        doc: "Post a message on the channel.",
        fields: &[
            f("type", "\"post\"", TYPE),
            f("message", "string", "wire string"),
        ],
    },
    Shape {
        ts_name: "RefreshRequestLock",
        doc: "Request the Web Lock.",
        fields: &[
            f("type", "\"requestLock\"", TYPE),
            f("request", "number", "request id"),
            f("name", "string", "lock name"),
            f("mode", "LockMode", "how to wait"),
        ],
    },
    Shape {
        ts_name: "RefreshAbortLock",
        doc: "Abort a queued lock request.",
        fields: &[
            f("type", "\"abortLock\"", TYPE),
            f("request", "number", "request id"),
        ],
    },
    Shape {
        ts_name: "RefreshReleaseLock",
        doc: "Release a held lock.",
        fields: &[
            f("type", "\"releaseLock\"", TYPE),
            f("request", "number", "request id"),
        ],
    },
    Shape {
        ts_name: "RefreshStartRefresh",
        doc: "Call the user's refresh(refreshToken).",
        fields: &[
            f("type", "\"startRefresh\"", TYPE),
            f("attempt", "number", "attempt id"),
            f("refreshToken", "string", "the refresh token to send"),
        ],
    },
    Shape {
        ts_name: "RefreshWriteRecord",
        doc: "Write the shared record.",
        fields: &[
            f("type", "\"writeRecord\"", TYPE),
            f("record", "string", "record string"),
        ],
    },
    Shape {
        ts_name: "RefreshSetTimer",
        doc: "Arm the wake-up timer.",
        fields: &[
            f("type", "\"setTimer\"", TYPE),
            f("atMs", "number", "epoch ms"),
        ],
    },
    Shape {
        ts_name: "RefreshCancelTimer",
        doc: "Cancel the wake-up timer.",
        fields: &[f("type", "\"cancelTimer\"", TYPE)],
    },
    Shape {
        ts_name: "RefreshResolve",
        doc: "Answer a caller with a token.",
        fields: &[
            f("type", "\"resolve\"", TYPE),
            f("requestId", "number", "caller id"),
            f("token", "string", "access token"),
            f("generation", "number", "its generation"),
            f(
                "usableUntilMs",
                "number | null",
                "until when it may be handed out",
            ),
        ],
    },
    Shape {
        ts_name: "RefreshReject",
        doc: "Answer a caller with an error.",
        fields: &[
            f("type", "\"reject\"", TYPE),
            f("requestId", "number", "caller id"),
            f("code", "string", "error code"),
            f("retryAtMs", "number | null", "cooldown end, if known"),
        ],
    },
    Shape {
        ts_name: "RefreshChanged",
        doc: "A new token for onChange.",
        fields: &[
            f("type", "\"changed\"", TYPE),
            f("generation", "number", "its generation"),
            f("token", "string", "access token"),
            f("expiresAtMs", "number | null", "expiry"),
            f(
                "usableUntilMs",
                "number | null",
                "until when it may be handed out",
            ),
        ],
    },
    Shape {
        ts_name: "RefreshLoggedOut",
        doc: "The session ended.",
        fields: &[
            f("type", "\"loggedOut\"", TYPE),
            f("reason", "LogoutReason", "why"),
        ],
    },
    Shape {
        ts_name: "RefreshTabStats",
        doc: "A tab's counters and state.",
        fields: &[
            f("foreignMessages", "number", "channel messages not ours"),
            f(
                "versionMessages",
                "number",
                "channel messages of another version",
            ),
            f(
                "malformedMessages",
                "number",
                "malformed or implausible messages",
            ),
            f(
                "malformedRecords",
                "number",
                "records that could not be decoded",
            ),
            f("unreadableReads", "number", "storage reads that failed"),
            f(
                "staleInputs",
                "number",
                "inputs for something no longer wanted",
            ),
            f(
                "discardedResults",
                "number",
                "results discarded (generation moved)",
            ),
            f(
                "busyRejections",
                "number",
                "requests refused with refresh_busy",
            ),
            f("refreshesStarted", "number", "refreshes this tab started"),
            f("takeovers", "number", "takeovers this tab performed"),
            f("generation", "number", "generation last adopted"),
            f("waiting", "number", "requests waiting in the machine"),
            f("refreshing", "boolean", "a refresh of this tab is out"),
            f("hasSession", "boolean", "this tab sees a session"),
        ],
    },
];

/// The effect union's member names, in the order of [`shapes`].
pub const EFFECT_SHAPES: &[&str] = &[
    "RefreshPost",
    "RefreshRequestLock",
    "RefreshAbortLock",
    "RefreshReleaseLock",
    "RefreshStartRefresh",
    "RefreshWriteRecord",
    "RefreshSetTimer",
    "RefreshCancelTimer",
    "RefreshResolve",
    "RefreshReject",
    "RefreshChanged",
    "RefreshLoggedOut",
];

impl Output {
    /// The name of this variant's shape in [`shapes`].
    pub fn shape_name(&self) -> &'static str {
        match self {
            Output::Post { .. } => "RefreshPost",
            Output::RequestLock { .. } => "RefreshRequestLock",
            Output::AbortLock { .. } => "RefreshAbortLock",
            Output::ReleaseLock { .. } => "RefreshReleaseLock",
            Output::StartRefresh { .. } => "RefreshStartRefresh",
            Output::WriteRecord { .. } => "RefreshWriteRecord",
            Output::SetTimer { .. } => "RefreshSetTimer",
            Output::CancelTimer => "RefreshCancelTimer",
            Output::Resolve { .. } => "RefreshResolve",
            Output::Reject { .. } => "RefreshReject",
            Output::Changed { .. } => "RefreshChanged",
            Output::LoggedOut { .. } => "RefreshLoggedOut",
        }
    }
}

/// One value of every [`Output`] variant (for the shape tests).
pub fn sample_outputs() -> Vec<Output> {
    vec![
        Output::Post {
            message: "{}".into(),
        },
        Output::RequestLock {
            request: 1,
            name: "n".into(),
            mode: LockMode::Wait,
        },
        Output::AbortLock { request: 1 },
        Output::ReleaseLock { request: 1 },
        Output::StartRefresh {
            attempt: 1,
            refresh_token: "rt".into(),
        },
        Output::WriteRecord {
            record: "{}".into(),
        },
        Output::SetTimer { at_ms: 1.0 },
        Output::CancelTimer,
        Output::Resolve {
            request_id: 1,
            token: "t".into(),
            generation: 1,
            usable_until_ms: None,
        },
        Output::Reject {
            request_id: 1,
            code: "refresh_timeout".into(),
            retry_at_ms: None,
        },
        Output::Changed {
            generation: 1,
            token: "t".into(),
            expires_at_ms: None,
            usable_until_ms: None,
        },
        Output::LoggedOut {
            reason: LogoutReason::User,
        },
    ]
}
