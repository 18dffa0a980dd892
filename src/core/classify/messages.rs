//! Messages safe to show a person.
//!
//! Why: server text is for developers. It may be HTML, a stack trace, internal names, or
//! English where the app is not; for 5xx it must never reach a user. So `userMessage` is
//! never server text: it is, in order, the caller's custom rule message, the caller's
//! message for the code (or the category name), our message for a known code (seed 004's
//! table is the model), or our message for the category and action.
//!
//! Two Sachain messages quote the `details` object instead of hard-coding seed values:
//! `VALIDATION_FILE_TOO_LARGE` names `details.maxSize` ("smaller than 10MB"), and
//! `VALIDATION_INVALID_FILE_TYPE` lists `details.allowedTypes` ("a JPEG, PNG, or PDF file").

use std::borrow::Cow;

use super::input::ClassifyOptions;
use super::model::{Action, Category};
use super::text::CodeKey;
use crate::core::json::{Node, Value};

/// Our messages, each written once.
const CHECK_CREDENTIALS: &str =
    "Your credentials were not accepted. Please check them and try again.";
const LOG_IN: &str = "Please log in to continue.";
const SESSION_EXPIRED: &str = "Your session has expired. Please log in again.";
const NO_PERMISSION: &str = "You don't have permission to perform this action.";
const NOT_FOUND: &str =
    "The requested item was not found. It may have been deleted or you may not have access.";
const NOT_VALID: &str =
    "Some of the information provided is not valid. Please check it and try again.";
const CONFLICT: &str = "This item was changed or already exists. Please refresh and try again.";
const TOO_LARGE: &str = "The file or request is too large.";
const LIMIT_REACHED: &str =
    "The usage limit for this service has been reached. Please contact support.";
const TOO_MANY_REQUESTS: &str = "Too many requests. Please wait a moment and try again.";
const SERVER_FAULT: &str =
    "Something went wrong on our side. Please contact support if it keeps happening.";
const TEMPORARY_ERROR: &str = "A temporary error occurred. Please try again.";
const UNAVAILABLE: &str = "The service is temporarily unavailable. Please try again shortly.";
const TIMEOUT: &str = "The server took too long to respond. Please try again.";
const INSECURE: &str = "A secure connection to the server could not be established.";
const UNREACHABLE: &str = "Unable to reach the server. Please check your connection and try again.";
const CANCELLED: &str = "The request was cancelled.";
const UNEXPECTED: &str = "An unexpected error occurred.";
const LOG_IN_AGAIN: &str = "Please log in again to continue.";
const DOCUMENT_NOT_FOUND: &str =
    "Document not found. It may have been deleted or you may not have access.";
const DOCUMENT_PROCESSED: &str = "This document has already been processed and cannot be modified.";
const QUOTA_USED_UP: &str =
    "The usage quota for this service has been used up. Please contact support.";
const FILE_TOO_LARGE: &str = "File is too large. Please choose a smaller file.";
const WRONG_FILE_TYPE: &str = "Invalid file type. Please choose a different file.";

/// The user message for a decided classification.
pub(crate) fn user_message<'o>(
    code: Option<&str>,
    key: Option<&CodeKey<'_>>,
    category: Category,
    action: Action,
    details: Option<Node<'_>>,
    opts: &'o ClassifyOptions,
) -> Cow<'o, str> {
    if let Some(m) = from_options(code, category, opts) {
        return Cow::Borrowed(m);
    }
    if let Some(m) = key.and_then(|k| for_code(k, details)) {
        return m;
    }
    Cow::Borrowed(for_category(category, action))
}

/// The caller's message, if any: the rule's for the code, else the one for the code, else
/// the one for the category (after the rule applied).
pub(crate) fn from_options<'o>(
    code: Option<&str>,
    category: Category,
    opts: &'o ClassifyOptions,
) -> Option<&'o str> {
    let by_rule = opts.rule_for(code).and_then(|r| r.user_message.as_deref());
    let by_code = || {
        let code = code?;
        opts.user_messages
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(code))
            .map(|(_, m)| m.as_str())
    };
    let by_category = || {
        opts.user_messages
            .iter()
            .find(|(k, _)| k == category.as_str())
            .map(|(_, m)| m.as_str())
    };
    by_rule.or_else(by_code).or_else(by_category)
}

/// Our message for a known code.
fn for_code(code: &CodeKey<'_>, details: Option<Node<'_>>) -> Option<Cow<'static, str>> {
    let is = |k: &str| code.is(k);
    let s = if is("auth_token_missing") || is("auth_token_invalid") {
        LOG_IN_AGAIN
    } else if is("auth_insufficient_permissions") {
        NO_PERMISSION
    } else if is("validation_file_too_large") {
        let size = details
            .and_then(|d| d.get("maxSize"))
            .and_then(Value::as_f64)
            .and_then(human_size);
        return Some(match size {
            Some(s) => Cow::Owned(format!(
                "File is too large. Please choose a file smaller than {s}."
            )),
            None => Cow::Borrowed(FILE_TOO_LARGE),
        });
    } else if is("validation_invalid_file_type") {
        let list = details
            .and_then(|d| d.get("allowedTypes"))
            .and_then(Value::as_array)
            .and_then(type_list);
        return Some(match list {
            Some(l) => Cow::Owned(format!("Invalid file type. Please upload {l} file.")),
            None => Cow::Borrowed(WRONG_FILE_TYPE),
        });
    } else if is("business_document_not_found") {
        DOCUMENT_NOT_FOUND
    } else if is("business_invalid_document_status") {
        DOCUMENT_PROCESSED
    } else if is("rate_limit_exceeded") || is("throttled") {
        TOO_MANY_REQUESTS
    } else if is("system_database_error") || is("system_s3_error") {
        TEMPORARY_ERROR
    } else if is("insufficient_quota") {
        QUOTA_USED_UP
    } else {
        return None;
    };
    Some(Cow::Borrowed(s))
}

/// Our message for a category and action.
pub(crate) fn for_category(category: Category, action: Action) -> &'static str {
    match (category, action) {
        (_, Action::CheckCredentials) => CHECK_CREDENTIALS,
        (Category::Unauthenticated, Action::AddCredentials) => LOG_IN,
        (Category::Unauthenticated, _) => SESSION_EXPIRED,
        (Category::Forbidden, _) => NO_PERMISSION,
        (Category::NotFound, _) => NOT_FOUND,
        (Category::InvalidRequest, _) => NOT_VALID,
        (Category::Conflict, _) => CONFLICT,
        (Category::PayloadTooLarge, _) => TOO_LARGE,
        (Category::RateLimited, Action::ContactSupport) => LIMIT_REACHED,
        (Category::RateLimited, _) => TOO_MANY_REQUESTS,
        (Category::Server, Action::ContactSupport) => SERVER_FAULT,
        (Category::Server, _) => TEMPORARY_ERROR,
        (Category::Unavailable, _) => UNAVAILABLE,
        (Category::Timeout, _) => TIMEOUT,
        (Category::Network, Action::ContactSupport) => INSECURE,
        (Category::Network, _) => UNREACHABLE,
        (Category::Aborted, _) => CANCELLED,
        (Category::Unknown, _) => UNEXPECTED,
    }
}

/// `10485760` -> `10MB`, `512000` -> `500KB`.
fn human_size(bytes: f64) -> Option<String> {
    if !(1.0..1e15).contains(&bytes) || bytes.fract() != 0.0 {
        return None;
    }
    let b = bytes as u64;
    Some(if b % (1024 * 1024) == 0 {
        format!("{}MB", b / (1024 * 1024))
    } else if b % 1024 == 0 {
        format!("{}KB", b / 1024)
    } else {
        format!("{b} bytes")
    })
}

/// `["image/jpeg", "image/png", "application/pdf"]` -> `a JPEG, PNG, or PDF`.
fn type_list(types: &[Value<'_>]) -> Option<String> {
    let names: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|t| {
            let sub = t.rsplit('/').next()?.split('+').next()?.trim();
            let ok = !sub.is_empty()
                && sub.len() <= 16
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            ok.then(|| sub.to_ascii_uppercase())
        })
        .take(6)
        .collect();
    let first = names.first()?;
    let article = match first.bytes().next() {
        Some(b'A' | b'E' | b'F' | b'H' | b'I' | b'L' | b'M' | b'N' | b'O' | b'R' | b'S' | b'X') => {
            "an"
        }
        _ => "a",
    };
    let list = match names.len() {
        1 => first.clone(),
        2 => names.join(" or "),
        n => {
            let head = names.get(..n - 1).unwrap_or(&[]).join(", ");
            format!("{head}, or {}", names.last().map_or("", String::as_str))
        }
    };
    Some(format!("{article} {list}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    fn for_code(code: &str, details: Option<&Value<'_>>) -> Option<String> {
        super::for_code(&CodeKey::new(code), details).map(Cow::into_owned)
    }

    #[test]
    fn quoted_details() {
        let d = parse(
            r#"{"maxSize":10485760,"allowedTypes":["image/jpeg","image/png","application/pdf"]}"#,
        )
        .unwrap();
        assert_eq!(
            for_code("VALIDATION_FILE_TOO_LARGE", Some(&d)).unwrap(),
            "File is too large. Please choose a file smaller than 10MB."
        );
        assert_eq!(
            for_code("VALIDATION_INVALID_FILE_TYPE", Some(&d)).unwrap(),
            "Invalid file type. Please upload a JPEG, PNG, or PDF file."
        );
        let svg = parse(r#"{"allowedTypes":["image/svg+xml","image/png"]}"#).unwrap();
        assert_eq!(
            for_code("VALIDATION_INVALID_FILE_TYPE", Some(&svg)).unwrap(),
            "Invalid file type. Please upload an SVG or PNG file."
        );
        assert_eq!(human_size(512_000.0).as_deref(), Some("500KB"));
        assert_eq!(human_size(1000.0).as_deref(), Some("1000 bytes"));
        assert_eq!(human_size(f64::NAN), None);
    }

    #[test]
    fn every_category_and_action_has_a_message() {
        for c in Category::ALL {
            for a in Action::ALL {
                let m = for_category(c, a);
                assert!(m.ends_with('.'), "{c:?} {a:?}");
            }
        }
    }
}
