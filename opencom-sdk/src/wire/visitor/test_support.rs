//! Shared by the wire files' unit tests: credentials to flatten, and the check that malformed
//! answers are decode errors naming the function.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::secret::Secret;
use crate::transport::Function;
use crate::wire::{decode, VisitorAuth, WorkspaceAuth};

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
