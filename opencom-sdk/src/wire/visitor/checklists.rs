//! `checklists:*` as a visitor calls them (CONTRACT §13).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, WorkspaceAuth};

/// `checklists:getEligible`: `[{checklist, progress | null}]`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetEligible<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) limit: Option<u32>,
}

impl Call for GetEligible<'_> {
    const FUNCTION: Function = fns::CHECKLISTS_ELIGIBLE;
    type Output = Vec<EligibleDoc>;
}

/// `checklists:getProgress`: the progress document, or `null`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetProgress<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) checklist_id: &'a str,
}

impl Call for GetProgress<'_> {
    const FUNCTION: Function = fns::CHECKLIST_PROGRESS;
    type Output = Option<ProgressDoc>;
}

/// `checklists:getAllProgress`: the visitor's progress documents, newest first.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetAllProgress<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) limit: Option<u32>,
}

impl Call for GetAllProgress<'_> {
    const FUNCTION: Function = fns::CHECKLIST_ALL_PROGRESS;
    type Output = Vec<ProgressDoc>;
}

/// `checklists:completeTask`: the progress record **as it was before the patch** (not used).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompleteTask<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) checklist_id: &'a str,
    pub(crate) task_id: &'a str,
}

impl Call for CompleteTask<'_> {
    const FUNCTION: Function = fns::CHECKLIST_COMPLETE_TASK;
    type Output = Ignored;
}

/// `checklists:uncompleteTask`: same arguments and answer as [`CompleteTask`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UncompleteTask<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) checklist_id: &'a str,
    pub(crate) task_id: &'a str,
}

impl Call for UncompleteTask<'_> {
    const FUNCTION: Function = fns::CHECKLIST_UNCOMPLETE_TASK;
    type Output = Ignored;
}

/// One item of `getEligible`.
#[derive(Deserialize, Debug)]
pub(crate) struct EligibleDoc {
    pub(crate) checklist: ChecklistDoc,
    pub(crate) progress: Option<ProgressDoc>,
}

/// A `checklists` document (the fields the SDK reads).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChecklistDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) tasks: Vec<TaskDoc>,
}

/// One task of a checklist.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskDoc {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) action: Option<TaskActionDoc>,
    pub(crate) completion_type: String,
    pub(crate) completion_event: Option<String>,
    pub(crate) completion_attribute: Option<AttributeConditionDoc>,
}

/// `task.action`: `{type: "tour"|"url"|"event", tourId?, url?, eventName?}`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskActionDoc {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) tour_id: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) event_name: Option<String>,
}

/// `task.completionAttribute`: `{key, operator, value?}`.
#[derive(Deserialize, Debug)]
pub(crate) struct AttributeConditionDoc {
    pub(crate) key: String,
    pub(crate) operator: String,
    pub(crate) value: Option<Value>,
}

/// A `checklistProgress` document, or the `{completedTaskIds, startedAt?, completedAt?}` of
/// `getEligible` (which has no `checklistId`).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProgressDoc {
    pub(crate) checklist_id: Option<String>,
    pub(crate) completed_task_ids: Vec<String>,
    pub(crate) started_at: Option<f64>,
    pub(crate) completed_at: Option<f64>,
}
