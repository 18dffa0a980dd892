//! Classification of failed requests: what went wrong, what to do, whether to retry.
//!
//! Why it exists: the seeds' users each wrote a hand-made `if status == 401 ...` ladder for
//! one API. This module reads any of the common error envelopes (Upstream/DRF, FastAPI,
//! Sachain, RFC 9457 problem details, Google, GraphQL, text, gateway HTML) and any fetch
//! error into one [`Classification`].
//!
//! Entry points:
//! - [`classify`] for a received response ([`ResponseParts`] + [`ClassifyOptions`]);
//! - [`classify_thrown`] for an error thrown by `fetch` / undici / Node ([`Thrown`]);
//! - [`support_report`] for the escalation text of seed 000 with credentials redacted.
//!
//! Layout, one concern per file: `body` (bounded decode, sniffing), `envelope/*` (one reader
//! per format), `fields` (field errors), `request_id`, `codes` (known server codes), `auth`
//! (401 kinds), `rules` (the decision), `messages` (user messages), `members` (objects as
//! ordered pairs), `response` (the pipeline), `thrown`, `report` + `redact` (support text).
//!
//! Nothing here fails: bad input yields a classification (`unknown` at worst), so this
//! concern defines no error codes.

pub mod args;
mod auth;
mod body;
mod codes;
mod envelope;
mod fields;
mod input;
mod members;
mod messages;
pub mod model;
mod redact;
mod report;
mod request_id;
mod response;
mod rules;
mod text;
mod thrown;

pub use fields::{MAX_DEPTH, MAX_FIELDS, MAX_MESSAGES};
pub use input::{ClassifyOptions, CustomRule, DEFAULT_MAX_BODY_BYTES, Phase, ResponseParts};
pub use model::{Action, Category, Classification, Format};
pub use redact::{is_sensitive_name, redact_header, redact_json_text, redact_url};
pub use report::{ReportRequest, support_report};
pub use response::classify;
pub use text::MAX_MESSAGE_BYTES;
pub use thrown::{Thrown, classify_thrown, classify_thrown_with};

use crate::core::error::CodeInfo;

/// Error codes raised by this concern (none: classification never fails).
pub const CODES: &[CodeInfo] = &[];
