//! Engagement content shown to the visitor (CONTRACT §13), one file per concern.

// Surveys, carousels and outbound messages, with the impression log they share.
pub(crate) mod carousels;
pub(crate) mod impressions;
pub(crate) mod outbound;
pub(crate) mod surveys;
// Checklists and tours.
mod checklists;
mod tours;

pub use checklists::{
    AttributeCondition, Checklist, ChecklistProgress, ChecklistTask, ChecklistsClient,
    CompletionType, EligibleChecklist, TaskAction, MAX_CHECKLISTS,
};
pub use tours::{
    ActiveTour, AdvanceInput, AdvanceMode, AdvanceOutcome, AvailableTour, BlockReason, DisplayMode,
    ListedTour, ProgressStatus, SkipReason, StepKind, StepOutcome, Tour, TourProgress, TourStatus,
    TourStep, ToursClient,
};
