//! `checklists:getEligible`, `getProgress`, `getAllProgress`, `completeTask`, `uncompleteTask`,
//! and the `auto_event` completion that `events:track` triggers.

use serde_json::{json, Value};
use server_mock::{Role, ServerMock};

use super::{fails, ok, strings_at, validates};
use crate::common::{as_agent, boot_anonymous, member, mutation, query};

fn tasks() -> Value {
    json!([
        {"id": "hello", "title": "Say hello", "completionType": "manual"},
        {"id": "profile", "title": "Complete your profile", "completionType": "auto_event",
         "completionEvent": "profile_completed"},
        {"id": "plan", "title": "Choose a plan", "completionType": "auto_attribute",
         "completionAttribute": {"key": "plan", "operator": "is_set"}},
    ])
}

fn task_args(ws: &str, token: &str, checklist: &str, task: &str) -> Value {
    json!({"workspaceId": ws, "sessionToken": token, "checklistId": checklist, "taskId": task})
}

#[tokio::test]
async fn tasks_complete_and_uncomplete_returning_the_record_before_the_patch() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let older = mock.add_checklist(&ws, json!({"name": "Older", "tasks": tasks()}));
    let id = mock.add_checklist(&ws, json!({"name": "Get started", "tasks": tasks()}));
    mock.add_checklist(
        &ws,
        json!({"name": "Draft", "status": "draft", "tasks": tasks()}),
    );
    let other = mock.create_workspace("Other");
    mock.add_checklist(&other, json!({"name": "Theirs", "tasks": tasks()}));
    let (token, visitor) = boot_anonymous(&mock, &ws, "k1").await;
    let me = json!({"workspaceId": ws, "sessionToken": token});
    let eligible = ok(&mock, "checklists:getEligible", me.clone()).await;
    assert_eq!(
        strings_at(&eligible, "/checklist/name"),
        ["Get started", "Older"],
        "newest first"
    );
    assert_eq!(eligible[0]["progress"], Value::Null);
    assert_eq!(eligible[0]["checklist"]["tasks"], tasks());
    let limited = ok(
        &mock,
        "checklists:getEligible",
        json!({"workspaceId": ws, "sessionToken": token, "limit": 1}),
    )
    .await;
    assert_eq!(limited.as_array().unwrap().len(), 1);

    let progress_query = json!({"workspaceId": ws, "sessionToken": token, "checklistId": id});
    assert_eq!(
        query(&mock, "checklists:getProgress", progress_query.clone())
            .await
            .unwrap(),
        Value::Null
    );
    // The first completion creates the record and returns it.
    let first = mutation(
        &mock,
        "checklists:completeTask",
        task_args(&ws, &token, &id, "hello"),
    )
    .await
    .unwrap();
    assert_eq!(first["completedTaskIds"], json!(["hello"]));
    assert_eq!(first["visitorId"], json!(visitor));
    assert!(first["startedAt"].is_number());
    // The next ones return the record as it was before their patch.
    let second = mutation(
        &mock,
        "checklists:completeTask",
        task_args(&ws, &token, &id, "profile"),
    )
    .await
    .unwrap();
    assert_eq!(second["_id"], first["_id"]);
    assert_eq!(second["completedTaskIds"], json!(["hello"]));
    let third = mutation(
        &mock,
        "checklists:completeTask",
        task_args(&ws, &token, &id, "plan"),
    )
    .await
    .unwrap();
    assert_eq!(third["completedTaskIds"], json!(["hello", "profile"]));
    assert!(third.get("completedAt").is_none());
    let done = query(&mock, "checklists:getProgress", progress_query.clone())
        .await
        .unwrap();
    assert_eq!(
        done["completedTaskIds"],
        json!(["hello", "profile", "plan"])
    );
    assert!(done["completedAt"].is_number(), "every task done: {done}");
    // Completing a done task again changes nothing.
    let again = mutation(
        &mock,
        "checklists:completeTask",
        task_args(&ws, &token, &id, "plan"),
    )
    .await
    .unwrap();
    assert_eq!(again, done);

    let before = mutation(
        &mock,
        "checklists:uncompleteTask",
        task_args(&ws, &token, &id, "profile"),
    )
    .await
    .unwrap();
    assert_eq!(
        before, done,
        "uncompleteTask returns the record before its patch too"
    );
    let after = query(&mock, "checklists:getProgress", progress_query)
        .await
        .unwrap();
    assert_eq!(after["completedTaskIds"], json!(["hello", "plan"]));
    assert!(after.get("completedAt").is_none());

    let eligible = ok(&mock, "checklists:getEligible", me.clone()).await;
    assert_eq!(
        eligible[0]["progress"],
        json!({"completedTaskIds": ["hello", "plan"], "startedAt": first["startedAt"]})
    );
    // Uncompleting without progress answers null.
    assert_eq!(
        mutation(
            &mock,
            "checklists:uncompleteTask",
            task_args(&ws, &token, &older, "hello"),
        )
        .await
        .unwrap(),
        Value::Null
    );
    mutation(
        &mock,
        "checklists:completeTask",
        task_args(&ws, &token, &older, "hello"),
    )
    .await
    .unwrap();
    let all = ok(&mock, "checklists:getAllProgress", me.clone()).await;
    assert_eq!(
        strings_at(&all, "/checklistId"),
        [older.as_str(), id.as_str()],
        "newest first"
    );
    let one = ok(
        &mock,
        "checklists:getAllProgress",
        json!({"workspaceId": ws, "sessionToken": token, "limit": 1}),
    )
    .await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(mock.checklist_progress(&id).len(), 1);

    // Another visitor has its own progress.
    let (token2, _) = boot_anonymous(&mock, &ws, "k2").await;
    assert_eq!(
        ok(
            &mock,
            "checklists:getAllProgress",
            json!({"workspaceId": ws, "sessionToken": token2})
        )
        .await,
        json!([])
    );
}

#[tokio::test]
async fn an_event_completes_auto_event_and_auto_attribute_tasks() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let id = mock.add_checklist(&ws, json!({"name": "Get started", "tasks": tasks()}));
    let (token, visitor) = boot_anonymous(&mock, &ws, "k1").await;
    let track = |name: &str| json!({"workspaceId": ws, "visitorId": visitor, "sessionToken": token, "name": name});
    mutation(&mock, "events:track", track("something_else"))
        .await
        .unwrap();
    assert!(mock.checklist_progress(&id).is_empty());
    mutation(&mock, "events:track", track("profile_completed"))
        .await
        .unwrap();
    let rows = mock.checklist_progress(&id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["completedTaskIds"], json!(["profile"]));
    super::identify(
        &mock,
        &visitor,
        &token,
        json!({"customAttributes": {"plan": "pro"}}),
    )
    .await;
    mutation(&mock, "events:track", track("page_view"))
        .await
        .unwrap();
    let rows = mock.checklist_progress(&id);
    assert_eq!(rows[0]["completedTaskIds"], json!(["profile", "plan"]));
    assert!(
        rows[0].get("completedAt").is_none(),
        "the manual task is left"
    );
}

#[tokio::test]
async fn checklist_errors_use_opencoms_texts() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let other = mock.create_workspace("Other");
    let id = mock.add_checklist(&ws, json!({"name": "Mine", "tasks": tasks()}));
    let foreign = mock.add_checklist(&other, json!({"name": "Theirs", "tasks": tasks()}));
    let gone = mock.add_checklist(&ws, json!({"name": "Gone", "tasks": tasks()}));
    assert!(mock.delete_engagement_item(&gone));
    let (token, _) = boot_anonymous(&mock, &ws, "k1").await;
    let (_, someone) = boot_anonymous(&mock, &ws, "k2").await;
    let (_, stranger) = boot_anonymous(&mock, &other, "k3").await;
    for path in ["checklists:completeTask", "checklists:uncompleteTask"] {
        let mut mismatch = task_args(&ws, &token, &id, "hello");
        mismatch["visitorId"] = json!(someone);
        for (args, expected) in [
            (
                task_args(&ws, &token, &gone, "hello"),
                "Checklist not found",
            ),
            (
                task_args(&ws, &token, &foreign, "hello"),
                "Checklist does not belong to workspace",
            ),
            (mismatch, "Not authorized for requested visitor"),
            (
                task_args(&other, &token, &foreign, "hello"),
                "Session token does not match workspace",
            ),
        ] {
            assert_eq!(
                fails(&mock, "mutation", path, args).await,
                expected,
                "{path}"
            );
        }
    }
    assert_eq!(
        fails(
            &mock,
            "mutation",
            "checklists:completeTask",
            task_args(&ws, &token, &id, "nope"),
        )
        .await,
        "Task not found"
    );
    assert_eq!(
        fails(
            &mock,
            "query",
            "checklists:getProgress",
            json!({"workspaceId": ws, "sessionToken": token, "checklistId": foreign}),
        )
        .await,
        "Checklist does not belong to workspace"
    );
    assert_eq!(
        ok(
            &mock,
            "checklists:getProgress",
            json!({"workspaceId": ws, "sessionToken": token, "checklistId": gone})
        )
        .await,
        Value::Null
    );
    assert_eq!(
        fails(
            &mock,
            "query",
            "checklists:getAllProgress",
            json!({"workspaceId": ws}),
        )
        .await,
        "Session token required"
    );
    // Agents (checklists.manage) name a visitor of the workspace.
    let (_, agent) = member(&mock, &ws, "ana@example.com", Role::Agent);
    let done = as_agent(
        &mock,
        "mutation",
        "checklists:completeTask",
        json!({"workspaceId": ws, "visitorId": someone, "checklistId": id, "taskId": "hello"}),
        &agent,
    )
    .await
    .unwrap();
    assert_eq!(done["visitorId"], json!(someone));
    let missing = as_agent(
        &mock,
        "query",
        "checklists:getAllProgress",
        json!({"workspaceId": ws}),
        &agent,
    )
    .await
    .unwrap_err();
    assert!(missing.ends_with("visitorId is required for authenticated checklist access"));
    let foreign_visitor = as_agent(
        &mock,
        "query",
        "checklists:getAllProgress",
        json!({"workspaceId": ws, "visitorId": stranger}),
        &agent,
    )
    .await
    .unwrap_err();
    assert!(foreign_visitor.ends_with("Visitor not found in workspace"));
    let (_, viewer) = member(&mock, &ws, "vic@example.com", Role::Viewer);
    let denied = as_agent(
        &mock,
        "query",
        "checklists:getAllProgress",
        json!({"workspaceId": ws, "visitorId": someone}),
        &viewer,
    )
    .await
    .unwrap_err();
    assert!(denied.ends_with("Permission denied: checklists.manage"));
    assert!(mock.checklist_progress(&foreign).is_empty());
}

#[tokio::test]
async fn checklist_arguments_are_validated_like_convex() {
    let mock = ServerMock::start().await.unwrap();
    let ws = mock.workspace_id();
    let id = mock.add_checklist(&ws, json!({"name": "Mine", "tasks": tasks()}));
    let (token, _) = boot_anonymous(&mock, &ws, "k1").await;
    let base = json!({"workspaceId": ws, "sessionToken": token});
    validates(
        &mock,
        "query",
        "checklists:getEligible",
        base.clone(),
        "limit",
        "workspaceId",
    )
    .await;
    validates(
        &mock,
        "query",
        "checklists:getAllProgress",
        base,
        "limit",
        "workspaceId",
    )
    .await;
    validates(
        &mock,
        "query",
        "checklists:getProgress",
        json!({"workspaceId": ws, "sessionToken": token, "checklistId": id}),
        "visitorId",
        "checklistId",
    )
    .await;
    for path in ["checklists:completeTask", "checklists:uncompleteTask"] {
        validates(
            &mock,
            "mutation",
            path,
            task_args(&ws, &token, &id, "hello"),
            "sessionToken",
            "taskId",
        )
        .await;
    }
    assert!(mock.checklist_progress(&id).is_empty());
}
