//! Native speed of the JWT per-request path (for comparing with the wasm figures).
//!
//! `cargo run --release --example jwt_speed` prints ns/op for `read_summary` on the two
//! tokens of `bench/jwt.mjs` (SimpleJWT ~230 B, OIDC ~900 B with Unicode) and for its parts.
//! Wall time on a shared machine is noisy; for instruction counts run one case under
//! callgrind with a small iteration count:
//! `JWT_SPEED_ITERS=10000 JWT_SPEED_ONLY=simple valgrind --tool=callgrind target/release/examples/jwt_speed`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use faultline::core::jwt::{JwtLimits, read_summary, read_summary_with};
use std::time::Instant;

const SIMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzA2MzU3NDAwLCJpYXQiOjE3MDYzNTM4MDAsImp0aSI6IjlmMGMyYTdlNGIxZDRlNWYiLCJ1c2VyX2lkIjo0Mn0.z2r70CfiKKaTnfqZX_lS_TSQJdZjGS29hEWhKQCkIPI";
const OIDC: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImstMjAyNC0xMSJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoiYXV0aDB8NjVmMWMwZGUwIiwiYXVkIjpbImh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiaHR0cHM6Ly9hdXRoLmV4YW1wbGUuY29tL3VzZXJpbmZvIl0sImlhdCI6MTc2MzgwMDAwMCwiZXhwIjoxNzYzODg2NDAwLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIGVtYWlsIG9mZmxpbmVfYWNjZXNzIHJlYWQ6dXBsb2FkcyB3cml0ZTp1cGxvYWRzIiwibmFtZSI6Ikpvc8OpIE3DvGxsZXItxYF1a2FzeiDml6XmnKzoqp4iLCJlbWFpbCI6Impvc2UwQGV4YW1wbGUuY29tIiwib3JnX2lkIjoib3JnXzhmSzJtUSIsInBlcm1pc3Npb25zIjpbInJlYWQ6dXBsb2FkcyIsIndyaXRlOnVwbG9hZHMiXX0.AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw";

/// ns per call of `f` over `n` iterations.
fn time(n: u32, mut f: impl FnMut() -> f64) -> f64 {
    let t = Instant::now();
    let mut acc = 0.0;
    for _ in 0..n {
        acc += f();
    }
    std::hint::black_box(acc);
    t.elapsed().as_nanos() as f64 / f64::from(n)
}

fn main() {
    let n: u32 = std::env::var("JWT_SPEED_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let only = std::env::var("JWT_SPEED_ONLY").unwrap_or_default();
    let limits = JwtLimits::default();
    for (name, token) in [("simple", SIMPLE), ("oidc", OIDC)] {
        if !only.is_empty() && only != name {
            continue;
        }
        let token = token.as_bytes();
        let want = read_summary(token, &limits).unwrap().claims.exp.unwrap();
        let mut buf = Vec::new();
        let ns = time(n, || {
            read_summary_with(std::hint::black_box(token), &limits, &mut buf)
                .unwrap()
                .claims
                .exp
                .unwrap()
        });
        println!(
            "{name} ({} B): read_summary_with {ns:.1} ns/op (exp {want})",
            token.len()
        );
        if !only.is_empty() {
            continue;
        }
        print_reader(name, token, n, &limits);
        let first = token.iter().position(|&b| b == b'.').unwrap();
        let last = token.iter().rposition(|&b| b == b'.').unwrap();
        let payload = &token[first + 1..last];
        let sig = &token[last + 1..];
        let ns = time(n, || {
            buf.clear();
            faultline::core::jwt::base64url::decode_into(std::hint::black_box(payload), &mut buf)
                .unwrap();
            0.0
        });
        println!("  base64 payload ({} B): {ns:.1} ns/op", payload.len());
        let text = std::str::from_utf8(&buf).unwrap().to_string();
        let ns = time(n, || {
            faultline::core::json::visit_object(
                std::hint::black_box(&text),
                Default::default(),
                |_, _| {},
            )
            .unwrap();
            0.0
        });
        println!("  visit payload json ({} B): {ns:.1} ns/op", text.len());
        let ns = time(n / 4, || {
            std::hint::black_box(
                faultline::core::json::parse(std::hint::black_box(&text)).unwrap(),
            );
            0.0
        });
        println!("  parse payload json: {ns:.1} ns/op");
        let ns = time(n, || {
            faultline::core::jwt::base64url::validate(std::hint::black_box(sig)).unwrap();
            0.0
        });
        println!("  validate sig ({} B): {ns:.1} ns/op", sig.len());
    }
}

/// What the wasm bindings do: one `SummaryReader` for every call (the header is remembered).
fn print_reader(name: &str, token: &[u8], n: u32, limits: &JwtLimits) {
    let mut reader = faultline::core::jwt::SummaryReader::new();
    let ns = time(n, || {
        reader
            .read(std::hint::black_box(token), limits)
            .unwrap()
            .claims
            .exp
            .unwrap()
    });
    println!("{name}: SummaryReader::read {ns:.1} ns/op");
}
