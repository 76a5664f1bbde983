//! Messenger configuration fetched at start-up, cached with a TTL (in memory and in storage)
//! so the messenger opens without waiting and still opens offline.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use crate::context::Context;
use crate::discovery::Discovery;
use crate::doc::{flag, strings, text};
use crate::error::{Error, Result};
use crate::transport::Function;
use crate::wire::functions as fns;

/// How long configuration is trusted before it is fetched again.
pub const CONFIG_TTL_MS: f64 = 5.0 * 60.0 * 1000.0;

/// The in-memory half of the configuration cache.
#[derive(Debug, Default)]
pub(crate) struct ConfigCache {
    values: Mutex<HashMap<String, (f64, Value)>>,
}

impl ConfigCache {
    /// Forgets everything (logout: the home config depends on who is identified).
    pub(crate) fn clear(&self) {
        if let Ok(mut values) = self.values.lock() {
            values.clear();
        }
    }
}

/// The messenger's look and texts (`messengerSettings:getPublicSettings`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// The whole document, for fields this type does not name.
    pub raw: Value,
}

/// Office hours right now (`officeHours:isCurrentlyOpen`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OfficeHours {
    /// Whether the team is in.
    pub is_open: bool,
    /// The text to show when it is not.
    pub offline_message: Option<String>,
    /// Typical reply time in minutes.
    pub expected_reply_time_minutes: Option<f64>,
}

/// Workspace automation switches (the public `automationSettings:getOrCreate`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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

/// A quick-start button on the messenger home (`commonIssueButtons:list`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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

/// Messenger configuration: `client.messenger()`.
#[derive(Clone, Copy)]
pub struct MessengerClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
    /// This domain's state (the configuration cache), owned by the facade.
    pub(crate) cache: &'a ConfigCache,
}

impl MessengerClient<'_> {
    /// Fetches `function` for the workspace unless a fresh copy is cached; on failure falls back
    /// to a stale copy (memory, then storage) before reporting the error.
    async fn cached(
        &self,
        function: Function,
        extra: Map<String, Value>,
        key: &str,
    ) -> Result<Value> {
        let ctx = self.ctx;
        let now = ctx.services.clock.now_ms();
        let storage_key = format!("{}config/{key}", ctx.config.storage_namespace());
        if let Ok(values) = self.cache.values.lock() {
            if let Some((at, value)) = values.get(key) {
                if now - at < CONFIG_TTL_MS {
                    return Ok(value.clone());
                }
            }
        }
        let mut args = Map::new();
        args.insert("workspaceId".into(), json!(ctx.config.workspace_id));
        args.extend(extra);
        match ctx.transport.call(function, &args).await {
            Ok(value) => {
                if let Ok(mut values) = self.cache.values.lock() {
                    values.insert(key.to_owned(), (now, value.clone()));
                }
                if let Ok(json) = serde_json::to_string(&value) {
                    if let Err(e) = ctx.services.storage.set(&storage_key, &json).await {
                        tracing::debug!(error = %e, "could not cache configuration");
                    }
                }
                Ok(value)
            }
            Err(e) => {
                let stale = self
                    .cache
                    .values
                    .lock()
                    .ok()
                    .and_then(|v| v.get(key).map(|(_, value)| value.clone()));
                if let Some(value) = stale {
                    return Ok(value);
                }
                if let Ok(Some(raw)) = ctx.services.storage.get(&storage_key).await {
                    if let Ok(value) = serde_json::from_str(&raw) {
                        return Ok(value);
                    }
                }
                Err(e.into())
            }
        }
    }

    /// Look and texts.
    pub async fn settings(&self) -> Result<MessengerSettings> {
        let v = self
            .cached(fns::MESSENGER_SETTINGS, Map::new(), "settings")
            .await?;
        Ok(MessengerSettings {
            primary_color: text(&v, "primaryColor").unwrap_or_else(|| "#792cd4".into()),
            background_color: text(&v, "backgroundColor").unwrap_or_else(|| "#792cd4".into()),
            theme_mode: text(&v, "themeMode").unwrap_or_else(|| "system".into()),
            launcher_position: text(&v, "launcherPosition").unwrap_or_else(|| "right".into()),
            show_launcher: flag(&v, "showLauncher", true),
            welcome_message: text(&v, "welcomeMessage").unwrap_or_default(),
            supported_languages: match strings(&v, "supportedLanguages") {
                languages if languages.is_empty() => vec!["en".into()],
                languages => languages,
            },
            default_language: text(&v, "defaultLanguage").unwrap_or_else(|| "en".into()),
            mobile_enabled: flag(&v, "mobileEnabled", true),
            logo: text(&v, "logo"),
            privacy_policy_url: text(&v, "privacyPolicyUrl"),
            raw: v,
        })
    }

    /// The home screen's cards and tabs for this audience (`getPublicHomeConfig`), as JSON.
    pub async fn home_config(&self, is_identified: bool) -> Result<Value> {
        let mut extra = Map::new();
        extra.insert("isIdentified".into(), json!(is_identified));
        let key = if is_identified {
            "home/identified"
        } else {
            "home/anonymous"
        };
        self.cached(fns::HOME_CONFIG, extra, key).await
    }

    /// Whether the team is in now. Not cached: it changes with the clock.
    pub async fn office_hours(&self) -> Result<OfficeHours> {
        let mut args = Map::new();
        args.insert("workspaceId".into(), json!(self.ctx.config.workspace_id));
        let v = self
            .ctx
            .transport
            .call(fns::OFFICE_HOURS_OPEN, &args)
            .await?;
        Ok(OfficeHours {
            is_open: flag(&v, "isOpen", true),
            offline_message: text(&v, "offlineMessage"),
            expected_reply_time_minutes: v.get("expectedReplyTimeMinutes").and_then(Value::as_f64),
        })
    }

    /// A human text such as "2 hours", or `None` when not configured.
    pub async fn expected_reply_time(&self) -> Result<Option<String>> {
        let v = self
            .cached(fns::EXPECTED_REPLY_TIME, Map::new(), "reply-time")
            .await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// Automation switches (never the agent-only `automationSettings:get`).
    pub async fn automation_settings(&self) -> Result<AutomationSettings> {
        let v = self
            .cached(fns::AUTOMATION_SETTINGS, Map::new(), "automation")
            .await?;
        Ok(AutomationSettings {
            suggest_articles_enabled: flag(&v, "suggestArticlesEnabled", false),
            show_reply_time_enabled: flag(&v, "showReplyTimeEnabled", false),
            collect_email_enabled: flag(&v, "collectEmailEnabled", true),
            ask_for_rating_enabled: flag(&v, "askForRatingEnabled", false),
        })
    }

    /// The AI agent's public settings (`aiAgent:getPublicSettings`), as JSON.
    pub async fn ai_settings(&self) -> Result<Value> {
        self.cached(fns::AI_PUBLIC_SETTINGS, Map::new(), "ai").await
    }

    /// Quick-start buttons.
    pub async fn common_issue_buttons(&self) -> Result<Vec<CommonIssueButton>> {
        let v = self
            .cached(fns::COMMON_ISSUE_BUTTONS, Map::new(), "buttons")
            .await?;
        Ok(v.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|b| {
                        Some(CommonIssueButton {
                            id: text(b, "_id")?,
                            label: text(b, "label").unwrap_or_default(),
                            action: text(b, "action").unwrap_or_default(),
                            article_id: text(b, "articleId"),
                            conversation_starter: text(b, "conversationStarter"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The discovery document, validated as Opencom's own validator does: `version`, `name` and
    /// `convexUrl` present, and `convexUrl` https (plain http only on localhost).
    pub async fn discovery(&self) -> Result<Discovery> {
        let discovery = crate::discovery::discover(self.ctx).await?;
        let missing = [
            ("version", discovery.version.is_empty()),
            ("name", discovery.name.is_empty()),
            ("convexUrl", discovery.convex_url.is_empty()),
        ];
        if let Some((field, _)) = missing.iter().find(|(_, empty)| *empty) {
            return Err(Error::Decode {
                message: format!("discovery document without `{field}`"),
            });
        }
        crate::config::parse_base_url(&discovery.convex_url, "deployment").map_err(|e| {
            Error::Decode {
                message: format!("discovery document has an unusable convexUrl: {e}"),
            }
        })?;
        Ok(discovery)
    }
}
