//! Convex argument validators (`v.string()`, `v.object({...})`, …) and their error texts.
//!
//! Validation is strict and recursive, as in Convex: unknown fields are rejected, required fields
//! must be present, `null` does not satisfy `v.optional(...)`, and `v.id("table")` only accepts
//! an id this mock issued for that table.

use std::fmt;

use serde_json::Value;

/// A Convex validator.
#[derive(Clone, Debug)]
pub(crate) enum Validator {
    String,
    Number,
    Boolean,
    Null,
    Any,
    Id(&'static str),
    Literal(&'static str),
    Array(Box<Validator>),
    /// `v.record(v.string(), value)`.
    Record(Box<Validator>),
    Object(Vec<Field>),
    Union(Vec<Validator>),
}

/// A field of a `v.object({...})` validator.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    name: &'static str,
    validator: Validator,
    optional: bool,
}

/// Constructors mirroring Convex's `v` builder.
pub(crate) mod v {
    use super::{Field, Validator};

    pub(crate) fn string() -> Validator {
        Validator::String
    }
    pub(crate) fn number() -> Validator {
        Validator::Number
    }
    pub(crate) fn boolean() -> Validator {
        Validator::Boolean
    }
    pub(crate) fn null() -> Validator {
        Validator::Null
    }
    pub(crate) fn any() -> Validator {
        Validator::Any
    }
    pub(crate) fn id(table: &'static str) -> Validator {
        Validator::Id(table)
    }
    pub(crate) fn literal(value: &'static str) -> Validator {
        Validator::Literal(value)
    }
    pub(crate) fn array(item: Validator) -> Validator {
        Validator::Array(Box::new(item))
    }
    pub(crate) fn record(value: Validator) -> Validator {
        Validator::Record(Box::new(value))
    }
    pub(crate) fn union(members: Vec<Validator>) -> Validator {
        Validator::Union(members)
    }
    /// A union of string literals.
    pub(crate) fn literals(values: &[&'static str]) -> Validator {
        Validator::Union(values.iter().map(|s| literal(s)).collect())
    }
    pub(crate) fn object(fields: Vec<Field>) -> Validator {
        Validator::Object(fields)
    }
    /// A required field.
    pub(crate) fn req(name: &'static str, validator: Validator) -> Field {
        Field {
            name,
            validator,
            optional: false,
        }
    }
    /// A `v.optional(...)` field.
    pub(crate) fn opt(name: &'static str, validator: Validator) -> Field {
        Field {
            name,
            validator,
            optional: true,
        }
    }
}

/// Shared validators from Opencom's `validators.ts`.
pub(crate) mod shared {
    use super::v::*;
    use super::Validator;

    /// `string | number | boolean | null`.
    pub(crate) fn json_primitive() -> Validator {
        union(vec![string(), number(), boolean(), null()])
    }

    /// `customAttributesValidator`: record<string, primitive | primitive[] |
    /// record<string, primitive | primitive[] | record<string, primitive>>>.
    pub(crate) fn custom_attributes() -> Validator {
        let json_object = record(union(vec![
            json_primitive(),
            array(json_primitive()),
            record(json_primitive()),
        ]));
        record(union(vec![
            json_primitive(),
            array(json_primitive()),
            json_object,
        ]))
    }

    /// `eventPropertiesValidator`: record<string, string | number | boolean | null |
    /// (string | number)[]>.
    pub(crate) fn event_properties() -> Validator {
        record(union(vec![
            string(),
            number(),
            boolean(),
            null(),
            array(union(vec![string(), number()])),
        ]))
    }

    /// The visitor `location` object.
    pub(crate) fn location() -> Validator {
        object(vec![
            opt("city", string()),
            opt("region", string()),
            opt("country", string()),
            opt("countryCode", string()),
        ])
    }

    /// The visitor `device` object (exactly these four fields; no `appVersion`).
    pub(crate) fn device() -> Validator {
        object(vec![
            opt("browser", string()),
            opt("os", string()),
            opt("deviceType", string()),
            opt("platform", string()),
        ])
    }
}

/// Why a value does not satisfy a validator. `Display` gives Convex's texts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValidationError {
    NoMatch {
        path: String,
        value: Box<Value>,
        validator: String,
    },
    ExtraField {
        path: String,
        field: String,
        object: Box<Value>,
        validator: String,
    },
    MissingField {
        path: String,
        field: String,
    },
    IdTableMismatch {
        path: String,
        id: String,
        found: String,
        expected: String,
    },
}

fn path_line(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("\nPath: {path}")
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoMatch {
                path,
                value,
                validator,
            } => write!(
                f,
                "Value does not match validator.{}\nValue: {}\nValidator: {validator}",
                path_line(path),
                JsPrint(value)
            ),
            Self::ExtraField {
                path,
                field,
                object,
                validator,
            } => {
                // Convex leaves a blank line before `Object:` when there is no path.
                let path = if path.is_empty() {
                    "\n".to_owned()
                } else {
                    path_line(path)
                };
                write!(
                    f,
                    "Object contains extra field `{field}` that is not in the validator.{path}\n\
                     Object: {}\nValidator: {validator}",
                    JsPrint(object)
                )
            }
            Self::MissingField { path, field } => write!(
                f,
                "Validator error: Missing required field `{field}` in object{}",
                path_line(path)
            ),
            Self::IdTableMismatch {
                path,
                id,
                found,
                expected,
            } => write!(
                f,
                "Found ID \"{id}\" from table `{found}`, which does not match the table name in \
                 validator `v.id(\"{expected}\")`.{}",
                path_line(path)
            ),
        }
    }
}

/// A value as Convex prints it in validation errors: JS-object style, `{name: "x", n: 1}`
/// (keys unquoted, `", "` between entries), strings and numbers as in JSON.
struct JsPrint<'a>(&'a Value);

impl fmt::Display for JsPrint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(map) => {
                f.write_str("{")?;
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    let plain = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
                    if plain {
                        write!(f, "{key}: {}", JsPrint(value))?;
                    } else {
                        write!(f, "{}: {}", Value::String(key.clone()), JsPrint(value))?;
                    }
                }
                f.write_str("}")
            }
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", JsPrint(item))?;
                }
                f.write_str("]")
            }
            other => write!(f, "{other}"),
        }
    }
}

impl fmt::Display for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String => f.write_str("v.string()"),
            Self::Number => f.write_str("v.float64()"),
            Self::Boolean => f.write_str("v.boolean()"),
            Self::Null => f.write_str("v.null()"),
            Self::Any => f.write_str("v.any()"),
            Self::Id(table) => write!(f, "v.id(\"{table}\")"),
            Self::Literal(value) => write!(f, "v.literal(\"{value}\")"),
            Self::Array(item) => write!(f, "v.array({item})"),
            Self::Record(value) => write!(f, "v.record(v.string(), {value})"),
            Self::Union(members) => {
                f.write_str("v.union(")?;
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{m}")?;
                }
                f.write_str(")")
            }
            Self::Object(fields) => {
                f.write_str("v.object({")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if field.optional {
                        write!(f, "{}: v.optional({})", field.name, field.validator)?;
                    } else {
                        write!(f, "{}: {}", field.name, field.validator)?;
                    }
                }
                f.write_str("})")
            }
        }
    }
}

impl Validator {
    /// Checks `value`; `table_of` tells which table an id string belongs to.
    pub(crate) fn validate(
        &self,
        value: &Value,
        table_of: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), ValidationError> {
        self.check(value, table_of, "")
    }

    fn no_match(&self, value: &Value, path: &str) -> ValidationError {
        ValidationError::NoMatch {
            path: path.to_owned(),
            value: Box::new(value.clone()),
            validator: self.to_string(),
        }
    }

    fn check(
        &self,
        value: &Value,
        table_of: &dyn Fn(&str) -> Option<String>,
        path: &str,
    ) -> Result<(), ValidationError> {
        match (self, value) {
            (Self::Any, _)
            | (Self::String, Value::String(_))
            | (Self::Number, Value::Number(_))
            | (Self::Boolean, Value::Bool(_))
            | (Self::Null, Value::Null) => Ok(()),
            (Self::Literal(expected), Value::String(s)) if s == expected => Ok(()),
            (Self::Id(expected), Value::String(id)) => match table_of(id) {
                Some(found) if found == *expected => Ok(()),
                Some(found) => Err(ValidationError::IdTableMismatch {
                    path: path.to_owned(),
                    id: id.clone(),
                    found,
                    expected: (*expected).to_owned(),
                }),
                None => Err(self.no_match(value, path)),
            },
            (Self::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    item.check(v, table_of, &format!("{path}[{i}]"))?;
                }
                Ok(())
            }
            (Self::Record(item), Value::Object(map)) => {
                for (k, v) in map {
                    item.check(v, table_of, &format!("{path}.{k}"))?;
                }
                Ok(())
            }
            (Self::Union(members), _) => {
                if members
                    .iter()
                    .any(|m| m.check(value, table_of, path).is_ok())
                {
                    Ok(())
                } else {
                    Err(self.no_match(value, path))
                }
            }
            (Self::Object(fields), Value::Object(map)) => {
                for field in fields {
                    let field_path = format!("{path}.{}", field.name);
                    match map.get(field.name) {
                        None if field.optional => {}
                        None => {
                            return Err(ValidationError::MissingField {
                                path: path.to_owned(),
                                field: field.name.to_owned(),
                            })
                        }
                        Some(v) => field.validator.check(v, table_of, &field_path)?,
                    }
                }
                if let Some(extra) = map
                    .keys()
                    .find(|k| !fields.iter().any(|f| f.name == k.as_str()))
                {
                    return Err(ValidationError::ExtraField {
                        path: path.to_owned(),
                        field: extra.clone(),
                        object: Box::new(value.clone()),
                        validator: self.to_string(),
                    });
                }
                Ok(())
            }
            _ => Err(self.no_match(value, path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::v::*;
    use super::*;
    use serde_json::json;

    fn ids(id: &str) -> Option<String> {
        match id {
            "ws1" => Some("workspaces".into()),
            "vis1" => Some("visitors".into()),
            _ => None,
        }
    }

    fn check(validator: &Validator, value: Value) -> Result<(), String> {
        validator.validate(&value, &ids).map_err(|e| e.to_string())
    }

    #[test]
    fn objects_are_strict() {
        let val = object(vec![
            req("workspaceId", id("workspaces")),
            opt("device", shared::device()),
        ]);
        assert!(check(&val, json!({"workspaceId": "ws1"})).is_ok());
        assert_eq!(
            check(&val, json!({})).unwrap_err(),
            "Validator error: Missing required field `workspaceId` in object"
        );
        let extra = check(&val, json!({"workspaceId": "ws1", "foo": 1})).unwrap_err();
        assert!(extra.starts_with(
            "Object contains extra field `foo` that is not in the validator.\n\nObject: "
        ));
        // Printed as Convex prints objects: JS style, as the rejected arguments were.
        assert!(
            extra.contains("\nObject: {workspaceId: \"ws1\", foo: 1}\n"),
            "{extra}"
        );
        let nested = check(
            &val,
            json!({"workspaceId": "ws1", "device": {"appVersion": "1"}}),
        )
        .unwrap_err();
        assert!(nested.contains("extra field `appVersion`"));
        assert!(nested.contains("Path: .device"));
        let null = check(&val, json!({"workspaceId": "ws1", "device": null})).unwrap_err();
        assert!(null.starts_with("Value does not match validator.\nPath: .device\nValue: null"));
    }

    #[test]
    fn ids_are_checked_against_their_table() {
        let val = object(vec![req("workspaceId", id("workspaces"))]);
        let wrong_table = check(&val, json!({"workspaceId": "vis1"})).unwrap_err();
        assert!(wrong_table.contains("from table `visitors`"));
        let unknown = check(&val, json!({"workspaceId": "nope"})).unwrap_err();
        assert_eq!(
            unknown,
            "Value does not match validator.\nPath: .workspaceId\nValue: \"nope\"\n\
             Validator: v.id(\"workspaces\")"
        );
    }

    #[test]
    fn nested_records_and_unions() {
        let attrs = shared::custom_attributes();
        assert!(check(
            &attrs,
            json!({"a": 1, "b": [1, "x", null], "c": {"d": {"e": true}}})
        )
        .is_ok());
        let too_deep = check(&attrs, json!({"c": {"d": {"e": {"f": 1}}}})).unwrap_err();
        assert!(too_deep.contains("Path: .c"));
        let props = shared::event_properties();
        assert!(check(&props, json!({"items": ["a", 2]})).is_ok());
        let bad = check(&props, json!({"items": [true]})).unwrap_err();
        assert!(bad.contains("Path: .items"));
        let kind = literals(&["page_view", "screen_view"]);
        assert!(check(&kind, json!("page_view")).is_ok());
        assert!(check(&kind, json!("click")).is_err());
    }
}
