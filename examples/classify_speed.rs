//! Native speed of `classify` on the bodies of `bench/classify.mjs` (for comparing with the
//! wasm figures and for profiling the core without the boundary).
//!
//! `cargo run --release --example classify_speed` prints ns/op per format. For instruction
//! counts run one case under callgrind with a small iteration count:
//! `CLASSIFY_SPEED_ITERS=20000 CLASSIFY_SPEED_ONLY=upstream valgrind --tool=callgrind target/release/examples/classify_speed`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use faultline::core::classify::{ClassifyOptions, ResponseParts, classify_with};
use faultline::core::json::{self, Value};
use faultline::core::retry::hints::Headers;
use std::time::Instant;

/// The vectors `bench/classify.mjs` times, by a short label.
const CASES: [(&str, &str); 9] = [
    (
        "upstream",
        "upstream 429 throttled wait_seconds -> wait_and_retry 3600 s",
    ),
    (
        "simplejwt",
        "SimpleJWT 401 expired access token -> refresh_token",
    ),
    ("sachain", "sachain VALIDATION_INVALID_FORMAT 400"),
    ("problem", "problem 422 errors extension with JSON pointers"),
    (
        "google",
        "google 429 RESOURCE_EXHAUSTED with RetryInfo and ErrorInfo",
    ),
    ("graphql", "graphql 200 UNAUTHENTICATED -> refresh_token"),
    ("fastapi", "FastAPI 422 detail list -> body.email keys"),
    (
        "nginx",
        "nginx 502 HTML page -> unavailable, title as message",
    ),
    (
        "empty",
        "empty 503 with Retry-After HTTP-date against the Date header",
    ),
];

fn main() {
    let n: u32 = std::env::var("CLASSIFY_SPEED_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300_000);
    let only = std::env::var("CLASSIFY_SPEED_ONLY").unwrap_or_default();
    let text = std::fs::read_to_string("tests/vectors/classify.json").unwrap();
    let doc = json::parse(&text).unwrap();
    let cases = doc.get("cases").and_then(Value::as_array).unwrap();
    let opts = ClassifyOptions::default();
    for (label, name) in CASES {
        if !only.is_empty() && only != label {
            continue;
        }
        let case = cases
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            .unwrap();
        let input = case.get("input").unwrap();
        let body = input.get("body").and_then(Value::as_str).unwrap_or("");
        let status = input.get("status").and_then(Value::as_f64).unwrap() as u16;
        let headers: Vec<(String, String)> = input
            .get("headers")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let parts = ResponseParts {
            status,
            headers: Headers(&pairs),
            body: body.as_bytes(),
            ..ResponseParts::default()
        };
        let t = Instant::now();
        let mut acc = 0usize;
        for _ in 0..n {
            // The borrowed result, as the wasm bindings read it (no owned copy).
            acc += classify_with(std::hint::black_box(&parts), &opts, |c| {
                c.user_message.len() + c.field_errors.as_ref().map_or(0, |f| f.len())
            });
        }
        std::hint::black_box(acc);
        let ns = t.elapsed().as_nanos() as f64 / f64::from(n);
        println!("{label:<10} {:>5} B {ns:>8.0} ns/op", body.len());
    }
}
