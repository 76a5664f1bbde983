//! The visitor-facing functions (CONTRACT.md §3–§13), one file per Opencom module.

pub(crate) mod conversations;
pub(crate) mod messages;
pub(crate) mod visitors;
