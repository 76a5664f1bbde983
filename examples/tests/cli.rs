//! The `opencom` binary against a server-mock: login (0600 token file), inbox, visitors,
//! `--json`, `--demo` and the exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use serde_json::Value;
use server_mock::{Role, ServerMock};

const PASSWORD: &str = "Passw0rd-123!";

/// Runs the binary with its config dir in `home`; returns (exit code, stdout, stderr).
async fn opencom(home: &std::path::Path, args: &[&str]) -> (i32, String, String) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_inbox_and_visitors_over_http() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.create_agent(&ws, "ana@example.com", PASSWORD, Role::Agent);
    let visitor = opencom_sdk::Opencom::builder(&mock.url(), &ws)
        .heartbeat_interval(None)
        .build()
        .unwrap();
    visitor.start().await.unwrap();
    visitor
        .visitor()
        .identify(opencom_sdk::User::new().name("Jane Doe"))
        .await
        .unwrap();
    let conversation = visitor.conversations().create().await.unwrap().id;
    let home = tempfile::tempdir().unwrap();
    let url = mock.url();

    let (code, _, err) = opencom(
        home.path(),
        &[
            "--url",
            &url,
            "login",
            "--email",
            "ana@example.com",
            "--password",
            "nope-nope",
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    let (code, out, err) = opencom(
        home.path(),
        &[
            "--url",
            &url,
            "login",
            "--email",
            "ana@example.com",
            "--password",
            PASSWORD,
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ana@example.com"));
    let file = home.path().join("opencom").join("tokens.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // No --url needed any more: the login saved it.
    let (code, out, err) = opencom(home.path(), &["inbox", "list", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[0]["id"], conversation.as_str());
    assert_eq!(rows[0]["visitor"]["name"], "Jane Doe");

    let (code, _, err) = opencom(home.path(), &["inbox", "reply", &conversation, "On it!"]).await;
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = opencom(home.path(), &["inbox", "show", &conversation, "--json"]).await;
    assert_eq!(code, 0);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        shown["messages"].as_array().unwrap().last().unwrap()["content"],
        "On it!"
    );
    assert_eq!(
        opencom(home.path(), &["inbox", "assign", &conversation])
            .await
            .0,
        0
    );
    assert_eq!(
        opencom(home.path(), &["inbox", "close", &conversation])
            .await
            .0,
        0
    );
    let (_, out, _) = opencom(
        home.path(),
        &["inbox", "list", "--status", "closed", "--json"],
    )
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let (code, out, _) = opencom(home.path(), &["visitors", "search", "jane", "--json"]).await;
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()[0]["name"],
        "Jane Doe"
    );
    assert_eq!(
        opencom(home.path(), &["visitors", "search", "j"]).await.0,
        1
    );

    // A conversation of another workspace is not found for this user.
    let other = mock.create_workspace("Other");
    let outsider = opencom_sdk::Opencom::builder(&url, &other)
        .heartbeat_interval(None)
        .build()
        .unwrap();
    outsider.start().await.unwrap();
    let hidden = outsider.conversations().create().await.unwrap().id;
    assert_eq!(opencom(home.path(), &["inbox", "show", &hidden]).await.0, 3);

    assert_eq!(opencom(home.path(), &["logout"]).await.0, 0);
    let (code, _, err) = opencom(home.path(), &["inbox", "list"]).await;
    assert_eq!(code, 2, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_network_and_demo_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    assert_eq!(opencom(home.path(), &["inbox", "frobnicate"]).await.0, 1);
    let (code, out, _) = opencom(home.path(), &["--help"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("Exit codes"));
    assert_eq!(
        opencom(home.path(), &["inbox", "list"]).await.0,
        1,
        "no deployment"
    );
    let (code, _, err) = opencom(
        home.path(),
        &[
            "--url",
            "http://127.0.0.1:1",
            "login",
            "--email",
            "a@b.c",
            "--password",
            "x",
        ],
    )
    .await;
    assert_eq!(code, 4, "{err}");

    let (code, out, err) = opencom(home.path(), &["--demo", "inbox", "list", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(
        !home.path().join("opencom").exists(),
        "--demo stores nothing"
    );
}
