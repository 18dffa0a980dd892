//! The claims faultline reads from a decoded token: the three time claims and the kind of
//! token (access or refresh).
//!
//! Why: the refresh logic only needs `exp`, `iat` and `nbf`, and the seed's most common
//! pitfall is a refresh token sent as an access token, which the token kind detects.
//! Decisions:
//!
//! - The header and payload are parsed whole by the crate's JSON reader (so every member
//!   must be valid JSON within the depth limit), and only the members named here are kept
//!   ([`Members`]). Measured at the release profile (opt-level z), the reader's tree costs
//!   less than a serde pass that skips the other members, and the code is smaller.
//! - `exp`, `nbf`, `iat` must be finite JSON numbers when present (`null`, strings and
//!   out-of-range numbers such as `1e400` are [`JwtError::ClaimType`]); absent means unknown,
//!   and an absent `exp` means the token never expires. Fractional seconds are kept.
//! - Duplicate keys: the last one wins, as with `JSON.parse`, so Rust and the JS facade
//!   (which parses the payload text itself) always see the same claims.
//! - The kind is informational: a non-string `typ` or `token_type` reads as absent rather
//!   than failing the token.
//! - Token kind, first source that says something: the SimpleJWT claim `token_type`, then
//!   the header `typ` (RFC 9068 `at+jwt`), then the payload `typ` (Keycloak: `Bearer`,
//!   `Refresh`, `Offline`). Generic types (`JWT`, `JOSE`) say nothing; unknown values are
//!   kept as [`TokenType::Other`] (e.g. Keycloak's `ID`).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::core::json::Value;

use super::error::JwtError;

/// The registered time claims of a token, in seconds since the epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Expiration time (`exp`); `None` means the token never expires.
    pub exp: Option<f64>,
    /// Issued-at time (`iat`).
    pub iat: Option<f64>,
    /// Not-before time (`nbf`).
    pub nbf: Option<f64>,
}

crate::vocabulary! {
    /// The token kinds faultline acts on (other declared kinds are kept as written).
    pub enum TokenKind as "TokenKind" {
        /// An access token: for the `Authorization` header of API calls.
        Access = "access",
        /// A refresh token: only for the token refresh endpoint.
        Refresh = "refresh",
    }
}

/// What kind of token this is, as far as the token itself says. Crosses as a string:
/// `"access"`, `"refresh"`, or the declared value as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum TokenType {
    /// A kind faultline acts on.
    Known(TokenKind),
    /// Some other declared kind, as written (e.g. `"ID"`, `"dpop+jwt"`).
    Other(String),
}

impl TokenType {
    /// An access token.
    pub const ACCESS: TokenType = TokenType::Known(TokenKind::Access);
    /// A refresh token.
    pub const REFRESH: TokenType = TokenType::Known(TokenKind::Refresh);

    /// `"access"`, `"refresh"`, or the declared value as written.
    pub fn as_str(&self) -> &str {
        match self {
            TokenType::Known(kind) => kind.as_str(),
            TokenType::Other(s) => s,
        }
    }

    /// Maps a declared kind (ASCII case-insensitive, an `application/` prefix ignored);
    /// `None` for generic types that say nothing (`JWT`, `JOSE`).
    pub fn from_declared(raw: &str) -> Option<TokenType> {
        let name = strip_prefix_ignore_case(raw, "application/");
        let is_one_of = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
        if is_one_of(&["jwt", "jose", "jose+json"]) {
            None
        } else if is_one_of(&["access", "at+jwt", "bearer"]) {
            Some(TokenType::ACCESS)
        } else if is_one_of(&["refresh", "rt+jwt", "refresh+jwt", "offline"]) {
            Some(TokenType::REFRESH)
        } else {
            Some(TokenType::Other(raw.to_owned()))
        }
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> &'a str {
    match (s.get(..prefix.len()), s.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(prefix) => rest,
        _ => s,
    }
}

/// The members of a header or payload object that faultline reads, each as its last
/// occurrence has it; the other members are skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Members<'a> {
    exp: Option<Scalar<'a>>,
    iat: Option<Scalar<'a>>,
    nbf: Option<Scalar<'a>>,
    token_type: Option<Scalar<'a>>,
    typ: Option<Scalar<'a>>,
}

/// A member's value, as far as the claims care.
#[derive(Debug, Clone, PartialEq)]
enum Scalar<'a> {
    /// A number (infinite when out of `f64` range).
    Number(f64),
    /// A string, unescaped.
    Text(Cow<'a, str>),
    /// `null`, a boolean, an array or an object.
    Other,
}

impl<'a> Members<'a> {
    /// The kept members of a parsed object; `None` when it is not an object.
    pub(crate) fn of(value: &Value<'a>) -> Option<Members<'a>> {
        let mut members = Members::default();
        for (name, value) in value.as_object()? {
            let kept = match name.as_ref() {
                "exp" => &mut members.exp,
                "iat" => &mut members.iat,
                "nbf" => &mut members.nbf,
                "token_type" => &mut members.token_type,
                "typ" => &mut members.typ,
                _ => continue,
            };
            *kept = Some(match value {
                Value::Number(n) => Scalar::Number(*n),
                Value::String(s) => Scalar::Text(s.clone()),
                _ => Scalar::Other,
            });
        }
        Some(members)
    }

    /// Reads `exp`, `nbf`, `iat` (checked in that order).
    pub(crate) fn time_claims(&self) -> Result<Claims, JwtError> {
        let exp = time_claim(&self.exp, "exp")?;
        let nbf = time_claim(&self.nbf, "nbf")?;
        let iat = time_claim(&self.iat, "iat")?;
        Ok(Claims { exp, iat, nbf })
    }
}

/// One time claim: absent -> `None`; present and a finite number -> the number.
fn time_claim(value: &Option<Scalar<'_>>, claim: &'static str) -> Result<Option<f64>, JwtError> {
    match value {
        None => Ok(None),
        Some(Scalar::Number(n)) if n.is_finite() => Ok(Some(*n)),
        Some(_) => Err(JwtError::ClaimType { claim }),
    }
}

/// The token kind from the claim `token_type`, the header `typ`, then the payload `typ`.
pub(crate) fn token_type(header: &Members<'_>, payload: &Members<'_>) -> Option<TokenType> {
    [&payload.token_type, &header.typ, &payload.typ]
        .into_iter()
        .find_map(|value| match value {
            Some(Scalar::Text(declared)) => TokenType::from_declared(declared),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json;

    /// The kept members of `text` (borrowing from the parsed tree, which is leaked: tests
    /// only).
    fn parse(text: &str) -> Members<'_> {
        let value: &Value<'_> = Box::leak(Box::new(json::parse(text).unwrap()));
        Members::of(value).unwrap()
    }

    fn time_claims(members: &Members<'_>) -> Result<Claims, JwtError> {
        members.time_claims()
    }

    fn kind(header: &str, payload: &str) -> Option<TokenType> {
        token_type(&parse(header), &parse(payload))
    }

    #[test]
    fn time_claims_finite_numbers_only() {
        let p = parse(r#"{"exp":1700003600,"iat":1700000000.5}"#);
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
                time_claims(&parse(doc)),
                Err(JwtError::ClaimType { claim }),
                "{doc}"
            );
        }
        let dup = parse(r#"{"exp":"bad","exp":5}"#);
        assert_eq!(time_claims(&dup).unwrap().exp, Some(5.0));
    }

    #[test]
    fn only_named_members_are_kept_the_last_of_a_name_wins() {
        let p = parse(
            r#"{"sub":"x","aud":["a",{"b":[null,true]}],"\u0065xp":7,"token_type":"re\u0066resh","typ":{}}"#,
        );
        assert_eq!(p.exp, Some(Scalar::Number(7.0)));
        assert_eq!(
            p.token_type,
            Some(Scalar::Text(Cow::Owned("refresh".into())))
        );
        assert_eq!(p.typ, Some(Scalar::Other));
        assert_eq!(p.iat, None);
        assert_eq!(token_type(&parse("{}"), &p), Some(TokenType::REFRESH));
        // The last member of a name wins, whatever the earlier ones held.
        let p = parse(r#"{"typ":"Bearer","typ":[1],"iat":{"a":1},"iat":-2}"#);
        assert_eq!(token_type(&parse("{}"), &p), None);
        assert_eq!(p.time_claims().unwrap().iat, Some(-2.0));
        assert_eq!(Members::of(&json::parse("[1]").unwrap()), None);
    }

    #[test]
    fn token_kind_sources_and_priority() {
        assert_eq!(
            kind("{}", r#"{"token_type":"access"}"#),
            Some(TokenType::ACCESS)
        );
        assert_eq!(
            kind("{}", r#"{"token_type":"refresh"}"#),
            Some(TokenType::REFRESH)
        );
        assert_eq!(kind(r#"{"typ":"at+jwt"}"#, "{}"), Some(TokenType::ACCESS));
        assert_eq!(
            kind(r#"{"typ":"application/AT+JWT"}"#, "{}"),
            Some(TokenType::ACCESS)
        );
        assert_eq!(kind(r#"{"typ":"JWT"}"#, "{}"), None);
        assert_eq!(
            kind(r#"{"typ":"JWT"}"#, r#"{"typ":"Bearer"}"#),
            Some(TokenType::ACCESS)
        );
        assert_eq!(
            kind(r#"{"typ":"JWT"}"#, r#"{"typ":"Offline"}"#),
            Some(TokenType::REFRESH)
        );
        assert_eq!(
            kind(r#"{"typ":"JWT"}"#, r#"{"typ":"ID"}"#),
            Some(TokenType::Other("ID".into()))
        );
        // token_type wins over typ.
        assert_eq!(
            kind(r#"{"typ":"at+jwt"}"#, r#"{"token_type":"refresh"}"#),
            Some(TokenType::REFRESH)
        );
        // Non-strings are ignored, the next source is used.
        assert_eq!(
            kind(r#"{"typ":"at+jwt"}"#, r#"{"token_type":7}"#),
            Some(TokenType::ACCESS)
        );
        assert_eq!(kind("{}", "{}"), None);
        assert_eq!(TokenType::Other("dpop+jwt".into()).as_str(), "dpop+jwt");
        assert_eq!(TokenType::REFRESH.as_str(), "refresh");
    }

    #[test]
    fn declared_kinds_ignore_case_and_the_media_type_prefix() {
        assert_eq!(
            TokenType::from_declared("OFFLINE"),
            Some(TokenType::REFRESH)
        );
        assert_eq!(
            TokenType::from_declared("Refresh+JWT"),
            Some(TokenType::REFRESH)
        );
        assert_eq!(TokenType::from_declared("jose+JSON"), None);
        assert_eq!(TokenType::from_declared("Application/JWT"), None);
        assert_eq!(
            TokenType::from_declared("application/"),
            Some(TokenType::Other("application/".into()))
        );
        assert_eq!(
            TokenType::from_declared("accesś"),
            Some(TokenType::Other("accesś".into()))
        );
        assert_eq!(
            serde_json::to_value([TokenType::ACCESS, TokenType::Other("ID".into())]).unwrap(),
            serde_json::json!(["access", "ID"])
        );
        assert_eq!(
            strip_prefix_ignore_case("Application/x", "application/"),
            "x"
        );
        assert_eq!(strip_prefix_ignore_case("app", "application/"), "app");
        assert_eq!(strip_prefix_ignore_case("é", "a"), "é");
    }
}
