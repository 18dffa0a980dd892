//! Errors of the cross-tab refresh concern.
//!
//! Callers waiting for a token get exactly one of these (or a token); the adapter turns
//! them into `FaultlineError { code }`. Wire and storage decoding problems never reach a
//! caller: they are counted in [`super::Stats`] and the input is ignored, so a foreign or
//! corrupt message can never be adopted.

use std::fmt;

use crate::core::error::{CodeInfo, ErrorCode};

/// Why a `getAccessToken()` call (or a decode) did not produce a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RefreshError {
    /// There is no session: never logged in, logged out (here or in another tab), or the
    /// server rejected the refresh token. The user must sign in again.
    LoggedOut,
    /// The refresh this tab made failed transiently (network, 5xx, 429); the access token
    /// is expired. A shared cooldown is in force until `retry_at_ms` (epoch ms).
    Failed {
        /// When the shared cooldown ends.
        retry_at_ms: f64,
    },
    /// A recent refresh failed in some tab; every tab waits until `until_ms` (epoch ms)
    /// before trying again, so an outage does not turn into a refresh storm.
    Cooldown {
        /// When the shared cooldown ends.
        until_ms: f64,
    },
    /// No token within the configured wait bound (slow holder, lock not granted in time,
    /// offline). Nothing is left waiting.
    Timeout,
    /// Too many callers are already waiting in this tab (bounded queue).
    Busy,
    /// A token given to the manager is empty or longer than the accepted bound.
    InvalidToken,
    /// A channel message could not be decoded (not ours, other version, or bad fields).
    MessageMalformed,
    /// The shared storage record could not be decoded.
    StorageMalformed,
    /// The shared storage could not be read for a while (the store keeps throwing); the
    /// session is kept.
    StorageUnavailable,
}

/// Every code of this concern.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "refresh_logged_out",
        summary: "there is no session (logged out, or the refresh token was rejected): sign in again",
    },
    CodeInfo {
        code: "refresh_failed",
        summary: "the token refresh failed transiently and the access token is expired; retry after the cooldown",
    },
    CodeInfo {
        code: "refresh_cooldown",
        summary: "a recent refresh failed in some tab; all tabs wait for the shared cooldown to end",
    },
    CodeInfo {
        code: "refresh_timeout",
        summary: "no access token within the configured wait bound",
    },
    CodeInfo {
        code: "refresh_busy",
        summary: "too many callers are already waiting for a token in this tab",
    },
    CodeInfo {
        code: "refresh_invalid_token",
        summary: "a token given to the token manager is empty or too long",
    },
    CodeInfo {
        code: "refresh_message_malformed",
        summary: "a cross-tab message was not understood and was ignored",
    },
    CodeInfo {
        code: "refresh_storage_malformed",
        summary: "the shared token record in storage was not understood and was ignored",
    },
    CodeInfo {
        code: "refresh_storage_unavailable",
        summary: "the token storage could not be read for a while; the session is kept, try again later",
    },
];

impl ErrorCode for RefreshError {
    fn code(&self) -> &'static str {
        match self {
            RefreshError::LoggedOut => "refresh_logged_out",
            RefreshError::Failed { .. } => "refresh_failed",
            RefreshError::Cooldown { .. } => "refresh_cooldown",
            RefreshError::Timeout => "refresh_timeout",
            RefreshError::Busy => "refresh_busy",
            RefreshError::InvalidToken => "refresh_invalid_token",
            RefreshError::MessageMalformed => "refresh_message_malformed",
            RefreshError::StorageMalformed => "refresh_storage_malformed",
            RefreshError::StorageUnavailable => "refresh_storage_unavailable",
        }
    }
}

impl fmt::Display for RefreshError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefreshError::LoggedOut => f.write_str("no session: sign in again"),
            RefreshError::Failed { retry_at_ms } => {
                write!(
                    f,
                    "token refresh failed; retry after {retry_at_ms} ms (epoch)"
                )
            }
            RefreshError::Cooldown { until_ms } => {
                write!(
                    f,
                    "token refresh is cooling down until {until_ms} ms (epoch)"
                )
            }
            RefreshError::Timeout => f.write_str("no access token within the wait bound"),
            RefreshError::Busy => f.write_str("too many callers waiting for a token"),
            RefreshError::InvalidToken => f.write_str("token is empty or too long"),
            RefreshError::MessageMalformed => f.write_str("cross-tab message not understood"),
            RefreshError::StorageMalformed => f.write_str("shared token record not understood"),
            RefreshError::StorageUnavailable => f.write_str("token storage could not be read"),
        }
    }
}

impl std::error::Error for RefreshError {}
