//! The visitor-facing functions (CONTRACT.md §3–§13), one file per Opencom module.

pub(crate) mod ai_agent;
pub(crate) mod conversations;
pub(crate) mod events;
pub(crate) mod messages;
pub(crate) mod reporting;
pub(crate) mod support_attachments;
#[cfg(test)]
pub(crate) mod test_support;
pub(crate) mod visitors;
pub(crate) mod widget_sessions;
