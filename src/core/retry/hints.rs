//! Server delay hints, strongest first (placeholder: filled in by the classify work, which
//! owns this file; the retry engine consumes `Hint` through `Classification`).

/// A delay the server asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hint {
    /// Milliseconds to wait from now (never negative, always finite).
    pub delay_ms: f64,
    /// Where it came from: `"retry-after-ms"`, `"retry-after"`, `"ratelimit"`,
    /// `"ratelimit-reset"`, `"x-ratelimit-reset"`, `"body:error.details.wait_seconds"`,
    /// `"body:details.retryAfter"`, `"body:retryInfo.retryDelay"`, `"body:text"`.
    pub source: &'static str,
}

/// Response headers as name/value pairs; names compare case-insensitively.
#[derive(Debug, Clone, Copy)]
pub struct Headers<'a>(pub &'a [(&'a str, &'a str)]);

impl<'a> Headers<'a> {
    /// The value of the first header named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}
