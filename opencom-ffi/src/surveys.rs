//! Surveys: `client.surveys()` — the active surveys (also live), impressions, responses, and
//! the surveys triggered by tracked events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use opencom_sdk as sdk;

use crate::client::OpencomClient;
use crate::error::OpencomError;
use crate::listeners::{pump, pump_snapshots, Subscription};
use crate::runtime::{enter, run};
use crate::types::{list, Delivery};

/// A survey the visitor may be shown.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Survey {
    /// Opaque survey id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// How it is displayed.
    pub format: SurveyFormat,
    /// How often it may be shown (the server's wording, e.g. `once`).
    pub frequency: Option<String>,
    /// The questions, in order.
    pub questions: Vec<SurveyQuestion>,
    /// The intro step, if any.
    pub intro: Option<SurveyStep>,
    /// The thank-you step, if any.
    pub thank_you: Option<SurveyStep>,
    /// When it is shown.
    pub trigger: Option<SurveyTrigger>,
}

impl From<sdk::Survey> for Survey {
    fn from(s: sdk::Survey) -> Self {
        Self {
            id: s.id,
            name: s.name,
            description: s.description,
            format: s.format.into(),
            frequency: s.frequency,
            questions: list(s.questions),
            intro: s.intro.map(Into::into),
            thank_you: s.thank_you.map(Into::into),
            trigger: s.trigger.map(Into::into),
        }
    }
}

/// How a survey is displayed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SurveyFormat {
    /// A small, in-corner survey.
    Small,
    /// A large, modal survey.
    Large,
    /// A format this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::SurveyFormat> for SurveyFormat {
    fn from(f: sdk::SurveyFormat) -> Self {
        match f {
            sdk::SurveyFormat::Small => Self::Small,
            sdk::SurveyFormat::Large => Self::Large,
            sdk::SurveyFormat::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// An intro or thank-you step.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SurveyStep {
    /// Title.
    pub title: Option<String>,
    /// Text.
    pub description: Option<String>,
    /// The button's label.
    pub button_text: Option<String>,
}

impl From<sdk::SurveyStep> for SurveyStep {
    fn from(s: sdk::SurveyStep) -> Self {
        Self {
            title: s.title,
            description: s.description,
            button_text: s.button_text,
        }
    }
}

/// When a survey is shown.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SurveyTrigger {
    /// As soon as it is eligible.
    Immediate,
    /// When the visitor visits a page.
    PageVisit {
        /// The page URL (or pattern).
        url: Option<String>,
        /// How the URL is matched (the server's wording).
        match_kind: Option<String>,
    },
    /// After some time on a page.
    TimeOnPage {
        /// The delay, in seconds.
        seconds: Option<f64>,
    },
    /// When an event is tracked (see `SurveysClient.watch_triggers`).
    Event {
        /// The event's name.
        name: String,
    },
    /// A trigger this SDK does not know yet.
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::SurveyTrigger> for SurveyTrigger {
    fn from(t: sdk::SurveyTrigger) -> Self {
        use sdk::SurveyTrigger as T;
        match t {
            T::Immediate => Self::Immediate,
            T::PageVisit { url, match_kind } => Self::PageVisit { url, match_kind },
            T::TimeOnPage { seconds } => Self::TimeOnPage { seconds },
            T::Event { name } => Self::Event { name },
            T::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SurveyQuestion {
    /// The question id (what `SurveyAnswer.question_id` names).
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

impl From<sdk::SurveyQuestion> for SurveyQuestion {
    fn from(q: sdk::SurveyQuestion) -> Self {
        Self {
            id: q.id,
            title: q.title,
            description: q.description,
            required: q.required,
            kind: q.kind.into(),
        }
    }
}

/// What kind of answer a question takes. Answers are checked against it before anything is
/// sent (`OpencomError.InvalidInput` with `field = "answers.<question id>"`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum QuestionKind {
    /// Net Promoter Score: a `Number` from 0 to 10.
    Nps,
    /// A `Number` from `min` to `max`.
    NumericScale {
        /// The lowest value.
        min: i64,
        /// The highest value.
        max: i64,
        /// The label of the lowest value.
        min_label: Option<String>,
        /// The label of the highest value.
        max_label: Option<String>,
    },
    /// A `Number` of stars from 1 to `max`.
    StarRating {
        /// The number of stars.
        max: i64,
        /// The label of the lowest rating.
        low_label: Option<String>,
        /// The label of the highest rating.
        high_label: Option<String>,
    },
    /// A `Number` from 1 to `count`.
    EmojiRating {
        /// The number of emojis.
        count: i64,
    },
    /// A `Choice` (or `Choices` when `allow_multiple`) from a dropdown.
    Dropdown {
        /// The choices.
        choices: Vec<String>,
        /// Whether several may be picked.
        allow_multiple: bool,
    },
    /// A one-line `Text`.
    ShortText {
        /// The placeholder.
        placeholder: Option<String>,
    },
    /// A multi-line `Text`.
    LongText {
        /// The placeholder.
        placeholder: Option<String>,
    },
    /// A `Choice` (or `Choices` when `allow_multiple`).
    MultipleChoice {
        /// The choices.
        choices: Vec<String>,
        /// Whether several may be picked.
        allow_multiple: bool,
    },
    /// A question kind this SDK does not know yet (any non-empty answer is sent as given).
    Other {
        /// The server's name for it.
        value: String,
    },
}

impl From<sdk::QuestionKind> for QuestionKind {
    fn from(k: sdk::QuestionKind) -> Self {
        use sdk::QuestionKind as K;
        match k {
            K::Nps => Self::Nps,
            K::NumericScale {
                min,
                max,
                min_label,
                max_label,
            } => Self::NumericScale {
                min,
                max,
                min_label,
                max_label,
            },
            K::StarRating {
                max,
                low_label,
                high_label,
            } => Self::StarRating {
                max,
                low_label,
                high_label,
            },
            K::EmojiRating { count } => Self::EmojiRating { count },
            K::Dropdown {
                choices,
                allow_multiple,
            } => Self::Dropdown {
                choices,
                allow_multiple,
            },
            K::ShortText { placeholder } => Self::ShortText { placeholder },
            K::LongText { placeholder } => Self::LongText { placeholder },
            K::MultipleChoice {
                choices,
                allow_multiple,
            } => Self::MultipleChoice {
                choices,
                allow_multiple,
            },
            K::Other(value) => Self::Other { value },
            other => Self::Other {
                value: format!("{other:?}"),
            },
        }
    }
}

/// What the visitor did with a survey (`SurveysClient.record`). Each is recorded at most once
/// per survey and session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SurveyImpression {
    /// It was shown.
    Shown,
    /// The visitor started answering.
    Started,
    /// The visitor finished it.
    Completed,
    /// The visitor closed it.
    Dismissed,
}

impl From<SurveyImpression> for sdk::SurveyImpression {
    fn from(i: SurveyImpression) -> Self {
        match i {
            SurveyImpression::Shown => Self::Shown,
            SurveyImpression::Started => Self::Started,
            SurveyImpression::Completed => Self::Completed,
            SurveyImpression::Dismissed => Self::Dismissed,
        }
    }
}

/// The answer to one question.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SurveyAnswer {
    /// The question's id.
    pub question_id: String,
    /// The answer.
    pub value: AnswerValue,
}

impl From<SurveyAnswer> for sdk::SurveyAnswer {
    fn from(a: SurveyAnswer) -> Self {
        sdk::SurveyAnswer::new(a.question_id, a.value.into())
    }
}

/// An answer's value; which one a question takes is in its [`QuestionKind`].
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AnswerValue {
    /// A whole number (ratings and scales).
    Number {
        /// The value.
        value: i64,
    },
    /// A text.
    Text {
        /// The value.
        value: String,
    },
    /// One choice.
    Choice {
        /// The value.
        value: String,
    },
    /// Several choices.
    Choices {
        /// The values.
        values: Vec<String>,
    },
}

impl From<AnswerValue> for sdk::AnswerValue {
    fn from(v: AnswerValue) -> Self {
        match v {
            AnswerValue::Number { value } => Self::Number(value),
            AnswerValue::Text { value } => Self::Text(value),
            AnswerValue::Choice { value } => Self::Choice(value),
            AnswerValue::Choices { values } => Self::Choices(values),
        }
    }
}

/// Receives the active surveys (`SurveysClient.watch_active`). Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait SurveysListener: Send + Sync {
    /// The whole list. `from_cache` is true for the offline snapshot; `via` says how this
    /// value arrived.
    fn on_surveys(&self, surveys: Vec<Survey>, from_cache: bool, via: Delivery);
    /// A failure; the subscription goes on (and retries).
    fn on_error(&self, error: OpencomError);
}

/// Receives the surveys triggered by events this client tracks
/// (`SurveysClient.watch_triggers`). Called from SDK threads.
#[uniffi::export(with_foreign)]
pub trait SurveyTriggerListener: Send + Sync {
    /// An active survey whose event trigger matches an event just tracked: show it.
    fn on_survey_triggered(&self, survey: Survey);
}

/// The core surveys a client handed to the host, by id. The core's `submit` validates the
/// answers against a whole core `Survey`, which cannot be built from the host's record: the
/// binding keeps the last one it converted for each id (shared by every `SurveysClient` of an
/// `OpencomClient`).
#[derive(Debug, Clone, Default)]
pub(crate) struct SurveyCache(Arc<Mutex<HashMap<String, sdk::Survey>>>);

impl SurveyCache {
    /// Remembers the core surveys and converts them for the host.
    fn keep(&self, surveys: Vec<sdk::Survey>) -> Vec<Survey> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for survey in &surveys {
            map.insert(survey.id.clone(), survey.clone());
        }
        list(surveys)
    }

    fn get(&self, id: &str) -> Option<sdk::Survey> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }
}

/// Surveys: `client.surveys()`.
#[derive(Debug, uniffi::Object)]
pub struct SurveysClient {
    client: sdk::Opencom,
    seen: SurveyCache,
}

#[uniffi::export]
impl SurveysClient {
    /// The surveys active for this visitor.
    pub async fn active(&self) -> Result<Vec<Survey>, OpencomError> {
        let (c, seen) = (self.client.clone(), self.seen.clone());
        run(async move { c.surveys().active().await.map(|s| seen.keep(s)) }).await
    }

    /// The active surveys, live: the cached list first, then every change. Cancel (or drop)
    /// the subscription to stop.
    pub fn watch_active(
        &self,
        listener: Arc<dyn SurveysListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.surveys().watch_active()?;
        let errors = Arc::clone(&listener);
        let seen = self.seen.clone();
        pump_snapshots(
            stream,
            move |surveys, from_cache, via| {
                listener.on_surveys(seen.keep(surveys), from_cache, via)
            },
            move |error| errors.on_error(error),
        )
    }

    /// Records what the visitor did with a survey; each action is sent at most once per
    /// survey and session (repeats succeed without a call).
    pub async fn record(
        &self,
        survey_id: String,
        action: SurveyImpression,
    ) -> Result<(), OpencomError> {
        let c = self.client.clone();
        run(async move { c.surveys().record(&survey_id, action.into()).await }).await
    }

    /// Submits answers to a survey this client delivered (`complete` = the visitor finished)
    /// and returns the response id. The answers are checked first against the survey as this
    /// client last received it (range, choices, required questions when `complete`): a bad one
    /// fails with `InvalidInput` (`field = "answers.<question id>"`) and nothing is sent. A
    /// survey this client never delivered is looked up among the active ones (`NotFound` when
    /// it is not there).
    pub async fn submit(
        &self,
        survey: Survey,
        answers: Vec<SurveyAnswer>,
        complete: bool,
    ) -> Result<String, OpencomError> {
        let (c, seen) = (self.client.clone(), self.seen.clone());
        run(async move {
            let surveys = c.surveys();
            let known = match seen.get(&survey.id) {
                Some(known) => known,
                None => {
                    seen.keep(surveys.active().await?);
                    seen.get(&survey.id).ok_or_else(|| sdk::Error::NotFound {
                        message: format!("survey {} is not active for this visitor", survey.id),
                    })?
                }
            };
            surveys.submit(&known, list(answers), complete).await
        })
        .await
    }

    /// The active surveys triggered by events this client tracks from now on (an `Event`
    /// trigger naming the event). Cancel (or drop) the subscription to stop.
    pub fn watch_triggers(
        &self,
        listener: Arc<dyn SurveyTriggerListener>,
    ) -> Result<Arc<Subscription>, OpencomError> {
        let _runtime = enter()?;
        let stream = self.client.surveys().triggers()?;
        let seen = self.seen.clone();
        pump(stream, move |survey: sdk::Survey| {
            for survey in seen.keep(vec![survey]) {
                listener.on_survey_triggered(survey);
            }
        })
    }
}

#[uniffi::export]
impl OpencomClient {
    /// Surveys.
    pub fn surveys(&self) -> Arc<SurveysClient> {
        Arc::new(SurveysClient {
            client: self.core().clone(),
            seen: self.survey_cache().clone(),
        })
    }
}
