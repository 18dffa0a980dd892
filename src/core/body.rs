//! The members of a JSON error body that several readers start from.
//!
//! Why: the envelope readers, the body retry hints and the body request ids all begin at
//! `error`, `error.details`, `details` or `message`. A lookup scans the object's members,
//! and each of these was looked up two or three times per body; the classifier now looks
//! them up once, here, and hands the result to every reader.

use crate::core::json::Node;

/// `error`, `error.details`, `details` and `message` of a body's top-level value, whatever
/// their kind (all absent when the value is not an object).
#[derive(Debug, Clone, Copy)]
pub struct BodyMembers<'v> {
    /// The document's top-level value.
    pub root: Node<'v>,
    /// Its `error` member.
    pub error: Option<Node<'v>>,
    /// Its `error.details` member.
    pub error_details: Option<Node<'v>>,
    /// Its `details` member.
    pub details: Option<Node<'v>>,
    /// Its `message` member.
    pub message: Option<Node<'v>>,
}

impl<'v> BodyMembers<'v> {
    /// Looks the members up in `root`.
    pub fn of(root: Node<'v>) -> Self {
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
    use crate::core::json::parse_doc;

    #[test]
    fn members_are_found_whatever_their_kind() {
        let doc = parse_doc(
            r#"{"error":{"details":[1],"code":"x"},"details":"d","message":3,"other":{}}"#,
        )
        .unwrap();
        let m = BodyMembers::of(doc.root());
        assert_eq!(m.error.map(|n| n.is_object()), Some(true));
        assert_eq!(m.error_details.map(|n| n.is_array()), Some(true));
        assert_eq!(m.details.and_then(|n| n.as_str()), Some("d"));
        assert_eq!(m.message.and_then(|n| n.as_f64()), Some(3.0));

        let doc = parse_doc(r#"{"error":"flat","Details":{}}"#).unwrap();
        let m = BodyMembers::of(doc.root());
        assert_eq!(m.error.and_then(|n| n.as_str()), Some("flat"));
        assert!(m.error_details.is_none() && m.details.is_none() && m.message.is_none());

        let doc = parse_doc(r#"["error","details"]"#).unwrap();
        let m = BodyMembers::of(doc.root());
        assert!(m.error.is_none() && m.details.is_none() && m.message.is_none());
    }
}
