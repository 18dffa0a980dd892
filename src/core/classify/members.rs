//! A JSON object read and written as its members in order, `Vec<(String, V)>`: field errors
//! keep the server's document order, and user messages are searched in the order written.
//! A list of pairs is all these few entries need; a map type would bring its own machinery
//! into the module. `null` (or no value) is `None`.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::marker::PhantomData;

/// The members of an object, in order.
pub type Members<V> = Option<Vec<(String, V)>>;

pub fn serialize<S: Serializer, V: Serialize>(
    members: &Members<V>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let Some(members) = members else {
        return s.serialize_none();
    };
    let mut map = s.serialize_map(Some(members.len()))?;
    for (name, value) in members {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

pub fn deserialize<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
    d: D,
) -> Result<Members<V>, D::Error> {
    struct Entries<V>(PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
        type Value = Members<V>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("null or an object")
        }
        fn visit_unit<E>(self) -> Result<Members<V>, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Members<V>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Members<V>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Members<V>, M::Error> {
            let mut out = Vec::new();
            while let Some(entry) = m.next_entry()? {
                out.push(entry);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_option(Entries(PhantomData))
}

#[cfg(test)]
mod tests {
    use crate::core::classify::args::ClassifierSpec;
    use crate::core::json::Limits;
    use crate::core::json::de::from_str;

    fn messages(text: &str) -> Result<Option<Vec<(String, String)>>, String> {
        from_str::<ClassifierSpec>(text, &Limits::default())
            .map(|spec| spec.user_messages)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn user_messages_keep_the_order_written() {
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            messages(r#"{"userMessages":{"throttled":"b","THROTTLED":"a","server":"c"}}"#),
            Ok(Some(vec![
                pair("throttled", "b"),
                pair("THROTTLED", "a"),
                pair("server", "c")
            ]))
        );
        assert_eq!(messages(r#"{"userMessages":null}"#), Ok(None));
        assert_eq!(messages("{}"), Ok(None));
        assert_eq!(messages(r#"{"userMessages":{}}"#), Ok(Some(vec![])));
    }

    #[test]
    fn user_messages_refuse_what_is_not_an_object_of_strings() {
        for text in [
            r#"{"userMessages":["a"]}"#,
            r#"{"userMessages":{"throttled":3}}"#,
            r#"{"userMessages":"a"}"#,
        ] {
            let e = messages(text).unwrap_err();
            assert!(e.contains("userMessages"), "{text}: {e}");
        }
    }
}
