//! Recognising an error envelope and reading what it says.
//!
//! Why one reader per format: each envelope puts the code, message, request id, field
//! errors and retry flag in different places. Each `read` function below knows one shape
//! and fills the same [`Extracted`]; [`from_json`] picks the shape.
//!
//! Detection order for a JSON object (first match wins):
//! 1. `Content-Type: application/problem+json` -> RFC 9457 problem;
//! 2. an `error` object -> Google when `error.code` is a number and `error.status` a string
//!    or `error.details` an array, else Upstream/DRF (also Stripe/OpenAI-style);
//! 3. problem by shape: a string `title`, or a string `type` with a number `status` or a
//!    string `detail`;
//! 4. an `errors` array whose first element has a string `message` -> GraphQL;
//! 5. Sachain: a string `message` with a `details` object or a `requestId`, or a string
//!    `details.code`;
//! 6. a `detail` member (string, FastAPI list or object) -> Detail;
//! 7. a DRF field dict (every member an array or object, holding field errors) -> Detail;
//! 8. anything else -> Unknown, still reading the common `code` / `message` / `error` /
//!    `error_description` / `errors` members.
//!
//! A top-level JSON string is read as text; other JSON values are Unknown.

mod detail;
mod generic;
mod google;
mod graphql;
pub(crate) mod html;
mod problem;
mod sachain;
mod upstream;

use std::borrow::Cow;

use super::fields::FieldErrors;
use super::model::Format;
use super::text::{clean_message, trim};
use crate::core::body::BodyMembers;
use crate::core::json::{Node, Value};

/// What an envelope says, borrowed from the body.
#[derive(Debug, Default)]
pub(crate) struct Extracted<'v> {
    /// The recognised format (`Unknown` until set).
    pub format: Option<Format>,
    /// The server's machine code, as sent.
    pub code: Option<Cow<'v, str>>,
    /// A second, coarser code used only for rules (Google `status` when `reason` is the code).
    pub secondary_code: Option<&'v str>,
    /// The server's human message.
    pub message: Option<Cow<'v, str>>,
    /// More server text that helps tell 401 kinds apart (Sachain `details.reason`, SimpleJWT
    /// `messages[0].message`, Upstream `details.detail`).
    pub extra_text: Option<&'v str>,
    /// A request id the envelope itself carries (Google `RequestInfo`); the usual body
    /// members are read by [`request_id::from_body`](super::request_id::from_body), and only
    /// when no request-id header answered.
    pub request_id: Option<&'v str>,
    /// Validation errors.
    pub field_errors: FieldErrors,
    /// An explicit `retryable` flag in the body.
    pub retryable: Option<bool>,
    /// The details object, for messages that quote it (Sachain `maxSize`).
    pub details: Option<Node<'v>>,
}

impl<'v> Extracted<'v> {
    pub(crate) fn with_format(format: Format) -> Self {
        Extracted {
            format: Some(format),
            ..Extracted::default()
        }
    }

    /// Sets the message from a string (trimmed, bounded) unless one is set.
    pub(crate) fn message_from(&mut self, s: Option<&'v str>) {
        if self.message.is_none() {
            self.message = s.and_then(clean_message);
        }
    }
}

/// A code member: a string as sent, or an integer written in decimal.
pub(crate) fn code_of(v: Option<Node<'_>>) -> Option<Cow<'_, str>> {
    match v? {
        Value::String(s) if !trim(s).is_empty() => Some(Cow::Borrowed(trim(s))),
        Value::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => {
            Some(Cow::Owned(format!("{}", *n as i64)))
        }
        _ => None,
    }
}

/// A string member.
pub(crate) fn str_of<'v>(v: Node<'v>, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// Reads a parsed JSON body. `problem_ct` is true for `application/problem+json`.
pub(crate) fn from_json(members: BodyMembers<'_>, problem_ct: bool) -> Extracted<'_> {
    let root = members.root;
    let mut ex = match root {
        Value::Object(_) => dispatch(members, problem_ct),
        Value::String(s) => text(s),
        _ => Extracted::with_format(Format::Unknown),
    };
    if ex.retryable.is_none() {
        ex.retryable = ["retryable", "isRetryable"]
            .iter()
            .find_map(|k| root.get(k).and_then(Value::as_bool));
    }
    ex
}

fn dispatch(members: BodyMembers<'_>, problem_ct: bool) -> Extracted<'_> {
    let root = members.root;
    if problem_ct {
        return problem::read(root);
    }
    if let Some(err) = members.error.filter(|e| e.is_object()) {
        let code = err.get("code");
        if google::matches(err, code) {
            return google::read(err);
        }
        return upstream::read(err, code, members.error_details);
    }
    if problem::matches(root) {
        return problem::read(root);
    }
    if graphql::matches(root) {
        return graphql::read(root);
    }
    if let Some(ex) = sachain::read_if_matches(members) {
        return ex;
    }
    if root.get("detail").is_some() {
        return detail::read(root);
    }
    if detail::is_field_dict(root) {
        if let Some(ex) = detail::read_field_dict(root) {
            return ex;
        }
    }
    generic::read(root)
}

/// Reads a plain-text body.
pub(crate) fn text(t: &str) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Text);
    ex.message_from(Some(t));
    ex
}
