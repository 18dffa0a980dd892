//! What [`classify`](super::classify) takes: the parts of a response and the caller's options.
//!
//! Why a borrowed struct: the bindings hand over the status, a header list and the body bytes
//! they already hold; borrowing them means classifying allocates only the strings it returns.
//! Options are plain public fields with `Default` plus a few `with_*` builders, so the
//! TypeScript facade can map its options object one to one.

use super::model::{Action, Category};
use crate::core::headers::{KNOWN_COUNT, Known};
use crate::core::retry::hints::Headers;

/// Which call failed: the normal request, the token refresh call, or the login call.
/// The same status means different things in each (a 401 on the refresh call ends the session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// An ordinary API request.
    #[default]
    Request,
    /// The call that exchanges a refresh token for a new access token.
    Refresh,
    /// The call that exchanges a username/password (or API key) for tokens.
    Login,
}

impl Phase {
    /// The stable string form (`"request"`, `"refresh"`, `"login"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Request => "request",
            Phase::Refresh => "refresh",
            Phase::Login => "login",
        }
    }

    /// Parses the stable string form.
    pub fn parse(s: &str) -> Option<Phase> {
        [Phase::Request, Phase::Refresh, Phase::Login]
            .into_iter()
            .find(|p| p.as_str() == s)
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
}

/// A caller's rule for one server code; every `Some` field wins over the built-in decision.
#[derive(Debug, Clone, PartialEq, Default)]
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

/// Every response header [`classify`](super::classify) reads, lowercase. A caller for whom
/// headers are costly to hand over (the wasm bindings) may pass only these: the
/// classification is the same (tested on every vector with extra headers mixed in, and on
/// every header-like name in the classifier's source).
pub const HEADERS_READ: [&str; KNOWN_COUNT] = Known::NAMES;

/// The headers whose value may be a date or an epoch time, measured against
/// [`ResponseParts::now_ms`] when the response has no `Date`. Without any of them, `now_ms`
/// does not change the classification, so a caller may skip reading the clock.
pub const HEADERS_NEEDING_NOW: [&str; 3] = [
    Known::RetryAfter.name(),
    Known::RateLimitReset.name(),
    Known::XRateLimitReset.name(),
];

/// The headers read only to measure a date against: without a header of
/// [`HEADERS_NEEDING_NOW`] they do not change the classification either, so a caller may
/// leave them out then.
pub const HEADERS_ONLY_WITH_NOW: [&str; 1] = [Known::Date.name()];

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
