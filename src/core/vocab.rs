//! Vocabularies: the closed sets of strings that cross to JavaScript.
//!
//! A category, an action, a jitter kind or a hint source is an enum in Rust and a union of
//! string literals in TypeScript. [`vocabulary!`](crate::vocabulary) defines both from one
//! list: the enum with its serde names, `ALL`, `NAMES`, `as_str` and `parse`. The TypeScript unions are
//! generated from `ALL` by [`crate::core::schema`], so a variant added in Rust that the TS
//! types lack fails `cargo test`.

/// Implemented by every enum defined with [`vocabulary!`](crate::vocabulary).
pub trait Vocabulary: Copy + 'static {
    /// The TypeScript type name, e.g. `"Category"`.
    const TS_NAME: &'static str;
    /// One line of documentation for the TypeScript type.
    const DOC: &'static str;
    /// The stable string forms of every variant, in declaration order.
    fn names() -> Vec<&'static str>;
}

/// Where `name` is in `names` (shared by every vocabulary's `parse`).
pub fn position(names: &[&str], name: &str) -> Option<usize> {
    names.iter().position(|n| *n == name)
}

/// Defines a vocabulary enum from one list of `Variant = "string"` pairs.
///
/// ```
/// faultline::vocabulary! {
///     /// How loud a bell rings.
///     pub enum Loudness as "Loudness" {
///         /// Barely.
///         Soft = "soft",
///         /// Very.
///         Loud = "loud",
///     }
/// }
/// assert_eq!(Loudness::Loud.as_str(), "loud");
/// assert_eq!(Loudness::parse("soft"), Some(Loudness::Soft));
/// assert_eq!(Loudness::ALL.len(), 2);
/// ```
#[macro_export]
macro_rules! vocabulary {
    (
        #[doc = $doc:literal]
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $ts:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        #[doc = $doc]
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; { [$($text),+].len() }] = [$($name::$variant),+];

            /// The string forms of [`ALL`](Self::ALL), in the same order.
            pub const NAMES: [&'static str; { [$($text),+].len() }] = [$($text),+];

            /// The stable string form, as it appears in JavaScript.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the stable string form.
            pub fn parse(s: &str) -> Option<$name> {
                let i = $crate::core::vocab::position(&$name::NAMES, s)?;
                $name::ALL.get(i).copied()
            }
        }

        impl $crate::core::vocab::Vocabulary for $name {
            const TS_NAME: &'static str = $ts;
            const DOC: &'static str = $doc;
            fn names() -> Vec<&'static str> {
                $name::NAMES.to_vec()
            }
        }

        // Written by hand rather than derived: one string each way, read through `parse`,
        // so every vocabulary shares the string code instead of carrying its own visitor.
        // Written as a unit variant (a string in JSON and in JS), which lets
        // serde-wasm-bindgen hand out the JS string it made for that `&'static str` before
        // instead of decoding the UTF-8 again.
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_unit_variant($ts, *self as u32, self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<$name, D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                $name::parse(&text)
                    .ok_or_else(|| ::serde::de::Error::unknown_variant(&text, &$name::NAMES))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::core::classify::{Action, Category};

    #[test]
    fn a_variant_crosses_as_its_string_both_ways() {
        let text = serde_json::to_string(&[Category::RateLimited, Category::Unknown]);
        assert_eq!(text.ok().as_deref(), Some(r#"["rate_limited","unknown"]"#));
        let back: Result<Vec<Action>, _> = serde_json::from_str(r#"["wait_and_retry"]"#);
        assert_eq!(back.ok(), Some(vec![Action::WaitAndRetry]));
        assert!(serde_json::from_str::<Action>(r#""WAIT_AND_RETRY""#).is_err());
    }
}
