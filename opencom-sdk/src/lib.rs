//! # Opencom Rust SDK
//!
//! A typed async client for [Opencom](https://github.com/opencom-org/opencom), the open-source
//! customer-messaging platform, whose backend is a Convex deployment. It speaks Convex's HTTP
//! functions API with exactly the arguments Opencom's validators accept, keeps the visitor
//! session (boot, restore, refresh, re-boot) for you, and never logs a credential.
//!
//! ## Getting started
//!
//! ```
//! use opencom_sdk::{Attributes, MemoryStorage, Opencom, User};
//! use std::sync::Arc;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = server_mock::ServerMock::start().await?;
//! # let (url, workspace_id) = (mock.url(), mock.workspace_id());
//! // `url` is your deployment, e.g. "https://happy-otter-123.convex.cloud".
//! let client = Opencom::builder(&url, &workspace_id)
//!     .origin("https://app.example.com")
//!     .storage(Arc::new(MemoryStorage::new()))
//!     .build()?;
//!
//! // Boots a visitor session, or restores the stored one without any network call.
//! let session = client.start().await?;
//! println!("visitor {}", session.visitor_id);
//!
//! // Tell Opencom who the visitor is. `user_hash` comes from your backend
//! // (see `opencom_sdk::identity`).
//! let visitor = client
//!     .visitor()
//!     .identify(User::new().email("jane@example.com").name("Jane").attribute("plan", "pro"))
//!     .await?;
//! assert_eq!(visitor.email.as_deref(), Some("jane@example.com"));
//!
//! let mut properties = Attributes::new();
//! properties.insert("amount".into(), 42.into());
//! client.events().track("purchase_completed", properties).await?;
//!
//! // Forget the visitor on this device and start over anonymously.
//! client.logout().await?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Layout
//! - [`Opencom`] is the facade; sub-clients per domain: [`Opencom::session`],
//!   [`Opencom::visitor`], [`Opencom::events`].
//! - Host services are traits: [`Storage`] (with [`MemoryStorage`] and [`FileStorage`]) and
//!   [`Clock`].
//! - Errors: one small [`Error`] enum whose variants map to actions.
//! - [`WorkspaceClient`] (feature `workspace`, on by default) is the agent side: Convex Auth
//!   sign-in, the inbox and the visitor directory.
//! - [`identity::user_hash`] computes the identity-verification HMAC — on your server.

mod ai_agent;
mod attributes;
mod backoff;
mod client;
mod client_events;
mod clock;
mod config;
mod context;
mod conversations;
mod discovery;
mod engagement;
mod error;
mod error_source;
mod event_pump;
mod events;
mod export;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod help_center;
pub mod identity;
mod messenger;
#[cfg(test)]
mod proptests;
mod push;
mod realtime;
mod routes;
mod secret;
mod session;
mod storage;
mod task;
mod tickets;
mod transport;
mod visitor;
mod wire;
#[cfg(feature = "workspace")]
pub mod workspace;

pub use ai_agent::{
    AiAgentClient, AiAnswer, AiFeedback, AiSource, AiSourceKind, Handoff, MAX_HANDOFF_REASON_CHARS,
};
pub use attributes::{AttributeValue, Attributes};
pub use client::{Opencom, OpencomBuilder, SessionClient};
pub use client_events::{ClientEvent, ClientEvents};
pub use clock::{Clock, SystemClock};
pub use config::{BuildError, ClientInfo, DeviceInfo, DEFAULT_MAX_RESPONSE_BYTES};
pub use conversations::attachments::{
    AttachmentSource, UploadedAttachment, ALLOWED_EXTENSIONS, MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_ATTACHMENT_BYTES,
};
pub use conversations::model::{
    Attachment, Conversation, ConversationStatus, CsatEligibility, DeliveryState, Message,
    SenderType,
};
pub use conversations::outbox::{OutgoingMessage, SendHandle, MAX_FAILURES};
pub use conversations::ConversationsClient;
pub use discovery::Discovery;
pub use engagement::carousels::{
    Carousel, CarouselAction, CarouselButton, CarouselImpression, CarouselScreen, CarouselsClient,
};
pub use engagement::outbound::{
    OutboundAction, OutboundButton, OutboundClient, OutboundContent, OutboundKind, OutboundMessage,
};
pub use engagement::surveys::{
    AnswerValue, QuestionKind, Survey, SurveyAnswer, SurveyFormat, SurveyImpression,
    SurveyQuestion, SurveyStep, SurveyTrigger, SurveyTriggers, SurveysClient,
};
pub use engagement::{
    ActiveTour, AdvanceInput, AdvanceMode, AdvanceOutcome, AvailableTour, BlockReason, DisplayMode,
    ListedTour, ProgressStatus, SkipReason, StepKind, StepOutcome, Tour, TourProgress, TourStatus,
    TourStep, ToursClient,
};
pub use engagement::{
    AttributeCondition, Checklist, ChecklistProgress, ChecklistTask, ChecklistsClient,
    CompletionType, EligibleChecklist, TaskAction, MAX_CHECKLISTS,
};
pub use error::{Error, Result};
pub use error_source::ErrorSource;
pub use events::{EventsClient, TrackOutcome};
pub use export::{ExportSummary, EXPORT_SCHEMA_VERSION};
pub use help_center::{Article, Collection, CollectionNode, HelpCenterClient, Suggestion};
pub use messenger::{
    AutomationSettings, CommonIssueButton, MessengerClient, MessengerSettings, OfficeHours,
    CONFIG_TTL_MS,
};
pub use push::{PushClient, PushPlatform, PushRegistration};
pub use realtime::{ConnectionState, Delivery, LiveStream, RealtimeMode, Snapshot};
pub use routes::{
    parse_deep_link, parse_push, DeepLinks, InvalidDeepLinkPrefix, Route, TicketUpdateKind,
};
pub use secret::Secret;
pub use session::SessionInfo;
pub use storage::{write_atomic, FileStorage, MemoryStorage, Storage, StorageError};
pub use tickets::{
    FieldKind, FormField, FormValue, NewTicket, Ticket, TicketComment, TicketDetail, TicketForm,
    TicketPriority, TicketStatus, TicketsClient,
};
pub use transport::RetryPolicy;
pub use visitor::{User, Visitor, VisitorClient};
#[cfg(feature = "workspace")]
pub use workspace::{
    AdminArticle, AdminCollection, ArticleAsset, ArticleDraft, ArticleFilter, ArticleStatus,
    ArticleVisibility, AssetUpload, CollectionDraft, CollectionUpdate, HelpCenterAdminClient,
    ASSET_MIME_TYPES, MAX_ASSET_BYTES,
};
#[cfg(feature = "workspace")]
pub use workspace::{
    AgentComment, AppliedTag, NewSnippet, Snippet, SnippetUpdate, SnippetsClient, Tag, TagUpdate,
    TagsClient, TicketAssignee, TicketFilter, TicketUpdate, WorkspaceTicket,
    WorkspaceTicketComment, WorkspaceTicketDetail, WorkspaceTicketsClient,
};
#[cfg(feature = "workspace")]
pub use workspace::{
    AiWorkflowState, CurrentUser, InboxClient, InboxConversation, InboxFilter,
    VisitorDirectoryClient, VisitorProfile, VisitorSummary, WorkspaceClient,
    WorkspaceClientBuilder, WorkspaceMembership,
};
