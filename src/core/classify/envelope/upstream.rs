//! Upstream/DRF envelope (seeds 000, 002): `{"error": {code, message, details, type,
//! request_id}}`. Also fits Stripe/OpenAI-style `{"error": {type, code, message}}`.
//!
//! `details` is free-form: a DRF field dict for `validation_error`, `{"wait_seconds": N,
//! "request_id": ...}` for `throttled`, `{"detail": "reason"}` for `permission_denied`, or
//! SimpleJWT's `{"messages": [...]}`. Only arrays of strings in it become field errors.

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::json::{Node, Value};

/// Reads the `error` object `err`, given its `code` and `details` members.
pub(super) fn read<'v>(
    err: Node<'v>,
    code: Option<Node<'v>>,
    details: Option<Node<'v>>,
) -> Extracted<'v> {
    let mut ex = Extracted::with_format(Format::Upstream);
    ex.code = code_of(code);
    ex.message_from(str_of(err, "message"));
    ex.message_from(str_of(err, "detail"));
    if let Some(d) = details.filter(|d| d.is_object()) {
        ex.details = Some(d);
        ex.extra_text = str_of(d, "detail").or_else(|| first_message(d));
        ex.field_errors.drf(d);
        ex.retryable = d.get("retryable").and_then(Value::as_bool);
    }
    if ex.retryable.is_none() {
        ex.retryable = err.get("retryable").and_then(Value::as_bool);
    }
    ex
}

/// SimpleJWT's `messages[0].message`.
pub(super) fn first_message(v: Node<'_>) -> Option<&str> {
    v.get("messages")?
        .as_array()?
        .first()?
        .get("message")?
        .as_str()
}
