//! What the adapter feeds into a tab.
//!
//! Every browser happening the protocol cares about is one [`Event`]. The adapter passes,
//! with each one, the current raw value of the shared record (`localStorage.getItem(key)`)
//! and `Date.now()`; it never interprets anything itself.

use super::message::Message;
use super::token::{AccessToken, Grant, RefreshToken};

/// Identifies a timer the machine asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimerId {
    /// The single wake-up timer. The machine is level-triggered: on every event it
    /// re-evaluates everything and re-arms this timer for the earliest moment something may
    /// change (proactive refresh, caller deadline, lease end, cooldown end, protocol step).
    /// A late, early or spurious firing is harmless.
    Wake,
}

impl Event<'_> {
    /// The same event without borrowed text (`None` for a raw message, which is only a
    /// hint and may be dropped).
    pub(crate) fn owned(self) -> Option<Event<'static>> {
        Some(match self {
            Event::RawMessage(_) => return None,
            Event::GetToken {
                request_id,
                reject_gen,
            } => Event::GetToken {
                request_id,
                reject_gen,
            },
            Event::CancelGetToken { request_id } => Event::CancelGetToken { request_id },
            Event::Login {
                access,
                refresh,
                exp_s,
                iat_s,
            } => Event::Login {
                access,
                refresh,
                exp_s,
                iat_s,
            },
            Event::Logout => Event::Logout,
            Event::Timer(t) => Event::Timer(t),
            Event::Message(m) => Event::Message(m),
            Event::LockGranted { request } => Event::LockGranted { request },
            Event::LockUnavailable { request } => Event::LockUnavailable { request },
            Event::RefreshDone { attempt, outcome } => Event::RefreshDone { attempt, outcome },
            Event::StorageChanged => Event::StorageChanged,
            Event::Visibility { visible } => Event::Visibility { visible },
            Event::Connectivity { online } => Event::Connectivity { online },
            Event::PageHide { persisted } => Event::PageHide { persisted },
            Event::PageShow { persisted } => Event::PageShow { persisted },
        })
    }
}

impl TimerId {
    /// Numeric id for the JavaScript side.
    pub fn as_u32(&self) -> u32 {
        match self {
            TimerId::Wake => 0,
        }
    }
}

/// The result of the user's `refresh(refreshToken)` as the adapter saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshOutcome {
    /// New tokens.
    Ok(Grant),
    /// The server refused the refresh token (401/400: expired, blacklisted, reuse
    /// detected). Every tab is logged out, but only if that token is still the current one.
    Rejected,
    /// Network error, timeout, 5xx, 429: try again after a shared cooldown. `retry_after_ms`
    /// is the server's hint (clamped to `max_retry_after_ms`).
    Transient {
        /// Server hint, if any.
        retry_after_ms: Option<f64>,
    },
    /// `refresh()` resolved, but its result could not be read (a getter threw, it was not a
    /// token pair, a token was empty or too long). The server answered, so it may have
    /// rotated the refresh token: unless it is known not to rotate, that token is never
    /// sent again (a second use would be a reuse); the access token serves while it lasts.
    Unreadable,
}

/// An input to [`super::Tab::handle`].
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// A caller wants an access token (`getAccessToken()`). Answered by a `Resolve` or a
    /// `Reject` effect with the same `request_id`, within `get_token_timeout_ms`.
    GetToken {
        /// Caller's id, echoed in the answer.
        request_id: u64,
        /// The API rejected the token of this generation (401): answer with a newer one.
        reject_gen: Option<u64>,
    },
    /// The caller gave up (AbortSignal): forget the request, no answer follows.
    CancelGetToken {
        /// The request to forget.
        request_id: u64,
    },
    /// The user logged in (or the page set tokens): starts a new generation everywhere.
    Login {
        /// Access token.
        access: AccessToken,
        /// Refresh token.
        refresh: RefreshToken,
        /// `exp` claim of the access token (s), if known.
        exp_s: Option<f64>,
        /// `iat` claim of the access token (s), if known.
        iat_s: Option<f64>,
    },
    /// `logout()`: ends the session in every tab.
    Logout,
    /// A timer the machine set has fired.
    Timer(TimerId),
    /// A channel message the adapter already decoded with [`Message::decode`].
    Message(Message),
    /// A raw channel message (`event.data` when it is a string); decoded here, and ignored
    /// and counted when foreign, of another version or malformed.
    RawMessage(&'a str),
    /// Path A: the lock requested with this id is now held.
    LockGranted {
        /// The `RequestLock` id.
        request: u64,
    },
    /// Path A: `ifAvailable` found the lock taken, or the request failed or was aborted.
    LockUnavailable {
        /// The `RequestLock` id.
        request: u64,
    },
    /// The user's `refresh()` started by `StartRefresh { attempt }` settled.
    RefreshDone {
        /// The attempt id from `StartRefresh`.
        attempt: u64,
        /// What happened.
        outcome: RefreshOutcome,
    },
    /// A `storage` event for our key (another tab wrote the record).
    StorageChanged,
    /// `visibilitychange`.
    Visibility {
        /// `document.visibilityState === "visible"`.
        visible: bool,
    },
    /// `online` / `offline`.
    Connectivity {
        /// `navigator.onLine`.
        online: bool,
    },
    /// `pagehide`: the page is being unloaded or put into the back/forward cache.
    PageHide {
        /// `event.persisted`.
        persisted: bool,
    },
    /// `pageshow` (also send it once at start-up with `persisted: false`).
    PageShow {
        /// `event.persisted`.
        persisted: bool,
    },
}
