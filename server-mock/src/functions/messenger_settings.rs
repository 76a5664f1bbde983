//! `messengerSettings.ts`, the public reads (CONTRACT §12): `getPublicSettings` and
//! `getPublicHomeConfig`, with Opencom's defaults (`@opencom/types`). Settings are stored with
//! the control API ([`ServerMock::set_messenger_settings`](crate::ServerMock::set_messenger_settings)).

use serde_json::{json, Map, Value};

use crate::convex::FnResult;
use crate::db::{Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;
use crate::validator::Validator;

const VISIBILITY: &[&str] = &["all", "visitors", "users"];
const TAB_ORDER: [&str; 6] = ["home", "messages", "help", "tours", "tasks", "tickets"];

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "messengerSettings:getPublicSettings",
        object(vec![req("workspaceId", id("workspaces"))]),
        get_public_settings,
    );
    r.query(
        "messengerSettings:getPublicHomeConfig",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("isIdentified", boolean()),
        ]),
        get_public_home_config,
    );
}

/// `DEFAULT_PUBLIC_MESSENGER_SETTINGS`.
pub(crate) fn default_public_settings() -> Map<String, Value> {
    let value = json!({
        "primaryColor": "#792cd4",
        "backgroundColor": "#792cd4",
        "themeMode": "system",
        "launcherPosition": "right",
        "launcherSideSpacing": 20,
        "launcherBottomSpacing": 20,
        "showLauncher": true,
        "welcomeMessage": "Hi there! How can we help you today?",
        "teamIntroduction": null,
        "showTeammateAvatars": true,
        "supportedLanguages": ["en"],
        "defaultLanguage": "en",
        "mobileEnabled": true,
        "logo": null,
        "launcherIconUrl": null,
        "privacyPolicyUrl": null,
        "launcherAudienceRules": null,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The fields the control API may store (those of `messengerSettings:upsert`, plus `logo` and
/// `homeConfig`).
pub(crate) fn settings_validator() -> Validator {
    let nullable_string = || union(vec![string(), null()]);
    let home_card = object(vec![
        req("id", string()),
        req(
            "type",
            literals(&[
                "welcome",
                "search",
                "conversations",
                "startConversation",
                "featuredArticles",
                "announcements",
            ]),
        ),
        opt("config", record(any())),
        req("visibleTo", literals(VISIBILITY)),
    ]);
    let home_tab = object(vec![
        req("id", literals(&TAB_ORDER)),
        req("enabled", boolean()),
        req("visibleTo", literals(VISIBILITY)),
    ]);
    object(vec![
        opt("primaryColor", string()),
        opt("backgroundColor", string()),
        opt("themeMode", literals(&["light", "dark", "system"])),
        opt("launcherPosition", literals(&["right", "left"])),
        opt("launcherSideSpacing", number()),
        opt("launcherBottomSpacing", number()),
        opt("launcherIconUrl", nullable_string()),
        opt("showLauncher", boolean()),
        opt("launcherAudienceRules", any()),
        opt("welcomeMessage", string()),
        opt("teamIntroduction", nullable_string()),
        opt("showTeammateAvatars", boolean()),
        opt("supportedLanguages", array(string())),
        opt("defaultLanguage", string()),
        opt("privacyPolicyUrl", nullable_string()),
        opt("mobileEnabled", boolean()),
        opt("logo", string()),
        opt(
            "homeConfig",
            object(vec![
                req("enabled", boolean()),
                req("cards", array(home_card)),
                req("defaultSpace", literals(&["home", "messages", "help"])),
                opt("launchDirectlyToConversation", boolean()),
                opt("tabs", array(home_tab)),
            ]),
        ),
    ])
}

/// The workspace's stored settings row.
pub(crate) fn stored(db: &Db, workspace_id: &str) -> Option<Doc> {
    db.find("messengerSettings", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    })
    .cloned()
}

/// `normalizePublicMessengerSettings`: each field from the row unless it is absent or null.
fn get_public_settings(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let mut out = default_public_settings();
    if let Some(settings) = stored(ctx.db, workspace_id) {
        for (key, default) in out.iter_mut() {
            let value = if key == "logo" {
                // `resolveMessengerLogoUrl`: an uploaded logo wins over a stored URL.
                settings
                    .str_field("logoStorageId")
                    .filter(|id| ctx.db.get(id).is_some())
                    .map(|id| json!(format!("{}/api/storage/{id}", ctx.url)))
                    .or_else(|| settings.get("logo").cloned())
            } else {
                settings.get(key.as_str()).cloned()
            };
            if let Some(value) = value.filter(|v| !v.is_null()) {
                *default = value;
            }
        }
    }
    Ok(Value::Object(out))
}

/// `getDefaultHomeConfig`.
fn default_home_config() -> Value {
    json!({
        "enabled": true,
        "cards": [
            {"id": "welcome-1", "type": "welcome", "visibleTo": "all"},
            {"id": "search-1", "type": "search", "visibleTo": "all"},
            {"id": "conversations-1", "type": "conversations", "visibleTo": "all"},
            {"id": "startConversation-1", "type": "startConversation", "visibleTo": "all"},
        ],
        "defaultSpace": "home",
        "launchDirectlyToConversation": false,
    })
}

/// `normalizeHomeTabs`: every tab in the fixed order; `messages` always on for all; the
/// others as configured, else on for all.
fn normalize_tabs(tabs: Option<&Vec<Value>>) -> Vec<Value> {
    TAB_ORDER
        .iter()
        .map(|id| {
            let configured = tabs
                .filter(|_| *id != "messages")
                .and_then(|tabs| tabs.iter().find(|t| t["id"] == *id));
            match configured {
                Some(tab) => {
                    json!({"id": id, "enabled": tab["enabled"], "visibleTo": tab["visibleTo"]})
                }
                None => json!({"id": id, "enabled": true, "visibleTo": "all"}),
            }
        })
        .collect()
}

/// `isVisibleToAudience`.
fn visible_to(visible_to: &Value, identified: bool) -> bool {
    match visible_to.as_str() {
        Some("all") => true,
        Some("users") => identified,
        _ => !identified,
    }
}

/// `resolveDefaultHomeSpace`.
fn default_space(wanted: &str, tabs: &[Value], home_enabled: bool) -> &'static str {
    let has = |id: &str| tabs.iter().any(|t| t["id"] == id);
    if wanted == "home" && home_enabled && has("home") {
        "home"
    } else if wanted == "help" && has("help") {
        "help"
    } else if has("messages") {
        "messages"
    } else if home_enabled && has("home") {
        "home"
    } else {
        "help"
    }
}

/// `buildPublicHomeConfig` of the normalised stored (or default) home configuration.
fn get_public_home_config(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let identified = args.bool_field("isIdentified").unwrap_or(false);
    let config = stored(ctx.db, workspace_id)
        .and_then(|s| s.get("homeConfig").cloned())
        .filter(Value::is_object)
        .unwrap_or_else(default_home_config);
    let enabled = config["enabled"].as_bool().unwrap_or(false);
    let launch_directly = config["launchDirectlyToConversation"]
        .as_bool()
        .unwrap_or(false);
    let tabs: Vec<Value> = normalize_tabs(config["tabs"].as_array())
        .into_iter()
        .filter(|t| {
            t["enabled"] == Value::Bool(true)
                && visible_to(&t["visibleTo"], identified)
                && (t["id"] != "home" || enabled)
        })
        .collect();
    let space = default_space(
        config["defaultSpace"].as_str().unwrap_or("home"),
        &tabs,
        enabled,
    );
    let cards: Vec<Value> = if enabled {
        config["cards"]
            .as_array()
            .map(|cards| {
                cards
                    .iter()
                    .filter(|c| visible_to(&c["visibleTo"], identified))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(json!({
        "enabled": enabled,
        "defaultSpace": space,
        "launchDirectlyToConversation": launch_directly,
        "cards": cards,
        "tabs": tabs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_are_normalised_and_messages_stays_on() {
        let configured = vec![
            json!({"id": "messages", "enabled": false, "visibleTo": "users"}),
            json!({"id": "tours", "enabled": false, "visibleTo": "all"}),
        ];
        let tabs = normalize_tabs(Some(&configured));
        assert_eq!(tabs.len(), 6);
        assert_eq!(
            tabs[1],
            json!({"id": "messages", "enabled": true, "visibleTo": "all"})
        );
        assert_eq!(tabs[3]["enabled"], false);
        assert_eq!(normalize_tabs(None)[0]["id"], "home");
    }

    #[test]
    fn default_space_falls_back() {
        let tabs = vec![json!({"id": "help"}), json!({"id": "messages"})];
        assert_eq!(default_space("home", &tabs, true), "messages");
        assert_eq!(default_space("help", &tabs, true), "help");
        assert_eq!(
            default_space("home", &[json!({"id": "home"})], false),
            "help"
        );
    }
}
