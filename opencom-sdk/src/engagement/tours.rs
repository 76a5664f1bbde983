//! Product tours (`tours:listAll`, `tourProgress:*`, CONTRACT §13): the tours a visitor can
//! take, and their progress through one — started, advanced step by step (the server checks
//! the step's route, advance mode, element click and field fill, and says why it refused),
//! skipped, completed, dismissed, snoozed and restarted.

use std::sync::Arc;

use crate::context::Context;
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::visitor::tour_progress as wire_progress;
use crate::wire::visitor::tour_progress::{ActiveDoc, AvailableDoc, ProgressDoc};
use crate::wire::visitor::tours as wire_tours;
use crate::wire::visitor::tours::{StepDoc, TourDoc};
use crate::wire::{self, Call};

/// A product tour and its steps.
///
/// ```
/// # fn show(tour: &opencom_sdk::Tour) {
/// for step in &tour.steps {
///     println!("{:?} {:?} on {:?}", step.kind, step.title, step.selector);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Tour {
    /// The tour id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// When it is offered again (Opencom's default: first time only).
    pub display_mode: DisplayMode,
    /// Lower first (absent: 0).
    pub priority: f64,
    /// Whether the visitor may snooze it ([`ToursClient::snooze`]).
    pub allow_snooze: bool,
    /// Whether the visitor may restart it ([`ToursClient::restart`]).
    pub allow_restart: bool,
    /// The steps, in order.
    pub steps: Vec<TourStep>,
}

impl Tour {
    /// The element selectors the steps point at, in step order (what to watch for on screen).
    ///
    /// ```
    /// # fn show(tour: &opencom_sdk::Tour) {
    /// println!("{:?}", tour.selectors());
    /// # }
    /// ```
    pub fn selectors(&self) -> Vec<&str> {
        self.steps
            .iter()
            .filter_map(|s| s.selector.as_deref())
            .collect()
    }
}

/// When a tour is offered again.
///
/// ```
/// assert_ne!(opencom_sdk::DisplayMode::FirstTimeOnly, opencom_sdk::DisplayMode::UntilDismissed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisplayMode {
    /// Once: not offered again after it was started and left.
    FirstTimeOnly,
    /// Until the visitor dismisses it (or while it is snoozed).
    UntilDismissed,
    /// A mode this SDK version does not know.
    Other(String),
}

/// One step of a [`Tour`].
///
/// ```
/// use opencom_sdk::{StepKind, TourStep};
/// fn needs_an_anchor(step: &TourStep) -> bool {
///     step.kind == StepKind::Pointer && step.selector.is_some()
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TourStep {
    /// The step id.
    pub id: String,
    /// Its position in the tour, from 0.
    pub order: u32,
    /// What kind of step it is.
    pub kind: StepKind,
    /// Its title, if any.
    pub title: Option<String>,
    /// Its content (Opencom's rich text, as stored).
    pub content: String,
    /// The element it points at (`elementSelector`), if any.
    pub selector: Option<String>,
    /// The route it belongs to (`routePath`), if any.
    pub route_path: Option<String>,
    /// What advances it (Opencom's default: a click on the step's button).
    pub advance_on: AdvanceMode,
    /// Where a pointer sits relative to its element (`"top"`, `"bottom"`, …), if set.
    pub position: Option<String>,
    /// The media of a video step, if any.
    pub media_url: Option<String>,
}

/// The kind of a [`TourStep`].
///
/// ```
/// assert_ne!(opencom_sdk::StepKind::Post, opencom_sdk::StepKind::Video);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepKind {
    /// A centred card.
    Post,
    /// A card pointing at an element.
    Pointer,
    /// A video.
    Video,
    /// A kind this SDK version does not know.
    Other(String),
}

/// What advances a step, and how [`ToursClient::advance`] says it happened.
///
/// ```
/// assert_eq!(opencom_sdk::AdvanceMode::default(), opencom_sdk::AdvanceMode::Click);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AdvanceMode {
    /// The step's own button.
    #[default]
    Click,
    /// A click on the step's element.
    ElementClick,
    /// Filling the step's field.
    FieldFill,
    /// A mode this SDK version does not know (cannot be sent).
    Other(String),
}

impl AdvanceMode {
    fn wire(&self) -> Result<&'static str> {
        match self {
            Self::Click => Ok("click"),
            Self::ElementClick => Ok("elementClick"),
            Self::FieldFill => Ok("fieldFill"),
            Self::Other(_) => Err(Error::invalid(
                "mode",
                "must be click, element click or field fill",
            )),
        }
    }

    fn from_wire(value: Option<String>) -> Self {
        match value.as_deref() {
            None | Some("click") => Self::Click,
            Some("elementClick") => Self::ElementClick,
            Some("fieldFill") => Self::FieldFill,
            Some(_) => Self::Other(value.unwrap_or_default()),
        }
    }
}

/// The visitor's status for a tour in [`ToursClient::list`].
///
/// ```
/// assert_ne!(opencom_sdk::TourStatus::New, opencom_sdk::TourStatus::Completed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TourStatus {
    /// Never started (or dismissed, snoozed: Opencom reports those as new).
    New,
    /// Started and not finished.
    InProgress,
    /// Finished.
    Completed,
    /// A status this SDK version does not know.
    Other(String),
}

/// A tour with the visitor's status, from [`ToursClient::list`].
///
/// ```
/// # fn show(item: &opencom_sdk::ListedTour) {
/// println!("{}: {:?}", item.tour.name, item.status);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListedTour {
    /// The tour.
    pub tour: Tour,
    /// The visitor's status.
    pub status: TourStatus,
}

/// The status of a visitor's progress through a tour.
///
/// ```
/// assert_ne!(opencom_sdk::ProgressStatus::InProgress, opencom_sdk::ProgressStatus::Snoozed);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressStatus {
    /// Under way.
    InProgress,
    /// Finished (every step, or [`ToursClient::complete`]).
    Completed,
    /// Dismissed.
    Dismissed,
    /// Snoozed until [`TourProgress::snoozed_until`].
    Snoozed,
    /// A status this SDK version does not know.
    Other(String),
}

impl ProgressStatus {
    fn from_wire(value: String) -> Self {
        match value.as_str() {
            "in_progress" => Self::InProgress,
            "completed" => Self::Completed,
            "dismissed" => Self::Dismissed,
            "snoozed" => Self::Snoozed,
            _ => Self::Other(value),
        }
    }
}

/// A visitor's progress through a tour.
///
/// ```
/// # fn show(p: &opencom_sdk::TourProgress) {
/// println!("{:?} at step {}", p.status, p.current_step);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TourProgress {
    /// The progress id.
    pub id: String,
    /// The tour.
    pub tour_id: String,
    /// Its status.
    pub status: ProgressStatus,
    /// The index of the current step.
    pub current_step: u32,
    /// Until when it is snoozed (ms since the epoch).
    pub snoozed_until: Option<f64>,
    /// When it was completed (ms since the epoch).
    pub completed_at: Option<f64>,
    /// Why the last advance was refused, until a later one succeeds.
    pub last_blocked_reason: Option<BlockReason>,
}

/// A tour the visitor can take now, from [`ToursClient::available`].
///
/// ```
/// # fn show(item: &opencom_sdk::AvailableTour) {
/// println!("{} (resuming: {})", item.tour.name, item.progress.is_some());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AvailableTour {
    /// The tour.
    pub tour: Tour,
    /// The visitor's progress, if they started it before.
    pub progress: Option<TourProgress>,
}

/// A tour under way, from [`ToursClient::active`].
///
/// ```
/// # fn show(item: &opencom_sdk::ActiveTour) {
/// if let Some(step) = item.current_step() {
///     println!("show {:?}", step.title);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ActiveTour {
    /// The tour.
    pub tour: Tour,
    /// The visitor's progress.
    pub progress: TourProgress,
}

impl ActiveTour {
    /// The step to show now, if the tour has it.
    pub fn current_step(&self) -> Option<&TourStep> {
        self.tour.steps.get(self.progress.current_step as usize)
    }
}

/// Why the server refused to advance a step (or why a step is skipped).
///
/// ```
/// use opencom_sdk::BlockReason;
/// let reason = BlockReason::ElementClickRequired;
/// assert_eq!(reason.as_str(), "element_click_required");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockReason {
    /// The step advances another way than the one given.
    ModeMismatch,
    /// The step needs a click on its element (`target_matched: true`).
    ElementClickRequired,
    /// The step needs its field filled (a non-blank `field_value`).
    FieldFillRequired,
    /// The field's value was refused.
    FieldFillInvalid,
    /// The current URL is not the step's route.
    RouteMismatch,
    /// The step's route is not a valid URL.
    CheckpointInvalidRoute,
    /// The step's element is not on screen.
    SelectorMissing,
    /// A reason this SDK version does not know.
    Other(String),
}

impl BlockReason {
    /// The reason as Opencom names it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ModeMismatch => "mode_mismatch",
            Self::ElementClickRequired => "element_click_required",
            Self::FieldFillRequired => "field_fill_required",
            Self::FieldFillInvalid => "field_fill_invalid",
            Self::RouteMismatch => "route_mismatch",
            Self::CheckpointInvalidRoute => "checkpoint_invalid_route",
            Self::SelectorMissing => "selector_missing",
            Self::Other(other) => other,
        }
    }

    fn from_wire(value: String) -> Self {
        match value.as_str() {
            "mode_mismatch" => Self::ModeMismatch,
            "element_click_required" => Self::ElementClickRequired,
            "field_fill_required" => Self::FieldFillRequired,
            "field_fill_invalid" => Self::FieldFillInvalid,
            "route_mismatch" => Self::RouteMismatch,
            "checkpoint_invalid_route" => Self::CheckpointInvalidRoute,
            "selector_missing" => Self::SelectorMissing,
            _ => Self::Other(value),
        }
    }
}

/// Why the app skips a step ([`ToursClient::skip_step`]): Opencom's diagnostic reasons.
///
/// ```
/// assert_eq!(opencom_sdk::SkipReason::SelectorMissing.as_str(), "selector_missing");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The step advances another way than the app supports.
    ModeMismatch,
    /// The element could not be clicked.
    ElementClickRequired,
    /// The field could not be filled.
    FieldFillRequired,
    /// The field's value was refused.
    FieldFillInvalid,
    /// The app is not on the step's route.
    RouteMismatch,
    /// The step's route is not a valid URL.
    CheckpointInvalidRoute,
    /// The step's element is not on screen (the usual case).
    SelectorMissing,
}

impl SkipReason {
    /// The reason as Opencom names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ModeMismatch => "mode_mismatch",
            Self::ElementClickRequired => "element_click_required",
            Self::FieldFillRequired => "field_fill_required",
            Self::FieldFillInvalid => "field_fill_invalid",
            Self::RouteMismatch => "route_mismatch",
            Self::CheckpointInvalidRoute => "checkpoint_invalid_route",
            Self::SelectorMissing => "selector_missing",
        }
    }
}

/// What happened on the screen, for [`ToursClient::advance`].
///
/// ```
/// use opencom_sdk::AdvanceInput;
/// let clicked = AdvanceInput::element_click(true)
///     .selector("#new-conversation")
///     .current_url("https://app.example.com/inbox");
/// let typed = AdvanceInput::field_fill("Jane");
/// let next = AdvanceInput::click();
/// # let _ = (clicked, typed, next);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
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

impl AdvanceInput {
    /// The step's own button was tapped.
    pub fn click() -> Self {
        Self::default()
    }

    /// The visitor clicked an element: `target_matched` says whether it was the step's.
    pub fn element_click(target_matched: bool) -> Self {
        Self {
            mode: AdvanceMode::ElementClick,
            target_matched: Some(target_matched),
            ..Self::default()
        }
    }

    /// The visitor filled the step's field with `value`.
    pub fn field_fill(value: impl Into<String>) -> Self {
        Self {
            mode: AdvanceMode::FieldFill,
            field_value: Some(value.into()),
            ..Self::default()
        }
    }

    /// Sets the element involved.
    pub fn selector(mut self, selector: impl Into<String>) -> Self {
        self.selector = Some(selector.into());
        self
    }

    /// Sets the current page or route.
    pub fn current_url(mut self, url: impl Into<String>) -> Self {
        self.current_url = Some(url.into());
        self
    }
}

/// The result of [`ToursClient::advance`].
///
/// ```
/// use opencom_sdk::{AdvanceOutcome, BlockReason};
/// fn explain(outcome: &AdvanceOutcome) -> String {
///     match outcome {
///         AdvanceOutcome::Advanced { next_step, .. } => format!("now at step {next_step}"),
///         AdvanceOutcome::Blocked { reason: BlockReason::ElementClickRequired, .. } => {
///             "tap the highlighted element".into()
///         }
///         AdvanceOutcome::Blocked { reason, .. } => format!("blocked: {}", reason.as_str()),
///         _ => String::new(),
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AdvanceOutcome {
    /// The tour moved on (or completed, past its last step).
    Advanced {
        /// The progress status now ([`ProgressStatus::Completed`] after the last step).
        status: ProgressStatus,
        /// The index of the step to show now (the step count once completed).
        next_step: u32,
    },
    /// The server refused; it recorded a diagnostic and the visitor stays on `step`.
    Blocked {
        /// Why.
        reason: BlockReason,
        /// The progress status (unchanged).
        status: ProgressStatus,
        /// The step the visitor stays on.
        step: u32,
    },
}

/// The result of [`ToursClient::skip_step`].
///
/// ```
/// # fn show(o: &opencom_sdk::StepOutcome) {
/// println!("{:?}, next step {}", o.status, o.next_step);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StepOutcome {
    /// The progress status now.
    pub status: ProgressStatus,
    /// The index of the step to show now.
    pub next_step: u32,
}

/// Product tours: `client.tours()`.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
/// use opencom_sdk::AdvanceInput;
/// let tours = client.tours();
/// if let Some(first) = tours.available(Some("https://app.example.com/")).await?.first() {
///     tours.start(&first.tour.id, false).await?;
///     tours.advance(&first.tour.id, &AdvanceInput::click()).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct ToursClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl ToursClient<'_> {
    /// Every active tour of the workspace with its steps and the visitor's status, by
    /// ascending priority (`tours:listAll`; no targeting applied: see
    /// [`available`](Self::available)).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// for item in client.tours().list().await? {
    ///     println!("{} {:?}", item.tour.name, item.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<ListedTour>> {
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| wire_tours::ListAll {
                auth: c.workspace(workspace_id),
            })
            .await?;
        let function = wire_tours::ListAll::FUNCTION;
        docs.into_iter()
            .map(|d| {
                let status = match d.tour_status.as_str() {
                    "new" => TourStatus::New,
                    "in_progress" => TourStatus::InProgress,
                    "completed" => TourStatus::Completed,
                    _ => TourStatus::Other(d.tour_status),
                };
                Ok(ListedTour {
                    tour: tour_from_docs(function, d.tour, d.steps)?,
                    status,
                })
            })
            .collect()
    }

    /// The tours to offer the visitor now: display mode, snooze, page targeting (against
    /// `current_url`, when given) and audience applied, by ascending priority; each with the
    /// visitor's earlier progress, if any.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let offered = client.tours().available(Some("https://app.example.com/inbox")).await?;
    /// # let _ = offered; Ok(()) }
    /// ```
    pub async fn available(&self, current_url: Option<&str>) -> Result<Vec<AvailableTour>> {
        check_url(current_url)?;
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| wire_progress::GetAvailable {
                auth: c.workspace(workspace_id),
                current_url,
            })
            .await?;
        docs.into_iter().map(available_from_doc).collect()
    }

    /// The tours under way (in progress, or snoozed and due again), with their progress.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// for item in client.tours().active().await? {
    ///     println!("{} at step {}", item.tour.name, item.progress.current_step);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn active(&self) -> Result<Vec<ActiveTour>> {
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| wire_progress::GetActive {
                auth: c.workspace(workspace_id),
            })
            .await?;
        docs.into_iter().map(active_from_doc).collect()
    }

    /// Starts the tour (or resumes it where the visitor left it) and returns the progress id.
    /// `force` starts a tour the visitor finished, dismissed or snoozed over from step 0.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let progress_id = client.tours().start("tour-id", false).await?;
    /// # let _ = progress_id; Ok(()) }
    /// ```
    pub async fn start(&self, tour_id: &str, force: bool) -> Result<String> {
        check_id("tour_id", tour_id)?;
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|c| wire_progress::Start {
                auth: c.workspace(workspace_id),
                tour_id,
                force: force.then_some(true),
                current_url: None,
            })
            .await
            .map_err(map_error)
    }

    /// Asks to move past the current step. The server checks the step's route against
    /// `current_url`, its advance mode against `input.mode`, an element click's
    /// `target_matched` and a field fill's value: a refusal is
    /// [`AdvanceOutcome::Blocked`] with the reason (not an error). A tour that is not in
    /// progress is [`Error::InvalidInput`] on `tour_id`; one never started
    /// [`Error::NotFound`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::{AdvanceInput, AdvanceOutcome};
    /// let outcome = client.tours().advance("tour-id", &AdvanceInput::element_click(true)).await?;
    /// if let AdvanceOutcome::Blocked { reason, .. } = outcome {
    ///     println!("blocked: {}", reason.as_str());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn advance(&self, tour_id: &str, input: &AdvanceInput) -> Result<AdvanceOutcome> {
        check_id("tour_id", tour_id)?;
        let mode = input.mode.wire()?;
        check_url(input.current_url.as_deref())?;
        if input
            .selector
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return Err(Error::invalid("selector", "must not be empty when set"));
        }
        let workspace_id = &self.ctx.config.workspace_id;
        let doc = self
            .ctx
            .session
            .request(|c| wire_progress::Advance {
                auth: c.workspace(workspace_id),
                tour_id,
                mode: Some(mode),
                target_matched: input.target_matched,
                field_value: input.field_value.as_deref(),
                selector: input.selector.as_deref(),
                current_url: input.current_url.as_deref(),
            })
            .await
            .map_err(map_error)?;
        let function = wire_progress::Advance::FUNCTION;
        let status = ProgressStatus::from_wire(doc.status);
        let next = index(function, "nextStep", doc.next_step)?;
        match (doc.advanced, doc.blocked_reason) {
            (true, _) => Ok(AdvanceOutcome::Advanced {
                status,
                next_step: next,
            }),
            (false, Some(reason)) => Ok(AdvanceOutcome::Blocked {
                reason: BlockReason::from_wire(reason),
                status,
                step: next,
            }),
            (false, None) => Err(Error::Decode {
                message: format!("{}: not advanced and no `blockedReason`", function.path),
            }),
        }
    }

    /// Skips the current step (the app could not show it), recording `reason` as a
    /// diagnostic; past the last step the tour completes.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::SkipReason;
    /// let outcome = client.tours().skip_step("tour-id", SkipReason::SelectorMissing).await?;
    /// # let _ = outcome; Ok(()) }
    /// ```
    pub async fn skip_step(&self, tour_id: &str, reason: SkipReason) -> Result<StepOutcome> {
        check_id("tour_id", tour_id)?;
        let workspace_id = &self.ctx.config.workspace_id;
        let doc = self
            .ctx
            .session
            .request(|c| wire_progress::SkipStep {
                auth: c.workspace(workspace_id),
                tour_id,
                reason: reason.as_str(),
                selector: None,
                current_url: None,
            })
            .await
            .map_err(map_error)?;
        Ok(StepOutcome {
            status: ProgressStatus::from_wire(doc.status),
            next_step: index(wire_progress::SkipStep::FUNCTION, "nextStep", doc.next_step)?,
        })
    }

    /// Marks the started tour completed.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.tours().complete("tour-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn complete(&self, tour_id: &str) -> Result<()> {
        self.tour_only(fns::TOUR_COMPLETE, tour_id).await
    }

    /// Dismisses the started tour (a `first_time_only` tour is not offered again; an
    /// `until_dismissed` one neither).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.tours().dismiss("tour-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn dismiss(&self, tour_id: &str) -> Result<()> {
        self.tour_only(fns::TOUR_DISMISS, tour_id).await
    }

    /// Dismisses the tour for good, started or not ("don't show again").
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.tours().dismiss_permanently("tour-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn dismiss_permanently(&self, tour_id: &str) -> Result<()> {
        self.tour_only(fns::TOUR_DISMISS_PERMANENTLY, tour_id).await
    }

    /// Snoozes the started tour for 24 hours (Opencom's fixed delay).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.tours().snooze("tour-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn snooze(&self, tour_id: &str) -> Result<()> {
        self.tour_only(fns::TOUR_SNOOZE, tour_id).await
    }

    /// Restarts the started tour from step 0, whatever its status.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// client.tours().restart("tour-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn restart(&self, tour_id: &str) -> Result<()> {
        self.tour_only(fns::TOUR_RESTART, tour_id).await
    }

    async fn tour_only(&self, function: Function, tour_id: &str) -> Result<()> {
        check_id("tour_id", tour_id)?;
        let workspace_id = &self.ctx.config.workspace_id;
        let value = self
            .ctx
            .session
            .call(function, |c| wire_progress::TourOnly {
                auth: c.workspace(workspace_id),
                tour_id,
            })
            .await
            .map_err(map_error)?;
        wire::decode::<String>(function, value).map(|_| ())
    }
}

fn check_url(url: Option<&str>) -> Result<()> {
    if url.is_some_and(|u| u.trim().is_empty()) {
        return Err(Error::invalid("current_url", "must not be empty when set"));
    }
    Ok(())
}

/// Opencom's tour refusals, which it only offers as text: "Tour is not in progress" means the
/// tour must be started (or restarted) first; "Tour does not belong to workspace" names
/// another tenant's tour. "Tour not found" and "Tour progress not found" are already
/// [`Error::NotFound`].
fn map_error(err: Error) -> Error {
    match err {
        Error::Server { message } if message.starts_with("Tour is not in progress") => {
            Error::InvalidInput {
                field: "tour_id".into(),
                reason: message,
            }
        }
        Error::Server { message } if message.starts_with("Tour does not belong to workspace") => {
            Error::NotAuthorized { message }
        }
        other => other,
    }
}

/// A step index sent as a JSON number.
fn index(function: Function, field: &str, value: f64) -> Result<u32> {
    if value >= 0.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX) {
        Ok(value as u32)
    } else {
        Err(Error::Decode {
            message: format!("{}: `{field}` is not a step index", function.path),
        })
    }
}

fn tour_from_docs(function: Function, tour: TourDoc, steps: Vec<StepDoc>) -> Result<Tour> {
    let steps = steps
        .into_iter()
        .map(|s| step_from_doc(function, s))
        .collect::<Result<_>>()?;
    let display_mode = match tour.display_mode.as_deref() {
        None | Some("first_time_only") => DisplayMode::FirstTimeOnly,
        Some("until_dismissed") => DisplayMode::UntilDismissed,
        Some(other) => DisplayMode::Other(other.to_owned()),
    };
    Ok(Tour {
        id: tour.id,
        name: tour.name,
        description: tour.description,
        display_mode,
        priority: tour.priority.unwrap_or(0.0),
        allow_snooze: tour.allow_snooze.unwrap_or(false),
        allow_restart: tour.allow_restart.unwrap_or(false),
        steps,
    })
}

fn step_from_doc(function: Function, step: StepDoc) -> Result<TourStep> {
    let kind = match step.kind.as_str() {
        "post" => StepKind::Post,
        "pointer" => StepKind::Pointer,
        "video" => StepKind::Video,
        _ => StepKind::Other(step.kind),
    };
    Ok(TourStep {
        id: step.id,
        order: index(function, "steps[].order", step.order)?,
        kind,
        title: step.title,
        content: step.content,
        selector: step.element_selector.filter(|s| !s.trim().is_empty()),
        route_path: step.route_path,
        advance_on: AdvanceMode::from_wire(step.advance_on),
        position: step.position,
        media_url: step.media_url,
    })
}

fn progress_from_doc(function: Function, doc: ProgressDoc) -> Result<TourProgress> {
    Ok(TourProgress {
        id: doc.id,
        tour_id: doc.tour_id,
        status: ProgressStatus::from_wire(doc.status),
        current_step: index(function, "currentStep", doc.current_step)?,
        snoozed_until: doc.snoozed_until,
        completed_at: doc.completed_at,
        last_blocked_reason: doc.last_blocked_reason.map(BlockReason::from_wire),
    })
}

fn available_from_doc(doc: AvailableDoc) -> Result<AvailableTour> {
    let function = wire_progress::GetAvailable::FUNCTION;
    Ok(AvailableTour {
        tour: tour_from_docs(function, doc.tour, doc.steps)?,
        progress: doc
            .progress
            .map(|p| progress_from_doc(function, p))
            .transpose()?,
    })
}

fn active_from_doc(doc: ActiveDoc) -> Result<ActiveTour> {
    let function = wire_progress::GetActive::FUNCTION;
    Ok(ActiveTour {
        tour: tour_from_docs(function, doc.tour, doc.steps)?,
        progress: progress_from_doc(function, doc.progress)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::visitor::test_support::workspace_auth;
    use serde_json::json;

    #[test]
    fn arguments_are_named_as_the_contract() {
        let args = wire_progress::Advance {
            auth: workspace_auth(),
            tour_id: "t1",
            mode: Some("elementClick"),
            target_matched: Some(true),
            field_value: None,
            selector: Some("#a"),
            current_url: Some("https://x.example/"),
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            json!({"workspaceId": "ws1", "visitorId": "v1", "sessionToken": "wst_x",
                   "tourId": "t1", "mode": "elementClick", "targetMatched": true,
                   "selector": "#a", "currentUrl": "https://x.example/"})
        );
        let args = wire_progress::Start {
            auth: workspace_auth(),
            tour_id: "t1",
            force: None,
            current_url: None,
        };
        let value = serde_json::to_value(&args).unwrap();
        assert!(value.get("force").is_none() && value.get("currentUrl").is_none());
        let args = wire_progress::SkipStep {
            auth: workspace_auth(),
            tour_id: "t1",
            reason: SkipReason::SelectorMissing.as_str(),
            selector: None,
            current_url: None,
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap()["reason"],
            "selector_missing"
        );
    }

    #[test]
    fn active_tours_decode_from_an_array_of_progress_rows() {
        let raw = json!([{
            "_id": "p1", "_creationTime": 1, "visitorId": "v1", "tourId": "t1",
            "status": "in_progress", "currentStep": 1, "lastBlockedReason": "teleport_required",
            "tour": {"_id": "t1", "name": "Tour", "displayMode": "until_dismissed",
                     "allowSnooze": true, "status": "active"},
            "steps": [
                {"_id": "s0", "type": "post", "order": 0, "title": "Hi", "content": "Welcome"},
                {"_id": "s1", "type": "pointer", "order": 1, "content": "Here",
                 "elementSelector": "#x", "advanceOn": "elementClick"},
                {"_id": "s2", "type": "hologram", "order": 2, "content": "?",
                 "advanceOn": "blink"},
            ],
        }]);
        let docs: Vec<ActiveDoc> = wire::decode(wire_progress::GetActive::FUNCTION, raw).unwrap();
        let active: Vec<ActiveTour> = docs
            .into_iter()
            .map(active_from_doc)
            .collect::<Result<_>>()
            .unwrap();
        let item = &active[0];
        assert_eq!(item.progress.status, ProgressStatus::InProgress);
        assert_eq!(
            item.progress.last_blocked_reason,
            Some(BlockReason::Other("teleport_required".into()))
        );
        assert_eq!(item.tour.display_mode, DisplayMode::UntilDismissed);
        let step = item.current_step().unwrap();
        assert_eq!(step.kind, StepKind::Pointer);
        assert_eq!(step.advance_on, AdvanceMode::ElementClick);
        assert_eq!(item.tour.steps[0].advance_on, AdvanceMode::Click);
        assert_eq!(item.tour.steps[2].kind, StepKind::Other("hologram".into()));
        assert_eq!(
            item.tour.steps[2].advance_on,
            AdvanceMode::Other("blink".into())
        );
        assert_eq!(item.tour.selectors(), vec!["#x"]);
    }

    #[test]
    fn bad_shapes_are_decode_errors() {
        let raw = json!([{"_id": "p1", "tourId": "t1", "status": "in_progress",
                          "currentStep": 1.5, "tour": {"_id": "t1", "name": "T"}, "steps": []}]);
        let docs: Vec<ActiveDoc> = wire::decode(wire_progress::GetActive::FUNCTION, raw).unwrap();
        let err = active_from_doc(docs.into_iter().next().unwrap()).unwrap_err();
        assert!(matches!(&err, Error::Decode { message } if message.contains("currentStep")));
        // An object instead of Opencom's array.
        let raw = json!({"_id": "p1"});
        assert!(matches!(
            wire::decode::<Vec<ActiveDoc>>(wire_progress::GetActive::FUNCTION, raw),
            Err(Error::Decode { .. })
        ));
        let raw = json!([{"tour": {"_id": "t1", "name": "T"},
                          "steps": [{"_id": "s", "type": "post", "order": 0}],
                          "tourStatus": "new", "elementSelectors": []}]);
        let err = wire::decode::<Vec<wire_tours::ListedDoc>>(wire_tours::ListAll::FUNCTION, raw)
            .unwrap_err();
        assert!(matches!(&err, Error::Decode { message } if message.contains("content")));
    }

    #[test]
    fn an_unknown_mode_is_refused_and_refusals_map() {
        assert!(AdvanceMode::Other("x".into()).wire().is_err());
        assert_eq!(AdvanceMode::FieldFill.wire().unwrap(), "fieldFill");
        assert!(matches!(
            map_error(Error::Server { message: "Tour is not in progress".into() }),
            Error::InvalidInput { field, .. } if field == "tour_id"
        ));
        assert!(matches!(
            map_error(Error::Server {
                message: "Tour does not belong to workspace".into()
            }),
            Error::NotAuthorized { .. }
        ));
        assert!(index(fns::TOUR_ADVANCE, "n", -1.0).is_err());
        assert_eq!(index(fns::TOUR_ADVANCE, "n", 3.0).unwrap(), 3);
    }
}
