//! Case-insensitive ASCII search in bounded server text: content types, HTML tags, the DRF
//! throttle sentence, `Bearer` in redaction.

/// The byte offset of the first occurrence of `needle` in `hay`, comparing ASCII letters
/// without regard to case. An empty needle is found at 0.
pub(crate) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

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
