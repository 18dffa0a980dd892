//! The one way values cross: serde on both sides.
//!
//! Inputs are decoded from plain JS objects into the core's serde types, results are encoded
//! back as plain objects (`Option::None` as `null`, maps as objects, numbers as numbers).
//! A value that does not fit the expected shape becomes a `FaultlineError` with code
//! `invalid_argument` naming what was wrong, never a panic and never a silent default.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use super::errors::js_error;

/// Decodes a JS value into `T`; `what` names the argument in the error message.
pub fn decode<T: DeserializeOwned>(what: &str, value: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_error("invalid_argument", &format!("faultline: {what}: {e}")))
}

/// Encodes `value` as a plain JS object (JSON-compatible: `None` is `null`, maps are objects).
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            js_error(
                "internal",
                &format!("faultline: could not encode a result: {e}"),
            )
        })
}
