//! The typed wire layer: Opencom's functions, the argument structs their validators accept and,
//! where the contract fixes the shape, the responses they return.
//!
//! - Arguments are `Serialize` structs with `rename_all = "camelCase"` and every optional field
//!   `skip_serializing_if = "Option::is_none"` (via `serde_with::skip_serializing_none`), so a
//!   misspelt field, an unknown field or a `null` for an optional cannot be written: Convex's
//!   validators reject all three.
//! - A [`Call`] ties an argument struct to its [`Function`] and its response type, so the pair
//!   cannot be mixed up at a call site.
//! - Responses decode through `Deserialize` types; a shape the contract does not allow is an
//!   [`Error::Decode`] naming the function, never a silent default.
//!
//! This layer sits above the transport (which knows Convex only) and below the domains.

#[cfg(feature = "workspace")]
pub(crate) mod agent;
pub(crate) mod functions;
pub(crate) mod visitor;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::transport::Function;

/// One Opencom function call: the implementing struct is its argument object.
pub(crate) trait Call: Serialize {
    /// The function these arguments are for.
    const FUNCTION: Function;
    /// What the function returns, decoded.
    type Output: DeserializeOwned;
}

/// Decodes `value`, the result of `function`, into `T`. A mismatch is [`Error::Decode`] naming
/// the function and the field (never the value: it may be a credential).
pub(crate) fn decode<T: DeserializeOwned>(function: Function, value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| Error::Decode {
        message: format!(
            "{}: {} at `{}`",
            function.path,
            without_values(&e.inner().to_string()),
            e.path()
        ),
    })
}

/// serde_json's message without the offending value, which it quotes (`invalid type: string
/// "…", expected u32`): the value may be a credential.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('"', false) => {
                quoted = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                quoted = false;
                out.push('"');
            }
            (_, false) => out.push(c),
            (_, true) => {}
        }
    }
    out
}

/// `args` as the JSON object a live query sends over the sync protocol.
pub(crate) fn to_object<A: Serialize>(function: Function, args: &A) -> Result<Map<String, Value>> {
    match serde_json::to_value(args) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::Decode {
            message: format!("the arguments of {} are not an object", function.path),
        }),
    }
}

/// `{visitorId, sessionToken}`: how visitor-facing functions authenticate. Flatten it into an
/// argument struct with `#[serde(flatten)]`. It owns its values (two short strings) so that an
/// argument struct built from the session's credentials borrows only the caller's data.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VisitorAuth {
    pub(crate) visitor_id: String,
    pub(crate) session_token: Secret,
}

/// [`VisitorAuth`] plus `workspaceId`.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkspaceAuth<'a> {
    pub(crate) workspace_id: &'a str,
    #[serde(flatten)]
    pub(crate) visitor: VisitorAuth,
}

/// The output of a function whose result the SDK does not use (any JSON is accepted).
pub(crate) type Ignored = serde::de::IgnoredAny;

/// A function that takes no arguments (`{}` on the wire).
#[derive(Serialize, Clone, Copy, Default)]
pub(crate) struct NoArgs {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_flattens_into_the_argument_object() {
        #[serde_with::skip_serializing_none]
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Example<'a> {
            #[serde(flatten)]
            auth: WorkspaceAuth<'a>,
            conversation_id: &'a str,
            limit: Option<u32>,
        }
        let token = Secret::new("wst_0123456789abcdef");
        let args = Example {
            auth: WorkspaceAuth {
                workspace_id: "ws1",
                visitor: VisitorAuth {
                    visitor_id: "v1".into(),
                    session_token: token,
                },
            },
            conversation_id: "c1",
            limit: None,
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            serde_json::json!({
                "workspaceId": "ws1",
                "visitorId": "v1",
                "sessionToken": "wst_0123456789abcdef",
                "conversationId": "c1",
            })
        );
        assert_eq!(
            serde_json::to_value(NoArgs {}).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn a_decode_error_names_the_function_and_hides_the_value() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Out {
            count: u32,
        }
        let err = decode::<Out>(
            functions::TOTAL_UNREAD,
            serde_json::json!({"count": "wst_0123456789abcdef"}),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("conversations:getTotalUnreadForVisitor"),
            "{text}"
        );
        assert!(text.contains("`count`"), "{text}");
        assert!(!text.contains("0123456789abcdef"), "{text}");
        assert!(matches!(err, Error::Decode { .. }));
    }
}
