//! Turning core errors into JavaScript errors.
//!
//! A core error crosses the boundary as a real `Error` whose `name` is `"FaultlineError"`
//! and which carries the stable `code`. The facade re-creates it as an instance of its
//! `FaultlineError` class (see `pkg-template/src/errors.ts`), so users can rely on both
//! `instanceof` and `err.code`.

use crate::core::error::ErrorCode;
use wasm_bindgen::JsValue;

/// Builds the JS error for a code and a message.
pub fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("FaultlineError");
    // Setting a property on a fresh Error cannot fail; ignore the Result rather than panic.
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// Builds the JS error for any core error.
pub fn to_js<E: ErrorCode + std::fmt::Display>(e: &E) -> JsValue {
    js_error(e.code(), &e.to_string())
}
