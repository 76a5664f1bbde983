//! `snippets:*` (CONTRACT §15.3): saved replies.

use serde::Serialize;
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;
use crate::wire::Ignored;

id_call! {
    /// `snippets:list`.
    ListSnippets { workspace_id } => fns::LIST_SNIPPETS, Vec<Value>
}

id_call! {
    /// `snippets:get` (a doc or `null`).
    GetSnippet { id } => fns::GET_SNIPPET, Option<Value>
}

id_call! {
    /// `snippets:remove`.
    RemoveSnippet { id } => fns::REMOVE_SNIPPET, Ignored
}

/// `snippets:search`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchSnippets<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) query: &'a str,
}

call!(SearchSnippets => fns::SEARCH_SNIPPETS, Vec<Value>);

/// `snippets:getByShortcut` (a doc or `null`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SnippetByShortcut<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) shortcut: &'a str,
}

call!(SnippetByShortcut => fns::SNIPPET_BY_SHORTCUT, Option<Value>);

/// `snippets:create`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateSnippet<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) content: &'a str,
    pub(crate) shortcut: Option<&'a str>,
    pub(crate) created_by: Option<&'a str>,
}

// The snippet id.
call!(CreateSnippet => fns::CREATE_SNIPPET, String);

/// `snippets:update`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateSnippet<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) content: Option<&'a str>,
    pub(crate) shortcut: Option<&'a str>,
    pub(crate) folder_id: Option<&'a str>,
}

call!(UpdateSnippet => fns::UPDATE_SNIPPET, Ignored);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn snippet_arguments_are_the_contracts() {
        let full = CreateSnippet {
            workspace_id: "w1",
            name: "Hi",
            content: "Hello",
            shortcut: Some("hi"),
            created_by: Some("u1"),
        };
        assert_eq!(
            wire(&full),
            json!({"workspaceId": "w1", "name": "Hi", "content": "Hello", "shortcut": "hi",
                   "createdBy": "u1"})
        );
        let minimal = CreateSnippet {
            shortcut: None,
            created_by: None,
            ..full
        };
        assert_eq!(
            wire(&minimal),
            json!({"workspaceId": "w1", "name": "Hi", "content": "Hello"})
        );
        let update = UpdateSnippet {
            id: "s1",
            name: Some("N"),
            content: Some("C"),
            shortcut: Some("sc"),
            folder_id: Some("f1"),
        };
        assert_eq!(
            wire(&update),
            json!({"id": "s1", "name": "N", "content": "C", "shortcut": "sc", "folderId": "f1"})
        );
        let empty = UpdateSnippet {
            id: "s1",
            name: None,
            content: None,
            shortcut: None,
            folder_id: None,
        };
        assert_eq!(wire(&empty), json!({"id": "s1"}));
        assert_eq!(
            wire(&SearchSnippets {
                workspace_id: "w1",
                query: "q"
            }),
            json!({"workspaceId": "w1", "query": "q"})
        );
        assert_eq!(
            wire(&SnippetByShortcut {
                workspace_id: "w1",
                shortcut: "ty"
            }),
            json!({"workspaceId": "w1", "shortcut": "ty"})
        );
        assert_eq!(
            wire(&ListSnippets { workspace_id: "w1" }),
            json!({"workspaceId": "w1"})
        );
        assert_eq!(wire(&GetSnippet { id: "s1" }), json!({"id": "s1"}));
        assert_eq!(wire(&RemoveSnippet { id: "s1" }), json!({"id": "s1"}));
    }

    #[test]
    fn malformed_snippet_answers_are_decode_errors() {
        assert_decode_error::<CreateSnippet>(json!(42));
        assert_decode_error::<SearchSnippets>(json!({"page": []}));
    }
}
