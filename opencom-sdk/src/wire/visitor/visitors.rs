//! `visitors:*` as a visitor calls them.

use serde::Serialize;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, VisitorAuth};

/// `visitors:heartbeat`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Heartbeat<'a> {
    #[serde(flatten)]
    pub(crate) auth: VisitorAuth,
    pub(crate) origin: Option<&'a str>,
}

impl Call for Heartbeat<'_> {
    const FUNCTION: Function = fns::HEARTBEAT;
    type Output = Ignored;
}
