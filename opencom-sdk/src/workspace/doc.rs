//! Reading fields of Convex documents (JSON objects) leniently: optional fields may be absent,
//! unknown fields are ignored, and a missing required field is a typed decode error.

use serde_json::Value;

use crate::error::{Error, Result};

/// A string field, if present.
pub(crate) fn text(doc: &Value, key: &str) -> Option<String> {
    doc.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A number field, if present.
pub(crate) fn number(doc: &Value, key: &str) -> Option<f64> {
    doc.get(key).and_then(Value::as_f64)
}

/// A string field that must be present (`what` names the document in the error).
pub(crate) fn required(doc: &Value, key: &str, what: &str) -> Result<String> {
    text(doc, key).ok_or_else(|| Error::Decode {
        message: format!("{what} without `{key}`"),
    })
}
