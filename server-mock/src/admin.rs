//! The control API for what agents and admins do in the Opencom dashboard: help-center content,
//! ticket forms and agent comments, messenger configuration, and the inspection of push tokens,
//! simulated push deliveries, article feedback and tickets; plus production-style error
//! redaction.

use serde_json::{json, Value};

use crate::db::{doc, Db, Doc, DocExt};
use crate::functions::articles::{generate_slug, unique_slug};
use crate::functions::visitor_push_tokens::PUSH_DELIVERIES;
use crate::functions::{messenger_settings, office_hours, ticket_forms, tickets};
use crate::server::Shared;
use crate::util::{js_numbers, lock};
use crate::validator::Validator;
use crate::ServerMock;

/// A help-center article to add with [`ServerMock::add_article`]: published or draft, public
/// or internal, in a collection or at the root.
///
/// ```
/// use server_mock::NewArticle;
///
/// let article = NewArticle::published("Reset your password", "Open **Settings**.")
///     .collection("k57collectionid")
///     .order(2.0);
/// let note = NewArticle::draft("Roadmap", "Not yet").internal();
/// # let _ = (article, note);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewArticle {
    title: String,
    content: String,
    published: bool,
    collection_id: Option<String>,
    internal: bool,
    order: Option<f64>,
}

impl NewArticle {
    /// A published, public article (visible to visitors), with `publishedAt` set.
    ///
    /// ```
    /// let article = server_mock::NewArticle::published("Refunds", "How refunds work");
    /// # let _ = article;
    /// ```
    pub fn published(title: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            content: content.into(),
            published: true,
            collection_id: None,
            internal: false,
            order: None,
        }
    }

    /// A draft (`status: "draft"`): hidden from visitors and public readers.
    ///
    /// ```
    /// let draft = server_mock::NewArticle::draft("Secret roadmap", "…");
    /// # let _ = draft;
    /// ```
    pub fn draft(title: impl Into<String>, content: impl Into<String>) -> Self {
        Self {
            published: false,
            ..Self::published(title, content)
        }
    }

    /// Puts the article in a collection of the same workspace (see
    /// [`ServerMock::add_collection`]).
    ///
    /// ```
    /// let article = server_mock::NewArticle::published("Tuning", "…").collection("k57abc");
    /// # let _ = article;
    /// ```
    pub fn collection(mut self, collection_id: &str) -> Self {
        self.collection_id = Some(collection_id.to_owned());
        self
    }

    /// Makes it an internal article (`visibility: "internal"`): agents only, never shown to
    /// visitors even when published.
    ///
    /// ```
    /// let article = server_mock::NewArticle::published("Agent macros", "…").internal();
    /// # let _ = article;
    /// ```
    pub fn internal(mut self) -> Self {
        self.internal = true;
        self
    }

    /// Sets its position among its siblings (`order`); by default it goes last (the highest
    /// `order` of its collection + 1, as `articles:create` does).
    ///
    /// ```
    /// let article = server_mock::NewArticle::published("First", "…").order(0.5);
    /// # let _ = article;
    /// ```
    pub fn order(mut self, order: f64) -> Self {
        self.order = Some(order);
        self
    }
}

/// Checks `value` against `validator` (no ids involved), with Convex's error text.
fn check(validator: &Validator, value: &Value, db: &Db) -> Result<(), String> {
    validator
        .validate(value, &|id| db.table_of(id).map(str::to_owned))
        .map_err(|e| e.to_string())
}

fn is_workspace(db: &Db, workspace_id: &str) -> bool {
    db.table_of(workspace_id) == Some("workspaces") && db.get(workspace_id).is_some()
}

/// Drops `_id` and `_creationTime`.
fn without_system_fields(mut row: Doc) -> Value {
    row.remove("_id");
    row.remove("_creationTime");
    js_numbers(Value::Object(row))
}

impl Shared {
    /// A collection of the workspace; `None` if the workspace (or the parent in it) is unknown.
    pub(crate) fn add_collection(
        &self,
        workspace_id: &str,
        name: &str,
        parent_id: Option<&str>,
        order: f64,
        extra: Doc,
    ) -> Option<String> {
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return None;
            }
            if let Some(parent) = parent_id {
                db.get(parent).filter(|p| {
                    db.table_of(parent) == Some("collections")
                        && p.str_field("workspaceId") == Some(workspace_id)
                })?;
            }
            let slug = unique_slug(db, "collections", workspace_id, &generate_slug(name));
            let mut fields = doc([
                ("workspaceId", Some(json!(workspace_id))),
                ("name", Some(json!(name))),
                ("slug", Some(json!(slug))),
                ("parentId", parent_id.map(|p| json!(p))),
                ("order", Some(json!(order))),
                ("createdAt", Some(json!(now))),
                ("updatedAt", Some(json!(now))),
            ]);
            fields.extend(extra);
            Some(db.insert("collections", fields, now))
        })
    }

    /// An article of the workspace; `None` if the workspace (or the collection in it) is
    /// unknown.
    pub(crate) fn add_article(&self, workspace_id: &str, article: &NewArticle) -> Option<String> {
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return None;
            }
            let collection = article.collection_id.as_deref();
            if let Some(collection_id) = collection {
                db.get(collection_id).filter(|c| {
                    db.table_of(collection_id) == Some("collections")
                        && c.str_field("workspaceId") == Some(workspace_id)
                })?;
            }
            let order = article.order.unwrap_or_else(|| {
                db.scan("articles")
                    .filter(|a| {
                        a.str_field("workspaceId") == Some(workspace_id)
                            && a.str_field("collectionId") == collection
                    })
                    .filter_map(|a| a.f64_field("order"))
                    .fold(0.0, f64::max)
                    + 1.0
            });
            let slug = unique_slug(db, "articles", workspace_id, &generate_slug(&article.title));
            let fields = doc([
                ("workspaceId", Some(json!(workspace_id))),
                ("collectionId", collection.map(|c| json!(c))),
                ("title", Some(json!(article.title))),
                ("slug", Some(json!(slug))),
                ("content", Some(json!(article.content))),
                ("widgetLargeScreen", Some(json!(false))),
                (
                    "visibility",
                    Some(json!(if article.internal {
                        "internal"
                    } else {
                        "public"
                    })),
                ),
                (
                    "status",
                    Some(json!(if article.published {
                        "published"
                    } else {
                        "draft"
                    })),
                ),
                ("order", Some(json!(order))),
                ("createdAt", Some(json!(now))),
                ("updatedAt", Some(json!(now))),
                ("publishedAt", article.published.then(|| json!(now))),
            ]);
            Some(db.insert("articles", fields, now))
        })
    }

    /// Makes a ticket form the workspace's default (the previous default is kept as a plain
    /// form). `fields` must pass `ticketForms:create`'s validator.
    pub(crate) fn set_default_ticket_form(
        &self,
        workspace_id: &str,
        fields: Value,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<String, String> {
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return Err(format!("Workspace {workspace_id} not found"));
            }
            check(&ticket_forms::fields_validator(), &fields, db)?;
            let defaults: Vec<String> = db
                .filter("ticketForms", |f| {
                    f.str_field("workspaceId") == Some(workspace_id)
                        && f.bool_field("isDefault") == Some(true)
                })
                .iter()
                .map(|f| f.id().to_owned())
                .collect();
            for id in defaults {
                db.patch(
                    &id,
                    doc([
                        ("isDefault", Some(json!(false))),
                        ("updatedAt", Some(json!(now))),
                    ]),
                );
            }
            let form = doc([
                ("workspaceId", Some(json!(workspace_id))),
                (
                    "name",
                    Some(json!(name.unwrap_or_else(|| "Support request".to_owned()))),
                ),
                ("description", description.map(Value::String)),
                ("fields", Some(fields)),
                ("isDefault", Some(json!(true))),
                ("createdAt", Some(json!(now))),
                ("updatedAt", Some(json!(now))),
            ]);
            Ok(db.insert("ticketForms", form, now))
        })
    }

    /// An agent comment on a ticket; `None` for an unknown ticket.
    pub(crate) fn add_ticket_comment(
        &self,
        ticket_id: &str,
        text: &str,
        internal: bool,
    ) -> Option<String> {
        self.write(|db, now| {
            let workspace_id = db
                .get(ticket_id)
                .filter(|_| db.table_of(ticket_id) == Some("tickets"))?
                .str_field("workspaceId")?
                .to_owned();
            let agent = Shared::agent_user(db, &workspace_id, now);
            tickets::insert_agent_comment(db, now, ticket_id, &agent, text, internal)
        })
    }

    /// Upserts the workspace's row of `table` with `fields` checked by `validator`; a new row
    /// starts from `initial`.
    fn upsert_checked(
        &self,
        table: &str,
        workspace_id: &str,
        fields: Value,
        validator: &Validator,
        initial: Doc,
    ) -> Result<(), String> {
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return Err(format!("Workspace {workspace_id} not found"));
            }
            check(validator, &fields, db)?;
            let Value::Object(mut fields) = fields else {
                return Err("an object is required".to_owned());
            };
            fields.insert("updatedAt".into(), json!(now));
            let existing = db
                .find(table, |row| {
                    row.str_field("workspaceId") == Some(workspace_id)
                })
                .map(|row| row.id().to_owned());
            match existing {
                Some(id) => {
                    db.patch(&id, fields);
                }
                None => {
                    let mut row = initial;
                    row.extend(fields);
                    row.insert("workspaceId".into(), json!(workspace_id));
                    row.insert("createdAt".into(), json!(now));
                    db.insert(table, row, now);
                }
            }
            Ok(())
        })
    }

    pub(crate) fn set_office_hours(&self, workspace_id: &str, hours: Value) -> Result<(), String> {
        let initial = doc([
            ("timezone", Some(json!(office_hours::DEFAULT_ZONE))),
            ("schedule", Some(office_hours::default_schedule())),
            ("expectedReplyTimeMinutes", Some(json!(60))),
        ]);
        self.upsert_checked(
            "officeHours",
            workspace_id,
            hours,
            &office_hours::upsert_validator(),
            initial,
        )
    }

    pub(crate) fn set_messenger_settings(
        &self,
        workspace_id: &str,
        settings: Value,
    ) -> Result<(), String> {
        // A new row starts from the persisted defaults (`DEFAULT_SETTINGS`).
        let mut initial = messenger_settings::default_public_settings();
        for key in [
            "teamIntroduction",
            "logo",
            "launcherIconUrl",
            "privacyPolicyUrl",
            "launcherAudienceRules",
        ] {
            initial.remove(key);
        }
        self.upsert_checked(
            "messengerSettings",
            workspace_id,
            settings,
            &messenger_settings::settings_validator(),
            initial,
        )
    }

    /// An enabled common-issue button, last in order; `None` for an unknown workspace or an
    /// article of another workspace.
    pub(crate) fn add_common_issue_button(
        &self,
        workspace_id: &str,
        label: &str,
        article_id: Option<&str>,
    ) -> Option<String> {
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return None;
            }
            if let Some(article) = article_id {
                db.get(article).filter(|a| {
                    db.table_of(article) == Some("articles")
                        && a.str_field("workspaceId") == Some(workspace_id)
                })?;
            }
            let order = db
                .scan("commonIssueButtons")
                .filter(|b| b.str_field("workspaceId") == Some(workspace_id))
                .filter_map(|b| b.f64_field("order"))
                .fold(-1.0, f64::max)
                + 1.0;
            let action = if article_id.is_some() {
                "article"
            } else {
                "start_conversation"
            };
            let button = doc([
                ("workspaceId", Some(json!(workspace_id))),
                ("label", Some(json!(label))),
                ("action", Some(json!(action))),
                ("articleId", article_id.map(|a| json!(a))),
                (
                    "conversationStarter",
                    article_id.is_none().then(|| json!(label)),
                ),
                ("order", Some(json!(order))),
                ("enabled", Some(json!(true))),
                ("createdAt", Some(json!(now))),
                ("updatedAt", Some(json!(now))),
            ]);
            Some(db.insert("commonIssueButtons", button, now))
        })
    }

    /// Every simulated Expo push message, oldest first.
    pub(crate) fn push_deliveries(&self) -> Vec<Value> {
        lock(&self.db)
            .scan(PUSH_DELIVERIES)
            .cloned()
            .map(without_system_fields)
            .collect()
    }

    pub(crate) fn set_help_center_public(&self, workspace_id: &str, public: bool) -> bool {
        let policy = if public { "public" } else { "restricted" };
        self.patch_workspace(
            workspace_id,
            doc([("helpCenterAccessPolicy", Some(json!(policy)))]),
        )
    }
}

/// The help center, tickets, push and messenger configuration.
impl ServerMock {
    /// Adds a help-center collection (as an admin would) and returns its id; the slug comes
    /// from the name and is unique in the workspace. Returns an empty string (with a warning
    /// in the log) for an unknown workspace, or a parent that is not a collection of it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let ws = mock.workspace_id();
    /// let guides = mock.add_collection(&ws, "Guides", None, 1.0);
    /// let setup = mock.add_collection(&ws, "Setup", Some(&guides), 1.0);
    /// assert!(!setup.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_collection(
        &self,
        workspace_id: &str,
        name: &str,
        parent_id: Option<&str>,
        order: f64,
    ) -> String {
        self.shared
            .add_collection(workspace_id, name, parent_id, order, Doc::new())
            .unwrap_or_else(|| {
                tracing::warn!(
                    workspace_id,
                    ?parent_id,
                    "add_collection: no such workspace or parent"
                );
                String::new()
            })
    }

    /// Adds a help-center article and returns its id; the slug comes from the title and is
    /// unique in the workspace. Returns an empty string (with a warning in the log) for an
    /// unknown workspace or a collection that is not in it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{NewArticle, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// let ws = mock.workspace_id();
    /// let billing = mock.add_collection(&ws, "Billing", None, 1.0);
    /// let id = mock.add_article(&ws, NewArticle::published("Refunds", "How refunds work").collection(&billing));
    /// assert!(!id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_article(&self, workspace_id: &str, article: NewArticle) -> String {
        self.shared
            .add_article(workspace_id, &article)
            .unwrap_or_else(|| {
                tracing::warn!(workspace_id, "add_article: no such workspace or collection");
                String::new()
            })
    }

    /// An article document as stored (no `renderedContent`), if it exists.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{NewArticle, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// let id = mock.add_article(&mock.workspace_id(), NewArticle::published("Hello World", "…"));
    /// assert_eq!(mock.article(&id).unwrap()["slug"], "hello-world");
    /// # Ok(()) }
    /// ```
    pub fn article(&self, id: &str) -> Option<Value> {
        self.shared.doc_in("articles", id)
    }

    /// The `articleFeedback` rows of an article (`helpful`, `visitorId?`, `createdAt`), oldest
    /// first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.article_feedback("nope").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn article_feedback(&self, article_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("articleFeedback", "articleId", article_id)
    }

    /// Turns instant article suggestions on or off
    /// (`automationSettings.suggestArticlesEnabled`; off by default). Unknown workspaces are
    /// ignored (with a warning in the log).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_suggestions_enabled(&mock.workspace_id(), true);
    /// # Ok(()) }
    /// ```
    pub fn set_suggestions_enabled(&self, workspace_id: &str, enabled: bool) {
        let mut fields = Doc::new();
        fields.insert("suggestArticlesEnabled".into(), Value::Bool(enabled));
        self.shared
            .upsert_settings("automationSettings", workspace_id, fields);
    }

    /// Sets the workspace's `helpCenterAccessPolicy`: `"public"` (`true`, the default) or
    /// `"restricted"` (`false`), which makes the unauthenticated `articles:get/list/search` and
    /// `collections:get/list/listHierarchy` answer `null`/`[]` (the `*ForVisitor` functions
    /// are not affected). Unknown workspaces are ignored (with a warning in the log).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_help_center_public(&mock.workspace_id(), false);
    /// # Ok(()) }
    /// ```
    pub fn set_help_center_public(&self, workspace_id: &str, public: bool) {
        self.shared.set_help_center_public(workspace_id, public);
    }

    /// The `visitorPushTokens` rows of a visitor (`token`, `platform`, `deviceId?`,
    /// `notificationsEnabled`, …), oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.push_tokens("nope").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn push_tokens(&self, visitor_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("visitorPushTokens", "visitorId", visitor_id)
    }

    /// Every push notification the mock "sent", oldest first: the Expo messages Opencom would
    /// POST to `https://exp.host/--/api/v2/push/send`, one per enabled token of the recipient
    /// visitor: `{to, title, body, data, sound: "default", priority: "high"}`. Support
    /// messages (agent replies, AI and handoff bot messages) send `title: "Support"`, the text
    /// (cut at 100 characters) and `data: {conversationId, type: "new_message"}`; public agent
    /// ticket comments send `title: "Ticket update"` and `data: {ticketId, type:
    /// "ticket_comment", commentId}`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// // … a visitor registered `ExponentPushToken[…]` and opened `conversation_id` …
    /// # let conversation_id = "nope";
    /// mock.agent_reply(conversation_id, "We're on it");
    /// for push in mock.push_deliveries() {
    ///     assert_eq!(push["data"]["type"], "new_message");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn push_deliveries(&self) -> Vec<Value> {
        self.shared.push_deliveries()
    }

    /// Creates a ticket form with these `fields` (`[{id, type, label, placeholder?, required,
    /// options?}]`, checked by `ticketForms:create`'s validator) and makes it the workspace's
    /// default; returns its id. Returns an empty string (with a warning in the log) for an
    /// unknown workspace or invalid fields.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let form = mock.set_default_ticket_form(
    ///     &mock.workspace_id(),
    ///     serde_json::json!([{"id": "order", "type": "text", "label": "Order number", "required": true}]),
    /// );
    /// assert!(!form.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn set_default_ticket_form(&self, workspace_id: &str, fields: Value) -> String {
        self.shared
            .set_default_ticket_form(workspace_id, fields, None, None)
            .unwrap_or_else(|error| {
                tracing::warn!(workspace_id, %error, "set_default_ticket_form");
                String::new()
            })
    }

    /// Comments on a ticket as the workspace's agent ("Alex from Support"); `internal` makes it
    /// an internal note (`isInternal: true`: hidden by `tickets:getComments`, but returned by
    /// `tickets:get`, as in Opencom). A public comment is pushed to the ticket visitor's
    /// devices. Returns the comment id, or an empty string (with a warning in the log) for an
    /// unknown ticket.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// # let ticket_id = "nope";
    /// let id = mock.add_ticket_comment(ticket_id, "customer seems upset", true);
    /// # assert!(id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_ticket_comment(&self, ticket_id: &str, text: &str, internal: bool) -> String {
        self.shared
            .add_ticket_comment(ticket_id, text, internal)
            .unwrap_or_else(|| {
                tracing::warn!(ticket_id, "add_ticket_comment: no such ticket");
                String::new()
            })
    }

    /// A ticket document as stored (no `attachments`), if it exists.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.ticket("nope").is_none());
    /// # Ok(()) }
    /// ```
    pub fn ticket(&self, id: &str) -> Option<Value> {
        self.shared.doc_in("tickets", id)
    }

    /// The comments of a ticket as stored (internal notes included), oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.ticket_comments("nope").is_empty());
    /// # Ok(()) }
    /// ```
    pub fn ticket_comments(&self, ticket_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("ticketComments", "ticketId", ticket_id)
    }

    /// Configures office hours as `officeHours:upsert` does: `hours` may hold `timezone`,
    /// `schedule` (`[{day: "monday"…, enabled, startTime: "HH:MM", endTime}]`),
    /// `offlineMessage` and `expectedReplyTimeMinutes`; a first call fills the rest with the
    /// defaults (America/New_York, Monday–Friday 09:00–17:00, 60 minutes). Returns false (with
    /// a warning in the log) for an unknown workspace or fields that fail the validator. See
    /// the `officeHours` module docs for the time zones the mock knows.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let ok = mock.set_office_hours(
    ///     &mock.workspace_id(),
    ///     serde_json::json!({"timezone": "UTC", "offlineMessage": "Back at 9", "expectedReplyTimeMinutes": 30}),
    /// );
    /// assert!(ok);
    /// # Ok(()) }
    /// ```
    pub fn set_office_hours(&self, workspace_id: &str, hours: Value) -> bool {
        self.shared
            .set_office_hours(workspace_id, hours)
            .map_err(|error| tracing::warn!(workspace_id, %error, "set_office_hours"))
            .is_ok()
    }

    /// Stores messenger settings as `messengerSettings:upsert` does (`primaryColor`,
    /// `themeMode`, `welcomeMessage`, `supportedLanguages`, …, plus `logo` (a URL) and
    /// `homeConfig` (`{enabled, cards, defaultSpace, launchDirectlyToConversation?, tabs?}`));
    /// the public reads merge them over the defaults. Returns false (with a warning in the
    /// log) for an unknown workspace or fields that fail the validator.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(mock.set_messenger_settings(
    ///     &mock.workspace_id(),
    ///     serde_json::json!({"primaryColor": "#112233", "themeMode": "dark"}),
    /// ));
    /// # Ok(()) }
    /// ```
    pub fn set_messenger_settings(&self, workspace_id: &str, settings: Value) -> bool {
        self.shared
            .set_messenger_settings(workspace_id, settings)
            .map_err(|error| tracing::warn!(workspace_id, %error, "set_messenger_settings"))
            .is_ok()
    }

    /// Adds an enabled common-issue button (last in order): `action: "article"` linking to
    /// `article_id`, or `action: "start_conversation"` with `conversationStarter = label`.
    /// Returns its id, or an empty string (with a warning in the log) for an unknown workspace
    /// or an article of another workspace.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_common_issue_button(&mock.workspace_id(), "Talk to sales", None);
    /// assert!(!id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_common_issue_button(
        &self,
        workspace_id: &str,
        label: &str,
        article_id: Option<&str>,
    ) -> String {
        self.shared
            .add_common_issue_button(workspace_id, label, article_id)
            .unwrap_or_else(|| {
                tracing::warn!(
                    workspace_id,
                    "add_common_issue_button: no such workspace or article"
                );
                String::new()
            })
    }

    /// Redacts every function error as a production Convex deployment does: the
    /// `errorMessage` becomes only `[Request ID: <16 hex>] Server Error` (HTTP 560 envelopes,
    /// `QueryFailed`, `MutationResponse` and `ActionResponse` alike; argument validation,
    /// unknown-function and kind errors too). Off by default (a dev/self-hosted deployment).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// mock.set_redact_errors(true);
    /// # Ok(()) }
    /// ```
    pub fn set_redact_errors(&self, redact: bool) {
        self.shared.set_redact_errors(redact);
    }

    /// Whether errors are being redacted (see [`set_redact_errors`](Self::set_redact_errors)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert!(!mock.redact_errors());
    /// # Ok(()) }
    /// ```
    pub fn redact_errors(&self) -> bool {
        self.shared.redacting()
    }
}
