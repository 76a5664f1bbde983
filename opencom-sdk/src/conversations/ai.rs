//! AI replies are triggered by the client, as Opencom's web widget does: after a visitor message,
//! call `aiAgentActions:generateResponse` when `aiAgent:getPublicSettings` does not say
//! `enabled: false`. It runs in the background and never blocks or fails a send.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::outbox::OutboxItem;
use crate::context::Context;
use crate::wire::functions as fns;

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
    let mut args = Map::new();
    args.insert("workspaceId".into(), json!(ctx.config.workspace_id));
    let enabled = match ctx.transport.call(fns::AI_PUBLIC_SETTINGS, &args).await {
        Ok(settings) => settings.get("enabled").and_then(Value::as_bool) != Some(false),
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
        let workspace_id = ctx.config.workspace_id.clone();
        let result = ctx
            .session
            .call(fns::AI_GENERATE_RESPONSE, |c| {
                let mut args = c.workspace_args(&workspace_id);
                args.insert("conversationId".into(), json!(conversation_id));
                args.insert("query".into(), json!(query));
                args
            })
            .await;
        if let Err(e) = result {
            tracing::debug!(error = %e, "AI reply request failed");
        }
    });
}
