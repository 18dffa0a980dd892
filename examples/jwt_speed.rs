//! Native speed of the JWT per-request path (for comparing with the wasm figures).
//! `cargo run --release --example jwt_speed`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use faultline::core::jwt::{JwtLimits, read_summary};
use std::time::Instant;

fn main() {
    let token = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzA2MzU3NDAwLCJpYXQiOjE3MDYzNTM4MDAsImp0aSI6IjlmMGMyYTdlNGIxZDRlNWYiLCJ1c2VyX2lkIjo0Mn0.z2r70CfiKKaTnfqZX_lS_TSQJdZjGS29hEWhKQCkIPI";
    let limits = JwtLimits::default();
    let n = 1_000_000;
    let t = Instant::now();
    let mut acc = 0.0;
    for _ in 0..n {
        acc += read_summary(std::hint::black_box(token), &limits)
            .unwrap()
            .claims
            .exp
            .unwrap();
    }
    println!(
        "read_summary: {:.1} ns/op ({acc})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let payload = &token[37..token.len() - 44];
    let mut buf = Vec::new();
    let t = Instant::now();
    for _ in 0..n {
        buf.clear();
        faultline::core::jwt::base64url::decode_into(std::hint::black_box(payload), &mut buf)
            .unwrap();
    }
    println!(
        "base64 payload ({} B): {:.1} ns/op",
        payload.len(),
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let text = std::str::from_utf8(&buf).unwrap().to_string();
    let t = Instant::now();
    for _ in 0..n {
        faultline::core::json::visit_object(
            std::hint::black_box(&text),
            Default::default(),
            |_, _| {},
        )
        .unwrap();
    }
    println!(
        "visit payload json: {:.1} ns/op",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(faultline::core::json::parse(std::hint::black_box(&text)).unwrap());
    }
    println!(
        "parse payload json: {:.1} ns/op",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let sig = &token[token.len() - 43..];
    let t = Instant::now();
    for _ in 0..n {
        faultline::core::jwt::base64url::validate(std::hint::black_box(sig)).unwrap();
    }
    println!(
        "validate sig: {:.1} ns/op",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}

#[allow(dead_code)]
fn parts() {}
