//! The integration suite of `server-mock`, in one test binary (one link, one binary on disk).
//! Each module is one area; all run over real HTTP/WebSocket against server-mock on 127.0.0.1.

#[path = "../common/mod.rs"]
mod common;

mod agent_tickets;
mod auth;
mod conversations;
mod engagement;
mod faults;
mod fixture_replay;
mod help_center;
mod help_center_authoring;
mod messenger;
mod push;
mod redaction;
mod sessions;
mod sync;
mod sync_wire;
mod tags_snippets;
mod tickets;
mod tls;
mod visitors_events;
mod wire;
mod ws_faults;
