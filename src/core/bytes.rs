//! Substring search in bounded text: content types, HTML tags, the DRF throttle sentence,
//! `Bearer` and URL schemes in redaction, phrases in messages. A plain scan: the texts are
//! short and the needles a few bytes, where the standard library's two-way searcher costs
//! more code (and set-up time) than it saves. Windows are compared byte by byte, so most
//! are left at their first byte.

/// The byte offset of the first occurrence of `needle` in `hay`. An empty needle is found
/// at 0.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    position(hay, needle, |h, n| h == n)
}

/// True when `hay` contains `needle`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// The byte offset of the first occurrence of `needle` in `hay`, comparing ASCII letters
/// without regard to case. An empty needle is found at 0.
pub(crate) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    position(hay, needle, |h, n| h.eq_ignore_ascii_case(&n))
}

/// The first window of `hay` whose bytes `same` says equal those of `needle`.
fn position(hay: &str, needle: &str, same: impl Fn(u8, u8) -> bool) -> Option<usize> {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|window| window.iter().zip(needle).all(|(h, n)| same(*h, *n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly() {
        assert_eq!(find("https://h/p", "://"), Some(5));
        assert_eq!(find("abc", ""), Some(0));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("éx://", "://"), Some(3));
        assert_eq!(find("HTTPS", "https"), None);
        assert_eq!(find("", ""), Some(0));
        assert_eq!(find("", "a"), None);
        assert_eq!(find("xxab", "ab"), Some(2), "needle at the end");
        assert_eq!(find("ab", "ab"), Some(0), "needle is the whole text");
        assert_eq!(find("aab", "ab"), Some(1), "first byte matches twice");
        assert_eq!(find("abac", "ac"), Some(2));
        assert_eq!(find("xaby", "abz"), None, "last byte differs");
        assert_eq!(find("ÄÖ", "Ö"), Some(2));
        assert_eq!(find("日本語", "本"), Some(3));
        assert!(contains("{\"fl\":1}", "\"fl\""));
        assert!(!contains("fl", "\"fl\""));
    }

    #[test]
    fn finds_regardless_of_case() {
        assert_eq!(
            find_ascii_ci("Application/Problem+JSON", "problem+json"),
            Some(12)
        );
        assert_eq!(find_ascii_ci("abc", ""), Some(0));
        assert_eq!(find_ascii_ci("ab", "abc"), None);
        assert_eq!(find_ascii_ci("éBEARER x", "bearer "), Some(2));
        assert_eq!(find_ascii_ci("text/html", "json"), None);
        assert_eq!(find_ascii_ci("", ""), Some(0));
        assert_eq!(
            find_ascii_ci("a/JSON", "json"),
            Some(2),
            "needle at the end"
        );
        assert_eq!(
            find_ascii_ci("jjSoN", "json"),
            Some(1),
            "first byte matches twice"
        );
        assert_eq!(find_ascii_ci("JSOX", "json"), None, "last byte differs");
        // Only ASCII letters fold: `Ä` and `ä` differ, and no byte of a UTF-8 sequence is
        // taken for a letter.
        assert_eq!(find_ascii_ci("xÄ", "ä"), None);
        assert_eq!(find_ascii_ci("xÄ", "Ä"), Some(1));
        assert_eq!(find_ascii_ci("é", "I"), None);
    }
}
