//! The same cases under Node and headless Chromium (`scripts/test.sh` runs this file twice:
//! once with the default Node runner, once with `WASM_BINDGEN_USE_BROWSER=1`).
//! They prove the core behaves identically compiled to wasm and that errors cross the
//! boundary as real `Error` objects with a stable `code`.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use faultline::bindings;
use faultline::core::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(bindings::version::wasm_version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn json_reader_works_compiled_to_wasm() {
    let v = json::parse(r#"{"error":{"details":{"wait_seconds":45}}}"#).unwrap();
    assert_eq!(
        v.path(&["error", "details", "wait_seconds"])
            .and_then(json::Value::as_f64),
        Some(45.0)
    );
    let deep = "[".repeat(100_000);
    assert_eq!(
        json::parse(&deep).unwrap_err().kind,
        json::JsonErrorKind::TooDeep
    );
}

#[wasm_bindgen_test]
fn errors_are_real_js_errors_with_codes() {
    let e = bindings::errors::js_error("jwt_malformed", "token has 2 segments");
    let err: js_sys::Error = e.clone().dyn_into().unwrap();
    assert_eq!(String::from(err.name()), "FaultlineError");
    assert_eq!(String::from(err.message()), "token has 2 segments");
    let code = js_sys::Reflect::get(&e, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("jwt_malformed"));
}

#[wasm_bindgen_test]
fn classify_exports_share_the_vocabulary_and_reject_bad_rules() {
    use faultline::bindings::classify::{Classifier, classify_vocab, options_from_spec};
    let vocab = classify_vocab();
    let lines: Vec<&str> = vocab.split('\n').collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(lines[0].split('\u{1}').count(), 13);
    assert!(lines[6].split('\u{1}').any(|h| h == "x-request-id"));
    assert_eq!(lines[8], "date");
    let opts = options_from_spec(r#"{"maxBodyBytes":5,"rules":[{"code":"X","action":"none"}],"userMessages":{"server":"Down"}}"#).unwrap();
    assert_eq!(opts.max_body_bytes, 5);
    assert_eq!(opts.rules.len(), 1);
    for bad in [
        r#"{"rules":[{"code":"X","category":"exploded"}]}"#,
        r#"{"rules":[{"code":"X","retryable":"yes"}]}"#,
        r#"{"rules":[{"category":"forbidden"}]}"#,
        r#"{"maxBodyBytes":-1}"#,
        "not json",
    ] {
        let e = options_from_spec(bad).unwrap_err();
        let code = js_sys::Reflect::get(&e, &JsValue::from_str("code")).unwrap();
        assert_eq!(
            code.as_string().as_deref(),
            Some("invalid_argument"),
            "{bad}"
        );
    }
    // The facade always writes a JSON object; nothing at all is refused.
    assert!(Classifier::new(0).is_err());
}
