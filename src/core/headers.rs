//! Response headers as the core reads them: name/value pairs in any case, looked up by name.

/// Response headers as name/value pairs; names compare case-insensitively.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a>(pub &'a [(&'a str, &'a str)]);

impl<'a> Headers<'a> {
    /// The value of the first header named `name` (ASCII case-insensitive), untrimmed.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// No headers at all.
    pub const EMPTY: Headers<'static> = Headers(&[]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_a_name_wins_in_any_case() {
        let pairs = [
            ("Content-Type", "text/html"),
            ("X-Request-Id", "first"),
            ("x-request-id", "second"),
        ];
        let h = Headers(&pairs);
        assert_eq!(h.get("x-request-id"), Some("first"));
        assert_eq!(h.get("CONTENT-TYPE"), Some("text/html"));
        assert_eq!(h.get("retry-after"), None);
    }
}
