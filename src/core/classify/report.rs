//! [`support_report`]: the escalation text seed 000 asks for, ready to paste into a ticket.
//!
//! Why: seed 000 lists what support needs — the X-Request-Id, the timestamp, the endpoint,
//! the full error body, a curl command to reproduce "with credentials redacted" — and users
//! get it wrong (missing ids, leaked tokens). This builds it from the classification and the
//! request, and runs everything through [`redact`](super::redact).
//!
//! Layout (lines with nothing to say read `(not available)`):
//! ```text
//! Subject: API Error: 500 internal_server_error - GET /api/v1/claims/
//!
//! X-Request-Id: abc123-def456-789
//! Timestamp: 2024-01-27T15:30:45Z
//! Endpoint: GET /api/v1/claims/?page_size=1000
//! Status: 500
//! Category: server (retryable; action: retry_with_backoff)
//! Code: internal_server_error
//! Message: An unexpected error occurred. Please try again later.
//!
//! Error response:
//! {"error": {...}}
//!
//! Reproduce (credentials redacted):
//! curl -X GET 'https://api.example.com/api/v1/claims/?page_size=1000' \
//!   -H 'Authorization: Bearer REDACTED'
//! ```
//! The body excerpt is at most [`EXCERPT_BYTES`] of the response (an HTML page is replaced
//! by its title); the curl body at most the same of the request body.

use super::body::{self, Sniffed};
use super::envelope::html;
use super::model::Classification;
use super::redact::{redact_header, redact_json_text, redact_url, scrub_text};
use super::text::cap;
use crate::core::retry::hints::HintSource;
use crate::core::retry::hints::{Headers, civil_from_days};

/// Longest body excerpt, in bytes.
pub const EXCERPT_BYTES: usize = 2048;

/// The request behind a failure, for [`support_report`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportRequest<'a> {
    /// Request method (default `GET`).
    pub method: Option<&'a str>,
    /// Request URL.
    pub url: Option<&'a str>,
    /// Request headers (credentials are redacted).
    pub headers: Headers<'a>,
    /// Request body (credentials are redacted).
    pub body: Option<&'a str>,
    /// Response body bytes, for the excerpt.
    pub response_body: Option<&'a [u8]>,
    /// When the failure happened, epoch ms.
    pub timestamp_ms: Option<f64>,
}

const NA: &str = "(not available)";

/// The support escalation text for a failure.
pub fn support_report(c: &Classification, req: &ReportRequest) -> String {
    let method = req
        .method
        .map(str::trim)
        .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()))
        .unwrap_or("GET")
        .to_ascii_uppercase();
    let url = req.url.map(redact_url);
    let endpoint = url.as_deref().map(path_and_query);
    let status = c.status.map_or_else(
        || "none (no response received)".to_string(),
        |s| s.to_string(),
    );
    let what = c.code.as_deref().unwrap_or(c.category.as_str());
    let mut out = String::with_capacity(1024);
    let line = |out: &mut String, k: &str, v: &str| {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push('\n');
    };
    line(
        &mut out,
        "Subject",
        format!(
            "API Error: {} {} - {} {}",
            c.status
                .map_or_else(|| "network".to_string(), |s| s.to_string()),
            one_line(&scrub_text(what)),
            method,
            endpoint
                .as_deref()
                .map_or("", |e| e.split('?').next().unwrap_or(e))
        )
        .trim_end(),
    );
    out.push('\n');
    line(
        &mut out,
        "X-Request-Id",
        c.request_id.as_deref().map_or(NA, |r| r),
    );
    line(
        &mut out,
        "Timestamp",
        &req.timestamp_ms
            .and_then(iso8601)
            .unwrap_or_else(|| NA.to_string()),
    );
    line(
        &mut out,
        "Endpoint",
        &endpoint
            .as_deref()
            .map_or_else(|| NA.to_string(), |e| format!("{method} {e}")),
    );
    line(&mut out, "Status", &status);
    line(
        &mut out,
        "Category",
        &format!(
            "{} ({}; action: {})",
            c.category.as_str(),
            if c.retryable {
                "retryable"
            } else {
                "not retryable"
            },
            c.action.as_str()
        ),
    );
    if c.not_sent {
        line(&mut out, "Request sent", "no (failed before sending)");
    }
    line(
        &mut out,
        "Code",
        &c.code
            .as_deref()
            .map_or_else(|| NA.to_string(), |s| one_line(&scrub_text(s))),
    );
    line(
        &mut out,
        "Message",
        &c.message
            .as_deref()
            .map_or_else(|| NA.to_string(), |s| one_line(&scrub_text(s))),
    );
    if let Some(ms) = c.retry_after_ms {
        line(
            &mut out,
            "Retry-After",
            &format!(
                "{} ms ({})",
                ms.round() as i64,
                c.hint_source.map_or("server", HintSource::as_str)
            ),
        );
    }
    if let Some(b) = req.response_body {
        out.push_str("\nError response:\n");
        out.push_str(&excerpt(b));
        out.push('\n');
    }
    if let Some(u) = &url {
        out.push_str("\nReproduce (credentials redacted):\n");
        out.push_str(&curl(&method, u, &req.headers, req.body));
        out.push('\n');
    }
    out
}

/// `https://h/p?q#f` -> `/p?q` (the fragment never reaches the server).
fn path_and_query(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let scheme_end = crate::core::bytes::find(url, "://");
    let after_scheme = scheme_end.map_or(url, |i| url.get(i + 3..).unwrap_or(""));
    if scheme_end.is_some() {
        match after_scheme.find(['/', '?']) {
            Some(i) => {
                let p = after_scheme.get(i..).unwrap_or("/");
                if p.starts_with('?') {
                    format!("/{p}")
                } else {
                    p.to_string()
                }
            }
            None => "/".to_string(),
        }
    } else {
        url.to_string()
    }
}

/// The words of `s` separated by single spaces.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn excerpt(b: &[u8]) -> String {
    let text = body::decode(b, EXCERPT_BYTES);
    let cut = b.len() > EXCERPT_BYTES;
    let mut s = match body::sniff(&text, "") {
        Sniffed::Empty => "(empty)".to_string(),
        Sniffed::Html(page) => match html::title(page) {
            Some(t) => format!("(HTML page: {})", scrub_text(&t)),
            None => "(HTML page)".to_string(),
        },
        _ => redact_json_text(text.trim()),
    };
    if cut {
        s = cap(&s, EXCERPT_BYTES).into_owned();
        s.push_str("\n(cut at ");
        s.push_str(&EXCERPT_BYTES.to_string());
        s.push_str(" bytes)");
    }
    s
}

fn curl(method: &str, url: &str, headers: &Headers, body: Option<&str>) -> String {
    let mut out = format!("curl -X {method} {}", shell_quote(url));
    for (k, v) in headers.0 {
        let k = k.trim();
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            continue;
        }
        out.push_str(" \\\n  -H ");
        out.push_str(&shell_quote(&format!(
            "{k}: {}",
            one_line(&redact_header(k, v))
        )));
    }
    if let Some(b) = body.filter(|b| !b.trim().is_empty()) {
        let cut = b.len() > EXCERPT_BYTES;
        let b = cap(b, EXCERPT_BYTES);
        let mut red = redact_json_text(&b);
        if cut {
            red.push_str(" (cut)");
        }
        out.push_str(" \\\n  --data-raw ");
        out.push_str(&shell_quote(&red));
    }
    out
}

/// POSIX single quoting: `it's` -> `'it'\''s'`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Epoch ms -> `2024-01-27T15:30:45Z` (seconds, floored); `None` outside ±8.64e15 or NaN.
pub(crate) fn iso8601(ms: f64) -> Option<String> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return None;
    }
    let secs = (ms / 1000.0).floor() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            iso8601(1_706_369_445_000.0).as_deref(),
            Some("2024-01-27T15:30:45Z")
        );
        assert_eq!(iso8601(0.0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(iso8601(-1.0).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(iso8601(f64::NAN), None);
        assert_eq!(iso8601(1e300), None);
    }

    #[test]
    fn quoting_and_paths() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(path_and_query("https://h.io/a/b?x=1"), "/a/b?x=1");
        assert_eq!(path_and_query("https://h.io"), "/");
        assert_eq!(path_and_query("https://h.io?x=1"), "/?x=1");
        assert_eq!(path_and_query("/rel?x"), "/rel?x");
    }
}
