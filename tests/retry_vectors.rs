#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Replays tests/vectors/retry.json (the JS tests replay the same file through the wasm
//! bindings).

use faultline::core::classify::model::{Action, Category, Classification, Format};
use faultline::core::error::ErrorCode;
use faultline::core::json::{self, Value};
use faultline::core::retry::{DecideInput, Policy, RetryConfig, RetryError};

fn opt_f64(v: &Value<'_>, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn classification(v: &Value<'_>) -> Classification {
    let hint_source = v.get("hintSource").and_then(Value::as_str).map(|s| {
        faultline::core::retry::hints::HintSource::parse(s)
            .unwrap_or_else(|| panic!("unknown hint source {s}"))
    });
    Classification {
        category: Category::parse(v.get("category").unwrap().as_str().unwrap()).unwrap(),
        action: Action::None,
        status: opt_f64(v, "status").map(|s| s as u16),
        code: None,
        message: None,
        retryable: v.get("retryable").unwrap().as_bool().unwrap(),
        retry_after_ms: opt_f64(v, "retryAfterMs"),
        hint_source,
        request_id: None,
        field_errors: None,
        format: Format::Unknown,
        user_message: String::new(),
        not_sent: v.get("notSent").and_then(Value::as_bool).unwrap_or(false),
    }
}

fn check_decision(name: &str, i: usize, p: &mut Policy, step: &Value<'_>, want: &Value<'_>) {
    let c = classification(step.get("classification").unwrap());
    let input = DecideInput {
        attempt: step.get("attempt").unwrap().as_f64().unwrap() as u32,
        classification: &c,
        method: step.get("method").and_then(Value::as_str).unwrap_or("GET"),
        has_idempotency_key: step.get("idempotencyKey").and_then(Value::as_str).is_some(),
        elapsed_ms: opt_f64(step, "elapsedMs").unwrap_or(0.0),
        now_ms: opt_f64(step, "nowMs").unwrap_or(0.0),
        origin: step.get("origin").and_then(Value::as_str),
        throttled_retries: opt_f64(step, "throttledRetries").unwrap_or(0.0) as u32,
        previous_delay_ms: opt_f64(step, "previousDelayMs"),
    };
    let d = p.decide(&input);
    let ctx = format!("{name} step {i}: {d:?}");
    assert_eq!(
        d.retry,
        want.get("retry").unwrap().as_bool().unwrap(),
        "{ctx}"
    );
    assert_eq!(
        d.reason.as_str(),
        want.get("reason").unwrap().as_str().unwrap(),
        "{ctx}"
    );
    assert_eq!(
        d.hint_source,
        want.get("hintSource").and_then(Value::as_str),
        "{ctx}"
    );
    if let Some(range) = want.get("delayRange").and_then(Value::as_array) {
        let (lo, hi) = (range[0].as_f64().unwrap(), range[1].as_f64().unwrap());
        assert!(
            d.delay_ms >= lo && d.delay_ms <= hi,
            "{ctx}: not in [{lo}, {hi}]"
        );
    } else {
        assert_eq!(
            d.delay_ms,
            want.get("delayMs").unwrap().as_f64().unwrap(),
            "{ctx}"
        );
    }
}

#[test]
fn retry_vectors() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/retry.json"
    ))
    .unwrap();
    let doc = json::parse(&src).unwrap();
    let cases = doc.get("cases").unwrap().as_array().unwrap();
    assert!(cases.len() >= 25);
    let mut reasons = std::collections::HashSet::new();
    for case in cases {
        let name = case.get("name").unwrap().as_str().unwrap();
        assert!(
            case.get("source").and_then(Value::as_str).is_some(),
            "{name}: source"
        );
        let input = case.get("input").unwrap();
        let expect = case.get("expect").unwrap();
        let config = RetryConfig::from_json(input.get("config").unwrap());
        if let Some(code) = expect.get("error").and_then(Value::as_str) {
            let e = config.expect_err(name);
            assert_eq!(e.code(), code, "{name}");
            let option = match &e {
                RetryError::InvalidOption { option, .. } => option.to_string(),
                RetryError::UnknownOption { option } => option.clone(),
                other => panic!("{name}: {other:?}"),
            };
            assert_eq!(
                option,
                expect.get("option").unwrap().as_str().unwrap(),
                "{name}"
            );
            continue;
        }
        let mut p = Policy::new(config.unwrap()).unwrap();
        let steps = input.get("steps").unwrap().as_array().unwrap();
        let results = expect.get("results").unwrap().as_array().unwrap();
        assert_eq!(steps.len(), results.len(), "{name}");
        for (i, (step, want)) in steps.iter().zip(results).enumerate() {
            if let Some(s) = step.get("decide") {
                check_decision(name, i, &mut p, s, want);
                reasons.insert(want.get("reason").unwrap().as_str().unwrap().to_string());
            } else if let Some(s) = step.get("recordSuccess") {
                p.record_success(
                    s.get("origin").and_then(Value::as_str),
                    opt_f64(s, "nowMs").unwrap_or(0.0),
                );
                assert_eq!(
                    want.get("ok").and_then(Value::as_bool),
                    Some(true),
                    "{name} {i}"
                );
            } else if let Some(s) = step.get("allowRequest") {
                let got = p.allow_request(
                    s.get("origin").unwrap().as_str().unwrap(),
                    opt_f64(s, "nowMs").unwrap(),
                );
                assert_eq!(
                    Some(got),
                    want.get("allowed").and_then(Value::as_bool),
                    "{name} step {i}"
                );
            } else if let Some(n) = step.get("schedule").and_then(Value::as_f64) {
                let want: Vec<f64> = want
                    .get("schedule")
                    .unwrap()
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
}
