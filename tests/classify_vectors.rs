#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Runs every case of `tests/vectors/classify.json` through `classify` / `classify_thrown`
//! and checks the whole Classification exactly. Also checks invariants on random inputs and
//! the support report on the seed cases.

use faultline::core::classify::{
    Action, Category, Classification, ClassifyOptions, CustomRule, Format, Phase, ReportRequest,
    ResponseParts, Thrown, classify, classify_thrown, support_report,
};
use faultline::core::json::{self, Value};
use faultline::core::rand::SplitMix64;
use faultline::core::retry::hints::Headers;

fn load() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/classify.json"
    ))
    .unwrap()
}

fn b64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 {c}"),
        }
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

struct Input {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    phase: Phase,
    method: Option<String>,
    url: Option<String>,
    now_ms: Option<f64>,
    credentials_sent: Option<bool>,
    options: ClassifyOptions,
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn input(v: &Value) -> Input {
    let headers = v
        .get("headers")
        .and_then(Value::as_object)
        .unwrap_or(&[])
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_str().unwrap().to_string()))
        .collect();
    let body = if let Some(b) = v.get("bodyBase64").and_then(Value::as_str) {
        b64(b)
    } else if let Some(p) = v.get("bodyParts") {
        let mut out = s(p, "prefix").unwrap_or_default();
        let rep = s(p, "repeat").unwrap();
        out.push_str(&rep.repeat(p.get("times").unwrap().as_f64().unwrap() as usize));
        out.push_str(&s(p, "suffix").unwrap_or_default());
        out.into_bytes()
    } else {
        s(v, "body").unwrap().into_bytes()
    };
    let mut options = ClassifyOptions::default();
    if let Some(o) = v.get("options") {
        if let Some(n) = o.get("maxBodyBytes").and_then(Value::as_f64) {
            options = options.with_max_body_bytes(n as usize);
        }
        for r in o.get("rules").and_then(Value::as_array).unwrap_or(&[]) {
            options = options.with_rule(CustomRule {
                code: s(r, "code").unwrap(),
                category: s(r, "category").map(|c| Category::parse(&c).unwrap()),
                action: s(r, "action").map(|a| Action::parse(&a).unwrap()),
                retryable: r.get("retryable").and_then(Value::as_bool),
                user_message: s(r, "userMessage"),
            });
        }
        for (k, m) in o
            .get("userMessages")
            .and_then(Value::as_object)
            .unwrap_or(&[])
        {
            options = options.with_user_message(k.to_string(), m.as_str().unwrap());
        }
    }
    Input {
        status: v.get("status").unwrap().as_f64().unwrap() as u16,
        headers,
        body,
        phase: Phase::parse(&s(v, "phase").unwrap_or_else(|| "request".into())).unwrap(),
        method: s(v, "method"),
        url: s(v, "url"),
        now_ms: v.get("nowMs").and_then(Value::as_f64),
        credentials_sent: v.get("credentialsSent").and_then(Value::as_bool),
        options,
    }
}

fn run(inp: &Input) -> Classification {
    let pairs: Vec<(&str, &str)> = inp
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let parts = ResponseParts {
        status: inp.status,
        headers: Headers(&pairs),
        body: &inp.body,
        method: inp.method.as_deref(),
        url: inp.url.as_deref(),
        phase: inp.phase,
        now_ms: inp.now_ms,
        credentials_sent: inp.credentials_sent,
    };
    classify(&parts, &inp.options)
}

/// Compares every field; returns the differences.
fn diff(got: &Classification, want: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |field: &str, got: String, want: String| {
        if got != want {
            out.push(format!("{field}: got {got}, want {want}"));
        }
    };
    let opt_s = |v: Option<&Value>| match v {
        Some(Value::String(s)) => format!("{s:?}"),
        _ => "null".to_string(),
    };
    let opt_n = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => format!("{n}"),
        _ => "null".to_string(),
    };
    check(
        "category",
        got.category.as_str().into(),
        s(want, "category").unwrap(),
    );
    check(
        "action",
        got.action.as_str().into(),
        s(want, "action").unwrap(),
    );
    check(
        "status",
        got.status.map_or("null".into(), |s| format!("{s}")),
        opt_n(want.get("status")),
    );
    check(
        "code",
        got.code
            .as_ref()
            .map_or("null".into(), |s| format!("{s:?}")),
        opt_s(want.get("code")),
    );
    check(
        "message",
        got.message
            .as_ref()
            .map_or("null".into(), |s| format!("{s:?}")),
        opt_s(want.get("message")),
    );
    check(
        "retryable",
        got.retryable.to_string(),
        want.get("retryable")
            .unwrap()
            .as_bool()
            .unwrap()
            .to_string(),
    );
    check(
        "retryAfterMs",
        got.retry_after_ms.map_or("null".into(), |n| format!("{n}")),
        opt_n(want.get("retryAfterMs")),
    );
    check(
        "hintSource",
        got.hint_source
            .map_or("null".into(), |s| format!("{:?}", s.as_str())),
        opt_s(want.get("hintSource")),
    );
    check(
        "requestId",
        got.request_id
            .as_ref()
            .map_or("null".into(), |s| format!("{s:?}")),
        opt_s(want.get("requestId")),
    );
    let want_fields: Option<Vec<(String, Vec<String>)>> =
        want.get("fieldErrors").and_then(Value::as_object).map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        v.as_array()
                            .unwrap()
                            .iter()
                            .map(|x| x.as_str().unwrap().to_string())
                            .collect(),
                    )
                })
                .collect()
        });
    check(
        "fieldErrors",
        format!("{:?}", got.field_errors),
        format!("{want_fields:?}"),
    );
    check(
        "format",
        got.format.as_str().into(),
        s(want, "format").unwrap(),
    );
    check(
        "notSent",
        got.not_sent.to_string(),
        want.get("notSent").unwrap().as_bool().unwrap().to_string(),
    );
    if let Some(m) = want.get("userMessage").and_then(Value::as_str) {
        check(
            "userMessage",
            format!("{:?}", got.user_message),
            format!("{m:?}"),
        );
    }
    out
}

#[test]
fn every_response_case_matches_exactly() {
    let text = load();
    let doc = json::parse(&text).unwrap();
    let cases = doc.get("cases").unwrap().as_array().unwrap();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = s(case, "name").unwrap();
        assert!(s(case, "source").is_some(), "{name}: no source");
        let got = run(&input(case.get("input").unwrap()));
        let d = diff(&got, case.get("expect").unwrap());
        if !d.is_empty() {
            failures.push(format!("{name}:\n    {}", d.join("\n    ")));
        }
        // Invariants that hold for every classification.
        assert!(!got.user_message.is_empty(), "{name}");
        assert!(
            !got.user_message.contains('<'),
            "{name}: markup in userMessage"
        );
        if let Some(ms) = got.retry_after_ms {
            assert!(ms.is_finite() && ms >= 0.0, "{name}: {ms}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_thrown_case_matches_exactly() {
    let text = load();
    let doc = json::parse(&text).unwrap();
    let cases = doc.get("thrown").unwrap().as_array().unwrap();
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    for case in cases {
        let name = s(case, "name").unwrap();
        let i = case.get("input").unwrap();
        let fields: Vec<Option<String>> = [
            "name",
            "message",
            "code",
            "causeName",
            "causeMessage",
            "causeCode",
        ]
        .iter()
        .map(|k| s(i, k))
        .collect();
        let t = Thrown {
            name: fields[0].as_deref(),
            message: fields[1].as_deref(),
            code: fields[2].as_deref(),
            cause_name: fields[3].as_deref(),
            cause_message: fields[4].as_deref(),
            cause_code: fields[5].as_deref(),
        };
        let got = classify_thrown(&t);
        let d = diff(&got, case.get("expect").unwrap());
        if !d.is_empty() {
            failures.push(format!("{name}:\n    {}", d.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn server_text_never_reaches_user_message_for_5xx() {
    let text = load();
    let doc = json::parse(&text).unwrap();
    for case in doc.get("cases").unwrap().as_array().unwrap() {
        let inp = input(case.get("input").unwrap());
        let got = run(&inp);
        if let (Some(m), true) = (
            &got.message,
            inp.status >= 500 && got.message.as_ref().is_some_and(|m| m.len() > 12),
        ) {
            assert!(
                !got.user_message.contains(m.as_str()),
                "{}: {m}",
                s(case, "name").unwrap()
            );
        }
    }
}

#[test]
fn support_report_for_seed_000_escalation() {
    let headers = [
        ("Content-Type", "application/json"),
        ("X-Request-Id", "abc123-def456-789"),
    ];
    let body = br#"{"error":{"code":"internal_server_error","message":"An unexpected error occurred. Please try again later.","details":null}}"#;
    let c = classify(
        &ResponseParts {
            status: 500,
            headers: Headers(&headers),
            body,
            ..ResponseParts::default()
        },
        &ClassifyOptions::default(),
    );
    let req_headers = [
        (
            "Authorization",
            "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.sig",
        ),
        ("Cookie", "sessionid=abc; csrftoken=def"),
        ("X-API-Key", "valid-key-123"),
        ("Accept", "application/json"),
    ];
    let report = support_report(
        &c,
        &ReportRequest {
            method: Some("get"),
            url: Some(
                "https://api.upstream.example.com/api/v1/claims/?page_size=1000&access_token=SECRET1",
            ),
            headers: Headers(&req_headers),
            body: Some(
                r#"{"username": "u@example.com", "password": "SecurePassword123!", "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.s"}"#,
            ),
            response_body: Some(body),
            timestamp_ms: Some(1_706_369_445_000.0),
        },
    );
    let want = "Subject: API Error: 500 internal_server_error - GET /api/v1/claims/

X-Request-Id: abc123-def456-789
Timestamp: 2024-01-27T15:30:45Z
Endpoint: GET /api/v1/claims/?page_size=1000&access_token=REDACTED
Status: 500
Category: server (retryable; action: retry_with_backoff)
Code: internal_server_error
Message: An unexpected error occurred. Please try again later.

Error response:
{\"error\":{\"code\":\"internal_server_error\",\"message\":\"An unexpected error occurred. Please try again later.\",\"details\":null}}

Reproduce (credentials redacted):
curl -X GET 'https://api.upstream.example.com/api/v1/claims/?page_size=1000&access_token=REDACTED' \\
  -H 'Authorization: Bearer REDACTED' \\
  -H 'Cookie: sessionid=REDACTED; csrftoken=REDACTED' \\
  -H 'X-API-Key: REDACTED' \\
  -H 'Accept: application/json' \\
  --data-raw '{\"username\": \"u@example.com\", \"password\": \"REDACTED\", \"refresh\": \"REDACTED\"}'
";
    assert_eq!(report, want);
    for secret in [
        "SECRET1",
        "SecurePassword123",
        "valid-key-123",
        "eyJ",
        "sessionid=abc",
        "csrftoken=def",
    ] {
        assert!(!report.contains(secret), "{secret} leaked");
    }
}

#[test]
fn support_report_without_a_response() {
    let c = classify_thrown(&Thrown {
        name: Some("TypeError"),
        message: Some("fetch failed"),
        cause_code: Some("ECONNREFUSED"),
        cause_message: Some("connect ECONNREFUSED 127.0.0.1:3000"),
        ..Thrown::default()
    });
    let report = support_report(
        &c,
        &ReportRequest {
            method: Some("POST"),
            url: Some("https://user:pa55@api.example.com/login#id_token=abc"),
            body: Some("grant_type=password&username=u&password=p%40ss"),
            timestamp_ms: Some(f64::NAN),
            ..ReportRequest::default()
        },
    );
    assert!(
        report.starts_with("Subject: API Error: network ECONNREFUSED - POST /login\n"),
        "{report}"
    );
    assert!(report.contains("X-Request-Id: (not available)\n"));
    assert!(report.contains("Timestamp: (not available)\n"));
    assert!(report.contains("Status: none (no response received)\n"));
    assert!(report.contains("Request sent: no (failed before sending)\n"));
    assert!(report.contains(
        "curl -X POST 'https://REDACTED@api.example.com/login#id_token=REDACTED' \\\n  --data-raw 'grant_type=password&username=u&password=REDACTED'"
    ));
    assert!(!report.contains("pa55"));
    assert!(!report.contains("p%40ss"));
    assert!(!report.contains("Error response:"));
}

#[test]
fn support_report_html_body_and_quotes() {
    let page =
        b"<html><head><title>502 Bad Gateway</title></head><body>token=eyJa.b.c</body></html>";
    let c = classify(
        &ResponseParts {
            status: 502,
            body: page,
            ..ResponseParts::default()
        },
        &ClassifyOptions::default(),
    );
    let report = support_report(
        &c,
        &ReportRequest {
            url: Some("https://api.example.com/it's"),
            response_body: Some(page),
            ..ReportRequest::default()
        },
    );
    assert!(report.contains("\nError response:\n(HTML page: 502 Bad Gateway)\n"));
    assert!(report.contains("curl -X GET 'https://api.example.com/it'\\''s'"));
    assert!(!report.contains("<html>"));
}

#[test]
fn support_report_redacts_tokens_in_the_response_body() {
    let body = br#"{"access": "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoxfQ.AAA", "refresh": "opaque-refresh-value", "nested": {"client_secret": {"v": "s3cr3t"}}, "detail": "see Bearer abc.def"}"#;
    let c = classify(
        &ResponseParts {
            status: 400,
            body,
            ..ResponseParts::default()
        },
        &ClassifyOptions::default(),
    );
    let report = support_report(
        &c,
        &ReportRequest {
            response_body: Some(body),
            ..ReportRequest::default()
        },
    );
    assert!(report.contains(
        r#"{"access": "REDACTED", "refresh": "REDACTED", "nested": {"client_secret": "REDACTED"}, "detail": "see Bearer REDACTED"}"#
    ), "{report}");
    for secret in ["eyJ", "opaque-refresh-value", "s3cr3t", "abc.def"] {
        assert!(!report.contains(secret), "{secret} leaked:\n{report}");
    }
}

/// Random bodies, statuses and headers: classify never panics, and its output is sane.
#[test]
fn random_inputs_keep_invariants() {
    let mut rng = SplitMix64::new(0xC1A5_51F7);
    let pieces: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"error\"",
        "\"detail\"",
        "\"code\"",
        "\"message\"",
        "\"details\"",
        "\"errors\"",
        "\"retryable\"",
        "\"wait_seconds\"",
        "\"retryAfter\"",
        "\"title\"",
        "\"type\"",
        "\"status\"",
        "\"loc\"",
        "\"msg\"",
        "true",
        "null",
        "-1",
        "1e400",
        "3600",
        "\"x\"",
        "\"token_not_valid\"",
        "\"throttled\"",
        "<title>",
        "</title>",
        "<h1>",
        "&amp;",
        "\u{e9}",
        "\"@type\"",
        "\"google.rpc.RetryInfo\"",
        "\"58s\"",
        " ",
        "Expected available in 5 seconds.",
    ];
    let header_names = [
        "Retry-After",
        "retry-after-ms",
        "RateLimit",
        "X-RateLimit-Reset",
        "RateLimit-Reset",
        "Date",
        "Content-Type",
        "X-Request-Id",
        "cf-ray",
    ];
    let header_values = [
        "30",
        "-1",
        "NaN",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "\"default\";r=0;t=30",
        "1700000060",
        "application/problem+json",
        "text/html",
        "",
        "99999999999999999999999",
    ];
    for round in 0..3000 {
        let seed = rng.next_u64();
        let mut r = SplitMix64::new(seed);
        let n = r.below(30) as usize;
        let mut body = String::new();
        for _ in 0..n {
            body.push_str(pieces[r.below(pieces.len() as u64) as usize]);
        }
        let mut bytes = body.into_bytes();
        if r.below(5) == 0 {
            bytes.push(0xff);
        }
        let hs: Vec<(&str, &str)> = (0..r.below(4))
            .map(|_| {
                (
                    header_names[r.below(header_names.len() as u64) as usize],
                    header_values[r.below(header_values.len() as u64) as usize],
                )
            })
            .collect();
        let status = [
            0u16, 200, 400, 401, 403, 404, 409, 413, 429, 500, 501, 502, 503, 504, 999,
        ][r.below(15) as usize];
        let phase = [Phase::Request, Phase::Refresh, Phase::Login][r.below(3) as usize];
        let opts = ClassifyOptions::default().with_max_body_bytes(r.below(200) as usize);
        let c = classify(
            &ResponseParts {
                status,
                headers: Headers(&hs),
                body: &bytes,
                phase,
                now_ms: Some(1.7e12),
                ..ResponseParts::default()
            },
            &opts,
        );
        let ctx =
            format!("round {round} seed {seed:#x} status {status} body {bytes:?} headers {hs:?}");
        if let Some(ms) = c.retry_after_ms {
            assert!(
                ms.is_finite() && (0.0..=8.64e15).contains(&ms),
                "{ctx}: {ms}"
            );
            assert!(c.hint_source.is_some(), "{ctx}");
        }
        assert_eq!(
            c.retryable,
            matches!(c.action, Action::WaitAndRetry | Action::RetryWithBackoff),
            "{ctx}: {c:?}"
        );
        if (500..=599).contains(&status) {
            if let Some(m) = c.message.as_ref().filter(|m| m.len() > 12) {
                assert!(!c.user_message.contains(m.as_str()), "{ctx}");
            }
        }
        if c.format == Format::Html {
            assert!(!c.message.as_deref().unwrap_or("").contains('<'), "{ctx}");
        }
        assert_eq!(c.status, (status != 0).then_some(status), "{ctx}");
        if phase == Phase::Refresh && matches!(status, 400 | 401) {
            assert_eq!(c.action, Action::Reauthenticate, "{ctx}");
        }
        let _ = support_report(
            &c,
            &ReportRequest {
                response_body: Some(&bytes),
                ..ReportRequest::default()
            },
        );
    }
}
