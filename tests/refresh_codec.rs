#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Wire and storage codecs, tokens, errors, configuration and timing of the refresh
//! protocol.

use faultline::core::error::ErrorCode;
use faultline::core::refresh::{
    AccessToken, CODES, Config, Inflight, Lease, LogoutReason, MAX_TOKEN_LEN, MAX_WIRE_LEN,
    Message, RefreshError, RefreshToken, Session, SharedRecord, WireIssue, cooldown_ms, expires_at,
    refresh_at, restored_expires_at, usable,
};

fn assert_copy<T: Copy>() {}

#[test]
fn messages_hold_numbers_only() {
    // A `Copy` type cannot own a String: no token can be put into a message.
    assert_copy::<Message>();
}

#[test]
fn message_wire_format_is_exact() {
    let cases = [
        (
            Message::Claim {
                from: 7,
                generation: 12,
                nonce: 99,
            },
            r#"{"fl":1,"t":"claim","from":7,"gen":12,"nonce":99}"#,
        ),
        (
            Message::Refreshing {
                from: 7,
                generation: 12,
                until_ms: 1_700_000_000_123.6,
            },
            r#"{"fl":1,"t":"refreshing","from":7,"gen":12,"until":1700000000124}"#,
        ),
        (
            Message::Done {
                from: 7,
                generation: 13,
                expires_at_ms: Some(5.0),
            },
            r#"{"fl":1,"t":"done","from":7,"gen":13,"exp":5}"#,
        ),
        (
            Message::Done {
                from: 7,
                generation: 13,
                expires_at_ms: None,
            },
            r#"{"fl":1,"t":"done","from":7,"gen":13,"exp":null}"#,
        ),
        (
            Message::Failed {
                from: 1,
                generation: 2,
                until_ms: 3.0,
            },
            r#"{"fl":1,"t":"failed","from":1,"gen":2,"until":3}"#,
        ),
        (
            Message::Logout {
                from: 1,
                generation: 2,
            },
            r#"{"fl":1,"t":"logout","from":1,"gen":2}"#,
        ),
    ];
    for (m, wire) in cases {
        assert_eq!(m.encode(), wire);
        let back = Message::decode(wire).unwrap();
        assert_eq!(back.encode(), wire);
        assert_eq!(back.from(), m.from());
        assert_eq!(back.generation(), m.generation());
    }
    // Ids above 2^53 - 1 are clamped so JavaScript reads them exactly.
    let big = Message::Logout {
        from: u64::MAX,
        generation: 1,
    }
    .encode();
    assert_eq!(
        big,
        r#"{"fl":1,"t":"logout","from":9007199254740991,"gen":1}"#
    );
}

#[test]
fn foreign_version_and_malformed_messages_are_told_apart() {
    let long_foreign = "x".repeat(MAX_WIRE_LEN + 1);
    let long_ours = format!(r#"{{"fl":1,"pad":"{}"}}"#, "x".repeat(MAX_WIRE_LEN));
    let cases: &[(&str, WireIssue)] = &[
        ("not json", WireIssue::Foreign),
        (
            r#"{"type":"token_refreshed","access":"eyJ"}"#,
            WireIssue::Foreign,
        ),
        ("[1,2]", WireIssue::Foreign),
        ("", WireIssue::Foreign),
        (&long_foreign, WireIssue::Foreign),
        (
            r#"{"fl":2,"t":"logout","from":1,"gen":2}"#,
            WireIssue::Version,
        ),
        (
            r#"{"fl":0,"t":"logout","from":1,"gen":2}"#,
            WireIssue::Version,
        ),
        (
            r#"{"fl":"1","t":"logout","from":1,"gen":2}"#,
            WireIssue::Version,
        ),
        (
            r#"{"fl":1,"t":"logout","from":"1","gen":2}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"logout","from":1,"gen":-2}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"logout","from":1,"gen":2.5}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"logout","from":1,"gen":9007199254740992}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"failed","from":1,"gen":2}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"steal","from":1,"gen":2}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"done","from":1,"gen":2,"exp":"soon"}"#,
            WireIssue::Malformed,
        ),
        (
            r#"{"fl":1,"t":"logout","from":1,"gen":2"#,
            WireIssue::Malformed,
        ),
        (&long_ours, WireIssue::Malformed),
    ];
    for (wire, want) in cases {
        assert_eq!(Message::decode(wire), Err(*want), "{wire}");
    }
    assert_eq!(
        RefreshError::from(WireIssue::Foreign).code(),
        "refresh_message_malformed"
    );
}

fn sample_record() -> SharedRecord {
    SharedRecord {
        generation: 42,
        session: Some(Session {
            access: AccessToken::new("at-\"quoted\"\\é\n").unwrap(),
            refresh: RefreshToken::new("rt-secret").unwrap(),
            expires_at_ms: Some(2_000.0),
            received_at_ms: 1_000.0,
        }),
        logout: None,
        lease: Some(Lease {
            generation: 42,
            owner: 3,
            nonce: 4,
            until_ms: 5.0,
        }),
        inflight: Some(Inflight {
            generation: 42,
            owner: 3,
            attempt: 6,
            since_ms: 7.0,
        }),
        takeovers: 1,
        failures: 2,
        cooldown_until_ms: 8.0,
        api_rejected: false,
        after_rejection: true,
        takeover_due: false,
        spent: false,
        keeps_refresh: true,
        bad_grants: 2,
        window_start_ms: 9.0,
        window_count: 3,
    }
}

#[test]
fn record_format_is_exact_and_round_trips() {
    let rec = sample_record();
    let raw = rec.encode();
    assert_eq!(
        raw,
        "{\"fl\":1,\"gen\":42,\"s\":{\"at\":\"at-\\\"quoted\\\"\\\\é\\n\",\"rt\":\"rt-secret\",\
         \"exp\":2000,\"rcv\":1000},\"out\":null,\"lease\":{\"gen\":42,\"owner\":3,\"nonce\":4,\
         \"until\":5},\"inf\":{\"gen\":42,\"owner\":3,\"att\":6,\"since\":7},\"take\":1,\
         \"fail\":2,\"cool\":8,\"rej\":0,\"ar\":1,\"due\":0,\"spent\":0,\"keep\":1,\"bad\":2,\"win\":9,\"wn\":3}"
    );
    assert_eq!(SharedRecord::decode(&raw).unwrap(), rec);
    let out = SharedRecord::new(43, None, Some(LogoutReason::Rejected));
    assert_eq!(SharedRecord::decode(&out.encode()).unwrap(), out);
    for reason in [
        LogoutReason::User,
        LogoutReason::Rejected,
        LogoutReason::Lost,
        LogoutReason::Cleared,
    ] {
        let r = SharedRecord::new(1, None, Some(reason));
        assert_eq!(
            SharedRecord::decode(&r.encode()).unwrap().logout,
            Some(reason)
        );
    }
}

#[test]
fn malformed_records_are_rejected() {
    let good = sample_record().encode();
    let cases = [
        "{corrupt".to_string(),
        "null".to_string(),
        good.replace("\"fl\":1", "\"fl\":2"),
        good.replace("\"gen\":42,\"s\"", "\"gen\":-1,\"s\""),
        good.replace("\"rt\":\"rt-secret\"", "\"rt\":\"\""),
        good.replace("\"out\":null", "\"out\":\"bored\""),
        good.replace("\"take\":1", "\"take\":\"1\""),
        format!("{{\"fl\":1,\"gen\":1,\"pad\":\"{}\"}}", "x".repeat(70_000)),
    ];
    for raw in cases {
        assert_eq!(
            SharedRecord::decode(&raw),
            Err(RefreshError::StorageMalformed),
            "{raw:.80}"
        );
    }
}

#[test]
fn tokens_are_validated_and_the_refresh_token_is_redacted() {
    assert_eq!(AccessToken::new(""), Err(RefreshError::InvalidToken));
    assert_eq!(
        RefreshToken::new("x".repeat(MAX_TOKEN_LEN + 1)),
        Err(RefreshError::InvalidToken)
    );
    assert!(RefreshToken::new("x".repeat(MAX_TOKEN_LEN)).is_ok());
    let rt = RefreshToken::new("super-secret").unwrap();
    assert_eq!(format!("{rt:?}"), "RefreshToken(redacted)");
    assert_eq!(rt.expose_secret(), "super-secret");
    assert_eq!(
        format!("{:?}", AccessToken::new("abc").unwrap()),
        "AccessToken(3 bytes)"
    );
}

#[test]
fn every_error_has_a_listed_code() {
    let all = [
        RefreshError::LoggedOut,
        RefreshError::Failed { retry_at_ms: 1.0 },
        RefreshError::Cooldown { until_ms: 1.0 },
        RefreshError::Timeout,
        RefreshError::Busy,
        RefreshError::InvalidToken,
        RefreshError::MessageMalformed,
        RefreshError::StorageMalformed,
        RefreshError::StorageUnavailable,
    ];
    assert_eq!(all.len(), CODES.len());
    for (e, info) in all.iter().zip(CODES) {
        assert_eq!(e.code(), info.code);
        assert!(info.code.starts_with("refresh_"));
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn config_is_sanitized() {
    let bad = Config {
        namespace: String::new(),
        refresh_ahead_ms: f64::NAN,
        jitter_ms: -5.0,
        network_timeout_ms: f64::INFINITY,
        lease_ms: 1.0,
        heartbeat_ms: 0.0,
        get_token_timeout_ms: -1.0,
        cooldown_base_ms: 10_000.0,
        cooldown_max_ms: 1.0,
        poll_ms: 1e12,
        max_waiters: 0,
        max_takeovers: 1_000,
        ..Config::default()
    };
    let c = bad.sanitized();
    assert_eq!(c.namespace, "default");
    assert_eq!(c.key(), "faultline.refresh.default");
    assert_eq!(c.refresh_ahead_ms, 300_000.0);
    assert_eq!(c.jitter_ms, 0.0);
    assert_eq!(c.network_timeout_ms, 10_000.0);
    assert_eq!(c.heartbeat_ms, 50.0);
    assert_eq!(c.lease_ms, 10_000.0 + 50.0 + 1_000.0);
    assert_eq!(
        c.get_token_timeout_ms,
        c.lease_ms + c.settle_ms + c.confirm_ms + 2_000.0
    );
    assert_eq!(c.cooldown_max_ms, 10_000.0);
    assert_eq!(c.poll_ms, 60_000.0);
    assert_eq!(c.max_waiters, 1);
    assert_eq!(c.max_takeovers, 16);
    assert_eq!(Config::default().sanitized(), Config::default());
}

#[test]
fn expiry_uses_the_token_lifetime_not_the_client_clock() {
    // Server clock 1 h ahead of the client: exp - iat = 3600 s still expires in 1 h locally.
    let now = 1_000_000.0;
    assert_eq!(
        expires_at(now, Some(1_700_007_200.0), Some(1_700_003_600.0), None),
        Some(now + 3_600_000.0)
    );
    assert_eq!(
        expires_at(now, Some(2_000.0), None, None),
        Some(2_000_000.0)
    );
    assert_eq!(expires_at(now, None, Some(1.0), None), None);
    assert_eq!(expires_at(now, Some(f64::NAN), Some(1.0), None), None);
    assert_eq!(expires_at(now, Some(10.0), Some(20.0), None), Some(now));
}

/// A token given to `setTokens` whose `exp` is past on the local clock stays expired: the
/// lifetime correction (`receivedAt + (exp − iat)`) never revives it (issue: restored
/// sessions). A token the local clock deems alive keeps the correction.
#[test]
fn a_restored_dead_token_stays_dead() {
    let now = 1_700_000_600_000.0;
    // Issued 15 min ago for 5 min: dead for 10 min.
    let (iat, exp) = (1_700_000_600.0 - 900.0, 1_700_000_600.0 - 600.0);
    assert_eq!(
        expires_at(now, Some(exp), Some(iat), None),
        Some(now + 300_000.0)
    );
    assert_eq!(
        restored_expires_at(now, Some(exp), Some(iat)),
        Some(exp * 1000.0)
    );
    // Alive on the local clock: corrected by the lifetime as before.
    let (iat, exp) = (1_700_000_600.0, 1_700_000_900.0);
    assert_eq!(
        restored_expires_at(now, Some(exp), Some(iat)),
        Some(now + 300_000.0)
    );
    assert_eq!(restored_expires_at(now, None, Some(iat)), None);
}

/// When the local clock agrees with the issuer's, a short token's own `exp` bounds its
/// expiry: `iat` is whole seconds, so `now + (exp − iat)` would overstate it by up to 1 s.
#[test]
fn agreeing_clocks_use_exp_itself() {
    let now = 1_700_000_000_900.0;
    let (iat, exp) = (1_700_000_000.0, 1_700_000_003.0);
    assert_eq!(
        expires_at(now, Some(exp), Some(iat), None),
        Some(1_700_000_003_000.0)
    );
    // A slow answer: the token was issued between the request and now.
    let sent = now - 1_500.0;
    assert_eq!(
        expires_at(now, Some(exp), Some(iat), Some(sent)),
        Some(1_700_000_003_000.0)
    );
    // A client clock an hour slow, request sent 1.5 s before the answer: the early end of
    // the window (sent − 1 s + life), never later than the token really lives.
    let slow = now - 3_600_000.0;
    assert_eq!(
        expires_at(slow, Some(exp), Some(iat), Some(slow - 1_500.0)),
        Some(slow - 1_500.0 - 1_000.0 + 3_000.0)
    );
    // An hour apart: the lifetime decides.
    assert_eq!(
        expires_at(now + 3_600_000.0, Some(exp), Some(iat), None),
        Some(now + 3_600_000.0 + 3_000.0)
    );
}

/// Any lifetime works: the margin is at most a fifth of it, the refresh comes after two thirds.
#[test]
fn margin_and_refresh_ahead_scale_with_the_lifetime() {
    let cfg = Config::default();
    for life in [1_000.0, 3_000.0, 8_000.0, 16_000.0] {
        let s = Session {
            access: AccessToken::new("a").unwrap(),
            refresh: RefreshToken::new("r").unwrap(),
            expires_at_ms: Some(life),
            received_at_ms: 0.0,
        };
        assert!(usable(&s, &cfg, life * 0.79), "{life}");
        assert!(!usable(&s, &cfg, life * 0.81), "{life}");
        for frac in [0.0, 0.5, 0.999] {
            let at = refresh_at(&s, &cfg, frac);
            assert!(
                at >= life * 2.0 / 3.0 - 1e-6 && at <= life * 0.75 + 1e-6,
                "{life} {frac} {at}"
            );
        }
    }
}

#[test]
fn refresh_time_caps_the_buffer_at_a_quarter_of_the_lifetime() {
    let cfg = Config::default();
    let s = |life: f64| Session {
        access: AccessToken::new("a").unwrap(),
        refresh: RefreshToken::new("r").unwrap(),
        expires_at_ms: Some(life),
        received_at_ms: 0.0,
    };
    // 1 h token: 5 min ahead, jitter up to 10 s.
    assert_eq!(refresh_at(&s(3_600_000.0), &cfg, 0.0), 3_300_000.0);
    assert_eq!(refresh_at(&s(3_600_000.0), &cfg, 0.5), 3_295_000.0);
    // 60 s token: 15 s ahead, jitter capped at 5 s.
    assert_eq!(refresh_at(&s(60_000.0), &cfg, 0.0), 45_000.0);
    assert_eq!(refresh_at(&s(60_000.0), &cfg, 1.0), 40_000.0);
    // An unknown expiry (an old record) is refreshed at once.
    let mut none = s(1.0);
    none.expires_at_ms = None;
    assert_eq!(refresh_at(&none, &cfg, 0.3), 0.0);
}

#[test]
fn cooldown_doubles_caps_and_honours_hints() {
    let cfg = Config::default();
    assert_eq!(cooldown_ms(&cfg, 1, None), 5_000.0);
    assert_eq!(cooldown_ms(&cfg, 2, None), 10_000.0);
    assert_eq!(cooldown_ms(&cfg, 5, None), 60_000.0);
    assert_eq!(cooldown_ms(&cfg, u32::MAX, None), 60_000.0);
    assert_eq!(cooldown_ms(&cfg, 1, Some(20_000.0)), 20_000.0);
    assert_eq!(cooldown_ms(&cfg, 1, Some(1e12)), 300_000.0);
    assert_eq!(cooldown_ms(&cfg, 1, Some(f64::NAN)), 5_000.0);
    assert_eq!(cooldown_ms(&cfg, 1, Some(-3.0)), 5_000.0);
}
