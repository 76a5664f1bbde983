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

/// The export file as (conversation id → message contents), asserting one line per id.
fn exported(path: &std::path::Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let raw = std::fs::read_to_string(path).unwrap();
    assert!(
        raw.is_empty() || raw.ends_with('\n'),
        "ends with a full line"
    );
    let mut all = std::collections::BTreeMap::new();
    for line in raw.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let messages = row["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().to_owned())
            .collect();
        let previous = all.insert(row["id"].as_str().unwrap().to_owned(), messages);
        assert!(previous.is_none(), "duplicate line for {}", row["id"]);
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_conversations_is_complete_resumable_and_concurrency_independent() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    mock.create_agent(&ws, "ana@example.com", PASSWORD, Role::Agent);
    // 130 conversations (more than one inbox page), some closed, 1–3 messages each.
    let mut expected = std::collections::BTreeMap::new();
    for i in 0..130 {
        let texts: Vec<String> = (0..=i % 3).map(|m| format!("c{i} m{m}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let id = mock.seed_conversation(&ws, &refs);
        if i % 4 == 0 {
            mock.close_conversation(&id);
        }
        expected.insert(id, texts);
    }
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
            PASSWORD,
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");

    // Complete, default concurrency.
    let full = home.path().join("full.jsonl");
    let full_arg = full.to_str().unwrap();
    let (code, out, err) = opencom(
        home.path(),
        &["export", "conversations", "--jsonl", full_arg, "--json"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["exported"], 130);
    assert_eq!(summary["skipped"], 0);
    assert_eq!(exported(&full), expected);

    // Re-running with the same file appends nothing.
    let (code, out, err) = opencom(
        home.path(),
        &["export", "conversations", "--jsonl", full_arg, "--json"],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (summary["exported"].as_u64(), summary["skipped"].as_u64()),
        (Some(0), Some(130))
    );
    assert_eq!(exported(&full), expected);

    // An interrupted run: 40 complete lines, then half of the 41st.
    let raw = std::fs::read_to_string(&full).unwrap();
    let lines: Vec<&str> = raw.lines().collect();
    let mut partial = lines[..40].join("\n");
    partial.push('\n');
    partial.push_str(&lines[40][..lines[40].len() / 2]);
    let resumed = home.path().join("resumed.jsonl");
    std::fs::write(&resumed, partial).unwrap();
    let (code, out, err) = opencom(
        home.path(),
        &[
            "export",
            "conversations",
            "--jsonl",
            resumed.to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (summary["exported"].as_u64(), summary["skipped"].as_u64()),
        (Some(90), Some(40))
    );
    assert_eq!(exported(&resumed), expected);
    // The 40 already-exported lines were left untouched.
    assert!(std::fs::read_to_string(&resumed)
        .unwrap()
        .starts_with(&(lines[..40].join("\n") + "\n")));

    // Concurrency 1 gives the same set.
    let serial = home.path().join("serial.jsonl");
    let (code, _, err) = opencom(
        home.path(),
        &[
            "export",
            "conversations",
            "--jsonl",
            serial.to_str().unwrap(),
            "--concurrency",
            "1",
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(exported(&serial), expected);

    // Bad concurrency is a usage error; not signed in is an auth error.
    assert_eq!(
        opencom(
            home.path(),
            &[
                "export",
                "conversations",
                "--jsonl",
                full_arg,
                "--concurrency",
                "0"
            ],
        )
        .await
        .0,
        1
    );
    assert_eq!(opencom(home.path(), &["logout"]).await.0, 0);
    assert_eq!(
        opencom(
            home.path(),
            &["export", "conversations", "--jsonl", full_arg]
        )
        .await
        .0,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_with_demo_data() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("demo.jsonl");
    let (code, out, err) = opencom(
        home.path(),
        &[
            "--demo",
            "export",
            "conversations",
            "--jsonl",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Exported 3 conversations"), "{out}");
    let all = exported(&file);
    assert_eq!(all.len(), 3);
    assert!(all
        .values()
        .any(|m| m.iter().any(|t| t == "Is there a student discount?")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_an_emailed_code() {
    use std::io::{BufRead, Write};
    let mock = std::sync::Arc::new(ServerMock::start().await.unwrap());
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let home = tempfile::tempdir().unwrap();
    let url = mock.url();

    let login = |code_for: Option<&'static str>| {
        let home = home.path().to_owned();
        let url = url.clone();
        let mock = std::sync::Arc::clone(&mock);
        tokio::task::spawn_blocking(move || {
            let mut child = Command::new(env!("CARGO_BIN_EXE_opencom"))
                .args([
                    "--url",
                    &url,
                    "login",
                    "--email",
                    "ana@example.com",
                    "--otp",
                ])
                .env("XDG_CONFIG_HOME", &home)
                .env("HOME", &home)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            // Wait for the prompt: the code has been requested by then.
            let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
            let mut prompt = String::new();
            stderr.read_line(&mut prompt).unwrap();
            assert!(prompt.contains("Code sent"), "{prompt}");
            let code = match code_for {
                Some(wrong) => wrong.to_owned(),
                None => mock.otp_code("ana@example.com").unwrap(),
            };
            let mut stdin = child.stdin.take().unwrap();
            writeln!(stdin, "{code}").unwrap();
            drop(stdin);
            let out = child.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        })
    };
    let (code, _) = login(Some("not-a-code")).await.unwrap();
    assert_eq!(code, 2);
    let (code, out) = login(None).await.unwrap();
    assert_eq!(code, 0);
    assert!(out.contains("Signed in as ana@example.com"), "{out}");
    let (code, out, err) = opencom(home.path(), &["whoami", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["email"],
        "ana@example.com"
    );
    // --otp and --password do not go together.
    assert_eq!(
        opencom(
            home.path(),
            &["login", "--email", "a@b.c", "--otp", "--password", "x"]
        )
        .await
        .0,
        1
    );
}

/// A token file holding valid JSON that is not an object (`[]`, `42`) is a clear error (exit 4)
/// on every path that reads it, never a panic, and is left as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_file_that_is_not_an_object_is_a_clear_error() {
    let mock = ServerMock::start().await.unwrap();
    mock.create_agent(
        &mock.workspace_id(),
        "ana@example.com",
        PASSWORD,
        Role::Agent,
    );
    let url = mock.url();
    for foreign in ["[]", "42", "\"tokens\"", "true"] {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("opencom");
        std::fs::create_dir_all(&dir).unwrap();
        let tokens = dir.join("tokens.json");
        std::fs::write(&tokens, foreign).unwrap();
        let runs: [&[&str]; 3] = [
            // The deployment comes from the file.
            &["inbox", "list"],
            // Restoring the session reads it.
            &["--url", &url, "inbox", "list"],
            // Signing in writes it.
            &[
                "--url",
                &url,
                "login",
                "--email",
                "ana@example.com",
                "--password",
                PASSWORD,
            ],
        ];
        for args in runs {
            let (code, _, err) = opencom(home.path(), args).await;
            assert_eq!(code, 4, "{foreign} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{foreign} {args:?}: {err}");
            assert!(
                err.contains("not a JSON object") && err.contains("tokens.json"),
                "{foreign} {args:?}: {err}"
            );
        }
        assert_eq!(std::fs::read_to_string(&tokens).unwrap(), foreign);
    }
}
