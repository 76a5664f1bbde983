//! Surveys (`client.surveys()`): the active surveys (once or live), impressions recorded once
//! per session, responses validated against their questions before they are sent, and the
//! surveys an event triggers.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context as TaskContext, Poll};

use futures::Stream;
use serde_json::{json, Value};
use tokio::sync::broadcast;

use super::impressions::{ImpressionKey, ImpressionLog};
use crate::client_events::ClientEvent;
use crate::context::{watch, Context, QuerySpec};
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::realtime::LiveStream;
use crate::wire::visitor::surveys::{
    Answer, GetActive, OptionsDoc, QuestionDoc, RecordImpression, StepDoc, SubmitResponse,
    SurveyDoc, TriggerDoc,
};
use crate::wire::{self, Call};

/// A survey the visitor may be shown (`surveys:getActiveSurveys`).
///
/// ```
/// # fn show(survey: &opencom_sdk::Survey) {
/// for question in &survey.questions {
///     println!("{}{}", question.title, if question.required { " *" } else { "" });
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Survey {
    /// The survey id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// How it is presented.
    pub format: SurveyFormat,
    /// How often it may be shown (`"once"`, …), as the server stores it.
    pub frequency: Option<String>,
    /// Its questions, in order.
    pub questions: Vec<SurveyQuestion>,
    /// The step shown before the questions, if any.
    pub intro: Option<SurveyStep>,
    /// The step shown after the last question, if any.
    pub thank_you: Option<SurveyStep>,
    /// When it shows, if set (surveys without one show right away).
    pub trigger: Option<SurveyTrigger>,
}

impl Survey {
    /// The question with this id.
    ///
    /// ```
    /// # fn f(survey: &opencom_sdk::Survey) {
    /// let nps = survey.question("nps");
    /// # }
    /// ```
    pub fn question(&self, id: &str) -> Option<&SurveyQuestion> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Whether tracking `event` shows this survey (its trigger is that event).
    ///
    /// ```
    /// # fn f(survey: &opencom_sdk::Survey) {
    /// let shows = survey.is_triggered_by("checkout_completed");
    /// # }
    /// ```
    pub fn is_triggered_by(&self, event: &str) -> bool {
        matches!(&self.trigger, Some(SurveyTrigger::Event { name }) if name == event)
    }
}

/// How a survey is presented.
///
/// ```
/// use opencom_sdk::SurveyFormat;
/// assert_ne!(SurveyFormat::Small, SurveyFormat::Large);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SurveyFormat {
    /// A small prompt in a corner (the default).
    Small,
    /// A large, full-width survey.
    Large,
    /// A format this SDK does not know yet.
    Other(String),
}

/// An intro or thank-you step.
///
/// ```
/// # fn f(step: &opencom_sdk::SurveyStep) {
/// let title = step.title.as_deref().unwrap_or("Thanks!");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SurveyStep {
    /// Its title.
    pub title: Option<String>,
    /// Its text.
    pub description: Option<String>,
    /// The label of its button.
    pub button_text: Option<String>,
}

/// When a survey shows.
///
/// ```
/// use opencom_sdk::SurveyTrigger;
/// # fn f(trigger: &SurveyTrigger) {
/// if let SurveyTrigger::Event { name } = trigger {
///     println!("shown after {name}");
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SurveyTrigger {
    /// As soon as it is active.
    Immediate,
    /// On a page whose URL matches.
    PageVisit {
        /// The URL pattern, if any.
        url: Option<String>,
        /// How it matches (`"exact"`, `"contains"`, `"regex"`).
        match_kind: Option<String>,
    },
    /// After some time on a page.
    TimeOnPage {
        /// The delay in seconds, if set.
        seconds: Option<f64>,
    },
    /// When an event with this name is tracked (see [`SurveysClient::triggers`]).
    Event {
        /// The event's name.
        name: String,
    },
    /// A trigger this SDK does not know yet (its `type`).
    Other(String),
}

/// One question of a [`Survey`].
///
/// ```
/// use opencom_sdk::QuestionKind;
/// # fn f(question: &opencom_sdk::SurveyQuestion) {
/// match &question.kind {
///     QuestionKind::NumericScale { min, max, .. } => println!("{min}..={max}"),
///     QuestionKind::MultipleChoice { choices, .. } => println!("{choices:?}"),
///     _ => {}
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SurveyQuestion {
    /// The question id (what [`SurveyAnswer::question_id`] names).
    pub id: String,
    /// The question.
    pub title: String,
    /// A longer explanation, if any.
    pub description: Option<String>,
    /// Whether a complete response must answer it.
    pub required: bool,
    /// What kind of answer it takes, with its options.
    pub kind: QuestionKind,
}

/// The kind of a question and its options. An answer is checked against it by
/// [`SurveysClient::submit`].
///
/// ```
/// use opencom_sdk::QuestionKind;
/// assert_ne!(QuestionKind::Nps, QuestionKind::Other("ranking".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum QuestionKind {
    /// Net promoter score: a whole number from 0 to 10.
    Nps,
    /// A whole number from `min` to `max` (1 to 5 when the survey sets no scale).
    NumericScale {
        /// The lowest value.
        min: i64,
        /// The highest value.
        max: i64,
        /// The label of the low end.
        min_label: Option<String>,
        /// The label of the high end.
        max_label: Option<String>,
    },
    /// From 1 to `max` stars.
    StarRating {
        /// The number of stars (5).
        max: i64,
        /// The label of the low end.
        low_label: Option<String>,
        /// The label of the high end.
        high_label: Option<String>,
    },
    /// One of `count` emoji, answered as 1 to `count` (5 when the survey sets none).
    EmojiRating {
        /// How many emoji are offered.
        count: i64,
    },
    /// One of `choices` from a list (several when `allow_multiple`).
    Dropdown {
        /// The choices.
        choices: Vec<String>,
        /// Whether several may be chosen.
        allow_multiple: bool,
    },
    /// A one-line text.
    ShortText {
        /// The input's placeholder.
        placeholder: Option<String>,
    },
    /// A multi-line text.
    LongText {
        /// The input's placeholder.
        placeholder: Option<String>,
    },
    /// One of `choices` (several when `allow_multiple`).
    MultipleChoice {
        /// The choices.
        choices: Vec<String>,
        /// Whether several may be chosen.
        allow_multiple: bool,
    },
    /// A question kind this SDK does not know yet (its `type`): any non-empty answer is sent
    /// as given.
    Other(String),
}

/// What the visitor did with a survey, for [`SurveysClient::record`].
///
/// ```
/// use opencom_sdk::SurveyImpression;
/// let action = SurveyImpression::Shown;
/// # let _ = action;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SurveyImpression {
    /// The survey appeared on screen.
    Shown,
    /// The visitor began answering.
    Started,
    /// The visitor finished it.
    Completed,
    /// The visitor closed it.
    Dismissed,
}

impl SurveyImpression {
    fn wire(self) -> &'static str {
        match self {
            SurveyImpression::Shown => "shown",
            SurveyImpression::Started => "started",
            SurveyImpression::Completed => "completed",
            SurveyImpression::Dismissed => "dismissed",
        }
    }
}

/// An answer to one question, for [`SurveysClient::submit`].
///
/// ```
/// use opencom_sdk::SurveyAnswer;
/// let answers = vec![
///     SurveyAnswer::number("nps", 9),
///     SurveyAnswer::choices("features", ["Messenger", "Tickets"]),
///     SurveyAnswer::text("role", "Engineer"),
/// ];
/// assert_eq!(answers[0].question_id, "nps");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SurveyAnswer {
    /// The question answered.
    pub question_id: String,
    /// The answer.
    pub value: AnswerValue,
}

impl SurveyAnswer {
    /// A rating or scale answer (NPS, numeric scale, stars, emoji).
    pub fn number(question_id: impl Into<String>, value: i64) -> Self {
        Self::new(question_id, AnswerValue::Number(value))
    }

    /// A text answer.
    pub fn text(question_id: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(question_id, AnswerValue::Text(value.into()))
    }

    /// One choice (multiple choice, dropdown).
    pub fn choice(question_id: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(question_id, AnswerValue::Choice(value.into()))
    }

    /// Several choices (a question with `allow_multiple`).
    pub fn choices<I, S>(question_id: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(
            question_id,
            AnswerValue::Choices(values.into_iter().map(Into::into).collect()),
        )
    }

    /// An answer with any value.
    pub fn new(question_id: impl Into<String>, value: AnswerValue) -> Self {
        Self {
            question_id: question_id.into(),
            value,
        }
    }
}

/// The value of a [`SurveyAnswer`].
///
/// ```
/// use opencom_sdk::AnswerValue;
/// assert_ne!(AnswerValue::Number(3), AnswerValue::Text("3".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnswerValue {
    /// A whole number (ratings and scales).
    Number(i64),
    /// A text.
    Text(String),
    /// One choice.
    Choice(String),
    /// Several choices.
    Choices(Vec<String>),
}

impl AnswerValue {
    fn to_json(&self) -> Value {
        match self {
            AnswerValue::Number(n) => json!(n),
            AnswerValue::Text(s) | AnswerValue::Choice(s) => json!(s),
            AnswerValue::Choices(list) => json!(list),
        }
    }
}

/// Surveys: `client.surveys()`.
///
/// ```no_run
/// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
/// use opencom_sdk::{SurveyAnswer, SurveyImpression};
/// let surveys = client.surveys();
/// if let Some(survey) = surveys.active().await?.into_iter().next() {
///     surveys.record(&survey.id, SurveyImpression::Shown).await?;
///     surveys.submit(&survey, vec![SurveyAnswer::number("nps", 9)], true).await?;
/// }
/// # Ok(()) }
/// ```
pub struct SurveysClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
    /// The impressions already recorded (this domain's state, owned by the facade).
    pub(crate) impressions: &'a ImpressionLog,
}

impl SurveysClient<'_> {
    /// The surveys the visitor may be shown now: active, in their schedule, not completed by
    /// the visitor, and `once` surveys not shown yet.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// let surveys = client.surveys().active().await?;
    /// # Ok(()) }
    /// ```
    pub async fn active(&self) -> Result<Vec<Survey>> {
        fetch_active(self.ctx).await
    }

    /// [`active`](Self::active), live: the cached list first, then every change (a survey
    /// published, completed or shown once).
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use futures::StreamExt;
    /// let mut live = client.surveys().watch_active()?;
    /// while let Some(Ok(snapshot)) = live.next().await {
    ///     println!("{} surveys", snapshot.value.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch_active(&self) -> Result<LiveStream<Vec<Survey>>> {
        let workspace_id = self.ctx.config.workspace_id.clone();
        let spec = QuerySpec {
            function: GetActive::FUNCTION,
            args: Box::new(move |c| {
                wire::to_object(
                    GetActive::FUNCTION,
                    &GetActive {
                        auth: c.workspace(&workspace_id),
                    },
                )
            }),
            cache: Some("surveys/active".into()),
        };
        watch(
            self.ctx,
            spec,
            Box::new(|_, raw: &Value| surveys_from_json(raw.clone())),
            None,
        )
    }

    /// Records what the visitor did with a survey, **once** per survey and action in this
    /// session: a second identical call returns `Ok` without a call. `Shown` also publishes
    /// [`ClientEvent::SurveyShown`].
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, survey_id: &str) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::SurveyImpression;
    /// client.surveys().record(survey_id, SurveyImpression::Shown).await?;
    /// client.surveys().record(survey_id, SurveyImpression::Shown).await?; // no call
    /// # Ok(()) }
    /// ```
    pub async fn record(&self, survey_id: &str, action: SurveyImpression) -> Result<()> {
        check_id("survey_id", survey_id)?;
        let creds = self.ctx.session.credentials().await?;
        let key = ImpressionKey::new(&creds, "survey", survey_id, action.wire());
        let sent = self
            .impressions
            .once(key, || async {
                self.ctx
                    .session
                    .request(|c| RecordImpression {
                        auth: c.visitor(),
                        survey_id,
                        session_id: Some(c.session_id.clone()),
                        action: action.wire(),
                    })
                    .await
                    .map(|_| ())
            })
            .await?;
        if sent && action == SurveyImpression::Shown {
            self.ctx.bus.publish(ClientEvent::SurveyShown {
                survey_id: survey_id.to_owned(),
            });
        }
        Ok(())
    }

    /// Sends the visitor's answers (`surveys:submitResponse`). Until `complete` is true the
    /// response is partial and each submission replaces the last one; a complete one also
    /// requires every required question answered. Every answer is checked against its
    /// question first: a bad one is [`Error::InvalidInput`] naming `answers.<questionId>`,
    /// with no call made. Returns the response id.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom, survey: opencom_sdk::Survey) -> opencom_sdk::Result<()> {
    /// use opencom_sdk::SurveyAnswer;
    /// let surveys = client.surveys();
    /// surveys.submit(&survey, vec![SurveyAnswer::number("nps", 9)], false).await?;
    /// surveys
    ///     .submit(&survey, vec![SurveyAnswer::number("nps", 9), SurveyAnswer::text("role", "CTO")], true)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn submit(
        &self,
        survey: &Survey,
        answers: Vec<SurveyAnswer>,
        complete: bool,
    ) -> Result<String> {
        check_id("survey.id", &survey.id)?;
        validate_answers(survey, &answers, complete)?;
        let wire_answers: Vec<Answer<'_>> = answers
            .iter()
            .map(|a| Answer {
                question_id: &a.question_id,
                value: a.value.to_json(),
            })
            .collect();
        self.ctx
            .session
            .request(|c| SubmitResponse {
                auth: c.visitor(),
                survey_id: &survey.id,
                session_id: Some(c.session_id.clone()),
                answers: &wire_answers,
                is_complete: complete,
            })
            .await
    }

    /// The surveys that tracked events trigger: each time `client.events().track(name, ..)`
    /// succeeds, the active surveys (fetched fresh) whose trigger is the event `name`, as
    /// Opencom's SDKs fire their survey trigger listeners on `trackEvent`. Events tracked from
    /// the moment this returns count. The stream ends when the client is dropped; a failed
    /// fetch is logged and skipped.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::Opencom) -> opencom_sdk::Result<()> {
    /// use futures::StreamExt;
    /// let mut triggered = client.surveys().triggers()?;
    /// client.events().track("checkout_completed", Default::default()).await?;
    /// if let Some(survey) = triggered.next().await {
    ///     println!("show {}", survey.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn triggers(&self) -> Result<SurveyTriggers> {
        Ok(SurveyTriggers::new(
            Arc::downgrade(self.ctx),
            self.ctx.bus.subscribe(),
        ))
    }
}

/// The surveys tracked events trigger, from [`SurveysClient::triggers`].
pub struct SurveyTriggers {
    inner: Pin<Box<dyn Stream<Item = Survey> + Send>>,
}

impl std::fmt::Debug for SurveyTriggers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SurveyTriggers").finish_non_exhaustive()
    }
}

struct TriggerState {
    ctx: Weak<Context>,
    events: broadcast::Receiver<ClientEvent>,
    ready: VecDeque<Survey>,
}

impl SurveyTriggers {
    fn new(ctx: Weak<Context>, events: broadcast::Receiver<ClientEvent>) -> Self {
        let state = TriggerState {
            ctx,
            events,
            ready: VecDeque::new(),
        };
        let stream = futures::stream::unfold(state, |mut st| async move {
            loop {
                if let Some(survey) = st.ready.pop_front() {
                    return Some((survey, st));
                }
                let name = match st.events.recv().await {
                    Ok(ClientEvent::EventTracked { name }) => name,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "the survey trigger stream fell behind");
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                let ctx = st.ctx.upgrade()?;
                match fetch_active(&ctx).await {
                    Ok(surveys) => st
                        .ready
                        .extend(surveys.into_iter().filter(|s| s.is_triggered_by(&name))),
                    Err(e) => tracing::debug!(error = %e, "could not fetch triggered surveys"),
                }
            }
        });
        Self {
            inner: Box::pin(stream),
        }
    }
}

impl Stream for SurveyTriggers {
    type Item = Survey;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Survey>> {
        self.inner.as_mut().poll_next(cx)
    }
}

async fn fetch_active(ctx: &Arc<Context>) -> Result<Vec<Survey>> {
    let workspace_id = ctx.config.workspace_id.as_str();
    let docs = ctx
        .session
        .request(|c| GetActive {
            auth: c.workspace(workspace_id),
        })
        .await?;
    docs.into_iter().map(Survey::from_doc).collect()
}

fn surveys_from_json(raw: Value) -> Result<Vec<Survey>> {
    let docs: Vec<SurveyDoc> = wire::decode(GetActive::FUNCTION, raw)?;
    docs.into_iter().map(Survey::from_doc).collect()
}

fn bad_survey(survey: &str, what: String) -> Error {
    Error::Decode {
        message: format!("{}: survey {survey}: {what}", GetActive::FUNCTION.path),
    }
}

/// A whole number from the server (Convex numbers are floats).
fn whole(value: f64, survey: &str, what: &str) -> Result<i64> {
    if value.fract() != 0.0 || !value.is_finite() || value.abs() > 1e9 {
        return Err(bad_survey(survey, format!("{what} is not a whole number")));
    }
    // In range and whole: the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(value as i64)
}

impl Survey {
    fn from_doc(doc: SurveyDoc) -> Result<Self> {
        let id = doc.id;
        let questions = doc
            .questions
            .into_iter()
            .map(|q| SurveyQuestion::from_doc(q, &id))
            .collect::<Result<Vec<_>>>()?;
        Ok(Survey {
            name: doc.name,
            description: doc.description,
            format: match doc.format.as_deref() {
                None | Some("small") => SurveyFormat::Small,
                Some("large") => SurveyFormat::Large,
                Some(other) => SurveyFormat::Other(other.to_owned()),
            },
            frequency: doc.frequency,
            questions,
            intro: doc.intro_step.map(SurveyStep::from_doc),
            thank_you: doc.thank_you_step.map(SurveyStep::from_doc),
            trigger: doc
                .triggers
                .map(|t| SurveyTrigger::from_doc(t, &id))
                .transpose()?,
            id,
        })
    }
}

impl SurveyStep {
    fn from_doc(doc: StepDoc) -> Self {
        SurveyStep {
            title: doc.title,
            description: doc.description,
            button_text: doc.button_text,
        }
    }
}

impl SurveyTrigger {
    fn from_doc(doc: TriggerDoc, survey: &str) -> Result<Self> {
        Ok(match doc.kind.as_str() {
            "immediate" => SurveyTrigger::Immediate,
            "page_visit" => SurveyTrigger::PageVisit {
                url: doc.page_url,
                match_kind: doc.page_url_match,
            },
            "time_on_page" => SurveyTrigger::TimeOnPage {
                seconds: doc.delay_seconds,
            },
            "event" => SurveyTrigger::Event {
                name: doc.event_name.filter(|n| !n.is_empty()).ok_or_else(|| {
                    bad_survey(survey, "an event trigger without eventName".into())
                })?,
            },
            other => SurveyTrigger::Other(other.to_owned()),
        })
    }
}

impl SurveyQuestion {
    fn from_doc(doc: QuestionDoc, survey: &str) -> Result<Self> {
        let options = doc.options.unwrap_or_default();
        let OptionsDoc {
            scale_start,
            scale_end,
            start_label,
            end_label,
            star_labels,
            emoji_count,
            choices,
            allow_multiple,
            placeholder,
        } = options;
        let what = |field: &str| format!("question {} {field}", doc.id);
        let kind = match doc.kind.as_str() {
            "nps" => QuestionKind::Nps,
            "numeric_scale" => {
                let min = scale_start
                    .map(|v| whole(v, survey, &what("scaleStart")))
                    .transpose()?
                    .unwrap_or(1);
                let max = scale_end
                    .map(|v| whole(v, survey, &what("scaleEnd")))
                    .transpose()?
                    .unwrap_or(5);
                if min > max {
                    return Err(bad_survey(survey, what("scaleStart is above scaleEnd")));
                }
                QuestionKind::NumericScale {
                    min,
                    max,
                    min_label: start_label,
                    max_label: end_label,
                }
            }
            "star_rating" => {
                let (low_label, high_label) = star_labels.map_or((None, None), |l| (l.low, l.high));
                QuestionKind::StarRating {
                    max: 5,
                    low_label,
                    high_label,
                }
            }
            "emoji_rating" => {
                let count = emoji_count
                    .map(|v| whole(v, survey, &what("emojiCount")))
                    .transpose()?
                    .unwrap_or(5);
                if count < 1 {
                    return Err(bad_survey(survey, what("emojiCount is below 1")));
                }
                QuestionKind::EmojiRating { count }
            }
            "dropdown" | "multiple_choice" => {
                let choices = choices.unwrap_or_default();
                if choices.is_empty() {
                    return Err(bad_survey(survey, what("has no choices")));
                }
                let allow_multiple = allow_multiple.unwrap_or(false);
                if doc.kind == "dropdown" {
                    QuestionKind::Dropdown {
                        choices,
                        allow_multiple,
                    }
                } else {
                    QuestionKind::MultipleChoice {
                        choices,
                        allow_multiple,
                    }
                }
            }
            "short_text" => QuestionKind::ShortText { placeholder },
            "long_text" => QuestionKind::LongText { placeholder },
            other => QuestionKind::Other(other.to_owned()),
        };
        Ok(SurveyQuestion {
            id: doc.id,
            title: doc.title,
            description: doc.description,
            required: doc.required.unwrap_or(false),
            kind,
        })
    }
}

/// Checks every answer against its question (and, for a complete response, that every
/// required question is answered).
fn validate_answers(survey: &Survey, answers: &[SurveyAnswer], complete: bool) -> Result<()> {
    let mut answered = HashSet::new();
    for answer in answers {
        let field = format!("answers.{}", answer.question_id);
        let question = survey
            .question(&answer.question_id)
            .ok_or_else(|| Error::invalid(&field, "no such question in this survey"))?;
        if !answered.insert(answer.question_id.as_str()) {
            return Err(Error::invalid(&field, "answered more than once"));
        }
        check_answer(question, &answer.value).map_err(|reason| Error::invalid(&field, reason))?;
    }
    if complete {
        if let Some(missing) = survey
            .questions
            .iter()
            .find(|q| q.required && !answered.contains(q.id.as_str()))
        {
            return Err(Error::invalid(
                format!("answers.{}", missing.id),
                "a required question is not answered",
            ));
        }
    }
    Ok(())
}

fn check_range(value: &AnswerValue, min: i64, max: i64) -> std::result::Result<(), String> {
    match value {
        AnswerValue::Number(n) if (min..=max).contains(n) => Ok(()),
        AnswerValue::Number(n) => Err(format!("{n} is not between {min} and {max}")),
        _ => Err("must be a number".into()),
    }
}

fn check_choices(
    value: &AnswerValue,
    choices: &[String],
    allow_multiple: bool,
) -> std::result::Result<(), String> {
    let picked: Vec<&String> = match value {
        AnswerValue::Choice(c) | AnswerValue::Text(c) => vec![c],
        AnswerValue::Choices(list) if list.len() > 1 && !allow_multiple => {
            return Err("only one choice is allowed".into())
        }
        AnswerValue::Choices(list) if list.is_empty() => {
            return Err("at least one choice is needed".into())
        }
        AnswerValue::Choices(list) => list.iter().collect(),
        AnswerValue::Number(_) => return Err("must be a choice".into()),
    };
    match picked.into_iter().find(|c| !choices.contains(c)) {
        Some(bad) => Err(format!("`{bad}` is not one of the choices")),
        None => Ok(()),
    }
}

fn check_text(value: &AnswerValue) -> std::result::Result<(), String> {
    match value {
        AnswerValue::Text(t) if !t.trim().is_empty() => Ok(()),
        AnswerValue::Text(_) => Err("must not be empty".into()),
        _ => Err("must be a text".into()),
    }
}

fn check_answer(question: &SurveyQuestion, value: &AnswerValue) -> std::result::Result<(), String> {
    match &question.kind {
        QuestionKind::Nps => check_range(value, 0, 10),
        QuestionKind::NumericScale { min, max, .. } => check_range(value, *min, *max),
        QuestionKind::StarRating { max, .. } => check_range(value, 1, *max),
        QuestionKind::EmojiRating { count } => check_range(value, 1, *count),
        QuestionKind::Dropdown {
            choices,
            allow_multiple,
        }
        | QuestionKind::MultipleChoice {
            choices,
            allow_multiple,
        } => check_choices(value, choices, *allow_multiple),
        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => check_text(value),
        QuestionKind::Other(_) => match value {
            AnswerValue::Text(t) | AnswerValue::Choice(t) if t.trim().is_empty() => {
                Err("must not be empty".into())
            }
            AnswerValue::Choices(list) if list.is_empty() => Err("must not be empty".into()),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        surveys_from_json(json!([{
            "_id": "s1", "name": "Feedback", "format": "large",
            "triggers": {"type": "event", "eventName": "checkout"},
            "introStep": {"title": "Hi", "buttonText": "Start"},
            "questions": [
                {"id": "nps", "type": "nps", "title": "Recommend?", "required": true},
                {"id": "scale", "type": "numeric_scale", "title": "Ease",
                 "options": {"scaleStart": 1, "scaleEnd": 7, "startLabel": "Hard"}},
                {"id": "stars", "type": "star_rating", "title": "Stars"},
                {"id": "emoji", "type": "emoji_rating", "title": "Mood", "options": {"emojiCount": 3}},
                {"id": "plan", "type": "dropdown", "title": "Plan",
                 "options": {"choices": ["Free", "Pro"]}},
                {"id": "features", "type": "multiple_choice", "title": "Features",
                 "options": {"choices": ["A", "B", "C"], "allowMultiple": true}},
                {"id": "one", "type": "multiple_choice", "title": "One",
                 "options": {"choices": ["A", "B"]}},
                {"id": "role", "type": "short_text", "title": "Role"},
                {"id": "more", "type": "long_text", "title": "More"},
                {"id": "rank", "type": "ranking", "title": "Rank"},
            ],
        }]))
        .unwrap()
        .remove(0)
    }

    #[test]
    fn a_survey_decodes_into_typed_questions() {
        let s = survey();
        assert_eq!(s.format, SurveyFormat::Large);
        assert!(s.is_triggered_by("checkout"));
        assert!(!s.is_triggered_by("other"));
        assert_eq!(
            s.intro.as_ref().unwrap().button_text.as_deref(),
            Some("Start")
        );
        assert_eq!(s.questions.len(), 10);
        assert!(s.questions[0].required && !s.questions[1].required);
        assert_eq!(
            s.question("scale").unwrap().kind,
            QuestionKind::NumericScale {
                min: 1,
                max: 7,
                min_label: Some("Hard".into()),
                max_label: None
            }
        );
        assert_eq!(
            s.question("emoji").unwrap().kind,
            QuestionKind::EmojiRating { count: 3 }
        );
        assert!(matches!(
            &s.question("features").unwrap().kind,
            QuestionKind::MultipleChoice { choices, allow_multiple: true } if choices.len() == 3
        ));
        assert_eq!(
            s.question("rank").unwrap().kind,
            QuestionKind::Other("ranking".into())
        );
    }

    #[test]
    fn bad_survey_shapes_are_decode_errors() {
        for bad in [
            json!([{"_id": "s", "name": "S", "questions": [{"id": "q", "type": "nps"}]}]),
            json!([{"_id": "s", "name": "S", "questions": [], "triggers": {"type": "event"}}]),
            json!([{"_id": "s", "name": "S", "questions": [
                {"id": "q", "type": "numeric_scale", "title": "T", "options": {"scaleStart": 1.5}}]}]),
            json!([{"_id": "s", "name": "S", "questions": [
                {"id": "q", "type": "dropdown", "title": "T"}]}]),
        ] {
            let err = surveys_from_json(bad.clone()).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{bad}: {err:?}");
        }
    }

    fn field_of(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn every_answer_is_checked_against_its_question() {
        let s = survey();
        let check = |answer: SurveyAnswer| field_of(validate_answers(&s, &[answer], false));
        assert_eq!(check(SurveyAnswer::number("nope", 1)), "answers.nope");
        assert_eq!(check(SurveyAnswer::number("nps", 11)), "answers.nps");
        assert_eq!(check(SurveyAnswer::number("nps", -1)), "answers.nps");
        assert_eq!(check(SurveyAnswer::text("nps", "9")), "answers.nps");
        assert_eq!(check(SurveyAnswer::number("scale", 0)), "answers.scale");
        assert_eq!(check(SurveyAnswer::number("scale", 8)), "answers.scale");
        assert_eq!(check(SurveyAnswer::number("stars", 0)), "answers.stars");
        assert_eq!(check(SurveyAnswer::number("stars", 6)), "answers.stars");
        assert_eq!(check(SurveyAnswer::number("emoji", 4)), "answers.emoji");
        assert_eq!(check(SurveyAnswer::choice("plan", "Gold")), "answers.plan");
        assert_eq!(
            check(SurveyAnswer::choices("one", ["A", "B"])),
            "answers.one"
        );
        assert_eq!(
            check(SurveyAnswer::choices("features", ["A", "Z"])),
            "answers.features"
        );
        assert_eq!(
            check(SurveyAnswer::number("features", 1)),
            "answers.features"
        );
        assert_eq!(check(SurveyAnswer::text("role", "  ")), "answers.role");
        assert_eq!(check(SurveyAnswer::number("more", 3)), "answers.more");
        assert_eq!(
            field_of(validate_answers(
                &s,
                &[
                    SurveyAnswer::number("nps", 1),
                    SurveyAnswer::number("nps", 2)
                ],
                false
            )),
            "answers.nps"
        );
        // Complete without the required NPS.
        assert_eq!(
            field_of(validate_answers(
                &s,
                &[SurveyAnswer::text("role", "CTO")],
                true
            )),
            "answers.nps"
        );
        let good = [
            SurveyAnswer::number("nps", 0),
            SurveyAnswer::number("scale", 7),
            SurveyAnswer::number("stars", 5),
            SurveyAnswer::number("emoji", 1),
            SurveyAnswer::choice("plan", "Pro"),
            SurveyAnswer::choices("features", ["A", "C"]),
            SurveyAnswer::choice("one", "B"),
            SurveyAnswer::text("role", "CTO"),
            SurveyAnswer::text("more", "Nice"),
            SurveyAnswer::text("rank", "A > B"),
        ];
        validate_answers(&s, &good, true).unwrap();
        assert_eq!(
            good.iter().map(|a| a.value.to_json()).collect::<Vec<_>>()[..6],
            [
                json!(0),
                json!(7),
                json!(5),
                json!(1),
                json!("Pro"),
                json!(["A", "C"])
            ]
        );
    }
}
