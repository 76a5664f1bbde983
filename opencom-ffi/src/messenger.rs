//! Messenger configuration: `client.messenger()`. Free-form documents are passed as JSON text.

use opencom_sdk as sdk;

use crate::error::OpencomError;
use crate::runtime::run;
use crate::types::{list, Discovery};

/// The messenger's look and texts.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MessengerSettings {
    /// Brand colour, e.g. `#792cd4`.
    pub primary_color: String,
    /// Background colour.
    pub background_color: String,
    /// `light`, `dark` or `system`.
    pub theme_mode: String,
    /// `right` or `left`.
    pub launcher_position: String,
    /// Whether to show the launcher.
    pub show_launcher: bool,
    /// The welcome text.
    pub welcome_message: String,
    /// Languages offered.
    pub supported_languages: Vec<String>,
    /// Default language.
    pub default_language: String,
    /// Whether the messenger is enabled for mobile apps.
    pub mobile_enabled: bool,
    /// Logo URL.
    pub logo: Option<String>,
    /// Privacy policy URL.
    pub privacy_policy_url: Option<String>,
    /// The whole document as JSON, for fields this type does not name.
    pub raw_json: String,
}

impl From<sdk::MessengerSettings> for MessengerSettings {
    fn from(s: sdk::MessengerSettings) -> Self {
        Self {
            primary_color: s.primary_color,
            background_color: s.background_color,
            theme_mode: s.theme_mode,
            launcher_position: s.launcher_position,
            show_launcher: s.show_launcher,
            welcome_message: s.welcome_message,
            supported_languages: s.supported_languages,
            default_language: s.default_language,
            mobile_enabled: s.mobile_enabled,
            logo: s.logo,
            privacy_policy_url: s.privacy_policy_url,
            raw_json: s.raw.to_string(),
        }
    }
}

/// Office hours right now.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OfficeHours {
    /// Whether the team is in.
    pub is_open: bool,
    /// The text to show when it is not.
    pub offline_message: Option<String>,
    /// Typical reply time in minutes.
    pub expected_reply_time_minutes: Option<f64>,
}

impl From<sdk::OfficeHours> for OfficeHours {
    fn from(o: sdk::OfficeHours) -> Self {
        Self {
            is_open: o.is_open,
            offline_message: o.offline_message,
            expected_reply_time_minutes: o.expected_reply_time_minutes,
        }
    }
}

/// Workspace automation switches.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AutomationSettings {
    /// Suggest articles while typing.
    pub suggest_articles_enabled: bool,
    /// Show the expected reply time.
    pub show_reply_time_enabled: bool,
    /// Ask anonymous visitors for an email.
    pub collect_email_enabled: bool,
    /// Ask for a rating when a conversation closes.
    pub ask_for_rating_enabled: bool,
}

impl From<sdk::AutomationSettings> for AutomationSettings {
    fn from(a: sdk::AutomationSettings) -> Self {
        Self {
            suggest_articles_enabled: a.suggest_articles_enabled,
            show_reply_time_enabled: a.show_reply_time_enabled,
            collect_email_enabled: a.collect_email_enabled,
            ask_for_rating_enabled: a.ask_for_rating_enabled,
        }
    }
}

/// A quick-start button on the messenger home.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CommonIssueButton {
    /// Opaque id.
    pub id: String,
    /// Label.
    pub label: String,
    /// `article` or `start_conversation`.
    pub action: String,
    /// The article to open.
    pub article_id: Option<String>,
    /// The text to start a conversation with.
    pub conversation_starter: Option<String>,
}

impl From<sdk::CommonIssueButton> for CommonIssueButton {
    fn from(b: sdk::CommonIssueButton) -> Self {
        Self {
            id: b.id,
            label: b.label,
            action: b.action,
            article_id: b.article_id,
            conversation_starter: b.conversation_starter,
        }
    }
}

/// Messenger configuration: `client.messenger()`. Configuration is cached for a few minutes
/// and a stale copy is used when the network fails.
#[derive(Debug, uniffi::Object)]
pub struct MessengerClient {
    pub(crate) client: sdk::Opencom,
}

#[uniffi::export]
impl MessengerClient {
    /// Look and texts.
    pub async fn settings(&self) -> Result<MessengerSettings, OpencomError> {
        let c = self.client.clone();
        run(async move { c.messenger().settings().await }).await
    }

    /// The home screen's cards and tabs for this audience, as JSON.
    pub async fn home_config(&self, is_identified: bool) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let value = c.messenger().home_config(is_identified).await?;
            Ok(value.to_string())
        })
        .await
    }

    /// Whether the team is in now.
    pub async fn office_hours(&self) -> Result<OfficeHours, OpencomError> {
        let c = self.client.clone();
        run(async move { c.messenger().office_hours().await }).await
    }

    /// A human text such as "2 hours", or `None` when not configured.
    pub async fn expected_reply_time(&self) -> Result<Option<String>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.messenger().expected_reply_time().await }).await
    }

    /// Automation switches.
    pub async fn automation_settings(&self) -> Result<AutomationSettings, OpencomError> {
        let c = self.client.clone();
        run(async move { c.messenger().automation_settings().await }).await
    }

    /// The AI agent's public settings, as JSON.
    pub async fn ai_settings(&self) -> Result<String, OpencomError> {
        let c = self.client.clone();
        run(async move {
            let value = c.messenger().ai_settings().await?;
            Ok(value.to_string())
        })
        .await
    }

    /// Quick-start buttons.
    pub async fn common_issue_buttons(&self) -> Result<Vec<CommonIssueButton>, OpencomError> {
        let c = self.client.clone();
        run(async move { c.messenger().common_issue_buttons().await.map(list) }).await
    }

    /// The discovery document, validated as Opencom's own validator does.
    pub async fn discovery(&self) -> Result<Discovery, OpencomError> {
        let c = self.client.clone();
        run(async move { c.messenger().discovery().await }).await
    }
}
