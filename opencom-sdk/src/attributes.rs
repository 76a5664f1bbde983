//! Typed values for custom attributes and event properties, validated on the client exactly as
//! the server's validators would, so bad input fails before any network call.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use crate::error::Error;

/// A value of a custom attribute or event property.
///
/// Build one with `From`: strings, numbers, booleans, `Option` (None is `Null`), vectors and maps.
///
/// ```
/// use opencom_sdk::{AttributeValue, Attributes};
/// let mut attributes = Attributes::new();
/// attributes.insert("plan".into(), "pro".into());
/// attributes.insert("seats".into(), 5.into());
/// attributes.insert("beta".into(), true.into());
/// attributes.insert("tags".into(), vec!["a", "b"].into());
/// assert_eq!(attributes["seats"], AttributeValue::Number(5.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A finite number (Convex float64).
    Number(f64),
    /// A string.
    String(String),
    /// An array (of primitives only, for both attributes and event properties).
    List(Vec<AttributeValue>),
    /// A nested object (custom attributes only, at most two levels below the top).
    Map(BTreeMap<String, AttributeValue>),
}

/// Custom attributes of a visitor: key → value.
pub type Attributes = BTreeMap<String, AttributeValue>;

macro_rules! number_from {
    ($($t:ty),*) => {$(
        impl From<$t> for AttributeValue {
            fn from(n: $t) -> Self {
                AttributeValue::Number(n as f64)
            }
        }
    )*};
}
number_from!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, usize, isize);

impl From<bool> for AttributeValue {
    fn from(b: bool) -> Self {
        AttributeValue::Bool(b)
    }
}

impl From<&str> for AttributeValue {
    fn from(s: &str) -> Self {
        AttributeValue::String(s.to_owned())
    }
}

impl From<String> for AttributeValue {
    fn from(s: String) -> Self {
        AttributeValue::String(s)
    }
}

impl<T: Into<AttributeValue>> From<Option<T>> for AttributeValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(AttributeValue::Null, Into::into)
    }
}

impl<T: Into<AttributeValue>> From<Vec<T>> for AttributeValue {
    fn from(v: Vec<T>) -> Self {
        AttributeValue::List(v.into_iter().map(Into::into).collect())
    }
}

impl From<BTreeMap<String, AttributeValue>> for AttributeValue {
    fn from(m: BTreeMap<String, AttributeValue>) -> Self {
        AttributeValue::Map(m)
    }
}

impl AttributeValue {
    fn is_primitive(&self) -> bool {
        !matches!(self, AttributeValue::List(_) | AttributeValue::Map(_))
    }

    /// The JSON form sent on the wire.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            AttributeValue::Null => Value::Null,
            AttributeValue::Bool(b) => Value::Bool(*b),
            AttributeValue::Number(n) => Number::from_f64(*n).map_or(Value::Null, Value::Number),
            AttributeValue::String(s) => Value::String(s.clone()),
            AttributeValue::List(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            AttributeValue::Map(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }

    /// Reads a JSON value back (server documents). Non-finite numbers cannot occur in JSON.
    ///
    /// ```
    /// use opencom_sdk::AttributeValue;
    /// let value = AttributeValue::from_json(&serde_json::json!({"plan": "pro", "seats": 5}));
    /// assert!(matches!(value, AttributeValue::Map(_)));
    /// ```
    pub fn from_json(value: &Value) -> Self {
        match value {
            Value::Null => AttributeValue::Null,
            Value::Bool(b) => AttributeValue::Bool(*b),
            Value::Number(n) => AttributeValue::Number(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => AttributeValue::String(s.clone()),
            Value::Array(items) => {
                AttributeValue::List(items.iter().map(Self::from_json).collect())
            }
            Value::Object(map) => AttributeValue::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// Convex field-name rules for record keys: non-empty, at most 1024 printable ASCII characters,
/// not starting with `$` or `_`.
pub(crate) fn check_key(path: &str, key: &str) -> Result<(), Error> {
    let reason = if key.is_empty() {
        Some("keys must not be empty")
    } else if key.len() > 1024 {
        Some("keys must be at most 1024 characters")
    } else if key.starts_with('$') || key.starts_with('_') {
        Some("keys must not start with `$` or `_`")
    } else if !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Some("keys must be printable ASCII")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::invalid(join(path, key), reason)),
        None => Ok(()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn check_primitive(path: &str, value: &AttributeValue) -> Result<(), Error> {
    match value {
        AttributeValue::Number(n) if !n.is_finite() => {
            Err(Error::invalid(path, "numbers must be finite"))
        }
        v if v.is_primitive() => Ok(()),
        AttributeValue::List(_) => Err(Error::invalid(path, "arrays are not allowed here")),
        _ => Err(Error::invalid(path, "objects are not allowed here")),
    }
}

fn check_primitive_list(path: &str, items: &[AttributeValue]) -> Result<(), Error> {
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        if !item.is_primitive() {
            return Err(Error::invalid(
                item_path,
                "arrays may only contain primitives",
            ));
        }
        check_primitive(&item_path, item)?;
    }
    Ok(())
}

/// Validates `customAttributes` as the server's `customAttributesValidator`:
/// `record<string, V1>`, `V1 = primitive | primitive[] | record<string, V2>`,
/// `V2 = primitive | primitive[] | record<string, primitive>`.
pub(crate) fn validate_custom_attributes(attributes: &Attributes) -> Result<(), Error> {
    fn level(path: &str, value: &AttributeValue, maps_allowed: u8) -> Result<(), Error> {
        match value {
            AttributeValue::List(items) => check_primitive_list(path, items),
            AttributeValue::Map(map) if maps_allowed > 0 => {
                for (key, inner) in map {
                    check_key(path, key)?;
                    level(&join(path, key), inner, maps_allowed - 1)?;
                }
                Ok(())
            }
            AttributeValue::Map(_) => Err(Error::invalid(
                path,
                "custom attributes nest at most two objects deep",
            )),
            primitive => check_primitive(path, primitive),
        }
    }
    for (key, value) in attributes {
        check_key("customAttributes", key)?;
        level(key, value, 2)?;
    }
    Ok(())
}

/// Validates event `properties`: `record<string, string | number | boolean | null |
/// array<string | number>>`.
pub(crate) fn validate_event_properties(properties: &Attributes) -> Result<(), Error> {
    for (key, value) in properties {
        check_key("properties", key)?;
        match value {
            AttributeValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    let ok = match item {
                        AttributeValue::String(_) => true,
                        AttributeValue::Number(n) => n.is_finite(),
                        _ => false,
                    };
                    if !ok {
                        return Err(Error::invalid(
                            format!("{key}[{i}]"),
                            "event property arrays may only contain strings and finite numbers",
                        ));
                    }
                }
            }
            AttributeValue::Map(_) => {
                return Err(Error::invalid(
                    key.as_str(),
                    "event properties cannot be objects",
                ))
            }
            primitive => check_primitive(key, primitive)?,
        }
    }
    Ok(())
}

pub(crate) fn to_json_object(attributes: &Attributes) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, AttributeValue)>) -> AttributeValue {
        AttributeValue::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn field_of(result: Result<(), Error>) -> String {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn accepts_everything_the_server_accepts() {
        let mut attrs = Attributes::new();
        attrs.insert("plan".into(), "pro".into());
        attrs.insert("seats".into(), 5.into());
        attrs.insert("nothing".into(), AttributeValue::Null);
        attrs.insert(
            "tags".into(),
            vec![AttributeValue::from("a"), 1.into(), true.into()].into(),
        );
        attrs.insert(
            "location".into(),
            map(vec![
                ("city", "Paris".into()),
                ("geo", map(vec![("lat", 48.8.into()), ("lng", 2.3.into())])),
                ("codes", vec![1, 2].into()),
            ]),
        );
        assert_eq!(validate_custom_attributes(&attrs), Ok(()));
    }

    #[test]
    fn rejects_deep_nesting_and_objects_in_arrays() {
        let mut attrs = Attributes::new();
        attrs.insert(
            "a".into(),
            map(vec![("b", map(vec![("c", map(vec![("d", 1.into())]))]))]),
        );
        assert_eq!(field_of(validate_custom_attributes(&attrs)), "a.b.c");

        let mut attrs = Attributes::new();
        attrs.insert(
            "list".into(),
            AttributeValue::List(vec![map(vec![("x", 1.into())])]),
        );
        assert_eq!(field_of(validate_custom_attributes(&attrs)), "list[0]");
    }

    #[test]
    fn rejects_bad_keys_and_numbers() {
        for key in ["", "$plan", "_id", "naïve"] {
            let mut attrs = Attributes::new();
            attrs.insert(key.into(), 1.into());
            let field = field_of(validate_custom_attributes(&attrs));
            assert_eq!(field, format!("customAttributes.{key}"));
        }
        let mut attrs = Attributes::new();
        attrs.insert("n".into(), f64::NAN.into());
        assert_eq!(field_of(validate_custom_attributes(&attrs)), "n");
        let mut nested = Attributes::new();
        nested.insert("m".into(), map(vec![("$bad", 1.into())]));
        assert_eq!(field_of(validate_custom_attributes(&nested)), "m.$bad");
    }

    #[test]
    fn event_properties_are_stricter() {
        let mut props = Attributes::new();
        props.insert("amount".into(), 9.99.into());
        props.insert("ok".into(), true.into());
        props.insert(
            "skus".into(),
            vec![AttributeValue::from("a"), 2.into()].into(),
        );
        props.insert("none".into(), AttributeValue::Null);
        assert_eq!(validate_event_properties(&props), Ok(()));

        let mut bools = Attributes::new();
        bools.insert("flags".into(), vec![true].into());
        assert_eq!(field_of(validate_event_properties(&bools)), "flags[0]");

        let mut nested = Attributes::new();
        nested.insert("obj".into(), map(vec![("a", 1.into())]));
        assert_eq!(field_of(validate_event_properties(&nested)), "obj");
    }

    #[test]
    fn json_round_trip() {
        let value = map(vec![("a", vec![1, 2].into()), ("b", AttributeValue::Null)]);
        assert_eq!(AttributeValue::from_json(&value.to_json()), value);
    }
}
