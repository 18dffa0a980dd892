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
//! errors, kind and offset): the builder is its own loop ([`build`]) but reads strings,
//! literals, numbers and white space with the same helpers as the tree parser. A test checks
//! both on random and mutated documents, and the fuzz target on everything it generates.

use std::cell::RefCell;

use super::{JsonError, JsonErrorKind, Limits, Parser, at, literal, number_at, plain_string, ws};

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
    build(&mut p, &mut doc)?;
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

/// A container's `end` while it is still open: none encloses it.
const NO_PARENT: u32 = u32::MAX;

/// What the builder expects next.
#[derive(Clone, Copy)]
enum Expect {
    /// A value.
    Value,
    /// A member's key, its colon and then its value.
    Key,
    /// After a value: a comma or the close of the open container (or the end of input).
    Next,
}

/// Fills `doc` from the input of `p`, with exactly the errors (kind and offset) of
/// [`Parser::value`] and its callers.
///
/// Why not recursive like the tree parser: in wasm the parser's position lived in memory
/// and every byte of white space was a load and a store through `self`. Here the position,
/// the depth and the open container are locals, and the open containers form a stack
/// threaded through their own slots: while a container is open its `end` holds the index of
/// the one around it, and its `start` collects its keys' bits.
fn build<'a>(p: &mut Parser<'a>, doc: &mut Doc<'a>) -> Result<(), JsonError> {
    let bytes = p.bytes;
    let max_depth = p.limits.max_depth;
    let fail = |kind, offset| Err(JsonError { kind, offset });
    let end_or_byte = |b: Option<&u8>| match b {
        None => JsonErrorKind::UnexpectedEnd,
        Some(_) => JsonErrorKind::UnexpectedByte,
    };
    let mut pos = ws(bytes, 0);
    let mut open = NO_PARENT;
    let mut keyed = false;
    let mut depth = 0usize;
    let mut expect = Expect::Value;
    loop {
        match expect {
            Expect::Value => {
                let start = pos;
                let Some(&b) = bytes.get(pos) else {
                    return fail(JsonErrorKind::UnexpectedEnd, pos);
                };
                let (tag, lo, hi) = match b {
                    b'"' => {
                        let (tag, at, len) = string(p, doc, &mut pos)?;
                        expect = Expect::Next;
                        (tag, at, len)
                    }
                    b'{' | b'[' => {
                        if depth + 1 > max_depth {
                            return fail(JsonErrorKind::TooDeep, pos);
                        }
                        depth += 1;
                        let me = small(doc.slots.len());
                        let is_object = b == b'{';
                        doc.slots.push(Slot {
                            tag: if is_object { Tag::Object } else { Tag::Array },
                            start: 0,
                            len: 0,
                            end: open,
                        });
                        open = me;
                        keyed = is_object;
                        pos = ws(bytes, pos + 1);
                        let close = if is_object { b'}' } else { b']' };
                        expect = if at(bytes, pos) == close {
                            // Empty: closed at once, as below.
                            pos += 1;
                            (open, keyed) = close_container(doc, open);
                            depth -= 1;
                            Expect::Next
                        } else if is_object {
                            Expect::Key
                        } else {
                            Expect::Value
                        };
                        continue;
                    }
                    b't' | b'f' | b'n' => {
                        let (lit, tag): (&[u8], Tag) = match b {
                            b't' => (b"true", Tag::True),
                            b'f' => (b"false", Tag::False),
                            _ => (b"null", Tag::Null),
                        };
                        match literal(bytes, pos, lit) {
                            Ok(end) => pos = end,
                            Err(kind) => return fail(kind, pos),
                        }
                        expect = Expect::Next;
                        (tag, small(start), small(lit.len()))
                    }
                    b'-' | b'0'..=b'9' => {
                        let bits = match number_at(bytes, &mut pos) {
                            Ok(n) => n.to_bits(),
                            Err(kind) => return fail(kind, pos),
                        };
                        expect = Expect::Next;
                        // The value itself is kept, in the two position fields.
                        (Tag::Number, bits as u32, (bits >> 32) as u32)
                    }
                    _ => return fail(JsonErrorKind::UnexpectedByte, pos),
                };
                let end = small(doc.slots.len() + 1);
                doc.slots.push(Slot {
                    tag,
                    start: lo,
                    len: hi,
                    end,
                });
            }
            Expect::Key => {
                if bytes.get(pos) != Some(&b'"') {
                    return fail(end_or_byte(bytes.get(pos)), pos);
                }
                let (tag, at, len) = string(p, doc, &mut pos)?;
                let slot = Slot {
                    tag,
                    start: at,
                    len,
                    end: small(doc.slots.len() + 1),
                };
                let bit = key_bit(doc.bytes(slot));
                if let Some(o) = doc.slots.get_mut(open as usize) {
                    o.start |= bit;
                }
                doc.slots.push(slot);
                pos = ws(bytes, pos);
                if bytes.get(pos) != Some(&b':') {
                    return fail(end_or_byte(bytes.get(pos)), pos);
                }
                pos = ws(bytes, pos + 1);
                expect = Expect::Value;
            }
            Expect::Next => {
                pos = ws(bytes, pos);
                if open == NO_PARENT {
                    return if pos < bytes.len() {
                        fail(JsonErrorKind::TrailingData, pos)
                    } else {
                        Ok(())
                    };
                }
                let close = if keyed { b'}' } else { b']' };
                match bytes.get(pos) {
                    Some(b',') => {
                        pos = ws(bytes, pos + 1);
                        expect = if keyed { Expect::Key } else { Expect::Value };
                    }
                    Some(&b) if b == close => {
                        pos += 1;
                        (open, keyed) = close_container(doc, open);
                        depth -= 1;
                    }
                    other => return fail(end_or_byte(other), pos),
                }
            }
        }
    }
}

/// Closes the open container `open` (its slot holds its parent in `end`): sets its `end`
/// and returns the parent and whether that is an object.
#[inline(always)]
fn close_container(doc: &mut Doc<'_>, open: u32) -> (u32, bool) {
    let end = small(doc.slots.len());
    let Some(slot) = doc.slots.get_mut(open as usize) else {
        return (NO_PARENT, false);
    };
    let parent = slot.end;
    slot.end = end;
    let keyed = doc
        .slots
        .get(parent as usize)
        .is_some_and(|s| s.tag == Tag::Object);
    (parent, keyed)
}

/// The string whose opening quote is at `*pos`, with [`Parser::string`]'s errors: its tag
/// and where its text is (`start` and `len` of its slot). `*pos` ends after the closing
/// quote. Strings with escapes are unescaped straight into the document's side buffer.
#[inline(always)]
fn string<'a>(
    p: &mut Parser<'a>,
    doc: &mut Doc<'a>,
    pos: &mut usize,
) -> Result<(Tag, u32, u32), JsonError> {
    let start = *pos + 1;
    // No escapes (almost every string): the plain run ends at the closing quote.
    let (end, escaped) = plain_string(p.bytes, start)?;
    if !escaped {
        *pos = end + 1;
        return Ok((Tag::Str, small(start), small(end - start)));
    }
    p.pos = end;
    let at = doc.unescaped.len();
    p.unescape_into(start, &mut doc.unescaped)?;
    *pos = p.pos;
    Ok((Tag::Escaped, small(at), small(doc.unescaped.len() - at)))
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
    use std::borrow::Cow;

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
