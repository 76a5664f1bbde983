//! The visitor-facing functions (CONTRACT.md §3–§13), one file per Opencom module.

pub(crate) mod carousels;
pub(crate) mod conversations;
pub(crate) mod messages;
pub(crate) mod outbound_messages;
pub(crate) mod surveys;
pub(crate) mod visitors;
