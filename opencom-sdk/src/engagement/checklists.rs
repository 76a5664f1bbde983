//! Checklists (`checklists:*`, CONTRACT §13): the visitor's eligible onboarding checklists with
//! their progress, and completing tasks by hand. `auto_event` tasks are completed by the server
//! when the visitor tracks the task's event (`events().track(..)`), `auto_attribute` tasks when
//! the visitor's custom attribute meets the condition: [`ChecklistsClient::watch_eligible`]
//! shows both.

use std::sync::Arc;

use serde_json::Value;

use crate::context::{watch, Context, QuerySpec};
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::realtime::LiveStream;
use crate::wire::visitor::checklists as wire_checklists;
use crate::wire::visitor::checklists::{
    AttributeConditionDoc, ChecklistDoc, EligibleDoc, ProgressDoc, TaskActionDoc, TaskDoc,
};
use crate::wire::{self, Call};

/// The most checklists [`ChecklistsClient::eligible`] asks for (Opencom clamps to 500).
pub const MAX_CHECKLISTS: u32 = 500;

/// An onboarding checklist as the dashboard defined it.
///
/// ```
/// # fn show(checklist: &opencom_sdk::Checklist) {
/// for task in &checklist.tasks {
///     println!("[{}] {}", task.id, task.title);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Checklist {
    /// The checklist id.
    pub id: String,
    /// Its title.
    pub name: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// The tasks, in the dashboard's order.
    pub tasks: Vec<ChecklistTask>,
}

impl Checklist {
    /// The task with this id, if the checklist has one.
    ///
    /// ```
    /// # fn show(checklist: &opencom_sdk::Checklist) {
    /// if let Some(task) = checklist.task("say-hello") {
    ///     println!("{}", task.title);
    /// }
    /// # }
    /// ```
    pub fn task(&self, task_id: &str) -> Option<&ChecklistTask> {
        self.tasks.iter().find(|t| t.id == task_id)
    }
}

/// One task of a [`Checklist`].
///
/// ```
/// use opencom_sdk::{ChecklistTask, CompletionType};
/// fn needs_a_tap(task: &ChecklistTask) -> bool {
///     task.completion == CompletionType::Manual
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChecklistTask {
    /// The task id (unique within its checklist).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// What tapping the task should do, if anything.
    pub action: Option<TaskAction>,
    /// How the task gets completed.
    pub completion: CompletionType,
}

/// How a [`ChecklistTask`] is completed.
///
/// ```
/// use opencom_sdk::CompletionType;
/// let by_event = CompletionType::AutoEvent { event: Some("profile_completed".into()) };
/// assert!(by_event.is_automatic());
/// assert!(!CompletionType::Manual.is_automatic());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CompletionType {
    /// The visitor (your app) completes it: [`ChecklistsClient::complete_task`].
    Manual,
    /// The server completes it when the visitor tracks `event`.
    AutoEvent {
        /// The event name (`completionEvent`).
        event: Option<String>,
    },
    /// The server completes it when the visitor's custom attribute meets `condition`.
    AutoAttribute {
        /// The condition (`completionAttribute`).
        condition: Option<AttributeCondition>,
    },
    /// A completion type this SDK version does not know.
    Other(String),
}

impl CompletionType {
    /// True when the server completes the task by itself.
    pub fn is_automatic(&self) -> bool {
        matches!(self, Self::AutoEvent { .. } | Self::AutoAttribute { .. })
    }
}

/// The custom-attribute condition of an `auto_attribute` task.
///
/// ```
/// # fn show(c: &opencom_sdk::AttributeCondition) {
/// println!("{} {} {:?}", c.key, c.operator, c.value);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AttributeCondition {
    /// The custom attribute's key.
    pub key: String,
    /// `"equals"`, `"is_set"`, `"greater_than"` or `"less_than"` (as Opencom sends it).
    pub operator: String,
    /// The value compared with, if the operator takes one.
    pub value: Option<Value>,
}

/// What tapping a task should do.
///
/// ```
/// use opencom_sdk::TaskAction;
/// fn open(action: &TaskAction) {
///     match action {
///         TaskAction::Url { url } => println!("open {url}"),
///         TaskAction::Tour { tour_id } => println!("start tour {tour_id:?}"),
///         _ => {}
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TaskAction {
    /// Start a product tour (see [`ToursClient::start`](crate::ToursClient::start)).
    Tour {
        /// The tour, when the dashboard named one.
        tour_id: Option<String>,
    },
    /// Open a URL.
    Url {
        /// The URL.
        url: String,
    },
    /// Track an event (see [`EventsClient::track`](crate::EventsClient::track)).
    Event {
        /// The event name.
        event_name: String,
    },
    /// An action this SDK version does not know (or one missing its target), by its type.
    Other(String),
}

/// A visitor's progress through one checklist.
///
/// ```
/// # fn show(p: &opencom_sdk::ChecklistProgress) {
/// println!("{} done, finished: {}", p.completed_task_ids.len(), p.completed_at.is_some());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ChecklistProgress {
    /// The checklist this progress is for.
    pub checklist_id: String,
    /// The ids of the completed tasks.
    pub completed_task_ids: Vec<String>,
    /// When the first task was completed (ms since the epoch).
    pub started_at: Option<f64>,
    /// When the last task was completed (ms since the epoch); `None` while any task is open.
    pub completed_at: Option<f64>,
}

impl ChecklistProgress {
    /// Whether the task is completed.
    ///
    /// ```
    /// # fn show(p: &opencom_sdk::ChecklistProgress) {
    /// println!("{}", p.is_task_completed("say-hello"));
    /// # }
    /// ```
    pub fn is_task_completed(&self, task_id: &str) -> bool {
        self.completed_task_ids.iter().any(|t| t == task_id)
    }
}

/// An eligible checklist and the visitor's progress through it.
///
/// ```
/// # fn show(item: &opencom_sdk::EligibleChecklist) {
/// println!("{}: {:.0}%", item.checklist.name, item.fraction() * 100.0);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EligibleChecklist {
    /// The checklist.
    pub checklist: Checklist,
    /// The visitor's progress; `None` before any task was completed.
    pub progress: Option<ChecklistProgress>,
}

impl EligibleChecklist {
    /// Whether the task is completed.
    pub fn is_task_completed(&self, task_id: &str) -> bool {
        self.progress
            .as_ref()
            .is_some_and(|p| p.is_task_completed(task_id))
    }

    /// The share of the checklist's tasks completed, from 0.0 to 1.0 (1.0 for a checklist
    /// without tasks). Ids of tasks the checklist no longer has do not count.
    pub fn fraction(&self) -> f64 {
        let total = self.checklist.tasks.len();
        if total == 0 {
            return 1.0;
        }
        let done = self
            .checklist
            .tasks
            .iter()
            .filter(|t| self.is_task_completed(&t.id))
            .count();
        done as f64 / total as f64
    }

    /// Whether every task is completed.
    pub fn is_complete(&self) -> bool {
        self.checklist
            .tasks
            .iter()
            .all(|t| self.is_task_completed(&t.id))
    }
}

/// Checklists: `client.checklists()`.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
/// for item in client.checklists().eligible(None).await? {
///     println!("{} {:.0}%", item.checklist.name, item.fraction() * 100.0);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct ChecklistsClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl ChecklistsClient<'_> {
    /// The checklists this visitor is eligible for (active, audience matched), newest first,
    /// each with the visitor's progress. `limit` defaults to Opencom's 100; at most
    /// [`MAX_CHECKLISTS`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let items = client.checklists().eligible(Some(10)).await?;
    /// # let _ = items; Ok(()) }
    /// ```
    pub async fn eligible(&self, limit: Option<u32>) -> Result<Vec<EligibleChecklist>> {
        check_limit(limit)?;
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| wire_checklists::GetEligible {
                auth: c.workspace(workspace_id),
                limit,
            })
            .await?;
        docs.into_iter().map(eligible_from_doc).collect()
    }

    /// [`eligible`](Self::eligible) (Opencom's default limit), live: the cached list first,
    /// then every change — a task completed here, by an event, or a checklist published.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use futures::StreamExt;
    /// let mut stream = client.checklists().watch_eligible()?;
    /// while let Some(Ok(snapshot)) = stream.next().await {
    ///     println!("{} checklists", snapshot.value.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch_eligible(&self) -> Result<LiveStream<Vec<EligibleChecklist>>> {
        let workspace_id = self.ctx.config.workspace_id.clone();
        let function = wire_checklists::GetEligible::FUNCTION;
        let spec = QuerySpec {
            function,
            args: Box::new(move |c| {
                wire::to_object(
                    function,
                    &wire_checklists::GetEligible {
                        auth: c.workspace(&workspace_id),
                        limit: None,
                    },
                )
            }),
            cache: Some("checklists/eligible".into()),
        };
        watch(
            self.ctx,
            spec,
            Box::new(move |_, raw: &Value| {
                let docs: Vec<EligibleDoc> = wire::decode(function, raw.clone())?;
                docs.into_iter().map(eligible_from_doc).collect()
            }),
            None,
        )
    }

    /// The visitor's progress through one checklist; `None` before any task was completed (or
    /// for a checklist that does not exist).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, id: &str) -> opencom_sdk::Result<()> {
    /// if let Some(progress) = client.checklists().progress(id).await? {
    ///     println!("{:?}", progress.completed_task_ids);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn progress(&self, checklist_id: &str) -> Result<Option<ChecklistProgress>> {
        check_id("checklist_id", checklist_id)?;
        self.read_progress(checklist_id).await
    }

    async fn read_progress(&self, checklist_id: &str) -> Result<Option<ChecklistProgress>> {
        let workspace_id = &self.ctx.config.workspace_id;
        let doc = self
            .ctx
            .session
            .request(|c| wire_checklists::GetProgress {
                auth: c.workspace(workspace_id),
                checklist_id,
            })
            .await
            .map_err(map_error)?;
        doc.map(|d| progress_from_doc(d, Some(checklist_id)))
            .transpose()
    }

    /// The visitor's progress through every checklist they started, newest first.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let all = client.checklists().all_progress().await?;
    /// # let _ = all; Ok(()) }
    /// ```
    pub async fn all_progress(&self) -> Result<Vec<ChecklistProgress>> {
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| wire_checklists::GetAllProgress {
                auth: c.workspace(workspace_id),
                limit: None,
            })
            .await?;
        docs.into_iter()
            .map(|d| progress_from_doc(d, None))
            .collect()
    }

    /// Completes a task of `checklist` and returns the progress **after** the change.
    /// A `task_id` the checklist does not have is [`Error::InvalidInput`] before any call.
    ///
    /// Opencom's `completeTask` answers with the record as it was *before* its patch, so the
    /// SDK re-reads it with `checklists:getProgress` (one more query) rather than guessing
    /// the server's `completedAt`. Completing a completed task changes nothing.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let items = client.checklists().eligible(None).await?;
    /// let first = &items[0].checklist;
    /// let progress = client.checklists().complete_task(first, &first.tasks[0].id).await?;
    /// assert!(progress.is_task_completed(&first.tasks[0].id));
    /// # Ok(()) }
    /// ```
    pub async fn complete_task(
        &self,
        checklist: &Checklist,
        task_id: &str,
    ) -> Result<ChecklistProgress> {
        check_task(checklist, task_id)?;
        self.complete_task_by_id(&checklist.id, task_id).await
    }

    /// [`complete_task`](Self::complete_task) by ids, when the [`Checklist`] is not at hand:
    /// the task is then checked by the server, whose "Task not found" is
    /// [`Error::InvalidInput`] on `task_id`; an unknown checklist is [`Error::NotFound`], one of
    /// another workspace [`Error::NotAuthorized`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let progress = client.checklists().complete_task_by_id("checklist-id", "say-hello").await?;
    /// # let _ = progress; Ok(()) }
    /// ```
    pub async fn complete_task_by_id(
        &self,
        checklist_id: &str,
        task_id: &str,
    ) -> Result<ChecklistProgress> {
        check_ids(checklist_id, task_id)?;
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|c| wire_checklists::CompleteTask {
                auth: c.workspace(workspace_id),
                checklist_id,
                task_id,
            })
            .await
            .map_err(map_error)?;
        self.after_change(checklist_id).await
    }

    /// Marks a task of `checklist` as not completed (and the checklist as not finished) and
    /// returns the progress **after** the change, re-read as for
    /// [`complete_task`](Self::complete_task). Before any task was completed there is no
    /// progress to change: the result is then an empty progress.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, checklist: opencom_sdk::Checklist) -> opencom_sdk::Result<()> {
    /// let progress = client.checklists().uncomplete_task(&checklist, "say-hello").await?;
    /// assert!(!progress.is_task_completed("say-hello"));
    /// # Ok(()) }
    /// ```
    pub async fn uncomplete_task(
        &self,
        checklist: &Checklist,
        task_id: &str,
    ) -> Result<ChecklistProgress> {
        check_task(checklist, task_id)?;
        self.uncomplete_task_by_id(&checklist.id, task_id).await
    }

    /// [`uncomplete_task`](Self::uncomplete_task) by ids (Opencom does not check the task id
    /// here: an unknown one changes nothing).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.checklists().uncomplete_task_by_id("checklist-id", "say-hello").await?;
    /// # Ok(()) }
    /// ```
    pub async fn uncomplete_task_by_id(
        &self,
        checklist_id: &str,
        task_id: &str,
    ) -> Result<ChecklistProgress> {
        check_ids(checklist_id, task_id)?;
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|c| wire_checklists::UncompleteTask {
                auth: c.workspace(workspace_id),
                checklist_id,
                task_id,
            })
            .await
            .map_err(map_error)?;
        self.after_change(checklist_id).await
    }

    async fn after_change(&self, checklist_id: &str) -> Result<ChecklistProgress> {
        Ok(self
            .read_progress(checklist_id)
            .await?
            .unwrap_or_else(|| ChecklistProgress {
                checklist_id: checklist_id.to_owned(),
                completed_task_ids: Vec::new(),
                started_at: None,
                completed_at: None,
            }))
    }
}

fn check_limit(limit: Option<u32>) -> Result<()> {
    match limit {
        Some(0) => Err(Error::invalid("limit", "must be at least 1")),
        Some(n) if n > MAX_CHECKLISTS => Err(Error::invalid(
            "limit",
            format!("must be at most {MAX_CHECKLISTS}"),
        )),
        _ => Ok(()),
    }
}

fn check_ids(checklist_id: &str, task_id: &str) -> Result<()> {
    check_id("checklist_id", checklist_id)?;
    if task_id.trim().is_empty() {
        return Err(Error::invalid("task_id", "must not be empty"));
    }
    Ok(())
}

fn check_task(checklist: &Checklist, task_id: &str) -> Result<()> {
    check_ids(&checklist.id, task_id)?;
    if checklist.task(task_id).is_none() {
        return Err(Error::invalid(
            "task_id",
            format!("checklist {} has no task {task_id:?}", checklist.id),
        ));
    }
    Ok(())
}

/// Opencom's checklist refusals, which it only offers as text: "Task not found" is a bad
/// `task_id`; "Checklist does not belong to workspace" names another tenant's checklist
/// ("Checklist not found" is already [`Error::NotFound`]).
fn map_error(err: Error) -> Error {
    match err {
        Error::NotFound { message } if message.starts_with("Task not found") => {
            Error::InvalidInput {
                field: "task_id".into(),
                reason: message,
            }
        }
        Error::Server { message }
            if message.starts_with("Checklist does not belong to workspace") =>
        {
            Error::NotAuthorized { message }
        }
        other => other,
    }
}

fn eligible_from_doc(doc: EligibleDoc) -> Result<EligibleChecklist> {
    let checklist = checklist_from_doc(doc.checklist);
    let progress = doc
        .progress
        .map(|p| progress_from_doc(p, Some(&checklist.id)))
        .transpose()?;
    Ok(EligibleChecklist {
        checklist,
        progress,
    })
}

fn checklist_from_doc(doc: ChecklistDoc) -> Checklist {
    Checklist {
        id: doc.id,
        name: doc.name,
        description: doc.description,
        tasks: doc.tasks.into_iter().map(task_from_doc).collect(),
    }
}

fn task_from_doc(doc: TaskDoc) -> ChecklistTask {
    let completion = match doc.completion_type.as_str() {
        "manual" => CompletionType::Manual,
        "auto_event" => CompletionType::AutoEvent {
            event: doc.completion_event,
        },
        "auto_attribute" => CompletionType::AutoAttribute {
            condition: doc.completion_attribute.map(condition_from_doc),
        },
        _ => CompletionType::Other(doc.completion_type),
    };
    ChecklistTask {
        id: doc.id,
        title: doc.title,
        description: doc.description,
        action: doc.action.map(action_from_doc),
        completion,
    }
}

fn condition_from_doc(doc: AttributeConditionDoc) -> AttributeCondition {
    AttributeCondition {
        key: doc.key,
        operator: doc.operator,
        value: doc.value,
    }
}

fn action_from_doc(doc: TaskActionDoc) -> TaskAction {
    match (doc.kind.as_str(), doc.url, doc.event_name) {
        ("tour", _, _) => TaskAction::Tour {
            tour_id: doc.tour_id,
        },
        ("url", Some(url), _) => TaskAction::Url { url },
        ("event", _, Some(event_name)) => TaskAction::Event { event_name },
        _ => TaskAction::Other(doc.kind),
    }
}

/// `checklist_id`: the checklist asked about, for the answers that do not name it.
fn progress_from_doc(doc: ProgressDoc, checklist_id: Option<&str>) -> Result<ChecklistProgress> {
    let checklist_id = match (doc.checklist_id, checklist_id) {
        (Some(id), _) => id,
        (None, Some(id)) => id.to_owned(),
        (None, None) => {
            return Err(Error::Decode {
                message: "checklists:getAllProgress: missing field `checklistId`".into(),
            })
        }
    };
    Ok(ChecklistProgress {
        checklist_id,
        completed_task_ids: doc.completed_task_ids,
        started_at: doc.started_at,
        completed_at: doc.completed_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::visitor::test_support::workspace_auth;
    use serde_json::json;

    #[test]
    fn arguments_are_named_as_the_contract() {
        let args = wire_checklists::CompleteTask {
            auth: workspace_auth(),
            checklist_id: "c1",
            task_id: "t1",
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "checklistId": "c1", "taskId": "t1"})
        );
        let args = wire_checklists::GetEligible {
            auth: workspace_auth(),
            limit: None,
        };
        assert!(serde_json::to_value(&args).unwrap().get("limit").is_none());
        let args = wire_checklists::GetEligible {
            auth: workspace_auth(),
            limit: Some(5),
        };
        assert_eq!(serde_json::to_value(&args).unwrap()["limit"], 5);
        let args = wire_checklists::GetProgress {
            auth: workspace_auth(),
            checklist_id: "c1",
        };
        assert_eq!(serde_json::to_value(&args).unwrap()["checklistId"], "c1");
    }

    #[test]
    fn checklists_decode_into_typed_tasks() {
        let raw = json!([{
            "checklist": {"_id": "c1", "_creationTime": 1, "name": "Get started", "status": "active",
                "tasks": [
                    {"id": "a", "title": "A", "completionType": "manual"},
                    {"id": "b", "title": "B", "completionType": "auto_event",
                     "completionEvent": "done", "action": {"type": "event", "eventName": "done"}},
                    {"id": "c", "title": "C", "completionType": "auto_attribute",
                     "completionAttribute": {"key": "plan", "operator": "is_set"},
                     "action": {"type": "url", "url": "https://x.example"}},
                    {"id": "d", "title": "D", "completionType": "quiz",
                     "action": {"type": "tour", "tourId": "t9"}},
                    {"id": "e", "title": "E", "completionType": "manual",
                     "action": {"type": "hologram"}},
                ]},
            "progress": {"completedTaskIds": ["a", "gone"], "startedAt": 5},
        }]);
        let docs: Vec<EligibleDoc> =
            wire::decode(wire_checklists::GetEligible::FUNCTION, raw).unwrap();
        let items: Vec<EligibleChecklist> = docs
            .into_iter()
            .map(eligible_from_doc)
            .collect::<Result<_>>()
            .unwrap();
        let item = &items[0];
        let tasks = &item.checklist.tasks;
        assert_eq!(tasks[0].completion, CompletionType::Manual);
        assert_eq!(
            tasks[1].completion,
            CompletionType::AutoEvent {
                event: Some("done".into())
            }
        );
        assert!(matches!(
            &tasks[2].completion,
            CompletionType::AutoAttribute { condition: Some(c) } if c.key == "plan" && c.operator == "is_set"
        ));
        assert_eq!(tasks[3].completion, CompletionType::Other("quiz".into()));
        assert_eq!(
            tasks[3].action,
            Some(TaskAction::Tour {
                tour_id: Some("t9".into())
            })
        );
        assert_eq!(
            tasks[2].action,
            Some(TaskAction::Url {
                url: "https://x.example".into()
            })
        );
        assert_eq!(tasks[4].action, Some(TaskAction::Other("hologram".into())));
        let progress = item.progress.as_ref().unwrap();
        assert_eq!(progress.checklist_id, "c1");
        assert!(item.is_task_completed("a"));
        assert!(!item.is_task_completed("b"));
        assert!(
            (item.fraction() - 0.2).abs() < 1e-9,
            "an unknown id does not count"
        );
        assert!(!item.is_complete());
    }

    #[test]
    fn a_malformed_checklist_is_a_decode_error() {
        let raw = json!([{"checklist": {"_id": "c1", "name": "X", "tasks": [{"id": "a"}]},
                          "progress": null}]);
        let err = wire::decode::<Vec<EligibleDoc>>(wire_checklists::GetEligible::FUNCTION, raw)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { message } if message.contains("checklists:getEligible")
            && message.contains("tasks[0]")),
            "{err:?}"
        );
        let raw = json!([{"completedTaskIds": [], "startedAt": 1}]);
        let docs: Vec<ProgressDoc> =
            wire::decode(wire_checklists::GetAllProgress::FUNCTION, raw).unwrap();
        let err = progress_from_doc(docs.into_iter().next().unwrap(), None).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }));
    }

    #[test]
    fn server_refusals_map_to_typed_errors() {
        assert!(matches!(
            map_error(Error::NotFound { message: "Task not found".into() }),
            Error::InvalidInput { field, .. } if field == "task_id"
        ));
        assert!(matches!(
            map_error(Error::NotFound {
                message: "Checklist not found".into()
            }),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            map_error(Error::Server {
                message: "Checklist does not belong to workspace".into()
            }),
            Error::NotAuthorized { .. }
        ));
    }

    #[test]
    fn an_empty_checklist_is_complete() {
        let item = EligibleChecklist {
            checklist: Checklist {
                id: "c".into(),
                name: "n".into(),
                description: None,
                tasks: vec![],
            },
            progress: None,
        };
        assert!(item.is_complete());
        assert!((item.fraction() - 1.0).abs() < f64::EPSILON);
        assert!(check_limit(Some(0)).is_err());
        assert!(check_limit(Some(501)).is_err());
        assert!(check_limit(Some(500)).is_ok());
    }
}
