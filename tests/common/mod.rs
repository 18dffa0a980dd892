//! Fixtures shared by the retry tests.

use faultline::core::classify::model::{Action, Category, Classification, Format};
use faultline::core::retry::hints::HintSource;

/// A failure the retry policy acts on: `category`, `status`, whether it is retryable and
/// the server's delay hint (from `Retry-After` when given).
pub fn cls(
    category: Category,
    status: Option<u16>,
    retryable: bool,
    hint: Option<f64>,
) -> Classification {
    Classification {
        category,
        action: Action::RetryWithBackoff,
        status,
        code: None,
        message: None,
        retryable,
        retry_after_ms: hint,
        hint_source: hint.map(|_| HintSource::RetryAfter),
        request_id: None,
        field_errors: None,
        format: Format::Empty,
        user_message: String::new(),
        not_sent: false,
    }
}
