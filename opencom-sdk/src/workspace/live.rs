//! The live inbox: `conversations:listForInbox` through the same live-query engine as the
//! visitor streams, on a socket authenticated with the agent's JWT (the sync protocol's
//! `Authenticate`), polled over HTTP whenever the socket cannot serve.
//!
//! One socket per [`WorkspaceClient`](crate::WorkspaceClient), opened by the first watch and closed on sign-out. The
//! engine asks for the JWT when it (re)connects; a background task sends the refreshed JWT on
//! the open socket before the old one expires, and when the server refuses an expired JWT
//! (`AuthError`, then the socket closes) the reconnect asks for a fresh one. Refreshes go through
//! the single-flight [`TokenManager`], so the socket and HTTP calls never spend the single-use
//! refresh token twice.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use super::auth::TokenManager;
use super::context::Context;
use super::inbox::{inbox_rows, InboxConversation};
use crate::error::{server_message, Error};
use crate::realtime::engine::AuthSource;
use crate::realtime::live::{self, LiveSource, Polled};
use crate::realtime::LiveStream;
use crate::task::TaskGuard;
use crate::transport::Function;
use crate::wire::agent::conversations::{InboxPage, ListForInbox};
use crate::wire::Call;

/// How often the auth task looks at the token when its expiry is far away (the clock may jump).
const AUTH_CHECK_EVERY: Duration = Duration::from_secs(60);

/// The engine's token source: the current JWT, refreshed first when it is about to expire
/// (`force` after an `AuthError` refreshes even a token that still looks fresh).
fn auth_source(tokens: Arc<TokenManager>) -> AuthSource {
    Arc::new(move |force| {
        let tokens = Arc::clone(&tokens);
        Box::pin(async move {
            let current = tokens.bearer().await.ok()?;
            if force {
                return tokens.refresh_from(&current).await.ok();
            }
            Some(current)
        })
    })
}

/// Keeps the socket's JWT fresh: refreshes shortly before expiry and re-authenticates.
fn spawn_reauth(ctx: &Arc<Context>) -> TaskGuard {
    let tokens = Arc::clone(&ctx.tokens);
    let weak = Arc::downgrade(ctx);
    TaskGuard::new(tokio::spawn(async move {
        loop {
            let wait = tokens
                .refresh_due_in()
                .map_or(AUTH_CHECK_EVERY, |due| due.min(AUTH_CHECK_EVERY));
            tokio::time::sleep(wait.max(Duration::from_millis(200))).await;
            if tokens.refresh_due_in() == Some(Duration::ZERO) {
                if tokens.bearer().await.is_err() {
                    continue;
                }
                let Some(inner) = weak.upgrade() else { return };
                tracing::debug!("re-authenticating the inbox socket before the JWT expires");
                inner.realtime.reauthenticate();
            }
        }
    }))
}

struct InboxSource {
    ctx: Arc<Context>,
    function: Function,
    args: Map<String, Value>,
}

#[async_trait]
impl LiveSource for InboxSource {
    fn path(&self) -> &'static str {
        self.function.path
    }

    async fn args(&mut self) -> crate::Result<Map<String, Value>> {
        // Fail early (and without opening a socket) when nobody is signed in.
        self.ctx.tokens.bearer().await?;
        Ok(self.args.clone())
    }

    async fn poll(&self, args: &Map<String, Value>) -> Polled {
        match self.ctx.call(self.function, args).await {
            Ok(value) => Polled::Value(value),
            Err(e) if e.is_transient() => Polled::Unavailable,
            Err(e) => Polled::Error(e),
        }
    }

    async fn failed(&self, message: &str) -> std::result::Result<(), Error> {
        Err(server_message::classify(message).into())
    }
}

/// Starts watching one inbox query; see [`super::InboxClient::watch`]. The sync protocol takes
/// the arguments as an object: `args` serialized.
pub(crate) fn watch_inbox(
    ctx: Arc<Context>,
    args: &ListForInbox<'_>,
) -> crate::Result<LiveStream<Vec<InboxConversation>>> {
    // The engine, its re-authentication and the stream's loop run on the caller's runtime:
    // none is a typed error, not a panic.
    crate::task::runtime()?;
    let function = ListForInbox::FUNCTION;
    let args = crate::wire::to_object(function, args)?;
    let (tx, rx) = mpsc::channel(16);
    let engine = ctx
        .realtime
        .engine(&ctx.transport, Some(auth_source(Arc::clone(&ctx.tokens))));
    if engine.is_some() {
        if let Ok(mut slot) = ctx.reauth.lock() {
            if slot.is_none() {
                *slot = Some(spawn_reauth(&ctx));
            }
        }
    }
    let links = ctx.realtime.links(engine, ctx.poll_interval, None);
    let render = Box::new(move |page: &Value| {
        let page: InboxPage = crate::wire::decode(function, page.clone())?;
        inbox_rows(&page)
    });
    let source = InboxSource {
        ctx,
        function,
        args,
    };
    let task = crate::task::spawn(live::run(source, links, render, tx))?;
    Ok(LiveStream::new(rx, task))
}
