#![no_main]
//! Fuzzes the classifier end to end: any status, header values, body bytes and thrown-error
//! strings must classify without panicking, with a finite non-negative hint, and the
//! support report must build and never echo an `Authorization` value. The body is also
//! read by the JSON reader and by `serde_json`, which must agree (docs/classify.md lists
//! the documented differences: lone surrogates, numbers out of `f64` range).
//!
//! Input layout: bytes 0-1 status (big endian, mod 1000), byte 2 flags (phase, body limit,
//! content type), then up to 4 header values separated by 0x00, then the body.

use faultline::core::classify::{
    ClassifyOptions, Phase, ReportRequest, ResponseParts, Thrown, classify, classify_thrown,
    support_report,
};
use faultline::core::json;
use faultline::core::retry::hints::Headers;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["retry-after", "ratelimit", "date", "x-ratelimit-reset"];
const CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "application/problem+json",
    "text/html",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let (head, rest) = data.split_at(data.len().min(3));
    let status = match head {
        [a, b, ..] => u16::from_be_bytes([*a, *b]) % 1000,
        _ => 500,
    };
    let flags = head.get(2).copied().unwrap_or(0);
    let phase = [Phase::Request, Phase::Refresh, Phase::Login, Phase::Request]
        [usize::from(flags & 3)];
    let max_body = if flags & 4 != 0 { 64 } else { 65_536 };
    let content_type = CONTENT_TYPES[usize::from((flags >> 3) & 3)];

    let mut parts = rest.splitn(NAMES.len() + 1, |&b| b == 0);
    let values: Vec<String> = NAMES
        .iter()
        .map(|_| String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned())
        .collect();
    let body = parts.next().unwrap_or(&[]);
    let mut headers: Vec<(&str, &str)> = NAMES
        .iter()
        .zip(&values)
        .map(|(n, v)| (*n, v.as_str()))
        .collect();
    headers.push(("content-type", content_type));

    let opts = ClassifyOptions::default().with_max_body_bytes(max_body);
    let c = classify(
        &ResponseParts {
            status,
            headers: Headers(&headers),
            body,
            phase,
            now_ms: Some(1.7e12),
            ..ResponseParts::default()
        },
        &opts,
    );
    if let Some(ms) = c.retry_after_ms {
        assert!(ms.is_finite() && ms >= 0.0);
    }

    let text = String::from_utf8_lossy(body);
    let ours = json::parse_with(&text, json::Limits { max_depth: 127 });
    match (&ours, serde_json::from_str::<serde_json::Value>(&text)) {
        (Ok(a), Ok(b)) => assert!(same(a, &b), "{text:?}"),
        (Err(e), Ok(_)) => panic!("refused what serde_json reads: {e:?} {text:?}"),
        (Ok(_), Err(e)) => {
            let e = e.to_string();
            assert!(
                ["surrogate", "unicode code point", "hex escape", "number out of range"]
                    .iter()
                    .any(|d| e.contains(d)),
                "{e}: {text:?}"
            );
        }
        (Err(_), Err(_)) => {}
    }
    let t = classify_thrown(&Thrown {
        name: Some(values[0].as_str()),
        message: Some(&text),
        code: Some(values[1].as_str()),
        cause_name: None,
        cause_message: Some(values[2].as_str()),
        cause_code: Some(values[3].as_str()),
    });

    let secret = "Bearer zz-secret-zz";
    let req_headers = [("Authorization", secret), ("X-Fuzz", values[3].as_str())];
    for cl in [&c, &t] {
        let report = support_report(
            cl,
            &ReportRequest {
                method: Some(values[0].as_str()),
                url: Some(values[2].as_str()),
                headers: Headers(&req_headers),
                body: Some(&text),
                response_body: Some(body),
                timestamp_ms: Some(f64::from(status) * 1e9),
            },
        );
        let echoed_by_input = data.windows(12).any(|w| w == b"zz-secret-zz");
        assert!(echoed_by_input || !report.contains("zz-secret-zz"));
    }
});

/// Whether our value is serde_json's (numbers to within rounding of the last digit,
/// objects by their last member of each name).
fn same(a: &json::Value<'_>, b: &serde_json::Value) -> bool {
    use json::Value;
    use serde_json::Value as J;
    match (a, b) {
        (Value::Null, J::Null) => true,
        (Value::Bool(x), J::Bool(y)) => x == y,
        (Value::Number(x), J::Number(y)) => {
            let y = y.as_f64().unwrap_or(f64::NAN);
            *x == y || ((x - y) / y).abs() < 1e-15
        }
        (Value::String(x), J::String(y)) => x == y,
        (Value::Array(xs), J::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
        }
        (Value::Object(_), J::Object(map)) => map
            .iter()
            .all(|(k, y)| a.get(k).is_some_and(|x| same(x, y))),
        _ => false,
    }
}
