//! AI replies are triggered by the client, as Opencom's web widget does: after a visitor message,
//! call `aiAgentActions:generateResponse` when `aiAgent:getPublicSettings` does not say
//! `enabled: false`. It runs in the background and never blocks or fails a send.

use std::sync::Arc;

use super::outbox::OutboxItem;
use crate::context::Context;
use crate::wire::visitor::ai_agent::{GenerateResponse, GetPublicSettings, PublicSettings};
use crate::wire::{self, Call};

/// How long the AI settings are trusted before asking again.
const SETTINGS_TTL_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Cached `aiAgent:getPublicSettings().enabled`.
#[derive(Debug, Default)]
pub(crate) struct AiSettingsCache {
    enabled: std::sync::Mutex<Option<(f64, bool)>>,
}

/// Whether an AI reply should follow a visitor message sent now (cached settings).
pub(crate) async fn ai_enabled(ctx: &Context, cache: &AiSettingsCache) -> bool {
    if !ctx.config.ai_replies {
        return false;
    }
    let now = ctx.services.clock.now_ms();
    if let Ok(cached) = cache.enabled.lock() {
        if let Some((at, enabled)) = *cached {
            if now - at < SETTINGS_TTL_MS {
                return enabled;
            }
        }
    }
    let args = GetPublicSettings {
        workspace_id: &ctx.config.workspace_id,
    };
    let settings = match ctx.transport.call(GetPublicSettings::FUNCTION, &args).await {
        Ok(value) => wire::decode::<PublicSettings>(GetPublicSettings::FUNCTION, value),
        Err(e) => Err(e.into()),
    };
    let enabled = match settings {
        Ok(settings) => settings.enabled,
        Err(e) => {
            tracing::debug!(error = %e, "could not read the AI settings");
            return false;
        }
    };
    if let Ok(mut cached) = cache.enabled.lock() {
        *cached = Some((now, enabled));
    }
    enabled
}

/// Fire-and-forget AI reply request after a visitor message reached the server. `wanted` is
/// the decision taken when the message was sent (the setting may change afterwards).
pub(crate) fn after_visitor_message(ctx: &Arc<Context>, item: &OutboxItem, wanted: bool) {
    if !wanted || item.content.trim().is_empty() {
        return;
    }
    let weak = Arc::downgrade(ctx);
    let conversation_id = item.conversation_id.clone();
    let query = item.content.clone();
    tokio::spawn(async move {
        let Some(ctx) = weak.upgrade() else { return };
        let workspace_id = &ctx.config.workspace_id;
        let result = ctx
            .session
            .request(|c| GenerateResponse {
                auth: c.workspace(workspace_id),
                conversation_id: &conversation_id,
                query: &query,
            })
            .await;
        if let Err(e) = result {
            tracing::debug!(error = %e, "AI reply request failed");
        }
    });
}
