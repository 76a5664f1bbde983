//! `opencom`: the Opencom inbox from a terminal, built on `opencom_sdk::WorkspaceClient`.
//!
//! ```text
//! opencom --demo inbox list                     # embedded server-mock with demo data
//! opencom --url https://x.convex.cloud login --email ana@example.com   # password from OPENCOM_PASSWORD or --password
//! opencom --url https://x.convex.cloud login --email ana@example.com --otp   # emailed code on stdin
//! opencom inbox list --status open --json
//! opencom inbox reply <conversation-id> "On it!"
//! opencom export conversations --jsonl all.jsonl --concurrency 8   # resumable
//! opencom articles import ./help-center --json   # Markdown + front matter; idempotent
//! opencom articles export ./help-center          # re-importing it is a no-op
//! opencom --url https://x.convex.cloud conformance --workspace <id> --json   # visitor contract check
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use clap::{Parser, Subcommand, ValueEnum};
use futures::TryStreamExt;
use opencom_sdk::{
    ConversationStatus, Error, InboxFilter, Opencom, OutgoingMessage, Storage, StorageError,
    WorkspaceClient,
};
use serde_json::{json, Value};
use server_mock::{NewArticle, Role, ServerMock};

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  usage error or invalid input
  2  authentication or permission failure (not logged in, session expired, wrong password,
     permission denied)
  3  not found
  4  network or server failure

Tokens are kept in $XDG_CONFIG_HOME/opencom/tokens.json (or ~/.config/opencom/tokens.json),
readable only by you (0600). With --demo nothing is stored: an embedded server-mock with demo
data is started and signed in to for the one command.";

const DEMO_EMAIL: &str = "demo@opencom.test";
const DEMO_PASSWORD: &str = "demo-password";

#[derive(Parser, Debug)]
#[command(name = "opencom", version, about = "The Opencom inbox from a terminal", after_help = AFTER_HELP)]
struct Cli {
    /// The Convex deployment URL (default: the one saved by `login`, or $OPENCOM_URL).
    #[arg(long, global = true)]
    url: Option<String>,
    /// Run against an embedded server-mock with demo data (signed in as a demo admin).
    #[arg(long, global = true, conflicts_with = "url")]
    demo: bool,
    /// Machine-readable JSON output for read commands.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign in with email and password and keep the tokens.
    Login {
        /// Your email.
        #[arg(long)]
        email: String,
        /// Your password (default: $OPENCOM_PASSWORD). A `Secret`, so the derived `Debug` of
        /// the parsed arguments never prints it.
        #[arg(long, conflicts_with = "otp")]
        password: Option<opencom_sdk::Secret>,
        /// Sign in with a code sent to your email instead (asked for on stdin).
        #[arg(long)]
        otp: bool,
    },
    /// Sign out and forget the tokens.
    Logout,
    /// Who is signed in.
    Whoami,
    /// Conversations.
    #[command(subcommand)]
    Inbox(InboxCommand),
    /// The visitor directory.
    #[command(subcommand)]
    Visitors(VisitorsCommand),
    /// Export workspace data.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Help-center articles as Markdown files with front matter.
    #[command(subcommand)]
    Articles(ArticlesCommand),
    /// Check a deployment against the visitor contract with a throwaway visitor (one row per
    /// step; exit code 4 when any step fails). No sign-in needed.
    Conformance {
        /// The workspace to boot the visitor in (not needed with --demo).
        #[arg(long)]
        workspace: Option<String>,
        /// The `origin` sent on boot and identify, for workspaces with an origin allowlist.
        #[arg(long)]
        origin: Option<String>,
        /// The longest one step may take, in seconds.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
}

#[derive(Subcommand, Debug)]
enum ArticlesCommand {
    /// Create or update articles (and their collections) from `<dir>/**/*.md`.
    ///
    /// Each file starts with a `---` front-matter block of `key: value` lines: `title`
    /// (required), `slug`, `collection` (`/`-separated names; default: the sub-directory
    /// path), `visibility` (public|internal), `tags` ([a, b]), `published` (true|false) or
    /// `status` (draft|published|archived); the rest is the Markdown content. A file updates
    /// the article with its `slug`, else the one with the same title in the same collection,
    /// else creates one: re-running an import creates nothing and changes nothing.
    Import {
        /// The directory to read.
        dir: PathBuf,
    },
    /// Write every article as `<dir>/<collection slugs>/<slug>.md` with front matter;
    /// importing the result back changes nothing.
    Export {
        /// The directory to write (created if needed; existing files are overwritten).
        dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// Every conversation (all statuses) with its messages, one JSON object per line.
    ///
    /// Resumable: re-running with the same file skips the conversations already in it (a
    /// truncated last line from an interrupted run is dropped) and appends the rest.
    Conversations {
        /// The JSON Lines file to write (appended to when it exists).
        #[arg(long)]
        jsonl: PathBuf,
        /// Conversations fetched at the same time.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
        concurrency: u16,
    },
}

#[derive(Subcommand, Debug)]
enum InboxCommand {
    /// Conversations, newest activity first.
    List {
        /// Only this status.
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// At most this many.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// A conversation and its messages.
    Show {
        /// Conversation id.
        id: String,
    },
    /// Reply as yourself.
    Reply {
        /// Conversation id.
        id: String,
        /// The message.
        text: String,
    },
    /// Close a conversation.
    Close {
        /// Conversation id.
        id: String,
    },
    /// Assign a conversation (to yourself unless --to is given).
    Assign {
        /// Conversation id.
        id: String,
        /// The agent's user id.
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum VisitorsCommand {
    /// Search by name or exact email (at least 2 characters).
    Search {
        /// The query.
        query: String,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum StatusArg {
    Open,
    Closed,
    Snoozed,
}

impl From<StatusArg> for ConversationStatus {
    fn from(status: StatusArg) -> Self {
        match status {
            StatusArg::Open => ConversationStatus::Open,
            StatusArg::Closed => ConversationStatus::Closed,
            StatusArg::Snoozed => ConversationStatus::Snoozed,
        }
    }
}

#[path = "../export.rs"]
mod export;

#[path = "../articles.rs"]
mod articles;

impl From<articles::ArticlesError> for Failure {
    fn from(err: articles::ArticlesError) -> Self {
        match err {
            articles::ArticlesError::Sdk(err) => err.into(),
            articles::ArticlesError::Io { path, source } => {
                Failure::new(4, format!("cannot use {}: {source}", path.display()))
            }
        }
    }
}

#[path = "../conformance.rs"]
mod conformance;

/// `opencom conformance`: prints the report; any failing step is exit code 4.
async fn conformance_command(
    cli: &Cli,
    workspace: Option<String>,
    origin: Option<String>,
    timeout: u64,
) -> Result<(), Failure> {
    let (_mock, url, workspace_id) = if cli.demo {
        let mock = conformance::demo_mock()
            .await
            .map_err(|e| Failure::new(4, format!("cannot start the demo: {e}")))?;
        let (url, ws) = (mock.url(), mock.workspace_id());
        (Some(mock), url, ws)
    } else {
        let url = cli
            .url
            .clone()
            .or_else(|| std::env::var("OPENCOM_URL").ok())
            .ok_or_else(|| {
                Failure::new(
                    1,
                    "no deployment: pass --url, set OPENCOM_URL or use --demo",
                )
            })?;
        let ws = workspace.ok_or_else(|| Failure::new(1, "pass --workspace <id>"))?;
        (None, url, ws)
    };
    let target = conformance::Target {
        url,
        workspace_id,
        origin,
        step_timeout: std::time::Duration::from_secs(timeout),
    };
    let report = conformance::run(&target)
        .await
        .map_err(|e| Failure::new(1, e))?;
    if cli.json {
        print_json(&report.to_json());
    } else {
        print!("{}", report.table());
    }
    if report.passed() {
        Ok(())
    } else {
        Err(Failure::new(4, "conformance: some steps failed"))
    }
}

impl From<export::ExportError> for Failure {
    fn from(err: export::ExportError) -> Self {
        match err {
            export::ExportError::Sdk(err) => err.into(),
            export::ExportError::Io { path, source } => {
                Failure::new(4, format!("cannot write {}: {source}", path.display()))
            }
        }
    }
}

/// A CLI failure with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        let code = match &err {
            Error::SessionExpired | Error::NotAuthorized { .. } => 2,
            Error::NotFound { .. } => 3,
            Error::InvalidInput { .. } | Error::Config { .. } => 1,
            _ => 4,
        };
        let message = match &err {
            Error::SessionExpired => {
                "not logged in, or the session expired: run `opencom login`".into()
            }
            other => other.to_string(),
        };
        Failure::new(code, message)
    }
}

impl From<StorageError> for Failure {
    fn from(err: StorageError) -> Self {
        Failure::new(4, format!("cannot use the token file: {err}"))
    }
}

/// The error for a token file holding valid JSON that is not an object.
fn not_an_object(path: &std::path::Path, value: &Value) -> StorageError {
    let kind = match value {
        Value::Array(_) => "an array",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Null | Value::Object(_) => "something else",
    };
    StorageError::Io {
        message: format!(
            "the token file {} holds {kind}, not a JSON object: move it away or delete it, \
             then log in again",
            path.display()
        ),
        source: None,
    }
}

/// The token file: `{"url": …, "values": {key: value}}`, written with mode 0600.
#[derive(Debug)]
struct TokenFile {
    path: PathBuf,
}

impl TokenFile {
    fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("opencom").join("tokens.json"))
    }

    /// The file's object; `{}` when there is no file or it is not JSON at all (an interrupted
    /// write of an older version), as before. Valid JSON that is not an object (`[]`, `42`) is
    /// somebody else's file: refused with [`not_an_object`], never overwritten.
    fn read(&self) -> Result<Value, StorageError> {
        let raw = match std::fs::read_to_string(&self.path) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(json!({})),
            Err(e) => {
                return Err(StorageError::Io {
                    message: e.to_string(),
                    source: Some(opencom_sdk::ErrorSource::new(e)),
                })
            }
        };
        match serde_json::from_str::<Value>(&raw) {
            Ok(value @ Value::Object(_)) => Ok(value),
            // `null` indexes like an empty object (it always worked): kept.
            Ok(Value::Null) | Err(_) => Ok(json!({})),
            Ok(other) => Err(not_an_object(&self.path, &other)),
        }
    }

    fn write(&self, value: &Value) -> Result<(), StorageError> {
        let io = |e: std::io::Error| StorageError::Io {
            message: e.to_string(),
            source: Some(opencom_sdk::ErrorSource::new(e)),
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        opencom_sdk::write_atomic(&self.path, value.to_string().as_bytes()).map_err(io)
    }

    fn url(&self) -> Result<Option<String>, StorageError> {
        Ok(self
            .read()?
            .get("url")
            .and_then(Value::as_str)
            .map(str::to_owned))
    }

    fn set_url(&self, url: &str) -> Result<(), StorageError> {
        let mut all = self.read()?;
        all["url"] = json!(url);
        self.write(&all)
    }
}

#[async_trait]
impl Storage for TokenFile {
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.read()?["values"][key].as_str().map(str::to_owned))
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let mut all = self.read()?;
        if !all["values"].is_object() {
            all["values"] = json!({});
        }
        all["values"][key] = json!(value);
        self.write(&all)
    }

    async fn remove(&self, key: &str) -> Result<(), StorageError> {
        let mut all = self.read()?;
        if let Some(values) = all.get_mut("values").and_then(Value::as_object_mut) {
            values.remove(key);
        }
        self.write(&all)
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let all = self.read()?;
        let values: BTreeMap<String, Value> = all
            .get("values")
            .and_then(Value::as_object)
            .map(|m| m.clone().into_iter().collect())
            .unwrap_or_default();
        Ok(values
            .into_keys()
            .filter(|k| k.starts_with(prefix))
            .collect())
    }
}

/// Starts the embedded mock with demo data: an admin account, three visitor conversations and
/// a small help center (two collections, two published articles and a draft).
async fn demo() -> Result<(ServerMock, WorkspaceClient), Failure> {
    let failed = |e: String| Failure::new(4, format!("cannot start the demo: {e}"));
    let mock = ServerMock::start()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let ws = mock.workspace_id();
    mock.create_agent(&ws, DEMO_EMAIL, DEMO_PASSWORD, Role::Admin);
    for (name, email, question) in [
        (
            "Jane Doe",
            "jane@example.com",
            "I cannot reset my password.",
        ),
        (
            "Omar Haddad",
            "omar@example.com",
            "Is there a student discount?",
        ),
        (
            "Li Wei",
            "li@example.com",
            "The export button does nothing.",
        ),
    ] {
        let visitor = Opencom::builder(&mock.url(), &ws)
            .heartbeat_interval(None)
            .build()
            .map_err(|e| failed(e.to_string()))?;
        visitor.start().await?;
        visitor
            .visitor()
            .identify(opencom_sdk::User::new().name(name).email(email))
            .await?;
        let conversation = visitor.conversations().create().await?;
        visitor
            .conversations()
            .send(&conversation.id, OutgoingMessage::text(question))
            .await?
            .sent()
            .await?;
    }
    let start = mock.add_collection(&ws, "Getting Started", None, 1.0);
    let billing = mock.add_collection(&ws, "Billing", None, 2.0);
    mock.add_article(
        &ws,
        NewArticle::published("Reset your password", "Open **Settings → Security**.")
            .collection(&start),
    );
    mock.add_article(
        &ws,
        NewArticle::published("Refunds", "We refund within 14 days.").collection(&billing),
    );
    mock.add_article(
        &ws,
        NewArticle::draft("Student discount", "Coming soon.").collection(&billing),
    );
    let client = WorkspaceClient::builder(&mock.url())
        .build()
        .map_err(|e| failed(e.to_string()))?;
    client.sign_in_password(DEMO_EMAIL, DEMO_PASSWORD).await?;
    Ok((mock, client))
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    );
}

fn status_text(status: &ConversationStatus) -> String {
    match status {
        ConversationStatus::Open => "open".into(),
        ConversationStatus::Closed => "closed".into(),
        ConversationStatus::Snoozed => "snoozed".into(),
        ConversationStatus::Other(other) => other.clone(),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Conformance {
        workspace,
        origin,
        timeout,
    } = &cli.command
    {
        return conformance_command(&cli, workspace.clone(), origin.clone(), *timeout).await;
    }
    let file = TokenFile::default_path().map(|path| TokenFile { path });
    let (_mock, client, saved) = if cli.demo {
        let (mock, client) = demo().await?;
        (Some(mock), client, None)
    } else {
        let given = cli
            .url
            .clone()
            .or_else(|| std::env::var("OPENCOM_URL").ok());
        let url = match given {
            Some(url) => Some(url),
            None => file.as_ref().map(TokenFile::url).transpose()?.flatten(),
        }
        .ok_or_else(|| {
            Failure::new(
                1,
                "no deployment: pass --url, set OPENCOM_URL or use --demo",
            )
        })?;
        let file =
            file.ok_or_else(|| Failure::new(1, "neither $XDG_CONFIG_HOME nor $HOME is set"))?;
        let path = file.path.clone();
        let client = WorkspaceClient::builder(&url)
            .storage(Arc::new(file))
            .build()
            .map_err(|e| Failure::new(1, e.to_string()))?;
        if !matches!(cli.command, Command::Login { .. }) {
            client.restore().await?;
        }
        (None, client, Some((TokenFile { path }, url)))
    };

    match cli.command {
        Command::Login {
            email,
            password,
            otp,
        } => {
            if cli.demo {
                return Err(Failure::new(
                    1,
                    "--demo signs in by itself; nothing to store",
                ));
            }
            let me = if otp {
                client.request_code(&email).await?;
                eprintln!("Code sent to {email}. Enter it:");
                let code = tokio::task::spawn_blocking(|| {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line).map(|_| line)
                })
                .await
                .map_err(|e| Failure::new(1, format!("cannot read the code: {e}")))?
                .map_err(|e| Failure::new(1, format!("cannot read the code: {e}")))?;
                client.verify_code(&email, code.trim()).await?
            } else {
                let password = password
                    .or_else(|| std::env::var("OPENCOM_PASSWORD").ok().map(Into::into))
                    .ok_or_else(|| Failure::new(1, "pass --password or set OPENCOM_PASSWORD"))?;
                client.sign_in_password(&email, password.expose()).await?
            };
            // Remember the deployment only once signed in.
            if let Some((file, url)) = &saved {
                file.set_url(url)?;
            }
            println!(
                "Signed in as {} ({}) in workspace {}",
                me.email, me.role, me.workspace_id
            );
        }
        Command::Logout => {
            client.sign_out().await?;
            println!("Signed out");
        }
        Command::Whoami => {
            let me = client.current_user().await?;
            if cli.json {
                print_json(&json!({"id": me.id, "email": me.email, "name": me.name,
                                   "workspaceId": me.workspace_id, "role": me.role}));
            } else {
                println!(
                    "{} ({}) in workspace {}",
                    me.email, me.role, me.workspace_id
                );
            }
        }
        Command::Inbox(command) => inbox(&client, command, cli.json).await?,
        // Answered before any sign-in, at the top of `run`.
        Command::Conformance { .. } => {}
        Command::Export(ExportCommand::Conversations { jsonl, concurrency }) => {
            let me = client.current_user().await?;
            let summary = export::conversations(
                &client,
                &me.workspace_id,
                &jsonl,
                usize::from(concurrency),
                !cli.json,
            )
            .await?;
            if cli.json {
                print_json(&json!({
                    "file": jsonl.display().to_string(),
                    "exported": summary.exported,
                    "skipped": summary.skipped,
                }));
            } else {
                println!(
                    "Exported {} conversations to {} ({} already there)",
                    summary.exported,
                    jsonl.display(),
                    summary.skipped
                );
            }
        }
        Command::Articles(command) => articles_command(&client, command, cli.json).await?,
        Command::Visitors(VisitorsCommand::Search { query }) => {
            let me = client.current_user().await?;
            let found = client
                .visitors()
                .search(&me.workspace_id, &query, None)
                .await?;
            if cli.json {
                print_json(&Value::Array(
                    found
                        .iter()
                        .map(|v| {
                            json!({"id": v.id, "name": v.name, "email": v.email,
                                        "lastSeenAt": v.last_seen_at})
                        })
                        .collect(),
                ));
            } else {
                for v in found {
                    println!(
                        "{}  {}  {}",
                        v.id,
                        v.name.as_deref().unwrap_or("-"),
                        v.email.as_deref().unwrap_or("-")
                    );
                }
            }
        }
    }
    Ok(())
}

async fn inbox(
    client: &WorkspaceClient,
    command: InboxCommand,
    as_json: bool,
) -> Result<(), Failure> {
    match command {
        InboxCommand::List { status, limit } => {
            let me = client.current_user().await?;
            let mut filter = InboxFilter::new();
            if let Some(status) = status {
                filter = filter.status(status.into());
            }
            let rows: Vec<_> = client
                .inbox()
                .list(&me.workspace_id, filter)
                .take_limit(limit)
                .try_collect()
                .await?;
            if as_json {
                print_json(&Value::Array(
                    rows.iter()
                        .map(|c| {
                            json!({
                                "id": c.id,
                                "status": status_text(&c.conversation.status),
                                "unreadByAgent": c.unread_by_agent,
                                "assignedAgentId": c.assigned_agent_id,
                                "visitor": c.visitor.as_ref().map(|v| json!({"id": v.id, "name": v.name, "email": v.email})),
                                "lastMessage": c.conversation.last_message.as_ref().map(|m| m.content.clone()),
                                "lastMessageAt": c.conversation.last_message_at,
                            })
                        })
                        .collect(),
                ));
            } else {
                for c in rows {
                    let who = c
                        .visitor
                        .as_ref()
                        .and_then(|v| v.name.clone().or_else(|| v.email.clone()))
                        .unwrap_or_else(|| "anonymous".into());
                    let last = c
                        .conversation
                        .last_message
                        .as_ref()
                        .map(|m| m.content.clone())
                        .unwrap_or_default();
                    println!(
                        "{}  {:<7} {:>2} unread  {:<20} {}",
                        c.id,
                        status_text(&c.conversation.status),
                        c.unread_by_agent,
                        who,
                        last
                    );
                }
            }
        }
        InboxCommand::Show { id } => {
            let conversation = client.inbox().get(&id).await?;
            let messages = client.inbox().messages(&id).await?;
            if as_json {
                print_json(&json!({
                    "id": conversation.id,
                    "status": status_text(&conversation.status),
                    "messages": messages.iter().map(|m| json!({
                        "id": m.id, "senderType": format!("{:?}", m.sender_type).to_lowercase(),
                        "senderId": m.sender_id, "senderName": m.sender_name,
                        "content": m.content, "createdAt": m.created_at,
                    })).collect::<Vec<_>>(),
                }));
            } else {
                println!(
                    "{} ({})",
                    conversation.id,
                    status_text(&conversation.status)
                );
                for m in messages {
                    let who = m
                        .sender_name
                        .clone()
                        .unwrap_or_else(|| format!("{:?}", m.sender_type).to_lowercase());
                    println!("  [{who}] {}", m.content);
                }
            }
        }
        InboxCommand::Reply { id, text } => {
            let message_id = client.inbox().reply(&id, &text).await?;
            println!("{message_id}");
        }
        InboxCommand::Close { id } => {
            client
                .inbox()
                .set_status(&id, ConversationStatus::Closed)
                .await?;
            println!("Closed {id}");
        }
        InboxCommand::Assign { id, to } => {
            let agent = match to {
                Some(agent) => agent,
                None => client
                    .user_id()
                    .ok_or_else(|| Failure::from(Error::SessionExpired))?,
            };
            client.inbox().assign(&id, &agent).await?;
            println!("Assigned {id} to {agent}");
        }
    }
    Ok(())
}

async fn articles_command(
    client: &WorkspaceClient,
    command: ArticlesCommand,
    as_json: bool,
) -> Result<(), Failure> {
    let me = client.current_user().await?;
    match command {
        ArticlesCommand::Import { dir } => {
            if !dir.is_dir() {
                return Err(Failure::new(
                    1,
                    format!("{} is not a directory", dir.display()),
                ));
            }
            let summary = articles::import(client, &me.workspace_id, &dir, !as_json).await?;
            if as_json {
                print_json(&summary.to_json());
            } else {
                for (file, reason) in &summary.failures {
                    eprintln!("opencom: {}: {reason}", file.display());
                }
                println!(
                    "{} created, {} updated, {} unchanged, {} failed ({} collections created)",
                    summary.created,
                    summary.updated,
                    summary.unchanged,
                    summary.failed,
                    summary.collections_created
                );
            }
            if summary.failed > 0 {
                return Err(Failure::new(
                    1,
                    format!("{} file(s) could not be imported", summary.failed),
                ));
            }
        }
        ArticlesCommand::Export { dir } => {
            let written = articles::export(client, &me.workspace_id, &dir, !as_json).await?;
            if as_json {
                print_json(&json!({"dir": dir.display().to_string(), "exported": written}));
            } else {
                println!("Exported {written} articles to {}", dir.display());
            }
        }
    }
    Ok(())
}

/// `Stream::take` on an optional limit.
trait TakeLimit: futures::Stream + Sized {
    fn take_limit(self, limit: Option<usize>) -> futures::stream::Take<Self> {
        futures::StreamExt::take(self, limit.unwrap_or(usize::MAX))
    }
}

impl<S: futures::Stream> TakeLimit for S {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("opencom: cannot start the runtime: {e}");
            return ExitCode::from(4);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("opencom: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_parsed_arguments_never_print_the_password() {
        let cli = Cli::try_parse_from([
            "opencom",
            "login",
            "--email",
            "ana@example.com",
            "--password",
            "hunter2-Passw0rd",
        ])
        .unwrap();
        let printed = format!("{cli:?}");
        assert!(printed.contains("ana@example.com"), "{printed}");
        assert!(!printed.contains("hunter2"), "{printed}");
        let Command::Login { password, .. } = cli.command else {
            panic!("{printed}");
        };
        assert_eq!(password.unwrap().expose(), "hunter2-Passw0rd");
    }
}
