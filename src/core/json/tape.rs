//! A parsed document as one flat array of nodes: the form the classifier reads error bodies in.
//!
//! Why: building a [`Value`](super::Value) tree allocates a vector per array and object and
//! frees it again, and moves 32- to 56-byte values around; on a 200-byte error body that was
//! most of the classification time in wasm (its allocator is slow). Here the whole document
//! is one vector of 16-byte nodes in document order, where each array or object knows where
//! its subtree ends, so a lookup jumps over siblings without looking inside them. Strings
//! without escapes are positions in the input; the few with escapes are unescaped once into
//! one side buffer. Numbers are converted once, their bits kept in the node.
//!
//! Acceptance is exactly [`parse_with`](super::parse_with)'s (same grammar, depth limit and
//! errors): the builder drives the same [`Parser`] steps. A test checks both on random and
//! mutated documents.

use std::borrow::Cow;
use std::cell::RefCell;

use super::{JsonError, JsonErrorKind, Limits, Parser, plain_run};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Null,
    True,
    False,
    /// `start` and `len` hold the low and high halves of the value's bits.
    Number,
    /// `start..start + len` of the input is the string's content.
    Str,
    /// `start..start + len` of the side buffer is the unescaped string.
    Escaped,
    /// Elements follow, up to `end`.
    Array,
    /// Key and value pairs follow, up to `end`; `start` is the set of the keys' bits
    /// ([`key_bit`]), which rejects most lookups of absent keys at once.
    Object,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    tag: Tag,
    start: u32,
    len: u32,
    /// Index of the first node after this one's subtree.
    end: u32,
}

/// Most slots whose room is kept for the next document (1 MiB of them).
const MAX_SPARE_SLOTS: usize = 65_536;

/// Most bytes of unescaped text whose room is kept for the next document.
const MAX_SPARE_TEXT: usize = 65_536;

thread_local! {
    /// The slot vector and the unescaped text of the last document dropped, reused by the
    /// next one: a document per classified response costs no allocation once the first has
    /// been read.
    static SPARE: RefCell<(Vec<Slot>, String)> = const { RefCell::new((Vec::new(), String::new())) };
}

impl Drop for Doc<'_> {
    fn drop(&mut self) {
        let slots = if self.slots.capacity() <= MAX_SPARE_SLOTS {
            std::mem::take(&mut self.slots)
        } else {
            Vec::new()
        };
        let text = if self.unescaped.capacity() <= MAX_SPARE_TEXT {
            std::mem::take(&mut self.unescaped)
        } else {
            String::new()
        };
        SPARE.with(|s| {
            if let Ok(mut spare) = s.try_borrow_mut() {
                *spare = (slots, text);
            }
        });
    }
}

/// A parsed document (see the module doc).
#[derive(Debug)]
pub struct Doc<'a> {
    src: &'a str,
    slots: Vec<Slot>,
    unescaped: String,
}

/// A node of a [`Doc`]: cheap to copy, borrowing the document.
#[derive(Debug, Clone, Copy)]
pub struct Node<'d> {
    doc: &'d Doc<'d>,
    at: usize,
}

/// What a [`Node`] holds, for matching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'d> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number (may be infinite when out of `f64` range).
    Number(f64),
    /// A string, unescaped.
    String(&'d str),
    /// An array: see [`Node::items`].
    Array,
    /// An object: see [`Node::members`].
    Object,
}

/// Parses a whole document with default [`Limits`].
pub fn parse_doc(input: &str) -> Result<Doc<'_>, JsonError> {
    parse_doc_with(input, Limits::default())
}

/// Parses a whole document with the given limits.
pub fn parse_doc_with(input: &str, limits: Limits) -> Result<Doc<'_>, JsonError> {
    let mut p = Parser::new(input, limits);
    let (mut slots, mut unescaped) = SPARE.with(|s| {
        s.try_borrow_mut()
            .map(|mut spare| std::mem::take(&mut *spare))
            .unwrap_or_default()
    });
    slots.clear();
    unescaped.clear();
    let mut doc = Doc {
        src: input,
        slots,
        unescaped,
    };
    p.skip_ws();
    p.tape_value(0, &mut doc)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err(JsonErrorKind::TrailingData));
    }
    Ok(doc)
}

/// The bit of a key in an object's key set: a hash of its length and first and last bytes,
/// one of 32. Keys of the same length mostly differ at an end (`details` and `message`), so
/// the set rejects most lookups of absent members without looking at a key; with a
/// constant key the bit is computed at compile time.
#[inline(always)]
fn key_bit(key: &[u8]) -> u32 {
    let first = u32::from(key.first().copied().unwrap_or(0));
    let last = u32::from(key.last().copied().unwrap_or(0));
    let mix = (key.len() as u32) ^ (first << 8) ^ (last << 16);
    1 << (mix.wrapping_mul(0x9E37_79B1) >> 27)
}

/// A position or length as stored (the input is far below 4 GiB: scratch is capped at 16 MiB).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> Parser<'a> {
    fn push(doc: &mut Doc<'a>, tag: Tag, start: usize, len: usize) -> usize {
        let at = doc.slots.len();
        doc.slots.push(Slot {
            tag,
            start: small(start),
            len: small(len),
            end: small(at + 1),
        });
        at
    }

    fn tape_string(&mut self, doc: &mut Doc<'a>) -> Result<(), JsonError> {
        let start = self.pos + 1;
        // No escapes (almost every string): the plain run ends at the closing quote.
        let end = plain_run(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            Self::push(doc, Tag::Str, start, end - start);
            return Ok(());
        }
        match self.bytes.get(end) {
            Some(b'\\') => {
                // Unescaped straight into the document's side buffer.
                self.pos = end;
                let at = doc.unescaped.len();
                self.unescape_into(start, &mut doc.unescaped)?;
                Self::push(doc, Tag::Escaped, at, doc.unescaped.len() - at);
                Ok(())
            }
            Some(_) => {
                self.pos = end;
                Err(self.err(JsonErrorKind::BadString))
            }
            None => {
                self.pos = end;
                Err(self.err(JsonErrorKind::UnexpectedEnd))
            }
        }
    }

    /// A string read by [`Parser::string`] whose content started at `start`.
    fn push_string(doc: &mut Doc<'a>, start: usize, s: Cow<'a, str>) {
        match s {
            Cow::Borrowed(s) => Self::push(doc, Tag::Str, start, s.len()),
            Cow::Owned(s) => {
                let at = doc.unescaped.len();
                doc.unescaped.push_str(&s);
                Self::push(doc, Tag::Escaped, at, s.len())
            }
        };
    }

    /// [`Parser::value`], appending nodes instead of building values.
    fn tape_value(&mut self, depth: usize, doc: &mut Doc<'a>) -> Result<(), JsonError> {
        let start = self.pos;
        match self.peek() {
            None => return Err(self.err(JsonErrorKind::UnexpectedEnd)),
            Some(b'n') => {
                self.expect_literal(b"null")?;
                Self::push(doc, Tag::Null, start, 4);
            }
            Some(b't') => {
                self.expect_literal(b"true")?;
                Self::push(doc, Tag::True, start, 4);
            }
            Some(b'f') => {
                self.expect_literal(b"false")?;
                Self::push(doc, Tag::False, start, 5);
            }
            Some(b'"') => self.tape_string(doc)?,
            Some(b'[') => self.tape_container(depth + 1, doc, false)?,
            Some(b'{') => self.tape_container(depth + 1, doc, true)?,
            Some(b'-' | b'0'..=b'9') => {
                // The value itself is kept, in the two position fields.
                let bits = self.number()?.to_bits();
                let at = Self::push(doc, Tag::Number, 0, 0);
                if let Some(slot) = doc.slots.get_mut(at) {
                    slot.start = bits as u32;
                    slot.len = (bits >> 32) as u32;
                }
            }
            Some(_) => return Err(self.err(JsonErrorKind::UnexpectedByte)),
        }
        Ok(())
    }

    /// [`Parser::array`] (`keyed` false) or [`Parser::object`], error for error.
    fn tape_container(
        &mut self,
        depth: usize,
        doc: &mut Doc<'a>,
        keyed: bool,
    ) -> Result<(), JsonError> {
        let (tag, close) = if keyed {
            (Tag::Object, b'}')
        } else {
            (Tag::Array, b']')
        };
        let me = Self::push(doc, tag, 0, 0);
        let mut key_set = 0u32;
        self.elements(depth, close, keyed, |p, key| {
            if let Some((start, key)) = key {
                key_set |= key_bit(key.as_bytes());
                Self::push_string(doc, start, key);
            }
            p.tape_value(depth, doc)
        })?;
        let end = small(doc.slots.len());
        if let Some(slot) = doc.slots.get_mut(me) {
            slot.end = end;
            slot.start = key_set;
        }
        Ok(())
    }
}

impl<'a> Doc<'a> {
    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        Node { doc: self, at: 0 }
    }

    fn slot(&self, at: usize) -> Option<Slot> {
        self.slots.get(at).copied()
    }

    /// The bytes of a string slot, for comparing keys in [`Node::get`]. [`Doc::text`] would
    /// do, but its character-boundary checks made a classification 14 % slower.
    fn bytes(&self, s: Slot) -> &[u8] {
        let (start, end) = (s.start as usize, s.start as usize + s.len as usize);
        let all = match s.tag {
            Tag::Escaped => self.unescaped.as_bytes(),
            _ => self.src.as_bytes(),
        };
        all.get(start..end).unwrap_or(&[])
    }

    fn text(&self, s: Slot) -> &str {
        let (start, end) = (s.start as usize, s.start as usize + s.len as usize);
        match s.tag {
            Tag::Escaped => self.unescaped.get(start..end).unwrap_or(""),
            _ => self.src.get(start..end).unwrap_or(""),
        }
    }
}

impl<'d> Node<'d> {
    fn slot(self) -> Option<Slot> {
        self.doc.slot(self.at)
    }

    fn tag(self) -> Option<Tag> {
        self.slot().map(|s| s.tag)
    }

    /// What this node holds.
    pub fn kind(self) -> Kind<'d> {
        let Some(s) = self.slot() else {
            return Kind::Null;
        };
        match s.tag {
            Tag::Null => Kind::Null,
            Tag::True => Kind::Bool(true),
            Tag::False => Kind::Bool(false),
            Tag::Number => Kind::Number(self.number(s)),
            Tag::Str | Tag::Escaped => Kind::String(self.doc.text(s)),
            Tag::Array => Kind::Array,
            Tag::Object => Kind::Object,
        }
    }

    fn number(&self, s: Slot) -> f64 {
        f64::from_bits(u64::from(s.start) | (u64::from(s.len) << 32))
    }

    /// The children (elements, or keys and values alternately), in order.
    fn children(self) -> Children<'d> {
        let end = match self.slot() {
            Some(s) if matches!(s.tag, Tag::Array | Tag::Object) => s.end as usize,
            _ => self.at + 1,
        };
        Children {
            doc: self.doc,
            at: self.at + 1,
            end,
        }
    }

    /// The member `key` of an object (the last one when the key is duplicated).
    // Inlined up to the key-set test: most lookups are for members that are not there,
    // and with a constant key that test is a load and an AND at the call site.
    #[inline]
    pub fn get(self, key: &str) -> Option<Node<'d>> {
        let object = self.doc.slots.get(self.at)?;
        if object.tag != Tag::Object || object.start & key_bit(key.as_bytes()) == 0 {
            return None;
        }
        self.scan_members(key.as_bytes(), object.end as usize)
    }

    /// The member `want` of this object, whose members end at `end`: one pass over the
    /// member slots, keys compared by length first, values skipped by their `end`.
    #[inline(never)]
    fn scan_members(self, want: &[u8], end: usize) -> Option<Node<'d>> {
        let doc = self.doc;
        let mut found = None;
        let mut i = self.at + 1;
        while i < end {
            let k = doc.slots.get(i)?;
            // The first byte settles most same-length keys without a call to `memcmp`,
            // which is a byte loop in wasm.
            if k.len as usize == want.len() && {
                let key = doc.bytes(*k);
                key.first() == want.first() && key == want
            } {
                found = Some(i + 1);
            }
            i = doc.slots.get(i + 1)?.end as usize;
        }
        found.map(|at| Node { doc, at })
    }

    /// Follows a path of object keys.
    pub fn path(self, keys: &[&str]) -> Option<Node<'d>> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    /// The string, when this is a string.
    pub fn as_str(self) -> Option<&'d str> {
        match self.slot() {
            Some(s) if matches!(s.tag, Tag::Str | Tag::Escaped) => Some(self.doc.text(s)),
            _ => None,
        }
    }

    /// The number, when this is a finite number.
    pub fn as_f64(self) -> Option<f64> {
        match self.slot() {
            Some(s) if s.tag == Tag::Number => Some(self.number(s)).filter(|n| n.is_finite()),
            _ => None,
        }
    }

    /// The boolean, when this is a boolean.
    pub fn as_bool(self) -> Option<bool> {
        match self.tag() {
            Some(Tag::True) => Some(true),
            Some(Tag::False) => Some(false),
            _ => None,
        }
    }

    /// True for an object.
    pub fn is_object(self) -> bool {
        self.tag() == Some(Tag::Object)
    }

    /// True for an array.
    pub fn is_array(self) -> bool {
        self.tag() == Some(Tag::Array)
    }

    /// The elements, when this is an array.
    pub fn items(self) -> Option<Children<'d>> {
        self.is_array().then(|| self.children())
    }

    /// The first element, when this is a non-empty array.
    pub fn first(self) -> Option<Node<'d>> {
        self.items()?.next()
    }

    /// The members, when this is an object.
    pub fn members(self) -> Option<Members<'d>> {
        self.is_object().then(|| Members(self.children()))
    }
}

/// The children of an array or object, each subtree skipped in one step.
#[derive(Debug, Clone)]
pub struct Children<'d> {
    doc: &'d Doc<'d>,
    at: usize,
    end: usize,
}

impl<'d> Iterator for Children<'d> {
    type Item = Node<'d>;

    fn next(&mut self) -> Option<Node<'d>> {
        if self.at >= self.end {
            return None;
        }
        let node = Node {
            doc: self.doc,
            at: self.at,
        };
        self.at = self.doc.slot(self.at)?.end as usize;
        Some(node)
    }
}

/// The members of an object as `(key, value)`.
#[derive(Debug, Clone)]
pub struct Members<'d>(Children<'d>);

impl<'d> Iterator for Members<'d> {
    type Item = (&'d str, Node<'d>);

    fn next(&mut self) -> Option<(&'d str, Node<'d>)> {
        let k = self.0.next()?;
        let v = self.0.next()?;
        Some((k.as_str().unwrap_or(""), v))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Value, parse_with};
    use super::*;

    /// The tape read back as a [`Value`], to compare with the tree parser.
    fn to_value<'d>(n: Node<'d>) -> Value<'d> {
        match n.kind() {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(b),
            Kind::Number(x) => Value::Number(x),
            Kind::String(s) => Value::String(Cow::Borrowed(s)),
            Kind::Array => Value::Array(n.items().into_iter().flatten().map(to_value).collect()),
            Kind::Object => Value::Object(
                n.members()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (Cow::Borrowed(k), to_value(v)))
                    .collect(),
            ),
        }
    }

    fn same(text: &str, limits: Limits) {
        let tree = parse_with(text, limits);
        let doc = parse_doc_with(text, limits);
        match (&tree, &doc) {
            (Ok(t), Ok(d)) => assert_eq!(&to_value(d.root()), t, "{text:?}"),
            (Err(a), Err(b)) => assert_eq!(a, b, "{text:?}"),
            _ => panic!("{text:?}: tree {tree:?}, tape {:?}", doc.map(|_| ())),
        }
    }

    #[test]
    fn agrees_with_the_tree_parser() {
        for text in [
            r#"{"a":1,"b":[true,false,null,"x\"y",{"c":-2.5e3}],"a":"last"}"#,
            r#"[]"#,
            r#"{}"#,
            r#" "é\u00e9\ud83d\ude00" "#,
            r#"{"k\n":{"":[[[]]]}}"#,
            r#"{"a":01}"#,
            r#"{"a":1,}"#,
            r#"[1 2]"#,
            r#"{"a" 1}"#,
            r#"{"a":"\x"}"#,
            "[1,2",
            "\"open",
            "tru",
            "1e999",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        ] {
            same(text, Limits::default());
        }
        same("[[[[1]]]]", Limits { max_depth: 3 });
    }

    #[test]
    fn random_and_mutated_documents_agree() {
        let mut rng = crate::core::rand::SplitMix64::new(0x7A9E);
        for _ in 0..3_000 {
            let mut text = String::new();
            super::super::tests::random_json(&mut rng, 4, &mut text);
            same(&text, Limits::default());
            let m = super::super::tests::mutate(&mut rng, &text);
            same(&m, Limits::default());
        }
    }

    #[test]
    fn lookups() {
        let doc = parse_doc(
            r#"{"error":{"code":"x","details":[1,{"a":"b"}]},"error":{"code":"y"},"n":2}"#,
        )
        .unwrap();
        let root = doc.root();
        assert_eq!(
            root.path(&["error", "code"]).and_then(|n| n.as_str()),
            Some("y")
        );
        assert_eq!(root.get("n").and_then(|n| n.as_f64()), Some(2.0));
        assert!(root.get("missing").is_none());
        assert!(root.get("n").unwrap().get("x").is_none());
        assert_eq!(root.members().unwrap().count(), 3);
        let first = doc.root().get("error").unwrap();
        assert!(first.is_object());
        let d = parse_doc(r#"[1,{"a":"b"},"c"]"#).unwrap();
        let items: Vec<_> = d.root().items().unwrap().map(|n| n.kind()).collect();
        assert_eq!(
            items,
            vec![Kind::Number(1.0), Kind::Object, Kind::String("c")]
        );
        assert_eq!(d.root().first().and_then(|n| n.as_f64()), Some(1.0));
        assert!(d.root().members().is_none());
    }

    /// Lookups answer as the tree's do (the last of duplicate keys), whatever other keys of
    /// the same length, ends or bit the object has, and whether a key is escaped.
    #[test]
    fn lookups_agree_with_the_tree() {
        let mut rng = crate::core::rand::SplitMix64::new(0x10C4);
        let long = "k".repeat(33);
        let keys = ["a", "b", "ab", "cd", "abc", long.as_str(), "a\\u0062"];
        for _ in 0..5_000 {
            let n = rng.below(7) as usize;
            let members: Vec<String> = (0..n)
                .map(|i| format!("\"{}\":{i}", keys[rng.below(keys.len() as u64) as usize]))
                .collect();
            let text = format!("{{{}}}", members.join(","));
            let doc = parse_doc(&text).unwrap();
            let tree = super::super::parse(&text).unwrap();
            for k in ["a", "b", "ab", "cd", "abc", long.as_str(), "ab\u{0}", "zz"] {
                let want = tree.get(k).and_then(|v| v.as_f64());
                let got = doc.root().get(k).and_then(|n| n.as_f64());
                assert_eq!(got, want, "{text} {k:?}");
            }
        }
    }
}
