//! Cross-tab token refresh as a pure state machine.
//!
//! N tabs of one origin share one session. When the access token nears expiry, exactly one
//! tab may send the refresh token — a rotating server (SimpleJWT with blacklisting) treats
//! a second use of a refresh token as theft and revokes the session — and every tab must
//! end up with the new token. This module is the protocol; the JavaScript adapter feeds it
//! [`Event`]s (with the current storage value and the time) and executes its [`Effect`]s
//! (post a message, take or release a Web Lock, write storage, call `refresh()`, arm a
//! timer, answer callers). It never does I/O, never reads a clock, never blocks.
//!
//! Design (DESIGN.md "Cross-tab refresh protocol"; anchor `cross-tab-and-jwt.md` §4):
//! - **Storage is the truth.** One `localStorage` record ([`SharedRecord`]) holds a
//!   generation counter, the tokens, the in-flight marker, the path-B lease and the shared
//!   cooldown. Messages only wake tabs up; the access token is read from storage, and no
//!   token of any kind is ever put in a message ([`Message`] holds numbers only).
//! - **Path A (Web Locks)** and **path B (lease over BroadcastChannel)** serialise the
//!   refresh (`lock.rs`, `lease.rs`); both re-read the record after acquiring and refresh
//!   only if the generation has not moved.
//! - **Commits are guarded** by the generation and the in-flight marker (`flight.rs`).
//! - **Failures**: a transient one sets a shared cooldown with exponential backoff; a
//!   rejection logs everyone out if the failing token is still current; a lost holder is
//!   taken over (see `flight.rs` for the honest limits).
//! - **Bounded**: one timer, one phase, `max_waiters` callers, saturating counters,
//!   length-limited wire and storage decoding.
//!
//! Adapter contract (all of it):
//! 1. `let tab = Tab::new(config, random_tab_id, seed)`; then feed
//!    `Event::PageShow { persisted: false }` once.
//! 2. For every browser happening, call
//!    `tab.handle(event, localStorage.getItem(config.key()), Date.now())`.
//! 3. Execute the returned effects in order, synchronously; run user code (`refresh()`,
//!    promise resolution, `onChange`, `onLogout`) in a microtask, never inside `handle`.
//! 4. Post `message.encode()` strings; hand received strings back as `Event::RawMessage`.
//!
//! The deterministic simulation in `tests/refresh_sim.rs` / `examples/refresh_sim.rs`
//! checks the seven invariants after every step.

mod config;
mod effects;
mod error;
mod event;
mod flight;
mod jsonw;
mod lease;
mod lock;
mod machine;
mod message;
mod state;
mod store;
mod timing;
mod token;
mod wire;

pub use config::Config;
pub use effects::{Effect, LockMode};
pub use error::{CODES, RefreshError};
pub use event::{Event, RefreshOutcome, TimerId};
pub use machine::Tab;
pub use machine::UNREADABLE_GIVE_UP;
pub use message::{MAX_WIRE_LEN, Message, WIRE_VERSION, WireIssue};
pub use state::Stats;
pub use store::{
    Inflight, Lease, LogoutReason, MAX_RECORD_LEN, RECORD_VERSION, Session, SharedRecord,
};
pub use timing::{
    cooldown_ms, dead_on_arrival, expires_at, lifetime, margin, refresh_at, restored_expires_at,
    usable,
};
pub use token::{AccessToken, Grant, MAX_TOKEN_LEN, RefreshToken};
pub use wire::{EFFECT_SHAPES, Output, TabStats, sample_outputs, shapes};
