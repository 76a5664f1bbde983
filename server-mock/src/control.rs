//! The JSON control API under `/_mock/…`, mirroring the library API so tests written in other
//! languages can drive the mock. Every route answers JSON; unknown ids give 404
//! `{"error": "..."}`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::admin::NewArticle;
use crate::faults::{Fault, FaultKind};
use crate::server::Shared;
use crate::util::{js_numbers, lock};
use crate::IdentityMode;

/// The routes, to be nested under `/_mock`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/info", get(info))
        .route("/workspaces", post(create_workspace))
        .route("/workspaces/{id}", get(workspace))
        .route("/workspaces/{id}/allowed-origins", post(allowed_origins))
        .route(
            "/workspaces/{id}/identity-verification",
            post(identity_verification),
        )
        .route("/workspaces/{id}/session-lifetime", post(session_lifetime))
        .route("/workspaces/{id}/visitors", get(workspace_visitors))
        .route("/workspaces/{id}/agents", post(create_agent))
        .route("/otp-code", post(otp_code))
        .route("/workspaces/{id}/csat", post(csat))
        .route("/workspaces/{id}/ai", post(ai))
        .route("/workspaces/{id}/suggestions", post(suggestions))
        .route("/workspaces/{id}/help-center", post(help_center))
        .route("/workspaces/{id}/collections", post(add_collection))
        .route("/workspaces/{id}/articles", post(add_article))
        .route("/workspaces/{id}/engagement/{kind}", post(add_engagement))
        .route("/workspaces/{id}/engagement-demo", post(engagement_demo))
        .route("/engagement/{id}", get(engagement_item))
        .route("/engagement/{id}/status", post(engagement_status))
        .route("/engagement/{id}/{records}", get(engagement_records))
        .route("/workspaces/{id}/ticket-form", post(ticket_form))
        .route("/workspaces/{id}/office-hours", post(office_hours))
        .route(
            "/workspaces/{id}/messenger-settings",
            post(messenger_settings),
        )
        .route(
            "/workspaces/{id}/common-issue-buttons",
            post(common_issue_button),
        )
        .route("/articles/{id}", get(article))
        .route("/articles/{id}/feedback", get(article_feedback))
        .route("/tickets/{id}", get(ticket))
        .route(
            "/tickets/{id}/comments",
            get(ticket_comments).post(add_ticket_comment),
        )
        .route("/visitors/{id}/push-tokens", get(visitor_push_tokens))
        .route("/push-deliveries", get(push_deliveries))
        .route("/redact-errors", get(redact_state).post(set_redact))
        .route("/visitors/{id}", get(visitor))
        .route("/visitors/{id}/events", get(visitor_events))
        .route("/visitors/{id}/sessions", get(visitor_sessions))
        .route("/visitors/{id}/conversations", get(visitor_conversations))
        .route("/conversations/{id}/messages", get(conversation_messages))
        .route(
            "/conversations/{id}/ai-responses",
            get(conversation_ai_responses),
        )
        .route("/conversations/{id}/agent-reply", post(agent_reply))
        .route("/conversations/{id}/close", post(close_conversation))
        .route(
            "/attachments/reject-next-finalize",
            post(reject_next_finalize),
        )
        .route("/ws", get(ws_state).post(set_ws))
        .route("/ws/drop", post(drop_ws))
        .route("/ws/faults", get(ws_faults))
        .route("/ws/hang-upgrade", post(hang_ws_upgrade))
        .route("/ws/stall", post(stall_ws))
        .route(
            "/ws/drop-next-mutation-response",
            post(drop_next_mutation_response),
        )
        .route("/clock", get(clock))
        .route("/clock/advance", post(clock_advance))
        .route("/clock/set", post(clock_set))
        .route("/clock/freeze", post(clock_freeze))
        .route("/clock/resume", post(clock_resume))
        .route(
            "/faults",
            get(faults).post(inject_fault).delete(clear_faults),
        )
        .route("/faults/latency", post(fault_latency))
        .route("/faults/random", post(fault_random))
        .route("/faults/pause-random", post(fault_pause_random))
        .route("/calls", get(calls).delete(clear_calls))
}

type AppState = State<Arc<Shared>>;

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": format!("{what} not found")})),
    )
        .into_response()
}

fn ok() -> Response {
    Json(json!({"ok": true})).into_response()
}

fn found_or_404(value: Option<Value>, what: &str) -> Response {
    value.map_or_else(|| not_found(what), |v| Json(v).into_response())
}

async fn info(State(shared): AppState) -> Json<Value> {
    Json(json!({
        "url": shared.url,
        "workspaceId": shared.default_workspace,
        "functions": shared.registry.paths(),
    }))
}

#[derive(Deserialize)]
struct CreateWorkspace {
    name: String,
}

async fn create_workspace(
    State(shared): AppState,
    Json(body): Json<CreateWorkspace>,
) -> Json<Value> {
    Json(json!({"workspaceId": shared.create_workspace(&body.name)}))
}

async fn workspace(State(shared): AppState, Path(id): Path<String>) -> Response {
    found_or_404(shared.doc_in("workspaces", &id), "Workspace")
}

#[derive(Deserialize)]
struct AllowedOrigins {
    origins: Vec<String>,
}

async fn allowed_origins(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<AllowedOrigins>,
) -> Response {
    if shared.set_allowed_origins(&id, body.origins) {
        ok()
    } else {
        not_found("Workspace")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ModeDto {
    Off,
    Optional,
    Required,
}

#[derive(Deserialize)]
struct IdentityVerification {
    mode: ModeDto,
}

async fn identity_verification(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<IdentityVerification>,
) -> Response {
    let mode = match body.mode {
        ModeDto::Off => {
            return if shared.disable_identity_verification(&id) {
                Json(json!({"secret": null})).into_response()
            } else {
                not_found("Workspace")
            };
        }
        ModeDto::Optional => IdentityMode::Optional,
        ModeDto::Required => IdentityMode::Required,
    };
    match shared.enable_identity_verification(&id, mode) {
        Some(secret) => Json(json!({"secret": secret})).into_response(),
        None => not_found("Workspace"),
    }
}

#[derive(Deserialize)]
struct Millis {
    ms: f64,
}

fn duration_ms(ms: f64) -> Duration {
    Duration::from_secs_f64((ms / 1000.0).max(0.0))
}

async fn session_lifetime(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Millis>,
) -> Response {
    if shared.set_session_lifetime(&id, duration_ms(body.ms)) {
        ok()
    } else {
        not_found("Workspace")
    }
}

async fn workspace_visitors(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "visitors",
        "workspaceId",
        &id,
    )))
}

async fn visitor(State(shared): AppState, Path(id): Path<String>) -> Response {
    found_or_404(shared.doc_in("visitors", &id), "Visitor")
}

async fn visitor_events(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where("events", "visitorId", &id)))
}

async fn visitor_sessions(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "widgetSessions",
        "visitorId",
        &id,
    )))
}

async fn visitor_conversations(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "conversations",
        "visitorId",
        &id,
    )))
}

async fn conversation_messages(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "messages",
        "conversationId",
        &id,
    )))
}

/// `GET /_mock/conversations/{id}/ai-responses`: [`crate::ServerMock::ai_responses`].
async fn conversation_ai_responses(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "aiResponses",
        "conversationId",
        &id,
    )))
}

#[derive(Deserialize)]
struct Text {
    text: String,
}

async fn agent_reply(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Text>,
) -> Response {
    match shared.agent_reply(&id, &body.text) {
        Some(message_id) => Json(json!({"messageId": message_id})).into_response(),
        None => not_found("Conversation"),
    }
}

async fn close_conversation(State(shared): AppState, Path(id): Path<String>) -> Response {
    if shared.close_conversation(&id) {
        ok()
    } else {
        not_found("Conversation")
    }
}

#[derive(Deserialize)]
struct Enabled {
    enabled: bool,
}

fn setting(shared: &Shared, table: &str, id: &str, key: &str, enabled: bool) -> Response {
    let mut fields = serde_json::Map::new();
    fields.insert(key.into(), Value::Bool(enabled));
    if shared.upsert_settings(table, id, fields) {
        ok()
    } else {
        not_found("Workspace")
    }
}

async fn csat(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Enabled>,
) -> Response {
    setting(
        &shared,
        "automationSettings",
        &id,
        "askForRatingEnabled",
        body.enabled,
    )
}

async fn ai(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Enabled>,
) -> Response {
    setting(&shared, "aiAgentSettings", &id, "enabled", body.enabled)
}

#[derive(Deserialize)]
struct Message {
    message: String,
}

async fn reject_next_finalize(State(shared): AppState, Json(body): Json<Message>) -> Response {
    shared.reject_next_finalize(&body.message);
    ok()
}

fn ws_json(shared: &Shared) -> Json<Value> {
    Json(json!({
        "enabled": shared.sync.enabled(),
        "connections": shared.sync.open_connections(),
    }))
}

/// The state of the WebSocket failure modes (`/_mock/ws/hang-upgrade|stall|drop-next-…`).
fn ws_faults_json(shared: &Shared) -> Json<Value> {
    Json(json!({
        "hangUpgrade": shared.sync.hanging_upgrades(),
        "stalled": shared.sync.stalled(),
        "pendingResponseDrops": shared.sync.pending_mutation_response_drops(),
        "connections": shared.sync.open_connections(),
    }))
}

async fn ws_state(State(shared): AppState) -> Json<Value> {
    ws_json(&shared)
}

async fn set_ws(State(shared): AppState, Json(body): Json<Enabled>) -> Json<Value> {
    shared.sync.set_enabled(body.enabled);
    ws_json(&shared)
}

async fn drop_ws(State(shared): AppState) -> Json<Value> {
    shared.sync.drop_all();
    ws_json(&shared)
}

async fn ws_faults(State(shared): AppState) -> Json<Value> {
    ws_faults_json(&shared)
}

async fn hang_ws_upgrade(State(shared): AppState, Json(body): Json<Enabled>) -> Json<Value> {
    shared.sync.set_hang_upgrades(body.enabled);
    ws_faults_json(&shared)
}

async fn stall_ws(State(shared): AppState, Json(body): Json<Enabled>) -> Json<Value> {
    shared.sync.set_stalled(body.enabled);
    ws_faults_json(&shared)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DropResponse {
    only_path: Option<String>,
}

async fn drop_next_mutation_response(
    State(shared): AppState,
    body: Option<Json<DropResponse>>,
) -> Json<Value> {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    shared
        .sync
        .drop_next_mutation_response(body.only_path.as_deref());
    ws_faults_json(&shared)
}

fn clock_state(shared: &Shared) -> Json<Value> {
    Json(js_numbers(
        json!({"nowMs": shared.clock.now_ms(), "frozen": shared.clock.is_frozen()}),
    ))
}

async fn clock(State(shared): AppState) -> Json<Value> {
    clock_state(&shared)
}

async fn clock_advance(State(shared): AppState, Json(body): Json<Millis>) -> Json<Value> {
    shared.clock.advance(duration_ms(body.ms));
    clock_state(&shared)
}

async fn clock_set(State(shared): AppState, Json(body): Json<Millis>) -> Json<Value> {
    shared.clock.set_ms(body.ms);
    clock_state(&shared)
}

async fn clock_freeze(State(shared): AppState) -> Json<Value> {
    shared.clock.freeze();
    clock_state(&shared)
}

async fn clock_resume(State(shared): AppState) -> Json<Value> {
    shared.clock.resume();
    clock_state(&shared)
}

/// A fault kind on the wire: `{"kind":"status","status":503}`, `{"kind":"rateLimited",
/// "retryAfterMs":2000}`, `{"kind":"dropBeforeRun"}`, `{"kind":"dropAfterRun"}`,
/// `{"kind":"malformed"}`, `{"kind":"latency","ms":100}`.
#[derive(Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum FaultKindDto {
    Status {
        status: u16,
    },
    #[serde(rename_all = "camelCase")]
    RateLimited {
        retry_after_ms: f64,
    },
    DropBeforeRun,
    DropAfterRun,
    Malformed,
    Latency {
        ms: f64,
    },
}

impl From<FaultKindDto> for FaultKind {
    fn from(dto: FaultKindDto) -> Self {
        match dto {
            FaultKindDto::Status { status } => Self::Status(status),
            FaultKindDto::RateLimited { retry_after_ms } => Self::RateLimited {
                retry_after: duration_ms(retry_after_ms),
            },
            FaultKindDto::DropBeforeRun => Self::DropBeforeRun,
            FaultKindDto::DropAfterRun => Self::DropAfterRun,
            FaultKindDto::Malformed => Self::Malformed,
            FaultKindDto::Latency { ms } => Self::Latency(duration_ms(ms)),
        }
    }
}

impl From<&FaultKind> for FaultKindDto {
    fn from(kind: &FaultKind) -> Self {
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        match kind {
            FaultKind::Status(status) => Self::Status { status: *status },
            FaultKind::RateLimited { retry_after } => Self::RateLimited {
                retry_after_ms: ms(retry_after),
            },
            FaultKind::DropBeforeRun => Self::DropBeforeRun,
            FaultKind::DropAfterRun => Self::DropAfterRun,
            FaultKind::Malformed => Self::Malformed,
            FaultKind::Latency(d) => Self::Latency { ms: ms(d) },
        }
    }
}

/// `{"kind": …, "onlyPath"?: "module:fn", "times"?: n}`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct FaultDto {
    #[serde(flatten)]
    kind: FaultKindDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    only_path: Option<String>,
    #[serde(default)]
    times: Option<u32>,
}

async fn faults(State(shared): AppState) -> Json<Value> {
    let pending: Vec<FaultDto> = shared
        .faults
        .pending()
        .iter()
        .map(|f| FaultDto {
            kind: (&f.kind).into(),
            only_path: f.only_path.clone(),
            times: Some(f.times),
        })
        .collect();
    Json(json!(pending))
}

async fn inject_fault(State(shared): AppState, Json(body): Json<FaultDto>) -> Response {
    shared.faults.inject(Fault {
        only_path: body.only_path,
        kind: body.kind.into(),
        times: body.times.unwrap_or(1),
    });
    ok()
}

async fn clear_faults(State(shared): AppState) -> Response {
    shared.faults.clear();
    ok()
}

async fn fault_latency(State(shared): AppState, Json(body): Json<Millis>) -> Response {
    shared.faults.set_latency(duration_ms(body.ms));
    ok()
}

#[derive(Deserialize)]
struct RandomFaults {
    probability: f64,
    kinds: Vec<FaultKindDto>,
    #[serde(default)]
    seed: Option<u64>,
}

async fn fault_random(State(shared): AppState, Json(body): Json<RandomFaults>) -> Response {
    if let Some(seed) = body.seed {
        shared.faults.set_random_seed(seed);
    }
    shared.faults.set_random_faults(
        body.probability,
        body.kinds.into_iter().map(Into::into).collect(),
    );
    ok()
}

#[derive(Deserialize)]
struct Paused {
    paused: bool,
}

async fn fault_pause_random(State(shared): AppState, Json(body): Json<Paused>) -> Response {
    shared.faults.pause_random(body.paused);
    ok()
}

async fn calls(State(shared): AppState) -> Json<Value> {
    Json(json!(*lock(&shared.calls)))
}

async fn clear_calls(State(shared): AppState) -> Response {
    lock(&shared.calls).clear();
    ok()
}

async fn suggestions(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Enabled>,
) -> Response {
    setting(
        &shared,
        "automationSettings",
        &id,
        "suggestArticlesEnabled",
        body.enabled,
    )
}

#[derive(Deserialize)]
struct HelpCenterPolicy {
    public: bool,
}

async fn help_center(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<HelpCenterPolicy>,
) -> Response {
    if shared.set_help_center_public(&id, body.public) {
        ok()
    } else {
        not_found("Workspace")
    }
}

fn bad_request(error: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error.into()})),
    )
        .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewCollectionDto {
    name: String,
    #[serde(default)]
    parent_id: Option<String>,
    #[serde(default)]
    order: Option<f64>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    icon: Option<String>,
}

async fn add_collection(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<NewCollectionDto>,
) -> Response {
    let mut extra = serde_json::Map::new();
    if let Some(description) = body.description {
        extra.insert("description".into(), json!(description));
    }
    if let Some(icon) = body.icon {
        extra.insert("icon".into(), json!(icon));
    }
    match shared.add_collection(
        &id,
        &body.name,
        body.parent_id.as_deref(),
        body.order.unwrap_or(1.0),
        extra,
    ) {
        Some(collection_id) => Json(json!({"collectionId": collection_id})).into_response(),
        None => not_found("Workspace or parent collection"),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ArticleStatusDto {
    Published,
    Draft,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ArticleVisibilityDto {
    Public,
    Internal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewArticleDto {
    title: String,
    content: String,
    #[serde(default)]
    status: Option<ArticleStatusDto>,
    #[serde(default)]
    collection_id: Option<String>,
    #[serde(default)]
    visibility: Option<ArticleVisibilityDto>,
    #[serde(default)]
    order: Option<f64>,
}

async fn add_article(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<NewArticleDto>,
) -> Response {
    let mut article = match body.status {
        Some(ArticleStatusDto::Draft) => NewArticle::draft(body.title, body.content),
        Some(ArticleStatusDto::Published) | None => NewArticle::published(body.title, body.content),
    };
    if let Some(collection) = body.collection_id.as_deref() {
        article = article.collection(collection);
    }
    if matches!(body.visibility, Some(ArticleVisibilityDto::Internal)) {
        article = article.internal();
    }
    if let Some(order) = body.order {
        article = article.order(order);
    }
    match shared.add_article(&id, &article) {
        Some(article_id) => Json(json!({"articleId": article_id})).into_response(),
        None => not_found("Workspace or collection"),
    }
}

/// `POST /workspaces/{id}/engagement/{kind}`: `kind` is `surveys`, `carousels`, `checklists`,
/// `outbound-messages`, `tooltips` (the body is the document) or `tours` (`{tour, steps}`).
async fn add_engagement(
    State(shared): AppState,
    Path((id, kind)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let table = match kind.as_str() {
        "surveys" => "surveys",
        "carousels" => "carousels",
        "checklists" => "checklists",
        "outbound-messages" => "outboundMessages",
        "tooltips" => "tooltips",
        "tours" => {
            let steps = body.get("steps").cloned().unwrap_or_else(|| json!([]));
            let tour = body.get("tour").cloned().unwrap_or(Value::Null);
            return match shared.add_tour(&id, &tour, &steps) {
                Some(tour_id) => Json(json!({"id": tour_id})).into_response(),
                None => not_found("Workspace (or a {tour, steps} body)"),
            };
        }
        _ => return not_found("Engagement kind"),
    };
    match shared.add_content(table, &id, &body) {
        Some(item_id) => Json(json!({"id": item_id})).into_response(),
        None => not_found("Workspace (or an object body)"),
    }
}

async fn engagement_demo(State(shared): AppState, Path(id): Path<String>) -> Response {
    if shared.doc_in("workspaces", &id).is_none() {
        return not_found("Workspace");
    }
    Json(json!(shared.seed_engagement_demo(&id))).into_response()
}

async fn engagement_item(State(shared): AppState, Path(id): Path<String>) -> Response {
    let item = crate::engagement::CONTENT_TABLES
        .iter()
        .find_map(|table| shared.doc_in(table, &id));
    found_or_404(item, "Engagement item")
}

/// `GET /_mock/engagement/{id}/{records}`: what visitors did with an engagement item, oldest
/// first, as the library's accessors return it. `impressions` (of a survey, carousel or
/// outbound message: `ServerMock::survey_impressions` / `carousel_impressions` /
/// `outbound_impressions`), `responses` (of a survey), `progress` (of a checklist or tour),
/// `diagnostics` (of a tour). Unknown records are a 404; an unknown id is an empty list.
async fn engagement_records(
    State(shared): AppState,
    Path((id, records)): Path<(String, String)>,
) -> Response {
    let sources: &[(&str, &str)] = match records.as_str() {
        "impressions" => &[
            ("surveyImpressions", "surveyId"),
            ("carouselImpressions", "carouselId"),
            ("outboundMessageImpressions", "messageId"),
        ],
        "responses" => &[("surveyResponses", "surveyId")],
        "progress" => &[
            ("checklistProgress", "checklistId"),
            ("tourProgress", "tourId"),
        ],
        "diagnostics" => &[("tourProgressDiagnostics", "tourId")],
        _ => return not_found("Engagement records (impressions|responses|progress|diagnostics)"),
    };
    let rows: Vec<Value> = sources
        .iter()
        .flat_map(|(table, field)| shared.rows_where(table, field, &id))
        .collect();
    Json(Value::Array(rows)).into_response()
}

#[derive(Deserialize)]
struct Status {
    status: String,
}

async fn engagement_status(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Status>,
) -> Response {
    if shared.set_content_status(&id, &body.status) {
        ok()
    } else {
        not_found("Engagement item")
    }
}

async fn article(State(shared): AppState, Path(id): Path<String>) -> Response {
    found_or_404(shared.doc_in("articles", &id), "Article")
}

async fn article_feedback(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "articleFeedback",
        "articleId",
        &id,
    )))
}

#[derive(Deserialize)]
struct TicketFormDto {
    fields: Value,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

async fn ticket_form(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<TicketFormDto>,
) -> Response {
    if shared.doc_in("workspaces", &id).is_none() {
        return not_found("Workspace");
    }
    match shared.set_default_ticket_form(&id, body.fields, body.name, body.description) {
        Ok(form_id) => Json(json!({"formId": form_id})).into_response(),
        Err(error) => bad_request(error),
    }
}

fn upsert_response(shared: &Shared, id: &str, result: Result<(), String>) -> Response {
    match result {
        Ok(()) => ok(),
        Err(_) if shared.doc_in("workspaces", id).is_none() => not_found("Workspace"),
        Err(error) => bad_request(error),
    }
}

async fn office_hours(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let result = shared.set_office_hours(&id, body);
    upsert_response(&shared, &id, result)
}

async fn messenger_settings(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let result = shared.set_messenger_settings(&id, body);
    upsert_response(&shared, &id, result)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ButtonDto {
    label: String,
    #[serde(default)]
    article_id: Option<String>,
}

async fn common_issue_button(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<ButtonDto>,
) -> Response {
    match shared.add_common_issue_button(&id, &body.label, body.article_id.as_deref()) {
        Some(button_id) => Json(json!({"buttonId": button_id})).into_response(),
        None => not_found("Workspace or article"),
    }
}

async fn ticket(State(shared): AppState, Path(id): Path<String>) -> Response {
    found_or_404(shared.doc_in("tickets", &id), "Ticket")
}

async fn ticket_comments(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "ticketComments",
        "ticketId",
        &id,
    )))
}

#[derive(Deserialize)]
struct CommentDto {
    text: String,
    #[serde(default)]
    internal: bool,
}

async fn add_ticket_comment(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<CommentDto>,
) -> Response {
    match shared.add_ticket_comment(&id, &body.text, body.internal) {
        Some(comment_id) => Json(json!({"commentId": comment_id})).into_response(),
        None => not_found("Ticket"),
    }
}

async fn visitor_push_tokens(State(shared): AppState, Path(id): Path<String>) -> Json<Value> {
    Json(Value::Array(shared.rows_where(
        "visitorPushTokens",
        "visitorId",
        &id,
    )))
}

async fn push_deliveries(State(shared): AppState) -> Json<Value> {
    Json(Value::Array(shared.push_deliveries()))
}

async fn redact_state(State(shared): AppState) -> Json<Value> {
    Json(json!({"enabled": shared.redacting()}))
}

async fn set_redact(State(shared): AppState, Json(body): Json<Enabled>) -> Json<Value> {
    shared.set_redact_errors(body.enabled);
    Json(json!({"enabled": shared.redacting()}))
}

#[derive(Deserialize)]
struct NewAgentDto {
    email: String,
    password: String,
    role: String,
}

async fn create_agent(
    State(shared): AppState,
    Path(id): Path<String>,
    Json(body): Json<NewAgentDto>,
) -> Response {
    let role = match body.role.parse::<crate::Role>() {
        Ok(role) => role,
        Err(error) => {
            return (StatusCode::BAD_REQUEST, Json(json!({"error": error}))).into_response()
        }
    };
    match crate::agents::create_agent(&shared, &id, &body.email, &body.password, role) {
        Some(user_id) => Json(json!({"userId": user_id})).into_response(),
        None => not_found("Workspace"),
    }
}

#[derive(Deserialize)]
struct OtpDto {
    email: String,
}

async fn otp_code(State(shared): AppState, Json(body): Json<OtpDto>) -> Response {
    found_or_404(
        crate::agents::otp_code(&shared, &body.email).map(|code| json!({"code": code})),
        "Sign-in code",
    )
}
