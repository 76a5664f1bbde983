//! The context: the lower layers every domain works with (configuration, host services, the
//! transport, the visitor session and the live-query engine), and nothing of any domain. The
//! `Opencom` facade owns it and hands it to the sub-clients with their domain's state.

mod watch;

pub(crate) use watch::{watch, QuerySpec};

use std::fmt;
use std::sync::Arc;

use crate::client_events::EventBus;
use crate::config::{Config, Services};
use crate::realtime::Realtime;
use crate::session::SessionManager;
use crate::transport::ConvexHttp;

/// The lower layers of one client. Its `Debug` is hand-written: the session holds the token and
/// the host's storage may print what it holds.
pub(crate) struct Context {
    pub(crate) config: Arc<Config>,
    pub(crate) services: Services,
    pub(crate) transport: ConvexHttp,
    pub(crate) session: SessionManager,
    pub(crate) realtime: Realtime,
    /// Where the domains publish the client's events.
    pub(crate) bus: EventBus,
}

impl Context {
    /// What any public value holding the context shows: where it talks to and which visitor,
    /// never the token, the user hash or the storage's contents.
    pub(crate) fn describe(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("deployment_url", &self.config.deployment_url.as_str())
            .field("workspace_id", &self.config.workspace_id)
            .field("visitor_id", &self.session.visitor_id())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe("Context", f)
    }
}
