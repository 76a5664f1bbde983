//! The emulated Opencom functions, one file per Opencom module (`convex/<module>.ts`).
//!
//! Each module has a `register` that adds its public functions to the [`Registry`]. To add a
//! module (tickets, articles, …): write `src/functions/<module>.rs` with handlers ported from
//! the Opencom source, register them here, and add the tables it owns to the visitor-merge
//! list in [`visitors`] if they point at visitors. Handlers only touch the database: the sync
//! protocol picks up every change by itself.

use crate::registry::Registry;

pub(crate) mod ai_agent;
pub(crate) mod conversations;
pub(crate) mod discovery;
pub(crate) mod events;
pub(crate) mod identity_verification;
pub(crate) mod messages;
pub(crate) mod origin_validation;
pub(crate) mod reporting;
pub(crate) mod support_attachments;
pub(crate) mod visitors;
pub(crate) mod widget_sessions;
pub(crate) mod workspaces;

/// Every implemented public function.
pub(crate) fn registry() -> Registry {
    let mut registry = Registry::default();
    ai_agent::register(&mut registry);
    conversations::register(&mut registry);
    discovery::register(&mut registry);
    events::register(&mut registry);
    identity_verification::register(&mut registry);
    messages::register(&mut registry);
    reporting::register(&mut registry);
    support_attachments::register(&mut registry);
    visitors::register(&mut registry);
    widget_sessions::register(&mut registry);
    workspaces::register(&mut registry);
    registry
}
