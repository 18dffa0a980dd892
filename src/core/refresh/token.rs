//! Token newtypes: the access token may be shown and shared, the refresh token may not.
//!
//! Invariant 5 of DESIGN ("the refresh token never travels over BroadcastChannel") is
//! enforced by types: [`RefreshToken`] has no `Display`, a redacted `Debug`, and no
//! conversion into any wire type; [`super::Message`] holds numbers only (it is `Copy`), so
//! there is no field a refresh token could be put into. The only ways out of a
//! `RefreshToken` are [`RefreshToken::expose_secret`] (used by the storage codec and by the
//! adapter when it calls the user's `refresh(refreshToken)`).

use std::fmt;

use super::error::RefreshError;

/// Longest token accepted, in bytes (JWTs with big claims stay far below).
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

fn check(s: &str) -> Result<(), RefreshError> {
    if s.is_empty() || s.len() > MAX_TOKEN_LEN {
        Err(RefreshError::InvalidToken)
    } else {
        Ok(())
    }
}

/// An access token (opaque string, usually a JWT). Handed to callers.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token; empty or longer than [`MAX_TOKEN_LEN`] is `refresh_invalid_token`.
    pub fn new(token: impl Into<String>) -> Result<Self, RefreshError> {
        let token = token.into();
        check(&token)?;
        Ok(AccessToken(token))
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken({} bytes)", self.0.len())
    }
}

/// A refresh token. Lives only in shared storage and in the `StartRefresh` effect.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl RefreshToken {
    /// Wraps a token; empty or longer than [`MAX_TOKEN_LEN`] is `refresh_invalid_token`.
    pub fn new(token: impl Into<String>) -> Result<Self, RefreshError> {
        let token = token.into();
        check(&token)?;
        Ok(RefreshToken(token))
    }

    /// The secret text: for the storage record and the user's `refresh()` call only.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(redacted)")
    }
}

/// Tokens obtained from a login or a successful refresh.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The new access token.
    pub access: AccessToken,
    /// The new refresh token; `None` when the server does not rotate (SimpleJWT without
    /// `ROTATE_REFRESH_TOKENS` answers `{"access": ...}` only): the old one is kept.
    pub refresh: Option<RefreshToken>,
    /// The access token's `exp` claim (seconds since epoch), if known.
    pub exp_s: Option<f64>,
    /// The access token's `iat` claim (seconds since epoch), if known. With `exp`, the
    /// lifetime `exp - iat` is added to the local receive time, so a wrong client clock
    /// does not cause refresh loops.
    pub iat_s: Option<f64>,
}
