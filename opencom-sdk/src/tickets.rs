//! Tickets: create (with the workspace's default form), list, read, comment. Internal agent
//! comments never reach the visitor through this SDK.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::context::Context;
use crate::conversations::attachments::check_count;
use crate::conversations::check_id;
use crate::conversations::model::Attachment;
use crate::error::{Error, Result};
use crate::wire::functions as fns;
use crate::wire::visitor::ticket_forms::{FieldDoc, FormDoc, GetDefaultForVisitor};
use crate::wire::visitor::tickets::{
    AddComment, CommentDoc, Create, FormDataValue, Get, GetComments, ListByVisitor, Priority,
    TicketDoc,
};
use crate::wire::{self, Call};

/// A ticket's status.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Other(String),
}

/// A ticket's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

impl TicketPriority {
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TicketPriority::Low => "low",
            TicketPriority::Normal => "normal",
            TicketPriority::High => "high",
            TicketPriority::Urgent => "urgent",
        }
    }

    fn wire(self) -> Priority {
        match self {
            TicketPriority::Low => Priority::Low,
            TicketPriority::Normal => Priority::Normal,
            TicketPriority::High => Priority::High,
            TicketPriority::Urgent => Priority::Urgent,
        }
    }
}

impl From<Priority> for TicketPriority {
    fn from(p: Priority) -> Self {
        match p {
            Priority::Low => Self::Low,
            Priority::Normal => Self::Normal,
            Priority::High => Self::High,
            Priority::Urgent => Self::Urgent,
        }
    }
}

/// A ticket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

#[cfg_attr(not(feature = "workspace"), allow(dead_code))]
pub(crate) fn attachments_of(doc: &Value) -> Result<Vec<Attachment>> {
    match doc.get("attachments").and_then(Value::as_array) {
        Some(items) => attachments(items),
        None => Ok(Vec::new()),
    }
}

fn attachments(items: &[Value]) -> Result<Vec<Attachment>> {
    items.iter().map(Attachment::from_json).collect()
}

impl Ticket {
    /// Decodes one ticket document (the team's `tickets:list` and `tickets:get` read the same
    /// shape; a malformed one is a decode error named after `tickets:get`).
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        Self::try_from(wire::decode::<TicketDoc>(fns::GET_TICKET, doc.clone())?)
    }
}

impl TryFrom<TicketDoc> for Ticket {
    type Error = Error;

    fn try_from(doc: TicketDoc) -> Result<Self> {
        Ok(Self {
            id: doc.id,
            subject: doc.subject,
            description: doc.description,
            status: match doc.status.as_str() {
                "submitted" => TicketStatus::Submitted,
                "in_progress" => TicketStatus::InProgress,
                "waiting_on_customer" => TicketStatus::WaitingOnCustomer,
                "resolved" => TicketStatus::Resolved,
                _ => TicketStatus::Other(doc.status),
            },
            priority: doc.priority.into(),
            created_at: doc.created_at,
            updated_at: doc.updated_at,
            resolution_summary: doc.resolution_summary,
            attachments: attachments(&doc.attachments)?,
        })
    }
}

/// A public comment on a ticket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

/// Keeps the public comments, dropping every internal one (defence in depth: Opencom's
/// `tickets:get` returns internal agent notes to visitors).
pub(crate) fn public_comments(docs: Vec<CommentDoc>) -> Result<Vec<TicketComment>> {
    docs.into_iter()
        .filter(|c| !c.is_internal)
        .map(|c| {
            Ok(TicketComment {
                attachments: attachments(&c.attachments)?,
                id: c.id,
                author_type: c.author_type,
                content: c.content,
                created_at: c.created_at,
            })
        })
        .collect()
}

/// A ticket with its public comments.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: Ticket,
    /// Public comments, oldest first.
    pub comments: Vec<TicketComment>,
}

/// The type of a ticket-form field.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Other(String),
}

/// A field of a ticket form.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FormField {
    /// Key in `form_data`.
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

/// The workspace's ticket form.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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

impl From<FieldDoc> for FormField {
    fn from(f: FieldDoc) -> Self {
        let kind = match f.kind.as_str() {
            "text" => FieldKind::Text,
            "textarea" => FieldKind::Textarea,
            "select" => FieldKind::Select,
            "multi-select" => FieldKind::MultiSelect,
            "number" => FieldKind::Number,
            "date" => FieldKind::Date,
            _ => FieldKind::Other(f.kind),
        };
        Self {
            id: f.id,
            kind,
            label: f.label,
            placeholder: f.placeholder,
            required: f.required,
            options: f.options.unwrap_or_default(),
        }
    }
}

impl From<FormDoc> for TicketForm {
    fn from(doc: FormDoc) -> Self {
        Self {
            id: doc.id,
            name: doc.name,
            description: doc.description,
            fields: doc.fields.into_iter().map(FormField::from).collect(),
        }
    }
}

impl TicketForm {
    /// Checks `data` against the fields: required values present, types and options right, no
    /// unknown keys.
    pub fn validate(&self, data: &BTreeMap<String, FormValue>) -> Result<()> {
        for key in data.keys() {
            if !self.fields.iter().any(|f| &f.id == key) {
                return Err(Error::invalid(
                    format!("form_data.{key}"),
                    "not a field of the form",
                ));
            }
        }
        for field in &self.fields {
            let path = format!("form_data.{}", field.id);
            let value = data.get(&field.id).filter(|v| !v.is_empty());
            let Some(value) = value else {
                if field.required {
                    return Err(Error::invalid(
                        path,
                        format!("`{}` is required", field.label),
                    ));
                }
                continue;
            };
            let fits = match (&field.kind, value) {
                (
                    FieldKind::Text | FieldKind::Textarea | FieldKind::Other(_),
                    FormValue::Text(_),
                ) => true,
                (FieldKind::Number, FormValue::Number(n)) => n.is_finite(),
                (FieldKind::Date, FormValue::Text(t)) => {
                    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()
                }
                (FieldKind::Select, FormValue::Text(t)) => {
                    field.options.is_empty() || field.options.contains(t)
                }
                (FieldKind::MultiSelect, FormValue::List(items)) => {
                    field.options.is_empty() || items.iter().all(|i| field.options.contains(i))
                }
                _ => false,
            };
            if !fits {
                return Err(Error::invalid(
                    path,
                    format!("not a valid {:?} value", field.kind),
                ));
            }
        }
        Ok(())
    }
}

/// A value of a ticket-form field.
#[derive(Debug, Clone, PartialEq)]
pub enum FormValue {
    /// Text, a select choice, or a date `YYYY-MM-DD`.
    Text(String),
    /// A number.
    Number(f64),
    /// A checkbox.
    Bool(bool),
    /// No value.
    Null,
    /// Multi-select choices.
    List(Vec<String>),
}

impl FormValue {
    fn is_empty(&self) -> bool {
        match self {
            FormValue::Null => true,
            FormValue::Text(t) => t.trim().is_empty(),
            FormValue::List(l) => l.is_empty(),
            _ => false,
        }
    }

    fn wire(&self) -> FormDataValue<'_> {
        match self {
            FormValue::Text(t) => FormDataValue::Text(t),
            FormValue::Number(n) => FormDataValue::Number(*n),
            FormValue::Bool(b) => FormDataValue::Bool(*b),
            FormValue::Null => FormDataValue::Null,
            FormValue::List(l) => FormDataValue::List(l),
        }
    }
}

impl From<&str> for FormValue {
    fn from(s: &str) -> Self {
        FormValue::Text(s.to_owned())
    }
}

impl From<f64> for FormValue {
    fn from(n: f64) -> Self {
        FormValue::Number(n)
    }
}

/// A ticket to create.
///
/// ```
/// use opencom_sdk::{NewTicket, TicketPriority};
/// let ticket = NewTicket::new("Refund request")
///     .description("Charged twice")
///     .priority(TicketPriority::High)
///     .field("order", "A-1001");
/// assert_eq!(ticket.form_data.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTicket {
    /// Subject (required).
    pub subject: String,
    /// Description.
    pub description: Option<String>,
    /// Priority.
    pub priority: TicketPriority,
    /// Values for the default form's fields.
    pub form_data: BTreeMap<String, FormValue>,
    /// Uploaded attachments (at most 5).
    pub attachment_ids: Vec<String>,
}

impl NewTicket {
    /// A ticket with a subject.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            ..Self::default()
        }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the priority.
    pub fn priority(mut self, priority: TicketPriority) -> Self {
        self.priority = priority;
        self
    }

    /// Sets a form field.
    pub fn field(mut self, id: impl Into<String>, value: impl Into<FormValue>) -> Self {
        self.form_data.insert(id.into(), value.into());
        self
    }

    /// Adds an uploaded attachment.
    pub fn attachment(mut self, id: impl Into<String>) -> Self {
        self.attachment_ids.push(id.into());
        self
    }
}

/// Tickets: `client.tickets()`.
#[derive(Clone, Copy)]
pub struct TicketsClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl TicketsClient<'_> {
    /// The workspace's default ticket form (`ticketForms:getDefaultForVisitor`), if it has one.
    pub async fn default_form(&self) -> Result<Option<TicketForm>> {
        let args = GetDefaultForVisitor {
            workspace_id: &self.ctx.config.workspace_id,
        };
        let value = self
            .ctx
            .transport
            .call(GetDefaultForVisitor::FUNCTION, &args)
            .await?;
        let form: Option<FormDoc> = wire::decode(GetDefaultForVisitor::FUNCTION, value)?;
        Ok(form.map(TicketForm::from))
    }

    /// Creates a ticket. Its form data is validated against the default form first (required
    /// fields, types, options), so mistakes fail before anything is sent.
    pub async fn create(&self, ticket: NewTicket) -> Result<String> {
        if ticket.subject.trim().is_empty() {
            return Err(Error::invalid("subject", "must not be empty"));
        }
        check_count(&ticket.attachment_ids)?;
        let form = self.default_form().await?;
        let form_fields = match &form {
            Some(form) => {
                form.validate(&ticket.form_data)?;
                Some(form.id.clone())
            }
            None if !ticket.form_data.is_empty() => {
                return Err(Error::invalid(
                    "form_data",
                    "the workspace has no ticket form",
                ))
            }
            None => None,
        };
        // The form is sent only with data for it.
        let form_id = form_fields
            .as_deref()
            .filter(|_| !ticket.form_data.is_empty());
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|c| Create {
                auth: c.workspace(workspace_id),
                subject: ticket.subject.trim(),
                description: ticket
                    .description
                    .as_deref()
                    .filter(|d| !d.trim().is_empty()),
                attachment_ids: Some(ticket.attachment_ids.as_slice())
                    .filter(|ids| !ids.is_empty()),
                priority: Some(ticket.priority.wire()),
                form_id,
                form_data: form_id.map(|_| {
                    ticket
                        .form_data
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.wire()))
                        .collect()
                }),
            })
            .await
    }

    /// The visitor's tickets, newest first (`tickets:listByVisitor`).
    pub async fn list(&self) -> Result<Vec<Ticket>> {
        let workspace_id = &self.ctx.config.workspace_id;
        self.ctx
            .session
            .request(|c| ListByVisitor {
                auth: c.workspace(workspace_id),
            })
            .await?
            .into_iter()
            .map(Ticket::try_from)
            .collect()
    }

    /// A ticket with its public comments. The comments come from `tickets:getComments` with
    /// `includeInternal: false` (and are filtered again), never from `tickets:get`, which leaks
    /// internal notes.
    pub async fn get(&self, ticket_id: &str) -> Result<TicketDetail> {
        check_id("ticket_id", ticket_id)?;
        let doc = self
            .ctx
            .session
            .request(|c| Get {
                id: ticket_id,
                auth: c.visitor(),
            })
            .await?;
        let Some(doc) = doc else {
            return Err(Error::NotFound {
                message: "Ticket not found".into(),
            });
        };
        let ticket = Ticket::try_from(doc)?;
        let comments = self.comments(ticket_id).await?;
        Ok(TicketDetail { ticket, comments })
    }

    /// The public comments of a ticket, oldest first.
    pub async fn comments(&self, ticket_id: &str) -> Result<Vec<TicketComment>> {
        check_id("ticket_id", ticket_id)?;
        let docs = self
            .ctx
            .session
            .request(|c| GetComments {
                ticket_id,
                include_internal: Some(false),
                auth: c.visitor(),
            })
            .await?;
        public_comments(docs)
    }

    /// Adds a comment as the visitor.
    pub async fn add_comment(
        &self,
        ticket_id: &str,
        content: &str,
        attachment_ids: &[String],
    ) -> Result<String> {
        check_id("ticket_id", ticket_id)?;
        if content.trim().is_empty() && attachment_ids.is_empty() {
            return Err(Error::invalid(
                "content",
                "a comment needs text or an attachment",
            ));
        }
        check_count(attachment_ids)?;
        self.ctx
            .session
            .request(|c| AddComment {
                ticket_id,
                content,
                attachment_ids: Some(attachment_ids).filter(|ids| !ids.is_empty()),
                auth: c.visitor(),
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form() -> TicketForm {
        let doc: Option<FormDoc> = wire::decode(GetDefaultForVisitor::FUNCTION, json!({"_id": "f1", "name": "Support", "fields": [
            {"id": "order", "type": "text", "label": "Order", "required": true},
            {"id": "qty", "type": "number", "label": "Quantity", "required": false},
            {"id": "when", "type": "date", "label": "Date", "required": false},
            {"id": "area", "type": "select", "label": "Area", "required": false, "options": ["billing", "tech"]},
            {"id": "tags", "type": "multi-select", "label": "Tags", "required": false, "options": ["a", "b"]}
        ]}))
        .unwrap();
        TicketForm::from(doc.unwrap())
    }

    fn field(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn form_data_is_validated_like_the_form() {
        let f = form();
        let mut ok = BTreeMap::new();
        ok.insert("order".to_string(), FormValue::from("A-1"));
        ok.insert("qty".to_string(), FormValue::Number(2.0));
        ok.insert("when".to_string(), FormValue::from("2026-11-22"));
        ok.insert("area".to_string(), FormValue::from("billing"));
        ok.insert("tags".to_string(), FormValue::List(vec!["a".into()]));
        assert_eq!(f.validate(&ok), Ok(()));

        let mut missing = ok.clone();
        missing.remove("order");
        assert_eq!(field(f.validate(&missing)), "form_data.order");
        let mut blank = ok.clone();
        blank.insert("order".into(), FormValue::from("  "));
        assert_eq!(field(f.validate(&blank)), "form_data.order");
        let mut wrong_type = ok.clone();
        wrong_type.insert("qty".into(), FormValue::from("two"));
        assert_eq!(field(f.validate(&wrong_type)), "form_data.qty");
        let mut bad_date = ok.clone();
        bad_date.insert("when".into(), FormValue::from("22/11/2026"));
        assert_eq!(field(f.validate(&bad_date)), "form_data.when");
        let mut bad_option = ok.clone();
        bad_option.insert("area".into(), FormValue::from("sales"));
        assert_eq!(field(f.validate(&bad_option)), "form_data.area");
        let mut unknown = ok;
        unknown.insert("nope".into(), FormValue::Bool(true));
        assert_eq!(field(f.validate(&unknown)), "form_data.nope");
    }

    #[test]
    fn a_ticket_keeps_an_unknown_status_and_requires_the_contract_fields() {
        let doc = json!({"_id": "t1", "subject": "S", "status": "escalated", "priority": "high",
                         "createdAt": 1, "updatedAt": 2, "attachments": []});
        let ticket = Ticket::from_json(&doc).unwrap();
        assert_eq!(ticket.status, TicketStatus::Other("escalated".into()));
        assert_eq!(ticket.priority, TicketPriority::High);
        let mut missing = doc;
        missing.as_object_mut().unwrap().remove("createdAt");
        assert!(matches!(
            Ticket::from_json(&missing),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn internal_comments_are_never_decoded() {
        let value = json!([
            {"_id": "c1", "authorType": "visitor", "content": "hi", "isInternal": false, "createdAt": 1, "attachments": []},
            {"_id": "c2", "authorType": "agent", "content": "secret note", "isInternal": true, "createdAt": 2, "attachments": []},
            {"_id": "c3", "authorType": "agent", "content": "reply", "isInternal": false, "createdAt": 3, "attachments": []}
        ]);
        let docs: Vec<CommentDoc> = wire::decode(GetComments::FUNCTION, value).unwrap();
        let comments = public_comments(docs).unwrap();
        assert_eq!(
            comments.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            vec!["c1", "c3"]
        );
    }
}
