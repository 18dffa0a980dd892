//! What [`classify`](super::classify) takes: the parts of a response and the caller's options.
//!
//! Why a borrowed struct: the bindings and native callers hold the status, headers and body
//! already; classifying borrows them.
//! Options are plain public fields with `Default` plus a few `with_*` builders, so the
//! TypeScript facade can map its options object one to one.

use super::model::{Action, Category};
use crate::core::retry::hints::Headers;

crate::vocabulary! {
    /// Which call failed: an ordinary request, the token refresh call, or the login call.
    /// The same status means different things in each (a 401 on the refresh call ends the session).
    #[derive(Default)]
    pub enum Phase as "Phase" {
        /// An ordinary API request.
        #[default]
        Request = "request",
        /// The call that exchanges a refresh token for a new access token.
        Refresh = "refresh",
        /// The call that exchanges a username/password (or API key) for tokens.
        Login = "login",
    }
}

/// A received response, borrowed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResponseParts<'a> {
    /// HTTP status. 0 means "no usable response" (an opaque fetch response): it classifies as
    /// a network failure with `status: None`.
    pub status: u16,
    /// Response headers.
    pub headers: Headers<'a>,
    /// The body bytes (only a bounded prefix is looked at).
    pub body: &'a [u8],
    /// Request method, for reports.
    pub method: Option<&'a str>,
    /// Request URL, for reports.
    pub url: Option<&'a str>,
    /// Which call this was.
    pub phase: Phase,
    /// Epoch ms now; the base for `Retry-After` dates when the response has no `Date` header.
    pub now_ms: Option<f64>,
    /// Whether the request carried credentials: `Some(false)` reads an ambiguous 401 as
    /// "attach credentials", `Some(true)` as "refresh the token"; `None` as before.
    pub credentials_sent: Option<bool>,
}

/// A caller's rule for one server code; every `Some` field wins over the built-in decision.
/// Crosses from JavaScript as `{code, category?, action?, retryable?, userMessage?}`.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomRule {
    /// The server code this rule applies to (compared ASCII case-insensitively).
    pub code: String,
    /// Replacement category.
    pub category: Option<Category>,
    /// Replacement action.
    pub action: Option<Action>,
    /// Replacement retryable flag.
    pub retryable: Option<bool>,
    /// Replacement user message.
    pub user_message: Option<String>,
}

impl CustomRule {
    /// A decision with this rule's replacements applied.
    pub(crate) fn apply(
        &self,
        category: Category,
        action: Action,
        retryable: bool,
    ) -> (Category, Action, bool) {
        (
            self.category.unwrap_or(category),
            self.action.unwrap_or(action),
            self.retryable.unwrap_or(retryable),
        )
    }
}

/// How [`classify`](super::classify) behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifyOptions {
    /// How many body bytes are looked at (default 65 536). A longer body is cut; cut JSON
    /// no longer parses and is classified by status and headers alone.
    pub max_body_bytes: usize,
    /// Caller rules per server code; the first matching rule applies.
    pub rules: Vec<CustomRule>,
    /// User messages keyed by server code, or else by category name (`"rate_limited"`);
    /// a code key is tried before a category key.
    pub user_messages: Vec<(String, String)>,
}

/// Default for [`ClassifyOptions::max_body_bytes`].
pub const DEFAULT_MAX_BODY_BYTES: usize = 65_536;

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            rules: Vec::new(),
            user_messages: Vec::new(),
        }
    }
}

impl ClassifyOptions {
    /// Sets [`ClassifyOptions::max_body_bytes`].
    pub fn with_max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// Adds a custom rule.
    pub fn with_rule(mut self, rule: CustomRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Adds a user message for a code (or a category name).
    pub fn with_user_message(mut self, key: impl Into<String>, message: impl Into<String>) -> Self {
        self.user_messages.push((key.into(), message.into()));
        self
    }

    /// The first rule for `code`, if any.
    pub(crate) fn rule_for(&self, code: Option<&str>) -> Option<&CustomRule> {
        let code = code?;
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
    }
}
