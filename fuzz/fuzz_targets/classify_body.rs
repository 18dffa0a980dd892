#![no_main]
//! Fuzzes the classifier end to end: any status, header values, body bytes and thrown-error
//! strings must classify without panicking, with a finite non-negative hint, and the
//! support report must build and never echo an `Authorization` value.
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
    // The node tape the classifier reads bodies with accepts exactly what the tree parser
    // does, with the same error at the same offset, and holds the same values.
    match (json::parse(&text), json::parse_doc(&text)) {
        (Ok(tree), Ok(doc)) => assert!(same_value(&tree, doc.root()), "{text:?}"),
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("tree {:?} vs tape {:?}", a.map(drop), b.map(drop)),
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

/// Whether the tape node holds what the tree value does (numbers bit for bit, members in
/// order with their keys).
fn same_value(v: &json::Value<'_>, n: json::Node<'_>) -> bool {
    use json::{Kind, Value};
    match (v, n.kind()) {
        (Value::Null, Kind::Null) => true,
        (Value::Bool(a), Kind::Bool(b)) => a == &b,
        (Value::Number(a), Kind::Number(b)) => a.to_bits() == b.to_bits(),
        (Value::String(a), Kind::String(b)) => a == b,
        (Value::Array(items), Kind::Array) => {
            let nodes: Vec<_> = n.items().into_iter().flatten().collect();
            items.len() == nodes.len() && items.iter().zip(nodes).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(members), Kind::Object) => {
            let nodes: Vec<_> = n.members().into_iter().flatten().collect();
            members.len() == nodes.len()
                && members
                    .iter()
                    .zip(nodes)
                    .all(|((ka, a), (kb, b))| ka == kb && same_value(a, b))
        }
        _ => false,
    }
}
