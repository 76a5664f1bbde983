//! The emulated Opencom functions, one module per Opencom module (`convex/<module>.ts`): a file,
//! or a folder split by concern where the module is large (`articles/`, `collections/`).
//!
//! Each module has a `register` that adds its public functions to the [`Registry`]. To add a
//! module (tickets, articles, …): write `src/functions/<module>.rs` with handlers ported from
//! the Opencom source, register them here, and add the tables it owns to the visitor-merge
//! list in [`visitors`] if they point at visitors. Handlers only touch the database: the sync
//! protocol picks up every change by itself.

use crate::registry::Registry;

pub(crate) mod ai_agent;
pub(crate) mod articles;
pub(crate) mod audience;
pub(crate) mod auth;
pub(crate) mod automation_settings;
pub(crate) mod carousels;
pub(crate) mod checklists;
pub(crate) mod collections;
pub(crate) mod common_issue_buttons;
pub(crate) mod conversations;
pub(crate) mod discovery;
pub(crate) mod events;
pub(crate) mod identity_verification;
pub(crate) mod messages;
pub(crate) mod messenger_settings;
pub(crate) mod office_hours;
pub(crate) mod origin_validation;
pub(crate) mod outbound_messages;
pub(crate) mod reporting;
pub(crate) mod snippets;
pub(crate) mod suggestions;
pub(crate) mod support_attachments;
pub(crate) mod surveys;
pub(crate) mod tags;
pub(crate) mod ticket_forms;
pub(crate) mod tickets;
pub(crate) mod tooltips;
pub(crate) mod tour_progress;
pub(crate) mod tours;
pub(crate) mod visitor_push_tokens;
pub(crate) mod visitors;
pub(crate) mod widget_sessions;
pub(crate) mod workspaces;

/// Every implemented public function.
pub(crate) fn registry() -> Registry {
    let mut registry = Registry::default();
    ai_agent::register(&mut registry);
    articles::register(&mut registry);
    auth::register(&mut registry);
    automation_settings::register(&mut registry);
    carousels::register(&mut registry);
    checklists::register(&mut registry);
    collections::register(&mut registry);
    common_issue_buttons::register(&mut registry);
    conversations::register(&mut registry);
    discovery::register(&mut registry);
    events::register(&mut registry);
    identity_verification::register(&mut registry);
    messages::register(&mut registry);
    messenger_settings::register(&mut registry);
    office_hours::register(&mut registry);
    outbound_messages::register(&mut registry);
    reporting::register(&mut registry);
    snippets::register(&mut registry);
    suggestions::register(&mut registry);
    support_attachments::register(&mut registry);
    surveys::register(&mut registry);
    tags::register(&mut registry);
    ticket_forms::register(&mut registry);
    tickets::register(&mut registry);
    tooltips::register(&mut registry);
    tour_progress::register(&mut registry);
    tours::register(&mut registry);
    visitor_push_tokens::register(&mut registry);
    visitors::register(&mut registry);
    widget_sessions::register(&mut registry);
    workspaces::register(&mut registry);
    registry
}
