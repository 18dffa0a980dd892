#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Checks every case of `tests/vectors/jwt.json` exactly: `decode` and `timing`.

use std::borrow::Cow;
use std::collections::BTreeSet;

use faultline::core::error::ErrorCode;
use faultline::core::json::{self, Value};
use faultline::core::jwt::{self, Claims, JwtError, JwtLimits, TimingInput, decode, timing};

const VECTORS: &str = include_str!("vectors/jwt.json");

fn vectors() -> Value<'static> {
    json::parse(VECTORS).expect("jwt.json is valid JSON")
}

fn opt_f64(v: Option<&Value<'_>>) -> Option<f64> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(*n),
        Some(other) => panic!("expected a number or null, got {other:?}"),
    }
}

fn opt_str<'a>(v: Option<&'a Value<'_>>) -> Option<&'a str> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => panic!("expected a string or null, got {other:?}"),
    }
}

/// What `JSON.parse` makes of a value: duplicate keys collapse to the last value, kept at
/// the position of the first occurrence.
fn as_js(v: &Value<'_>) -> Value<'static> {
    match v {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        Value::Number(n) => Value::Number(*n),
        Value::String(s) => Value::String(Cow::Owned(s.to_string())),
        Value::Array(items) => Value::Array(items.iter().map(as_js).collect()),
        Value::Object(members) => {
            let mut out: Vec<(Cow<'static, str>, Value<'static>)> = Vec::new();
            for (k, v) in members {
                match out.iter_mut().find(|(key, _)| key == k) {
                    Some(slot) => slot.1 = as_js(v),
                    None => out.push((Cow::Owned(k.to_string()), as_js(v))),
                }
            }
            Value::Object(out)
        }
    }
}

fn limits_of(input: &Value<'_>) -> JwtLimits {
    let mut limits = JwtLimits::default();
    if let Some(max) = input
        .path(&["limits", "maxTokenBytes"])
        .and_then(Value::as_f64)
    {
        limits.max_token_bytes = max as usize;
    }
    limits
}

#[test]
fn decode_vectors() {
    let doc = vectors();
    let cases = doc.get("cases").and_then(Value::as_array).unwrap();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut names = BTreeSet::new();
    for case in cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        assert!(names.insert(name), "duplicate case name {name}");
        assert!(
            case.get("source").and_then(Value::as_str).is_some(),
            "{name}: source"
        );
        let input = case.get("input").unwrap();
        let expect = case.get("expect").unwrap();
        let token = input
            .get("token")
            .and_then(Value::as_str)
            .unwrap()
            .as_bytes();
        let limits = limits_of(input);
        let decoded = decode(token, &limits);
        // `read` (what `decodeJwt(t).exp` calls) is `decode` without the texts.
        assert_eq!(
            jwt::read(token, &limits).map(|c| (c.claims(), c.token_type)),
            decoded
                .as_ref()
                .map(|d| (d.claims(), d.token_type.clone()))
                .map_err(Clone::clone),
            "{name}: read"
        );
        match expect.get("ok").and_then(Value::as_bool).unwrap() {
            true => {
                let d = decoded.unwrap_or_else(|e| panic!("{name}: unexpected error {e}"));
                assert_eq!(d.exp, opt_f64(expect.get("exp")), "{name}: exp");
                assert_eq!(d.iat, opt_f64(expect.get("iat")), "{name}: iat");
                assert_eq!(d.nbf, opt_f64(expect.get("nbf")), "{name}: nbf");
                assert_eq!(
                    d.token_type.as_ref().map(|t| t.as_str()),
                    opt_str(expect.get("tokenType")),
                    "{name}: tokenType"
                );
                let header = json::parse(&d.header).unwrap();
                for member in ["alg", "typ", "kid"] {
                    assert_eq!(
                        opt_str(as_js(&header).get(member)),
                        opt_str(expect.get(member)),
                        "{name}: {member}"
                    );
                }
                assert_eq!(
                    as_js(&header),
                    as_js(expect.get("header").unwrap()),
                    "{name}: header"
                );
                let payload = json::parse(&d.payload).unwrap();
                assert_eq!(
                    as_js(&payload),
                    as_js(expect.get("payload").unwrap()),
                    "{name}: payload"
                );
            }
            false => {
                let e = decoded.expect_err(name);
                assert_eq!(
                    e.code(),
                    expect.get("code").and_then(Value::as_str).unwrap(),
                    "{name}: code ({e})"
                );
                assert_eq!(
                    e.to_string(),
                    expect.get("message").and_then(Value::as_str).unwrap(),
                    "{name}: message"
                );
            }
        }
    }
}

#[test]
fn unicode_names_decode_exactly() {
    let doc = vectors();
    let cases = doc.get("cases").and_then(Value::as_array).unwrap();
    let token = |wanted: &str| {
        cases
            .iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(wanted))
            .and_then(|c| c.path(&["input", "token"]))
            .and_then(Value::as_str)
            .unwrap()
    };
    let d = decode(
        token("unicode_claims_utf8").as_bytes(),
        &JwtLimits::default(),
    )
    .unwrap();
    let payload = json::parse(&d.payload).unwrap();
    assert_eq!(
        payload.get("name").and_then(Value::as_str),
        Some("Jos\u{e9} M\u{fc}ller \u{2014} \u{65e5}\u{672c}\u{8a9e} \u{1f389}")
    );
    let d = decode(
        token("unicode_claims_json_escapes").as_bytes(),
        &JwtLimits::default(),
    )
    .unwrap();
    // The text keeps the escapes (JS parses it); the parsed value has the characters.
    assert!(d.payload.contains("\\ud83c\\udf89"));
    let payload = json::parse(&d.payload).unwrap();
    assert_eq!(
        payload.get("name").and_then(Value::as_str),
        Some("Jos\u{e9} \u{65e5}\u{672c} \u{1f389}")
    );
    let t = token("url_alphabet_dash_underscore");
    let payload_segment = t.split('.').nth(1).unwrap();
    assert!(payload_segment.contains('-') && payload_segment.contains('_'));
}

fn timing_input(input: &Value<'_>) -> (Claims, TimingInput) {
    let claims = Claims {
        exp: opt_f64(input.path(&["claims", "exp"])),
        iat: opt_f64(input.path(&["claims", "iat"])),
        nbf: opt_f64(input.path(&["claims", "nbf"])),
    };
    let t = TimingInput {
        now_ms: input.get("nowMs").and_then(Value::as_f64).unwrap(),
        received_at_ms: opt_f64(input.get("receivedAtMs")),
        server_date_ms: opt_f64(input.get("serverDateMs")),
        refresh_ahead_ms: opt_f64(input.get("refreshAheadMs")),
    };
    (claims, t)
}

#[test]
fn timing_vectors() {
    let doc = vectors();
    let cases = doc.get("timing").and_then(Value::as_array).unwrap();
    assert!(cases.len() >= 20, "only {} timing cases", cases.len());
    for case in cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let expect = case.get("expect").unwrap();
        let (claims, input) = timing_input(case.get("input").unwrap());
        let got = timing(&claims, &input);
        if expect.get("ok").and_then(Value::as_bool).unwrap() {
            let t = got.unwrap_or_else(|e| panic!("{name}: unexpected error {e}"));
            assert_eq!(
                t.expires_at_ms,
                opt_f64(expect.get("expiresAtMs")),
                "{name}: expiresAtMs"
            );
            assert_eq!(
                t.refresh_at_ms,
                opt_f64(expect.get("refreshAtMs")),
                "{name}: refreshAtMs"
            );
            assert_eq!(
                Some(t.expired),
                expect.get("expired").and_then(Value::as_bool),
                "{name}: expired"
            );
            assert_eq!(
                Some(t.should_refresh),
                expect.get("shouldRefresh").and_then(Value::as_bool),
                "{name}: shouldRefresh"
            );
            assert_eq!(
                t.lifetime_ms,
                opt_f64(expect.get("lifetimeMs")),
                "{name}: lifetimeMs"
            );
            assert_eq!(t.skew_ms, opt_f64(expect.get("skewMs")), "{name}: skewMs");
            assert_eq!(
                Some(t.clock.as_str()),
                expect.get("clock").and_then(Value::as_str),
                "{name}: clock"
            );
        } else {
            match got {
                Err(e @ JwtError::InvalidTimingInput { field, .. }) => {
                    assert_eq!(
                        Some(e.code()),
                        expect.get("code").and_then(Value::as_str),
                        "{name}"
                    );
                    assert_eq!(
                        Some(field),
                        expect.get("field").and_then(Value::as_str),
                        "{name}"
                    );
                }
                other => panic!("{name}: expected an invalid-input error, got {other:?}"),
            }
        }
    }
}

/// Every code in `jwt::CODES` is exercised by at least one vector.
#[test]
fn vectors_cover_every_code() {
    let doc = vectors();
    let seen: BTreeSet<&str> = ["cases", "timing"]
        .iter()
        .flat_map(|list| doc.get(list).and_then(Value::as_array).unwrap())
        .filter_map(|c| c.path(&["expect", "code"]).and_then(Value::as_str))
        .collect();
    let listed: BTreeSet<&str> = jwt::CODES.iter().map(|c| c.code).collect();
    assert_eq!(seen, listed);
}
