//! Visitor live queries over the context: arguments built from the session's credentials
//! (re-built after every refresh or re-boot), failures judged by the session, the offline cache
//! per visitor, and delivery by the live engine or polling (`crate::realtime`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};

use super::Context;
use crate::error::{Error, Result};
use crate::realtime::live::{self, LiveSource, Polled};
use crate::realtime::LiveStream;
use crate::session::Credentials;
use crate::transport::{Function, TransportError};

/// Builds a query's arguments from the session's credentials (a typed argument struct turned
/// into the object the sync protocol sends, see [`crate::wire::to_object`]).
pub(crate) type ArgsFn = Box<dyn Fn(&Credentials) -> Result<Map<String, Value>> + Send + Sync>;

/// What to watch: a query and how to build its arguments from the session.
pub(crate) struct QuerySpec {
    pub(crate) function: Function,
    pub(crate) args: ArgsFn,
    /// Storage key suffix for the offline cache (None: not cached).
    pub(crate) cache: Option<String>,
}

type VisitorRender<T> = Box<dyn FnMut(&Context, &Value) -> Result<T> + Send>;

/// A visitor query: arguments from the session (re-built after every refresh), failures judged
/// by the session, the offline cache per visitor.
struct VisitorSource {
    ctx: Arc<Context>,
    spec: QuerySpec,
    creds: Option<Credentials>,
}

impl VisitorSource {
    fn cache_key(&self) -> Option<String> {
        let suffix = self.spec.cache.as_ref()?;
        let creds = self.creds.as_ref()?;
        Some(format!(
            "{}cache/{}/{suffix}",
            self.ctx.config.storage_namespace(),
            creds.visitor_id
        ))
    }
}

#[async_trait]
impl LiveSource for VisitorSource {
    fn path(&self) -> &'static str {
        self.spec.function.path
    }

    async fn args(&mut self) -> Result<Map<String, Value>> {
        let creds = self.ctx.session.credentials().await?;
        let args = (self.spec.args)(&creds)?;
        self.creds = Some(creds);
        Ok(args)
    }

    async fn poll(&self, args: &Map<String, Value>) -> Polled {
        match self
            .ctx
            .transport
            .call(self.spec.function, &args.clone())
            .await
        {
            Ok(value) => Polled::Value(value),
            Err(TransportError::Function { message }) => Polled::Failed(message),
            Err(e) => {
                tracing::debug!(error = %e, "poll failed");
                Polled::Unavailable
            }
        }
    }

    async fn failed(&self, message: &str) -> std::result::Result<(), Error> {
        match &self.creds {
            Some(creds) => self.ctx.session.after_failure(creds, message).await,
            None => Err(Error::SessionExpired),
        }
    }

    async fn valid_for(&self) -> Option<Duration> {
        Some(self.ctx.session.refresh_due_in().await)
    }

    fn generations(&self) -> Option<watch::Receiver<u64>> {
        Some(self.ctx.session.generations())
    }

    async fn cached(&self) -> Option<Value> {
        let key = self.cache_key()?;
        let raw = self.ctx.services.storage.get(&key).await.ok()??;
        serde_json::from_str(&raw).ok()
    }

    async fn store(&self, value: &Value) {
        let Some(key) = self.cache_key() else { return };
        let Ok(json) = serde_json::to_string(value) else {
            return;
        };
        if let Err(e) = self.ctx.services.storage.set(&key, &json).await {
            tracing::debug!(error = %e, "could not cache a snapshot");
        }
    }
}

/// Starts a live query: the cached snapshot first (if any), then every distinct value.
/// `extra` re-renders the last value when it changes (the outbox, for local echoes).
pub(crate) fn watch<T>(
    ctx: &Arc<Context>,
    spec: QuerySpec,
    mut render: VisitorRender<T>,
    extra: Option<watch::Receiver<u64>>,
) -> Result<LiveStream<T>>
where
    T: Clone + PartialEq + Send + 'static,
{
    // The engine and the stream's loop run on the caller's runtime: none is an error, not a
    // panic.
    crate::task::runtime()?;
    let (tx, rx) = mpsc::channel(32);
    let engine = ctx.realtime.engine(&ctx.transport, None);
    let links = ctx.realtime.links(engine, ctx.config.poll_interval, extra);
    let render_ctx = Arc::clone(ctx);
    let source = VisitorSource {
        ctx: Arc::clone(ctx),
        spec,
        creds: None,
    };
    let task = crate::task::spawn(live::run(
        source,
        links,
        Box::new(move |raw: &Value| render(&render_ctx, raw)),
        tx,
    ))?;
    Ok(LiveStream::new(rx, task))
}
