//! Stable error codes, defined once.
//!
//! Every error the library can raise has a stable snake_case `code` that users switch on.
//! Each concern owns its codes (`jwt::CODES`, `retry::CODES`, ...); [`all_codes`] gathers
//! them. The TypeScript file `pkg-template/src/codes.ts` is generated from this table by
//! `cargo test` (test `codes_ts_is_current`), so the codes are never written twice by hand.

/// One error code and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The stable code, e.g. `"jwt_malformed"`.
    pub code: &'static str,
    /// One line for the docs and the default message.
    pub summary: &'static str,
}

/// Implemented by every error enum in the core.
pub trait ErrorCode {
    /// The stable code of this error.
    fn code(&self) -> &'static str;
}

/// Codes raised by the JavaScript side of the package (loading, HTTP, arguments).
pub const GENERAL_CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "invalid_argument",
        summary: "an argument has the wrong type or an out-of-range value",
    },
    CodeInfo {
        code: "not_initialized",
        summary: "the WebAssembly module was used before init() finished",
    },
    CodeInfo {
        code: "init_failed",
        summary: "the WebAssembly module could not be loaded",
    },
    CodeInfo {
        code: "http_error",
        summary: "a request failed; the ApiError carries its classification",
    },
    CodeInfo {
        code: "internal",
        summary: "an unexpected failure inside the library (please report it)",
    },
];

/// Every code the library defines, in a stable order.
pub fn all_codes() -> Vec<CodeInfo> {
    let mut all = Vec::new();
    all.extend_from_slice(GENERAL_CODES);
    all.extend_from_slice(crate::core::classify::CODES);
    all.extend_from_slice(crate::core::retry::CODES);
    all.extend_from_slice(crate::core::jwt::CODES);
    all.extend_from_slice(crate::core::refresh::CODES);
    all
}

/// The TypeScript source of `pkg-template/src/codes.ts`.
pub fn codes_ts() -> String {
    let mut out = String::from(
        "// Generated from src/core/error.rs by `cargo test` (test codes_ts_is_current).\n\
         // Do not edit: change the Rust table and run `UPDATE_CODES=1 cargo test codes_ts`.\n\n\
         /** Every stable error code faultline can raise, with its meaning. */\n\
         export const ERROR_CODES = {\n",
    );
    for info in all_codes() {
        out.push_str(&format!("  {}: {:?},\n", info.code, info.summary));
    }
    out.push_str("} as const;\n\n/** A stable error code. */\nexport type ErrorCode = keyof typeof ERROR_CODES;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let all = all_codes();
        let mut seen = std::collections::HashSet::new();
        for info in &all {
            assert!(seen.insert(info.code), "duplicate code {}", info.code);
            assert!(
                info.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                "{} is not snake_case",
                info.code
            );
            assert!(!info.summary.is_empty());
        }
    }

    #[test]
    fn codes_ts_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/src/codes.ts");
        let want = codes_ts();
        if std::env::var_os("UPDATE_CODES").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            have, want,
            "pkg-template/src/codes.ts is stale: run UPDATE_CODES=1 cargo test codes_ts"
        );
    }
}
