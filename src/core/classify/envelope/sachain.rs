//! Sachain envelope (seed 004): `{message, requestId, details: {code, field, retryable,
//! retryAfter, reason, ...}}`.
//!
//! `details.retryable` is the body flag that overrides status rules. `details.field` is a
//! field error only for `VALIDATION_*` codes (or no code): `AUTH_TOKEN_MISSING` names the
//! `Authorization` header, which is not a form field. `details.retryAfter` is in seconds
//! (seed 004 pairs `"retryAfter": 45` with `"window": "1 minute"`); the hints module reads it.

use super::{Extracted, code_of, str_of};
use crate::core::body::BodyMembers;
use crate::core::classify::model::Format;
use crate::core::classify::text::CodeKey;
use crate::core::json::Value;

/// The Sachain envelope when `root` is one: a string `message` with a `details` object or a
/// string `requestId`, or a string `details.code`. Each member is looked up once.
pub(super) fn read_if_matches(members: BodyMembers<'_>) -> Option<Extracted<'_>> {
    let root = members.root;
    let details = members.details.filter(|d| d.is_object());
    let message = members.message.and_then(Value::as_str);
    let code = details.and_then(|d| d.get("code"));
    let matches = (message.is_some()
        && (details.is_some() || root.get("requestId").and_then(Value::as_str).is_some()))
        || code.and_then(Value::as_str).is_some();
    if !matches {
        return None;
    }
    let mut ex = Extracted::with_format(Format::Sachain);
    ex.message_from(message);
    if let Some(d) = details {
        ex.details = Some(d);
        ex.code = code_of(code);
        ex.retryable = d.get("retryable").and_then(Value::as_bool);
        ex.extra_text = str_of(d, "reason");
        let is_validation = ex
            .code
            .as_deref()
            .is_none_or(|c| CodeKey::new(c).starts("validation_"));
        if let (true, Some(field), Some(msg)) = (is_validation, str_of(d, "field"), message) {
            ex.field_errors.push(field, msg);
        }
    }
    Some(ex)
}
