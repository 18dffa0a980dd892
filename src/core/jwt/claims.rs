//! The claims faultline reads from a decoded token: the three time claims and the kind of
//! token (access or refresh).
//!
//! Why: the refresh logic only needs `exp`, `iat` and `nbf`, and the seed's most common
//! pitfall is a refresh token sent as an access token, which the token kind detects.
//! Decisions:
//!
//! - `exp`, `nbf`, `iat` must be finite JSON numbers when present (`null`, strings and
//!   out-of-range numbers such as `1e400` are [`JwtError::ClaimType`]); absent means unknown,
//!   and an absent `exp` means the token never expires. Fractional seconds are kept.
//! - Duplicate keys: the last one wins, as with `JSON.parse`, so Rust and the JS facade
//!   (which parses the payload text itself) always see the same claims.
//! - `alg`, `typ`, `kid` and the kind are informational: a non-string value reads as absent
//!   rather than failing the token.
//! - Token kind, first source that says something: the SimpleJWT claim `token_type`, then
//!   the header `typ` (RFC 9068 `at+jwt`), then the payload `typ` (Keycloak: `Bearer`,
//!   `Refresh`, `Offline`). Generic types (`JWT`, `JOSE`) say nothing; unknown values are
//!   kept as [`TokenType::Other`] (e.g. Keycloak's `ID`).

use crate::core::json::Value;

use super::error::JwtError;

/// The registered time claims of a token, in seconds since the epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Claims {
    /// Expiration time (`exp`); `None` means the token never expires.
    pub exp: Option<f64>,
    /// Issued-at time (`iat`).
    pub iat: Option<f64>,
    /// Not-before time (`nbf`).
    pub nbf: Option<f64>,
}

/// What kind of token this is, as far as the token itself says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenType {
    /// An access token: for the `Authorization` header of API calls.
    Access,
    /// A refresh token: only for the token refresh endpoint.
    Refresh,
    /// Some other declared kind, as written (e.g. `"ID"`, `"dpop+jwt"`).
    Other(String),
}

impl TokenType {
    /// `"access"`, `"refresh"`, or the declared value as written.
    pub fn as_str(&self) -> &str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
            TokenType::Other(s) => s,
        }
    }

    /// Maps a declared kind; `None` for generic types that say nothing (`JWT`, `JOSE`).
    pub(crate) fn from_declared(raw: &str) -> Option<TokenType> {
        match declared_name(strip_prefix_ignore_case(raw, "application/").as_bytes()) {
            Declared::Generic => None,
            Declared::Known(kind) => Some(kind),
            Declared::Other => Some(TokenType::Other(raw.to_owned())),
        }
    }
}

/// What a declared `typ` / `token_type` string says, before [`TokenType::Other`] copies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    /// A generic type (`JWT`, `JOSE`): says nothing.
    Generic,
    /// Access or refresh.
    Known(TokenType),
    /// Any other value: [`TokenType::Other`] with the string as written.
    Other,
}

/// [`TokenType::from_declared`] on the raw bytes of a string, without allocating: the
/// comparisons are ASCII case-insensitive, so bytes and chars give the same answer.
pub(crate) fn declared_bytes(raw: &[u8]) -> Declared {
    let prefix = b"application/";
    match (raw.get(..prefix.len()), raw.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(prefix) => declared_name(rest),
        _ => declared_name(raw),
    }
}

/// The kind a declared name (prefix removed) says. Dispatches on the length first, so a
/// name is compared with at most three candidates.
fn declared_name(name: &[u8]) -> Declared {
    let is = |s: &[u8]| name.eq_ignore_ascii_case(s);
    let access = Declared::Known(TokenType::Access);
    let refresh = Declared::Known(TokenType::Refresh);
    match name.len() {
        3 if is(b"jwt") => Declared::Generic,
        4 if is(b"jose") => Declared::Generic,
        9 if is(b"jose+json") => Declared::Generic,
        6 if is(b"access") || is(b"at+jwt") || is(b"bearer") => access,
        6 if is(b"rt+jwt") => refresh,
        7 if is(b"refresh") || is(b"offline") => refresh,
        11 if is(b"refresh+jwt") => refresh,
        _ => Declared::Other,
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> &'a str {
    match (s.get(..prefix.len()), s.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(prefix) => rest,
        _ => s,
    }
}

/// One time claim: absent -> `None`; present and a finite number -> the number.
fn time_claim(payload: &Value<'_>, claim: &'static str) -> Result<Option<f64>, JwtError> {
    match payload.get(claim) {
        None => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or(JwtError::ClaimType { claim }),
    }
}

/// Reads `exp`, `nbf`, `iat` (checked in that order) from a payload object.
pub(crate) fn time_claims(payload: &Value<'_>) -> Result<Claims, JwtError> {
    let exp = time_claim(payload, "exp")?;
    let nbf = time_claim(payload, "nbf")?;
    let iat = time_claim(payload, "iat")?;
    Ok(Claims { exp, iat, nbf })
}

/// A string member of an object, owned; `None` when absent or not a string.
pub(crate) fn string_member(object: &Value<'_>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The token kind from the claim `token_type`, the header `typ`, then the payload `typ`.
/// The kind a declared `typ` / `token_type` string names (`None` for "JWT" and the like).
pub(crate) fn declared_type(raw: &str) -> Option<TokenType> {
    TokenType::from_declared(raw)
}

pub(crate) fn token_type(header: &Value<'_>, payload: &Value<'_>) -> Option<TokenType> {
    [
        payload.get("token_type"),
        header.get("typ"),
        payload.get("typ"),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .find_map(TokenType::from_declared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    fn kind(header: &str, payload: &str) -> Option<TokenType> {
        token_type(&parse(header).unwrap(), &parse(payload).unwrap())
    }

    #[test]
    fn time_claims_finite_numbers_only() {
        let p = parse(r#"{"exp":1700003600,"iat":1700000000.5}"#).unwrap();
        assert_eq!(
            time_claims(&p),
            Ok(Claims {
                exp: Some(1_700_003_600.0),
                iat: Some(1_700_000_000.5),
                nbf: None
            })
        );
        for (doc, claim) in [
            (r#"{"exp":"1700000000"}"#, "exp"),
            (r#"{"exp":null}"#, "exp"),
            (r#"{"exp":1e400}"#, "exp"),
            (r#"{"exp":1,"nbf":true}"#, "nbf"),
            (r#"{"exp":1,"iat":[1]}"#, "iat"),
            (r#"{"iat":{},"nbf":"x"}"#, "nbf"),
        ] {
            assert_eq!(
                time_claims(&parse(doc).unwrap()),
                Err(JwtError::ClaimType { claim }),
                "{doc}"
            );
        }
        let dup = parse(r#"{"exp":"bad","exp":5}"#).unwrap();
        assert_eq!(time_claims(&dup).unwrap().exp, Some(5.0));
    }

    #[test]
    fn token_kind_sources_and_priority() {
        assert_eq!(
            kind("{}", r#"{"token_type":"access"}"#),
            Some(TokenType::Access)
        );
        assert_eq!(
            kind("{}", r#"{"token_type":"refresh"}"#),
            Some(TokenType::Refresh)
        );
        assert_eq!(kind(r#"{"typ":"at+jwt"}"#, "{}"), Some(TokenType::Access));
        assert_eq!(
            kind(r#"{"typ":"application/AT+JWT"}"#, "{}"),
            Some(TokenType::Access)
        );
        assert_eq!(kind(r#"{"typ":"JWT"}"#, "{}"), None);
        assert_eq!(
            kind(r#"{"typ":"JWT"}"#, r#"{"typ":"Bearer"}"#),
            Some(TokenType::Access)
        );
        assert_eq!(
            kind(r#"{"typ":"JWT"}"#, r#"{"typ":"Offline"}"#),
            Some(TokenType::Refresh)
        );
        assert_eq!(
            kind(r#"{"typ":"JWT"}"#, r#"{"typ":"ID"}"#),
            Some(TokenType::Other("ID".into()))
        );
        // token_type wins over typ.
        assert_eq!(
            kind(r#"{"typ":"at+jwt"}"#, r#"{"token_type":"refresh"}"#),
            Some(TokenType::Refresh)
        );
        // Non-strings are ignored, the next source is used.
        assert_eq!(
            kind(r#"{"typ":"at+jwt"}"#, r#"{"token_type":7}"#),
            Some(TokenType::Access)
        );
        assert_eq!(kind("{}", "{}"), None);
        assert_eq!(TokenType::Other("dpop+jwt".into()).as_str(), "dpop+jwt");
        assert_eq!(TokenType::Refresh.as_str(), "refresh");
    }

    #[test]
    fn declared_bytes_agrees_with_from_declared() {
        for raw in [
            "",
            "JWT",
            "jwt",
            "JOSE",
            "jose+JSON",
            "access",
            "AT+JWT",
            "Bearer",
            "refresh",
            "rt+jwt",
            "Refresh+JWT",
            "OFFLINE",
            "ID",
            "dpop+jwt",
            "application/at+jwt",
            "Application/JWT",
            "application/",
            "application/x",
            "applicatio",
            "é",
            "accesś",
            "application/é",
        ] {
            let want = TokenType::from_declared(raw);
            let got = match declared_bytes(raw.as_bytes()) {
                Declared::Generic => None,
                Declared::Known(kind) => Some(kind),
                Declared::Other => Some(TokenType::Other(raw.to_owned())),
            };
            assert_eq!(got, want, "{raw}");
        }
    }

    #[test]
    fn string_members() {
        let h = parse(r#"{"alg":"HS256","kid":5}"#).unwrap();
        assert_eq!(string_member(&h, "alg").as_deref(), Some("HS256"));
        assert_eq!(string_member(&h, "kid"), None);
        assert_eq!(string_member(&h, "typ"), None);
        assert_eq!(
            strip_prefix_ignore_case("Application/x", "application/"),
            "x"
        );
        assert_eq!(strip_prefix_ignore_case("app", "application/"), "app");
        assert_eq!(strip_prefix_ignore_case("é", "a"), "é");
    }
}
