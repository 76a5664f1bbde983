//! The integration suite of `opencom-sdk`, in one test binary (one link, one binary on disk).
//! Each module is one area; all run over real HTTP/WebSocket against server-mock on 127.0.0.1.

#[path = "../common/mod.rs"]
mod common;

mod conversations;
mod engagement_ai;
mod engagement_carousels;
mod engagement_checklists;
mod engagement_outbound;
mod engagement_surveys;
mod engagement_tours;
mod events;
mod events_stream;
mod failover;
mod hardening;
mod help_center;
mod help_center_admin;
mod identity;
mod lifecycle;
mod messenger;
mod outbox;
mod push;
mod realtime;
mod session;
mod tenant_isolation;
mod tickets;
mod tls;
mod transport;
mod workspace;
mod workspace_live;
mod workspace_tags_snippets;
mod workspace_tickets;
