//! `conversations:*` as a visitor calls them.

use serde::Serialize;
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// `conversations:listByVisitor`: conversation docs, each with `lastMessage`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListByVisitor<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for ListByVisitor<'_> {
    const FUNCTION: Function = fns::LIST_CONVERSATIONS;
    type Output = Value;
}

/// `conversations:getTotalUnreadForVisitor`: a number.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TotalUnread<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for TotalUnread<'_> {
    const FUNCTION: Function = fns::TOTAL_UNREAD;
    type Output = f64;
}

/// `conversations:get` (visitor-weak: `visitorId`, no `sessionToken`).
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Get<'a> {
    pub(crate) id: &'a str,
    pub(crate) visitor_id: Option<String>,
}

impl Call for Get<'_> {
    const FUNCTION: Function = fns::GET_CONVERSATION;
    type Output = Value;
}
