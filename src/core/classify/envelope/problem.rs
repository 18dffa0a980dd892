//! RFC 9457 problem details (`application/problem+json`, or recognised by shape).
//!
//! Members of the wrong type are ignored, as the RFC says. The code is an extension `code`
//! member when present, else `type` as sent (not `about:blank`); the rules compare only its
//! last path segment, so `https://iana.org/assignments/http-problem-types#quota-exceeded`
//! reads as `quota-exceeded`. The message is `detail`, else `title`. Field errors come from
//! the `errors` extension (a list of `{pointer|field|name, detail|message}` or an
//! ASP.NET-style dict) and from `invalid-params` (`[{name, reason}]`, RFC 7807's example).
//! The advisory `status` member is not used: the HTTP status is authoritative.

use std::borrow::Cow;

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::json::{Node, Value};

pub(super) fn matches(root: Node<'_>) -> bool {
    let s = |k| root.get(k).and_then(Value::as_str).is_some();
    s("title")
        || (s("type") && (root.get("status").and_then(Value::as_f64).is_some() || s("detail")))
}

pub(super) fn read(root: Node<'_>) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Problem);
    ex.code = code_of(root.get("code")).or_else(|| {
        str_of(root, "type")
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("about:blank"))
            .map(Cow::Borrowed)
    });
    ex.message_from(str_of(root, "detail"));
    ex.message_from(str_of(root, "title"));
    ex.extra_text = str_of(root, "title");
    match root.get("errors") {
        Some(items @ Value::Array(_)) => ex.field_errors.named_list(items),
        Some(v @ Value::Object(_)) => ex.field_errors.drf(v),
        _ => {}
    }
    if let Some(items) = root.get("invalid-params").filter(|i| i.is_array()) {
        ex.field_errors.named_list(items);
    }
    ex
}
