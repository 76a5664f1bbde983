//! `visitors:*` as an agent calls them (CONTRACT §15.3): the visitor directory.

use serde::Serialize;
use serde_json::Value;
use serde_with::skip_serializing_none;

use super::{call, id_call};
use crate::wire::functions as fns;

/// `visitors:search` (`query` ≥ 2 characters, `limit` ≤ 50).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchVisitors<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) query: &'a str,
    pub(crate) limit: Option<u32>,
}

call!(SearchVisitors => fns::SEARCH_VISITORS, Vec<Value>);

/// `visitors:list`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListVisitors<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) limit: Option<u32>,
}

call!(ListVisitors => fns::LIST_VISITORS, Vec<Value>);

id_call! {
    /// `visitors:get` (a doc, or `null` outside the user's workspaces).
    GetVisitor { id } => fns::GET_VISITOR, Option<Value>
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn directory_arguments_are_the_contracts() {
        assert_eq!(
            wire(&SearchVisitors {
                workspace_id: "w1",
                query: "jane",
                limit: Some(5)
            }),
            json!({"workspaceId": "w1", "query": "jane", "limit": 5})
        );
        assert_eq!(
            wire(&SearchVisitors {
                workspace_id: "w1",
                query: "jane",
                limit: None
            }),
            json!({"workspaceId": "w1", "query": "jane"})
        );
        assert_eq!(
            wire(&ListVisitors {
                workspace_id: "w1",
                limit: Some(10)
            }),
            json!({"workspaceId": "w1", "limit": 10})
        );
        assert_eq!(
            wire(&ListVisitors {
                workspace_id: "w1",
                limit: None
            }),
            json!({"workspaceId": "w1"})
        );
        assert_eq!(wire(&GetVisitor { id: "v1" }), json!({"id": "v1"}));
    }

    #[test]
    fn a_directory_that_is_not_a_list_is_a_decode_error() {
        assert_decode_error::<ListVisitors>(json!({"visitors": []}));
    }
}
