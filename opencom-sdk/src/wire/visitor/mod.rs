//! The visitor-facing functions (CONTRACT.md §3–§13), one file per Opencom module.

pub(crate) mod ai_agent;
pub(crate) mod ai_responses;
pub(crate) mod articles;
pub(crate) mod automation_settings;
pub(crate) mod carousels;
pub(crate) mod checklists;
pub(crate) mod collections;
pub(crate) mod common_issue_buttons;
pub(crate) mod conversations;
pub(crate) mod events;
pub(crate) mod messages;
pub(crate) mod messenger_settings;
pub(crate) mod office_hours;
pub(crate) mod outbound_messages;
pub(crate) mod reporting;
pub(crate) mod suggestions;
pub(crate) mod support_attachments;
pub(crate) mod surveys;
#[cfg(test)]
pub(crate) mod test_support;
pub(crate) mod ticket_forms;
pub(crate) mod tickets;
pub(crate) mod tour_progress;
pub(crate) mod tours;
pub(crate) mod visitor_push_tokens;
pub(crate) mod visitors;
pub(crate) mod widget_sessions;
