//! Telling authentication failures apart: refresh the token, log in again, attach
//! credentials, or fix them.
//!
//! Why: a 401 means four different things (seed 000's decision tree), and the client must
//! do different things for each. The signals, strongest first:
//! 1. [`Signal::Reauthenticate`]: the session itself is over — "Token is blacklisted", a
//!    refresh token expired/invalid/revoked, "session expired"; codes `token_blacklisted`,
//!    `invalid_grant`, `refresh_token_expired`, `AUTH_REFRESH_TOKEN_EXPIRED`,
//!    `AUTH_SESSION_EXPIRED`.
//! 2. [`Signal::CheckCredentials`]: the credentials themselves are wrong — "No active account
//!    found with the given credentials", "invalid credentials", "incorrect password",
//!    "Invalid API key", DRF's "Unable to log in with provided credentials."; codes
//!    `no_active_account`, `invalid_credentials`, `invalid_client`, `invalid_api_key`,
//!    `API_KEY_INVALID`.
//! 3. [`Signal::AddCredentials`]: none were sent or the header is malformed —
//!    "Authentication credentials were not provided." (but not the ambiguous "were not
//!    provided or are invalid"), "Missing authentication", "token is required", "Invalid
//!    token header. No credentials provided.", "Authorization header must contain two
//!    space-delimited values"; codes `not_authenticated`, `bad_authorization_header`,
//!    `AUTH_TOKEN_MISSING`.
//! 4. [`Signal::RefreshToken`]: the access token expired or is not valid — a message naming a
//!    token/JWT/signature together with expired/invalid/not valid ("Given token not valid for
//!    any token type"); codes `token_not_valid`, `AUTH_TOKEN_INVALID`, `AUTH_TOKEN_EXPIRED`,
//!    `invalid_token`, `token_expired`. The generic codes `authentication_failed`,
//!    `unauthenticated`, `unauthorized` also mean "refresh", but weakly: any message signal
//!    beats them.
//!
//! Codes and messages are both read; a specific code beats a message of the same or lower
//! strength, a stronger message beats a code. See [`rules`](super::rules) for how 401, 403
//! and other statuses use these signals.

use super::model::Action;
use super::text::{CodeKey, CodeTable, Phrases};

/// What an authentication signal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Signal {
    /// Refresh the access token.
    RefreshToken,
    /// Attach credentials.
    AddCredentials,
    /// The credentials are wrong.
    CheckCredentials,
    /// The session is over.
    Reauthenticate,
}

impl Signal {
    pub(crate) fn action(self) -> Action {
        match self {
            Signal::RefreshToken => Action::RefreshToken,
            Signal::AddCredentials => Action::AddCredentials,
            Signal::CheckCredentials => Action::CheckCredentials,
            Signal::Reauthenticate => Action::Reauthenticate,
        }
    }

    /// Reauthenticate and CheckCredentials are strong: they beat anything weaker.
    pub(crate) fn is_strong(self) -> bool {
        self >= Signal::CheckCredentials
    }
}

/// A signal from a code, and whether the code is specific (`token_not_valid`) rather than
/// generic (`authentication_failed`).
pub(crate) fn from_code(code: &CodeKey<'_>) -> Option<(Signal, bool)> {
    const TABLE: CodeTable<Signal, 32> = CodeTable::new([
        ("token_blacklisted", Signal::Reauthenticate),
        ("invalid_grant", Signal::Reauthenticate),
        ("refresh_token_expired", Signal::Reauthenticate),
        ("refresh_token_invalid", Signal::Reauthenticate),
        ("session_expired", Signal::Reauthenticate),
        ("auth_refresh_token_expired", Signal::Reauthenticate),
        ("auth_refresh_token_invalid", Signal::Reauthenticate),
        ("auth_session_expired", Signal::Reauthenticate),
        ("no_active_account", Signal::CheckCredentials),
        ("invalid_credentials", Signal::CheckCredentials),
        ("bad_credentials", Signal::CheckCredentials),
        ("invalid_client", Signal::CheckCredentials),
        ("invalid_api_key", Signal::CheckCredentials),
        ("api_key_invalid", Signal::CheckCredentials),
        ("api_key_expired", Signal::CheckCredentials),
        ("auth_invalid_credentials", Signal::CheckCredentials),
        ("auth_invalid_api_key", Signal::CheckCredentials),
        ("not_authenticated", Signal::AddCredentials),
        ("bad_authorization_header", Signal::AddCredentials),
        ("auth_token_missing", Signal::AddCredentials),
        ("missing_token", Signal::AddCredentials),
        ("token_missing", Signal::AddCredentials),
        ("missing_credentials", Signal::AddCredentials),
        ("auth_credentials_missing", Signal::AddCredentials),
        ("token_not_valid", Signal::RefreshToken),
        ("auth_token_invalid", Signal::RefreshToken),
        ("auth_token_expired", Signal::RefreshToken),
        ("invalid_token", Signal::RefreshToken),
        ("token_expired", Signal::RefreshToken),
        ("expired_token", Signal::RefreshToken),
        ("jwt_expired", Signal::RefreshToken),
        ("access_token_expired", Signal::RefreshToken),
    ]);
    const GENERIC: CodeTable<(), 3> = CodeTable::new([
        ("authentication_failed", ()),
        ("unauthenticated", ()),
        ("unauthorized", ()),
    ]);
    if let Some(s) = TABLE.get(code) {
        return Some((s, true));
    }
    GENERIC.get(code).map(|()| (Signal::RefreshToken, false))
}

/// The strongest signal in a piece of server text.
pub(crate) fn from_text(text: &str) -> Option<Signal> {
    let t = Phrases::new(text);
    let has = |table: &[&str]| t.any_of(table);
    let any = has;
    if has(&["csrf"]) {
        return None;
    }
    if has(&["blacklisted"])
        || (any(&["refresh token", "refresh_token", "refresh-token"])
            && any(&["expired", "invalid", "not valid", "revoked"]))
        || any(&["session expired", "session has expired"])
    {
        return Some(Signal::Reauthenticate);
    }
    if any(&[
        "no active account",
        "unable to log in with provided credentials",
        "invalid credentials",
        "bad credentials",
        "incorrect username",
        "incorrect password",
        "invalid username or password",
        "invalid email or password",
        "wrong password",
        "incorrect api key",
        "invalid api key",
        "invalid api-key",
        "api key not valid",
        "api key is invalid",
    ]) || (any(&["api key", "api-key", "apikey"]) && any(&["expired", "revoked", "invalid"]))
    {
        return Some(Signal::CheckCredentials);
    }
    let not_provided = has(&["not provided"]) && !has(&["not provided or"]);
    if not_provided
        || any(&[
            "no credentials",
            "credentials missing",
            "two space-delimited",
        ])
        || any(&[
            "invalid token header",
            "invalid basic header",
            "invalid authorization header",
        ])
        || (has(&["missing"])
            && any(&[
                "auth",
                "token",
                "credential",
                "api key",
                "api-key",
                "apikey",
            ]))
        || (has(&["required"])
            && any(&[
                "token",
                "authentication",
                "authorization",
                "credential",
                "api key",
            ]))
    {
        return Some(Signal::AddCredentials);
    }
    if any(&["token", "jwt", "signature"]) && any(&["expired", "not valid", "invalid", "malformed"])
    {
        return Some(Signal::RefreshToken);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_phrases() {
        use Signal::*;
        for (text, want) in [
            (
                "Authentication credentials were not provided.",
                Some(AddCredentials),
            ),
            (
                "Authentication credentials were not provided or are invalid.",
                None,
            ),
            (
                "Given token not valid for any token type",
                Some(RefreshToken),
            ),
            ("Token is blacklisted", Some(Reauthenticate)),
            (
                "No active account found with the given credentials",
                Some(CheckCredentials),
            ),
            ("Invalid API key. Access forbidden.", Some(CheckCredentials)),
            (
                "Missing authentication. Include X-API-Key header.",
                Some(AddCredentials),
            ),
            ("Authentication token is required", Some(AddCredentials)),
            (
                "Invalid or expired authentication token",
                Some(RefreshToken),
            ),
            ("Token expired", Some(RefreshToken)),
            ("CSRF Failed: CSRF token missing.", None),
            ("You do not have permission to perform this action.", None),
        ] {
            assert_eq!(from_text(text), want, "{text}");
        }
    }

    #[test]
    fn codes() {
        let from = |c: &str| from_code(&CodeKey::new(c));
        assert_eq!(
            from("AUTH_TOKEN_MISSING"),
            Some((Signal::AddCredentials, true))
        );
        assert_eq!(
            from("authentication-failed"),
            Some((Signal::RefreshToken, false))
        );
        assert_eq!(from("throttled"), None);
    }
}
