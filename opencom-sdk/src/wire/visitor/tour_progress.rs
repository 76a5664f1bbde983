//! `tourProgress:*` as a visitor calls them (CONTRACT §13).

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::tours::{StepDoc, TourDoc};
use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// `tourProgress:getActive`: the visitor's in-progress (and woken snoozed) tours, each its
/// progress document with `tour` and `steps` added. An array, as Opencom's source returns.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetActive<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for GetActive<'_> {
    const FUNCTION: Function = fns::TOUR_ACTIVE;
    type Output = Vec<ActiveDoc>;
}

/// `tourProgress:getAvailableTours`: `[{tour, steps, progress?}]`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetAvailable<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) current_url: Option<&'a str>,
}

impl Call for GetAvailable<'_> {
    const FUNCTION: Function = fns::TOUR_AVAILABLE;
    type Output = Vec<AvailableDoc>;
}

/// `tourProgress:start`: the progress id.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Start<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) tour_id: &'a str,
    pub(crate) force: Option<bool>,
    pub(crate) current_url: Option<&'a str>,
}

impl Call for Start<'_> {
    const FUNCTION: Function = fns::TOUR_START;
    type Output = String;
}

/// `tourProgress:advance`: `{progressId, advanced, blockedReason?, status, nextStep}`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Advance<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) tour_id: &'a str,
    pub(crate) mode: Option<&'a str>,
    pub(crate) target_matched: Option<bool>,
    pub(crate) field_value: Option<&'a str>,
    pub(crate) selector: Option<&'a str>,
    pub(crate) current_url: Option<&'a str>,
}

impl Call for Advance<'_> {
    const FUNCTION: Function = fns::TOUR_ADVANCE;
    type Output = AdvanceDoc;
}

/// `tourProgress:skipStep`: `{progressId, skipped, reason, status, nextStep}`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SkipStep<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) tour_id: &'a str,
    pub(crate) reason: &'a str,
    pub(crate) selector: Option<&'a str>,
    pub(crate) current_url: Option<&'a str>,
}

impl Call for SkipStep<'_> {
    const FUNCTION: Function = fns::TOUR_SKIP_STEP;
    type Output = SkipDoc;
}

/// `tourProgress:complete` / `dismiss` / `dismissPermanently` / `snooze` / `restart`: `{tourId}`
/// in, the progress id out. The function is chosen at the call site.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TourOnly<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
    pub(crate) tour_id: &'a str,
}

/// An item of `getActive`: a progress document with its tour and steps.
#[derive(Deserialize, Debug)]
pub(crate) struct ActiveDoc {
    #[serde(flatten)]
    pub(crate) progress: ProgressDoc,
    pub(crate) tour: TourDoc,
    pub(crate) steps: Vec<StepDoc>,
}

/// An item of `getAvailableTours`.
#[derive(Deserialize, Debug)]
pub(crate) struct AvailableDoc {
    pub(crate) tour: TourDoc,
    pub(crate) steps: Vec<StepDoc>,
    pub(crate) progress: Option<ProgressDoc>,
}

/// A `tourProgress` document (the fields the SDK reads).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProgressDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) tour_id: String,
    pub(crate) status: String,
    pub(crate) current_step: f64,
    pub(crate) snoozed_until: Option<f64>,
    pub(crate) completed_at: Option<f64>,
    pub(crate) last_blocked_reason: Option<String>,
}

/// The answer of `advance`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AdvanceDoc {
    pub(crate) advanced: bool,
    pub(crate) blocked_reason: Option<String>,
    pub(crate) status: String,
    pub(crate) next_step: f64,
}

/// The answer of `skipStep`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SkipDoc {
    pub(crate) status: String,
    pub(crate) next_step: f64,
}
