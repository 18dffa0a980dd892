//! A reusable byte buffer in wasm memory for passing strings in cheaply.
//!
//! wasm-bindgen's default string glue copies UTF-16 units one by one (~2 ns per char), which
//! makes a 300-char JWT cost more than the whole decode. Instead the facade asks for room
//! with [`scratch_reserve`], writes UTF-8 straight into wasm memory with
//! `TextEncoder.encodeInto` (~80 ns whatever the length), and calls an export that reads the
//! first `len` bytes through [`with_input`]. Several inputs go in back to back: the facade
//! writes them one after the other and passes their lengths.
//!
//! Results that are several numbers come back the same way in reverse: the export writes them
//! to [`OUT`] and the facade reads the `Float64Array` at [`scratch_out_ptr`].
//!
//! All of it is safe Rust: the buffer is a `Vec<u8>` whose initialised length covers the
//! reserved room, so whatever JS wrote there is ordinary vector content.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Inputs larger than this are refused by the facade before they are encoded (16 MiB).
pub const MAX_SCRATCH: usize = 16 * 1024 * 1024;

/// How many f64 result slots there are.
pub const OUT_SLOTS: usize = 24;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Numeric results of the last call that returns more than one number.
    pub static OUT: RefCell<[f64; OUT_SLOTS]> = const { RefCell::new([0.0; OUT_SLOTS]) };
}

/// Makes room for `cap` bytes and returns where JS may write them (0 if `cap` is too large).
#[wasm_bindgen]
pub fn scratch_reserve(cap: usize) -> usize {
    if cap > MAX_SCRATCH {
        return 0;
    }
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < cap {
            s.resize(cap, 0);
        }
        s.as_mut_ptr() as usize
    })
}

/// Where the numeric results of the last multi-number call are.
#[wasm_bindgen]
pub fn scratch_out_ptr() -> usize {
    OUT.with(|o| o.borrow_mut().as_mut_ptr() as usize)
}

/// The wasm memory, so the facade can view the scratch buffers.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Runs `f` on bytes `[start, start + len)` of the scratch buffer (empty when out of range).
pub fn with_input<R>(start: usize, len: usize, f: impl FnOnce(&[u8]) -> R) -> R {
    SCRATCH.with(|s| {
        let s = s.borrow();
        let bytes = start
            .checked_add(len)
            .and_then(|end| s.get(start..end))
            .unwrap_or(&[]);
        f(bytes)
    })
}

/// Stores numeric results for the facade to read.
pub fn set_out(values: &[f64]) {
    OUT.with(|o| {
        let mut o = o.borrow_mut();
        for (slot, v) in o.iter_mut().zip(values) {
            *slot = *v;
        }
    });
}
