//! Build identity, so a page can prove the module it loaded is ours and working.

use wasm_bindgen::prelude::*;

/// The crate version compiled into this module.
#[wasm_bindgen(js_name = wasmVersion)]
pub fn wasm_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
