//! Finding the id support needs to look a request up (seed 000: "X-Request-Id header value
//! (critical for log lookup)").
//!
//! Order: dedicated request-id headers (`x-request-id`, `request-id`, `x-amzn-requestid`,
//! `x-amz-request-id`, `x-correlation-id`, `x-ms-request-id`, `x-github-request-id`), then
//! ids in the body (`error.request_id`, `error.requestId`, `error.details.request_id`,
//! `request_id`, `requestId`, `details.request_id`, `details.requestId`, `traceId`,
//! `trace_id`, Google `RequestInfo.requestId`), then proxy/trace headers that identify the
//! hop rather than the application request (`cf-ray`, `x-cloud-trace-context` up to its
//! `/`, `x-amz-cf-id`, `x-amzn-trace-id`). Values are trimmed, must have no control
//! characters and are cut to 200 bytes.

use super::text::clean_id;
use crate::core::headers::{HeaderSource, Known};
use crate::core::json::Node;

pub(crate) const STRONG: [Known; 7] = [
    Known::XRequestId,
    Known::RequestId,
    Known::XAmznRequestId,
    Known::XAmzRequestId,
    Known::XCorrelationId,
    Known::XMsRequestId,
    Known::XGithubRequestId,
];

pub(crate) const WEAK: [Known; 4] = [
    Known::CfRay,
    Known::XCloudTraceContext,
    Known::XAmzCfId,
    Known::XAmznTraceId,
];

const BODY_PATHS: [&[&str]; 9] = [
    &["error", "request_id"],
    &["error", "requestId"],
    &["error", "details", "request_id"],
    &["request_id"],
    &["requestId"],
    &["details", "request_id"],
    &["details", "requestId"],
    &["traceId"],
    &["trace_id"],
];

/// A dedicated request-id header.
pub(crate) fn from_strong_headers<'a>(h: &impl HeaderSource<'a>) -> Option<&'a str> {
    STRONG.iter().find_map(|n| h.value(*n).and_then(clean_id))
}

/// A proxy or trace header.
pub(crate) fn from_weak_headers<'a>(h: &impl HeaderSource<'a>) -> Option<&'a str> {
    WEAK.iter().find_map(|n| {
        let v = h.value(*n)?;
        let v = if *n == Known::XCloudTraceContext {
            v.split('/').next().unwrap_or(v)
        } else {
            v
        };
        clean_id(v)
    })
}

/// An id in a JSON body.
pub(crate) fn from_body(root: Node<'_>) -> Option<&str> {
    BODY_PATHS
        .iter()
        .find_map(|p| root.path(p).and_then(Node::as_str).and_then(clean_id))
}
