//! What crosses into classification from JavaScript, as serde types read from the JSON text
//! the facade writes: the parts of a response, a thrown error's strings, a classifier's
//! options and a support report's input, with the camelCase names of the TypeScript API.
//!
//! Why here and not beside the exports: they are plain data, so the core's tests read them
//! natively (and check the JSON reader against `serde_json` on them). Texts that can be long
//! (headers, bodies) borrow from the input when they have no escapes.
//!
//! Unknown fields are not refused: the facade builds these objects itself, and checks what
//! users may misspell (rule fields) before they cross.

use std::borrow::Cow;

use serde::Deserialize;

use super::input::{CustomRule, Phase};
use super::model::{Action, Category};

/// What `classify` takes besides the headers and the body: the scalar parts of a received
/// response, as the facade normalised them. The headers (`name:value` lines joined by `\n`)
/// and the body cross beside this as strings of their own: they are the long parts, and
/// inside JSON every line break and every quote would be escaped, then copied back.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifyInput {
    /// HTTP status, 0 to 999 (0: an opaque response).
    pub status: u16,
    /// Which call this was.
    #[serde(default)]
    pub phase: Option<Phase>,
    /// Whether the request carried credentials.
    #[serde(default)]
    pub credentials_sent: Option<bool>,
    /// Epoch ms now.
    #[serde(default)]
    pub now_ms: Option<f64>,
}

/// What `classifyError` takes: the strings the facade read from a thrown value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrownInput {
    /// `err.name`.
    pub name: Option<String>,
    /// `err.message`.
    pub message: Option<String>,
    /// `err.code`.
    pub code: Option<String>,
    /// `err.cause.name`.
    pub cause_name: Option<String>,
    /// `err.cause.message`.
    pub cause_message: Option<String>,
    /// `err.cause.code`.
    pub cause_code: Option<String>,
}

/// What `createClassifier` takes (rules as a list; the facade turns `{CODE: rule}` into one).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassifierSpec {
    /// Body bytes looked at.
    pub max_body_bytes: Option<usize>,
    /// Rules per server code.
    pub rules: Option<Vec<CustomRule>>,
    /// User messages per code or category name, in the order written.
    #[serde(default, deserialize_with = "super::members::deserialize")]
    pub user_messages: Option<Vec<(String, String)>>,
}

/// The parts of a classification a support report quotes; anything else a caller's object
/// holds is ignored, and an unknown hint source is left out.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportedClassification {
    /// What kind of failure.
    pub category: Category,
    /// What to do about it.
    pub action: Action,
    /// HTTP status.
    #[serde(default)]
    pub status: Option<f64>,
    /// The server's code.
    #[serde(default)]
    pub code: Option<String>,
    /// The server's message.
    #[serde(default)]
    pub message: Option<String>,
    /// Whether a retry may succeed.
    #[serde(default)]
    pub retryable: bool,
    /// The server's delay hint.
    #[serde(default)]
    pub retry_after_ms: Option<f64>,
    /// Where the hint came from.
    #[serde(default)]
    pub hint_source: Option<String>,
    /// The request id.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Whether the request never left.
    #[serde(default)]
    pub not_sent: bool,
}

/// What `supportReport` takes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportInput<'a> {
    /// The classification to report.
    pub classification: ReportedClassification,
    /// Request method.
    #[serde(default)]
    pub method: Option<String>,
    /// Request URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Request headers as `name:value` lines joined by `\n`.
    #[serde(default, borrow)]
    pub headers: Cow<'a, str>,
    /// Request body, as text (bytes decoded as UTF-8 with U+FFFD for invalid sequences).
    #[serde(default)]
    pub body: Option<String>,
    /// Response body, as text.
    #[serde(default)]
    pub response_body: Option<String>,
    /// When it failed, epoch ms.
    #[serde(default)]
    pub timestamp_ms: Option<f64>,
}
