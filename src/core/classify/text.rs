//! Small string helpers shared by the envelope readers: bounded messages, code comparison.
//!
//! Why: every envelope yields server text of unknown length and quality. One place decides
//! how long a message may be ([`MAX_MESSAGE_BYTES`]) and how codes compare ([`CodeKey`]:
//! ASCII case-insensitively, `-` equal to `_`, only the last segment of a URI), so the
//! readers and the rules agree.

use std::borrow::Cow;

/// Longest message kept, in bytes; longer ones are cut at a character boundary and end
/// with `…`.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// `s.trim()`, without walking characters when `s` already starts and ends with a visible
/// ASCII character (most server strings).
pub(crate) fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [first, .., last] if visible_ascii(*first) && visible_ascii(*last) => s,
        [only] if visible_ascii(*only) => s,
        _ => s.trim(),
    }
}

fn visible_ascii(b: u8) -> bool {
    b > b' ' && b < 0x7f
}

/// Whether `s` has a control character (`char::is_control`: U+0000–U+001F, U+007F–U+009F),
/// read from the bytes: the C1 controls are `0xC2 0x80..=0x9F` in UTF-8. Printable ASCII,
/// what ids and codes are made of, is settled by one comparison per byte.
fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    if b.iter().all(|&c| (b' '..0x7f).contains(&c)) {
        return false;
    }
    b.iter().enumerate().any(|(i, &c)| {
        c < 0x20
            || c == 0x7f
            || (c == 0xc2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    })
}

/// Trims `s`; `None` when empty; cut to [`MAX_MESSAGE_BYTES`].
pub(crate) fn clean_message(s: &str) -> Option<Cow<'_, str>> {
    let s = trim(s);
    if s.is_empty() {
        return None;
    }
    Some(cap(s, MAX_MESSAGE_BYTES))
}

/// `s` cut to at most `max` bytes (plus `…`) at a character boundary.
pub(crate) fn cap(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 3);
    out.push_str(s.get(..end).unwrap_or(""));
    out.push('…');
    Cow::Owned(out)
}

/// The part of a code that names it: the last segment of a URI (`/errors/validation-error`
/// -> `validation-error`, `…#quota-exceeded` -> `quota-exceeded`).
pub(crate) fn code_key(code: &str) -> &str {
    let code = trim(code);
    // Most codes are no URI: one pass eight bytes at a time settles that.
    if !crate::core::bytes::has_either(code.as_bytes(), b'/', b'#') {
        return code;
    }
    match code.bytes().rposition(|b| b == b'/' || b == b'#') {
        Some(i) => code.get(i + 1..).unwrap_or(""),
        None => code,
    }
}

/// A code in comparison form: its [`code_key`], compared ASCII case-insensitively with `-`
/// equal to `_` against table entries written in lower case with `_`. It borrows the code
/// and folds bytes only while comparing: the tables are checked by length first, so a
/// classification folds the few bytes of the entries that could match, never a copy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodeKey<'a>(&'a [u8]);

/// A code byte in comparison form.
fn fold(b: u8) -> u8 {
    if b == b'-' {
        b'_'
    } else {
        b.to_ascii_lowercase()
    }
}

/// Whether `code` bytes fold to `want`, byte for byte. Kept out of line: the tables are
/// searched by length first, which is what should be inlined at each search. Its callers
/// compare one end byte first ([`end_folds_to`]), which rules out nearly every other code
/// of the same length (`validation_…` and `graphql_…`, `…_format` and `…_large`).
#[inline(never)]
fn folds_to(code: &[u8], want: &[u8]) -> bool {
    code.len() == want.len() && code.iter().zip(want).all(|(c, w)| fold(*c) == *w)
}

/// Whether the last byte of `code` folds to the last of `want` (both empty: true).
#[inline(always)]
fn end_folds_to(code: &[u8], want: &[u8]) -> bool {
    code.last().map(|&b| fold(b)) == want.last().copied()
}

/// Whether the first byte of `code` folds to the first of `want` (both empty: true).
#[inline(always)]
fn start_folds_to(code: &[u8], want: &[u8]) -> bool {
    code.first().map(|&b| fold(b)) == want.first().copied()
}

impl<'a> CodeKey<'a> {
    pub(crate) fn new(code: &'a str) -> CodeKey<'a> {
        CodeKey(code_key(code).as_bytes())
    }

    /// Equal to `want` (lowercase, `_`).
    pub(crate) fn is(&self, want: &str) -> bool {
        self.0.len() == want.len()
            && end_folds_to(self.0, want.as_bytes())
            && folds_to(self.0, want.as_bytes())
    }

    /// Starts with `prefix` (lowercase, `_`).
    pub(crate) fn starts(&self, prefix: &str) -> bool {
        self.0.get(..prefix.len()).is_some_and(|head| {
            start_folds_to(head, prefix.as_bytes()) && folds_to(head, prefix.as_bytes())
        })
    }

    /// Ends with `suffix` (lowercase, `_`).
    pub(crate) fn ends(&self, suffix: &str) -> bool {
        self.0
            .len()
            .checked_sub(suffix.len())
            .and_then(|at| self.0.get(at..))
            .is_some_and(|tail| {
                end_folds_to(tail, suffix.as_bytes()) && folds_to(tail, suffix.as_bytes())
            })
    }
}

/// Codes in a [`CodeTable`] are at most this long (longer ones are a compile error).
const MAX_TABLE_CODE: usize = 48;

/// A table from codes (lower case, `_`) to values, its entries grouped by length at compile
/// time: a lookup compares only the entries as long as the key, instead of walking the
/// table. Built by `CodeTable::new` in a `const`, so a table that breaks the rules (a code
/// too long, more than 255 entries) fails the build.
#[derive(Debug)]
pub(crate) struct CodeTable<T: 'static, const N: usize> {
    /// The entries, ordered by code length.
    entries: [(&'static str, T); N],
    /// For each length, the range of `entries` with codes of that length.
    by_len: [(u8, u8); MAX_TABLE_CODE + 1],
}

// Compile-time construction: indexing out of range here is a build error, not a panic.
#[allow(clippy::indexing_slicing)]
impl<T: Copy + 'static, const N: usize> CodeTable<T, N> {
    pub(crate) const fn new(mut entries: [(&'static str, T); N]) -> Self {
        assert!(N < 256, "a code table holds at most 255 entries");
        // Insertion sort by length, stable, so equal codes keep their order.
        let mut i = 1;
        while i < N {
            let mut j = i;
            while j > 0 && entries[j - 1].0.len() > entries[j].0.len() {
                let t = entries[j - 1];
                entries[j - 1] = entries[j];
                entries[j] = t;
                j -= 1;
            }
            i += 1;
        }
        let mut by_len = [(0u8, 0u8); MAX_TABLE_CODE + 1];
        let mut k = 0;
        while k < N {
            let len = entries[k].0.len();
            assert!(len <= MAX_TABLE_CODE, "a table code is too long");
            if by_len[len].1 == 0 {
                by_len[len].0 = k as u8;
            }
            by_len[len].1 = k as u8 + 1;
            k += 1;
        }
        CodeTable { entries, by_len }
    }

    /// The value of the first entry equal to `code`.
    pub(crate) fn get(&self, code: &CodeKey<'_>) -> Option<T> {
        let &(start, end) = self.by_len.get(code.0.len())?;
        self.entries
            .get(usize::from(start)..usize::from(end))?
            .iter()
            .find(|(k, _)| end_folds_to(code.0, k.as_bytes()) && folds_to(code.0, k.as_bytes()))
            .map(|(_, v)| *v)
    }
}

/// Whether `needle` occurs in `hay`. The plain search: texts are at most
/// [`MAX_MESSAGE_BYTES`] and phrases a few dozen bytes, where setting up the standard
/// library's two-way searcher costs more than the search.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    let mut i = 0;
    while i <= last_start {
        if hay.get(i) == Some(&first) && hay.get(i + 1..i + needle.len()) == Some(rest) {
            return true;
        }
        i += 1;
    }
    false
}

/// Server text lowercased once, with a bigram filter so that checking it for dozens of
/// phrases stays cheap: a phrase is searched for only when every pair of adjacent bytes in it
/// occurs somewhere in the text (a 64-bucket set), which rejects most phrases of the
/// tables in a few operations. Same answers as `to_ascii_lowercase().contains(phrase)`.
#[derive(Debug)]
pub(crate) struct Phrases {
    text: String,
    pairs: u64,
}

/// The bucket (0..64) of the byte pair `a b`.
const fn pair_bit(a: u8, b: u8) -> u32 {
    ((a as u32).wrapping_mul(37) ^ b as u32) & 63
}

/// The bigram set of `bytes`: one bit per bucket of the adjacent pairs.
const fn pairs_of(bytes: &[u8]) -> u64 {
    let mut pairs = 0u64;
    let mut rest = bytes;
    while let [a, tail @ ..] = rest {
        if let [b, ..] = tail {
            pairs |= 1 << pair_bit(*a, *b);
        }
        rest = tail;
    }
    pairs
}

/// A phrase of a table (lowercase) with its bigram set, built at compile time by
/// [`phrases!`] so that rejecting it costs one AND.
#[derive(Debug)]
pub(crate) struct Phrase {
    text: &'static str,
    pairs: u64,
}

impl Phrase {
    pub(crate) const fn new(text: &'static str) -> Phrase {
        Phrase {
            text,
            pairs: pairs_of(text.as_bytes()),
        }
    }
}

/// A table of [`Phrase`]s, evaluated at compile time: `phrases!["not valid", "expired"]`.
macro_rules! phrases {
    ($($p:literal),+ $(,)?) => {
        const { &[$($crate::core::classify::text::Phrase::new($p)),+] }
    };
}
pub(crate) use phrases;

impl Phrases {
    pub(crate) fn new(text: &str) -> Phrases {
        let text = text.to_ascii_lowercase();
        let pairs = pairs_of(text.as_bytes());
        Phrases { text, pairs }
    }

    /// True when the text contains `phrase`, whose bigram set is `pairs`.
    fn has_pairs(&self, pairs: u64, phrase: &str) -> bool {
        pairs & !self.pairs == 0 && contains(self.text.as_bytes(), phrase.as_bytes())
    }

    /// True when the text contains one of the table's phrases.
    pub(crate) fn any_of(&self, table: &[Phrase]) -> bool {
        table.iter().any(|p| self.has_pairs(p.pairs, p.text))
    }

    /// True when the text contains `phrase` (lowercase).
    #[cfg(test)]
    pub(crate) fn has(&self, phrase: &str) -> bool {
        self.has_pairs(pairs_of(phrase.as_bytes()), phrase)
    }
}

/// A request id or similar token: trimmed, no control characters, at most 200 bytes.
pub(crate) fn clean_id(s: &str) -> Option<&str> {
    let s = trim(s);
    if s.is_empty() || has_control(s) {
        return None;
    }
    let mut end = s.len().min(200);
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_trim_and_control_checks_agree_with_the_standard_ones() {
        let samples = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "\u{85}x\u{85}",
            "ab",
            "a b",
            "\tab\n",
            "é",
            " é ",
            "\u{feff}a",
            "a\u{200b}",
            "~",
            "\u{7f}",
            "x\u{7f}",
        ];
        for s in samples {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
        for c in (0u32..0x800).chain([0xfeff, 0x2028, 0x3000, 0x1f600]) {
            let Some(c) = char::from_u32(c) else { continue };
            for s in [format!("{c}"), format!("a{c}b"), format!("ab{c}")] {
                assert_eq!(has_control(&s), s.chars().any(char::is_control), "{s:?}");
                assert_eq!(trim(&s), s.trim(), "{s:?}");
            }
        }
    }

    #[test]
    fn codes_compare_loosely() {
        assert!(CodeKey::new("RATE_LIMIT_EXCEEDED").is("rate_limit_exceeded"));
        assert!(CodeKey::new("/errors/validation-error").is("validation_error"));
        assert!(CodeKey::new(" https://iana.org/x#quota-exceeded ").is("quota_exceeded"));
        assert!(!CodeKey::new("throttled").is("throttle"));
        assert!(CodeKey::new("VALIDATION_FILE_TOO_LARGE").starts("validation_"));
        assert!(CodeKey::new("BUSINESS_DOCUMENT_NOT_FOUND").ends("_not_found"));
        assert!(!CodeKey::new("x").ends("_not_found"));
        assert!(CodeKey::new("Ünïcode-Ä").is("Ünïcode_Ä"));
        // Longer than the inline room: the same answers from the heap copy.
        let long = format!("SYSTEM-{}-NOT-FOUND", "X".repeat(60));
        let k = CodeKey::new(&long);
        assert!(k.is(&format!("system_{}_not_found", "x".repeat(60))));
        assert!(k.starts("system_") && k.ends("_not_found"));
        let edge = "A".repeat(48);
        assert!(CodeKey::new(&edge).is(&"a".repeat(48)));
        assert!(!CodeKey::new(&edge).is(&"a".repeat(47)));
        assert!(!CodeKey::new("abc").starts("abcd") && !CodeKey::new("abc").ends("zabc"));
        assert!(CodeKey::new("abc").starts("abc") && CodeKey::new("a-bc").ends("_bc"));
        // Table entries are lower case with `_`: `-` and upper case in them never match.
        assert!(!CodeKey::new("a-b").is("a-b") && !CodeKey::new("AB").is("AB"));
    }

    #[test]
    fn code_tables_find_what_a_walk_finds() {
        const ENTRIES: [(&str, u8); 7] = [
            ("throttled", 1),
            ("a", 2),
            ("rate_limit", 3),
            ("bad", 4),
            ("throttled", 5),
            ("not_found", 6),
            ("x_y", 7),
        ];
        const TABLE: CodeTable<u8, 7> = CodeTable::new(ENTRIES);
        let long = "z".repeat(60);
        for code in [
            "THROTTLED",
            "a",
            "A",
            "Rate-Limit",
            "bad",
            "not_found",
            "x-y",
            "x_z",
            "",
            "b",
            "/errors/not-found",
            long.as_str(),
        ] {
            let key = CodeKey::new(code);
            let walk = ENTRIES.iter().find(|(k, _)| key.is(k)).map(|(_, v)| *v);
            assert_eq!(TABLE.get(&key), walk, "{code:?}");
        }
        assert_eq!(TABLE.get(&CodeKey::new("throttled")), Some(1));
    }

    #[test]
    fn phrases_agree_with_contains() {
        let mut rng = crate::core::rand::SplitMix64::new(0xF1_17E2);
        let alphabet = b"abcdeT N-._";
        for round in 0..20_000 {
            let len = rng.below(40) as usize;
            let text = rng.text_from(alphabet, len);
            let plen = rng.below(5) as usize;
            let phrase = rng.text_from(alphabet, plen).to_ascii_lowercase();
            let want = text.to_ascii_lowercase().contains(&phrase);
            assert_eq!(
                Phrases::new(&text).has(&phrase),
                want,
                "round {round}: {text:?} {phrase:?}"
            );
        }
        let p = Phrases::new("Given Token not valid — é");
        assert!(p.has("token not valid"));
        assert!(p.has("— é"));
        assert!(p.any_of(phrases!["x", "given"]));
        assert!(!p.has("tokens"));
    }

    #[test]
    fn messages_are_bounded_on_char_boundaries() {
        let long = "é".repeat(2000);
        let c = clean_message(&long).unwrap();
        assert!(c.len() <= MAX_MESSAGE_BYTES + '…'.len_utf8());
        assert!(c.ends_with('…'));
        assert_eq!(clean_message("  \n "), None);
        assert_eq!(clean_id("a\u{0}b"), None);
        assert_eq!(clean_id(&"x".repeat(300)).map(str::len), Some(200));
    }
}
