#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Replays tests/vectors/retry.json (the JS tests replay the same file through the wasm
//! bindings). Options and decide inputs are read from JSON text by the same reader and serde
//! types the bindings use.

use faultline::core::error::ErrorCode;
use faultline::core::json::Limits;
use faultline::core::json::de::from_str;
use faultline::core::retry::args::{DecideArgs, read_options};
use faultline::core::retry::{Policy, RetryError};
use serde_json::Value;

fn check_decision(name: &str, i: usize, p: &mut Policy, step: &Value, want: &Value) {
    let text = step.to_string();
    let args: DecideArgs = from_str(&text, &Limits::default()).unwrap();
    let d = p.decide(&args.input(0.0).unwrap());
    let ctx = format!("{name} step {i}: {d:?}");
    assert_eq!(d.retry, want["retry"].as_bool().unwrap(), "{ctx}");
    assert_eq!(d.reason.as_str(), want["reason"].as_str().unwrap(), "{ctx}");
    assert_eq!(d.hint_source, want["hintSource"].as_str(), "{ctx}");
    if let Some(range) = want.get("delayRange").and_then(Value::as_array) {
        let (lo, hi) = (range[0].as_f64().unwrap(), range[1].as_f64().unwrap());
        assert!(
            d.delay_ms >= lo && d.delay_ms <= hi,
            "{ctx}: not in [{lo}, {hi}]"
        );
    } else {
        assert_eq!(d.delay_ms, want["delayMs"].as_f64().unwrap(), "{ctx}");
    }
    for (key, got) in [
        ("retryAfterMs", d.retry_after_ms),
        ("retryAtMs", d.retry_at_ms),
    ] {
        if let Some(w) = want.get(key) {
            assert_eq!(got, w.as_f64(), "{ctx}: {key}");
        }
    }
}

#[test]
fn retry_vectors() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/retry.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&src).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    let mut reasons = std::collections::HashSet::new();
    let mut carried = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        assert!(case["source"].is_string(), "{name}: source");
        let input = &case["input"];
        let expect = &case["expect"];
        let config = read_options(&input["config"].to_string());
        if let Some(code) = expect["error"].as_str() {
            let e = config.expect_err(name);
            assert_eq!(e.code(), code, "{name}");
            let option = match &e {
                RetryError::InvalidOption { option, .. } => option.to_string(),
                RetryError::UnknownOption { option } => option.clone(),
                other => panic!("{name}: {other:?}"),
            };
            assert_eq!(option, expect["option"].as_str().unwrap(), "{name}");
            continue;
        }
        let mut p = Policy::new(config.unwrap()).unwrap();
        let steps = input["steps"].as_array().unwrap();
        let results = expect["results"].as_array().unwrap();
        assert_eq!(steps.len(), results.len(), "{name}");
        for (i, (step, want)) in steps.iter().zip(results).enumerate() {
            if let Some(s) = step.get("decide") {
                check_decision(name, i, &mut p, s, want);
                reasons.insert(want["reason"].as_str().unwrap().to_string());
                carried += usize::from(want.get("retryAtMs").is_some());
            } else if let Some(s) = step.get("recordSuccess") {
                p.record_success(s["origin"].as_str(), s["nowMs"].as_f64().unwrap_or(0.0));
                assert_eq!(want["ok"].as_bool(), Some(true), "{name} {i}");
            } else if let Some(s) = step.get("allowRequest") {
                let got =
                    p.allow_request(s["origin"].as_str().unwrap(), s["nowMs"].as_f64().unwrap());
                assert_eq!(Some(got), want["allowed"].as_bool(), "{name} step {i}");
            } else if let Some(n) = step.get("schedule").and_then(Value::as_u64) {
                let want: Vec<f64> = want["schedule"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect();
                assert_eq!(p.schedule(n as usize), want, "{name}");
            } else {
                panic!("{name}: unknown step {step:?}");
            }
        }
    }
    assert_eq!(
        reasons.len(),
        10,
        "every reason appears in the vectors: {reasons:?}"
    );
    assert!(carried >= 4, "retryAtMs is checked by the vectors");
}
