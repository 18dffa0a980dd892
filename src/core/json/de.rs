//! Reading the crate's serde types straight from JSON text, by the bounded reader's rules.
//!
//! Why: values cross from JavaScript as JSON text (one string per call), and decoding that
//! text into the target type directly costs one pass and no intermediate tree. The grammar,
//! the depth limit, the string rules (a lone surrogate is U+FFFD) and the number rules (out
//! of `f64` range is an infinity) are the reader's own ([`super::Parser`]), so a document
//! reads the same here as through [`super::parse_with`].
//!
//! Numbers: one written as a whole number (no fraction, no exponent) that fits in `u64`
//! (`i64` when negative) is handed to serde as an integer, anything else as an `f64`, as
//! `serde_json` does: `1.0` and `1e3` are not integers, `-0` is the float −0.
//! A struct is read from an object only, and an enum from its name as a string only (the
//! crate's enums that cross are unit enums); `serde_json` also reads a struct from an array
//! of its fields in order, and a unit variant from `{"name": null}`.
//!
//! Each `deserialize_*` takes only the tokens its kind can be written as, and the token is
//! read by code shared by all of them ([`Deserializer::token`]): a type then adds only its
//! own dispatch to the module, not a copy of the grammar.
//!
//! A [`DecodeError`] names the path of the bad member (`budget.capacity: expected a number,
//! got a string`) and describes a wrong value by its kind only: serde's default messages
//! print the value, which would link float formatting into the module for a message.

use std::borrow::Cow;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess, Unexpected, VariantAccess,
    Visitor,
};
use serde::forward_to_deserialize_any;

use super::{JsonError, JsonErrorKind, Limits, Parser};

/// Reads `text` as one `T`: the whole text must be one JSON document within `limits`.
pub fn from_str<'de, T: de::Deserialize<'de>>(
    text: &'de str,
    limits: &Limits,
) -> Result<T, DecodeError> {
    let mut de = Deserializer {
        p: Parser::new(text, *limits),
        depth: 0,
    };
    let value = T::deserialize(&mut de)?;
    de.p.finish()?;
    Ok(value)
}

/// Why a document did not fit the type: where (a path such as `rules[0].category`, empty
/// for the whole document) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
}

impl DecodeError {
    /// The path of the member that did not fit (`""`: the document itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error, one level further out: inside member `key`.
    fn in_member(mut self, key: &str) -> DecodeError {
        let key: String = key.chars().take(MAX_KEY_CHARS).collect();
        self.path = match self.path.chars().next() {
            None => key,
            Some('[') => key + &self.path,
            Some(_) => key + "." + &self.path,
        };
        self
    }

    /// The same error, one level further out: inside item `index`.
    fn in_item(mut self, index: usize) -> DecodeError {
        let sep = if self.path.is_empty() || self.path.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = format!("[{index}]{sep}{}", self.path);
        self
    }
}

/// The longest member name quoted in a path.
const MAX_KEY_CHARS: usize = 64;

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError {
            path: String::new(),
            message: msg.to_string(),
        }
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "expected {}, got {}",
            plain_expected(exp),
            kind(&unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "expected {}, got {} out of range",
            plain_expected(exp),
            kind(&unexp)
        ))
    }
}

impl From<JsonError> for DecodeError {
    fn from(e: JsonError) -> Self {
        let what = match e.kind {
            JsonErrorKind::UnexpectedEnd => "the text ends inside a value",
            JsonErrorKind::UnexpectedByte => "unexpected character",
            JsonErrorKind::BadNumber => "malformed number",
            JsonErrorKind::BadString => "malformed string",
            JsonErrorKind::TooDeep => "nested too deep",
            JsonErrorKind::TrailingData => "unexpected text after the value",
        };
        de::Error::custom(format_args!("not valid JSON: {what} at byte {}", e.offset))
    }
}

/// What a serde visitor expects, in the words of a JSON document.
fn plain_expected(exp: &dyn Expected) -> String {
    let rust = exp.to_string();
    match rust.as_str() {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            "a whole number".to_string()
        }
        "f32" | "f64" => "a number".to_string(),
        "a sequence" => "a list".to_string(),
        "a map" => "an object".to_string(),
        s if s.starts_with("struct ") => "an object".to_string(),
        s if s.starts_with("enum ") => "a name (a string)".to_string(),
        _ => rust,
    }
}

/// The kind of an unexpected value, never the value itself.
fn kind(unexp: &Unexpected<'_>) -> &'static str {
    match unexp {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) => "a whole number",
        Unexpected::Signed(_) => "a negative whole number",
        Unexpected::Float(_) => "a number with a fraction or an exponent",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "a list",
        Unexpected::Map => "an object",
        Unexpected::Enum
        | Unexpected::UnitVariant
        | Unexpected::NewtypeVariant
        | Unexpected::TupleVariant
        | Unexpected::StructVariant => "an enum variant",
        Unexpected::NewtypeStruct => "a value",
        Unexpected::Other(_) => "another kind of value",
    }
}

/// The serde side of the reader: positioned at a value, at `depth` containers deep.
struct Deserializer<'de> {
    p: Parser<'de>,
    depth: usize,
}

/// The first token of a value. Reading it is the same for every target type, so it is
/// done once ([`Deserializer::token`]); each `deserialize_*` only hands it to its visitor.
enum Token<'de> {
    Null,
    Bool(bool),
    Str(Cow<'de, str>),
    /// A number written as a whole number that fits `u64`.
    Unsigned(u64),
    /// A negative whole number that fits `i64`.
    Signed(i64),
    /// Any other number.
    Float(f64),
    /// An opening bracket, consumed: true when an item follows.
    Array(bool),
    /// An opening brace, consumed: true when a member follows.
    Object(bool),
}

impl Token<'_> {
    /// The error for a value of this kind where `exp` was expected.
    fn refused(&self, exp: &dyn Expected) -> DecodeError {
        let unexp = match self {
            Token::Null => Unexpected::Unit,
            Token::Bool(b) => Unexpected::Bool(*b),
            Token::Str(s) => Unexpected::Str(s),
            Token::Unsigned(u) => Unexpected::Unsigned(*u),
            Token::Signed(i) => Unexpected::Signed(*i),
            Token::Float(f) => Unexpected::Float(*f),
            Token::Array(_) => Unexpected::Seq,
            Token::Object(_) => Unexpected::Map,
        };
        de::Error::invalid_type(unexp, exp)
    }
}

impl<'de> Deserializer<'de> {
    fn token(&mut self) -> Result<Token<'de>, DecodeError> {
        Ok(match self.p.peek() {
            Some(b'n') => {
                self.p.literal(b"null")?;
                Token::Null
            }
            Some(b't') => {
                self.p.literal(b"true")?;
                Token::Bool(true)
            }
            Some(b'f') => {
                self.p.literal(b"false")?;
                Token::Bool(false)
            }
            Some(b'"') => Token::Str(self.p.string()?),
            Some(b'[') => Token::Array(self.open(b']')?),
            Some(b'{') => Token::Object(self.open(b'}')?),
            Some(b'-' | b'0'..=b'9') => {
                let n = self.p.number()?;
                match n.whole.and_then(whole_u64) {
                    Some(u) if !n.negative => Token::Unsigned(u),
                    Some(u) if u != 0 => match 0i64.checked_sub_unsigned(u) {
                        Some(i) => Token::Signed(i),
                        None => Token::Float(n.value),
                    },
                    _ => Token::Float(n.value),
                }
            }
            _ => return Err(self.p.err_or_end(JsonErrorKind::UnexpectedByte).into()),
        })
    }

    /// Enters an array or object (its opening bracket is next): false when it is empty.
    fn open(&mut self, close: u8) -> Result<bool, DecodeError> {
        self.depth += 1;
        Ok(self.p.open(self.depth, close)?)
    }

    /// Leaves the array or object just read; `unread`: the visitor stopped before its end.
    fn close(&mut self, unread: bool) -> Result<(), DecodeError> {
        self.depth -= 1;
        if unread {
            return Err(de::Error::custom(
                "a list or object holds more than expected",
            ));
        }
        Ok(())
    }

    fn seq<V: Visitor<'de>>(&mut self, more: bool, visitor: V) -> Result<V::Value, DecodeError> {
        let mut items = Items {
            de: &mut *self,
            more,
            index: 0,
        };
        let value = visitor.visit_seq(&mut items)?;
        let unread = items.more;
        self.close(unread)?;
        Ok(value)
    }

    fn map<V: Visitor<'de>>(&mut self, more: bool, visitor: V) -> Result<V::Value, DecodeError> {
        let mut members = Members {
            de: &mut *self,
            more,
            key: Cow::Borrowed(""),
        };
        let value = visitor.visit_map(&mut members)?;
        let unread = members.more;
        self.close(unread)?;
        Ok(value)
    }

    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Unsigned(u) => visitor.visit_u64(u),
            Token::Signed(i) => visitor.visit_i64(i),
            Token::Float(f) => visitor.visit_f64(f),
            other => Err(other.refused(&visitor)),
        }
    }

    fn text<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Token::Str(Cow::Owned(s)) => visitor.visit_string(s),
            other => Err(other.refused(&visitor)),
        }
    }
}

/// The value of whole-number digits, when it fits in `u64`.
fn whole_u64(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)?
            .checked_add(u64::from(d.wrapping_sub(b'0')))
    })
}

/// Each target kind reads only the tokens it can take, so a type adds its own dispatch and
/// not the whole grammar: a struct or map is read from an object only, a list from an array.
impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Null => visitor.visit_unit(),
            Token::Bool(b) => visitor.visit_bool(b),
            Token::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Token::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Token::Unsigned(u) => visitor.visit_u64(u),
            Token::Signed(i) => visitor.visit_i64(i),
            Token::Float(f) => visitor.visit_f64(f),
            Token::Array(more) => self.seq(more, visitor),
            Token::Object(more) => self.map(more, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Bool(b) => visitor.visit_bool(b),
            other => Err(other.refused(&visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.p.peek() == Some(b'n') {
            self.p.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Null => visitor.visit_unit(),
            other => Err(other.refused(&visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Array(more) => self.seq(more, visitor),
            other => Err(other.refused(&visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Object(more) => self.map(more, visitor),
            other => Err(other.refused(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.token()? {
            Token::Str(name) => visitor.visit_enum(Name(name)),
            other => Err(other.refused(&visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.number(visitor)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.text(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.text(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.text(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.text(visitor)
    }

    forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit_struct tuple tuple_struct
    }
}

/// The items of an array, each read where it stands.
struct Items<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    more: bool,
    index: usize,
}

impl<'de> SeqAccess<'de> for &mut Items<'_, 'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if !self.more {
            return Ok(None);
        }
        let index = self.index;
        let value = seed
            .deserialize(&mut *self.de)
            .map_err(|e| e.in_item(index))?;
        self.more = self.de.p.next_or_close(b']')?;
        self.index += 1;
        Ok(Some(value))
    }
}

/// The members of an object, each read where it stands; `key` is the member being read.
struct Members<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    more: bool,
    key: Cow<'de, str>,
}

impl<'de> MapAccess<'de> for &mut Members<'_, 'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if !self.more {
            return Ok(None);
        }
        // An unknown or repeated name is an error of the object, not of the member.
        self.key = self.de.p.member_key()?;
        seed.deserialize(Name(self.key.clone())).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        let value = seed
            .deserialize(&mut *self.de)
            .map_err(|e| e.in_member(&self.key))?;
        self.more = self.de.p.next_or_close(b'}')?;
        Ok(value)
    }
}

/// A string read as a name: a member name, or the name of an enum variant.
struct Name<'de>(Cow<'de, str>);

impl<'de> de::Deserializer<'de> for Name<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0 {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> EnumAccess<'de> for Name<'de> {
    type Error = DecodeError;
    type Variant = UnitOnly;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, UnitOnly), DecodeError> {
        Ok((seed.deserialize(self)?, UnitOnly))
    }
}

/// A variant named by a string carries no data.
struct UnitOnly;

fn no_data<T>() -> Result<T, DecodeError> {
    Err(de::Error::invalid_type(
        Unexpected::UnitVariant,
        &"a variant with data",
    ))
}

impl<'de> VariantAccess<'de> for UnitOnly {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, DecodeError> {
        no_data()
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, DecodeError> {
        no_data()
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, DecodeError> {
        no_data()
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    use crate::core::classify::Phase;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Budget {
        capacity: f64,
        #[serde(default)]
        retry_cost: Option<u32>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Doc<'a> {
        #[serde(borrow)]
        name: Cow<'a, str>,
        #[serde(default)]
        budget: Option<Budget>,
        #[serde(default)]
        phases: Vec<Phase>,
        #[serde(default)]
        labels: BTreeMap<String, String>,
    }

    fn read<'a, T: de::Deserialize<'a>>(text: &'a str) -> Result<T, String> {
        from_str(text, &Limits::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_structs_options_enums_lists_and_maps() {
        let d: Doc<'_> = read(
            r#" {"name":"a","budget":{"capacity":5,"retryCost":2},"phases":["login","request"],
                "labels":{"x":"y"}} "#,
        )
        .unwrap();
        assert!(
            matches!(d.name, Cow::Borrowed("a")),
            "unescaped text is borrowed"
        );
        assert_eq!(
            d.budget,
            Some(Budget {
                capacity: 5.0,
                retry_cost: Some(2)
            })
        );
        assert_eq!(d.phases, [Phase::Login, Phase::Request]);
        assert_eq!(d.labels.get("x").map(String::as_str), Some("y"));
        let d: Doc<'_> = read(r#"{"name":"a\n","budget":null}"#).unwrap();
        assert_eq!((d.name.as_ref(), d.budget), ("a\n", None));
        assert_eq!(read::<Option<u8>>("null"), Ok(None));
        assert_eq!(read::<f64>("-0").map(f64::is_sign_negative), Ok(true));
        assert_eq!(read::<i64>("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(read::<u64>("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(read::<f64>("1e400"), Ok(f64::INFINITY));
        assert_eq!(read::<String>(r#""\ud800""#).as_deref(), Ok("\u{FFFD}"));
    }

    #[test]
    fn errors_name_the_path_and_the_kind() {
        let cases = [
            (
                r#"{"name":"a","budget":{"capacity":"5"}}"#,
                "budget.capacity: expected a number, got a string",
            ),
            (
                r#"{"name":"a","budget":{"capacity":1,"retryCost":1.5}}"#,
                "budget.retryCost: expected a whole number, got a number with a fraction or an exponent",
            ),
            (
                r#"{"name":"a","budget":{"capacity":1,"retryCost":-1}}"#,
                "budget.retryCost: expected a whole number, got a negative whole number out of range",
            ),
            (
                r#"{"name":"a","budget":{"capacity":1,"retryCost":4294967296}}"#,
                "budget.retryCost: expected a whole number, got a whole number out of range",
            ),
            (
                r#"{"name":"a","budget":{"capacity":1,"cost":1}}"#,
                "budget: unknown field `cost`, expected `capacity` or `retryCost`",
            ),
            (
                r#"{"name":"a","budget":{}}"#,
                "budget: missing field `capacity`",
            ),
            (
                r#"{"name":"a","phases":["login","meh"]}"#,
                "phases[1]: unknown variant `meh`, expected one of `request`, `refresh`, `login`",
            ),
            (
                r#"{"name":"a","phases":["login",3]}"#,
                "phases[1]: expected a name (a string), got a whole number",
            ),
            (
                r#"{"name":"a","phases":{"login":null}}"#,
                "phases: expected a list, got an object",
            ),
            (
                r#"{"name":"a","labels":{"x":true}}"#,
                "labels.x: expected a string, got a boolean",
            ),
            (r#"{"name":null}"#, "name: expected a string, got null"),
            (r#"{"budget":null}"#, "missing field `name`"),
            (r#"[]"#, "expected an object, got a list"),
            ("7", "expected an object, got a whole number"),
            (
                r#"{"name":"a","budget":{"capacity":1}"#,
                "not valid JSON: the text ends inside a value at byte 35",
            ),
            (
                r#"{"name":"a"} x"#,
                "not valid JSON: unexpected text after the value at byte 13",
            ),
            (
                r#"{"name":"a","budget":{"capacity":01}}"#,
                "budget.capacity: not valid JSON: malformed number at byte 35",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(read::<Doc<'_>>(text).unwrap_err(), want, "{text}");
        }
        let e = from_str::<Doc<'_>>(
            r#"{"name":"a","budget":{"capacity":[]}}"#,
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            (e.path(), e.message()),
            ("budget.capacity", "expected a number, got a list")
        );
        assert_eq!(
            read::<Vec<Vec<u8>>>("[[1],[2,\"x\"]]").unwrap_err(),
            "[1][1]: expected a whole number, got a string"
        );
        assert_eq!(
            read::<BTreeMap<String, Vec<bool>>>(r#"{"k":[true,null]}"#).unwrap_err(),
            "k[1]: expected a boolean, got null"
        );
        let long = format!(r#"{{"{}":1}}"#, "k".repeat(100));
        let e = read::<BTreeMap<String, bool>>(&long).unwrap_err();
        assert_eq!(
            e,
            format!("{}: expected a boolean, got a whole number", "k".repeat(64))
        );
    }

    #[test]
    fn borrowed_text_must_be_unescaped() {
        assert_eq!(read::<&str>(r#""plain""#), Ok("plain"));
        assert_eq!(
            read::<&str>(r#""a\"b""#).unwrap_err(),
            "expected a borrowed string, got a string"
        );
    }

    #[test]
    fn depth_is_bounded_by_the_limits() {
        type Deep = Vec<serde::de::IgnoredAny>;
        let ok = format!("[{}{}]", "[".repeat(62), "]".repeat(62));
        assert!(read::<Deep>(&ok).is_ok());
        let deep = format!("[{}{}]", "[".repeat(64), "]".repeat(64));
        let e = from_str::<Deep>(&deep, &Limits::default()).unwrap_err();
        assert_eq!(e.path(), "[0]".repeat(64));
        assert_eq!(e.message(), "not valid JSON: nested too deep at byte 64");
        let tight = Limits { max_depth: 2 };
        assert!(from_str::<Vec<Vec<u8>>>("[[1]]", &tight).is_ok());
        assert!(from_str::<Vec<Vec<Vec<u8>>>>("[[[1]]]", &tight).is_err());
        let huge = "[".repeat(100_000);
        assert!(
            from_str::<Deep>(
                &huge,
                &Limits {
                    max_depth: usize::MAX
                }
            )
            .is_err()
        );
    }
}
