//! Native speed of `decode` (for comparing with the wasm figures of `bench/jwt.mjs`).
//!
//! `cargo run --release --example jwt_speed` prints ns/op of `read` (the claims that
//! `decodeJwt(t).exp` needs) and `decode` (also the texts) on the two tokens of
//! `bench/jwt.mjs` (SimpleJWT ~230 B, OIDC ~900 B with Unicode): the best of 5 runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use faultline::core::jwt::{JwtLimits, decode, read};
use std::time::Instant;

const SIMPLE: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzA2MzU3NDAwLCJpYXQiOjE3MDYzNTM4MDAsImp0aSI6IjlmMGMyYTdlNGIxZDRlNWYiLCJ1c2VyX2lkIjo0Mn0.z2r70CfiKKaTnfqZX_lS_TSQJdZjGS29hEWhKQCkIPI";
const OIDC: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImstMjAyNC0xMSJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoiYXV0aDB8NjVmMWMwZGUwIiwiYXVkIjpbImh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiaHR0cHM6Ly9hdXRoLmV4YW1wbGUuY29tL3VzZXJpbmZvIl0sImlhdCI6MTc2MzgwMDAwMCwiZXhwIjoxNzYzODg2NDAwLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIGVtYWlsIG9mZmxpbmVfYWNjZXNzIHJlYWQ6dXBsb2FkcyB3cml0ZTp1cGxvYWRzIiwibmFtZSI6Ikpvc8OpIE3DvGxsZXItxYF1a2FzeiDml6XmnKzoqp4iLCJlbWFpbCI6Impvc2UwQGV4YW1wbGUuY29tIiwib3JnX2lkIjoib3JnXzhmSzJtUSIsInBlcm1pc3Npb25zIjpbInJlYWQ6dXBsb2FkcyIsIndyaXRlOnVwbG9hZHMiXX0.AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw";

/// ns per call of `f`: the best of 5 runs of `n` iterations (the least disturbed by other
/// processes).
fn time(n: u32, mut f: impl FnMut() -> f64) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        let mut acc = 0.0;
        for _ in 0..n {
            acc += f();
        }
        std::hint::black_box(acc);
        best = best.min(t.elapsed().as_nanos() as f64 / f64::from(n));
    }
    best
}

fn main() {
    let n: u32 = std::env::var("JWT_SPEED_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let limits = JwtLimits::default();
    for (name, token) in [("simple", SIMPLE), ("oidc", OIDC)] {
        let token = token.as_bytes();
        let read_ns = time(n, || {
            read(std::hint::black_box(token), &limits)
                .unwrap()
                .exp
                .unwrap()
        });
        let decode_ns = time(n, || {
            decode(std::hint::black_box(token), &limits)
                .unwrap()
                .exp
                .unwrap()
        });
        println!(
            "{name:>6} ({} B): read {read_ns:.0} ns/op, decode {decode_ns:.0} ns/op",
            token.len()
        );
    }
}
