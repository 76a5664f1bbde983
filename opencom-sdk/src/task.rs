//! Background tasks: a guard that aborts its task when dropped, and spawning that fails with a
//! typed error (instead of tokio's panic) when no runtime is running.

use std::future::Future;

use crate::error::{Error, Result};

/// Spawns `task` on the current tokio runtime. Outside one it is [`Error::Config`] saying so,
/// never a panic.
pub(crate) fn spawn<F>(task: F) -> Result<TaskGuard>
where
    F: Future<Output = ()> + Send + 'static,
{
    Ok(TaskGuard::new(runtime()?.spawn(task)))
}

/// The current tokio runtime, or [`Error::Config`] saying there is none.
pub(crate) fn runtime() -> Result<tokio::runtime::Handle> {
    tokio::runtime::Handle::try_current().map_err(|_| Error::Config {
        message: "no tokio runtime is running: call this from within a tokio runtime (live streams and background tasks run on it)".into(),
    })
}

/// Aborts a background task when dropped.
#[derive(Debug)]
pub(crate) struct TaskGuard(Option<tokio::task::JoinHandle<()>>);

impl TaskGuard {
    pub(crate) fn new(handle: tokio::task::JoinHandle<()>) -> Self {
        Self(Some(handle))
    }

    /// Whether the task is over: returned, panicked, or aborted (also by its runtime shutting
    /// down).
    pub(crate) fn is_finished(&self) -> bool {
        self.0.as_ref().is_none_or(|h| h.is_finished())
    }

    /// Lets the task run on without the guard (used by a task retiring itself).
    pub(crate) fn detach(mut self) {
        self.0 = None;
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawning_outside_a_runtime_is_an_error_not_a_panic() {
        let err = spawn(async {}).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains("tokio runtime"), "{err}");
    }

    #[tokio::test]
    async fn a_dropped_guard_aborts_its_task() {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let guard = spawn(async move {
            let _tx = tx;
            std::future::pending::<()>().await;
        })
        .unwrap();
        drop(guard);
        // The task's end drops the sender: the receiver sees it closed.
        assert!(rx.await.is_err());
    }
}
