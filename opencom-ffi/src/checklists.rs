//! Checklists: `client.checklists()` — the eligible checklists with the visitor's progress
//! (also live), and completing tasks.

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::listeners::{pump_snapshots, Subscription};
use crate::runtime::{enter, run};
use crate::types::{list, AttributeValue, Delivery};

/// A checklist of onboarding tasks.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Checklist {
    /// Opaque checklist id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// The tasks, in order.
    pub tasks: Vec<ChecklistTask>,
}

impl From<sdk::Checklist> for Checklist {
    fn from(c: sdk::Checklist) -> Self {
        Self {
            id: c.id,
            name: c.name,
            description: c.description,
            tasks: list(c.tasks),
        }
    }
}

/// One task of a checklist.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChecklistTask {
    /// Task id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// What tapping it should do.
    pub action: Option<TaskAction>,
    /// How it gets completed.
    pub completion: CompletionType,
}

impl From<sdk::ChecklistTask> for ChecklistTask {
    fn from(t: sdk::ChecklistTask) -> Self {
        Self {
            id: t.id,
            title: t.title,
            description: t.description,
            action: t.action.map(Into::into),
            completion: t.completion.into(),
        }
    }
}

/// How a task gets completed.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum CompletionType {
    /// Your app completes it: `ChecklistsClient.complete_task`.
    Manual,
    /// The server completes it when the visitor tracks `event`.
    AutoEvent {
        /// The event name.
        event: Option<String>,
    },
    /// The server completes it when the visitor's custom attribute meets `condition`.
    AutoAttribute {
        /// The condition.
        condition: Option<AttributeCondition>,
    },
    /// A completion type this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::CompletionType> for CompletionType {
    fn from(c: sdk::CompletionType) -> Self {
        use sdk::CompletionType as C;
        match c {
            C::Manual => Self::Manual,
            C::AutoEvent { event } => Self::AutoEvent { event },
            C::AutoAttribute { condition } => Self::AutoAttribute {
                condition: condition.map(Into::into),
            },
            C::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// A condition on a custom attribute.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AttributeCondition {
    /// The custom attribute's key.
    pub key: String,
    /// `"equals"`, `"is_set"`, `"greater_than"` or `"less_than"` (as Opencom sends it).
    pub operator: String,
    /// The value compared with, if the operator takes one.
    pub value: Option<AttributeValue>,
}

impl From<sdk::AttributeCondition> for AttributeCondition {
    fn from(c: sdk::AttributeCondition) -> Self {
        Self {
            key: c.key,
            operator: c.operator,
            value: c.value.map(|v| sdk::AttributeValue::from_json(&v).into()),
        }
    }
}

/// What tapping a task should do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TaskAction {
    /// Start a product tour.
    Tour {
        /// The tour, if one is named.
        tour_id: Option<String>,
    },
    /// Open a URL.
    Url {
        /// The URL.
        url: String,
    },
    /// Track an event.
    Event {
        /// The event's name.
        event_name: String,
    },
    /// An action this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::TaskAction> for TaskAction {
    fn from(a: sdk::TaskAction) -> Self {
        use sdk::TaskAction as A;
        match a {
            A::Tour { tour_id } => Self::Tour { tour_id },
            A::Url { url } => Self::Url { url },
            A::Event { event_name } => Self::Event { event_name },
            A::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// The visitor's progress through a checklist.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChecklistProgress {
    /// The checklist.
    pub checklist_id: String,
    /// The completed tasks.
    pub completed_task_ids: Vec<String>,
    /// When the visitor started it (epoch ms).
    pub started_at: Option<f64>,
    /// When the visitor completed it (epoch ms).
    pub completed_at: Option<f64>,
}

impl From<sdk::ChecklistProgress> for ChecklistProgress {
    fn from(p: sdk::ChecklistProgress) -> Self {
        Self {
            checklist_id: p.checklist_id,
            completed_task_ids: p.completed_task_ids,
            started_at: p.started_at,
            completed_at: p.completed_at,
        }
    }
}

/// A checklist the visitor is eligible for, with their progress (`None` before any).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EligibleChecklist {
    /// The checklist.
    pub checklist: Checklist,
    /// The visitor's progress.
    pub progress: Option<ChecklistProgress>,
}

impl From<sdk::EligibleChecklist> for EligibleChecklist {
    fn from(e: sdk::EligibleChecklist) -> Self {
        Self {
            checklist: e.checklist.into(),
            progress: e.progress.map(Into::into),
        }
    }
}

/// Receives the eligible checklists (`ChecklistsClient.watch_eligible`). Called from SDK
/// threads.
#[uniffi::export(with_foreign)]
pub trait ChecklistsListener: Send + Sync {
    /// The whole list, with progress. `from_cache` is true for the offline snapshot; `via`
    /// says how this value arrived.
    fn on_checklists(&self, checklists: Vec<EligibleChecklist>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Checklists: `client.checklists()`.
#[derive(Debug, uniffi::Object)]
pub struct ChecklistsClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl ChecklistsClient {
    /// The checklists this visitor is eligible for, with their progress; `limit` (1–500)
    /// caps the list.
    pub async fn eligible(
        &self,
        limit: Option<u32>,
    ) -> Result<Vec<EligibleChecklist>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.checklists().eligible(limit).await.map(list) }).await
    }

    /// The eligible checklists with progress, live: the cached list first, then every change.
    /// Cancel (or drop) the subscription to stop.
    pub fn watch_eligible(
        &self,
        listener: Arc<dyn ChecklistsListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.checklists().watch_eligible()?;
        let errors = Arc::clone(&listener);
        pump_snapshots(
            stream,
            move |items, from_cache, via| listener.on_checklists(list(items), from_cache, via),
            move |error| errors.on_error(error),
        )
    }

    /// The visitor's progress through one checklist (`None` before any).
    pub async fn progress(
        &self,
        checklist_id: String,
    ) -> Result<Option<ChecklistProgress>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let found = c.checklists().progress(&checklist_id).await?;
            Ok(found.map(ChecklistProgress::from))
        })
        .await
    }

    /// The visitor's progress through every checklist.
    pub async fn all_progress(&self) -> Result<Vec<ChecklistProgress>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.checklists().all_progress().await.map(list) }).await
    }

    /// Marks a task completed; returns the progress after it.
    pub async fn complete_task(
        &self,
        checklist_id: String,
        task_id: String,
    ) -> Result<ChecklistProgress, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.checklists()
                .complete_task_by_id(&checklist_id, &task_id)
                .await
        })
        .await
    }

    /// Marks a task not completed; returns the progress after it.
    pub async fn uncomplete_task(
        &self,
        checklist_id: String,
        task_id: String,
    ) -> Result<ChecklistProgress, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.checklists()
                .uncomplete_task_by_id(&checklist_id, &task_id)
                .await
        })
        .await
    }
}

#[uniffi::export]
impl OpencomClient {
    /// Checklists.
    pub fn checklists(&self) -> Arc<ChecklistsClient> {
        Arc::new(ChecklistsClient {
            client: self.core().clone(),
        })
    }
}
