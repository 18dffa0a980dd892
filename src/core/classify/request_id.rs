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
use crate::core::body::BodyMembers;
use crate::core::headers::Headers;
use crate::core::json::Node;

/// Headers that carry the application's request id.
pub(crate) const STRONG: [&str; 7] = [
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "x-ms-request-id",
    "x-github-request-id",
];

/// Headers that identify a proxy hop or a trace rather than the request.
pub(crate) const WEAK: [&str; 4] = [
    "cf-ray",
    "x-cloud-trace-context",
    "x-amz-cf-id",
    "x-amzn-trace-id",
];

/// A dedicated request-id header.
pub(crate) fn from_strong_headers<'a>(h: &Headers<'a>) -> Option<&'a str> {
    STRONG.iter().find_map(|n| h.get(n).and_then(clean_id))
}

/// A proxy or trace header (`x-cloud-trace-context` up to its `/`).
pub(crate) fn from_weak_headers<'a>(h: &Headers<'a>) -> Option<&'a str> {
    WEAK.iter().find_map(|n| {
        let v = h.get(n)?;
        let v = if *n == "x-cloud-trace-context" {
            v.split('/').next().unwrap_or(v)
        } else {
            v
        };
        clean_id(v)
    })
}

/// An id in a JSON body, in the order of the module doc, from the body's members as the
/// classifier looked them up (`error`, `error.details`, `details`).
pub(crate) fn from_body(members: BodyMembers<'_>) -> Option<&str> {
    fn id<'v>(object: Option<Node<'v>>, key: &str) -> Option<&'v str> {
        object?.get(key)?.as_str().and_then(clean_id)
    }
    let BodyMembers {
        root,
        error,
        error_details,
        details,
        ..
    } = members;
    id(error, "request_id")
        .or_else(|| id(error, "requestId"))
        .or_else(|| id(error_details, "request_id"))
        .or_else(|| id(Some(root), "request_id"))
        .or_else(|| id(Some(root), "requestId"))
        .or_else(|| id(details, "request_id").or_else(|| id(details, "requestId")))
        .or_else(|| id(Some(root), "traceId"))
        .or_else(|| id(Some(root), "trace_id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    /// The body places in order of preference: the object holding the id (0 the root,
    /// 1 `error`, 2 `error.details`, 3 `details`) and its key.
    const PLACES: [(usize, &str); 9] = [
        (1, "request_id"),
        (1, "requestId"),
        (2, "request_id"),
        (0, "request_id"),
        (0, "requestId"),
        (3, "request_id"),
        (3, "requestId"),
        (0, "traceId"),
        (0, "trace_id"),
    ];

    /// A document holding `"id-<n>"` at each place `n` of `places` (one object per holder).
    fn doc_with(places: &[usize]) -> String {
        let mut members: [Vec<String>; 4] = Default::default();
        for &p in places {
            let (holder, key) = PLACES[p];
            members[holder].push(format!("\"{key}\":\"id-{p}\""));
        }
        let [mut root, mut error, error_details, details] = members;
        if !error_details.is_empty() {
            error.push(format!("\"details\":{{{}}}", error_details.join(",")));
        }
        if !error.is_empty() {
            root.push(format!("\"error\":{{{}}}", error.join(",")));
        }
        if !details.is_empty() {
            root.push(format!("\"details\":{{{}}}", details.join(",")));
        }
        format!("{{{}}}", root.join(","))
    }

    #[test]
    fn each_place_alone_is_found() {
        for i in 0..PLACES.len() {
            let text = doc_with(&[i]);
            let doc = parse(&text).unwrap();
            assert_eq!(
                from_body(BodyMembers::of(&doc)),
                Some(format!("id-{i}").as_str()),
                "{text}"
            );
        }
    }

    /// With ids at every subset of the places, the first place in order wins; an id that
    /// is not usable (a number, blank, with a control character) is passed over.
    #[test]
    fn the_first_place_in_order_wins() {
        for mask in 1u32..(1 << PLACES.len()) {
            let places: Vec<usize> = (0..PLACES.len()).filter(|i| mask & (1 << i) != 0).collect();
            let text = doc_with(&places);
            let doc = parse(&text).unwrap();
            let want = format!("id-{}", places[0]);
            assert_eq!(
                from_body(BodyMembers::of(&doc)),
                Some(want.as_str()),
                "{text}"
            );
            for bad in ["7", "\" \"", "\"a\\u0007b\""] {
                let spoiled = text.replacen(&format!("\"{want}\""), bad, 1);
                let doc = parse(&spoiled).unwrap();
                let next = places.get(1).map(|p| format!("id-{p}"));
                assert_eq!(
                    from_body(BodyMembers::of(&doc)),
                    next.as_deref(),
                    "{spoiled}"
                );
            }
        }
        let doc = parse(r#"{"message":"no id","details":{"code":"X"}}"#).unwrap();
        assert_eq!(from_body(BodyMembers::of(&doc)), None);
    }
}
