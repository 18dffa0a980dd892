//! The TypeScript description of everything that crosses the boundary, generated from Rust.
//!
//! The facade's types for vocabularies (`Category`, `Jitter`, ...) and for the objects that
//! cross (`Classification`, decisions, events) live in `pkg-template/src/generated.ts`, which
//! is written from this module and checked by `cargo test` (test `generated_ts_is_current`):
//! a variant or a field added in Rust that the TypeScript lacks fails the build. To refresh
//! the file after a change: `UPDATE_TS=1 cargo test generated_ts`.
//!
//! Vocabularies come from [`Vocabulary`] enums. Object shapes are listed as [`Shape`]s; each
//! shape is checked against the serde output of a real value by [`shape_mismatch`], so the
//! list and the struct cannot drift apart either.

use crate::core::vocab::Vocabulary;

/// One field of an object that crosses the boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JavaScript property name (camelCase, as serde writes it).
    pub name: &'static str,
    /// The TypeScript type, e.g. `"number | null"` or `"Category"`.
    pub ts_type: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// Whether the property may be absent (`name?:` in TypeScript).
    pub optional: bool,
}

impl Field {
    /// A property that is always present.
    pub const fn new(name: &'static str, ts_type: &'static str, doc: &'static str) -> Field {
        Field {
            name,
            ts_type,
            doc,
            optional: false,
        }
    }

    /// A property that may be absent.
    pub const fn optional(name: &'static str, ts_type: &'static str, doc: &'static str) -> Field {
        Field {
            name,
            ts_type,
            doc,
            optional: true,
        }
    }
}

/// An object type that crosses the boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The TypeScript interface name.
    pub ts_name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// Its properties, in the order serde writes them.
    pub fields: &'static [Field],
}

/// The order of a few numbers that a measured hot path returns instead of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The TypeScript constant name.
    pub ts_name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The slot names, in order.
    pub slots: &'static [&'static str],
}

/// Every scalar layout, written as `{ name: index }` constants.
pub fn layouts() -> Vec<Layout> {
    vec![Layout {
        ts_name: "JwtClaimSlots",
        doc: "Where `jwt_claims` puts each claim (`core::jwt::CLAIM_SLOTS`).",
        slots: &crate::core::jwt::CLAIM_SLOTS,
    }]
}

/// A vocabulary rendered as a TypeScript union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Union {
    /// The TypeScript type name.
    pub ts_name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The string literals, in declaration order.
    pub names: Vec<&'static str>,
}

/// The union of a [`Vocabulary`] enum.
pub fn union_of<V: Vocabulary>() -> Union {
    Union {
        ts_name: V::TS_NAME,
        doc: V::DOC,
        names: V::names(),
    }
}

/// Every vocabulary that crosses the boundary, in the order they are written.
pub fn unions() -> Vec<Union> {
    use crate::core::classify::{Action, Category, Format, Phase};
    use crate::core::refresh::{LockMode, LogoutReason};
    use crate::core::retry::hints::HintSource;
    use crate::core::retry::{BreakerState, Jitter, LargeHint, Reason};
    vec![
        union_of::<Category>(),
        union_of::<Action>(),
        union_of::<Format>(),
        union_of::<crate::core::jwt::TokenKind>(),
        union_of::<crate::core::jwt::ClockSource>(),
        union_of::<Jitter>(),
        union_of::<LargeHint>(),
        union_of::<Reason>(),
        union_of::<BreakerState>(),
        union_of::<LogoutReason>(),
        union_of::<LockMode>(),
        union_of::<HintSource>(),
        union_of::<Phase>(),
    ]
}

/// A union of object shapes told apart by their `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tagged {
    /// The TypeScript type name.
    pub ts_name: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The member shapes' names.
    pub members: &'static [&'static str],
}

/// Every tagged union that crosses the boundary, in the order they are written.
pub fn tagged() -> Vec<Tagged> {
    vec![Tagged {
        ts_name: "RefreshEffect",
        doc: "One effect of the token manager's state machine, for the adapter to execute.",
        members: crate::core::refresh::EFFECT_SHAPES,
    }]
}

/// Every object shape that crosses the boundary, in the order they are written.
pub fn shapes() -> Vec<Shape> {
    let mut shapes = vec![crate::core::classify::model::CLASSIFICATION];
    shapes.extend_from_slice(crate::core::jwt::SHAPES);
    shapes.extend(crate::core::retry::args::SHAPES);
    shapes.extend(crate::core::refresh::shapes());
    shapes
}

/// Compares a shape with the serde output of a value of its Rust type.
///
/// `keys` are the property names of the serialised value (for example the keys of
/// `serde_json::to_value(&sample)`); optional fields may be missing. Returns a description
/// of the first difference, or `None` when they agree.
pub fn shape_mismatch(shape: &Shape, keys: &[&str]) -> Option<String> {
    for key in keys {
        if !shape.fields.iter().any(|f| f.name == *key) {
            return Some(format!(
                "{}: `{key}` is serialised but not in the shape",
                shape.ts_name
            ));
        }
    }
    for field in shape.fields.iter().filter(|f| !f.optional) {
        if !keys.contains(&field.name) {
            return Some(format!(
                "{}: `{}` is in the shape but not serialised",
                shape.ts_name, field.name
            ));
        }
    }
    None
}

/// The TypeScript source of `pkg-template/src/generated.ts`.
pub fn generated_ts() -> String {
    let mut out = String::from(
        "// Generated from src/core/schema.rs by `cargo test` (test generated_ts_is_current).\n\
         // Do not edit: change the Rust definitions and run `UPDATE_TS=1 cargo test generated_ts`.\n",
    );
    for union in unions() {
        let literals: Vec<String> = union.names.iter().map(|n| format!("{n:?}")).collect();
        out.push_str(&format!(
            "\n/** {} */\nexport type {} =\n  | {};\n",
            union.doc.trim(),
            union.ts_name,
            literals.join("\n  | ")
        ));
    }
    for layout in layouts() {
        let slots: Vec<String> = (layout.slots.iter().enumerate())
            .map(|(i, name)| format!("{name}: {i}"))
            .collect();
        out.push_str(&format!(
            "\n/** {} */\nexport const {} = {{ {} }} as const;\n",
            layout.doc.trim(),
            layout.ts_name,
            slots.join(", ")
        ));
    }
    for shape in shapes() {
        out.push_str(&format!(
            "\n/** {} */\nexport interface {} {{\n",
            shape.doc.trim(),
            shape.ts_name
        ));
        for field in shape.fields {
            let mark = if field.optional { "?" } else { "" };
            out.push_str(&format!(
                "  /** {} */\n  {}{mark}: {};\n",
                field.doc.trim(),
                field.name,
                field.ts_type
            ));
        }
        out.push_str("}\n");
    }
    for t in tagged() {
        out.push_str(&format!(
            "\n/** {} */\nexport type {} =\n  | {};\n",
            t.doc.trim(),
            t.ts_name,
            t.members.join("\n  | ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ts_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/src/generated.ts");
        let want = generated_ts();
        if std::env::var_os("UPDATE_TS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            have, want,
            "pkg-template/src/generated.ts is stale: run UPDATE_TS=1 cargo test generated_ts"
        );
    }

    #[test]
    fn union_names_are_serde_names() {
        use crate::core::classify::Category;
        for c in Category::ALL {
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::json!(c.as_str())
            );
        }
    }

    fn keys_of(value: &serde_json::Value) -> Vec<&str> {
        value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    fn shape(name: &str) -> Shape {
        shapes()
            .into_iter()
            .find(|s| s.ts_name == name)
            .unwrap_or_else(|| panic!("no shape {name}"))
    }

    #[test]
    fn refresh_effect_shapes_match_serde() {
        use crate::core::refresh::{EFFECT_SHAPES, sample_outputs};
        let samples = sample_outputs();
        assert_eq!(samples.len(), EFFECT_SHAPES.len());
        for out in samples {
            let value = serde_json::to_value(&out).unwrap();
            let sh = shape(out.shape_name());
            assert_eq!(shape_mismatch(&sh, &keys_of(&value)), None);
            let tag = sh.fields.iter().find(|f| f.name == "type").unwrap();
            assert_eq!(tag.ts_type, format!("{}", value["type"]));
            assert!(EFFECT_SHAPES.contains(&out.shape_name()));
        }
    }

    #[test]
    fn refresh_stats_shape_matches_serde() {
        use crate::core::refresh::{Stats, TabStats};
        let value =
            serde_json::to_value(TabStats::new(Stats::default(), 1, 0, false, true)).unwrap();
        assert_eq!(
            shape_mismatch(&shape("RefreshTabStats"), &keys_of(&value)),
            None
        );
    }

    #[test]
    fn refresh_vocabularies_are_serde_names() {
        use crate::core::refresh::{LockMode, LogoutReason};
        for r in LogoutReason::ALL {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.as_str())
            );
        }
        for m in LockMode::ALL {
            assert_eq!(
                serde_json::to_value(m).unwrap(),
                serde_json::json!(m.as_str())
            );
        }
    }

    #[test]
    fn classification_shape_matches_serde() {
        use crate::core::classify::{Category, Classification, ClassifyOptions, ResponseParts};
        let body = br#"{"error":{"code":"validation_error","message":"Bad","details":{"email":["Required."]}}}"#;
        let headers = [("Retry-After", "3"), ("X-Request-Id", "r-1")];
        let c: Classification = crate::core::classify::classify(
            &ResponseParts {
                status: 400,
                headers: crate::core::headers::Headers(&headers),
                body,
                ..ResponseParts::default()
            },
            &ClassifyOptions::default(),
        );
        let v = serde_json::to_value(&c).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            shape_mismatch(&crate::core::classify::model::CLASSIFICATION, &keys),
            None
        );
        assert_eq!(
            v["fieldErrors"],
            serde_json::json!({"email": ["Required."]})
        );
        assert_eq!(v["hintSource"], serde_json::json!("retry-after"));
        assert_eq!(v["status"], serde_json::json!(400));
        let back: Classification = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
        let none = Classification {
            field_errors: None,
            hint_source: None,
            category: Category::Network,
            ..c
        };
        let v = serde_json::to_value(&none).unwrap();
        assert!(v["fieldErrors"].is_null() && v["hintSource"].is_null());
        assert_eq!(serde_json::from_value::<Classification>(v).unwrap(), none);
    }

    #[test]
    fn shape_mismatch_names_the_difference() {
        const SHAPE: Shape = Shape {
            ts_name: "T",
            doc: "d",
            fields: &[
                Field::new("a", "number", "a"),
                Field::optional("b", "string", "b"),
            ],
        };
        assert_eq!(shape_mismatch(&SHAPE, &["a"]), None);
        assert_eq!(shape_mismatch(&SHAPE, &["a", "b"]), None);
        assert_eq!(
            shape_mismatch(&SHAPE, &["b"]),
            Some("T: `a` is in the shape but not serialised".to_string())
        );
        assert_eq!(
            shape_mismatch(&SHAPE, &["a", "c"]),
            Some("T: `c` is serialised but not in the shape".to_string())
        );
    }
}
