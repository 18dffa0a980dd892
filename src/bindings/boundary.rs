//! The one way values cross: JSON text in, plain objects out.
//!
//! Inputs arrive as JSON text (the facade's `toWire`) and are read straight into the core's
//! serde types by the bounded JSON reader ([`crate::core::json::de`]): one string crosses
//! per argument instead of one JS call per field. Results are encoded as plain JS objects by
//! serde-wasm-bindgen (`Option::None` as `null`, maps as objects, numbers as numbers).
//! A value that does not fit the expected shape becomes a `FaultlineError` with code
//! `invalid_argument` naming the member that was wrong, never a panic and never a silent
//! default.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::errors::js_error;
use crate::core::json::Limits;
use crate::core::json::de::{DecodeError, from_str};

/// Reads `text` (JSON) as `T`; `what` names the argument in the error message.
pub fn decode<'a, T: Deserialize<'a>>(what: &str, text: &'a str) -> Result<T, JsValue> {
    from_str(text, &Limits::default()).map_err(|e| invalid(what, &e))
}

/// The `invalid_argument` error for an argument that did not fit.
pub fn invalid(what: &str, e: &DecodeError) -> JsValue {
    js_error("invalid_argument", &format!("faultline: {what}: {e}"))
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
