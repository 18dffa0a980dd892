//! [`classify_thrown`]: errors thrown instead of a response (fetch, undici, Node, Deno, Bun,
//! axios), in one taxonomy.
//!
//! Why: the same failure reads differently everywhere — Chrome "Failed to fetch", Safari
//! "Load failed", Firefox "NetworkError when attempting to fetch resource.", undici
//! `TypeError: fetch failed` with the real reason in `cause.code`. And the difference that
//! matters for retries is hidden in it: was the request sent?
//!
//! Decisions, first match wins:
//! 1. The caller's abort (`AbortError`, `ABORT_ERR`, `UND_ERR_ABORTED`, axios
//!    `ERR_CANCELED`) -> aborted, never retryable — unless the cause is a `TimeoutError`.
//! 2. Timeouts (`TimeoutError` from `AbortSignal.timeout`, `ETIMEDOUT`, `ESOCKETTIMEDOUT`,
//!    `UND_ERR_CONNECT_TIMEOUT`, `UND_ERR_HEADERS_TIMEOUT`, `UND_ERR_BODY_TIMEOUT`, axios
//!    `ECONNABORTED`) -> timeout, retryable.
//! 3. TLS certificate failures (`CERT_*`, `ERR_TLS_*`, `ERR_SSL_*`, `*_SELF_SIGNED_CERT*`,
//!    `UNABLE_TO_*`) -> network, not retryable (contact_support), not sent.
//! 4. Connection failures (`ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`, `ECONNRESET`, `EPIPE`,
//!    `UND_ERR_SOCKET`, Bun `ConnectionRefused`, ...) and the browsers' fetch messages ->
//!    network, retryable.
//! 5. Invalid URLs (`ERR_INVALID_URL`, "Failed to parse URL", "Invalid URL") ->
//!    invalid_request, not sent.
//! 6. Anything else -> unknown, not retryable.
//!
//! `not_sent` is true only when the request certainly never left: DNS failure, connection
//! refused, host/network unreachable, connect timeout, TLS failure, invalid URL. A reset
//! connection or a browser "Failed to fetch" (which also covers CORS after the request was
//! sent) is not known to be unsent.
//!
//! Codes are read from `cause.code`, then `code`, then from the text of `cause.message` and
//! `message` ("connect ECONNREFUSED 127.0.0.1:3000", Deno's "Connection refused (os error
//! 111)").

use super::input::ClassifyOptions;
use super::messages::for_category;
use super::model::{Action, Category, Classification, Format};
use super::text::{Phrases, clean_message};

/// An error thrown by fetch or a Node/Deno/Bun HTTP client, as plain strings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Thrown<'a> {
    /// `err.name` (`"TypeError"`, `"AbortError"`, `"TimeoutError"`).
    pub name: Option<&'a str>,
    /// `err.message`.
    pub message: Option<&'a str>,
    /// `err.code` (Node system errors, axios).
    pub code: Option<&'a str>,
    /// `err.cause.name`.
    pub cause_name: Option<&'a str>,
    /// `err.cause.message`.
    pub cause_message: Option<&'a str>,
    /// `err.cause.code` (undici puts the real reason here).
    pub cause_code: Option<&'a str>,
}

const ABORT_CODES: &[&str] = &["ABORT_ERR", "UND_ERR_ABORTED", "ERR_CANCELED"];
const TIMEOUT_CODES: &[&str] = &[
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "ECONNABORTED",
    "ERR_TIMEOUT",
];
const NOT_SENT_CODES: &[&str] = &[
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EAI_NONAME",
    "EAI_FAIL",
    "EAI_NODATA",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EHOSTDOWN",
    "ENETDOWN",
    "EADDRNOTAVAIL",
    "UND_ERR_CONNECT_TIMEOUT",
    "ConnectionRefused",
    "FailedToOpenSocket",
];
const NETWORK_CODES: &[&str] = &[
    "ECONNRESET",
    "EPIPE",
    "UND_ERR_SOCKET",
    "UND_ERR_CLOSED",
    "ERR_NETWORK",
    "ERR_STREAM_PREMATURE_CLOSE",
    "ConnectionClosed",
    "ERR_HTTP2_STREAM_ERROR",
    "ERR_HTTP2_SESSION_ERROR",
];
const BROWSER_MESSAGES: &[&str] = &[
    "failed to fetch",
    "load failed",
    "networkerror when attempting to fetch resource",
    "fetch failed",
    "network request failed",
    "network error",
    "network connection was lost",
    "network connection lost",
    "internet connection appears to be offline",
    "could not connect to the server",
    "error sending request",
];
const NOT_SENT_MESSAGES: &[&str] = &[
    "connection refused",
    "a server with the specified hostname could not be found",
    "dns error",
    "failed to lookup address",
    "name or service not known",
    "getaddrinfo",
    "unable to connect",
];
const BAD_URL_MESSAGES: &[&str] = &[
    "failed to parse url",
    "invalid url",
    "only absolute urls are supported",
];

/// Classifies a thrown error with the caller's rules and user messages (by its code, such
/// as `ECONNREFUSED`, and by category), as [`classify`](super::classify) does for responses.
pub fn classify_thrown_with(err: &Thrown, opts: &ClassifyOptions) -> Classification {
    let mut c = classify_thrown(err);
    if let Some(rule) = opts.rule_for(c.code.as_deref()) {
        (c.category, c.action, c.retryable) = rule.apply(c.category, c.action, c.retryable);
    }
    if let Some(m) = super::messages::from_options(c.code.as_deref(), c.category, opts) {
        c.user_message = m.to_string();
    }
    c
}

/// Classifies a thrown error.
pub fn classify_thrown(err: &Thrown) -> Classification {
    let explicit_code = [err.cause_code, err.code]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|c| !c.is_empty());
    let scanned = [err.cause_message, err.message]
        .into_iter()
        .flatten()
        .find_map(scan_code);
    let code = explicit_code.or(scanned);
    let codes = [explicit_code, scanned];
    let has_code = |list: &[&str]| codes.iter().flatten().any(|c| list.contains(c));
    let names = [err.name, err.cause_name];
    let has_name = |n: &str| names.iter().flatten().any(|x| x.trim() == n);
    let text = [err.message, err.cause_message].map(|t| t.map(Phrases::new));
    let has_text = |list: &[&str]| text.iter().flatten().any(|t| t.any_of(list));

    let (category, action, retryable, not_sent) =
        if (has_name("AbortError") || has_code(ABORT_CODES)) && !has_name("TimeoutError") {
            (Category::Aborted, Action::None, false, false)
        } else if has_name("TimeoutError") || has_code(TIMEOUT_CODES) {
            let connect = has_code(&["UND_ERR_CONNECT_TIMEOUT"]);
            (Category::Timeout, Action::RetryWithBackoff, true, connect)
        } else if codes.iter().flatten().any(|c| is_tls_code(c)) {
            (Category::Network, Action::ContactSupport, false, true)
        } else if has_code(NOT_SENT_CODES) || has_text(NOT_SENT_MESSAGES) {
            (Category::Network, Action::RetryWithBackoff, true, true)
        } else if has_code(NETWORK_CODES) || has_text(BROWSER_MESSAGES) {
            (Category::Network, Action::RetryWithBackoff, true, false)
        } else if has_code(&["ERR_INVALID_URL"]) || has_text(BAD_URL_MESSAGES) {
            (Category::InvalidRequest, Action::FixRequest, false, true)
        } else {
            (Category::Unknown, Action::None, false, false)
        };

    let message = match (
        err.message.and_then(clean_message),
        err.cause_message.and_then(clean_message),
    ) {
        (Some(m), Some(c)) if m != c => Some(format!("{m}: {c}")),
        (Some(m), _) => Some(m.into_owned()),
        (None, c) => c.map(|c| c.into_owned()),
    };
    Classification {
        category,
        action,
        status: None,
        code: code.map(str::to_string),
        message,
        retryable,
        retry_after_ms: None,
        hint_source: None,
        request_id: None,
        field_errors: None,
        format: Format::Unknown,
        user_message: for_category(category, action).to_string(),
        not_sent,
    }
}

fn is_tls_code(c: &str) -> bool {
    c.starts_with("CERT_")
        || c.starts_with("ERR_TLS_")
        || c.starts_with("ERR_SSL_")
        || crate::core::bytes::contains(c, "SELF_SIGNED_CERT")
        || c.starts_with("UNABLE_TO_")
}

/// The first error-code-like word in a message: `E[A-Z]+`, `UND_ERR_*`, `ERR_*`.
fn scan_code(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| {
            let upper = w.len() >= 4
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            upper
                && (w.starts_with("UND_ERR_")
                    || w.starts_with("ERR_")
                    || (w.starts_with('E')
                        && (NOT_SENT_CODES.contains(w)
                            || NETWORK_CODES.contains(w)
                            || TIMEOUT_CODES.contains(w))))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::classify::input::CustomRule;

    #[test]
    fn caller_rules_and_messages_apply_to_thrown_errors() {
        let refused = Thrown {
            name: Some("TypeError"),
            message: Some("fetch failed"),
            cause_code: Some("ECONNREFUSED"),
            ..Thrown::default()
        };
        let plain = classify_thrown(&refused);
        assert_eq!(
            classify_thrown_with(&refused, &ClassifyOptions::default()),
            plain
        );
        let opts = ClassifyOptions::default()
            .with_rule(CustomRule {
                code: "econnrefused".into(),
                category: Some(Category::Unavailable),
                retryable: Some(false),
                ..CustomRule::default()
            })
            .with_user_message("unavailable", "The service is down.");
        let c = classify_thrown_with(&refused, &opts);
        assert_eq!(
            (c.category, c.action, c.retryable, c.user_message.as_str()),
            (
                Category::Unavailable,
                plain.action,
                false,
                "The service is down."
            )
        );
        // A message for the code wins over the category's; the rule's own wins over both.
        let opts = opts.with_user_message("ECONNREFUSED", "Refused.");
        assert_eq!(
            classify_thrown_with(&refused, &opts).user_message,
            "Refused."
        );
        let mut opts = opts;
        if let Some(r) = opts.rules.first_mut() {
            r.user_message = Some("From the rule.".into());
        }
        assert_eq!(
            classify_thrown_with(&refused, &opts).user_message,
            "From the rule."
        );
    }

    #[test]
    fn scan() {
        assert_eq!(
            scan_code("connect ECONNREFUSED 127.0.0.1:3000"),
            Some("ECONNREFUSED")
        );
        assert_eq!(
            scan_code("getaddrinfo ENOTFOUND api.example"),
            Some("ENOTFOUND")
        );
        assert_eq!(scan_code("ERROR: EXAMPLE"), None);
        assert_eq!(scan_code("fetch failed"), None);
    }
}
