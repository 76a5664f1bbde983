//! Shared by the wire files' unit tests: credentials to flatten, the check that an argument
//! struct serializes to exactly the contract's fields, and the checks that malformed answers are
//! decode errors naming the function.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::secret::Secret;
use crate::transport::Function;
use crate::wire::{decode, Call, VisitorAuth, WorkspaceAuth};

/// `{visitorId: "v1", sessionToken: "wst_x"}`.
pub(crate) fn visitor_auth() -> VisitorAuth {
    VisitorAuth {
        visitor_id: "v1".into(),
        session_token: Secret::new("wst_x"),
    }
}

/// [`visitor_auth`] plus `workspaceId: "ws1"`.
pub(crate) fn workspace_auth() -> WorkspaceAuth<'static> {
    WorkspaceAuth {
        workspace_id: "ws1",
        visitor: visitor_auth(),
    }
}

/// `args` serializes to exactly `expected` (same fields, no `null`).
#[track_caller]
pub(crate) fn assert_args<C: Call>(args: &C, expected: Value) {
    let actual = serde_json::to_value(args).unwrap();
    assert_eq!(actual, expected, "arguments of {}", C::FUNCTION.path);
}

/// `response` is not what `C` returns: a decode error naming the function, without values.
#[track_caller]
pub(crate) fn assert_decode_error<C: Call>(response: Value)
where
    C::Output: std::fmt::Debug,
{
    match decode::<C::Output>(C::FUNCTION, response) {
        Err(Error::Decode { message }) => {
            assert!(message.contains(C::FUNCTION.path), "{message}");
            assert!(!message.contains("wst_"), "{message}");
        }
        other => panic!(
            "{}: expected a decode error, got {other:?}",
            C::FUNCTION.path
        ),
    }
}

/// `response` decodes as what `C` returns.
#[track_caller]
pub(crate) fn decoded<C: Call>(response: Value) -> C::Output {
    decode::<C::Output>(C::FUNCTION, response)
        .unwrap_or_else(|e| panic!("{}: {e}", C::FUNCTION.path))
}

/// Every answer in `bad` decodes to `Error::Decode` naming `function`.
pub(crate) fn assert_decode_errors<T: DeserializeOwned>(function: Function, bad: Vec<Value>) {
    for value in bad {
        let shown = value.to_string();
        match decode::<T>(function, value) {
            Err(err @ crate::Error::Decode { .. }) => {
                assert!(err.to_string().contains(function.path), "{err}")
            }
            Err(other) => panic!("{shown}: not a decode error: {other}"),
            Ok(_) => panic!("{shown} decoded"),
        }
    }
}
