//! `opencom conformance`: runs the visitor contract against a deployment through the SDK's public
//! API, with a fresh throwaway visitor, and reports one row per step.
//!
//! Each step names the Convex functions it exercises, its outcome (PASS, FAIL with the server's
//! message, or SKIP when a step it needs did not pass) and how long it took. A failing step does
//! not stop the steps that do not depend on it.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use opencom_sdk::{
    Attributes, CarouselImpression, MemoryStorage, Opencom, OutgoingMessage, PushPlatform,
    RetryPolicy, SurveyImpression, User,
};
use serde_json::{json, Value};

/// Where to run the contract.
#[derive(Debug, Clone)]
pub struct Target {
    /// The deployment URL.
    pub url: String,
    /// The workspace to boot a visitor in.
    pub workspace_id: String,
    /// The `origin` argument sent on boot and identify (needed when the workspace has an
    /// origin allowlist).
    pub origin: Option<String>,
    /// The longest one step may take.
    pub step_timeout: Duration,
}

/// A step's outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The step did what the contract says.
    Pass,
    /// The step failed; the server's message (or what did not match).
    Fail(String),
    /// The step did not run; why.
    Skip(String),
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail(_) => "FAIL",
            Outcome::Skip(_) => "SKIP",
        }
    }

    fn detail(&self) -> Option<&str> {
        match self {
            Outcome::Pass => None,
            Outcome::Fail(m) | Outcome::Skip(m) => Some(m),
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Step {
    /// What the step does.
    pub name: &'static str,
    /// The Convex functions it calls.
    pub functions: Vec<&'static str>,
    /// How it went.
    pub outcome: Outcome,
    /// Wall-clock time of the step (None when skipped).
    pub latency_ms: Option<u128>,
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct Report {
    /// The deployment.
    pub url: String,
    /// The workspace.
    pub workspace_id: String,
    /// The rows, in order.
    pub steps: Vec<Step>,
}

impl Report {
    /// True when every step passed.
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.outcome == Outcome::Pass)
    }

    /// `{url, workspaceId, passed, counts, steps: [{step, functions, status, latencyMs, error}]}`.
    pub fn to_json(&self) -> Value {
        let count = |label: &str| {
            self.steps
                .iter()
                .filter(|s| s.outcome.label() == label)
                .count()
        };
        json!({
            "url": self.url,
            "workspaceId": self.workspace_id,
            "passed": self.passed(),
            "counts": {"pass": count("PASS"), "fail": count("FAIL"), "skip": count("SKIP")},
            "steps": self.steps.iter().map(|s| json!({
                "step": s.name,
                "functions": s.functions,
                "status": s.outcome.label(),
                "latencyMs": s.latency_ms,
                "error": s.outcome.detail(),
            })).collect::<Vec<_>>(),
        })
    }

    /// An aligned text table and a summary line.
    pub fn table(&self) -> String {
        let rows: Vec<[String; 5]> = self
            .steps
            .iter()
            .map(|s| {
                [
                    s.name.to_owned(),
                    s.functions.join(", "),
                    s.outcome.label().to_owned(),
                    s.latency_ms.map(|ms| ms.to_string()).unwrap_or_default(),
                    s.outcome
                        .detail()
                        .map(|d| d.replace('\n', " "))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        let header = ["STEP", "FUNCTIONS", "RESULT", "MS", "DETAIL"].map(str::to_owned);
        let mut widths = [0usize; 4];
        for row in std::iter::once(&header).chain(rows.iter()) {
            for (w, cell) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&header).chain(rows.iter()) {
            let line = format!(
                "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        let failed = self
            .steps
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Fail(_)))
            .count();
        let skipped = self
            .steps
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Skip(_)))
            .count();
        out.push_str(&format!(
            "\n{} of {} steps passed, {failed} failed, {skipped} skipped ({} workspace {})\n",
            self.steps.len() - failed - skipped,
            self.steps.len(),
            self.url,
            self.workspace_id,
        ));
        out
    }
}

/// Runs steps, times them and keeps the rows.
struct Runner {
    steps: Vec<Step>,
    timeout: Duration,
}

impl Runner {
    /// `None` when `step` passed, else why a step that needs it must be skipped.
    fn needs(&self, step: &str) -> Option<String> {
        match self
            .steps
            .iter()
            .find(|s| s.name == step)
            .map(|s| &s.outcome)
        {
            Some(Outcome::Pass) => None,
            Some(Outcome::Fail(_)) => Some(format!("needs `{step}`, which failed")),
            Some(Outcome::Skip(_)) => Some(format!("needs `{step}`, which was skipped")),
            None => Some(format!("needs `{step}`, which did not run")),
        }
    }

    /// The first unmet dependency among `steps`.
    fn needs_all(&self, steps: &[&str]) -> Option<String> {
        steps.iter().find_map(|s| self.needs(s))
    }

    /// Runs `work` unless `blocked`, and records the row. Returns the step's value on PASS.
    async fn step<T>(
        &mut self,
        name: &'static str,
        functions: &[&'static str],
        blocked: Option<String>,
        work: impl Future<Output = Result<T, String>>,
    ) -> Option<T> {
        let functions = functions.to_vec();
        if let Some(reason) = blocked {
            self.steps.push(Step {
                name,
                functions,
                outcome: Outcome::Skip(reason),
                latency_ms: None,
            });
            return None;
        }
        let started = Instant::now();
        let result = match tokio::time::timeout(self.timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(format!("timed out after {} s", self.timeout.as_secs_f64())),
        };
        let latency_ms = Some(started.elapsed().as_millis());
        let (outcome, value) = match result {
            Ok(value) => (Outcome::Pass, Some(value)),
            Err(message) => (Outcome::Fail(message), None),
        };
        self.steps.push(Step {
            name,
            functions,
            outcome,
            latency_ms,
        });
        value
    }
}

/// The SDK's warnings, kept in memory: `Opencom::logout` only logs a failed
/// `widgetSessions:revoke` (the token dies by expiry anyway), so the logout step reads them.
#[derive(Clone, Default)]
struct Warnings(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Warnings {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut all) = self.0.lock() {
            all.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Warnings {
    /// Collects the SDK's warnings from now on (the process's global subscriber; `None` when
    /// one is already installed).
    fn install() -> Option<Self> {
        let warnings = Self::default();
        let writer = warnings.clone();
        tracing_subscriber::fmt()
            .with_env_filter("opencom_sdk=warn")
            .with_ansi(false)
            .with_target(false)
            .with_writer(move || writer.clone())
            .try_init()
            .ok()
            .map(|()| warnings)
    }

    fn take(&self) -> String {
        self.0
            .lock()
            .map(|mut all| String::from_utf8_lossy(&std::mem::take(&mut *all)).into_owned())
            .unwrap_or_default()
    }
}

/// The `error=` of the SDK's "could not revoke the session token" warning, if it was logged.
fn revoke_failure(log: &str) -> Option<String> {
    let line = log
        .lines()
        .find(|l| l.contains("could not revoke the session token"))?;
    Some(
        line.split_once("error=")
            .map(|(_, e)| e.trim().to_owned())
            .unwrap_or_else(|| line.trim().to_owned()),
    )
}

/// The SDK error's text (its `Display` never carries a credential).
fn sdk(err: opencom_sdk::Error) -> String {
    err.to_string()
}

/// An id of no table. A function that validates its arguments refuses it with Convex's
/// `ArgumentValidationError` naming the argument: proof that the function exists and checks
/// what it is given, with nothing written.
const INVALID_ID: &str = "opencom-conformance-invalid-id";

/// The page the engagement steps ask about (targeting matches on it; nothing is shown).
const PAGE_URL: &str = "https://opencom-conformance.example/";

/// `Ok` when the server refused [`INVALID_ID`] with its argument validator's error on `field`
/// (the SDK's `InvalidInput` naming the server's argument, not one of its own checks).
fn refused_by_validator<T>(result: opencom_sdk::Result<T>, field: &str) -> Result<(), String> {
    match result {
        Err(opencom_sdk::Error::InvalidInput { field: named, .. }) if named == field => Ok(()),
        Err(e) => Err(format!(
            "an invalid {field} was refused with \"{e}\", not the argument validator's error on {field}"
        )),
        Ok(_) => Err(format!("an invalid {field} ({INVALID_ID}) was accepted")),
    }
}

/// A suffix that makes this run's push token unique.
fn run_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:x}{:x}", nanos, std::process::id())
}

/// Runs the visitor contract once. Only a client that cannot be configured is an `Err`; every
/// server or network failure is a FAIL row.
pub async fn run(target: &Target) -> Result<Report, String> {
    let mut builder = Opencom::builder(&target.url, &target.workspace_id)
        .storage(Arc::new(MemoryStorage::new()))
        .heartbeat_interval(None)
        .ai_replies(false)
        .retry_policy(RetryPolicy::none())
        .request_timeout(target.step_timeout);
    if let Some(origin) = &target.origin {
        builder = builder.origin(origin.clone());
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let warnings = Warnings::install();
    let mut r = Runner {
        steps: Vec::new(),
        timeout: target.step_timeout,
    };

    // Session and profile.
    let session = r
        .step("boot", &["widgetSessions:boot"], None, async {
            let info = client.start().await.map_err(sdk)?;
            if info.visitor_id.is_empty() {
                return Err("boot returned no visitor id".to_owned());
            }
            Ok(info)
        })
        .await;
    let blocked = r.needs("boot");
    r.step("identify", &["visitors:identify"], blocked, async {
        let visitor = client
            .visitor()
            .identify(
                User::new()
                    .name("Opencom conformance check")
                    .attribute("opencomConformance", true),
            )
            .await
            .map_err(sdk)?;
        match visitor.name.as_deref() {
            Some("Opencom conformance check") => Ok(()),
            other => Err(format!("identify returned the name {other:?}")),
        }
    })
    .await;
    let blocked = r.needs("boot");
    r.step("track event", &["events:track"], blocked, async {
        let mut properties = Attributes::new();
        properties.insert("source".into(), "opencom conformance".into());
        let id = client
            .events()
            .track("opencom_conformance", properties)
            .await
            .map_err(sdk)?;
        if id.is_empty() {
            return Err("events:track returned no event id".to_owned());
        }
        Ok(())
    })
    .await;

    // Conversations.
    let blocked = r.needs("boot");
    let conversation = r
        .step(
            "create conversation",
            &["conversations:createForVisitor"],
            blocked,
            async { client.conversations().create().await.map_err(sdk) },
        )
        .await;
    let conversation_id = conversation.map(|c| c.id).unwrap_or_default();
    let text = format!("Opencom conformance check {}", run_suffix());
    let blocked = r.needs("create conversation");
    let message_id = r
        .step("send message", &["messages:send"], blocked, async {
            client
                .conversations()
                .send(&conversation_id, OutgoingMessage::text(text.clone()))
                .await
                .map_err(sdk)?
                .sent()
                .await
                .map_err(sdk)
        })
        .await;
    let blocked = r.needs("boot");
    r.step(
        "list conversations",
        &["conversations:listByVisitor"],
        blocked,
        async {
            let list = client.conversations().list().await.map_err(sdk)?;
            if !conversation_id.is_empty() && !list.iter().any(|c| c.id == conversation_id) {
                return Err(format!(
                    "the new conversation {conversation_id} is missing from the {} listed",
                    list.len()
                ));
            }
            Ok(())
        },
    )
    .await;
    let blocked = r.needs("create conversation");
    r.step("list messages", &["messages:list"], blocked, async {
        let messages = client
            .conversations()
            .messages(&conversation_id)
            .await
            .map_err(sdk)?;
        if let Some(id) = &message_id {
            if !messages.iter().any(|m| &m.id == id && m.content == text) {
                return Err(format!(
                    "the sent message {id} is missing from the {} listed",
                    messages.len()
                ));
            }
        }
        Ok(())
    })
    .await;
    let blocked = r.needs("create conversation");
    r.step("mark read", &["conversations:markAsRead"], blocked, async {
        client
            .conversations()
            .mark_read(&conversation_id)
            .await
            .map_err(sdk)
    })
    .await;
    let blocked = r.needs("boot");
    r.step(
        "unread count",
        &["conversations:getTotalUnreadForVisitor"],
        blocked,
        async { client.conversations().total_unread().await.map_err(sdk) },
    )
    .await;

    // Help center.
    let blocked = r.needs("boot");
    r.step(
        "help center collections",
        &["collections:listHierarchyForVisitor"],
        blocked,
        async { client.help_center().collections().await.map_err(sdk) },
    )
    .await;
    let blocked = r.needs("boot");
    let articles = r
        .step(
            "list articles",
            &["articles:listForVisitor"],
            blocked,
            async { client.help_center().articles(None).await.map_err(sdk) },
        )
        .await;
    let blocked = r.needs("boot");
    r.step(
        "search articles",
        &["articles:searchForVisitor"],
        blocked,
        async { client.help_center().search("help").await.map_err(sdk) },
    )
    .await;
    let first_article = articles
        .as_ref()
        .and_then(|a| a.first())
        .map(|a| a.id.clone());
    let blocked = r.needs("list articles").or_else(|| {
        first_article
            .is_none()
            .then(|| "the workspace has no published article".to_owned())
    });
    let article_id = first_article.unwrap_or_default();
    r.step("get article", &["articles:getForVisitor"], blocked, async {
        match client
            .help_center()
            .article(&article_id)
            .await
            .map_err(sdk)?
        {
            Some(article) if article.id == article_id => Ok(()),
            Some(article) => Err(format!("asked for {article_id}, got {}", article.id)),
            None => Err(format!("listed article {article_id} read back as null")),
        }
    })
    .await;

    // Messenger configuration (public reads).
    r.step(
        "messenger settings",
        &["messengerSettings:getPublicSettings"],
        None,
        async { client.messenger().settings().await.map_err(sdk) },
    )
    .await;
    r.step(
        "office hours",
        &[
            "officeHours:isCurrentlyOpen",
            "officeHours:getExpectedReplyTime",
        ],
        None,
        async {
            client.messenger().office_hours().await.map_err(sdk)?;
            client.messenger().expected_reply_time().await.map_err(sdk)
        },
    )
    .await;

    // Push.
    let token = format!("ExponentPushToken[opencom-conformance-{}]", run_suffix());
    let blocked = r.needs("boot");
    r.step(
        "push register",
        &["visitorPushTokens:register"],
        blocked,
        async {
            client
                .push()
                .register(&token, PushPlatform::Ios, None)
                .await
                .map_err(sdk)
        },
    )
    .await;
    let blocked = r.needs("push register");
    r.step(
        "push unregister",
        &["visitorPushTokens:unregister"],
        blocked,
        async {
            if client.push().unregister().await.map_err(sdk)? {
                Ok(())
            } else {
                Err("the server did not have the token just registered".to_owned())
            }
        },
    )
    .await;

    // Tickets (public read).
    r.step(
        "ticket form",
        &["ticketForms:getDefaultForVisitor"],
        None,
        async { client.tickets().default_form().await.map_err(sdk) },
    )
    .await;

    // Engagement content (surveys, carousels, outbound messages, checklists, tours). Each
    // family: its list as the visitor sees it, and its writes with an invalid id (the server's
    // validator must refuse it), then, when the workspace has such content, for real.
    let blocked = r.needs("boot");
    let surveys = r
        .step(
            "active surveys",
            &["surveys:getActiveSurveys"],
            blocked,
            async { client.surveys().active().await.map_err(sdk) },
        )
        .await;
    let first_survey = surveys.and_then(|s| s.into_iter().next());
    let blocked = r.needs("boot");
    r.step(
        "survey impression",
        &["surveys:recordImpression"],
        blocked,
        async {
            let surveys = client.surveys();
            refused_by_validator(
                surveys.record(INVALID_ID, SurveyImpression::Shown).await,
                "surveyId",
            )?;
            if let Some(survey) = &first_survey {
                surveys
                    .record(&survey.id, SurveyImpression::Shown)
                    .await
                    .map_err(sdk)?;
            }
            Ok(())
        },
    )
    .await;
    let blocked = r.needs("active surveys").or_else(|| {
        first_survey
            .is_none()
            .then(|| "the workspace has no active survey".to_owned())
    });
    r.step(
        "survey response",
        &["surveys:submitResponse"],
        blocked,
        async {
            let survey = first_survey
                .clone()
                .ok_or_else(|| "no active survey".to_owned())?;
            let mut unknown = survey.clone();
            unknown.id = INVALID_ID.to_owned();
            refused_by_validator(
                client.surveys().submit(&unknown, Vec::new(), false).await,
                "surveyId",
            )?;
            // A partial response without answers (a later submission replaces it).
            let id = client
                .surveys()
                .submit(&survey, Vec::new(), false)
                .await
                .map_err(sdk)?;
            if id.is_empty() {
                return Err("surveys:submitResponse returned no response id".to_owned());
            }
            Ok(())
        },
    )
    .await;

    let blocked = r.needs("boot");
    let carousels = r
        .step(
            "active carousels",
            &["carousels:listActive"],
            blocked,
            async { client.carousels().active().await.map_err(sdk) },
        )
        .await;
    let first_carousel = carousels.and_then(|c| c.into_iter().next());
    let blocked = r.needs("boot");
    r.step(
        "carousel impression",
        &["carousels:recordImpression"],
        blocked,
        async {
            let carousels = client.carousels();
            let shown = CarouselImpression::Shown { screen_index: 0 };
            refused_by_validator(carousels.record(INVALID_ID, shown).await, "carouselId")?;
            if let Some(carousel) = &first_carousel {
                carousels.record(&carousel.id, shown).await.map_err(sdk)?;
            }
            Ok(())
        },
    )
    .await;

    let blocked = r.needs("boot");
    let outbound = r
        .step(
            "eligible outbound messages",
            &["outboundMessages:getEligible"],
            blocked,
            async { client.outbound().eligible(PAGE_URL).await.map_err(sdk) },
        )
        .await;
    let first_message = outbound.and_then(|m| m.into_iter().next());
    let blocked = r.needs("boot");
    r.step(
        "outbound impression",
        &["outboundMessages:trackImpression"],
        blocked,
        async {
            let outbound = client.outbound();
            refused_by_validator(outbound.shown(INVALID_ID).await, "messageId")?;
            if let Some(message) = &first_message {
                outbound.shown(&message.id).await.map_err(sdk)?;
            }
            Ok(())
        },
    )
    .await;

    let blocked = r.needs("boot");
    r.step(
        "eligible checklists",
        &["checklists:getEligible"],
        blocked,
        async { client.checklists().eligible(None).await.map_err(sdk) },
    )
    .await;
    let blocked = r.needs("boot");
    r.step(
        "checklist progress",
        &["checklists:getAllProgress", "checklists:getProgress"],
        blocked,
        async {
            let checklists = client.checklists();
            checklists.all_progress().await.map_err(sdk)?;
            refused_by_validator(checklists.progress(INVALID_ID).await, "checklistId")
        },
    )
    .await;
    let blocked = r.needs("boot");
    r.step(
        "checklist task",
        &["checklists:completeTask"],
        blocked,
        async {
            refused_by_validator(
                client
                    .checklists()
                    .complete_task_by_id(INVALID_ID, "opencom-conformance")
                    .await,
                "checklistId",
            )
        },
    )
    .await;

    let blocked = r.needs("boot");
    r.step("list tours", &["tours:listAll"], blocked, async {
        client.tours().list().await.map_err(sdk)
    })
    .await;
    let blocked = r.needs("boot");
    r.step(
        "available tours",
        &["tourProgress:getAvailableTours"],
        blocked,
        async { client.tours().available(Some(PAGE_URL)).await.map_err(sdk) },
    )
    .await;

    // The AI agent (visitor side).
    r.step(
        "AI agent settings",
        &["aiAgent:getPublicSettings"],
        None,
        async {
            let settings = client.messenger().ai_settings().await.map_err(sdk)?;
            if settings["enabled"].is_boolean() {
                Ok(())
            } else {
                Err(format!("no boolean `enabled` in {settings}"))
            }
        },
    )
    .await;
    let blocked = r.needs("create conversation");
    r.step(
        "AI answers",
        &["aiAgent:getConversationResponses"],
        blocked,
        async {
            client
                .ai_agent()
                .responses(&conversation_id)
                .await
                .map_err(sdk)
        },
    )
    .await;

    // Log out last: revokes the token and boots a fresh anonymous visitor.
    let blocked = r.needs_all(&["boot"]);
    let old_visitor = session.map(|s| s.visitor_id).unwrap_or_default();
    r.step(
        "logout",
        &["widgetSessions:revoke", "widgetSessions:boot"],
        blocked,
        async {
            if let Some(w) = &warnings {
                w.take();
            }
            let fresh = client.logout().await.map_err(sdk)?;
            // `logout` carries on when the revoke fails; the SDK says so only in its log.
            if let Some(error) = warnings.as_ref().and_then(|w| revoke_failure(&w.take())) {
                return Err(format!("widgetSessions:revoke failed: {error}"));
            }
            if fresh.visitor_id == old_visitor {
                return Err("logout kept the same visitor".to_owned());
            }
            Ok(())
        },
    )
    .await;

    Ok(Report {
        url: target.url.clone(),
        workspace_id: target.workspace_id.clone(),
        steps: r.steps,
    })
}

/// `--demo`: an embedded server-mock with one published article and the demo engagement
/// content (a survey, a carousel, outbound messages, a checklist, a tour), so every step runs.
pub async fn demo_mock() -> std::io::Result<server_mock::ServerMock> {
    let mock = server_mock::ServerMock::start().await?;
    let ws = mock.workspace_id();
    let start = mock.add_collection(&ws, "Getting started", None, 1.0);
    mock.add_article(
        &ws,
        server_mock::NewArticle::published(
            "How to get help",
            "Open the messenger and send us a message.",
        )
        .collection(&start),
    );
    mock.seed_engagement_demo(&ws);
    Ok(mock)
}
