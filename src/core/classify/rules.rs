//! The decision: category, action and retryable from the status, the phase, the server's
//! code and text, the hints and the body's `retryable` flag.
//!
//! Steps, each refining the previous (custom rules are applied afterwards by the caller):
//! 1. **Status** ([`by_status`]): 400/405/415/422 and other 4xx -> invalid_request; 401 ->
//!    unauthenticated; 403 -> forbidden; 404/410 -> not_found; 408 -> timeout; 409/412 ->
//!    conflict; 413 -> payload_too_large; 429 -> rate_limited (wait_and_retry); 500 and
//!    other 5xx -> server (retry_with_backoff); 501/505 -> server, not retryable
//!    (contact_support); 502/503 (and Cloudflare 520/521/523, 529) -> unavailable; 504
//!    (and 522/524, 598/599) -> timeout; 0 -> network (no usable response); 1xx–3xx and
//!    anything else -> unknown/none.
//! 2. **Known code** ([`codes`](super::codes)), for statuses below 500 only, when the status
//!    said invalid_request or unknown (a 400 `RATE_LIMIT_EXCEEDED` is rate_limited and
//!    retryable, a GraphQL 200 `FORBIDDEN` is forbidden) or when the code names the same
//!    category (a 429 `insufficient_quota` is rate_limited but not retryable). A 404 with
//!    `validation_error` stays not_found: the status wins when they disagree.
//! 3. **Authentication** ([`auth`](super::auth)): on 401 the strongest signal picks the
//!    action. An ambiguous 401 (no signal, or only a generic code such as
//!    `authentication_failed`, or "credentials were not provided or are invalid") is
//!    add_credentials when the caller says no credentials were sent (`credentials_sent:
//!    false`), else refresh_token (a rejected token is most often an expired one);
//!    on 403 an invalid API key is check_credentials (still forbidden), missing credentials
//!    (DRF answers 403 without a `WWW-Authenticate` scheme) or a token code become
//!    unauthenticated; on 400 and non-error statuses an authentication *code* makes it
//!    unauthenticated (Google 400 `API_KEY_INVALID`).
//!    A 403 whose rate-limit headers say nothing is left, or whose message says a "rate
//!    limit" was "exceeded", is rate_limited (GitHub answers its rate limits with 403).
//! 4. **Phase**: on the refresh call, 400 and 401 -> unauthenticated/reauthenticate; on the
//!    login call, 401 (or 400 with an authentication signal) -> check_credentials.
//! 5. **Retry-After on a 4xx** (RFC 9110 §10.2.3): a `Retry-After` or `retry-after-ms`
//!    header makes a non-authentication 4xx retryable (wait_and_retry). Rate-limit reset
//!    headers do not: GitHub sends them on every response.
//! 6. **Body flag**: an explicit `retryable` in the body overrides; a retryable failure gets
//!    a retry action, a non-retryable one that had a retry action gets contact_support.
//! 7. A retryable failure with a server hint waits for it (wait_and_retry).

use super::auth::{self, Signal};
use super::codes::{self, CodeRule};
use super::input::Phase;
use super::model::{Action, Category};
use super::text::{CodeKey, Phrases};

/// Everything the rules look at.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Signals<'s> {
    pub status: u16,
    pub phase: Phase,
    /// Whether the request carried credentials, when the caller knows.
    pub credentials_sent: Option<bool>,
    pub code: Option<&'s CodeKey<'s>>,
    pub secondary_code: Option<&'s CodeKey<'s>>,
    pub message: Option<&'s str>,
    pub extra_text: Option<&'s str>,
    pub body_retryable: Option<bool>,
    pub retry_after_header: bool,
    pub has_hint: bool,
    /// A rate-limit header says no requests are left (`X-RateLimit-Remaining: 0`,
    /// `RateLimit-Remaining: 0`, or a `RateLimit` policy with `r=0`).
    pub quota_exhausted: bool,
}

/// Category, action, retryable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub category: Category,
    pub action: Action,
    pub retryable: bool,
}

const fn d(category: Category, action: Action, retryable: bool) -> Decision {
    Decision {
        category,
        action,
        retryable,
    }
}

impl From<CodeRule> for Decision {
    fn from(r: CodeRule) -> Self {
        d(r.category, r.action, r.retryable)
    }
}

/// Step 1: the status alone.
pub(crate) fn by_status(status: u16) -> Decision {
    use Action as A;
    use Category as C;
    match status {
        0 => d(C::Network, A::RetryWithBackoff, true),
        401 => d(C::Unauthenticated, A::RefreshToken, false),
        407 => d(C::Unauthenticated, A::AddCredentials, false),
        403 => d(C::Forbidden, A::RequestPermission, false),
        404 | 410 => d(C::NotFound, A::VerifyResource, false),
        408 => d(C::Timeout, A::RetryWithBackoff, true),
        409 | 412 => d(C::Conflict, A::FixRequest, false),
        413 => d(C::PayloadTooLarge, A::FixRequest, false),
        429 => d(C::RateLimited, A::WaitAndRetry, true),
        400..=499 => d(C::InvalidRequest, A::FixRequest, false),
        501 | 505 => d(C::Server, A::ContactSupport, false),
        502 | 503 | 520 | 521 | 523 | 529 => d(C::Unavailable, A::RetryWithBackoff, true),
        504 | 522 | 524 | 598 | 599 => d(C::Timeout, A::RetryWithBackoff, true),
        500..=599 => d(C::Server, A::RetryWithBackoff, true),
        _ => d(C::Unknown, A::None, false),
    }
}

fn is_retry_action(a: Action) -> bool {
    matches!(a, Action::WaitAndRetry | Action::RetryWithBackoff)
}

/// Steps 1–7.
pub(crate) fn decide(s: &Signals) -> Decision {
    let mut dec = by_status(s.status);
    let refinable = s.status != 0 && s.status < 500;
    if refinable {
        let rule = s
            .code
            .and_then(codes::lookup)
            .or_else(|| s.secondary_code.and_then(codes::lookup));
        if let Some(r) = rule {
            if matches!(dec.category, Category::InvalidRequest | Category::Unknown)
                || r.category == dec.category
            {
                dec = r.into();
            }
        }
        authentication(&mut dec, s);
        if s.status == 403
            && (s.quota_exhausted
                || s.message.is_some_and(|m| {
                    let m = Phrases::new(m);
                    m.any_of(&["rate limit"]) && m.any_of(&["exceed"])
                }))
        {
            dec = d(Category::RateLimited, Action::WaitAndRetry, true);
        }
    }
    phase(&mut dec, s);
    if (400..500).contains(&s.status)
        && s.retry_after_header
        && !dec.retryable
        && !matches!(
            dec.category,
            Category::Unauthenticated | Category::Forbidden
        )
    {
        dec.retryable = true;
        dec.action = Action::WaitAndRetry;
    }
    if let Some(flag) = s.body_retryable {
        dec.retryable = flag;
        if flag && !is_retry_action(dec.action) {
            dec.action = Action::RetryWithBackoff;
        } else if !flag && is_retry_action(dec.action) {
            dec.action = Action::ContactSupport;
        }
    }
    if dec.retryable && s.has_hint && dec.action == Action::RetryWithBackoff {
        dec.action = Action::WaitAndRetry;
    }
    dec
}

fn code_signal(s: &Signals) -> Option<(Signal, bool)> {
    s.code
        .and_then(auth::from_code)
        .or_else(|| s.secondary_code.and_then(auth::from_code))
}

fn text_signal(s: &Signals) -> Option<Signal> {
    [s.message, s.extra_text]
        .into_iter()
        .flatten()
        .filter_map(auth::from_text)
        .max()
}

/// Step 3.
fn authentication(dec: &mut Decision, s: &Signals) {
    match s.status {
        401 => {
            let code_sig = code_signal(s);
            let text_sig = text_signal(s);
            let signal = code_sig
                .map(|(c, _)| c)
                .filter(|c| c.is_strong())
                .or(text_sig.filter(|t| t.is_strong()))
                .or(code_sig.filter(|(_, specific)| *specific).map(|(c, _)| c))
                .or(text_sig)
                .unwrap_or(match s.credentials_sent {
                    // Nothing says which: whether credentials went out decides.
                    Some(false) => Signal::AddCredentials,
                    Some(true) | None => Signal::RefreshToken,
                });
            *dec = d(Category::Unauthenticated, signal.action(), false);
        }
        403 => {
            let code_sig = code_signal(s);
            let text_sig = text_signal(s);
            let strong = code_sig
                .map(|(c, _)| c)
                .filter(|c| c.is_strong())
                .max(text_sig.filter(|t| t.is_strong()));
            match strong {
                Some(Signal::Reauthenticate) => {
                    *dec = d(Category::Unauthenticated, Action::Reauthenticate, false);
                }
                Some(_) => *dec = d(Category::Forbidden, Action::CheckCredentials, false),
                None => {
                    if code_sig.map(|(c, _)| c) == Some(Signal::AddCredentials)
                        || text_sig == Some(Signal::AddCredentials)
                    {
                        *dec = d(Category::Unauthenticated, Action::AddCredentials, false);
                    } else if code_sig.map(|(c, _)| c) == Some(Signal::RefreshToken) {
                        *dec = d(Category::Unauthenticated, Action::RefreshToken, false);
                    }
                }
            }
        }
        // Elsewhere an authentication code decides only what the status left open (the
        // auth tables are not searched for a 429 or a 404).
        _ if matches!(dec.category, Category::InvalidRequest | Category::Unknown)
            || s.status < 400 =>
        {
            if let Some((sig, _)) = code_signal(s) {
                *dec = d(Category::Unauthenticated, sig.action(), false);
            }
        }
        _ => {}
    }
}

/// Step 4.
fn phase(dec: &mut Decision, s: &Signals) {
    match s.phase {
        Phase::Refresh if matches!(s.status, 400 | 401) => {
            *dec = d(Category::Unauthenticated, Action::Reauthenticate, false);
        }
        Phase::Login
            if s.status == 401
                || (s.status == 400 && (code_signal(s).is_some() || text_signal(s).is_some())) =>
        {
            *dec = d(Category::Unauthenticated, Action::CheckCredentials, false);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_sane_decision() {
        for status in 0..=1000u16 {
            let dec = by_status(status);
            assert_eq!(
                dec.retryable,
                is_retry_action(dec.action),
                "status {status}: {dec:?}"
            );
        }
    }
}
