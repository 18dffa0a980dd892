//! A circuit breaker per origin: closed, open, half-open.
//!
//! Why: when an origin is down, failing fast saves the user a wait and the server a storm.
//! After `failure_threshold` consecutive failures the circuit opens; after `cooldown_ms` it
//! lets exactly ONE probe through (half-open); the probe's success closes it, its failure
//! re-opens it for another cool-down.
//!
//! Key decisions:
//! - any success closes the circuit (it proves the origin answers), in every state;
//! - a probe that never reports back is presumed lost after one cool-down, and a new probe is
//!   allowed, so the breaker cannot stay stuck half-open;
//! - memory is bounded: at most `max_origins` origins (least recently used forgotten first;
//!   forgetting means "closed"), and origin keys are truncated to 256 bytes;
//! - time is an argument (`now_ms`); a clock that goes backwards never opens or closes
//!   anything by itself, it only delays the cool-down.

use crate::core::retry::config::BreakerConfig;
use crate::core::retry::limits::MAX_ORIGIN_LEN;

crate::vocabulary! {
    /// The state of one origin's circuit breaker.
    pub enum BreakerState as "BreakerState" {
        /// Requests flow; consecutive failures are counted.
        Closed = "closed",
        /// Requests fail fast until the cool-down ends.
        Open = "open",
        /// One probe is allowed (or in flight); its result decides.
        HalfOpen = "half_open",
    }
}

/// One origin's circuit as plain data, for a store shared by several processes
/// ([`CircuitBreaker::circuit`], [`CircuitBreaker::set_circuit`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Circuit {
    /// The stored state (an open circuit past its cool-down is still `open` here).
    pub state: BreakerState,
    /// Consecutive failures while closed.
    pub failures: u32,
    /// When the circuit last opened, epoch ms.
    pub opened_at_ms: f64,
    /// When the half-open probe was let through, epoch ms.
    pub probe_sent_ms: Option<f64>,
}

impl Default for Circuit {
    fn default() -> Circuit {
        Circuit {
            state: BreakerState::Closed,
            failures: 0,
            opened_at_ms: 0.0,
            probe_sent_ms: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    origin: String,
    state: BreakerState,
    failures: u32,
    opened_at_ms: f64,
    probe_sent_ms: Option<f64>,
    last_used: u64,
}

/// Circuits for a bounded set of origins.
#[derive(Debug, Clone, PartialEq)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    entries: Vec<Entry>,
    tick: u64,
}

fn key(origin: &str) -> &str {
    let mut end = origin.len().min(MAX_ORIGIN_LEN);
    while !origin.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    origin.get(..end).unwrap_or_default()
}

impl CircuitBreaker {
    /// An empty breaker (every origin closed).
    pub fn new(config: BreakerConfig) -> CircuitBreaker {
        CircuitBreaker {
            config,
            entries: Vec::new(),
            tick: 0,
        }
    }

    /// Number of origins currently tracked.
    pub fn tracked(&self) -> usize {
        self.entries.len()
    }

    fn find(&self, origin: &str) -> Option<usize> {
        let k = key(origin);
        self.entries.iter().position(|e| e.origin == k)
    }

    fn cooled(&self, e: &Entry, now_ms: f64) -> bool {
        now_ms >= e.opened_at_ms + self.config.cooldown_ms
    }

    fn probe_lost(&self, e: &Entry, now_ms: f64) -> bool {
        match e.probe_sent_ms {
            Some(t) => now_ms >= t + self.config.cooldown_ms,
            None => true,
        }
    }

    /// The entry for `origin`, created (evicting the least recently used) when missing.
    fn entry(&mut self, origin: &str) -> Option<&mut Entry> {
        self.tick = self.tick.wrapping_add(1);
        let tick = self.tick;
        let idx = match self.find(origin) {
            Some(i) => i,
            None => {
                if self.entries.len() >= self.config.max_origins.max(1) {
                    let lru = self
                        .entries
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, e)| e.last_used)
                        .map(|(i, _)| i);
                    if let Some(i) = lru {
                        self.entries.swap_remove(i);
                    }
                }
                self.entries.push(Entry {
                    origin: key(origin).to_string(),
                    state: BreakerState::Closed,
                    failures: 0,
                    opened_at_ms: 0.0,
                    probe_sent_ms: None,
                    last_used: tick,
                });
                self.entries.len().saturating_sub(1)
            }
        };
        let e = self.entries.get_mut(idx)?;
        e.last_used = tick;
        Some(e)
    }

    /// The state of `origin` at `now_ms` without changing anything. An open circuit whose
    /// cool-down has passed reports `HalfOpen` (the next request would be the probe).
    pub fn state(&self, origin: &str, now_ms: f64) -> BreakerState {
        match self.find(origin).and_then(|i| self.entries.get(i)) {
            None => BreakerState::Closed,
            Some(e) => match e.state {
                BreakerState::Open if self.cooled(e, now_ms) => BreakerState::HalfOpen,
                s => s,
            },
        }
    }

    /// True when a request to `origin` would be refused now (open and cooling down, or
    /// half-open with the probe already in flight). Changes nothing.
    pub fn blocks(&self, origin: &str, now_ms: f64) -> bool {
        match self.find(origin).and_then(|i| self.entries.get(i)) {
            None => false,
            Some(e) => match e.state {
                BreakerState::Closed => false,
                BreakerState::Open => !self.cooled(e, now_ms),
                BreakerState::HalfOpen => !self.probe_lost(e, now_ms),
            },
        }
    }

    /// Asks to send a request to `origin` now. Closed: yes. Open: no until the cool-down
    /// ends, then yes once (this request is the probe, the circuit turns half-open).
    /// Half-open: no while the probe is in flight.
    pub fn allow(&mut self, origin: &str, now_ms: f64) -> bool {
        let cooldown = self.config.cooldown_ms;
        if self.find(origin).is_none() {
            return true;
        }
        let Some(e) = self.entry(origin) else {
            return true;
        };
        match e.state {
            BreakerState::Closed => true,
            BreakerState::Open => {
                if now_ms >= e.opened_at_ms + cooldown {
                    e.state = BreakerState::HalfOpen;
                    e.probe_sent_ms = Some(now_ms);
                    true
                } else {
                    false
                }
            }
            BreakerState::HalfOpen => {
                let lost = match e.probe_sent_ms {
                    Some(t) => now_ms >= t + cooldown,
                    None => true,
                };
                if lost {
                    e.probe_sent_ms = Some(now_ms);
                }
                lost
            }
        }
    }

    /// The circuit of `origin` as plain data (closed when not tracked).
    pub fn circuit(&self, origin: &str) -> Circuit {
        match self.find(origin).and_then(|i| self.entries.get(i)) {
            None => Circuit::default(),
            Some(e) => Circuit {
                state: e.state,
                failures: e.failures,
                opened_at_ms: e.opened_at_ms,
                probe_sent_ms: e.probe_sent_ms,
            },
        }
    }

    /// Replaces the circuit of `origin` with `c` (read from a shared store). Times that are
    /// not finite read as 0 and a missing probe time, so stored garbage can only make the
    /// circuit probe early, never stay open for ever.
    pub fn set_circuit(&mut self, origin: &str, c: Circuit) {
        let finite = |t: f64| if t.is_finite() { t } else { 0.0 };
        if let Some(e) = self.entry(origin) {
            e.state = c.state;
            e.failures = c.failures;
            e.opened_at_ms = finite(c.opened_at_ms);
            e.probe_sent_ms = c.probe_sent_ms.filter(|t| t.is_finite());
        }
    }

    /// Forgets `origin` (its circuit is closed again).
    pub fn forget(&mut self, origin: &str) {
        let k = key(origin);
        self.entries.retain(|e| e.origin != k);
    }

    /// A request to `origin` succeeded: the circuit closes and the failure count resets.
    pub fn record_success(&mut self, origin: &str) {
        if self.find(origin).is_none() {
            return;
        }
        if let Some(e) = self.entry(origin) {
            e.state = BreakerState::Closed;
            e.failures = 0;
            e.probe_sent_ms = None;
        }
    }

    /// A request to `origin` failed in a way that says the origin is unhealthy.
    pub fn record_failure(&mut self, origin: &str, now_ms: f64) {
        let threshold = self.config.failure_threshold.max(1);
        let Some(e) = self.entry(origin) else {
            return;
        };
        match e.state {
            BreakerState::Closed => {
                e.failures = e.failures.saturating_add(1);
                if e.failures >= threshold {
                    e.state = BreakerState::Open;
                    e.opened_at_ms = now_ms;
                }
            }
            BreakerState::HalfOpen => {
                e.state = BreakerState::Open;
                e.opened_at_ms = now_ms;
                e.probe_sent_ms = None;
            }
            // Failures of requests sent before the circuit opened do not extend the cool-down.
            BreakerState::Open => {}
        }
    }
}
