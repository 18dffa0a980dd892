//! Response headers as the core reads them.
//!
//! Why two shapes: [`Headers`] is what a caller has, name/value pairs in any case, and a
//! lookup by name scans them all. The classifier asks for about twenty names per response,
//! so it first files the values of the names it knows ([`Known`]) into a [`KnownHeaders`],
//! in one pass, and then every lookup is an array read. The bindings fill that index
//! directly: a header crosses the boundary as its [`Known`] position, never as a name.
//! Both shapes answer [`HeaderSource::value`], which is what the hint and request-id
//! readers take.

/// Response headers as name/value pairs; names compare case-insensitively.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a>(pub &'a [(&'a str, &'a str)]);

impl<'a> Headers<'a> {
    /// The value of the first header named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// No headers at all.
    pub const EMPTY: Headers<'static> = Headers(&[]);
}

/// A response header the core reads. [`Known::ALL`] is every one of them, in the order of
/// their positions (the bindings' wire code for a header is its position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// `content-type`
    ContentType,
    /// `retry-after-ms`
    RetryAfterMs,
    /// `retry-after`
    RetryAfter,
    /// `ratelimit` (the IETF field)
    RateLimit,
    /// `ratelimit-remaining`
    RateLimitRemaining,
    /// `ratelimit-reset`
    RateLimitReset,
    /// `x-ratelimit-remaining`
    XRateLimitRemaining,
    /// `x-ratelimit-reset`
    XRateLimitReset,
    /// `date`
    Date,
    /// `x-request-id`
    XRequestId,
    /// `request-id`
    RequestId,
    /// `x-amzn-requestid`
    XAmznRequestId,
    /// `x-amz-request-id`
    XAmzRequestId,
    /// `x-correlation-id`
    XCorrelationId,
    /// `x-ms-request-id`
    XMsRequestId,
    /// `x-github-request-id`
    XGithubRequestId,
    /// `cf-ray`
    CfRay,
    /// `x-cloud-trace-context`
    XCloudTraceContext,
    /// `x-amz-cf-id`
    XAmzCfId,
    /// `x-amzn-trace-id`
    XAmznTraceId,
}

/// How many headers [`Known`] names.
pub const KNOWN_COUNT: usize = 20;

impl Known {
    /// Every known header, by position.
    pub const ALL: [Known; KNOWN_COUNT] = [
        Known::ContentType,
        Known::RetryAfterMs,
        Known::RetryAfter,
        Known::RateLimit,
        Known::RateLimitRemaining,
        Known::RateLimitReset,
        Known::XRateLimitRemaining,
        Known::XRateLimitReset,
        Known::Date,
        Known::XRequestId,
        Known::RequestId,
        Known::XAmznRequestId,
        Known::XAmzRequestId,
        Known::XCorrelationId,
        Known::XMsRequestId,
        Known::XGithubRequestId,
        Known::CfRay,
        Known::XCloudTraceContext,
        Known::XAmzCfId,
        Known::XAmznTraceId,
    ];

    /// The names of [`Known::ALL`], lower case, by position.
    pub const NAMES: [&'static str; KNOWN_COUNT] = {
        let mut names = [""; KNOWN_COUNT];
        let mut all: &[Known] = &Known::ALL;
        let mut out: &mut [&str] = &mut names;
        while let ([k, all_tail @ ..], [name, out_tail @ ..]) = (all, out) {
            *name = k.name();
            all = all_tail;
            out = out_tail;
        }
        names
    };

    /// The header's name, lower case.
    pub const fn name(self) -> &'static str {
        match self {
            Known::ContentType => "content-type",
            Known::RetryAfterMs => "retry-after-ms",
            Known::RetryAfter => "retry-after",
            Known::RateLimit => "ratelimit",
            Known::RateLimitRemaining => "ratelimit-remaining",
            Known::RateLimitReset => "ratelimit-reset",
            Known::XRateLimitRemaining => "x-ratelimit-remaining",
            Known::XRateLimitReset => "x-ratelimit-reset",
            Known::Date => "date",
            Known::XRequestId => "x-request-id",
            Known::RequestId => "request-id",
            Known::XAmznRequestId => "x-amzn-requestid",
            Known::XAmzRequestId => "x-amz-request-id",
            Known::XCorrelationId => "x-correlation-id",
            Known::XMsRequestId => "x-ms-request-id",
            Known::XGithubRequestId => "x-github-request-id",
            Known::CfRay => "cf-ray",
            Known::XCloudTraceContext => "x-cloud-trace-context",
            Known::XAmzCfId => "x-amz-cf-id",
            Known::XAmznTraceId => "x-amzn-trace-id",
        }
    }

    /// The known header at `position`, if any.
    pub fn at(position: usize) -> Option<Known> {
        Known::ALL.get(position).copied()
    }

    /// The known header named `name` (ASCII case-insensitive), if any.
    pub fn named(name: &str) -> Option<Known> {
        Known::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

/// Something the hint and request-id readers can ask for a known header's value.
pub trait HeaderSource<'a> {
    /// The value of the first header `h`, untrimmed, or `None`.
    fn value(&self, h: Known) -> Option<&'a str>;
}

impl<'a> HeaderSource<'a> for Headers<'a> {
    fn value(&self, h: Known) -> Option<&'a str> {
        self.get(h.name())
    }
}

/// The values of the [`Known`] headers of one response, by position: the first of
/// duplicate names wins, as with [`Headers::get`].
#[derive(Debug, Clone, Copy, Default)]
pub struct KnownHeaders<'a>([Option<&'a str>; KNOWN_COUNT]);

impl<'a> KnownHeaders<'a> {
    /// Files the known headers among `headers` (one pass; other names are skipped).
    pub fn from_headers(headers: &Headers<'a>) -> Self {
        let mut known = KnownHeaders::default();
        for (name, value) in headers.0 {
            if let Some(k) = Known::named(name) {
                known.add(k, value);
            }
        }
        known
    }

    /// Sets `h` to `value` unless an earlier header of that name set it.
    pub fn add(&mut self, h: Known, value: &'a str) {
        if let Some(slot @ None) = self.0.get_mut(h as usize) {
            *slot = Some(value);
        }
    }
}

impl<'a> HeaderSource<'a> for KnownHeaders<'a> {
    fn value(&self, h: Known) -> Option<&'a str> {
        self.0.get(h as usize).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_names_agree() {
        for (i, k) in Known::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert_eq!(Known::at(i), Some(*k));
            assert_eq!(Known::NAMES[i], k.name());
            assert_eq!(Known::named(&k.name().to_ascii_uppercase()), Some(*k));
        }
        assert_eq!(Known::at(KNOWN_COUNT), None);
        assert_eq!(Known::named("x-request"), None);
    }

    #[test]
    fn the_index_answers_as_the_pairs_do() {
        let pairs = [
            ("Content-Type", "text/html"),
            ("X-Request-Id", "first"),
            ("Server", "nginx"),
            ("x-request-id", "second"),
            ("DATE", " Sun, 06 Nov 1994 08:49:37 GMT"),
        ];
        let h = Headers(&pairs);
        let known = KnownHeaders::from_headers(&h);
        for k in Known::ALL {
            assert_eq!(known.value(k), h.value(k), "{}", k.name());
        }
        assert_eq!(known.value(Known::XRequestId), Some("first"));
        assert_eq!(known.value(Known::RetryAfter), None);
    }
}
