//! The layer every agent-side sub-client stands on: the transport, the token manager, the live
//! engine (the inbox socket) and its re-authentication task, with the one typed call method.
//!
//! The facade ([`WorkspaceClient`](crate::WorkspaceClient)) and the sub-clients each hold an
//! `Arc<Context>`; nothing here knows of them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::auth::TokenManager;
use crate::error::{Error, Result};
use crate::realtime::Realtime;
use crate::task::TaskGuard;
use crate::transport::{ConvexHttp, Function, TransportError};
use crate::wire::{self, Call};

/// The shared state of one signed-in (or signed-out) agent client.
pub(crate) struct Context {
    pub(crate) transport: ConvexHttp,
    pub(crate) tokens: Arc<TokenManager>,
    /// The inbox socket (the live-query engine), opened by the first live watch, closed on
    /// sign-out.
    pub(crate) realtime: Realtime,
    pub(crate) poll_interval: Duration,
    /// Keeps the socket's JWT fresh while the socket is open.
    pub(crate) reauth: Mutex<Option<TaskGuard>>,
}

/// Shows only whether a user is signed in and who: never the tokens, nor the host's storage
/// (whose own `Debug` may print what it holds).
impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceClient")
            .field("signed_in", &self.is_signed_in())
            .field("user_id", &self.user_id())
            .finish_non_exhaustive()
    }
}

impl Context {
    /// Whether a token pair is held.
    pub(crate) fn is_signed_in(&self) -> bool {
        self.tokens.tokens().is_some()
    }

    /// The signed-in user's id (from the JWT).
    pub(crate) fn user_id(&self) -> Option<String> {
        self.tokens.tokens().and_then(|t| t.user_id())
    }

    /// Calls `C::FUNCTION` with `args` and the Bearer JWT, and decodes the answer into
    /// `C::Output` (a mismatch is [`Error::Decode`] naming the function).
    pub(crate) async fn request<C: Call>(&self, args: &C) -> Result<C::Output> {
        let value = self.call(C::FUNCTION, args).await?;
        wire::decode(C::FUNCTION, value)
    }

    /// [`request`](Self::request) without the Bearer JWT: for `auth:signIn`, whose answer is
    /// the JWT.
    pub(crate) async fn request_anonymous<C: Call>(&self, args: &C) -> Result<C::Output> {
        let value = self.transport.call_as(C::FUNCTION, args, None).await?;
        wire::decode(C::FUNCTION, value)
    }

    /// Calls `function` with the Bearer JWT (refreshed first when it is about to expire). A 401
    /// (the server thinks the JWT expired) triggers one refresh and one retry. Untyped: for the
    /// live inbox, whose sync protocol needs the argument object as a map.
    pub(crate) async fn call<A: Serialize + ?Sized>(
        &self,
        function: Function,
        args: &A,
    ) -> Result<Value> {
        let token = self.tokens.bearer().await?;
        let first = self.transport.call_as(function, args, Some(&token)).await;
        match first {
            Err(TransportError::Http { status: 401, .. }) => {
                let token = self.tokens.refresh_from(&token).await?;
                self.transport
                    .call_as(function, args, Some(&token))
                    .await
                    .map_err(Error::from)
            }
            other => other.map_err(Error::from),
        }
    }

    /// Closes the socket (on sign-out).
    pub(crate) fn close_live(&self) {
        self.realtime.close();
        if let Ok(mut slot) = self.reauth.lock() {
            slot.take();
        }
    }
}
