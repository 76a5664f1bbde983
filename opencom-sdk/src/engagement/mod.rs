//! Engagement: what the dashboard publishes for visitors (CONTRACT §13), one file per concern.

// Checklists and tours.
mod checklists;
mod tours;

// Checklists and tours.
pub use checklists::{
    AttributeCondition, Checklist, ChecklistProgress, ChecklistTask, ChecklistsClient,
    CompletionType, EligibleChecklist, TaskAction, MAX_CHECKLISTS,
};
pub use tours::{
    ActiveTour, AdvanceInput, AdvanceMode, AdvanceOutcome, AvailableTour, BlockReason, DisplayMode,
    ListedTour, ProgressStatus, SkipReason, StepKind, StepOutcome, Tour, TourProgress, TourStatus,
    TourStep, ToursClient,
};
