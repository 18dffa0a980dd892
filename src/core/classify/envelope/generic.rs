//! JSON of no known envelope: still read the members almost every API uses.
//!
//! Format stays `unknown`. Read: `code` / `error_code` / `errorCode`; an `error` string
//! that looks like an identifier (`invalid_grant`, OAuth 2.0 RFC 6749 §5.2) is a code,
//! any other `error` string a message; `message` / `error_description` / `Message` /
//! `errorMessage` / `msg` / `title`; an `errors` list (JSON:API, or `{field, message}`
//! items) or dict gives field errors and, from its first item, a message and code.

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::json::{Node, Value};

pub(super) fn read(root: Node<'_>) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Unknown);
    let error_str = str_of(root, "error")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let error_is_code = error_str.is_some_and(is_identifier);
    ex.code = ["code", "error_code", "errorCode"]
        .iter()
        .find_map(|k| code_of(root.get(k)));
    if ex.code.is_none() && error_is_code {
        ex.code = error_str.map(std::borrow::Cow::Borrowed);
    }
    for k in [
        "message",
        "error_description",
        "Message",
        "errorMessage",
        "msg",
        "title",
    ] {
        ex.message_from(str_of(root, k));
    }
    if !error_is_code {
        ex.message_from(error_str);
    }
    match root.get("errors") {
        Some(items @ Value::Array(_)) => {
            ex.field_errors.named_list(items);
            if let Some(first) = items.as_array().and_then(<[_]>::first) {
                for k in ["message", "detail", "title"] {
                    ex.message_from(str_of(first, k));
                }
                ex.message_from(first.as_str());
                if ex.code.is_none() {
                    ex.code = code_of(first.get("code"));
                }
            }
        }
        Some(v @ Value::Object(_)) => ex.field_errors.drf(v),
        _ => {}
    }
    ex
}

/// `invalid_grant`, `AccessDenied`, `not-found`: letters, digits, `_`, `-`, `.`; no spaces.
fn is_identifier(s: &str) -> bool {
    s.len() <= 64
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        && s.contains(['_', '-', '.'])
}
