//! Who is signed in (`auth:currentUser`): the public model types, below the facade so that any
//! layer may name them.

use crate::wire::agent::auth::CurrentUserAnswer;

/// One workspace the user belongs to, with their role there. Opencom's answer also carries the
/// workspace's identity-verification secret; this type leaves it out on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkspaceMembership {
    /// The workspace id.
    pub id: String,
    /// The workspace name.
    pub name: String,
    /// `owner`, `admin`, `agent` or `viewer`.
    pub role: String,
}

/// The signed-in user (`auth:currentUser`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CurrentUser {
    /// The user id (`senderId` of the user's replies).
    pub id: String,
    /// Their email.
    pub email: String,
    /// Their display name.
    pub name: Option<String>,
    /// The active workspace.
    pub workspace_id: String,
    /// Their role in the active workspace.
    pub role: String,
    /// Avatar URL.
    pub avatar_url: Option<String>,
    /// Every workspace they belong to.
    pub workspaces: Vec<WorkspaceMembership>,
}

impl From<CurrentUserAnswer> for CurrentUser {
    fn from(answer: CurrentUserAnswer) -> Self {
        let user = answer.user;
        Self {
            id: user.id,
            email: user.email,
            name: user.name,
            workspace_id: user.workspace_id,
            role: user.role,
            avatar_url: user.avatar_url,
            workspaces: answer
                .workspaces
                .into_iter()
                .map(|w| WorkspaceMembership {
                    id: w.id,
                    name: w.name,
                    role: w.role,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::functions as fns;
    use serde_json::json;

    #[test]
    fn current_user_drops_the_identity_secret() {
        let value = json!({
            "user": {"_id": "u1", "email": "a@b.c", "workspaceId": "w1", "role": "admin"},
            "workspaces": [{"_id": "w1", "name": "Acme", "role": "admin",
                            "identitySecret": "s3cr3t-identity"}],
        });
        let answer: CurrentUserAnswer =
            crate::wire::decode(fns::AUTH_CURRENT_USER, value).unwrap_or_else(|e| panic!("{e}"));
        let user = CurrentUser::from(answer);
        assert_eq!(user.workspaces[0].name, "Acme");
        assert!(!format!("{user:?}").contains("s3cr3t"));
    }
}
