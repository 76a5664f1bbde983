//! # opencom-ffi
//!
//! The Opencom SDK for Swift, Kotlin and Python hosts, generated with
//! [uniffi](https://mozilla.github.io/uniffi-rs/) from this crate. It is a thin layer: every
//! method wraps the same method of [`opencom_sdk`] and converts types and errors at the boundary;
//! there is no logic of its own.
//!
//! ```text
//! // Kotlin (package com.opencom.sdk); Swift (module OpencomFFI) reads the same.
//! val client = ClientBuilder(deploymentUrl, workspaceId)
//!     .origin("https://app.example.com")
//!     .storage(KeystoreStorage(context))      // your `Storage`: the session survives restarts
//!     .build()
//! val session = client.start()                // suspend; restores or boots the visitor session
//! client.visitor().identify(User(email = "jane@example.com",
//!     customAttributes = mapOf("plan" to AttributeValue.Text("pro"))))
//! val conversation = client.conversations().getOrCreate()
//! val subscription = client.conversations().watchMessages(conversation.id, listener)
//! client.conversations().send(conversation.id, OutgoingMessage("Hello!"))
//! subscription.cancel()
//! ```
//!
//! ## Shape
//! - [`ClientBuilder`] (chained setters) → `async build()` → [`OpencomClient`], with sub-clients
//!   per domain: `session()`, `visitor()`, `events()`, `conversations()`, `help_center()`,
//!   `push()`, `tickets()`, `messenger()`, and the engagement ones: `surveys()`,
//!   `carousels()`, `outbound()`, `checklists()`, `tours()`, `ai_agent()`.
//! - Every network call is an `async` method (`async`/`await` in Swift and Python, `suspend` in
//!   Kotlin). Cancelling the host's task cancels the SDK work.
//! - Errors: [`OpencomError`] (`OpencomException` in Kotlin), one variant per thing the app can
//!   do about it. Host storage reports [`StorageError`].
//! - Host services: [`Storage`] (put the session in the Keychain/Keystore), [`WallClock`],
//!   [`LogSink`] (see [`set_log_sink`]).
//! - Live data: `watch_*` methods take a listener ([`MessagesListener`],
//!   [`ConversationsListener`], [`UnreadCountListener`], [`ConnectionStateListener`],
//!   [`SurveysListener`], [`CarouselsListener`], [`OutboundMessagesListener`],
//!   [`ChecklistsListener`], [`AiAnswersListener`], [`SurveyTriggerListener`]) and return a
//!   [`Subscription`]. The current snapshot comes first; each one says how it arrived
//!   ([`Delivery`]: cache, WebSocket, HTTP polling, or a local change). **Listeners are called
//!   from SDK threads**: hop to the UI thread yourself.
//!
//! ## Threads
//! The SDK runs on its own multi-thread runtime, created on first use (see `runtime.rs`); the
//! host's executor only awaits the results.
//!
//! ## Per host
//! - **Kotlin** (package `com.opencom.sdk`): network calls are `suspend`; errors are
//!   `OpencomException.*`; `Storage` methods are `suspend fun`s.
//! - **Swift** (module `OpencomFFI`, C module `OpencomFFIFFI`): calls are `async throws`.
//! - **Python**: calls are coroutines. When the host implements `Storage` (async methods), call
//!   `uniffi_set_event_loop(asyncio.get_running_loop())` first: the SDK schedules those
//!   coroutines on that loop from its own threads.
//!
//! ## Names that differ from the Rust core
//! Chosen so that no generated type or variant shadows a host built-in:
//! [`AttributeValue`] variants are `Null`/`Bool`/`Number`/`Text`/`Array`/`Object` (core:
//! `String`/`List`/`Map`, which clash with Kotlin's `List`/`Map`); [`FormValue::Choices`]
//! (core: `List`); [`ArticleCollection`] (core: `Collection`, Swift's protocol); [`WallClock`]
//! (core: `Clock`, Swift's protocol); error fields are `detail` (core: `message`, which Kotlin
//! exceptions already have). Free-form JSON documents (`metadata`, `home_config`,
//! `ai_settings`, `MessengerSettings.raw_json`, push payloads) cross as JSON text.
//! `identity::user_hash` is deliberately absent: it belongs on your server.

mod ai_agent;
mod carousels;
mod checklists;
mod client;
mod client_events;
mod conversations;
mod error;
mod help_center;
mod host;
mod listeners;
mod logging;
mod messenger;
mod outbound;
mod push;
mod runtime;
mod surveys;
mod tickets;
mod tours;
mod types;

pub use ai_agent::{
    max_handoff_reason_chars, AiAgentClient, AiAnswer, AiAnswersListener, AiFeedback, AiSource,
    AiSourceKind, Handoff,
};
pub use carousels::{
    Carousel, CarouselAction, CarouselButton, CarouselImpression, CarouselScreen, CarouselsClient,
    CarouselsListener,
};
pub use checklists::{
    AttributeCondition, Checklist, ChecklistProgress, ChecklistTask, ChecklistsClient,
    ChecklistsListener, CompletionType, EligibleChecklist, TaskAction,
};
pub use client::{ClientBuilder, EventsClient, OpencomClient, SessionClient, VisitorClient};
pub use client_events::{ClientEvent, ClientEventListener};
pub use conversations::{
    AttachmentSource, Conversation, ConversationStatus, ConversationsClient, CsatEligibility,
    DeliveryState, Message, OutgoingMessage, SendHandle, SenderType, UploadedAttachment,
};
pub use error::{error_is_transient, OpencomError, StorageError};
pub use help_center::{Article, ArticleCollection, CollectionNode, HelpCenterClient, Suggestion};
pub use host::{Storage, WallClock};
pub use listeners::{
    ConnectionStateListener, ConversationsListener, MessagesListener, Subscription,
    UnreadCountListener,
};
pub use logging::{clear_log_sink, set_log_sink, LogLevel, LogRecord, LogSink};
pub use messenger::{
    AutomationSettings, CommonIssueButton, MessengerClient, MessengerSettings, OfficeHours,
};
pub use outbound::{
    OutboundAction, OutboundButton, OutboundClient, OutboundContent, OutboundKind, OutboundMessage,
    OutboundMessagesListener,
};
pub use push::{
    parse_deep_link, parse_deep_link_with_prefixes, parse_push, PushClient, PushPlatform,
    PushRegistration, Route, TicketUpdateKind,
};
pub use surveys::{
    AnswerValue, QuestionKind, Survey, SurveyAnswer, SurveyFormat, SurveyImpression,
    SurveyQuestion, SurveyStep, SurveyTrigger, SurveyTriggerListener, SurveysClient,
    SurveysListener,
};
pub use tickets::{
    FieldKind, FormField, FormValue, NewTicket, Ticket, TicketComment, TicketDetail, TicketForm,
    TicketPriority, TicketStatus, TicketsClient,
};
pub use tours::{
    ActiveTour, AdvanceInput, AdvanceMode, AdvanceOutcome, AvailableTour, BlockReason, DisplayMode,
    ListedTour, ProgressStatus, SkipReason, StepKind, StepOutcome, Tour, TourProgress, TourStatus,
    TourStep, ToursClient,
};
pub use types::{
    Attachment, AttributeValue, ClientInfo, ConnectionState, Delivery, DeviceInfo, Discovery,
    ExportSummary, RealtimeMode, RetryPolicy, SessionInfo, TrackOutcome, User, Visitor,
};

/// This SDK's version.
#[uniffi::export]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The limits the SDK checks before sending anything, for building UIs (file pickers, …).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Limits {
    /// Largest attachment, in bytes.
    pub max_attachment_bytes: u64,
    /// Most attachments per message or ticket comment.
    pub max_attachments_per_message: u32,
    /// File-name extensions Opencom accepts.
    pub allowed_extensions: Vec<String>,
    /// Consecutive send failures after which a conversation's outbox pauses.
    pub outbox_max_failures: u32,
    /// How long messenger configuration is cached, in milliseconds.
    pub config_ttl_ms: f64,
    /// The version of the `export_my_data` document format.
    pub export_schema_version: u32,
}

/// The limits the SDK checks before sending anything.
#[uniffi::export]
pub fn sdk_limits() -> Limits {
    Limits {
        max_attachment_bytes: opencom_sdk::MAX_ATTACHMENT_BYTES,
        max_attachments_per_message: opencom_sdk::MAX_ATTACHMENTS_PER_MESSAGE as u32,
        allowed_extensions: opencom_sdk::ALLOWED_EXTENSIONS
            .iter()
            .map(|e| (*e).to_owned())
            .collect(),
        outbox_max_failures: opencom_sdk::MAX_FAILURES,
        config_ttl_ms: opencom_sdk::CONFIG_TTL_MS,
        export_schema_version: opencom_sdk::EXPORT_SCHEMA_VERSION,
    }
}

uniffi::setup_scaffolding!();
