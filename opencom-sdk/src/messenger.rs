//! Messenger configuration fetched at start-up, cached with a TTL (in memory and in storage)
//! so the messenger opens without waiting and still opens offline.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::context::Context;
use crate::discovery::Discovery;
use crate::error::{Error, Result};
use crate::wire::visitor::messenger_settings::{GetPublicHomeConfig, GetPublicSettings};
use crate::wire::visitor::office_hours::{GetExpectedReplyTime, IsCurrentlyOpen};
use crate::wire::visitor::{ai_agent, automation_settings, common_issue_buttons};
use crate::wire::{self, Call};

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
    /// Calls `args`' function unless a fresh copy of its answer is cached; on failure falls
    /// back to a stale copy (memory, then storage) before reporting the error. Returns the
    /// decoded answer and the document it came from. A malformed answer is a decode error and is
    /// never cached.
    async fn cached<C: Call>(&self, args: &C, key: &str) -> Result<(C::Output, Value)> {
        let ctx = self.ctx;
        let now = ctx.services.clock.now_ms();
        let storage_key = format!("{}config/{key}", ctx.config.storage_namespace());
        let decode = |value: Value| {
            wire::decode::<C::Output>(C::FUNCTION, value.clone()).map(|out| (out, value))
        };
        let fresh = self.cache.values.lock().ok().and_then(|values| {
            values
                .get(key)
                .filter(|(at, _)| now - at < CONFIG_TTL_MS)
                .map(|(_, value)| value.clone())
        });
        if let Some(value) = fresh {
            return decode(value);
        }
        match ctx.transport.call(C::FUNCTION, args).await {
            Ok(value) => {
                let decoded = decode(value)?;
                if let Ok(mut values) = self.cache.values.lock() {
                    values.insert(key.to_owned(), (now, decoded.1.clone()));
                }
                if let Ok(json) = serde_json::to_string(&decoded.1) {
                    if let Err(e) = ctx.services.storage.set(&storage_key, &json).await {
                        tracing::debug!(error = %e, "could not cache configuration");
                    }
                }
                Ok(decoded)
            }
            Err(e) => {
                let stale = self
                    .cache
                    .values
                    .lock()
                    .ok()
                    .and_then(|v| v.get(key).map(|(_, value)| value.clone()));
                if let Some(Ok(decoded)) = stale.map(decode) {
                    return Ok(decoded);
                }
                if let Ok(Some(raw)) = ctx.services.storage.get(&storage_key).await {
                    if let Ok(Ok(decoded)) = serde_json::from_str(&raw).map(decode) {
                        return Ok(decoded);
                    }
                }
                Err(e.into())
            }
        }
    }

    fn workspace_id(&self) -> &str {
        &self.ctx.config.workspace_id
    }

    /// Look and texts.
    pub async fn settings(&self) -> Result<MessengerSettings> {
        let args = GetPublicSettings {
            workspace_id: self.workspace_id(),
        };
        let (s, raw) = self.cached(&args, "settings").await?;
        Ok(MessengerSettings {
            primary_color: s.primary_color,
            background_color: s.background_color,
            theme_mode: s.theme_mode,
            launcher_position: s.launcher_position,
            show_launcher: s.show_launcher,
            welcome_message: s.welcome_message,
            supported_languages: match s.supported_languages {
                languages if languages.is_empty() => vec!["en".into()],
                languages => languages,
            },
            default_language: s.default_language,
            mobile_enabled: s.mobile_enabled,
            logo: s.logo,
            privacy_policy_url: s.privacy_policy_url,
            raw,
        })
    }

    /// The home screen's cards and tabs for this audience (`getPublicHomeConfig`), as JSON.
    pub async fn home_config(&self, is_identified: bool) -> Result<Value> {
        let args = GetPublicHomeConfig {
            workspace_id: self.workspace_id(),
            is_identified: Some(is_identified),
        };
        let key = if is_identified {
            "home/identified"
        } else {
            "home/anonymous"
        };
        Ok(self.cached(&args, key).await?.1)
    }

    /// Whether the team is in now. Not cached: it changes with the clock.
    pub async fn office_hours(&self) -> Result<OfficeHours> {
        let args = IsCurrentlyOpen {
            workspace_id: self.workspace_id(),
            now_ms: None,
        };
        let value = self
            .ctx
            .transport
            .call(IsCurrentlyOpen::FUNCTION, &args)
            .await?;
        let open =
            wire::decode::<<IsCurrentlyOpen as Call>::Output>(IsCurrentlyOpen::FUNCTION, value)?;
        Ok(OfficeHours {
            is_open: open.is_open,
            offline_message: open.offline_message,
            expected_reply_time_minutes: open.expected_reply_time_minutes,
        })
    }

    /// A human text such as "2 hours", or `None` when not configured.
    pub async fn expected_reply_time(&self) -> Result<Option<String>> {
        let args = GetExpectedReplyTime {
            workspace_id: self.workspace_id(),
        };
        Ok(self.cached(&args, "reply-time").await?.0)
    }

    /// Automation switches (never the agent-only `automationSettings:get`).
    pub async fn automation_settings(&self) -> Result<AutomationSettings> {
        let args = automation_settings::GetOrCreate {
            workspace_id: self.workspace_id(),
        };
        let (s, _) = self.cached(&args, "automation").await?;
        Ok(AutomationSettings {
            suggest_articles_enabled: s.suggest_articles_enabled,
            show_reply_time_enabled: s.show_reply_time_enabled,
            collect_email_enabled: s.collect_email_enabled,
            ask_for_rating_enabled: s.ask_for_rating_enabled,
        })
    }

    /// The AI agent's public settings (`aiAgent:getPublicSettings`), as JSON.
    pub async fn ai_settings(&self) -> Result<Value> {
        let args = ai_agent::GetPublicSettings {
            workspace_id: self.workspace_id(),
        };
        Ok(self.cached(&args, "ai").await?.1)
    }

    /// Quick-start buttons.
    pub async fn common_issue_buttons(&self) -> Result<Vec<CommonIssueButton>> {
        let args = common_issue_buttons::List {
            workspace_id: self.workspace_id(),
        };
        let (buttons, _) = self.cached(&args, "buttons").await?;
        Ok(buttons
            .into_iter()
            .map(|b| CommonIssueButton {
                id: b.id,
                label: b.label,
                action: b.action,
                article_id: b.article_id,
                conversation_starter: b.conversation_starter,
            })
            .collect())
    }

    /// The discovery document, validated as Opencom's own validator does: `version`, `name` and
    /// `convexUrl` present (a missing one is already a decode error) and not empty, and
    /// `convexUrl` https (plain http only on localhost).
    pub async fn discovery(&self) -> Result<Discovery> {
        let discovery = crate::discovery::discover(self.ctx).await?;
        let empty = [
            ("version", discovery.version.is_empty()),
            ("name", discovery.name.is_empty()),
            ("convexUrl", discovery.convex_url.is_empty()),
        ];
        if let Some((field, _)) = empty.iter().find(|(_, empty)| *empty) {
            return Err(Error::Decode {
                message: format!("discovery document with an empty `{field}`"),
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
