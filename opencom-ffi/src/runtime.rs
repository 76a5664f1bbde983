//! The runtime decision, in one place.
//!
//! Hosts (Swift, Kotlin, Python) drive the futures of exported `async` methods with their own
//! executors, and uniffi's `async_runtime = "tokio"` would only wrap each call in a
//! current-thread fallback runtime. The SDK's background work (heartbeat, live queries, the
//! outbox, the WebSocket) needs a runtime that outlives any single call, so this crate owns
//! **one** multi-thread tokio runtime for the whole process, created on first use:
//!
//! - every exported `async` method spawns its work on it ([`run`]) and the host awaits a
//!   runtime-agnostic join handle; when the host cancels (drops) the call, the task is aborted;
//! - synchronous methods that start background work (the `watch_*` listeners) enter it
//!   ([`enter`]);
//! - listener callbacks are made from its worker threads.
//!
//! Two worker threads: the SDK is I/O bound, and a phone has better uses for its cores.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use futures::{FutureExt, TryFutureExt};
use tokio::runtime::{Builder, EnterGuard, Runtime};
use tokio::task::JoinHandle;

use crate::error::OpencomError;

/// Worker threads of the SDK runtime.
const WORKER_THREADS: usize = 2;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The process-wide SDK runtime, created on first use.
pub(crate) fn runtime() -> Result<&'static Runtime, OpencomError> {
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name("opencom-sdk")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| OpencomError::Internal {
            detail: format!("cannot start the SDK runtime: {e}"),
        })
}

/// Enters the runtime on this thread, so that SDK calls which spawn background tasks can be
/// made from a host thread.
pub(crate) fn enter() -> Result<EnterGuard<'static>, OpencomError> {
    Ok(runtime()?.enter())
}

/// A spawned SDK call, its output type erased: every exported `async` method spawns this one
/// type, so the runtime's task machinery (harness, join handle, abort) is compiled once instead
/// of once per method (issue 14: it was ~60 copies).
type ErasedCall =
    Pin<Box<dyn Future<Output = Result<Box<dyn Any + Send>, opencom_sdk::Error>> + Send>>;

/// A listener pump, boxed for the same reason.
type ErasedPump = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Spawns a task on the runtime; used for listener pumps that live as long as a subscription.
pub(crate) fn spawn<F>(future: F) -> Result<JoinHandle<()>, OpencomError>
where
    F: Future<Output = ()> + Send + 'static,
{
    spawn_erased(Box::pin(future))
}

fn spawn_erased(future: ErasedPump) -> Result<JoinHandle<()>, OpencomError> {
    Ok(runtime()?.spawn(future))
}

/// Runs an SDK call on the runtime and converts its result at the boundary. The host awaits a
/// join handle; dropping the returned future (the host cancelled the call) aborts the task.
///
/// Only the boxing and the final `T::from` are generic; spawning, joining and the error
/// conversion are one non-generic function ([`run_erased`]). Not an `async fn`, so that no
/// state machine is generated per call site either: the call is boxed here and nothing runs
/// until the returned future is awaited.
pub(crate) fn run<F, U, T>(future: F) -> impl Future<Output = Result<T, OpencomError>>
where
    F: Future<Output = Result<U, opencom_sdk::Error>> + Send + 'static,
    U: Send + 'static,
    T: From<U>,
{
    let call: ErasedCall = Box::pin(future.map_ok(|value| Box::new(value) as Box<dyn Any + Send>));
    run_erased(call).map(|result| {
        result.and_then(|value| match value.downcast::<U>() {
            Ok(value) => Ok(T::from(*value)),
            // Unreachable: the box was filled with a `U` just above.
            Err(_) => Err(OpencomError::Internal {
                detail: "the SDK task returned an unexpected type".into(),
            }),
        })
    })
}

/// The one spawn-and-join path of every SDK call.
async fn run_erased(call: ErasedCall) -> Result<Box<dyn Any + Send>, OpencomError> {
    let handle = AbortOnDrop(runtime()?.spawn(call));
    match handle.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.into()),
        Err(e) => Err(OpencomError::Internal {
            detail: if e.is_panic() {
                "the SDK task panicked".into()
            } else {
                "the SDK task was cancelled".into()
            },
        }),
    }
}

/// A join handle that aborts its task when dropped before completion.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        // A no-op once the task has finished.
        self.0.abort();
    }
}
