//! GraphQL: `{"errors": [{message, locations, path, extensions: {code}}], "data": ...}`.
//!
//! GraphQL servers often answer 200 with errors; the first error's `extensions.code`
//! (Apollo's `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, ...) is the code, so the
//! rules can still say "unauthenticated". Errors with `extensions.field` (or an
//! `argumentName`) become field errors.

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::json::Value;

pub(super) fn matches(root: &Value) -> bool {
    root.get("errors")
        .and_then(Value::as_array)
        .and_then(<[Value]>::first)
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .is_some()
}

pub(super) fn read<'v>(root: &'v Value<'v>) -> Extracted<'v> {
    let mut ex = Extracted::with_format(Format::Graphql);
    let errors = root.get("errors").and_then(Value::as_array).unwrap_or(&[]);
    if let Some(first) = errors.first() {
        ex.message_from(str_of(first, "message"));
        ex.code = code_of(first.path(&["extensions", "code"]));
    }
    for e in errors {
        let field = e
            .path(&["extensions", "field"])
            .or_else(|| e.path(&["extensions", "argumentName"]))
            .and_then(Value::as_str);
        if let (Some(f), Some(m)) = (field, str_of(e, "message")) {
            ex.field_errors.push(f, m);
        }
    }
    ex
}
