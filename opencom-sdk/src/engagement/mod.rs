//! Engagement content shown to the visitor (CONTRACT §13), one file per concern.

// Surveys, carousels and outbound messages, with the impression log they share.
pub(crate) mod carousels;
pub(crate) mod impressions;
pub(crate) mod outbound;
pub(crate) mod surveys;
