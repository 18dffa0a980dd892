//! The catalog of server codes we know, and what each says about the failure.
//!
//! Why: a code is more precise than a status (a 400 `RATE_LIMIT_EXCEEDED` is a rate limit,
//! a GraphQL 200 `FORBIDDEN` is a permission problem). Codes are compared ASCII
//! case-insensitively with `-` equal to `_`, on their last URI segment (see
//! `CodeKey` in [`text`](super::text)). Authentication codes live in [`auth`](super::auth), which
//! also reads messages.
//!
//! Families: Upstream/DRF (seed 000: `throttled`, `validation_error`, `parse_error`,
//! `permission_denied`, `not_found`, `method_not_allowed`, `unsupported_media_type`,
//! `internal_server_error`), Sachain (seed 004: `VALIDATION_*`, `BUSINESS_*`, `SYSTEM_*`,
//! `RATE_LIMIT_*`), Google `status`/`reason`, Apollo GraphQL, RFC 9457 / RateLimit draft
//! problem types, OpenAI/Stripe (`insufficient_quota`, `rate_limit`).
//!
//! A code refines the status only for statuses below 500 (a 5xx is a server problem
//! whatever the body says, except for its explicit `retryable` flag).

use super::model::{Action, Category};
use super::text::{CodeKey, CodeTable};

/// What a known code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CodeRule {
    pub category: Category,
    pub action: Action,
    pub retryable: bool,
}

const fn rule(category: Category, action: Action, retryable: bool) -> CodeRule {
    CodeRule {
        category,
        action,
        retryable,
    }
}

const RATE: CodeRule = rule(Category::RateLimited, Action::WaitAndRetry, true);
const QUOTA_GONE: CodeRule = rule(Category::RateLimited, Action::ContactSupport, false);
const FORBIDDEN: CodeRule = rule(Category::Forbidden, Action::RequestPermission, false);
const NOT_FOUND: CodeRule = rule(Category::NotFound, Action::VerifyResource, false);
const INVALID: CodeRule = rule(Category::InvalidRequest, Action::FixRequest, false);
const TOO_LARGE: CodeRule = rule(Category::PayloadTooLarge, Action::FixRequest, false);
const CONFLICT: CodeRule = rule(Category::Conflict, Action::FixRequest, false);
const SERVER: CodeRule = rule(Category::Server, Action::RetryWithBackoff, true);
const SERVER_FATAL: CodeRule = rule(Category::Server, Action::ContactSupport, false);
const UNAVAILABLE: CodeRule = rule(Category::Unavailable, Action::RetryWithBackoff, true);
const TIMEOUT: CodeRule = rule(Category::Timeout, Action::RetryWithBackoff, true);

const EXACT: CodeTable<CodeRule, 58> = CodeTable::new([
    // Rate limits (Upstream, Sachain, Google, Stripe, OpenAI, RateLimit draft problem types).
    ("throttled", RATE),
    ("rate_limit_exceeded", RATE),
    ("rate_limited", RATE),
    ("rate_limit", RATE),
    ("too_many_requests", RATE),
    ("resource_exhausted", RATE),
    ("quota_exceeded", RATE),
    ("temporary_reduced_capacity", RATE),
    ("abnormal_usage_detected", RATE),
    ("insufficient_quota", QUOTA_GONE),
    // Permissions.
    ("permission_denied", FORBIDDEN),
    ("forbidden", FORBIDDEN),
    ("insufficient_permissions", FORBIDDEN),
    ("auth_insufficient_permissions", FORBIDDEN),
    ("access_denied", FORBIDDEN),
    ("insufficient_scope", FORBIDDEN),
    // Missing resources.
    ("not_found", NOT_FOUND),
    // Request mistakes.
    ("validation_error", INVALID),
    ("invalid", INVALID),
    ("parse_error", INVALID),
    ("invalid_request", INVALID),
    ("bad_request", INVALID),
    ("invalid_argument", INVALID),
    ("failed_precondition", INVALID),
    ("out_of_range", INVALID),
    ("bad_user_input", INVALID),
    ("graphql_validation_failed", INVALID),
    ("graphql_parse_failed", INVALID),
    ("method_not_allowed", INVALID),
    ("unsupported_media_type", INVALID),
    ("not_acceptable", INVALID),
    ("business_comments_required", INVALID),
    // Too large (before the VALIDATION_ prefix rule).
    ("validation_file_too_large", TOO_LARGE),
    ("file_too_large", TOO_LARGE),
    ("payload_too_large", TOO_LARGE),
    ("request_entity_too_large", TOO_LARGE),
    ("request_too_large", TOO_LARGE),
    // Conflicts.
    ("conflict", CONFLICT),
    ("already_exists", CONFLICT),
    ("duplicate", CONFLICT),
    ("aborted", CONFLICT),
    ("business_duplicate_upload", CONFLICT),
    ("business_invalid_document_status", CONFLICT),
    // Server side (seen under 2xx GraphQL answers or odd 4xx).
    ("internal_server_error", SERVER),
    ("internal", SERVER),
    ("internal_error", SERVER),
    ("server_error", SERVER),
    ("system_database_error", SERVER),
    ("system_s3_error", SERVER),
    ("system_notification_error", SERVER),
    ("unimplemented", SERVER_FATAL),
    ("not_implemented", SERVER_FATAL),
    ("unavailable", UNAVAILABLE),
    ("service_unavailable", UNAVAILABLE),
    ("deadline_exceeded", TIMEOUT),
    ("timeout", TIMEOUT),
    ("request_timeout", TIMEOUT),
    ("gateway_timeout", TIMEOUT),
]);

/// What `code` says, if it is known.
pub(crate) fn lookup(code: &CodeKey<'_>) -> Option<CodeRule> {
    if let Some(r) = EXACT.get(code) {
        return Some(r);
    }
    if code.starts("rate_limit_") {
        return Some(RATE);
    }
    if code.starts("validation_") {
        return Some(INVALID);
    }
    if code.ends("_not_found") {
        return Some(NOT_FOUND);
    }
    if code.starts("system_") {
        return Some(SERVER_FATAL);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(code: &str) -> Option<CodeRule> {
        super::lookup(&CodeKey::new(code))
    }

    #[test]
    fn families() {
        assert_eq!(lookup("RATE_LIMIT_EXCEEDED"), Some(RATE));
        assert_eq!(lookup("RATE_LIMIT_DAILY"), Some(RATE));
        assert_eq!(lookup("VALIDATION_INVALID_ENUM"), Some(INVALID));
        assert_eq!(lookup("VALIDATION_FILE_TOO_LARGE"), Some(TOO_LARGE));
        assert_eq!(lookup("BUSINESS_DOCUMENT_NOT_FOUND"), Some(NOT_FOUND));
        assert_eq!(lookup("SYSTEM_S3_ERROR"), Some(SERVER));
        assert_eq!(lookup("SYSTEM_EVENTBRIDGE_ERROR"), Some(SERVER_FATAL));
        assert_eq!(lookup("/errors/validation-error"), Some(INVALID));
        assert_eq!(
            lookup("https://iana.org/assignments/http-problem-types#quota-exceeded"),
            Some(RATE)
        );
        assert_eq!(lookup("something_else"), None);
    }
}
