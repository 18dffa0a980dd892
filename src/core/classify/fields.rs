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

use crate::core::json::{Kind, Node};

use super::text::{MAX_MESSAGE_BYTES, cap, trim};

/// Most fields kept.
pub const MAX_FIELDS: usize = 100;
/// Most messages kept per field.
pub const MAX_MESSAGES: usize = 20;
/// Deepest nesting of DRF dicts followed.
pub const MAX_DEPTH: usize = 8;
const MAX_KEY_BYTES: usize = 200;

use super::model::FieldList;

/// Field errors being gathered: the first field with its first message inline, and
/// everything in `many` once there is more (see [`FieldList`] for why).
#[derive(Debug, Default)]
pub(crate) struct FieldErrors<'v> {
    one: Option<(Cow<'v, str>, Cow<'v, str>)>,
    many: Vec<(Cow<'v, str>, Vec<Cow<'v, str>>)>,
}

impl<'v> FieldErrors<'v> {
    /// Adds one message for `field` (a name from the body, or one built from a path).
    pub(crate) fn push(&mut self, field: Cow<'v, str>, message: &'v str) {
        let message = trim(message);
        if message.is_empty() {
            return;
        }
        let field = match field {
            Cow::Borrowed(f) => cap(f, MAX_KEY_BYTES),
            Cow::Owned(f) => Cow::Owned(cap(&f, MAX_KEY_BYTES).into_owned()),
        };
        let message = cap(message, MAX_MESSAGE_BYTES);
        if self.many.is_empty() {
            match self.one.take() {
                None => {
                    self.one = Some((field, message));
                    return;
                }
                Some((first, first_message)) => self.many.push((first, vec![first_message])),
            }
        }
        let idx = match self.many.iter().position(|(k, _)| *k == field) {
            Some(i) => i,
            None => {
                if self.many.len() >= MAX_FIELDS {
                    return;
                }
                self.many.push((field, Vec::new()));
                self.many.len() - 1
            }
        };
        if let Some((_, msgs)) = self.many.get_mut(idx) {
            if msgs.len() < MAX_MESSAGES {
                msgs.push(message);
            }
        }
    }

    /// True when nothing was gathered.
    pub(crate) fn is_empty(&self) -> bool {
        self.one.is_none() && self.many.is_empty()
    }

    /// `None` when nothing was gathered.
    pub(crate) fn finish(self) -> Option<FieldList<'v>> {
        match self.one {
            Some((field, message)) => Some(FieldList::one(field, message)),
            None if self.many.is_empty() => None,
            None => Some(FieldList::from_vec(self.many)),
        }
    }

    /// Gathers a DRF-style dict (see the module doc).
    pub(crate) fn drf(&mut self, v: Node<'v>) {
        let mut path = String::new();
        self.drf_at(v, &mut path, None, 0);
    }

    /// `name` is the member name when `path` is just that name (a top-level field), so the
    /// field is borrowed rather than built.
    fn drf_at(&mut self, v: Node<'v>, path: &mut String, name: Option<&'v str>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match v.kind() {
            Kind::Object => {
                for (k, child) in v.members().into_iter().flatten() {
                    // Only arrays hold messages: scalar members (`wait_seconds`) need no path.
                    if !(child.is_array() || child.is_object()) {
                        continue;
                    }
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    let top = path.is_empty().then_some(k);
                    path.push_str(k);
                    self.drf_at(child, path, top, depth + 1);
                    path.truncate(len);
                }
            }
            Kind::Array if !path.is_empty() => {
                for (i, item) in v.items().into_iter().flatten().enumerate() {
                    match item.kind() {
                        Kind::String(s) => {
                            let field = match name {
                                Some(n) => Cow::Borrowed(n),
                                None => Cow::Owned(path.clone()),
                            };
                            self.push(field, s);
                        }
                        Kind::Object => {
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

    /// Gathers a FastAPI `detail` list `[{loc, msg, type}]`.
    pub(crate) fn fastapi(&mut self, items: Node<'v>) {
        for item in items.items().into_iter().flatten() {
            let Some(msg) = item.get("msg").and_then(Node::as_str) else {
                continue;
            };
            let key = item
                .get("loc")
                .and_then(Node::items)
                .map(join_loc)
                .filter(|k| !k.is_empty())
                .map_or(Cow::Borrowed("non_field_errors"), Cow::Owned);
            self.push(key, msg);
        }
    }

    /// Gathers a list of objects naming a field and a message with any of the usual keys
    /// (`pointer`, `field`, `name`, `param`, `parameter`, `property`, `source.pointer` /
    /// `detail`, `reason`, `message`, `msg`, `description`, `title`).
    pub(crate) fn named_list(&mut self, items: Node<'v>) {
        for item in items.items().into_iter().flatten() {
            let field = [
                "field",
                "name",
                "param",
                "parameter",
                "property",
                "propertyPath",
            ]
            .iter()
            .find_map(|k| item.get(k).and_then(Node::as_str))
            .map(Cow::Borrowed)
            .or_else(|| {
                item.get("pointer")
                    .or_else(|| item.path(&["source", "pointer"]))
                    .and_then(Node::as_str)
                    .map(|p| Cow::Owned(pointer_key(p)))
            });
            let message = ["detail", "reason", "message", "msg", "description", "title"]
                .iter()
                .find_map(|k| item.get(k).and_then(Node::as_str));
            if let (Some(f), Some(m)) = (field, message) {
                if !f.is_empty() {
                    self.push(f, m);
                }
            }
        }
    }
}

/// Joins a pydantic `loc` list with `.`.
fn join_loc<'d>(loc: impl Iterator<Item = Node<'d>>) -> String {
    let mut out = String::new();
    for part in loc {
        let piece = match part.kind() {
            Kind::String(s) => s.to_string(),
            Kind::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => {
                format!("{}", n as i64)
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
        if seg.contains('~') {
            out.push_str(&seg.replace("~1", "/").replace("~0", "~"));
        } else {
            out.push_str(seg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse_doc;

    /// What was gathered, as owned `(field, messages)`.
    fn owned(f: FieldErrors<'_>) -> Vec<(String, Vec<String>)> {
        f.finish()
            .map(|list| {
                list.iter()
                    .map(|(k, ms)| (k.to_string(), ms.iter().map(|m| m.to_string()).collect()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A single field with a single message is held inline; a second message, or a second
    /// field, moves it into the vectors in its place, first.
    #[test]
    fn one_field_then_more() {
        let pair = |f: &str, ms: &[&str]| {
            (
                f.to_string(),
                ms.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            )
        };
        let mut f = FieldErrors::default();
        assert!(f.is_empty());
        f.push(Cow::Borrowed("name"), " Too long. ");
        assert!(!f.is_empty());
        assert_eq!(owned(f), vec![pair("name", &["Too long."])]);

        let mut f = FieldErrors::default();
        f.push(Cow::Borrowed("name"), "Too long.");
        f.push(Cow::Borrowed("name"), "Bad characters.");
        assert_eq!(
            owned(f),
            vec![pair("name", &["Too long.", "Bad characters."])]
        );

        let mut f = FieldErrors::default();
        f.push(Cow::Borrowed("name"), "Too long.");
        f.push(Cow::Owned("age".to_string()), "Too small.");
        f.push(Cow::Borrowed("name"), "Bad characters.");
        assert_eq!(
            owned(f),
            vec![
                pair("name", &["Too long.", "Bad characters."]),
                pair("age", &["Too small."])
            ]
        );

        let mut f = FieldErrors::default();
        f.push(Cow::Borrowed("name"), "   ");
        assert!(f.is_empty());
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn drf_nested_and_merged() {
        let v = parse_doc(
            r#"{"email":["Required.","Invalid."],"address":{"zip":["Bad zip."]},
                "items":[{"name":["Too long."]},{}],"detail":"x","wait_seconds":3,
                "email":["Again."]}"#,
        )
        .unwrap();
        let mut f = FieldErrors::default();
        f.drf(v.root());
        assert_eq!(
            owned(f),
            vec![
                (
                    "email".to_string(),
                    vec!["Required.".into(), "Invalid.".into(), "Again.".into()]
                ),
                ("address.zip".to_string(), vec!["Bad zip.".into()]),
                ("items.0.name".to_string(), vec!["Too long.".into()]),
            ]
        );
    }

    #[test]
    fn pointers() {
        assert_eq!(pointer_key("#/age"), "age");
        assert_eq!(pointer_key("/items/0/name"), "items.0.name");
        assert_eq!(pointer_key("/data/attributes/firstName"), "firstName");
        assert_eq!(pointer_key("/a~1b/c~0d"), "a/b.c~d");
    }

    #[test]
    fn bounds_hold() {
        let mut f = FieldErrors::default();
        for i in 0..300 {
            for _ in 0..30 {
                f.push(Cow::Owned(format!("f{i}")), "m");
            }
        }
        let got = f.finish().unwrap();
        assert_eq!(got.len(), MAX_FIELDS);
        assert_eq!(got.iter().count(), MAX_FIELDS);
        assert!(got.iter().all(|(_, m)| m.len() == MAX_MESSAGES));
    }
}
