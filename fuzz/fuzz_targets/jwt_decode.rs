#![no_main]
//! Placeholder target: replaced by the owning work.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = faultline::core::json::parse(s);
    }
});
