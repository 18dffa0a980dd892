#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Runs every case of `tests/vectors/hints.json` through the hint readers, exactly, and
//! checks hint invariants on random header values.

use faultline::core::json::{self, Value};
use faultline::core::rand::SplitMix64;
use faultline::core::retry::hints::{
    Headers, Hint, MAX_HINT_MS, from_body, from_headers, from_text, parse_http_date,
};

fn show(h: Option<Hint>) -> String {
    h.map_or("null".into(), |h| {
        format!("{} from {}", h.delay_ms, h.source)
    })
}

fn want_hint(v: &Value) -> String {
    if v.is_null() {
        return "null".into();
    }
    format!(
        "{} from {}",
        v.get("delayMs").unwrap().as_f64().unwrap(),
        v.get("source").unwrap().as_str().unwrap()
    )
}

#[test]
fn every_hint_case_matches_exactly() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/hints.json"
    ))
    .unwrap();
    let doc = json::parse(&text).unwrap();
    let cases = doc.get("cases").unwrap().as_array().unwrap();
    assert!(cases.len() >= 80);
    let mut failures = Vec::new();
    let mut kinds = std::collections::BTreeMap::new();
    for case in cases {
        let name = case.get("name").unwrap().as_str().unwrap();
        assert!(
            case.get("source").and_then(Value::as_str).is_some(),
            "{name}"
        );
        let kind = case.get("kind").unwrap().as_str().unwrap();
        *kinds.entry(kind.to_string()).or_insert(0) += 1;
        let input = case.get("input").unwrap();
        let expect = case.get("expect").unwrap();
        let (got, want) = match kind {
            "headers" => {
                let pairs: Vec<(String, String)> = input
                    .get("headers")
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.as_str().unwrap().to_string()))
                    .collect();
                let refs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let now = input.get("nowMs").and_then(Value::as_f64);
                (show(from_headers(&Headers(&refs), now)), want_hint(expect))
            }
            "body" => {
                let body = input.get("body").unwrap().as_str().unwrap();
                let doc = json::parse(body).unwrap();
                (show(from_body(&doc)), want_hint(expect))
            }
            "text" => {
                let t = input.get("text").unwrap().as_str().unwrap();
                (show(from_text(t)), want_hint(expect))
            }
            "date" => {
                let d = input.get("date").unwrap().as_str().unwrap();
                (
                    format!("{:?}", parse_http_date(d)),
                    format!("{:?}", expect.get("epochMs").unwrap().as_f64()),
                )
            }
            other => panic!("{name}: unknown kind {other}"),
        };
        if got != want {
            failures.push(format!("{name}: got {got}, want {want}"));
        }
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn random_header_values_give_finite_non_negative_hints() {
    let mut rng = SplitMix64::new(0x4817_5EED);
    let alphabet = b"0123456789 .-+eE,;=\"rtabcdefGMTSunNovJan:";
    let names = [
        "retry-after-ms",
        "Retry-After",
        "RateLimit",
        "RateLimit-Reset",
        "X-RateLimit-Reset",
        "Date",
        "X-RateLimit-Remaining",
    ];
    for round in 0..5000 {
        let seed = rng.next_u64();
        let mut r = SplitMix64::new(seed);
        let values: Vec<String> = (0..names.len())
            .map(|_| {
                (0..r.below(24))
                    .map(|_| char::from(alphabet[r.below(alphabet.len() as u64) as usize]))
                    .collect()
            })
            .collect();
        let pairs: Vec<(&str, &str)> = names
            .iter()
            .zip(&values)
            .filter(|_| r.below(2) == 0)
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        let now = [
            None,
            Some(0.0),
            Some(1.7e12),
            Some(f64::NAN),
            Some(f64::INFINITY),
        ][r.below(5) as usize];
        if let Some(h) = from_headers(&Headers(&pairs), now) {
            assert!(
                h.delay_ms.is_finite() && (0.0..=MAX_HINT_MS).contains(&h.delay_ms),
                "round {round} seed {seed:#x}: {pairs:?} -> {h:?}"
            );
        }
    }
}
