//! The `Classification` users switch on, and the vocabularies it is made of.
//!
//! This is the contract of DESIGN.md in Rust. The string forms returned by `as_str` are the
//! exact strings the TypeScript `Classification` carries; they never change.

use serde::{Deserialize, Serialize};

use crate::core::retry::hints::HintSource;
use crate::core::schema::{Field, Shape};

crate::vocabulary! {
    /// What kind of failure a request met.
    pub enum Category as "Category" {
        /// 401: no, bad or expired credentials.
        Unauthenticated = "unauthenticated",
        /// 403: authenticated but not allowed.
        Forbidden = "forbidden",
        /// 404 (and 410).
        NotFound = "not_found",
        /// 400, 405, 415, 422 and other client mistakes.
        InvalidRequest = "invalid_request",
        /// 409 (and 412).
        Conflict = "conflict",
        /// 413.
        PayloadTooLarge = "payload_too_large",
        /// 429 or a throttling code.
        RateLimited = "rate_limited",
        /// 500 and other 5xx not listed below.
        Server = "server",
        /// 502, 503: the service or a gateway in front of it is down.
        Unavailable = "unavailable",
        /// 408, 504, or a client-side timeout.
        Timeout = "timeout",
        /// No response arrived: DNS, connection refused or reset, CORS, offline.
        Network = "network",
        /// The caller aborted the request.
        Aborted = "aborted",
        /// Nothing above fits.
        Unknown = "unknown",
    }
}

crate::vocabulary! {
    /// What the caller should do about a failure.
    pub enum Action as "Action" {
        /// Refresh the access token, then repeat the request.
        RefreshToken = "refresh_token",
        /// The session is over: send the user to log in again.
        Reauthenticate = "reauthenticate",
        /// The request carried no credentials: attach them.
        AddCredentials = "add_credentials",
        /// The credentials themselves are wrong (bad password, invalid API key).
        CheckCredentials = "check_credentials",
        /// The user lacks a role or permission.
        RequestPermission = "request_permission",
        /// The request is malformed or invalid: fix it, do not repeat it.
        FixRequest = "fix_request",
        /// The resource does not exist (or belongs to someone else).
        VerifyResource = "verify_resource",
        /// Wait for the server's hint, then retry.
        WaitAndRetry = "wait_and_retry",
        /// Retry with exponential backoff.
        RetryWithBackoff = "retry_with_backoff",
        /// Retrying will not help: report it with the request id.
        ContactSupport = "contact_support",
        /// Nothing to do.
        None = "none",
    }
}

crate::vocabulary! {
    /// Which error envelope the body was recognised as.
    pub enum Format as "Format" {
        /// `{"error":{code,message,details,type,request_id}}`.
        Upstream = "upstream",
        /// RFC 9457 `application/problem+json`.
        Problem = "problem",
        /// `{"detail": "..."}` or FastAPI's `{"detail":[{loc,msg,type}]}`.
        Detail = "detail",
        /// `{message, requestId, details:{code, retryable, retryAfter}}`.
        Sachain = "sachain",
        /// Google `{"error":{code,status,message,details:[...]}}`.
        Google = "google",
        /// GraphQL `{"errors":[...]}`.
        Graphql = "graphql",
        /// Plain text.
        Text = "text",
        /// An HTML error page (usually from a gateway).
        Html = "html",
        /// No body.
        Empty = "empty",
        /// JSON of no known shape, or no response at all.
        Unknown = "unknown",
    }
}

/// A classified failure: the object users switch on. Serialised as DESIGN.md's TypeScript
/// `Classification` (camelCase names, `None` as `null`, field errors as an object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// What kind of failure.
    pub category: Category,
    /// What to do about it.
    pub action: Action,
    /// HTTP status; `None` when no response arrived.
    pub status: Option<u16>,
    /// The server's machine code, as sent.
    pub code: Option<String>,
    /// The server's human message.
    pub message: Option<String>,
    /// Whether repeating the same request may succeed.
    pub retryable: bool,
    /// Strongest server delay hint, in milliseconds.
    pub retry_after_ms: Option<f64>,
    /// Where that hint came from.
    pub hint_source: Option<HintSource>,
    /// The request id for support.
    pub request_id: Option<String>,
    /// Validation errors per field, in document order (an object `{field: [messages]}`).
    #[serde(with = "super::members")]
    pub field_errors: Option<Vec<(String, Vec<String>)>>,
    /// The envelope recognised.
    pub format: Format,
    /// A message safe to show a person.
    pub user_message: String,
    /// True when the request certainly never reached the server (connection refused,
    /// DNS failure): safe to retry even for POST. Refines DESIGN.md's object.
    pub not_sent: bool,
}

/// The TypeScript shape of [`Classification`], checked against its serde output in
/// `core::schema`'s tests.
pub const CLASSIFICATION: Shape = Shape {
    ts_name: "Classification",
    doc: "A classified failure: the object users switch on.",
    fields: &[
        Field::new("category", "Category", "What kind of failure."),
        Field::new("action", "Action", "What to do about it."),
        Field::new(
            "status",
            "number | null",
            "HTTP status; `null` when no response arrived.",
        ),
        Field::new(
            "code",
            "string | null",
            "The server's machine code, as sent (e.g. `\"throttled\"`, `\"AUTH_TOKEN_INVALID\"`).",
        ),
        Field::new(
            "message",
            "string | null",
            "The server's human message (never shown for 5xx: use `userMessage`).",
        ),
        Field::new(
            "retryable",
            "boolean",
            "Whether repeating the same request may succeed.",
        ),
        Field::new(
            "retryAfterMs",
            "number | null",
            "Strongest server delay hint in milliseconds.",
        ),
        Field::new(
            "hintSource",
            "HintSource | null",
            "Where the hint came from.",
        ),
        Field::new(
            "requestId",
            "string | null",
            "Request id for support (X-Request-Id, body `request_id`, ...).",
        ),
        Field::new(
            "fieldErrors",
            "Record<string, string[]> | null",
            "Validation messages per field, for forms, in document order.",
        ),
        Field::new("format", "Format", "The envelope recognised."),
        Field::new("userMessage", "string", "A message safe to show a person."),
        Field::new(
            "notSent",
            "boolean",
            "True when the request certainly never reached the server (safe to retry any method).",
        ),
    ],
};
