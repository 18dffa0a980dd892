//! GraphQL: `{"errors": [{message, locations, path, extensions: {code}}], "data": ...}`.
//!
//! GraphQL servers often answer 200 with errors; the first error's `extensions.code`
//! (Apollo's `UNAUTHENTICATED`, `FORBIDDEN`, `BAD_USER_INPUT`, ...) is the code, so the
//! rules can still say "unauthenticated". Errors with `extensions.field` (or an
//! `argumentName`) become field errors.

use super::{Extracted, code_of, str_of};
use crate::core::classify::model::Format;
use crate::core::json::{Node, Value};

pub(super) fn matches(root: Node<'_>) -> bool {
    root.get("errors")
        .and_then(Value::as_array)
        .and_then(<[_]>::first)
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .is_some()
}

pub(super) fn read(root: Node<'_>) -> Extracted<'_> {
    let mut ex = Extracted::with_format(Format::Graphql);
    let errors = root.get("errors").and_then(Value::as_array);
    if let Some(first) = errors.and_then(<[_]>::first) {
        ex.message_from(str_of(first, "message"));
        ex.code = code_of(first.path(&["extensions", "code"]));
    }
    for e in errors.into_iter().flatten() {
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
