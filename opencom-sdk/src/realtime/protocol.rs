//! The sync protocol's messages on the wire, through the official `convex_sync_types` crate:
//! encoding what the client sends and decoding what the server sends, and turning Convex's
//! value encoding into plain JSON (as the HTTP API's `format: "json"` returns it).

use base64::Engine as _;
use convex_sync_types::{ClientMessage, ServerMessage};
use serde_json::{Map, Value};

/// A query result as the SDK uses it: plain JSON, Convex's special encodings (`$integer`,
/// `$float`, `$bytes`) exported the way the HTTP API exports them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Exported(pub(crate) Value);

impl TryFrom<Value> for Exported {
    type Error = anyhow::Error;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Ok(Exported(export(value)))
    }
}

/// A server message with exported values.
pub(crate) type Incoming = ServerMessage<Exported>;

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProtocolError {
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a sync protocol message: {0}")]
    Message(String),
}

/// Encodes a client message as the text of one frame.
pub(crate) fn encode(message: ClientMessage) -> Result<String, ProtocolError> {
    let json = Value::try_from(message).map_err(|e| ProtocolError::Message(e.to_string()))?;
    Ok(json.to_string())
}

/// Decodes one text frame from the server.
pub(crate) fn decode(text: &str) -> Result<Incoming, ProtocolError> {
    let json: Value = serde_json::from_str(text)?;
    // The message text is the server's; it names no credential, but keep it out of errors.
    Incoming::try_from(json).map_err(|e| ProtocolError::Message(first_line(&e.to_string())))
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// Convex's JSON value encoding → plain JSON: `{"$integer": base64(i64 LE)}` becomes a number,
/// `{"$float": base64(f64 LE)}` a number (or its name for NaN and the infinities, as JSON has
/// none), `{"$bytes": base64}` stays a base64 string. Everything else is unchanged.
pub(crate) fn export(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(export).collect()),
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(special) = special(&map) {
                    return special;
                }
            }
            Value::Object(map.into_iter().map(|(k, v)| (k, export(v))).collect())
        }
        other => other,
    }
}

fn special(map: &Map<String, Value>) -> Option<Value> {
    let (key, value) = map.iter().next()?;
    let text = value.as_str()?;
    let b64 = base64::engine::general_purpose::STANDARD;
    match key.as_str() {
        "$integer" => {
            let bytes: [u8; 8] = b64.decode(text).ok()?.try_into().ok()?;
            Some(Value::from(i64::from_le_bytes(bytes)))
        }
        "$float" => {
            let bytes: [u8; 8] = b64.decode(text).ok()?.try_into().ok()?;
            let f = f64::from_le_bytes(bytes);
            Some(
                serde_json::Number::from_f64(f)
                    .map_or_else(|| Value::String(f.to_string()), Value::Number),
            )
        }
        "$bytes" => Some(Value::String(text.to_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn special_values_are_exported() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let int = b64.encode(42i64.to_le_bytes());
        let float = b64.encode(1.5f64.to_le_bytes());
        let nan = b64.encode(f64::NAN.to_le_bytes());
        let value = json!({
            "n": {"$integer": int},
            "f": {"$float": float},
            "nan": {"$float": nan},
            "b": {"$bytes": "AAE="},
            "list": [{"$integer": b64.encode((-1i64).to_le_bytes())}, "x"],
            "two": {"$integer": "x", "other": 1},
        });
        assert_eq!(
            export(value),
            json!({"n": 42, "f": 1.5, "nan": "NaN", "b": "AAE=", "list": [-1, "x"],
                   "two": {"$integer": "x", "other": 1}})
        );
    }

    #[test]
    fn transitions_decode_and_garbage_does_not() {
        let frame = r#"{"type":"Transition","startVersion":{"querySet":0,"identity":0,"ts":"AAAAAAAAAAA="},
            "endVersion":{"querySet":1,"identity":0,"ts":"AQAAAAAAAAA="},
            "modifications":[{"type":"QueryUpdated","queryId":0,"value":[{"a":1}],"logLines":[]}]}"#;
        match decode(frame).unwrap() {
            ServerMessage::Transition { modifications, .. } => assert_eq!(modifications.len(), 1),
            other => panic!("{other:?}"),
        }
        assert!(decode("{").is_err());
        assert!(decode(r#"{"type":"Nope"}"#).is_err());
        assert!(decode("[]").is_err());
    }
}
