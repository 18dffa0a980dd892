//! Token timing: when an access token expires on the local clock and when to refresh it.
//!
//! Expiry is `received_at + (exp − iat)` when both claims are present, so a client clock
//! that is hours off still refreshes at the right moment (DESIGN, anchor mode 13); with
//! `exp` only, the local clock is trusted. The refresh-ahead buffer is capped at half the
//! lifetime and the per-tab jitter at a quarter, so a short-lived token cannot make the
//! proactive refresh fire immediately after every refresh.

use super::config::{Config, MAX_DURATION_MS};
use super::store::Session;

/// Largest token lifetime believed (one year); longer is clamped.
pub const MAX_LIFETIME_MS: f64 = 365.0 * MAX_DURATION_MS;

/// Largest epoch time accepted (year ~2255); later is clamped.
pub const MAX_EPOCH_MS: f64 = 9_000_000_000_000.0;

/// Local-clock expiry of a token received at `now_ms` with these claims.
pub fn expires_at(now_ms: f64, exp_s: Option<f64>, iat_s: Option<f64>) -> Option<f64> {
    let exp = exp_s.filter(|e| e.is_finite())?;
    match iat_s.filter(|i| i.is_finite()) {
        Some(iat) => {
            let life = crate::core::num::clamp((exp - iat) * 1000.0, 0.0, MAX_LIFETIME_MS);
            Some(now_ms + life)
        }
        None => Some(crate::core::num::clamp(exp * 1000.0, 0.0, MAX_EPOCH_MS)),
    }
}

/// True when the session's access token may be handed out at `now_ms`.
pub fn usable(session: &Session, cfg: &Config, now_ms: f64) -> bool {
    match session.expires_at_ms {
        Some(exp) => now_ms + cfg.expiry_margin_ms < exp,
        None => true,
    }
}

/// When this tab refreshes proactively (`jitter_frac` in `[0, 1)` is fixed per tab);
/// infinite when the expiry is unknown.
pub fn refresh_at(session: &Session, cfg: &Config, jitter_frac: f64) -> f64 {
    match session.expires_at_ms {
        Some(exp) => {
            let life = (exp - session.received_at_ms).max(0.0);
            let ahead = cfg.refresh_ahead_ms.min(life / 2.0);
            let jitter =
                crate::core::num::clamp(jitter_frac, 0.0, 1.0) * cfg.jitter_ms.min(life / 4.0);
            exp - ahead - jitter
        }
        None => f64::INFINITY,
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
