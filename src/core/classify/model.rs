//! The `Classification` users switch on, and the vocabularies it is made of.
//!
//! This is the contract of DESIGN.md in Rust. The string forms returned by `as_str` are the
//! exact strings the TypeScript `Classification` carries; they never change.

use std::borrow::Cow;

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

/// A classified failure. Field names map one to one onto the TypeScript object
/// (`retry_after_ms` -> `retryAfterMs`).
#[derive(Debug, Clone, PartialEq)]
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
    /// Where that hint came from (`"retry-after"`, `"body:details.wait_seconds"`).
    pub hint_source: Option<&'static str>,
    /// The request id for support.
    pub request_id: Option<String>,
    /// Validation errors per field, in document order.
    pub field_errors: Option<Vec<(String, Vec<String>)>>,
    /// The envelope recognised.
    pub format: Format,
    /// A message safe to show a person.
    pub user_message: String,
    /// True when the request certainly never reached the server (connection refused,
    /// DNS failure): safe to retry even for POST. Refines DESIGN.md's object.
    pub not_sent: bool,
}

/// Field errors with borrowed names and messages: `(field, messages)` in document order,
/// read with [`FieldList::iter`].
///
/// Why not a plain vector of vectors: most bodies with field errors name one field with one
/// message (Sachain `details.field`, a GraphQL `extensions.field`), and in wasm the two
/// allocations and frees of that shape were a tenth of such a classification. One field
/// with one message is held inline; anything more moves to vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldList<'s>(FieldRepr<'s>);

#[derive(Debug, Clone, PartialEq)]
enum FieldRepr<'s> {
    /// One field with one message.
    One(Cow<'s, str>, Cow<'s, str>),
    /// Any number of fields, each with its messages.
    Many(Vec<(Cow<'s, str>, Vec<Cow<'s, str>>)>),
}

impl<'s> FieldList<'s> {
    /// One field with one message.
    pub fn one(field: Cow<'s, str>, message: Cow<'s, str>) -> Self {
        FieldList(FieldRepr::One(field, message))
    }

    /// Fields with their messages, in order.
    pub fn from_vec(items: Vec<(Cow<'s, str>, Vec<Cow<'s, str>>)>) -> Self {
        FieldList(FieldRepr::Many(items))
    }

    /// The fields, each with its messages, in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&Cow<'s, str>, &[Cow<'s, str>])> + '_ {
        let (one, many) = match &self.0 {
            FieldRepr::One(field, message) => (Some((field, std::slice::from_ref(message))), None),
            FieldRepr::Many(items) => (None, Some(items.iter().map(|(f, ms)| (f, ms.as_slice())))),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        match &self.0 {
            FieldRepr::One(..) => 1,
            FieldRepr::Many(items) => items.len(),
        }
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`Classification`] whose strings are borrowed: from the response where the server's
/// text is used as sent, from the caller's options, or from static tables. What
/// [`classify_with`](super::classify_with) hands to its callback, so a caller that copies the
/// strings elsewhere anyway (the wasm bindings, which refer to most of them by their place in
/// the input) allocates nothing for them.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassificationRef<'s> {
    /// What kind of failure.
    pub category: Category,
    /// What to do about it.
    pub action: Action,
    /// HTTP status; `None` when no response arrived.
    pub status: Option<u16>,
    /// The server's machine code, as sent.
    pub code: Option<&'s str>,
    /// The server's human message.
    pub message: Option<&'s str>,
    /// Whether repeating the same request may succeed.
    pub retryable: bool,
    /// Strongest server delay hint, in milliseconds.
    pub retry_after_ms: Option<f64>,
    /// Where that hint came from.
    pub hint_source: Option<&'static str>,
    /// The request id for support.
    pub request_id: Option<&'s str>,
    /// Validation errors per field, in document order.
    pub field_errors: Option<FieldList<'s>>,
    /// The envelope recognised.
    pub format: Format,
    /// A message safe to show a person.
    pub user_message: &'s str,
    /// True when the request certainly never reached the server.
    pub not_sent: bool,
}

impl ClassificationRef<'_> {
    /// The owned form ([`Classification`]).
    pub fn to_classification(&self) -> Classification {
        Classification {
            category: self.category,
            action: self.action,
            status: self.status,
            code: self.code.map(str::to_string),
            message: self.message.map(str::to_string),
            retryable: self.retryable,
            retry_after_ms: self.retry_after_ms,
            hint_source: self.hint_source,
            request_id: self.request_id.map(str::to_string),
            field_errors: self.field_errors.as_ref().map(|fields| {
                fields
                    .iter()
                    .map(|(k, ms)| (k.to_string(), ms.iter().map(|m| m.to_string()).collect()))
                    .collect()
            }),
            format: self.format,
            user_message: self.user_message.to_string(),
            not_sent: self.not_sent,
        }
    }
}

impl Classification {
    /// The borrowed form.
    pub fn borrowed(&self) -> ClassificationRef<'_> {
        ClassificationRef {
            category: self.category,
            action: self.action,
            status: self.status,
            code: self.code.as_deref(),
            message: self.message.as_deref(),
            retryable: self.retryable,
            retry_after_ms: self.retry_after_ms,
            hint_source: self.hint_source,
            request_id: self.request_id.as_deref(),
            field_errors: self.field_errors.as_ref().map(|fields| {
                FieldList::from_vec(
                    fields
                        .iter()
                        .map(|(k, ms)| {
                            (
                                Cow::Borrowed(k.as_str()),
                                ms.iter().map(|m| Cow::Borrowed(m.as_str())).collect(),
                            )
                        })
                        .collect(),
                )
            }),
            format: self.format,
            user_message: &self.user_message,
            not_sent: self.not_sent,
        }
    }
}
