//! The visitor-facing functions (CONTRACT.md §3–§13), one file per Opencom module.

pub(crate) mod ai_responses;
pub(crate) mod checklists;
pub(crate) mod conversations;
pub(crate) mod messages;
pub(crate) mod tour_progress;
pub(crate) mod tours;
pub(crate) mod visitors;
