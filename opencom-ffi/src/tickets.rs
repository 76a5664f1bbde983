//! Tickets: `client.tickets()`.

use std::collections::HashMap;

use opencom_sdk as sdk;

use crate::error::OpencomError;
use crate::runtime::run;
use crate::types::{list, Attachment};

/// A ticket's status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TicketStatus {
    /// Just created.
    Submitted,
    /// Being worked on.
    InProgress,
    /// The team waits for the visitor.
    WaitingOnCustomer,
    /// Done.
    Resolved,
    /// A value this SDK version does not know.
    Other {
        /// The server's value.
        value: String,
    },
}

impl From<sdk::TicketStatus> for TicketStatus {
    fn from(s: sdk::TicketStatus) -> Self {
        match s {
            sdk::TicketStatus::Submitted => TicketStatus::Submitted,
            sdk::TicketStatus::InProgress => TicketStatus::InProgress,
            sdk::TicketStatus::WaitingOnCustomer => TicketStatus::WaitingOnCustomer,
            sdk::TicketStatus::Resolved => TicketStatus::Resolved,
            sdk::TicketStatus::Other(value) => TicketStatus::Other { value },
        }
    }
}

/// A ticket's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum TicketPriority {
    /// Low.
    Low,
    /// Normal (the server's default).
    #[default]
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl From<sdk::TicketPriority> for TicketPriority {
    fn from(p: sdk::TicketPriority) -> Self {
        match p {
            sdk::TicketPriority::Low => TicketPriority::Low,
            sdk::TicketPriority::Normal => TicketPriority::Normal,
            sdk::TicketPriority::High => TicketPriority::High,
            sdk::TicketPriority::Urgent => TicketPriority::Urgent,
        }
    }
}

impl From<TicketPriority> for sdk::TicketPriority {
    fn from(p: TicketPriority) -> Self {
        match p {
            TicketPriority::Low => sdk::TicketPriority::Low,
            TicketPriority::Normal => sdk::TicketPriority::Normal,
            TicketPriority::High => sdk::TicketPriority::High,
            TicketPriority::Urgent => sdk::TicketPriority::Urgent,
        }
    }
}

/// A ticket.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Ticket {
    /// Opaque id.
    pub id: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: Option<String>,
    /// Status.
    pub status: TicketStatus,
    /// Priority.
    pub priority: TicketPriority,
    /// Creation time, epoch ms.
    pub created_at: f64,
    /// Last update, epoch ms.
    pub updated_at: f64,
    /// The resolution summary, once resolved.
    pub resolution_summary: Option<String>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

impl From<sdk::Ticket> for Ticket {
    fn from(t: sdk::Ticket) -> Self {
        Self {
            id: t.id,
            subject: t.subject,
            description: t.description,
            status: t.status.into(),
            priority: t.priority.into(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            resolution_summary: t.resolution_summary,
            attachments: list(t.attachments),
        }
    }
}

/// A public comment on a ticket (internal agent notes never reach the visitor).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TicketComment {
    /// Opaque id.
    pub id: String,
    /// `agent`, `visitor` or `system`.
    pub author_type: String,
    /// Text.
    pub content: String,
    /// Creation time, epoch ms.
    pub created_at: f64,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

impl From<sdk::TicketComment> for TicketComment {
    fn from(c: sdk::TicketComment) -> Self {
        Self {
            id: c.id,
            author_type: c.author_type,
            content: c.content,
            created_at: c.created_at,
            attachments: list(c.attachments),
        }
    }
}

/// A ticket with its public comments.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: Ticket,
    /// Public comments, oldest first.
    pub comments: Vec<TicketComment>,
}

impl From<sdk::TicketDetail> for TicketDetail {
    fn from(d: sdk::TicketDetail) -> Self {
        Self {
            ticket: d.ticket.into(),
            comments: list(d.comments),
        }
    }
}

/// The type of a ticket-form field.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// One of `options`.
    Select,
    /// Several of `options`.
    MultiSelect,
    /// A number.
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A kind this SDK version does not know (accepts text).
    Other {
        /// The server's value.
        value: String,
    },
}

impl From<sdk::FieldKind> for FieldKind {
    fn from(k: sdk::FieldKind) -> Self {
        match k {
            sdk::FieldKind::Text => FieldKind::Text,
            sdk::FieldKind::Textarea => FieldKind::Textarea,
            sdk::FieldKind::Select => FieldKind::Select,
            sdk::FieldKind::MultiSelect => FieldKind::MultiSelect,
            sdk::FieldKind::Number => FieldKind::Number,
            sdk::FieldKind::Date => FieldKind::Date,
            sdk::FieldKind::Other(value) => FieldKind::Other { value },
        }
    }
}

/// A field of a ticket form.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FormField {
    /// Key in `NewTicket.form_data`.
    pub id: String,
    /// Type.
    pub kind: FieldKind,
    /// Label to show.
    pub label: String,
    /// Placeholder to show.
    pub placeholder: Option<String>,
    /// Whether a value is required.
    pub required: bool,
    /// Choices for select fields.
    pub options: Vec<String>,
}

impl From<sdk::FormField> for FormField {
    fn from(f: sdk::FormField) -> Self {
        Self {
            id: f.id,
            kind: f.kind.into(),
            label: f.label,
            placeholder: f.placeholder,
            required: f.required,
            options: f.options,
        }
    }
}

/// The workspace's ticket form.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TicketForm {
    /// Opaque id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Fields, in display order.
    pub fields: Vec<FormField>,
}

impl From<sdk::TicketForm> for TicketForm {
    fn from(f: sdk::TicketForm) -> Self {
        Self {
            id: f.id,
            name: f.name,
            description: f.description,
            fields: list(f.fields),
        }
    }
}

/// A value of a ticket-form field.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FormValue {
    /// Text, a select choice, or a date `YYYY-MM-DD`.
    Text {
        /// The value.
        value: String,
    },
    /// A number.
    Number {
        /// The value.
        value: f64,
    },
    /// A checkbox.
    Bool {
        /// The value.
        value: bool,
    },
    /// No value.
    Null,
    /// Multi-select choices.
    Choices {
        /// The chosen options.
        values: Vec<String>,
    },
}

impl From<FormValue> for sdk::FormValue {
    fn from(v: FormValue) -> Self {
        match v {
            FormValue::Text { value } => sdk::FormValue::Text(value),
            FormValue::Number { value } => sdk::FormValue::Number(value),
            FormValue::Bool { value } => sdk::FormValue::Bool(value),
            FormValue::Null => sdk::FormValue::Null,
            FormValue::Choices { values } => sdk::FormValue::List(values),
        }
    }
}

/// A ticket to create.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct NewTicket {
    /// Subject (required).
    pub subject: String,
    /// Description.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// Priority (`None`: normal).
    #[uniffi(default = None)]
    pub priority: Option<TicketPriority>,
    /// Values for the default form's fields, by field id.
    #[uniffi(default)]
    pub form_data: HashMap<String, FormValue>,
    /// Uploaded attachments (at most 5).
    #[uniffi(default = [])]
    pub attachment_ids: Vec<String>,
}

impl From<NewTicket> for sdk::NewTicket {
    fn from(t: NewTicket) -> Self {
        let mut out =
            sdk::NewTicket::new(t.subject).priority(t.priority.unwrap_or_default().into());
        out.description = t.description;
        out.form_data = t
            .form_data
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect();
        out.attachment_ids = t.attachment_ids;
        out
    }
}

/// Tickets: `client.tickets()`.
#[derive(Debug, uniffi::Object)]
pub struct TicketsClient {
    pub(crate) client: sdk::Opencom,
}

#[uniffi::export]
impl TicketsClient {
    /// The workspace's default ticket form, if it has one.
    pub async fn default_form(&self) -> Result<Option<TicketForm>, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let form = c.tickets().default_form().await?;
            Ok(form.map(TicketForm::from))
        })
        .await
    }

    /// Creates a ticket and returns its id. Form data is validated against the default form
    /// first (required fields, types, options), so mistakes fail before anything is sent.
    pub async fn create(&self, ticket: NewTicket) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tickets().create(ticket.into()).await }).await
    }

    /// The visitor's tickets, newest first.
    pub async fn list(&self) -> Result<Vec<Ticket>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tickets().list().await.map(list) }).await
    }

    /// A ticket with its public comments.
    pub async fn get(&self, ticket_id: String) -> Result<TicketDetail, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tickets().get(&ticket_id).await }).await
    }

    /// The public comments of a ticket, oldest first.
    pub async fn comments(&self, ticket_id: String) -> Result<Vec<TicketComment>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.tickets().comments(&ticket_id).await.map(list) }).await
    }

    /// Adds a comment as the visitor and returns its id.
    pub async fn add_comment(
        &self,
        ticket_id: String,
        content: String,
        attachment_ids: Vec<String>,
    ) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move {
            c.tickets()
                .add_comment(&ticket_id, &content, &attachment_ids)
                .await
        })
        .await
    }
}
