//! Substring search in bounded text: content types, HTML tags, the DRF throttle sentence,
//! `Bearer` and URL schemes in redaction, phrases in messages. A plain scan: the texts are
//! short and the needles a few bytes, where the standard library's two-way searcher costs
//! more code (and set-up time) than it saves.

/// The byte offset of the first occurrence of `needle` in `hay`. An empty needle is found
/// at 0.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    position(hay, needle, |window, needle| window == needle)
}

/// True when `hay` contains `needle`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// The byte offset of the first occurrence of `needle` in `hay`, comparing ASCII letters
/// without regard to case. An empty needle is found at 0.
pub(crate) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    position(hay, needle, <[u8]>::eq_ignore_ascii_case)
}

/// The first window of `hay` that `same` says equals `needle`.
fn position(hay: &str, needle: &str, same: impl Fn(&[u8], &[u8]) -> bool) -> Option<usize> {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|window| same(window, needle))
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
    }
}
