//! Token timing: when an access token expires on the local clock and when to refresh it.
//!
//! Expiry is `received_at + (exp − iat)` when both claims are present, so a client clock
//! that is hours off still refreshes at the right moment (DESIGN, anchor mode 13); with
//! `exp` only, the local clock is trusted. A token given to `setTokens` whose `exp` is past
//! on the local clock counts as expired (see [`restored_expires_at`]). The margin, the
//! refresh-ahead and the jitter scale with the lifetime (a fifth, a quarter, a twelfth), so
//! a token of any lifetime from one second up is refreshed after two thirds of it and
//! handed out for four fifths of it, never looping and never expired.

use super::config::{Config, MAX_DURATION_MS};
use super::store::Session;

/// Largest token lifetime believed (one year); longer is clamped.
pub const MAX_LIFETIME_MS: f64 = 365.0 * MAX_DURATION_MS;

/// Largest epoch time accepted (year ~2255); later is clamped.
pub const MAX_EPOCH_MS: f64 = 9_000_000_000_000.0;

/// Local-clock expiry of a token known to be fresh: a refresh result received at `now_ms`
/// for a request sent at `sent_at_ms` (when known).
///
/// With `exp` and `iat` the token lives `exp − iat`; it was issued after the request left
/// and before the answer came, with `iat` in whole seconds, so on the local clock it expires
/// between `sent_at − 1 s + life` and `now + life`. When the local clock agrees with the
/// issuer's, `exp` itself falls in that window and is exact; otherwise (a client clock that
/// is off) the early end is used, so a wrong clock never makes a token look valid longer
/// than it is and never makes it look dead (no refresh loop). With `exp` only, the local
/// clock is trusted.
pub fn expires_at(
    now_ms: f64,
    exp_s: Option<f64>,
    iat_s: Option<f64>,
    sent_at_ms: Option<f64>,
) -> Option<f64> {
    let exp = exp_s.filter(|e| e.is_finite())?;
    let local = crate::core::num::clamp(exp * 1000.0, 0.0, MAX_EPOCH_MS);
    let Some(iat) = iat_s.filter(|i| i.is_finite()) else {
        return Some(local);
    };
    let life = crate::core::num::clamp((exp - iat) * 1000.0, 0.0, MAX_LIFETIME_MS);
    let latest = now_ms + life;
    let earliest = sent_at_ms
        .filter(|s| s.is_finite() && *s <= now_ms)
        .map_or(now_ms, |s| s - 1_000.0 + life)
        .min(latest);
    if local >= earliest && local <= latest {
        Some(local)
    } else if sent_at_ms.is_some() {
        Some(earliest)
    } else {
        Some(latest)
    }
}

/// Local-clock expiry of a token given to `setTokens` (a login, or a session restored from
/// somewhere): nothing says it is fresh. A token whose `exp` is already past on the local
/// clock is dead on arrival (its expiry is its `exp`, so it is never handed out and a
/// refresh follows at once); the `iat` correction applies only to a token the local clock
/// still deems alive (then `exp` if it lies within one lifetime from now, else
/// `now + (exp − iat)`). The correction therefore never revives a dead token; the price is
/// that a client whose clock runs ahead by more than a token's lifetime refreshes once after
/// a login — the refresh result is fresh, and [`expires_at`] corrects it.
pub fn restored_expires_at(now_ms: f64, exp_s: Option<f64>, iat_s: Option<f64>) -> Option<f64> {
    let exp = exp_s.filter(|e| e.is_finite())?;
    let local = crate::core::num::clamp(exp * 1000.0, 0.0, MAX_EPOCH_MS);
    if local <= now_ms {
        Some(local)
    } else {
        expires_at(now_ms, exp_s, iat_s, None)
    }
}

/// The session's lifetime as received (0 for a token dead on arrival).
pub fn lifetime(session: &Session) -> f64 {
    session
        .expires_at_ms
        .map_or(0.0, |exp| (exp - session.received_at_ms).max(0.0))
}

/// The margin a token must have left to be handed out: `expiry_margin_ms`, at most a
/// fifth of its lifetime.
pub fn margin(session: &Session, cfg: &Config) -> f64 {
    cfg.expiry_margin_ms.min(lifetime(session) / 5.0)
}

/// True when the session's access token may be handed out at `now_ms`. An unknown expiry
/// never occurs in a record written by this version (it is bounded by `opaque_lifetime_ms`);
/// an old record's is treated as expired, so it is refreshed rather than trusted forever.
pub fn usable(session: &Session, cfg: &Config, now_ms: f64) -> bool {
    match session.expires_at_ms {
        Some(exp) => now_ms + margin(session, cfg) < exp,
        None => false,
    }
}

/// Until when the session's access token may be handed out (`None`: never, expiry unknown).
pub fn usable_until(session: &Session, cfg: &Config) -> Option<f64> {
    session.expires_at_ms.map(|exp| exp - margin(session, cfg))
}

/// True when the token was already expired when it was stored (restored dead).
pub fn dead_on_arrival(session: &Session) -> bool {
    session
        .expires_at_ms
        .is_none_or(|exp| exp <= session.received_at_ms)
}

/// When this tab refreshes proactively (`jitter_frac` in `[0, 1)` is fixed per tab): the
/// refresh-ahead is at most a quarter of the lifetime and the jitter at most a twelfth, so
/// the proactive refresh comes after two thirds of the lifetime and before the token stops
/// being usable (four fifths). Immediately for an unknown expiry.
pub fn refresh_at(session: &Session, cfg: &Config, jitter_frac: f64) -> f64 {
    match session.expires_at_ms {
        Some(exp) => {
            let life = lifetime(session);
            let ahead = cfg.refresh_ahead_ms.min(life / 4.0);
            let jitter =
                crate::core::num::clamp(jitter_frac, 0.0, 1.0) * cfg.jitter_ms.min(life / 12.0);
            exp - ahead - jitter
        }
        None => session.received_at_ms,
    }
}

/// Shared cooldown length after `failures` consecutive transient failures (≥ 1), honouring
/// the server's hint up to `max_retry_after_ms`.
pub fn cooldown_ms(cfg: &Config, failures: u32, retry_after_ms: Option<f64>) -> f64 {
    let exp = failures.saturating_sub(1).min(30);
    let backoff = (cfg.cooldown_base_ms * f64::from(1u32 << exp)).min(cfg.cooldown_max_ms);
    let hint = retry_after_ms
        .filter(|h| h.is_finite() && *h > 0.0)
        .map_or(0.0, |h| h.min(cfg.max_retry_after_ms));
    backoff.max(hint)
}
