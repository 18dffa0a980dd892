//! The members of a JSON error body that several readers start from.
//!
//! Why: the envelope readers, the body retry hints and the body request ids all begin at
//! `error`, `error.details`, `details` or `message`; naming them once keeps those readers
//! short and in agreement.

use crate::core::json::Value;

/// `error`, `error.details`, `details` and `message` of a body's top-level value, whatever
/// their kind (all absent when the value is not an object).
#[derive(Debug, Clone, Copy)]
pub struct BodyMembers<'v> {
    /// The document's top-level value.
    pub root: &'v Value<'v>,
    /// Its `error` member.
    pub error: Option<&'v Value<'v>>,
    /// Its `error.details` member.
    pub error_details: Option<&'v Value<'v>>,
    /// Its `details` member.
    pub details: Option<&'v Value<'v>>,
    /// Its `message` member.
    pub message: Option<&'v Value<'v>>,
}

impl<'v> BodyMembers<'v> {
    /// Looks the members up in `root`.
    pub fn of(root: &'v Value<'v>) -> Self {
        let error = root.get("error");
        BodyMembers {
            root,
            error,
            error_details: error.and_then(|e| e.get("details")),
            details: root.get("details"),
            message: root.get("message"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    #[test]
    fn members_are_found_whatever_their_kind() {
        let doc =
            parse(r#"{"error":{"details":[1],"code":"x"},"details":"d","message":3,"other":{}}"#)
                .unwrap();
        let m = BodyMembers::of(&doc);
        assert_eq!(m.error.map(|n| n.is_object()), Some(true));
        assert_eq!(m.error_details.map(|n| n.is_array()), Some(true));
        assert_eq!(m.details.and_then(|n| n.as_str()), Some("d"));
        assert_eq!(m.message.and_then(|n| n.as_f64()), Some(3.0));

        let doc = parse(r#"{"error":"flat","Details":{}}"#).unwrap();
        let m = BodyMembers::of(&doc);
        assert_eq!(m.error.and_then(|n| n.as_str()), Some("flat"));
        assert!(m.error_details.is_none() && m.details.is_none() && m.message.is_none());

        let doc = parse(r#"["error","details"]"#).unwrap();
        let m = BodyMembers::of(&doc);
        assert!(m.error.is_none() && m.details.is_none() && m.message.is_none());
    }
}
