//! DRF / FastAPI / SimpleJWT bodies (seed 003 and the DRF defaults behind seed 000).
//!
//! - `{"detail": "..."}`, with SimpleJWT's `code` (`token_not_valid`) and `messages` list;
//! - FastAPI validation `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`: field
//!   errors keyed by the joined `loc`; the message is the first `msg`;
//! - `{"detail": {code|error, message|msg|detail}}` (an HTTPException with a dict detail);
//! - a bare DRF field dict `{"email": ["..."], "non_field_errors": ["..."]}` (status 400
//!   without a custom handler; every member an array or object and at least one field error
//!   found in it): the message is the first `non_field_errors` entry.

use super::{Extracted, code_of, str_of, upstream::first_message};
use crate::core::classify::model::Format;
use crate::core::json::{Node, Value};

pub(super) fn read(root: Node<'_>) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Detail);
    ex.code = code_of(root.get("code"));
    match root.get("detail") {
        Some(Value::String(s)) => ex.message_from(Some(s)),
        Some(items @ Value::Array(list)) => {
            ex.field_errors.fastapi(items);
            let first = list.first();
            ex.message_from(first.and_then(|i| str_of(i, "msg")));
            ex.message_from(first.and_then(Value::as_str));
        }
        Some(d @ Value::Object(_)) => {
            if ex.code.is_none() {
                ex.code = code_of(d.get("code")).or_else(|| code_of(d.get("error")));
            }
            for k in ["message", "msg", "detail"] {
                ex.message_from(str_of(d, k));
            }
            if let Some(e) = d.get("errors").filter(|e| e.is_object()) {
                ex.field_errors.drf(e);
            }
        }
        _ => {}
    }
    ex.extra_text = first_message(root);
    ex
}

/// Every member an array or object (the shape of a DRF field dict).
pub(super) fn is_field_dict(root: Node<'_>) -> bool {
    root.as_object().is_some_and(|members| {
        !members.is_empty() && members.iter().all(|(_, v)| v.is_array() || v.is_object())
    })
}

/// Reads a DRF field dict; `None` when it holds no field error after all.
pub(super) fn read_field_dict(root: Node<'_>) -> Option<Extracted<'_>> {
    let mut ex = Extracted::with_format(Format::Detail);
    ex.field_errors.drf(root);
    if ex.field_errors.is_empty() {
        return None;
    }
    let nfe = root
        .get("non_field_errors")
        .and_then(Value::as_array)
        .and_then(<[_]>::first)
        .and_then(Value::as_str);
    ex.message_from(nfe);
    Some(ex)
}
