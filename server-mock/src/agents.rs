//! The control API for agent accounts: users with a role in a workspace who sign in with
//! `auth:signIn` (password or an email code read back here), and the mock's JWTs.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::db::DocExt;
use crate::functions::auth::{create_user, normalize_email, sign_jwt, Identity};
use crate::server::Shared;
use crate::util::lock;
use crate::ServerMock;

/// A workspace role (CONTRACT §15.2): `owner` holds every permission, `admin` all but
/// `settings.billing`, `agent` reads/replies/assigns/closes conversations and reads visitors and
/// articles, `viewer` only reads.
///
/// ```
/// use server_mock::Role;
/// assert_eq!(Role::Viewer.as_str(), "viewer");
/// assert_eq!("agent".parse::<Role>(), Ok(Role::Agent));
/// assert!(Role::Admin.has_permission("articles.publish"));
/// assert!(!Role::Viewer.has_permission("conversations.reply"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything.
    Owner,
    /// Everything except `settings.billing`.
    Admin,
    /// `conversations.read/reply/assign/close`, `users.read`, `articles.read`,
    /// `snippets.manage`, `checklists.manage`.
    Agent,
    /// `conversations.read`, `users.read`, `articles.read`, `audit.read`.
    Viewer,
}

impl Role {
    /// The role as stored and sent by Opencom.
    ///
    /// ```
    /// assert_eq!(server_mock::Role::Owner.as_str(), "owner");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Agent => "agent",
            Self::Viewer => "viewer",
        }
    }

    /// Whether the role grants `permission` (e.g. `"conversations.reply"`).
    ///
    /// ```
    /// assert!(server_mock::Role::Agent.has_permission("conversations.close"));
    /// ```
    pub fn has_permission(self, permission: &str) -> bool {
        crate::functions::auth::role_has(self.as_str(), permission)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "agent" => Ok(Self::Agent),
            "viewer" => Ok(Self::Viewer),
            other => Err(format!("unknown role `{other}`")),
        }
    }
}

/// See [`ServerMock::create_agent`]; `None` for an unknown workspace.
pub(crate) fn create_agent(
    shared: &Shared,
    workspace_id: &str,
    email: &str,
    password: &str,
    role: Role,
) -> Option<String> {
    shared.write(|db, now| {
        if db.table_of(workspace_id) != Some("workspaces") {
            return None;
        }
        let name = email.split('@').next().filter(|n| !n.is_empty());
        Some(create_user(
            db,
            now,
            workspace_id,
            email,
            password,
            role.as_str(),
            name,
        ))
    })
}

/// See [`ServerMock::otp_code`].
pub(crate) fn otp_code(shared: &Shared, email: &str) -> Option<String> {
    let email = normalize_email(email);
    lock(&shared.db)
        .find("authVerificationCodes", |c| {
            c.str_field("email") == Some(email.as_str())
        })
        .and_then(|c| c.str_field("code"))
        .map(str::to_owned)
}

impl ServerMock {
    /// Creates an agent account: a user (email trimmed and lowercased) with a password for
    /// `auth:signIn` and a membership of `workspace_id` with `role`. An existing user with that
    /// email keeps its id, gets the new password and the membership (so one user can belong to
    /// several workspaces). Returns the user id, or `""` for an unknown workspace.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{Role, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// let user_id = mock.create_agent(&mock.workspace_id(), "ana@example.com", "Passw0rd!", Role::Agent);
    /// assert!(!user_id.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn create_agent(
        &self,
        workspace_id: &str,
        email: &str,
        password: &str,
        role: Role,
    ) -> String {
        create_agent(&self.shared, workspace_id, email, password, role).unwrap_or_default()
    }

    /// The pending email sign-in code (`resend-otp`) for `email`, as the email would carry it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let mock = server_mock::ServerMock::start().await?;
    /// assert_eq!(mock.otp_code("nobody@example.com"), None);
    /// # Ok(()) }
    /// ```
    pub fn otp_code(&self, email: &str) -> Option<String> {
        otp_code(&self.shared, email)
    }

    /// A JWT for `user_id` in a new auth session, as `auth:signIn` would issue it (1 h on the
    /// mock clock), for tests that need a signed-in caller without a password. `None` for an
    /// unknown user.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{Role, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// let user = mock.create_agent(&mock.workspace_id(), "a@example.com", "Passw0rd!", Role::Admin);
    /// assert!(mock.agent_token(&user).is_some_and(|jwt| jwt.split('.').count() == 3));
    /// # Ok(()) }
    /// ```
    pub fn agent_token(&self, user_id: &str) -> Option<String> {
        let shared = &self.shared;
        shared.write(|db, now| {
            if db.table_of(user_id) != Some("users") {
                return None;
            }
            let mut fields = crate::db::Doc::new();
            fields.insert("userId".into(), Value::from(user_id));
            fields.insert(
                "expirationTime".into(),
                Value::from(now + 30.0 * 24.0 * 3_600_000.0),
            );
            let session_id = db.insert("authSessions", fields, now);
            let identity = Identity {
                user_id: user_id.to_owned(),
                session_id,
            };
            Some(sign_jwt(&shared.jwt_key, &shared.url, &identity, now))
        })
    }

    /// The agent users (with `email`) who are members of a workspace, with their `role` there.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// use server_mock::{Role, ServerMock};
    /// let mock = ServerMock::start().await?;
    /// mock.create_agent(&mock.workspace_id(), "v@example.com", "Passw0rd!", Role::Viewer);
    /// assert_eq!(mock.agents(&mock.workspace_id())[0]["role"], "viewer");
    /// # Ok(()) }
    /// ```
    pub fn agents(&self, workspace_id: &str) -> Vec<Value> {
        let db = lock(&self.shared.db);
        db.filter("workspaceMembers", |m| {
            m.str_field("workspaceId") == Some(workspace_id)
        })
        .iter()
        .filter_map(|m| {
            let mut user = db.get_cloned(m.str_field("userId")?)?;
            user.insert("role".into(), m.get("role").cloned().unwrap_or(Value::Null));
            Some(Value::Object(user))
        })
        .map(crate::util::js_numbers)
        .collect()
    }
}
