//! What a tab asks the adapter to do.
//!
//! The adapter executes the effects of one `handle` call in order, synchronously, in the
//! same task (storage writes before the posts that announce them, the lock release after
//! the commit). Effects that run user code (`Resolve`, `Reject`, `Changed`, `LoggedOut`,
//! and the user's `refresh()` behind `StartRefresh`) must be dispatched asynchronously
//! (a microtask), so user code can never re-enter `handle` while it runs and nothing in
//! the protocol waits on a user callback (DESIGN invariant 7).

use super::error::RefreshError;
use super::event::TimerId;
use super::message::Message;
use super::store::{LogoutReason, SharedRecord};
use super::token::{AccessToken, RefreshToken};

crate::vocabulary! {
    /// How to ask for the Web Lock.
    pub enum LockMode as "LockMode" {
        /// `navigator.locks.request(name, { ifAvailable: true }, cb)`: answered at once by
        /// `LockGranted` or `LockUnavailable` (used for background, proactive refreshes).
        IfAvailable = "ifAvailable",
        /// `navigator.locks.request(name, { signal }, cb)`: queue until granted (a caller is
        /// waiting for a token); `AbortLockRequest` aborts the signal.
        Wait = "wait",
    }
}

/// One thing for the adapter to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// `channel.postMessage(message.encode())`.
    Post(Message),
    /// Path A: request the exclusive Web Lock `name`; report `LockGranted { request }` from
    /// inside the callback and keep the callback's promise pending until `ReleaseLock`.
    RequestLock {
        /// Id echoed in `LockGranted` / `LockUnavailable`.
        request: u64,
        /// Lock name (`Config::key()`).
        name: String,
        /// How to wait.
        mode: LockMode,
    },
    /// Path A: abort a lock request not yet granted. If the grant races the abort, the
    /// machine answers the late `LockGranted` with `ReleaseLock`.
    AbortLockRequest {
        /// The request to abort.
        request: u64,
    },
    /// Path A: resolve the held lock's promise.
    ReleaseLock {
        /// The request whose lock is released.
        request: u64,
    },
    /// Call the user's `refresh(refresh_token)` (asynchronously), abort it after
    /// `network_timeout_ms`, and report `RefreshDone { attempt, .. }`.
    StartRefresh {
        /// Id echoed in `RefreshDone`.
        attempt: u64,
        /// The token to send: exactly the one the shared record held when the machine
        /// decided, so the request matches the generation it was checked against.
        refresh_token: RefreshToken,
    },
    /// `localStorage.setItem(config.key(), record.encode())`.
    WriteRecord(SharedRecord),
    /// (Re)arm the timer `timer` to fire at `at_ms` (epoch ms), replacing any previous one.
    SetTimer {
        /// Which timer.
        timer: TimerId,
        /// When (epoch ms); always finite.
        at_ms: f64,
    },
    /// Cancel the timer.
    CancelTimer {
        /// Which timer.
        timer: TimerId,
    },
    /// Answer a `GetToken` with a token.
    Resolve {
        /// The request.
        request_id: u64,
        /// The access token.
        token: AccessToken,
        /// Its generation (pass it back as `reject_gen` after a 401).
        generation: u64,
        /// When it expires (local epoch ms), if known.
        expires_at_ms: Option<f64>,
        /// Until when it may be handed out from memory (expiry minus the margin).
        usable_until_ms: Option<f64>,
    },
    /// Answer a `GetToken` with an error.
    Reject {
        /// The request.
        request_id: u64,
        /// Why.
        error: RefreshError,
    },
    /// `onChange` subscribers: this tab now uses a new session generation.
    Changed {
        /// The generation.
        generation: u64,
        /// The access token.
        token: AccessToken,
        /// When it expires (local epoch ms), if known.
        expires_at_ms: Option<f64>,
        /// Until when it may be handed out from memory (expiry minus the margin).
        usable_until_ms: Option<f64>,
    },
    /// `onLogout`: the session ended (once per session per tab).
    LoggedOut {
        /// Why.
        reason: LogoutReason,
    },
}
