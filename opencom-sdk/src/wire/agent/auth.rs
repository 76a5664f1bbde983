//! `auth:*` (CONTRACT §15.2): Convex Auth's sign-in (password, OTP, refresh), the current user,
//! the active workspace.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::call;
use crate::secret::Secret;
use crate::transport::Function;
use crate::wire::functions as fns;
use crate::wire::{Call, Ignored, NoArgs};

/// `auth:signIn`: a provider with its params, or a refresh token alone.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SignIn<'a> {
    pub(crate) provider: Option<&'a str>,
    pub(crate) params: Option<SignInParams<'a>>,
    pub(crate) refresh_token: Option<&'a Secret>,
}

/// The `params` of `auth:signIn`: `{email, password, flow}` for the password provider,
/// `{email}` / `{email, code}` for `resend-otp`.
#[skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SignInParams<'a> {
    pub(crate) email: &'a str,
    pub(crate) password: Option<Secret>,
    pub(crate) flow: Option<&'a str>,
    pub(crate) code: Option<&'a str>,
}

// `{tokens?: {token, refreshToken} | null, redirect?, verifier?, started?}`.
call!(SignIn => fns::AUTH_SIGN_IN, Option<SignInAnswer>);

/// What `auth:signIn` returns; only the tokens matter here.
#[derive(Deserialize)]
pub(crate) struct SignInAnswer {
    pub(crate) tokens: Option<TokenPair>,
}

/// `{token, refreshToken}`. No `Debug`: it would print nothing useful (both are [`Secret`]s).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenPair {
    pub(crate) token: Secret,
    pub(crate) refresh_token: Secret,
}

/// `auth:currentUser` (`{}`).
#[derive(Serialize, Default)]
pub(crate) struct CurrentUser(NoArgs);

impl Call for CurrentUser {
    const FUNCTION: Function = fns::AUTH_CURRENT_USER;
    /// `null` when the JWT names no authenticated user.
    type Output = Option<CurrentUserAnswer>;
}

/// `{user:{_id,email,name,workspaceId,role,avatarUrl}, workspaces:[<workspace doc> + role]}`.
#[derive(Deserialize, Debug)]
pub(crate) struct CurrentUserAnswer {
    pub(crate) user: UserDoc,
    pub(crate) workspaces: Vec<MembershipDoc>,
}

/// The `user` of `auth:currentUser`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) name: Option<String>,
    pub(crate) workspace_id: String,
    pub(crate) role: String,
    pub(crate) avatar_url: Option<String>,
}

/// One of `auth:currentUser`'s `workspaces`: only what the SDK keeps (the identity secret is
/// never even decoded).
#[derive(Deserialize, Debug)]
pub(crate) struct MembershipDoc {
    #[serde(rename = "_id")]
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) role: String,
}

/// `auth:switchWorkspace`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SwitchWorkspace<'a> {
    pub(crate) workspace_id: &'a str,
}

call!(SwitchWorkspace => fns::AUTH_SWITCH_WORKSPACE, Ignored);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::agent::test_support::{assert_decode_error, wire};
    use serde_json::json;

    #[test]
    fn sign_in_arguments_are_the_contracts() {
        let password = SignIn {
            provider: Some("password"),
            params: Some(SignInParams {
                email: "a@b.c",
                password: Some(Secret::new("Passw0rd!")),
                flow: Some("signIn"),
                code: None,
            }),
            refresh_token: None,
        };
        assert_eq!(
            wire(&password),
            json!({"provider": "password",
                   "params": {"email": "a@b.c", "password": "Passw0rd!", "flow": "signIn"}})
        );
        let refresh = Secret::new("r|s");
        let refresh = SignIn {
            provider: None,
            params: None,
            refresh_token: Some(&refresh),
        };
        assert_eq!(wire(&refresh), json!({"refreshToken": "r|s"}));
        assert_eq!(wire(&CurrentUser::default()), json!({}));
        assert_eq!(
            wire(&SwitchWorkspace { workspace_id: "w1" }),
            json!({"workspaceId": "w1"})
        );
    }

    #[test]
    fn malformed_answers_are_decode_errors() {
        assert_decode_error::<SignIn>(json!({"tokens": {"token": "eyJ…"}}));
        assert_decode_error::<CurrentUser>(json!({"user": {"_id": "u1"}, "workspaces": []}));
        assert_decode_error::<CurrentUser>(json!({
            "user": {"_id": "u1", "email": "a@b.c", "workspaceId": "w1", "role": "admin"},
        }));
    }
}
