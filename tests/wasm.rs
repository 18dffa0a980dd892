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
fn classify_crosses_as_typed_objects_and_rejects_bad_input() {
    use faultline::bindings::classify::{Classifier, classify};
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap();
    let code_of = |e: &JsValue| get(e, "code").as_string();

    let c = classify(
        r#"{"status":429,"headers":"Retry-After: 30\nX-Other:1","body":"{\"detail\":\"Slow\"}"}"#,
    )
    .unwrap();
    assert_eq!(
        get(&c, "category").as_string().as_deref(),
        Some("rate_limited")
    );
    assert_eq!(get(&c, "retryAfterMs").as_f64(), Some(30_000.0));
    assert_eq!(
        get(&c, "hintSource").as_string().as_deref(),
        Some("retry-after")
    );
    assert!(get(&c, "fieldErrors").is_null());

    for bad in [
        r#"{"status":503,"headers":[["date","x"]]}"#,
        r#"{"status":"503"}"#,
        r#"{"status":1000}"#,
        r#"{"status":401,"phase":"later"}"#,
    ] {
        let e = classify(bad).unwrap_err();
        assert_eq!(code_of(&e).as_deref(), Some("invalid_argument"), "{bad}");
    }
    let e = classify(r#"{"status":"503"}"#).unwrap_err();
    assert_eq!(
        get(&e, "message").as_string().as_deref(),
        Some("faultline: classify input: status: expected a whole number, got a string")
    );

    let classifier = Classifier::new(
        r#"{"maxBodyBytes":5,"rules":[{"code":"X","action":"none"}],"userMessages":{"server":"Down"}}"#,
    )
    .unwrap();
    assert_eq!(classifier.max_body_bytes(), 5);
    for bad in [
        r#"{"rules":[{"code":"X","category":"exploded"}]}"#,
        r#"{"rules":[{"code":"X","retryable":"yes"}]}"#,
        r#"{"rules":[{"category":"forbidden"}]}"#,
        r#"{"rules":[{"code":" "}]}"#,
        r#"{"maxBodyBytes":-1}"#,
        r#"{"maxBodyBytes":99999999}"#,
    ] {
        let e = Classifier::new(bad).unwrap_err();
        assert_eq!(code_of(&e).as_deref(), Some("invalid_argument"), "{bad}");
    }
}
