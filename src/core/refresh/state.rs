//! The private state of one tab, and its public counters.
//!
//! Everything here is bounded: one phase at a time, at most `max_waiters` callers, one
//! late attempt remembered, saturating counters.

/// What the tab is doing about the refresh right now.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    /// Nothing in progress.
    Idle,
    /// Path A: waiting for `LockGranted`/`LockUnavailable`.
    AwaitLock {
        /// Lock request id.
        request: u64,
        /// Queued (`Wait`, for a caller) rather than `IfAvailable` (background).
        wait: bool,
    },
    /// Path B: CLAIM sent, listening for lower nonces until `settle_at`.
    Claiming {
        /// Generation claimed.
        generation: u64,
        /// Our nonce.
        nonce: u64,
        /// End of the settle window.
        settle_at: f64,
    },
    /// Path B: lease written, re-read at `confirm_at`.
    Confirming {
        /// Generation claimed.
        generation: u64,
        /// Our nonce.
        nonce: u64,
        /// When to re-read.
        confirm_at: f64,
    },
    /// A refresh request of ours is out.
    Refreshing(Flight),
}

/// An outstanding refresh request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Flight {
    /// Generation whose refresh token was sent.
    pub generation: u64,
    /// Attempt id.
    pub attempt: u64,
    /// Path A: the held lock's request id.
    pub lock: Option<u64>,
    /// Path B: our lease nonce.
    pub lease_nonce: Option<u64>,
    /// Path B: next heartbeat (infinite on path A or once the lease is lost).
    pub heartbeat_at: f64,
    /// Give up waiting (the adapter failed to settle within the network timeout).
    pub give_up_at: f64,
}

/// A caller waiting for a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Waiter {
    /// The caller's id.
    pub request_id: u64,
    /// When it gets `refresh_timeout`.
    pub deadline_ms: f64,
    /// The API rejected this generation's token: a newer one is needed.
    pub reject_gen: Option<u64>,
}

/// Counters for diagnostics and the simulation (all saturating).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Channel messages that were not ours (ignored).
    pub foreign_messages: u64,
    /// Channel messages of another protocol version (ignored).
    pub version_messages: u64,
    /// Channel messages that were ours but malformed (ignored).
    pub malformed_messages: u64,
    /// Storage snapshots that could not be decoded (treated as no record).
    pub malformed_records: u64,
    /// Lock grants or refresh results that arrived for something no longer wanted.
    pub stale_inputs: u64,
    /// Successful refresh results discarded because the generation had moved.
    pub discarded_results: u64,
    /// Callers refused with `refresh_busy`.
    pub busy_rejections: u64,
    /// Refreshes this tab started.
    pub refreshes_started: u64,
    /// Takeovers this tab performed (retry after a lost holder).
    pub takeovers: u64,
    /// Storage reads that failed (the store threw or returned a non-string).
    pub unreadable_reads: u64,
}

/// Saturating increment.
pub(crate) fn bump(counter: &mut u64) {
    *counter = counter.saturating_add(1);
}

/// An abandoned attempt (pagehide, logout, login, give-up) whose result may still arrive
/// and is still committed if its in-flight marker is untouched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Late {
    /// Attempt id.
    pub attempt: u64,
    /// Generation whose token it sent.
    pub generation: u64,
    /// Until then the adapter may still report it; this tab sends no other request for
    /// the same generation before (its own request may still be in flight).
    pub until: f64,
}
