//! Tunables of the refresh protocol, with defaults and the clamps that keep them sane.
//!
//! Every duration is in milliseconds. [`Config::sanitized`] replaces NaN/negative/infinite
//! values by the default and clamps each value into a documented range, and enforces the
//! relations the protocol depends on (the lease outlives a network call plus a heartbeat;
//! the caller's wait bound outlives a lease takeover), so no combination of user input can
//! produce a negative, NaN or infinite delay.

/// Protocol configuration. Build with `Config::default()` and override fields. From
/// JavaScript it is the token manager's options object (camelCase names, absent = default).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// Name space of the lock and of the storage key (`faultline.refresh.<ns>`).
    pub namespace: String,
    /// `true` when `navigator.locks` exists (path A); `false` selects the lease over
    /// BroadcastChannel (path B).
    pub web_locks: bool,
    /// Refresh this long before expiry (seed 000: 5 minutes). Capped at a quarter of the
    /// token lifetime so a short-lived token cannot cause a refresh loop. Default 300 000.
    pub refresh_ahead_ms: f64,
    /// Per-tab spread of the proactive refresh time, so tabs do not all wake at once.
    /// Each tab draws a fixed fraction of this from its seed; capped at a twelfth of the token
    /// lifetime. Default 10 000.
    pub jitter_ms: f64,
    /// A token is handed to callers only if it is valid at least this much longer
    /// (covers clock skew and request latency); capped at a fifth of the token lifetime,
    /// so a token of any lifetime is usable for four fifths of it. Default 5 000.
    pub expiry_margin_ms: f64,
    /// The adapter must settle the user's `refresh()` within this (abort it otherwise).
    /// Default 10 000.
    pub network_timeout_ms: f64,
    /// Path B lease length, renewed by heartbeats. At least
    /// `network_timeout_ms + heartbeat_ms + 1 000`. Default 15 000.
    pub lease_ms: f64,
    /// Path B heartbeat period (REFRESHING message + lease renewal). Default 3 000.
    pub heartbeat_ms: f64,
    /// Path B: how long a claimer listens for lower nonces before writing its lease.
    /// Default 100.
    pub settle_ms: f64,
    /// Path B: delay between writing the lease and re-reading it. Must exceed twice the
    /// cross-process propagation delay of `localStorage`. Default 50.
    pub confirm_ms: f64,
    /// Longest a `GetToken` waits before `refresh_timeout`. At least `lease_ms + 2 000`, so a
    /// takeover after a dead holder completes inside it. Default 20 000.
    pub get_token_timeout_ms: f64,
    /// First cooldown after a transient failure; doubles per consecutive failure.
    /// Default 5 000.
    pub cooldown_base_ms: f64,
    /// Largest cooldown (Supabase uses 60 s). Default 60 000.
    pub cooldown_max_ms: f64,
    /// Largest server `Retry-After` honoured for the cooldown. Default 300 000.
    pub max_retry_after_ms: f64,
    /// A token from a refresh that followed a rejection, rejected by the API (`invalidate`)
    /// within this long and before it expired, ends the session (`rejected`) instead of
    /// refreshing again: the server rejects what it has just issued, and refreshing once
    /// more would loop. Any other rejected token is refreshed. Default 10 000.
    pub min_refresh_interval_ms: f64,
    /// Loop guard: at most this many refreshes start (all tabs together) per
    /// `refresh_window_ms`; callers wait for the window instead of getting an expired
    /// token. Default 30.
    pub max_refreshes_per_window: u32,
    /// The loop guard's window. Default 10 000.
    pub refresh_window_ms: f64,
    /// Lifetime assumed for an access token whose expiry is unknown (an opaque token with
    /// no `expires_in`): it is refreshed like a token of this lifetime. Default 300 000.
    pub opaque_lifetime_ms: f64,
    /// Re-check period while something is pending (timers ≤ 5 s, anchor §4). Default 5 000.
    pub poll_ms: f64,
    /// Most callers waiting in one tab; more get `refresh_busy`. Default 256.
    pub max_waiters: usize,
    /// How many times a generation may be retried at once after its holder was lost (died
    /// or frozen past its lease); further retries wait for the shared cooldown. Default 1.
    pub max_takeovers: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            namespace: String::from("default"),
            web_locks: true,
            refresh_ahead_ms: 300_000.0,
            jitter_ms: 10_000.0,
            expiry_margin_ms: 5_000.0,
            network_timeout_ms: 10_000.0,
            lease_ms: 15_000.0,
            heartbeat_ms: 3_000.0,
            settle_ms: 100.0,
            confirm_ms: 50.0,
            get_token_timeout_ms: 20_000.0,
            cooldown_base_ms: 5_000.0,
            cooldown_max_ms: 60_000.0,
            max_retry_after_ms: 300_000.0,
            min_refresh_interval_ms: 10_000.0,
            max_refreshes_per_window: 30,
            refresh_window_ms: 10_000.0,
            opaque_lifetime_ms: 300_000.0,
            poll_ms: 5_000.0,
            max_waiters: 256,
            max_takeovers: 1,
        }
    }
}

/// Largest duration accepted anywhere: one day.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;

/// `value` if finite, else `default`; then clamped into `[lo, hi]`.
pub(crate) fn clamp_ms(value: f64, default: f64, lo: f64, hi: f64) -> f64 {
    let v = if value.is_finite() { value } else { default };
    // Not `f64::clamp`: its assertion message formats floats, which alone pulls ~25 KB of
    // float formatting into the wasm module; `lo <= hi` holds at every call site.
    v.max(lo).min(hi)
}

impl Config {
    /// A copy with every value made safe (see the module doc for the rules).
    pub fn sanitized(&self) -> Config {
        let d = Config::default();
        let mut c = self.clone();
        if c.namespace.is_empty() || c.namespace.len() > 128 {
            c.namespace = d.namespace.clone();
        }
        c.refresh_ahead_ms = clamp_ms(c.refresh_ahead_ms, d.refresh_ahead_ms, 0.0, MAX_DURATION_MS);
        c.jitter_ms = clamp_ms(c.jitter_ms, d.jitter_ms, 0.0, 600_000.0);
        c.expiry_margin_ms = clamp_ms(c.expiry_margin_ms, d.expiry_margin_ms, 0.0, 600_000.0);
        c.network_timeout_ms =
            clamp_ms(c.network_timeout_ms, d.network_timeout_ms, 100.0, 300_000.0);
        c.heartbeat_ms = clamp_ms(c.heartbeat_ms, d.heartbeat_ms, 50.0, 60_000.0);
        c.lease_ms = clamp_ms(c.lease_ms, d.lease_ms, 0.0, MAX_DURATION_MS)
            .max(c.network_timeout_ms + c.heartbeat_ms + 1_000.0);
        c.settle_ms = clamp_ms(c.settle_ms, d.settle_ms, 1.0, 10_000.0);
        c.confirm_ms = clamp_ms(c.confirm_ms, d.confirm_ms, 1.0, 10_000.0);
        c.get_token_timeout_ms = clamp_ms(
            c.get_token_timeout_ms,
            d.get_token_timeout_ms,
            0.0,
            MAX_DURATION_MS,
        )
        .max(c.lease_ms + c.settle_ms + c.confirm_ms + 2_000.0);
        c.cooldown_base_ms = clamp_ms(c.cooldown_base_ms, d.cooldown_base_ms, 0.0, MAX_DURATION_MS);
        c.cooldown_max_ms = clamp_ms(c.cooldown_max_ms, d.cooldown_max_ms, 0.0, MAX_DURATION_MS)
            .max(c.cooldown_base_ms);
        c.max_retry_after_ms = clamp_ms(
            c.max_retry_after_ms,
            d.max_retry_after_ms,
            0.0,
            MAX_DURATION_MS,
        );
        c.min_refresh_interval_ms = clamp_ms(
            c.min_refresh_interval_ms,
            d.min_refresh_interval_ms,
            0.0,
            MAX_DURATION_MS,
        );
        c.max_refreshes_per_window = c.max_refreshes_per_window.clamp(2, 10_000);
        c.refresh_window_ms = clamp_ms(
            c.refresh_window_ms,
            d.refresh_window_ms,
            1_000.0,
            3_600_000.0,
        );
        c.opaque_lifetime_ms = clamp_ms(
            c.opaque_lifetime_ms,
            d.opaque_lifetime_ms,
            1_000.0,
            MAX_DURATION_MS,
        );
        c.poll_ms = clamp_ms(c.poll_ms, d.poll_ms, 100.0, 60_000.0);
        c.max_waiters = c.max_waiters.clamp(1, 65_536);
        c.max_takeovers = c.max_takeovers.min(16);
        c
    }

    /// The Web Locks name (path A) and the storage key: `faultline.refresh.<namespace>`.
    pub fn key(&self) -> String {
        format!("faultline.refresh.{}", self.namespace)
    }
}
