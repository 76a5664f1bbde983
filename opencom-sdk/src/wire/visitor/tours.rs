//! `tours:*` as a visitor calls them (CONTRACT §13), and the tour and step documents that
//! `tourProgress:*` returns too.

use serde::{Deserialize, Serialize};

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, WorkspaceAuth};

/// `tours:listAll`: `[{tour, steps, tourStatus, elementSelectors}]`, by ascending priority.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListAll<'a> {
    #[serde(flatten)]
    pub(crate) auth: WorkspaceAuth<'a>,
}

impl Call for ListAll<'_> {
    const FUNCTION: Function = fns::TOURS_LIST_ALL;
    type Output = Vec<ListedDoc>;
}

/// One item of `listAll`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListedDoc {
    pub(crate) tour: TourDoc,
    pub(crate) steps: Vec<StepDoc>,
    pub(crate) tour_status: String,
}

/// A `tours` document (the fields the SDK reads).
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TourDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) display_mode: Option<String>,
    pub(crate) priority: Option<f64>,
    pub(crate) allow_snooze: Option<bool>,
    pub(crate) allow_restart: Option<bool>,
}

/// A `tourSteps` document.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StepDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) order: f64,
    pub(crate) title: Option<String>,
    pub(crate) content: String,
    pub(crate) element_selector: Option<String>,
    pub(crate) route_path: Option<String>,
    pub(crate) advance_on: Option<String>,
    pub(crate) position: Option<String>,
    pub(crate) media_url: Option<String>,
}
