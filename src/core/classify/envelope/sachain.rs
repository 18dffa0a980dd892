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
use crate::core::json::Value;

pub(super) fn matches(root: &Value) -> bool {
    let details_obj = matches!(root.get("details"), Some(Value::Object(_)));
    let message = root.get("message").and_then(Value::as_str).is_some();
    let request_id = root.get("requestId").and_then(Value::as_str).is_some();
    (message && (details_obj || request_id))
        || root
            .path(&["details", "code"])
            .and_then(Value::as_str)
            .is_some()
}

pub(super) fn read<'v>(root: &'v Value<'v>) -> Extracted<'v> {
    let mut ex = Extracted::with_format(Format::Sachain);
    ex.message_from(str_of(root, "message"));
    if let Some(d @ Value::Object(_)) = root.get("details") {
        ex.details = Some(d);
        ex.code = code_of(d.get("code"));
        ex.retryable = d.get("retryable").and_then(Value::as_bool);
        ex.extra_text = str_of(d, "reason");
        let is_validation = ex
            .code
            .as_deref()
            .is_none_or(|c| CodeKey::new(c).starts("validation_"));
        if let (true, Some(field), Some(msg)) =
            (is_validation, str_of(d, "field"), str_of(root, "message"))
        {
            ex.field_errors.push(field, msg);
        }
    }
    ex
}
