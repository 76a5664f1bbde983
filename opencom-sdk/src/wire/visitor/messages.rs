//! `messages:*` as a visitor calls them.

use serde::Serialize;
use serde_json::Value;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, VisitorAuth};

/// `messages:list`: all messages of a conversation, oldest first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct List<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) conversation_id: &'a str,
}

impl Call for List<'_> {
    const FUNCTION: Function = fns::LIST_MESSAGES;
    type Output = Value;
}
