//! Validation errors per field, from every envelope's way of saying them.
//!
//! Why: forms need `field -> messages`, and each framework spells it differently. Keys are
//! dotted paths in one style for all of them:
//! - DRF dicts `{"email": ["..."], "address": {"zip": ["..."]}, "items": [{"name": ["..."]}]}`
//!   -> `email`, `address.zip`, `items.0.name` (only arrays of strings are messages; other
//!   values such as `"detail": "..."` or `"wait_seconds": 30` are not field errors);
//! - FastAPI/pydantic `loc` lists `["body", "email"]` -> `body.email` (elements joined with
//!   `.`, numbers written as integers, the `body`/`query` prefix kept); no `loc` ->
//!   `non_field_errors`;
//! - JSON pointers (`#/age`, `/items/0/name`, JSON:API `/data/attributes/firstName`) ->
//!   `age`, `items.0.name`, `firstName` (`~1` and `~0` unescaped).
//!
//! Order is document order; a field seen twice keeps its first position and gathers all
//! messages. Bounds: at most [`MAX_FIELDS`] fields, [`MAX_MESSAGES`] messages each,
//! [`MAX_DEPTH`] levels of nesting.

use std::borrow::Cow;

use crate::core::json::{Node, Value};

use super::text::{MAX_MESSAGE_BYTES, cap, trim};

/// Most fields kept.
pub const MAX_FIELDS: usize = 100;
/// Most messages kept per field.
pub const MAX_MESSAGES: usize = 20;
/// Deepest nesting of DRF dicts followed.
pub const MAX_DEPTH: usize = 8;
const MAX_KEY_BYTES: usize = 200;

/// Field errors in document order: each field once, with its messages (bounded by
/// [`MAX_FIELDS`] and [`MAX_MESSAGES`]).
#[derive(Debug, Default)]
pub(crate) struct FieldErrors(Vec<(String, Vec<String>)>);

impl FieldErrors {
    /// Adds `message` (trimmed, capped; empty ones are dropped) to `field`.
    pub(crate) fn push(&mut self, field: &str, message: &str) {
        let message = trim(message);
        if message.is_empty() {
            return;
        }
        let field = cap(field, MAX_KEY_BYTES);
        let message = cap(message, MAX_MESSAGE_BYTES).into_owned();
        if let Some((_, messages)) = self.0.iter_mut().find(|(k, _)| *k == field) {
            if messages.len() < MAX_MESSAGES {
                messages.push(message);
            }
        } else if self.0.len() < MAX_FIELDS {
            self.0.push((field.into_owned(), vec![message]));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields with their messages, or `None` when there are none.
    pub(crate) fn finish(self) -> Option<Vec<(String, Vec<String>)>> {
        (!self.0.is_empty()).then_some(self.0)
    }

    /// A DRF field dict (nested dicts and lists of dicts followed).
    pub(crate) fn drf(&mut self, v: Node<'_>) {
        let mut path = String::new();
        self.drf_at(v, &mut path, None, 0);
    }

    /// `name` is the member name when `path` is just that name (a top-level field).
    fn drf_at(&mut self, v: Node<'_>, path: &mut String, name: Option<&str>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Value::Object(members) => {
                for (k, child) in members {
                    // Scalar members (`wait_seconds`) hold no field errors.
                    if !(child.is_array() || child.is_object()) {
                        continue;
                    }
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    let top = path.is_empty().then_some(k.as_ref());
                    path.push_str(k);
                    self.drf_at(child, path, top, depth + 1);
                    path.truncate(len);
                }
            }
            Value::Array(items) if !path.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => self.push(name.unwrap_or(path), s),
                        Value::Object(_) => {
                            let len = path.len();
                            path.push('.');
                            path.push_str(&i.to_string());
                            self.drf_at(item, path, None, depth + 1);
                            path.truncate(len);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// A FastAPI/pydantic list `[{loc, msg, type}]`.
    pub(crate) fn fastapi(&mut self, items: Node<'_>) {
        for item in items.as_array().into_iter().flatten() {
            let Some(msg) = item.get("msg").and_then(Value::as_str) else {
                continue;
            };
            let key = item
                .get("loc")
                .and_then(Value::as_array)
                .map(join_loc)
                .filter(|k| !k.is_empty());
            self.push(key.as_deref().unwrap_or("non_field_errors"), msg);
        }
    }

    /// Gathers a list of objects naming a field and a message with any of the usual keys
    /// (`pointer`, `field`, `name`, `param`, `parameter`, `property`, `source.pointer` /
    /// `detail`, `reason`, `message`, `msg`, `description`, `title`).
    pub(crate) fn named_list(&mut self, items: Node<'_>) {
        for item in items.as_array().into_iter().flatten() {
            let field = [
                "field",
                "name",
                "param",
                "parameter",
                "property",
                "propertyPath",
            ]
            .iter()
            .find_map(|k| item.get(k).and_then(Value::as_str))
            .map(Cow::Borrowed)
            .or_else(|| {
                item.get("pointer")
                    .or_else(|| item.path(&["source", "pointer"]))
                    .and_then(Value::as_str)
                    .map(|p| Cow::Owned(pointer_key(p)))
            });
            let message = ["detail", "reason", "message", "msg", "description", "title"]
                .iter()
                .find_map(|k| item.get(k).and_then(Value::as_str));
            if let (Some(f), Some(m)) = (field, message) {
                if !f.is_empty() {
                    self.push(&f, m);
                }
            }
        }
    }
}

/// Joins a pydantic `loc` list with `.`.
fn join_loc(loc: &[Value<'_>]) -> String {
    let mut out = String::new();
    for part in loc {
        let piece = match part {
            Value::String(s) => s.to_string(),
            Value::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => {
                format!("{}", *n as i64)
            }
            _ => continue,
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&piece);
    }
    out
}

/// A JSON pointer as a dotted key (see the module doc).
pub(crate) fn pointer_key(p: &str) -> String {
    let p = p.trim().trim_start_matches('#');
    let p = p.strip_prefix("/data/attributes/").unwrap_or(p);
    let mut out = String::new();
    for seg in p.split('/').filter(|s| !s.is_empty()) {
        if !out.is_empty() {
            out.push('.');
        }
        push_unescaped(&mut out, seg);
    }
    out
}

/// Appends a JSON pointer segment with `~1` read as `/` and `~0` as `~` (RFC 6901).
fn push_unescaped(out: &mut String, seg: &str) {
    let mut chars = seg.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    fn pair(f: &str, ms: &[&str]) -> (String, Vec<String>) {
        (f.to_string(), ms.iter().map(|m| m.to_string()).collect())
    }

    #[test]
    fn fields_keep_their_first_position() {
        let mut f = FieldErrors::default();
        assert!(f.is_empty());
        f.push("name", " Too long. ");
        f.push("age", "Too small.");
        f.push("name", "Bad characters.");
        f.push("name", "   ");
        assert_eq!(
            f.finish(),
            Some(vec![
                pair("name", &["Too long.", "Bad characters."]),
                pair("age", &["Too small."])
            ])
        );
        assert_eq!(FieldErrors::default().finish(), None);
    }

    #[test]
    fn drf_nested_and_merged() {
        let v = parse(
            r#"{"email":["Required.","Invalid."],"address":{"zip":["Bad zip."]},
                "items":[{"name":["Too long."]},{}],"detail":"x","wait_seconds":3,
                "email":["Again."]}"#,
        )
        .unwrap();
        let mut f = FieldErrors::default();
        f.drf(&v);
        assert_eq!(
            f.finish(),
            Some(vec![
                pair("email", &["Required.", "Invalid.", "Again."]),
                pair("address.zip", &["Bad zip."]),
                pair("items.0.name", &["Too long."]),
            ])
        );
    }

    #[test]
    fn pointers() {
        assert_eq!(pointer_key("#/age"), "age");
        assert_eq!(pointer_key("/items/0/name"), "items.0.name");
        assert_eq!(pointer_key("/data/attributes/firstName"), "firstName");
        assert_eq!(pointer_key("/a~1b/c~0d"), "a/b.c~d");
        assert_eq!(pointer_key("/~01/~~1/~x~"), "~1.~/.~x~");
    }

    #[test]
    fn bounds_hold() {
        let mut f = FieldErrors::default();
        for i in 0..300 {
            for _ in 0..30 {
                f.push(&format!("f{i}"), "m");
            }
        }
        let got = f.finish().unwrap();
        assert_eq!(got.len(), MAX_FIELDS);
        assert!(got.iter().all(|(_, m)| m.len() == MAX_MESSAGES));
    }
}
