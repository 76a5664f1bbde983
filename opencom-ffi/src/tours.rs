//! Product tours: `client.tours()` — the tours offered to the visitor and their progress
//! (start, advance, skip, complete, dismiss, snooze, restart).

use std::sync::Arc;

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::runtime::run;
use crate::types::list;

/// A product tour.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Tour {
    /// Opaque tour id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// When it is offered again.
    pub display_mode: DisplayMode,
    /// Priority (higher first).
    pub priority: f64,
    /// Whether the visitor may snooze it.
    pub allow_snooze: bool,
    /// Whether the visitor may restart it.
    pub allow_restart: bool,
    /// The steps, in order.
    pub steps: Vec<TourStep>,
}

impl From<sdk::Tour> for Tour {
    fn from(t: sdk::Tour) -> Self {
        Self {
            id: t.id,
            name: t.name,
            description: t.description,
            display_mode: t.display_mode.into(),
            priority: t.priority,
            allow_snooze: t.allow_snooze,
            allow_restart: t.allow_restart,
            steps: list(t.steps),
        }
    }
}

/// When a tour is offered again.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DisplayMode {
    /// Once: not offered again after it was started and left.
    FirstTimeOnly,
    /// Until the visitor dismisses it (or while it is snoozed).
    UntilDismissed,
    /// A mode this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::DisplayMode> for DisplayMode {
    fn from(m: sdk::DisplayMode) -> Self {
        match m {
            sdk::DisplayMode::FirstTimeOnly => Self::FirstTimeOnly,
            sdk::DisplayMode::UntilDismissed => Self::UntilDismissed,
            sdk::DisplayMode::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// One step of a tour.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TourStep {
    /// Step id.
    pub id: String,
    /// Position, from 0.
    pub order: u32,
    /// How it is shown.
    pub kind: StepKind,
    /// Title.
    pub title: Option<String>,
    /// Content.
    pub content: String,
    /// The element it points at, if any.
    pub selector: Option<String>,
    /// The route it belongs to, if any.
    pub route_path: Option<String>,
    /// How the visitor moves past it.
    pub advance_on: AdvanceMode,
    /// Where it is placed relative to its element (the server's wording).
    pub position: Option<String>,
    /// Image or video URL.
    pub media_url: Option<String>,
}

impl From<sdk::TourStep> for TourStep {
    fn from(s: sdk::TourStep) -> Self {
        Self {
            id: s.id,
            order: s.order,
            kind: s.kind.into(),
            title: s.title,
            content: s.content,
            selector: s.selector,
            route_path: s.route_path,
            advance_on: s.advance_on.into(),
            position: s.position,
            media_url: s.media_url,
        }
    }
}

/// How a step is shown.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum StepKind {
    /// A card.
    Post,
    /// A pointer at an element.
    Pointer,
    /// A video.
    Video,
    /// A kind this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::StepKind> for StepKind {
    fn from(k: sdk::StepKind) -> Self {
        match k {
            sdk::StepKind::Post => Self::Post,
            sdk::StepKind::Pointer => Self::Pointer,
            sdk::StepKind::Video => Self::Video,
            sdk::StepKind::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// How the visitor moves past a step.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AdvanceMode {
    /// The step's own button.
    Click,
    /// A click on the step's element.
    ElementClick,
    /// Filling in the step's field.
    FieldFill,
    /// A mode this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::AdvanceMode> for AdvanceMode {
    fn from(m: sdk::AdvanceMode) -> Self {
        match m {
            sdk::AdvanceMode::Click => Self::Click,
            sdk::AdvanceMode::ElementClick => Self::ElementClick,
            sdk::AdvanceMode::FieldFill => Self::FieldFill,
            sdk::AdvanceMode::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

impl From<AdvanceMode> for sdk::AdvanceMode {
    fn from(m: AdvanceMode) -> Self {
        match m {
            AdvanceMode::Click => Self::Click,
            AdvanceMode::ElementClick => Self::ElementClick,
            AdvanceMode::FieldFill => Self::FieldFill,
            AdvanceMode::Other { value } => Self::Other(value),
        }
    }
}

/// Where the visitor is with a tour, in the tour list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TourStatus {
    /// Not started.
    New,
    /// Started, not finished.
    InProgress,
    /// Finished.
    Completed,
    /// A status this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::TourStatus> for TourStatus {
    fn from(s: sdk::TourStatus) -> Self {
        match s {
            sdk::TourStatus::New => Self::New,
            sdk::TourStatus::InProgress => Self::InProgress,
            sdk::TourStatus::Completed => Self::Completed,
            sdk::TourStatus::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// A tour with the visitor's status (`ToursClient.list`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ListedTour {
    /// The tour.
    pub tour: Tour,
    /// Where the visitor is with it.
    pub status: TourStatus,
}

impl From<sdk::ListedTour> for ListedTour {
    fn from(t: sdk::ListedTour) -> Self {
        Self {
            tour: t.tour.into(),
            status: t.status.into(),
        }
    }
}

/// The status of the visitor's progress through a tour.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ProgressStatus {
    /// Started, not finished.
    InProgress,
    /// Finished.
    Completed,
    /// Dismissed.
    Dismissed,
    /// Snoozed (see `TourProgress.snoozed_until`).
    Snoozed,
    /// A status this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::ProgressStatus> for ProgressStatus {
    fn from(s: sdk::ProgressStatus) -> Self {
        match s {
            sdk::ProgressStatus::InProgress => Self::InProgress,
            sdk::ProgressStatus::Completed => Self::Completed,
            sdk::ProgressStatus::Dismissed => Self::Dismissed,
            sdk::ProgressStatus::Snoozed => Self::Snoozed,
            sdk::ProgressStatus::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// The visitor's progress through a tour.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TourProgress {
    /// The progress id.
    pub id: String,
    /// The tour.
    pub tour_id: String,
    /// Its status.
    pub status: ProgressStatus,
    /// The index of the current step.
    pub current_step: u32,
    /// Until when it is snoozed (epoch ms).
    pub snoozed_until: Option<f64>,
    /// When it was completed (epoch ms).
    pub completed_at: Option<f64>,
    /// Why the last advance was refused, until a later one succeeds.
    pub last_blocked_reason: Option<BlockReason>,
}

impl From<sdk::TourProgress> for TourProgress {
    fn from(p: sdk::TourProgress) -> Self {
        Self {
            id: p.id,
            tour_id: p.tour_id,
            status: p.status.into(),
            current_step: p.current_step,
            snoozed_until: p.snoozed_until,
            completed_at: p.completed_at,
            last_blocked_reason: p.last_blocked_reason.map(Into::into),
        }
    }
}

/// A tour offered on the current page, with the visitor's progress (`None` before any).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AvailableTour {
    /// The tour.
    pub tour: Tour,
    /// The visitor's progress.
    pub progress: Option<TourProgress>,
}

impl From<sdk::AvailableTour> for AvailableTour {
    fn from(t: sdk::AvailableTour) -> Self {
        Self {
            tour: t.tour.into(),
            progress: t.progress.map(Into::into),
        }
    }
}

/// A tour the visitor is going through.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActiveTour {
    /// The tour.
    pub tour: Tour,
    /// The visitor's progress (`current_step` indexes `tour.steps`).
    pub progress: TourProgress,
}

impl From<sdk::ActiveTour> for ActiveTour {
    fn from(t: sdk::ActiveTour) -> Self {
        Self {
            tour: t.tour.into(),
            progress: t.progress.into(),
        }
    }
}

/// Why the server refused to advance a step.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum BlockReason {
    /// The step advances another way than the one reported.
    ModeMismatch,
    /// The step needs a click on its element.
    ElementClickRequired,
    /// The step needs its field filled in.
    FieldFillRequired,
    /// The field's value was refused.
    FieldFillInvalid,
    /// The visitor is not on the step's route.
    RouteMismatch,
    /// The step's checkpoint route is invalid.
    CheckpointInvalidRoute,
    /// The step's element is missing.
    SelectorMissing,
    /// A reason this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::BlockReason> for BlockReason {
    fn from(r: sdk::BlockReason) -> Self {
        use sdk::BlockReason as B;
        match r {
            B::ModeMismatch => Self::ModeMismatch,
            B::ElementClickRequired => Self::ElementClickRequired,
            B::FieldFillRequired => Self::FieldFillRequired,
            B::FieldFillInvalid => Self::FieldFillInvalid,
            B::RouteMismatch => Self::RouteMismatch,
            B::CheckpointInvalidRoute => Self::CheckpointInvalidRoute,
            B::SelectorMissing => Self::SelectorMissing,
            other => Self::Other {
                value: other.as_str().to_owned(),
            },
        }
    }
}

/// Why the app skipped a step (`ToursClient.skip_step`), recorded as a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SkipReason {
    /// The step advances a way the app cannot offer.
    ModeMismatch,
    /// The step needs a click the app cannot detect.
    ElementClickRequired,
    /// The step needs a field the app cannot offer.
    FieldFillRequired,
    /// The field's value is invalid.
    FieldFillInvalid,
    /// The visitor is not on the step's route.
    RouteMismatch,
    /// The step's checkpoint route is invalid.
    CheckpointInvalidRoute,
    /// The step's element is not on screen.
    SelectorMissing,
}

impl From<SkipReason> for sdk::SkipReason {
    fn from(r: SkipReason) -> Self {
        match r {
            SkipReason::ModeMismatch => Self::ModeMismatch,
            SkipReason::ElementClickRequired => Self::ElementClickRequired,
            SkipReason::FieldFillRequired => Self::FieldFillRequired,
            SkipReason::FieldFillInvalid => Self::FieldFillInvalid,
            SkipReason::RouteMismatch => Self::RouteMismatch,
            SkipReason::CheckpointInvalidRoute => Self::CheckpointInvalidRoute,
            SkipReason::SelectorMissing => Self::SelectorMissing,
        }
    }
}

/// What happened on the screen, for `ToursClient.advance`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AdvanceInput {
    /// How the visitor advanced.
    pub mode: AdvanceMode,
    /// For an element click: whether the click hit the step's element.
    pub target_matched: Option<bool>,
    /// For a field fill: what was typed.
    pub field_value: Option<String>,
    /// The element involved, if any.
    pub selector: Option<String>,
    /// The page (or screen route) the visitor is on, if the app knows it.
    pub current_url: Option<String>,
}

impl From<AdvanceInput> for sdk::AdvanceInput {
    fn from(i: AdvanceInput) -> Self {
        Self {
            mode: i.mode.into(),
            target_matched: i.target_matched,
            field_value: i.field_value,
            selector: i.selector,
            current_url: i.current_url,
        }
    }
}

/// The answer to `ToursClient.advance`.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AdvanceOutcome {
    /// The step was passed.
    Advanced {
        /// The progress status now.
        status: ProgressStatus,
        /// The index of the step to show now.
        next_step: u32,
    },
    /// The server refused (not an error: show the step again, or help the visitor).
    Blocked {
        /// Why.
        reason: BlockReason,
        /// The progress status now.
        status: ProgressStatus,
        /// The index of the step still to pass.
        step: u32,
    },
    /// An outcome this SDK does not know yet.
    Other {
        /// The core's description of it.
        value: String,
    },
}

impl From<sdk::AdvanceOutcome> for AdvanceOutcome {
    fn from(o: sdk::AdvanceOutcome) -> Self {
        match o {
            sdk::AdvanceOutcome::Advanced { status, next_step } => Self::Advanced {
                status: status.into(),
                next_step,
            },
            sdk::AdvanceOutcome::Blocked {
                reason,
                status,
                step,
            } => Self::Blocked {
                reason: reason.into(),
                status: status.into(),
                step,
            },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// The answer to `ToursClient.skip_step`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StepOutcome {
    /// The progress status now.
    pub status: ProgressStatus,
    /// The index of the step to show now.
    pub next_step: u32,
}

impl From<sdk::StepOutcome> for StepOutcome {
    fn from(o: sdk::StepOutcome) -> Self {
        Self {
            status: o.status.into(),
            next_step: o.next_step,
        }
    }
}

/// Product tours: `client.tours()`.
#[derive(Debug, uniffi::Object)]
pub struct ToursClient {
    client: sdk::Opencom,
}

#[uniffi::export]
impl ToursClient {
    /// Every tour, with the visitor's status.
    pub async fn list(&self) -> Result<Vec<ListedTour>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().list().await.map(list) }).await
    }

    /// The tours offered on `current_url` (all pages when `None`), with progress.
    pub async fn available(
        &self,
        current_url: Option<String>,
    ) -> Result<Vec<AvailableTour>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().available(current_url.as_deref()).await.map(list) }).await
    }

    /// The tours the visitor is going through.
    pub async fn active(&self) -> Result<Vec<ActiveTour>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().active().await.map(list) }).await
    }

    /// Starts the tour (or resumes it where the visitor left it) and returns the progress id.
    /// `force` starts a tour the visitor finished, dismissed or snoozed over from step 0.
    pub async fn start(&self, tour_id: String, force: bool) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().start(&tour_id, force).await }).await
    }

    /// Asks to move past the current step. A refusal is `AdvanceOutcome.Blocked` with the
    /// reason (not an error); a tour that is not in progress fails with `InvalidInput` on
    /// `tour_id`, one never started with `NotFound`.
    pub async fn advance(
        &self,
        tour_id: String,
        input: AdvanceInput,
    ) -> Result<AdvanceOutcome, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().advance(&tour_id, &input.into()).await }).await
    }

    /// Skips the current step (the app could not show it), recording `reason`; past the last
    /// step the tour completes.
    pub async fn skip_step(
        &self,
        tour_id: String,
        reason: SkipReason,
    ) -> Result<StepOutcome, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().skip_step(&tour_id, reason.into()).await }).await
    }

    /// Marks the started tour completed.
    pub async fn complete(&self, tour_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().complete(&tour_id).await }).await
    }

    /// Dismisses the started tour.
    pub async fn dismiss(&self, tour_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().dismiss(&tour_id).await }).await
    }

    /// Dismisses the tour for good, started or not ("don't show again").
    pub async fn dismiss_permanently(&self, tour_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().dismiss_permanently(&tour_id).await }).await
    }

    /// Snoozes the started tour for 24 hours.
    pub async fn snooze(&self, tour_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().snooze(&tour_id).await }).await
    }

    /// Restarts the started tour from step 0, whatever its status.
    pub async fn restart(&self, tour_id: String) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.tours().restart(&tour_id).await }).await
    }
}

#[uniffi::export]
impl OpencomClient {
    /// Product tours.
    pub fn tours(&self) -> Arc<ToursClient> {
        Arc::new(ToursClient {
            client: self.core().clone(),
        })
    }
}
