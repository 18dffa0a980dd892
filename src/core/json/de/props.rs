//! The JSON reader's serde side ([`from_str`]) against `serde_json`, on every
//! type that crosses from JavaScript: the same value where both read a document, both
//! refusing otherwise, except for the reader's documented differences (a lone surrogate is
//! U+FFFD, a number out of `f64` range is an infinity, as `JSON.parse` reads them; a struct
//! is read from an object only and an enum from a string only).

use std::collections::BTreeMap;
use std::fmt::Debug;

use super::from_str;
use crate::core::classify::args::{ClassifierSpec, ClassifyInput, ReportInput, ThrownInput};
use crate::core::json::Limits;
use crate::core::json::tests::mutate;
use crate::core::jwt::{Claims, TimingInput};
use crate::core::rand::SplitMix64;
use crate::core::refresh::Config;
use crate::core::retry::SharedState;
use crate::core::retry::args::{DecideArgs, Scalar};
use serde::Deserialize;
use serde_json::{Value, json};

/// How the two readings of one document compare.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Same value, or both refused.
    Agree,
    /// Only we read it, for a documented reason.
    OnlyWe,
    /// Only serde_json reads it, for a documented reason.
    OnlyThem,
}

/// serde_json's messages for what we read as `JSON.parse` does.
const THEIR_DOCUMENTED: [&str; 4] = [
    "number out of range",
    "surrogate",
    "unicode code point",
    "unexpected end of hex escape",
];

/// Our messages for what serde_json reads in other forms: a struct as an array of its
/// fields, a unit variant as `{"name": null}`.
const OUR_DOCUMENTED: [&str; 2] = [
    "expected an object, got a list",
    "expected a name (a string), got an object",
];

fn compare<'a, T: Deserialize<'a> + PartialEq + Debug>(text: &'a str) -> Outcome {
    let ours = from_str::<T>(text, &Limits::default());
    let theirs = serde_json::from_str::<T>(text);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            let (x, y) = (format!("{a:?}"), format!("{b:?}"));
            assert!(a == b || numbers_close(&x, &y), "{text}: {x} vs {y}");
            Outcome::Agree
        }
        (Err(_), Err(_)) => Outcome::Agree,
        (Ok(a), Err(e)) => {
            let e = e.to_string();
            assert!(
                THEIR_DOCUMENTED.iter().any(|d| e.contains(d)),
                "only we read {text} (as {a:?}); serde_json: {e}"
            );
            Outcome::OnlyWe
        }
        (Err(e), Ok(b)) => {
            assert!(
                OUR_DOCUMENTED.contains(&e.message()),
                "only serde_json reads {text} (as {b:?}); we: {e}"
            );
            Outcome::OnlyThem
        }
    }
}

/// Whether two Debug texts differ only in numbers within 1e-15 of each other: past 19
/// significant digits, below 1e-5 or above 1e21 the reader is within a few units in the
/// last place (its documented precision; `serde_json` rounds correctly).
fn numbers_close(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || "._+-".contains(c)))
            .map(str::to_string)
            .collect()
    };
    let (x, y) = (words(a), words(b));
    x.len() == y.len()
        && x.iter().zip(&y).all(|(p, q)| {
            p == q
                || matches!((p.parse::<f64>(), q.parse::<f64>()),
                            (Ok(u), Ok(v)) if ((u - v) / v).abs() < 1e-15)
        })
}

type Options = BTreeMap<String, Scalar>;

/// Compares the readings of `text` as every crossing type; counts the outcomes.
fn compare_all(text: &str, tally: &mut BTreeMap<String, usize>) {
    let outcomes = [
        ("ClassifyInput", compare::<ClassifyInput<'_>>(text)),
        ("ThrownInput", compare::<ThrownInput>(text)),
        ("ClassifierSpec", compare::<ClassifierSpec>(text)),
        ("ReportInput", compare::<ReportInput<'_>>(text)),
        ("DecideArgs", compare::<DecideArgs>(text)),
        ("SharedState", compare::<SharedState>(text)),
        ("Options", compare::<Option<Options>>(text)),
        ("Config", compare::<Config>(text)),
        ("Claims", compare::<Claims>(text)),
        ("TimingInput", compare::<TimingInput>(text)),
    ];
    for (name, outcome) in outcomes {
        *tally.entry(format!("{name} {outcome:?}")).or_default() += 1;
    }
}

/// One valid document of each crossing type, as the facade writes them.
fn bases() -> Vec<Value> {
    vec![
        json!({"status": 429, "headers": "retry-after:30\nx-request-id:r1",
               "body": "{\"detail\":\"Slow\"}", "phase": "request", "credentialsSent": true,
               "nowMs": 1_700_000_000_000u64}),
        json!({"name": "TypeError", "message": "fetch failed", "causeCode": "ECONNREFUSED"}),
        json!({"maxBodyBytes": 1024, "rules": [{"code": "X", "category": "server",
               "action": "none", "retryable": false, "userMessage": "m"}],
               "userMessages": {"throttled": "Slow down"}}),
        json!({"classification": {"category": "server", "action": "retry_with_backoff",
               "status": 503, "retryable": true, "retryAfterMs": 1000,
               "hintSource": "retry-after", "requestId": "r", "notSent": false},
               "method": "POST", "url": "https://a/b", "headers": "authorization:x",
               "body": "{}", "responseBody": "oops", "timestampMs": 5}),
        json!({"attempt": 2, "classification": {"category": "rate_limited", "retryable": true,
               "retryAfterMs": 5000, "hintSource": "retry-after", "notSent": null},
               "method": "GET", "idempotencyKey": "k", "elapsedMs": 10, "nowMs": 20,
               "origin": "https://a", "throttledRetries": 1, "previousDelayMs": 3}),
        json!({"budgetTokens": 12.5, "circuit": {"state": "half_open", "failures": 3,
               "openedAtMs": 100, "probeSentMs": null}}),
        json!({"maxAttempts": 4, "jitter": "equal", "budget": {"capacity": 10},
               "breaker": false, "seed": 42, "deadlineMs": null}),
        json!({"namespace": "app", "webLocks": true, "leaseMs": 15000, "maxWaiters": 8,
               "maxTakeovers": 1}),
        json!({"exp": 1_700_000_000u64, "iat": 1_699_999_000u64, "nbf": null}),
        json!({"nowMs": 1_700_000_000_000u64, "receivedAtMs": 1_699_999_999_000u64,
               "serverDateMs": null, "refreshAheadMs": 60000}),
    ]
}

/// Values written as text, so that numbers keep the form they are written in.
const RAW: [&str; 44] = [
    "null",
    "true",
    "false",
    "0",
    "-0",
    "7",
    "-3",
    "1.5",
    "1.0",
    "1e3",
    "2E-3",
    "255",
    "256",
    "65535",
    "65536",
    "999",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "1e400",
    "-1e400",
    "\"\"",
    "\"server\"",
    "\"half_open\"",
    "\"GET\"",
    "\"login\"",
    "\"a\\nb\\u00e9\"",
    "\"\\ud800\"",
    "\"\\ud83d\\ude00\"",
    "\"full\"",
    "[]",
    "[1]",
    "[\"x\"]",
    "{}",
    "{\"server\":null}",
    "{\"code\":\"X\"}",
    "{\"a\":\"b\"}",
    "[{\"code\":\"X\",\"category\":\"server\"}]",
    "[{\"code\":\"X\",\"action\":{\"none\":null}}]",
    "{\"capacity\":1e400}",
];

/// Member names of the crossing types, and a few that belong to none.
const NAMES: [&str; 16] = [
    "status",
    "headers",
    "body",
    "phase",
    "nowMs",
    "classification",
    "category",
    "attempt",
    "rules",
    "budget",
    "circuit",
    "exp",
    "namespace",
    "maxWaiters",
    "extra",
    "Status",
];

const HOLE: &str = "@@raw@@";

/// `doc` with one edit: a member's value replaced by a [`RAW`] value, a member removed, or
/// a member added; nested objects are edited too. Returns the text.
fn edit(rng: &mut SplitMix64, doc: &Value) -> String {
    let mut doc = doc.clone();
    let mut target = &mut doc;
    // Walk down into a nested object now and then.
    for _ in 0..2 {
        let nested: Vec<String> = target
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| v.is_object() || v.is_array())
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        if nested.is_empty() || rng.below(2) == 0 {
            break;
        }
        let k = &nested[rng.below(nested.len() as u64) as usize];
        target = &mut target[k.as_str()];
        if let Some(first) = target.as_array_mut().and_then(|a| a.first_mut().map(|_| 0)) {
            target = &mut target[first];
        }
    }
    let raw = RAW[rng.below(RAW.len() as u64) as usize];
    if let Some(members) = target.as_object_mut() {
        let keys: Vec<String> = members.keys().cloned().collect();
        match rng.below(4) {
            0 if !keys.is_empty() => {
                members.remove(&keys[rng.below(keys.len() as u64) as usize]);
            }
            1 => {
                let name = NAMES[rng.below(NAMES.len() as u64) as usize];
                members.insert(name.to_string(), Value::from(HOLE));
            }
            _ if !keys.is_empty() => {
                let k = &keys[rng.below(keys.len() as u64) as usize];
                members.insert(k.clone(), Value::from(HOLE));
            }
            _ => {}
        }
    } else {
        *target = Value::from(HOLE);
    }
    doc.to_string().replace(&format!("\"{HOLE}\""), raw)
}

#[test]
fn agrees_with_serde_json_on_the_crossing_types() {
    let mut tally = BTreeMap::new();
    let bases = bases();
    for base in &bases {
        compare_all(&base.to_string(), &mut tally);
    }
    let mut rng = SplitMix64::new(0x0015_de00);
    for _ in 0..6_000 {
        let base = &bases[rng.below(bases.len() as u64) as usize];
        let mut text = edit(&mut rng, base);
        if rng.below(3) == 0 {
            text = edit(
                &mut rng,
                &serde_json::from_str(&text).unwrap_or(Value::Null),
            );
        }
        compare_all(&text, &mut tally);
        compare_all(&mutate(&mut rng, &text), &mut tally);
    }
    // Each type was read successfully by both, refused by both, and the documented
    // differences were met.
    let count = |k: &str| tally.get(k).copied().unwrap_or(0);
    for name in [
        "ClassifyInput",
        "DecideArgs",
        "Options",
        "Config",
        "TimingInput",
    ] {
        assert!(count(&format!("{name} Agree")) > 1000, "{tally:?}");
    }
    assert!(count("DecideArgs OnlyWe") > 0, "{tally:?}");
    assert!(count("ClassifierSpec OnlyThem") > 0, "{tally:?}");
}

#[test]
fn the_documented_differences() {
    // A lone surrogate is U+FFFD; serde_json refuses the document.
    let text = r#"{"status":500,"body":"\ud800x"}"#;
    assert_eq!(compare::<ClassifyInput<'_>>(text), Outcome::OnlyWe);
    let c: ClassifyInput<'_> = from_str(text, &Limits::default()).unwrap();
    assert_eq!(c.body, "\u{FFFD}x");
    // A number out of range is an infinity (the core then treats it as unusable).
    let text = r#"{"nowMs":1e400}"#;
    assert_eq!(compare::<TimingInput>(text), Outcome::OnlyWe);
    let t: TimingInput = from_str(text, &Limits::default()).unwrap();
    assert_eq!(t.now_ms, f64::INFINITY);
    // An enum is a string: serde_json also reads `{"name": null}`.
    let text = r#"{"rules":[{"code":"X","category":{"server":null}}]}"#;
    assert_eq!(compare::<ClassifierSpec>(text), Outcome::OnlyThem);
    // A struct is an object: serde_json also reads an array of its fields in order.
    assert_eq!(compare::<Claims>("[1, 2, 3]"), Outcome::OnlyThem);
    // Whole numbers: as serde_json, `1.0` and `1e0` are not integers, `-0` is a float.
    for text in [r#"{"status":1.0}"#, r#"{"status":1e0}"#, r#"{"status":-0}"#] {
        assert_eq!(compare::<ClassifyInput<'_>>(text), Outcome::Agree);
        assert!(from_str::<ClassifyInput<'_>>(text, &Limits::default()).is_err());
    }
}
