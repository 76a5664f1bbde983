//! `opencom articles import|export` against an in-process server-mock: creating, idempotent
//! re-imports (counted against the server's article list), updates of modified files, the
//! export → import round trip, `--demo`, and the exit code for a viewer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use opencom_sdk::{ArticleFilter, ArticleStatus, ArticleVisibility, WorkspaceClient};
use serde_json::Value;
use server_mock::{Role, ServerMock};

const PASSWORD: &str = "Passw0rd-123!";

/// Runs the binary with its config dir in `home`; returns (exit code, stdout, stderr).
async fn opencom(home: &Path, args: &[&str]) -> (i32, String, String) {
    let home = home.to_owned();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_opencom"))
            .args(&args)
            .env("XDG_CONFIG_HOME", &home)
            .env("HOME", &home)
            .env_remove("OPENCOM_URL")
            .env_remove("OPENCOM_PASSWORD")
            .output()
            .expect("run opencom");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

/// Creates an account with `role` and logs the CLI in as it (tokens under `home`).
async fn login(mock: &ServerMock, home: &Path, email: &str, role: Role) {
    mock.create_agent(&mock.workspace_id(), email, PASSWORD, role);
    let (code, _, err) = opencom(
        home,
        &[
            "--url",
            &mock.url(),
            "login",
            "--email",
            email,
            "--password",
            PASSWORD,
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
}

/// `opencom articles import <dir> --json` → (exit code, summary).
async fn import(home: &Path, dir: &Path) -> (i32, Value, String) {
    let (code, out, err) = opencom(
        home,
        &["articles", "import", dir.to_str().unwrap(), "--json"],
    )
    .await;
    let summary = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, summary, err)
}

fn counts(summary: &Value) -> [u64; 4] {
    ["created", "updated", "unchanged", "failed"].map(|k| summary[k].as_u64().unwrap())
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An SDK client signed in as a fresh admin, to read the server's article list.
async fn server_view(mock: &ServerMock) -> WorkspaceClient {
    mock.create_agent(
        &mock.workspace_id(),
        "checker@example.com",
        PASSWORD,
        Role::Admin,
    );
    let client = WorkspaceClient::builder(&mock.url()).build().unwrap();
    client
        .sign_in_password("checker@example.com", PASSWORD)
        .await
        .unwrap();
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_is_idempotent_updates_changes_and_round_trips_an_export() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let home = tempfile::tempdir().unwrap();
    login(&mock, home.path(), "admin@example.com", Role::Admin).await;
    let server = server_view(&mock).await;
    let help = server.help_center();

    let src = tempfile::tempdir().unwrap();
    write(
        src.path(),
        "Getting Started/reset.md",
        "---\ntitle: Reset your password\ntags: [account, login]\npublished: true\n---\n\
         Open **Settings**.\n",
    );
    write(
        src.path(),
        "Getting Started/Mobile/install.md",
        "---\ntitle: \"Install: the app\"\n---\nDownload it.\n",
    );
    write(
        src.path(),
        "billing.md",
        "---\ntitle: Refunds\ncollection: Billing\nvisibility: internal\npublished: false\n---\n\
         14 days.",
    );
    write(
        src.path(),
        "top.md",
        "---\ntitle: Welcome\npublished: true\n---\nHi!\n",
    );
    write(src.path(), "notes.txt", "not markdown: ignored");

    let (code, summary, err) = import(home.path(), src.path()).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&summary), [4, 0, 0, 0], "{summary}");
    assert_eq!(
        summary["collectionsCreated"], 3,
        "Getting Started, Mobile, Billing"
    );
    let articles = help.list_articles(&ws, ArticleFilter::new()).await.unwrap();
    assert_eq!(articles.len(), 4);
    let by_title = |title: &str| {
        articles
            .iter()
            .find(|a| a.title == title)
            .unwrap_or_else(|| panic!("no {title}"))
            .clone()
    };
    let reset = by_title("Reset your password");
    assert_eq!(reset.status, ArticleStatus::Published);
    assert_eq!(reset.content, "Open **Settings**.\n");
    assert_eq!(reset.tags, vec!["account".to_owned(), "login".to_owned()]);
    let refunds = by_title("Refunds");
    assert_eq!(refunds.visibility, ArticleVisibility::Internal);
    assert_eq!(refunds.status, ArticleStatus::Draft);
    assert_eq!(refunds.content, "14 days.");
    assert_eq!(by_title("Welcome").collection_id, None);
    let tree = help.collection_tree(&ws).await.unwrap();
    let started = tree
        .iter()
        .find(|n| n.collection.name == "Getting Started")
        .unwrap();
    assert_eq!(started.children[0].collection.name, "Mobile");
    assert_eq!(
        by_title("Install: the app").collection_id.as_deref(),
        Some(started.children[0].collection.id.as_str())
    );

    // Again: nothing new, nothing changed.
    let (code, summary, err) = import(home.path(), src.path()).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&summary), [0, 0, 4, 0], "{summary}");
    assert_eq!(summary["collectionsCreated"], 0);
    let after = help.list_articles(&ws, ArticleFilter::new()).await.unwrap();
    assert_eq!(after.len(), 4);
    assert_eq!(help.list_collections(&ws).await.unwrap().len(), 3);
    assert_eq!(
        after.iter().map(|a| a.updated_at).sum::<f64>(),
        articles.iter().map(|a| a.updated_at).sum::<f64>(),
        "an unchanged import writes nothing"
    );

    // One modified body and one status change → 2 updated, same ids.
    write(
        src.path(),
        "Getting Started/reset.md",
        "---\ntitle: Reset your password\ntags: [account, login]\npublished: true\n---\n\
         Open **Settings → Security**.\n",
    );
    write(
        src.path(),
        "top.md",
        "---\ntitle: Welcome\npublished: false\n---\nHi!\n",
    );
    let (code, summary, err) = import(home.path(), src.path()).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&summary), [0, 2, 2, 0], "{summary}");
    let reset_now = help.get_article(&reset.id).await.unwrap();
    assert_eq!(reset_now.content, "Open **Settings → Security**.\n");
    assert_eq!(
        help.get_article(&by_title("Welcome").id)
            .await
            .unwrap()
            .status,
        ArticleStatus::Draft
    );
    assert_eq!(
        help.list_articles(&ws, ArticleFilter::new())
            .await
            .unwrap()
            .len(),
        4
    );

    // Export, then import the export: everything unchanged, nothing created.
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, err) = opencom(
        home.path(),
        &["articles", "export", out.path().to_str().unwrap(), "--json"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["exported"],
        4
    );
    let exported = std::fs::read_to_string(
        out.path()
            .join("getting-started")
            .join("mobile")
            .join("install-the-app.md"),
    )
    .unwrap();
    assert!(
        exported.contains("collection: \"Getting Started/Mobile\""),
        "{exported}"
    );
    assert!(exported.ends_with("---\nDownload it.\n"), "{exported}");
    assert!(out.path().join("welcome.md").is_file());
    let (code, summary, err) = import(home.path(), out.path()).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&summary), [0, 0, 4, 0], "{summary}");
    assert_eq!(
        help.list_articles(&ws, ArticleFilter::new())
            .await
            .unwrap()
            .len(),
        4
    );

    // A renamed title in the export matches by slug and updates in place.
    let path = out.path().join("welcome.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("title: \"Welcome\"", "title: \"Welcome aboard\""),
    )
    .unwrap();
    let (_, summary, _) = import(home.path(), out.path()).await;
    assert_eq!(counts(&summary), [0, 1, 3, 0], "{summary}");
    let all = help.list_articles(&ws, ArticleFilter::new()).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all
        .iter()
        .any(|a| a.title == "Welcome aboard" && a.slug == "welcome-aboard"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_fail_alone_and_a_viewer_is_refused() {
    let mock = ServerMock::start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    login(&mock, home.path(), "admin@example.com", Role::Admin).await;
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "good.md", "---\ntitle: Good\n---\nfine");
    write(src.path(), "no-title.md", "---\nslug: x\n---\nbody");
    write(src.path(), "plain.md", "# Just Markdown\n");
    let (code, summary, _) = import(home.path(), src.path()).await;
    assert_eq!(code, 1, "failed files are exit code 1");
    assert_eq!(counts(&summary), [1, 0, 0, 2], "{summary}");
    let reasons = summary["failures"].to_string();
    assert!(reasons.contains("no `title`"), "{reasons}");
    assert!(reasons.contains("front matter"), "{reasons}");

    let viewer_home = tempfile::tempdir().unwrap();
    login(
        &mock,
        viewer_home.path(),
        "viewer@example.com",
        Role::Viewer,
    )
    .await;
    let fresh = tempfile::tempdir().unwrap();
    write(fresh.path(), "Docs/new.md", "---\ntitle: New\n---\nx");
    let (code, _, err) = opencom(
        viewer_home.path(),
        &["articles", "import", fresh.path().to_str().unwrap()],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("articles.create"), "{err}");
    // The viewer may export (articles.read).
    let out = tempfile::tempdir().unwrap();
    let (code, _, err) = opencom(
        viewer_home.path(),
        &["articles", "export", out.path().to_str().unwrap()],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.path().join("good.md").is_file());
    // A missing directory is a usage error.
    let (code, _, _) = opencom(home.path(), &["articles", "import", "/nonexistent/dir"]).await;
    assert_eq!(code, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_exports_and_imports() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, err) = opencom(
        home.path(),
        &[
            "--demo",
            "articles",
            "export",
            out.path().to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let exported = serde_json::from_str::<Value>(&stdout).unwrap()["exported"]
        .as_u64()
        .unwrap();
    assert!(exported >= 2, "{stdout}");
    // The demo starts from the same data each time: its own export is unchanged.
    let (code, stdout, err) = opencom(
        home.path(),
        &[
            "--demo",
            "articles",
            "import",
            out.path().to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(counts(&summary), [0, 0, exported, 0], "{summary}");
    write(out.path(), "extra/new.md", "---\ntitle: Brand new\n---\nx");
    let (code, stdout, _) = opencom(
        home.path(),
        &[
            "--demo",
            "articles",
            "import",
            out.path().to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0);
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(counts(&summary), [1, 0, exported, 0], "{summary}");
    assert!(
        !home.path().join("opencom").exists(),
        "--demo stores nothing"
    );
}
