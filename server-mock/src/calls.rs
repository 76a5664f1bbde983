//! The log of every `/api` request the mock received.

use serde::Serialize;
use serde_json::Value;

/// One `/api/…` request (or sync-socket request) as the mock saw it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// use server_mock::{CallOutcome, ServerMock};
///
/// let mock = ServerMock::start().await?;
/// // … the code under test calls the mock …
/// for call in mock.calls() {
///     if let CallOutcome::FunctionError(message) = &call.outcome {
///         eprintln!("{} ({}) failed: {message}", call.path, call.endpoint);
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedCall {
    /// The function path, normalised to `module:function` (`visitors.js:identify` →
    /// `visitors:identify`); empty when the body had none.
    pub path: String,
    /// `"query"`, `"mutation"`, `"action"` or `"run"` (the kind asked for: over the WebSocket a
    /// subscription is `"query"`), or `"upload"` for `POST /api/storage/upload` (recorded with
    /// the path `"_storage:upload"`).
    pub endpoint: String,
    /// How the request arrived.
    pub transport: Transport,
    /// The `args` exactly as sent (an object, or a legacy one-element array); `null` when the
    /// body could not be parsed. Over the sync socket: the argument object (unwrapped from
    /// Convex's `[{…}]`). For an upload: `{size, contentType}`.
    pub args: Value,
    /// What the mock answered.
    pub outcome: CallOutcome,
}

/// How a recorded request reached the mock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Transport {
    /// A plain HTTP request (`/api/query|mutation|action|run`, the storage upload).
    #[serde(rename = "http")]
    Http,
    /// A message on a sync WebSocket (`/api/sync`): a subscription being added (not its
    /// re-runs), a mutation or an action.
    #[serde(rename = "websocket")]
    WebSocket,
}

/// How the mock answered a recorded request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "detail", rename_all = "camelCase")]
pub enum CallOutcome {
    /// The function ran and returned (`{"status":"success"}`).
    Success,
    /// The function was looked up or ran and failed (`{"status":"error"}`, HTTP 560); the
    /// `errorMessage` as sent, e.g. `"[Request ID: …] Server Error\nUncaught Error: Session expired"`.
    FunctionError(String),
    /// The request was refused before any function ran (bad JSON, bad format, bad auth header)
    /// with this HTTP status.
    Rejected(u16),
    /// An injected fault answered instead of the function (status, rate limit, malformed body,
    /// dropped connection). For a drop *after* the run, the function did run.
    Faulted,
}
