//! Sachain envelope (seed 004): `{message, requestId, details: {code, field, retryable,
//! retryAfter, reason, ...}}`.
//!
//! `details.retryable` is the body flag that overrides status rules. `details.field` is a
//! field error only for `VALIDATION_*` codes (or no code): `AUTH_TOKEN_MISSING` names the
//! `Authorization` header, which is not a form field. `details.retryAfter` is in seconds
//! (seed 004 pairs `"retryAfter": 45` with `"window": "1 minute"`); the hints module reads it.

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::classify::text::CodeKey;
use crate::core::json::Node;

pub(super) fn matches(root: Node<'_>) -> bool {
    let details_obj = root.get("details").is_some_and(Node::is_object);
    let message = root.get("message").and_then(Node::as_str).is_some();
    let request_id = root.get("requestId").and_then(Node::as_str).is_some();
    (message && (details_obj || request_id))
        || root
            .path(&["details", "code"])
            .and_then(Node::as_str)
            .is_some()
}

pub(super) fn read(root: Node<'_>) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Sachain);
    ex.message_from(str_of(root, "message"));
    if let Some(d) = root.get("details").filter(|d| d.is_object()) {
        ex.details = Some(d);
        ex.code = code_of(d.get("code"));
        ex.retryable = d.get("retryable").and_then(Node::as_bool);
        ex.extra_text = str_of(d, "reason");
        let is_validation = ex
            .code
            .as_deref()
            .is_none_or(|c| CodeKey::new(c).starts("validation_"));
        if let (true, Some(field), Some(msg)) =
            (is_validation, str_of(d, "field"), str_of(root, "message"))
        {
            ex.field_errors.push(std::borrow::Cow::Borrowed(field), msg);
        }
    }
    ex
}
