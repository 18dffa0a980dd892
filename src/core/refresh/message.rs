//! Cross-tab messages and their versioned wire codec.
//!
//! Messages are hints that wake other tabs; shared storage stays the source of truth, so a
//! lost, duplicated, delayed or reordered message can cost time but never correctness.
//! Every message names the generation it is about; stale ones are harmless because every
//! handler re-reads storage.
//!
//! Wire format (one JSON object, posted as a string so no structured clone is involved):
//! `{"fl":1,"t":<kind>,"from":<tab>,"gen":<gen>, ...}` with kinds
//! `claim` (+`nonce`), `refreshing` (+`until`), `done` (+`exp`, number or null),
//! `failed` (+`until`), `logout`. All numbers are integers ≤ 2^53 − 1.
//! A string that is not JSON or has no `"fl"` key is *foreign* (the page may share the
//! channel); `"fl"` other than 1 is *another version*; `"fl":1` with bad fields is
//! *malformed*. All three are ignored and counted, never adopted.
//!
//! [`Message`] holds numbers only and is `Copy`: there is no field a token could go into,
//! which is how "the refresh token never travels over BroadcastChannel" is enforced by
//! types (the access token does not travel either: tabs read it from storage).

use crate::core::json::{self, Limits, Value};

use super::error::RefreshError;
use super::jsonw::{get_ms, get_opt_ms, get_u64, push_ms, push_opt_ms, push_u64};

/// Version written in the `"fl"` field.
pub const WIRE_VERSION: u64 = 1;

/// Longest wire string accepted, in bytes.
pub const MAX_WIRE_LEN: usize = 512;

/// A protocol message between tabs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Message {
    /// Path B: `from` wants to refresh generation `gen`; lowest `(nonce, from)` wins.
    Claim {
        /// Sender tab id.
        from: u64,
        /// Generation to refresh.
        generation: u64,
        /// Random claim nonce (53 bits).
        nonce: u64,
    },
    /// Path B heartbeat: `from` holds the lease for `gen` until `until_ms`.
    Refreshing {
        /// Sender tab id.
        from: u64,
        /// Generation being refreshed.
        generation: u64,
        /// Lease end (epoch ms).
        until_ms: f64,
    },
    /// A new session generation `gen` is in storage (refresh committed or login).
    Done {
        /// Sender tab id.
        from: u64,
        /// The new generation.
        generation: u64,
        /// When the new access token expires (local epoch ms), if known.
        expires_at_ms: Option<f64>,
    },
    /// The refresh of `gen` failed transiently; nobody refreshes before `until_ms`.
    Failed {
        /// Sender tab id.
        from: u64,
        /// Generation whose refresh failed.
        generation: u64,
        /// Shared cooldown end (epoch ms).
        until_ms: f64,
    },
    /// The session ended; `gen` is the logged-out generation now in storage.
    Logout {
        /// Sender tab id.
        from: u64,
        /// The logged-out generation.
        generation: u64,
    },
}

/// Why a wire string was not adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireIssue {
    /// Not JSON, or JSON without the `"fl"` key: someone else's message.
    Foreign,
    /// Ours, but another protocol version.
    Version,
    /// Ours and this version, but a field is missing or invalid (or too long).
    Malformed,
}

impl From<WireIssue> for RefreshError {
    fn from(_: WireIssue) -> Self {
        RefreshError::MessageMalformed
    }
}

impl Message {
    /// The sender tab.
    pub fn from(&self) -> u64 {
        match *self {
            Message::Claim { from, .. }
            | Message::Refreshing { from, .. }
            | Message::Done { from, .. }
            | Message::Failed { from, .. }
            | Message::Logout { from, .. } => from,
        }
    }

    /// The generation the message is about.
    pub fn generation(&self) -> u64 {
        match *self {
            Message::Claim { generation, .. }
            | Message::Refreshing { generation, .. }
            | Message::Done { generation, .. }
            | Message::Failed { generation, .. }
            | Message::Logout { generation, .. } => generation,
        }
    }

    /// The wire string (see the module doc).
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(96);
        out.push_str("{\"fl\":");
        push_u64(&mut out, WIRE_VERSION);
        let kind = match self {
            Message::Claim { .. } => "claim",
            Message::Refreshing { .. } => "refreshing",
            Message::Done { .. } => "done",
            Message::Failed { .. } => "failed",
            Message::Logout { .. } => "logout",
        };
        out.push_str(",\"t\":\"");
        out.push_str(kind);
        out.push_str("\",\"from\":");
        push_u64(&mut out, self.from());
        out.push_str(",\"gen\":");
        push_u64(&mut out, self.generation());
        match *self {
            Message::Claim { nonce, .. } => {
                out.push_str(",\"nonce\":");
                push_u64(&mut out, nonce);
            }
            Message::Refreshing { until_ms, .. } | Message::Failed { until_ms, .. } => {
                out.push_str(",\"until\":");
                push_ms(&mut out, until_ms);
            }
            Message::Done { expires_at_ms, .. } => {
                out.push_str(",\"exp\":");
                push_opt_ms(&mut out, expires_at_ms);
            }
            Message::Logout { .. } => {}
        }
        out.push('}');
        out
    }

    /// Decodes a wire string; see [`WireIssue`] for what is rejected.
    pub fn decode(wire: &str) -> Result<Message, WireIssue> {
        let looks_ours = crate::core::bytes::contains(wire, "\"fl\"");
        if wire.len() > MAX_WIRE_LEN {
            return Err(if looks_ours {
                WireIssue::Malformed
            } else {
                WireIssue::Foreign
            });
        }
        let doc = match json::parse_with(wire, Limits { max_depth: 4 }) {
            Ok(doc) => doc,
            Err(_) if looks_ours => return Err(WireIssue::Malformed),
            Err(_) => return Err(WireIssue::Foreign),
        };
        let Some(version) = doc.get("fl") else {
            return Err(WireIssue::Foreign);
        };
        if version.as_f64() != Some(WIRE_VERSION as f64) {
            return Err(WireIssue::Version);
        }
        decode_fields(&doc).ok_or(WireIssue::Malformed)
    }
}

fn decode_fields(doc: &Value<'_>) -> Option<Message> {
    let from = get_u64(doc, "from")?;
    let generation = get_u64(doc, "gen")?;
    Some(match doc.get("t")?.as_str()? {
        "claim" => Message::Claim {
            from,
            generation,
            nonce: get_u64(doc, "nonce")?,
        },
        "refreshing" => Message::Refreshing {
            from,
            generation,
            until_ms: get_ms(doc, "until")?,
        },
        "done" => Message::Done {
            from,
            generation,
            expires_at_ms: get_opt_ms(doc, "exp")?,
        },
        "failed" => Message::Failed {
            from,
            generation,
            until_ms: get_ms(doc, "until")?,
        },
        "logout" => Message::Logout { from, generation },
        _ => return None,
    })
}
