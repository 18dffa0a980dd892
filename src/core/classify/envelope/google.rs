//! Google APIs envelope: `{"error": {code: 429, status: "RESOURCE_EXHAUSTED", message,
//! details: [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, ...}, ...]}}`.
//!
//! The code reported is `ErrorInfo.reason` when present (the most specific machine code,
//! e.g. `API_KEY_INVALID`, `RATE_LIMIT_EXCEEDED`), else `status`; `status` is still consulted
//! by the rules. `RequestInfo.requestId` is the request id, `BadRequest.fieldViolations`
//! the field errors. `RetryInfo.retryDelay` is read by the hints module.

use std::borrow::Cow;

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::json::{Node, Value};

/// Whether `err` (the `error` object, whose `code` member is `code`) is Google's.
pub(super) fn matches(err: Node<'_>, code: Option<Node<'_>>) -> bool {
    matches!(code, Some(Value::Number(_)))
        && (err.get("status").and_then(Value::as_str).is_some()
            || err.get("details").is_some_and(Value::is_array))
}

pub(super) fn read(err: Node<'_>) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Google);
    let status = str_of(err, "status")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    ex.message_from(str_of(err, "message"));
    let mut reason = None;
    for d in err
        .get("details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ty = str_of(d, "@type").unwrap_or("");
        if ty.ends_with("google.rpc.ErrorInfo") && reason.is_none() {
            reason = str_of(d, "reason").map(str::trim).filter(|s| !s.is_empty());
        } else if ty.ends_with("google.rpc.RequestInfo") && ex.request_id.is_none() {
            ex.request_id = str_of(d, "requestId").and_then(crate::core::classify::text::clean_id);
        } else if ty.ends_with("google.rpc.BadRequest") {
            if let Some(list) = d.get("fieldViolations").filter(|l| l.is_array()) {
                ex.field_errors.named_list(list);
            }
        }
    }
    ex.code = reason
        .or(status)
        .map(Cow::Borrowed)
        .or_else(|| code_of(err.get("code")));
    if reason.is_some() {
        ex.secondary_code = status;
    }
    ex
}
