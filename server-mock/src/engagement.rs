//! The control API for the engagement content an admin creates in the Opencom dashboard
//! (surveys, carousels, checklists, outbound messages, tours; CONTRACT §13), the inspection of
//! what visitors did with it (impressions, responses, progress, AI responses), and the demo
//! content of [`ServerMock::seed_engagement_demo`].
//!
//! Content is given as the stored document (JSON, the fields of Opencom's schema) and merged
//! over defaults (`status: "active"`, `createdAt`/`updatedAt` now, the workspace); it is not
//! validated beyond being an object, so tests can also store content Opencom would reject
//! (an empty carousel, an invalid button URL) to exercise the delivery checks.

use serde_json::{json, Value};

use crate::db::{Db, Doc};
use crate::server::Shared;
use crate::{NewArticle, ServerMock};

/// The ids of the demo content [`ServerMock::seed_engagement_demo`] adds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementDemo {
    /// "Product feedback": an NPS, a star rating, a multiple choice, a short text and a long
    /// text question.
    pub survey_id: String,
    /// "Welcome to Opencom": three screens (next, next, then a URL and a dismiss button).
    pub carousel_id: String,
    /// "Get started": a manual task, an `auto_event` task completed by the `profile_completed`
    /// event and an `auto_attribute` task completed when the custom attribute `plan` is set.
    pub checklist_id: String,
    /// "Spring release" post (content with a title, body and two buttons), on every page.
    pub post_id: String,
    /// "Scheduled maintenance" banner, on pages whose URL contains `/settings`.
    pub banner_id: String,
    /// "Dashboard tour": three steps (a post, a pointer on `#new-conversation`, a video).
    pub tour_id: String,
    /// "Export your data": a tooltip on `#export`, shown on pages whose URL contains
    /// `/reports`.
    pub tooltip_id: String,
    /// "How do I reset my password?", a published article the AI answers can point at.
    pub article_id: String,
}

impl Shared {
    /// Inserts `fields` (an object) into `table` of the workspace over the defaults; `None` for
    /// an unknown workspace or a non-object.
    pub(crate) fn add_content(
        &self,
        table: &str,
        workspace_id: &str,
        fields: &Value,
    ) -> Option<String> {
        let fields = fields.as_object()?.clone();
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return None;
            }
            Some(insert_content(db, table, workspace_id, fields, now))
        })
    }

    /// A tour and its steps (ordered as given unless a step sets `order`).
    pub(crate) fn add_tour(
        &self,
        workspace_id: &str,
        tour: &Value,
        steps: &Value,
    ) -> Option<String> {
        let tour = tour.as_object()?.clone();
        let steps = steps.as_array()?.clone();
        self.write(|db, now| {
            if !is_workspace(db, workspace_id) {
                return None;
            }
            let tour_id = insert_content(db, "tours", workspace_id, tour, now);
            for (index, step) in steps.into_iter().enumerate() {
                let mut step = step.as_object().cloned().unwrap_or_default();
                step.insert("tourId".into(), json!(tour_id));
                step.entry("order").or_insert(json!(index));
                step.entry("type").or_insert(json!("post"));
                step.remove("status");
                let mut row = defaults(workspace_id, now);
                row.remove("status");
                row.extend(step);
                db.insert("tourSteps", row, now);
            }
            Some(tour_id)
        })
    }

    /// Sets `status` on an engagement document; false if it is not one.
    pub(crate) fn set_content_status(&self, id: &str, status: &str) -> bool {
        self.write(|db, now| {
            if !db.table_of(id).is_some_and(|t| CONTENT_TABLES.contains(&t)) {
                return false;
            }
            db.patch(
                id,
                [
                    ("status".to_owned(), json!(status)),
                    ("updatedAt".to_owned(), json!(now)),
                ]
                .into_iter()
                .collect(),
            )
        })
    }

    /// Deletes an engagement document; false if it is not one (or already gone).
    pub(crate) fn delete_content(&self, id: &str) -> bool {
        self.write(|db, _| {
            db.table_of(id).is_some_and(|t| CONTENT_TABLES.contains(&t)) && db.delete(id)
        })
    }
}

/// The tables of engagement content.
pub(crate) const CONTENT_TABLES: &[&str] = &[
    "surveys",
    "carousels",
    "checklists",
    "outboundMessages",
    "tours",
    "tooltips",
];

fn is_workspace(db: &Db, workspace_id: &str) -> bool {
    db.table_of(workspace_id) == Some("workspaces") && db.get(workspace_id).is_some()
}

fn defaults(workspace_id: &str, now: f64) -> Doc {
    [
        ("workspaceId", json!(workspace_id)),
        ("status", json!("active")),
        ("createdAt", json!(now)),
        ("updatedAt", json!(now)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn insert_content(db: &mut Db, table: &str, workspace_id: &str, fields: Doc, now: f64) -> String {
    let mut row = defaults(workspace_id, now);
    row.extend(fields);
    row.insert("workspaceId".into(), json!(workspace_id));
    row.remove("_id");
    row.remove("_creationTime");
    db.insert(table, row, now)
}

/// Surveys, carousels, checklists, outbound messages, tours and what visitors did with them.
impl ServerMock {
    fn content(&self, kind: &str, table: &str, workspace_id: &str, fields: &Value) -> String {
        self.shared
            .add_content(table, workspace_id, fields)
            .unwrap_or_else(|| {
                tracing::warn!(workspace_id, kind, "no such workspace, or not an object");
                String::new()
            })
    }

    /// Adds a survey (a `surveys` document: `name`, `questions: [{id, type, title, options?,
    /// required?, storeAsAttribute?}]`, `frequency?: "once"|…`, `scheduling?: {startDate?,
    /// endDate?}`, `format?`, `triggers?`, …; `status` defaults to `"active"`) and returns its
    /// id; `""` (with a warning in the log) for an unknown workspace.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_survey(&mock.workspace_id(), serde_json::json!({
    ///     "name": "NPS", "frequency": "once",
    ///     "questions": [{"id": "q1", "type": "nps", "title": "How likely…?", "required": true}],
    /// }));
    /// assert_eq!(mock.engagement_item(&id).unwrap()["status"], "active");
    /// # Ok(()) }
    /// ```
    pub fn add_survey(&self, workspace_id: &str, survey: Value) -> String {
        self.content("survey", "surveys", workspace_id, &survey)
    }

    /// Adds a carousel (`name`, `screens: [{id, title?, body?, imageUrl?, buttons?: [{text,
    /// action: "url"|"dismiss"|"next"|"deeplink", url?, deepLink?}]}]`, `priority?`,
    /// `audienceRules?`; `status` defaults to `"active"`) and returns its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_carousel(&mock.workspace_id(), serde_json::json!({
    ///     "name": "Welcome", "screens": [{"id": "s1", "title": "Hi"}],
    /// }));
    /// assert!(!id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_carousel(&self, workspace_id: &str, carousel: Value) -> String {
        self.content("carousel", "carousels", workspace_id, &carousel)
    }

    /// Adds a checklist (`name`, `description?`, `tasks: [{id, title, description?, action?:
    /// {type: "tour"|"url"|"event", …}, completionType: "manual"|"auto_event"|"auto_attribute",
    /// completionEvent?, completionAttribute?: {key, operator, value?}}]`, `audienceRules?`;
    /// `status` defaults to `"active"`) and returns its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_checklist(&mock.workspace_id(), serde_json::json!({
    ///     "name": "Onboarding",
    ///     "tasks": [{"id": "t1", "title": "Say hi", "completionType": "manual"}],
    /// }));
    /// assert!(mock.checklist_progress(&id).is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_checklist(&self, workspace_id: &str, checklist: Value) -> String {
        self.content("checklist", "checklists", workspace_id, &checklist)
    }

    /// Adds an outbound message (`type: "chat"|"post"|"banner"`, `name`, `content: {text?,
    /// title?, body?, imageUrl?, buttons?, …}`, `triggers?: {type: "immediate"|"page_visit"|…,
    /// pageUrl?, pageUrlMatch?: "exact"|"contains"|"regex"}`, `frequency?: "once"|
    /// "once_per_session"|"always"`, `scheduling?`, `priority?`, `audienceRules?`; `status`
    /// defaults to `"active"`) and returns its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_outbound_message(&mock.workspace_id(), serde_json::json!({
    ///     "type": "banner", "name": "Maintenance", "content": {"text": "Down at 2am"},
    /// }));
    /// assert!(mock.outbound_impressions(&id).is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_outbound_message(&self, workspace_id: &str, message: Value) -> String {
        self.content(
            "outbound message",
            "outboundMessages",
            workspace_id,
            &message,
        )
    }

    /// Adds a tour (`name`, `displayMode?: "first_time_only"|"until_dismissed"`, `priority?`,
    /// `targetingRules?: {pageUrl?}`, `audienceRules?`, `allowSnooze?`, …; `status` defaults to
    /// `"active"`) with its `steps` (an array of `tourSteps` documents: `type:
    /// "post"|"pointer"|"video"` (default `"post"`), `title`, `content`, `elementSelector?`,
    /// `routePath?`, `advanceOn?: "click"|"elementClick"|"fieldFill"`, …; `order` defaults to
    /// the index) and returns the tour id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use serde_json::json;
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_tour(&mock.workspace_id(), json!({"name": "Tour"}),
    ///                        json!([{"title": "Hi", "content": "Welcome"}]));
    /// assert!(mock.tour_progress(&id).is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_tour(&self, workspace_id: &str, tour: Value, steps: Value) -> String {
        self.shared
            .add_tour(workspace_id, &tour, &steps)
            .unwrap_or_else(|| {
                tracing::warn!(
                    workspace_id,
                    "add_tour: no such workspace, or bad tour/steps"
                );
                String::new()
            })
    }

    /// Adds a tooltip (`name`, `elementSelector`, `content`, `triggers?: {type:
    /// "immediate"|"page_visit"|"time_on_page"|"scroll_depth"|"event"|"exit_intent", pageUrl?,
    /// pageUrlMatch?, delaySeconds?, scrollPercent?, eventName?}`, `audienceRules?`) and
    /// returns its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_tooltip(&mock.workspace_id(), serde_json::json!({
    ///     "name": "Export", "elementSelector": "#export", "content": "Download a CSV",
    /// }));
    /// assert!(!id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_tooltip(&self, workspace_id: &str, tooltip: Value) -> String {
        self.content("tooltip", "tooltips", workspace_id, &tooltip)
    }

    /// Sets the `status` of a survey, carousel, checklist, outbound message or tour (`"draft"`,
    /// `"active"`, `"paused"`, `"archived"`); false if `id` is none of them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_carousel(&mock.workspace_id(), serde_json::json!({"name": "C", "screens": []}));
    /// assert!(mock.set_engagement_status(&id, "paused"));
    /// assert!(!mock.set_engagement_status(&mock.workspace_id(), "paused"));
    /// # Ok(()) }
    /// ```
    pub fn set_engagement_status(&self, id: &str, status: &str) -> bool {
        self.shared.set_content_status(id, status)
    }

    /// Deletes a survey, carousel, checklist, outbound message or tour; false if `id` is none
    /// of them (or is already gone).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let id = mock.add_survey(&mock.workspace_id(), serde_json::json!({"name": "S", "questions": []}));
    /// assert!(mock.delete_engagement_item(&id));
    /// assert!(mock.engagement_item(&id).is_none());
    /// # Ok(()) }
    /// ```
    pub fn delete_engagement_item(&self, id: &str) -> bool {
        self.shared.delete_content(id)
    }

    /// A survey, carousel, checklist, outbound message, tour or tooltip as stored, if it exists.
    pub fn engagement_item(&self, id: &str) -> Option<Value> {
        CONTENT_TABLES
            .iter()
            .find_map(|table| self.shared.doc_in(table, id))
    }

    /// The `surveyResponses` of a survey (`visitorId`, `answers`, `status:
    /// "partial"|"completed"`, `completedAt?`, …), oldest first.
    pub fn survey_responses(&self, survey_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("surveyResponses", "surveyId", survey_id)
    }

    /// The `surveyImpressions` of a survey (`visitorId`, `sessionId?`, `action`), oldest first.
    pub fn survey_impressions(&self, survey_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("surveyImpressions", "surveyId", survey_id)
    }

    /// The `carouselImpressions` of a carousel (`visitorId`, `action`, `screenIndex?`), oldest
    /// first.
    pub fn carousel_impressions(&self, carousel_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("carouselImpressions", "carouselId", carousel_id)
    }

    /// The `outboundMessageImpressions` of a message (`visitorId`, `sessionId?`, `action`,
    /// `buttonIndex?`), oldest first.
    pub fn outbound_impressions(&self, message_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("outboundMessageImpressions", "messageId", message_id)
    }

    /// The `checklistProgress` rows of a checklist (`visitorId`, `completedTaskIds`,
    /// `startedAt`, `completedAt?`), oldest first.
    pub fn checklist_progress(&self, checklist_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("checklistProgress", "checklistId", checklist_id)
    }

    /// The `tourProgress` rows of a tour (`visitorId`, `status`, `currentStep`, checkpoints,
    /// `snoozedUntil?`, …), oldest first.
    pub fn tour_progress(&self, tour_id: &str) -> Vec<Value> {
        self.shared.rows_where("tourProgress", "tourId", tour_id)
    }

    /// The `tourProgressDiagnostics` of a tour (`reason`, `mode`, `stepOrder`, …), oldest first.
    pub fn tour_diagnostics(&self, tour_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("tourProgressDiagnostics", "tourId", tour_id)
    }

    /// The `aiResponses` of a conversation (`query`, `response`, `confidence`, `feedback?`, …),
    /// oldest first.
    pub fn ai_responses(&self, conversation_id: &str) -> Vec<Value> {
        self.shared
            .rows_where("aiResponses", "conversationId", conversation_id)
    }

    /// Adds the demo engagement content to a workspace, so a quickstart can show each feature:
    /// a survey with several question kinds, a three-screen carousel, a checklist with the three
    /// completion types, an outbound post and banner, a tour, a tooltip, and the AI agent turned on with
    /// an article it can point at. `server-mock --seed demo` runs it on the default workspace.
    /// Returns the ids (empty strings for an unknown workspace).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// let demo = mock.seed_engagement_demo(&mock.workspace_id());
    /// assert_eq!(mock.engagement_item(&demo.tour_id).unwrap()["name"], "Dashboard tour");
    /// # Ok(()) }
    /// ```
    pub fn seed_engagement_demo(&self, workspace_id: &str) -> EngagementDemo {
        self.shared.seed_engagement_demo(workspace_id)
    }
}

impl Shared {
    /// [`ServerMock::seed_engagement_demo`].
    pub(crate) fn seed_engagement_demo(&self, ws: &str) -> EngagementDemo {
        let add =
            |table: &str, fields: Value| self.add_content(table, ws, &fields).unwrap_or_default();
        let survey_id = add("surveys", demo_survey());
        let carousel_id = add("carousels", demo_carousel());
        let checklist_id = add("checklists", demo_checklist());
        let post_id = add(
            "outboundMessages",
            json!({
                "type": "post", "name": "Spring release", "priority": 2, "frequency": "once",
                "triggers": {"type": "immediate"},
                "content": {
                    "title": "What's new this spring",
                    "body": "Dark mode, faster search and a brand-new mobile SDK.",
                    "buttons": [
                        {"text": "Read more", "action": "url", "url": "https://opencom.dev/changelog"},
                        {"text": "Not now", "action": "dismiss"},
                    ],
                },
            }),
        );
        let banner_id = add(
            "outboundMessages",
            json!({
                "type": "banner", "name": "Scheduled maintenance", "priority": 1,
                "frequency": "once_per_session",
                "triggers": {"type": "page_visit", "pageUrl": "/settings", "pageUrlMatch": "contains"},
                "content": {"text": "Maintenance on Sunday 02:00–03:00 UTC: messages may be delayed.",
                            "buttons": [{"text": "Got it", "action": "dismiss"}]},
            }),
        );
        let tour_id = self
            .add_tour(
                ws,
                &json!({"name": "Dashboard tour", "description": "A quick look around",
                        "displayMode": "until_dismissed", "priority": 1, "allowSnooze": true,
                        "allowRestart": true}),
                &json!([
                    {"type": "post", "title": "Welcome!", "content": "Let us show you around."},
                    {"type": "pointer", "title": "Start a conversation",
                     "content": "Tap here to talk to us.", "elementSelector": "#new-conversation",
                     "position": "bottom", "advanceOn": "elementClick"},
                    {"type": "video", "title": "Learn more", "content": "A two-minute overview.",
                     "mediaType": "video", "mediaUrl": "https://opencom.dev/media/tour.mp4"},
                ]),
            )
            .unwrap_or_default();
        let tooltip_id = add(
            "tooltips",
            json!({"name": "Export your data", "elementSelector": "#export",
                   "content": "Download any report as CSV.",
                   "triggers": {"type": "page_visit", "pageUrl": "/reports"}}),
        );
        let article_id = self
            .add_article(
                ws,
                &NewArticle::published(
                    "How do I reset my password?",
                    "Open **Settings → Security** and choose **Reset password**.",
                ),
            )
            .unwrap_or_default();
        let mut ai = Doc::new();
        ai.insert("enabled".into(), Value::Bool(true));
        self.upsert_settings("aiAgentSettings", ws, ai);
        EngagementDemo {
            survey_id,
            carousel_id,
            checklist_id,
            post_id,
            banner_id,
            tour_id,
            tooltip_id,
            article_id,
        }
    }
}

fn demo_survey() -> Value {
    json!({
        "name": "Product feedback",
        "description": "Two minutes to tell us how we are doing",
        "format": "large",
        "frequency": "once",
        "triggers": {"type": "immediate"},
        "introStep": {"title": "Got a minute?", "description": "Help us improve Opencom.",
                      "buttonText": "Start"},
        "thankYouStep": {"title": "Thank you!", "description": "Your feedback matters."},
        "questions": [
            {"id": "nps", "type": "nps", "title": "How likely are you to recommend us?",
             "required": true},
            {"id": "rating", "type": "star_rating", "title": "Rate the mobile app",
             "required": false, "options": {"starLabels": {"low": "Poor", "high": "Great"}}},
            {"id": "features", "type": "multiple_choice", "title": "Which features do you use?",
             "required": false,
             "options": {"choices": ["Messenger", "Help center", "Tickets", "Tours"],
                         "allowMultiple": true}},
            {"id": "role", "type": "short_text", "title": "What is your role?",
             "required": false, "storeAsAttribute": "role"},
            {"id": "comments", "type": "long_text", "title": "Anything else?",
             "required": false},
        ],
    })
}

fn demo_carousel() -> Value {
    json!({
        "name": "Welcome to Opencom",
        "priority": 1,
        "screens": [
            {"id": "welcome", "title": "Welcome!", "body": "Chat with us any time.",
             "imageUrl": "https://opencom.dev/media/welcome.png",
             "buttons": [{"text": "Next", "action": "next"}]},
            {"id": "help", "title": "Find answers fast", "body": "Search the help center.",
             "buttons": [{"text": "Next", "action": "next"}]},
            {"id": "done", "title": "You're all set", "body": "Enable notifications to hear back.",
             "buttons": [
                {"text": "Learn more", "action": "url", "url": "https://opencom.dev"},
                {"text": "Done", "action": "dismiss"},
             ]},
        ],
    })
}

fn demo_checklist() -> Value {
    json!({
        "name": "Get started",
        "description": "Three steps to get the most out of the app",
        "tasks": [
            {"id": "say-hello", "title": "Say hello", "description": "Send us a first message",
             "completionType": "manual"},
            {"id": "complete-profile", "title": "Complete your profile",
             "action": {"type": "event", "eventName": "profile_completed"},
             "completionType": "auto_event", "completionEvent": "profile_completed"},
            {"id": "choose-plan", "title": "Choose a plan",
             "action": {"type": "url", "url": "https://opencom.dev/pricing"},
             "completionType": "auto_attribute",
             "completionAttribute": {"key": "plan", "operator": "is_set"}},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DocExt;
    use crate::util::js_numbers;

    #[test]
    fn content_rows_take_the_defaults_and_keep_their_workspace() {
        let mut db = Db::default();
        let ws = db.insert("workspaces", Doc::new(), 1.0);
        let fields = json!({"name": "S", "workspaceId": "other", "status": "draft"});
        let id = insert_content(
            &mut db,
            "surveys",
            &ws,
            fields.as_object().cloned().unwrap_or_default(),
            5.0,
        );
        let row = js_numbers(Value::Object(db.get_cloned(&id).unwrap_or_default()));
        assert_eq!(row["workspaceId"], json!(ws));
        assert_eq!(row["status"], "draft");
        assert_eq!(row["createdAt"], 5);
        assert!(row
            .get("_id")
            .and_then(Value::as_str)
            .is_some_and(|i| i == id));
        assert!(db
            .get(&id)
            .is_some_and(|d| d.str_field("name") == Some("S")));
    }
}
