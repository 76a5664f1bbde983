//! `messengerSettings:*` (public, CONTRACT §12).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_with::skip_serializing_none;

use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::Call;

/// The messenger's public settings. Every field is always present (the server fills in its
/// defaults); the nullable ones are `Option`. Fields the SDK does not name are ignored here and
/// kept in the model's `raw` document.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PublicSettings {
    pub(crate) primary_color: String,
    pub(crate) background_color: String,
    pub(crate) theme_mode: String,
    pub(crate) launcher_position: String,
    pub(crate) show_launcher: bool,
    pub(crate) welcome_message: String,
    pub(crate) supported_languages: Vec<String>,
    pub(crate) default_language: String,
    pub(crate) mobile_enabled: bool,
    pub(crate) logo: Option<String>,
    pub(crate) privacy_policy_url: Option<String>,
}

/// `messengerSettings:getPublicSettings`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetPublicSettings<'a> {
    pub(crate) workspace_id: &'a str,
}

impl Call for GetPublicSettings<'_> {
    const FUNCTION: Function = fns::MESSENGER_SETTINGS;
    type Output = PublicSettings;
}

/// The home configuration's shape; the SDK hands the document itself to the caller, so this
/// type only checks that the fields the contract fixes are there.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // decoded to check the shape; the caller gets the JSON document
pub(crate) struct HomeConfig {
    pub(crate) enabled: bool,
    pub(crate) default_space: String,
    pub(crate) launch_directly_to_conversation: bool,
    pub(crate) cards: Vec<Value>,
    pub(crate) tabs: Vec<Value>,
}

/// `messengerSettings:getPublicHomeConfig`: cards and tabs for this audience.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetPublicHomeConfig<'a> {
    pub(crate) workspace_id: &'a str,
    pub(crate) is_identified: Option<bool>,
}

impl Call for GetPublicHomeConfig<'_> {
    const FUNCTION: Function = fns::HOME_CONFIG;
    type Output = HomeConfig;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::visitor::test_support::{assert_args, assert_decode_error, decoded};

    #[test]
    fn arguments_have_the_contract_field_names() {
        assert_args(
            &GetPublicSettings {
                workspace_id: "ws1",
            },
            json!({"workspaceId": "ws1"}),
        );
        assert_args(
            &GetPublicHomeConfig {
                workspace_id: "ws1",
                is_identified: Some(true),
            },
            json!({"workspaceId": "ws1", "isIdentified": true}),
        );
        assert_args(
            &GetPublicHomeConfig {
                workspace_id: "ws1",
                is_identified: None,
            },
            json!({"workspaceId": "ws1"}),
        );
    }

    #[test]
    fn settings_decode_or_fail_naming_the_function() {
        let settings = json!({"primaryColor": "#792cd4", "backgroundColor": "#792cd4",
            "themeMode": "system", "launcherPosition": "right", "launcherSideSpacing": 20,
            "launcherBottomSpacing": 20, "showLauncher": true, "welcomeMessage": "Hi",
            "teamIntroduction": null, "showTeammateAvatars": true, "supportedLanguages": ["en"],
            "defaultLanguage": "en", "mobileEnabled": true, "logo": null,
            "launcherIconUrl": null, "privacyPolicyUrl": null, "launcherAudienceRules": null});
        assert!(decoded::<GetPublicSettings>(settings.clone())
            .logo
            .is_none());
        for field in [
            "primaryColor",
            "themeMode",
            "showLauncher",
            "welcomeMessage",
            "supportedLanguages",
            "defaultLanguage",
            "mobileEnabled",
        ] {
            let mut missing = settings.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<GetPublicSettings>(missing);
        }
        let mut wrong = settings;
        wrong["showLauncher"] = json!("yes");
        assert_decode_error::<GetPublicSettings>(wrong);

        let home = json!({"enabled": true, "defaultSpace": "home",
                          "launchDirectlyToConversation": false, "cards": [], "tabs": []});
        assert!(decoded::<GetPublicHomeConfig>(home.clone()).enabled);
        for field in ["enabled", "defaultSpace", "cards", "tabs"] {
            let mut missing = home.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_decode_error::<GetPublicHomeConfig>(missing);
        }
    }
}
