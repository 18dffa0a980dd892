//! When a token expires and when to refresh it, on the local clock.
//!
//! Why: `exp` is on the server's clock; comparing it with a client clock that is hours off
//! either refreshes in a loop (clock ahead) or sends expired tokens (clock behind) — failure
//! mode 13 of the anchor. Decisions:
//!
//! - Local expiry, best source first ([`ClockSource`]):
//!   1. `iat` and `receivedAtMs` known: `receivedAt + (exp − iat)·1000`. The token's own
//!      lifetime cancels any skew (okta does the same); the error is the network latency.
//!      `receivedAtMs` must be when the token arrived from the server (persist it with the
//!      token), not when it was read back from storage.
//!   2. else `serverDateMs` (the response `Date`) known: `exp·1000 − (serverDate − local)`,
//!      where local is `receivedAtMs`, or `nowMs` when the Date was just read.
//!   3. else `exp·1000` as is: only correct when the client clock is.
//! - Refresh ahead (default 300 000 ms, the seed's 5 minutes) is capped at half the token's
//!   lifetime, so a 60 s token refreshes 30 s before expiry instead of immediately and
//!   forever. Lifetime is `exp − iat`, else `expiresAt − receivedAt`; when neither is known
//!   the cap is half the time left, which means no early refresh at all (safe, never a loop).
//! - `expired` when `now >= expiresAt`; `shouldRefresh` when `now >= refreshAt` (so also when
//!   expired). No `exp` -> never expires, never refreshes.
//! - Inputs are validated: times must be finite and within `0 ..= 8.64e15` (the JS `Date`
//!   range), `refreshAheadMs` finite and `>= 0`, claims finite; anything else is
//!   [`JwtError::InvalidTimingInput`] naming the field. Computed instants are clamped to
//!   `±8.64e15`, so `exp: 1e300` means "the end of time", never infinity.
//! - `nbf` does not affect timing: a token used too early gets a 401, which `classify` maps
//!   to a refresh like any other.

use super::claims::Claims;
use serde::{Deserialize, Serialize};

use super::decode::{JwtLimits, read};
use super::error::JwtError;

/// Default refresh-ahead: 5 minutes before expiry (seed 000).
pub const DEFAULT_REFRESH_AHEAD_MS: f64 = 300_000.0;

/// The largest epoch time a JS `Date` can hold, in ms (ECMA-262 §21.4.1.1).
pub const MAX_TIME_MS: f64 = 8.64e15;

/// What [`timing`] needs besides the claims. Field names mirror `tokenTiming`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingInput {
    /// The local clock now, epoch ms.
    pub now_ms: f64,
    /// Local clock when the token arrived from the server, epoch ms.
    pub received_at_ms: Option<f64>,
    /// The server's `Date` header (epoch ms) of the response that delivered the token, or
    /// of any recent response.
    pub server_date_ms: Option<f64>,
    /// How long before expiry to refresh; default [`DEFAULT_REFRESH_AHEAD_MS`].
    pub refresh_ahead_ms: Option<f64>,
}

impl TimingInput {
    /// Only the current time; everything else absent.
    pub fn at(now_ms: f64) -> Self {
        TimingInput {
            now_ms,
            received_at_ms: None,
            server_date_ms: None,
            refresh_ahead_ms: None,
        }
    }
}

crate::vocabulary! {
    /// Which clock a token's local expiry was placed on.
    pub enum ClockSource as "ClockSource" {
        /// `receivedAt + (exp − iat)`: immune to client clock skew.
        Lifetime = "lifetime",
        /// `exp` shifted by the offset between the server `Date` and the local clock.
        ServerDate = "server_date",
        /// `exp` on the local clock as is: assumes the client clock is right.
        Local = "local",
    }
}

/// When a token expires and should be refreshed, on the local clock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    /// Local epoch ms at which the token expires; `None`: never.
    pub expires_at_ms: Option<f64>,
    /// Local epoch ms from which to refresh; `None`: never.
    pub refresh_at_ms: Option<f64>,
    /// `now >= expiresAt`.
    pub expired: bool,
    /// `now >= refreshAt` (true whenever `expired`).
    pub should_refresh: bool,
    /// The token's total lifetime in ms, when known (never negative).
    pub lifetime_ms: Option<f64>,
    /// Estimated server clock minus local clock, in ms, when known: from the server `Date`,
    /// else from `iat` and `receivedAt` (which includes the network latency).
    pub skew_ms: Option<f64>,
    /// Which reference `expiresAtMs` was computed from.
    pub clock: ClockSource,
}

fn clamp_time(ms: f64) -> f64 {
    crate::core::num::clamp(ms, -MAX_TIME_MS, MAX_TIME_MS)
}

const EPOCH_MS: &str = "a finite epoch time in ms between 0 and 8.64e15";

fn check_instant(value: f64, field: &'static str) -> Result<f64, JwtError> {
    if value.is_finite() && (0.0..=MAX_TIME_MS).contains(&value) {
        Ok(value)
    } else {
        Err(JwtError::InvalidTimingInput {
            field,
            expected: EPOCH_MS,
        })
    }
}

fn check_optional_instant(
    value: Option<f64>,
    field: &'static str,
) -> Result<Option<f64>, JwtError> {
    value.map(|v| check_instant(v, field)).transpose()
}

/// A claim in seconds to clamped ms; claims must be finite.
fn claim_ms(value: Option<f64>, field: &'static str) -> Result<Option<f64>, JwtError> {
    match value {
        Some(v) if !v.is_finite() => Err(JwtError::InvalidTimingInput {
            field,
            expected: "a finite number of seconds",
        }),
        Some(v) => Ok(Some(clamp_time(v * 1000.0))),
        None => Ok(None),
    }
}

/// Computes expiry and refresh instants on the local clock (rules in the module docs).
pub fn timing(claims: &Claims, input: &TimingInput) -> Result<Timing, JwtError> {
    let now = check_instant(input.now_ms, "nowMs")?;
    let received = check_optional_instant(input.received_at_ms, "receivedAtMs")?;
    let server_date = check_optional_instant(input.server_date_ms, "serverDateMs")?;
    let ahead = match input.refresh_ahead_ms {
        None => DEFAULT_REFRESH_AHEAD_MS,
        Some(v) if v.is_finite() && v >= 0.0 => v,
        Some(_) => {
            return Err(JwtError::InvalidTimingInput {
                field: "refreshAheadMs",
                expected: "a finite number of ms >= 0",
            });
        }
    };
    let exp = claim_ms(claims.exp, "exp")?;
    let iat = claim_ms(claims.iat, "iat")?;
    claim_ms(claims.nbf, "nbf")?;

    // Server clock minus local clock, by the best reference available.
    let date_offset = server_date.map(|date| date - received.unwrap_or(now));
    let lifetime_ref = iat.zip(received);
    let skew_ms = date_offset.or(lifetime_ref.map(|(iat, received)| iat - received));
    let clock = match (lifetime_ref, date_offset) {
        (Some(_), _) => ClockSource::Lifetime,
        (None, Some(_)) => ClockSource::ServerDate,
        (None, None) => ClockSource::Local,
    };

    let Some(exp) = exp else {
        return Ok(Timing {
            expires_at_ms: None,
            refresh_at_ms: None,
            expired: false,
            should_refresh: false,
            lifetime_ms: None,
            skew_ms,
            clock,
        });
    };
    let expires_at = match (lifetime_ref, date_offset) {
        (Some((iat, received)), _) => clamp_time(received + (exp - iat).max(0.0)),
        (None, Some(offset)) => clamp_time(exp - offset),
        (None, None) => exp,
    };
    let lifetime = match (iat, received) {
        (Some(iat), _) => Some((exp - iat).max(0.0)),
        (None, Some(received)) => Some((expires_at - received).max(0.0)),
        (None, None) => None,
    };
    let cap = lifetime.unwrap_or_else(|| (expires_at - now).max(0.0)) / 2.0;
    let refresh_at = expires_at - ahead.min(cap);
    Ok(Timing {
        expires_at_ms: Some(expires_at),
        refresh_at_ms: Some(refresh_at),
        expired: now >= expires_at,
        should_refresh: now >= refresh_at,
        lifetime_ms: lifetime,
        skew_ms,
        clock,
    })
}

/// Reads a token's claims (with the checks of [`decode`](super::decode::decode)) and
/// computes its [`Timing`]: what `tokenTiming(token, opts)` calls.
pub fn token_timing(
    token: &[u8],
    limits: &JwtLimits,
    input: &TimingInput,
) -> Result<Timing, JwtError> {
    timing(&read(token, limits)?.claims(), input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::rand::SplitMix64;

    const HOUR: f64 = 3_600_000.0;
    const T0: f64 = 1_700_000_000_000.0; // true server time at issue, ms

    fn claims(exp: f64, iat: Option<f64>) -> Claims {
        Claims {
            exp: Some(exp),
            iat,
            nbf: None,
        }
    }

    #[test]
    fn one_hour_token_refreshes_five_minutes_ahead() {
        let c = claims(T0 / 1000.0 + 3600.0, Some(T0 / 1000.0));
        let mut input = TimingInput::at(T0 + 10.0);
        input.received_at_ms = Some(T0 + 10.0);
        let t = timing(&c, &input).unwrap();
        assert_eq!(t.expires_at_ms, Some(T0 + 10.0 + HOUR));
        assert_eq!(t.refresh_at_ms, Some(T0 + 10.0 + HOUR - 300_000.0));
        assert_eq!(t.lifetime_ms, Some(HOUR));
        assert_eq!(t.skew_ms, Some(-10.0));
        assert_eq!(t.clock, ClockSource::Lifetime);
        assert!(!t.expired && !t.should_refresh);
        input.now_ms = T0 + 10.0 + HOUR - 300_000.0;
        let t = timing(&c, &input).unwrap();
        assert!(!t.expired && t.should_refresh);
        input.now_ms = T0 + 10.0 + HOUR;
        let t = timing(&c, &input).unwrap();
        assert!(t.expired && t.should_refresh);
    }

    #[test]
    fn short_token_never_refreshes_in_a_loop() {
        // 60 s token, 5 min refresh-ahead: refresh 30 s before expiry, not at once.
        let c = claims(T0 / 1000.0 + 60.0, Some(T0 / 1000.0));
        let mut input = TimingInput::at(T0);
        input.received_at_ms = Some(T0);
        let t = timing(&c, &input).unwrap();
        assert_eq!(t.refresh_at_ms, Some(T0 + 30_000.0));
        assert!(!t.should_refresh);
        // Without iat, the lifetime comes from receivedAt.
        let t = timing(&claims(T0 / 1000.0 + 60.0, None), &input).unwrap();
        assert_eq!(t.lifetime_ms, Some(60_000.0));
        assert_eq!(t.refresh_at_ms, Some(T0 + 30_000.0));
        // Without iat or receivedAt: no early refresh, only at expiry.
        let t = timing(&claims(T0 / 1000.0 + 60.0, None), &TimingInput::at(T0)).unwrap();
        assert_eq!(t.lifetime_ms, None);
        assert_eq!(t.refresh_at_ms, Some(T0 + 30_000.0));
        let t = timing(
            &claims(T0 / 1000.0 + 60.0, None),
            &TimingInput::at(T0 + 59_000.0),
        )
        .unwrap();
        assert_eq!(t.refresh_at_ms, Some(T0 + 59_500.0));
        assert!(!t.should_refresh);
    }

    #[test]
    fn no_exp_never_expires() {
        let t = timing(&Claims::default(), &TimingInput::at(T0)).unwrap();
        assert_eq!(t.expires_at_ms, None);
        assert_eq!(t.refresh_at_ms, None);
        assert!(!t.expired && !t.should_refresh);
        assert_eq!(t.clock, ClockSource::Local);
    }

    #[test]
    fn server_date_corrects_a_wrong_clock() {
        // Client 3 h ahead; server Date says T0 when the local clock read T0 + 3 h.
        let c = claims(T0 / 1000.0 + 3600.0, None);
        let mut input = TimingInput::at(T0 + 3.0 * HOUR);
        input.server_date_ms = Some(T0);
        let t = timing(&c, &input).unwrap();
        assert_eq!(t.clock, ClockSource::ServerDate);
        assert_eq!(t.skew_ms, Some(-3.0 * HOUR));
        assert_eq!(t.expires_at_ms, Some(T0 + 4.0 * HOUR));
        assert!(!t.should_refresh);
        // Without any reference the same token looks long expired.
        let t = timing(&c, &TimingInput::at(T0 + 3.0 * HOUR)).unwrap();
        assert!(t.expired);
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        let c = claims(T0 / 1000.0, None);
        let field = |input: TimingInput, claims: Claims| match timing(&claims, &input) {
            Err(e @ JwtError::InvalidTimingInput { field, .. }) => {
                assert_eq!(e.code(), "jwt_invalid_timing_input");
                field
            }
            other => panic!("expected an error, got {other:?}"),
        };
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 8.7e15] {
            assert_eq!(field(TimingInput::at(bad), c), "nowMs");
            let mut i = TimingInput::at(T0);
            i.received_at_ms = Some(bad);
            assert_eq!(field(i, c), "receivedAtMs");
            let mut i = TimingInput::at(T0);
            i.server_date_ms = Some(bad);
            assert_eq!(field(i, c), "serverDateMs");
        }
        for bad in [f64::NAN, f64::INFINITY, -0.5] {
            let mut i = TimingInput::at(T0);
            i.refresh_ahead_ms = Some(bad);
            assert_eq!(field(i, c), "refreshAheadMs");
        }
        let i = TimingInput::at(T0);
        assert_eq!(field(i, claims(f64::NAN, None)), "exp");
        assert_eq!(field(i, claims(1.0, Some(f64::INFINITY))), "iat");
        let nbf = Claims {
            nbf: Some(f64::NEG_INFINITY),
            ..Claims::default()
        };
        assert_eq!(field(i, nbf), "nbf");
        assert_eq!(
            timing(&c, &TimingInput::at(f64::NAN))
                .unwrap_err()
                .to_string(),
            "timing input \"nowMs\" must be a finite epoch time in ms between 0 and 8.64e15"
        );
    }

    #[test]
    fn extreme_claims_are_clamped_not_infinite() {
        let t = timing(&claims(1e300, Some(-1e300)), &TimingInput::at(T0)).unwrap();
        assert_eq!(t.expires_at_ms, Some(MAX_TIME_MS));
        assert!(t.refresh_at_ms.unwrap().is_finite());
        assert_eq!(t.lifetime_ms, Some(2.0 * MAX_TIME_MS));
        let t = timing(&claims(-1e300, None), &TimingInput::at(0.0)).unwrap();
        assert_eq!(t.expires_at_ms, Some(-MAX_TIME_MS));
        assert!(t.expired && t.should_refresh);
        // exp before iat: lifetime 0, expired on arrival.
        let mut i = TimingInput::at(T0);
        i.received_at_ms = Some(T0);
        let t = timing(&claims(100.0, Some(200.0)), &i).unwrap();
        assert_eq!(t.lifetime_ms, Some(0.0));
        assert!(t.expired);
    }

    /// Skew of ±3 h and ±1 day (and random values in between): with `receivedAt` + `iat`,
    /// or with the server `Date`, the local expiry is late by at most the latency (plus the
    /// Date header's 1 s resolution), the token is never refreshing on arrival, and from
    /// the true expiry on it is always expired or refreshing.
    #[test]
    fn skewed_clocks_neither_loop_nor_use_expired_tokens() {
        let mut rng = SplitMix64::new(0x5ce_3a11);
        let fixed = [3.0 * HOUR, -3.0 * HOUR, 24.0 * HOUR, -24.0 * HOUR, 0.0];
        for case in 0..4_000 {
            let skew = fixed
                .get(case % 8)
                .copied()
                .unwrap_or_else(|| rng.uniform(-24.0 * HOUR, 24.0 * HOUR).round());
            let lifetime_s = [60.0, 300.0, 3600.0, 86_400.0][rng.below(4) as usize];
            let latency = rng.uniform(0.0, 2_000.0).round();
            let ahead = [0.0, 5_000.0, 300_000.0, 3_600_000.0][rng.below(4) as usize];
            let issued = T0 + rng.uniform(0.0, 1e9).round(); // true time, ms
            let iat_s = (issued / 1000.0).floor();
            let c = claims(iat_s + lifetime_s, Some(iat_s));
            let received_local = issued + skew + latency;
            let true_expiry_local = iat_s * 1000.0 + lifetime_s * 1000.0 + skew;
            let with_date = case % 2 == 1;
            let make = |now: f64| {
                let mut i = TimingInput {
                    now_ms: now,
                    received_at_ms: Some(received_local),
                    server_date_ms: None,
                    refresh_ahead_ms: Some(ahead),
                };
                if with_date {
                    // The Date header: whole seconds of the true time when sent.
                    i.server_date_ms = Some((issued / 1000.0).floor() * 1000.0);
                    timing(&Claims { iat: None, ..c }, &i).unwrap()
                } else {
                    timing(&c, &i).unwrap()
                }
            };
            let at_arrival = make(received_local);
            let expires = at_arrival.expires_at_ms.unwrap();
            let late = expires - true_expiry_local;
            assert!(
                (0.0..=latency + 1_000.0).contains(&late),
                "case {case}: skew {skew} latency {latency} date {with_date}: late by {late}"
            );
            assert!(
                !at_arrival.should_refresh,
                "case {case}: refreshing on arrival (skew {skew}, lifetime {lifetime_s}s, ahead {ahead})"
            );
            let cap = ahead.min(lifetime_s * 1000.0 / 2.0);
            if cap >= latency + 1_000.0 {
                let at_true_expiry = make(true_expiry_local);
                assert!(
                    at_true_expiry.should_refresh,
                    "case {case}: would send an expired token (skew {skew})"
                );
            }
        }
    }

    #[test]
    fn token_timing_reads_the_token() {
        // {"alg":"none"} . {"exp":1700003600,"iat":1700000000} . (empty)
        let token = b"eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDM2MDAsImlhdCI6MTcwMDAwMDAwMH0.";
        let mut input = TimingInput::at(T0 + HOUR);
        input.received_at_ms = Some(T0);
        let t = token_timing(token, &JwtLimits::default(), &input).unwrap();
        assert_eq!(t.expires_at_ms, Some(T0 + HOUR));
        assert!(t.expired);
        assert_eq!(
            token_timing(b"a.b", &JwtLimits::default(), &input)
                .unwrap_err()
                .code(),
            "jwt_malformed"
        );
    }
}
