//! Checklists (`client.checklists()`) against server-mock: the demo checklist's typed tasks,
//! completing and un-completing tasks (the progress after the change, and the server's
//! record), auto-event completion seen live, validation before any call, error mapping and
//! tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::common::{next_snapshot, Harness, SharedClock};
use opencom_sdk::{
    Attributes, CompletionType, Delivery, EligibleChecklist, Error, MemoryStorage, Opencom,
    RealtimeMode, TaskAction, User,
};
use serde_json::json;

fn find<'a>(items: &'a [EligibleChecklist], id: &str) -> &'a EligibleChecklist {
    items
        .iter()
        .find(|i| i.checklist.id == id)
        .expect("the checklist is eligible")
}

#[tokio::test]
async fn the_demo_checklist_is_typed_and_manual_tasks_complete_and_uncomplete() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let session = client.start().await.unwrap();

    let items = client.checklists().eligible(None).await.unwrap();
    let item = find(&items, &demo.checklist_id);
    let checklist = &item.checklist;
    assert_eq!(checklist.name, "Get started");
    assert_eq!(checklist.tasks.len(), 3);
    assert_eq!(checklist.tasks[0].completion, CompletionType::Manual);
    assert_eq!(
        checklist.tasks[1].completion,
        CompletionType::AutoEvent {
            event: Some("profile_completed".into())
        }
    );
    assert!(matches!(
        &checklist.tasks[2].completion,
        CompletionType::AutoAttribute { condition: Some(c) } if c.key == "plan" && c.operator == "is_set"
    ));
    assert_eq!(
        checklist.tasks[2].action,
        Some(TaskAction::Url {
            url: "https://opencom.dev/pricing".into()
        })
    );
    assert!(item.progress.is_none());
    assert_eq!(item.fraction(), 0.0);

    h.mock.clear_calls();
    let progress = client
        .checklists()
        .complete_task(checklist, "say-hello")
        .await
        .unwrap();
    // The progress after the change, though Opencom answered with the record before it.
    assert_eq!(progress.checklist_id, demo.checklist_id);
    assert_eq!(progress.completed_task_ids, vec!["say-hello".to_owned()]);
    assert!(progress.started_at.is_some());
    assert!(progress.completed_at.is_none());
    let paths: Vec<String> = h.mock.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(
        paths,
        vec!["checklists:completeTask", "checklists:getProgress"],
        "completed, then re-read"
    );
    let call = &h.calls_to("checklists:completeTask")[0];
    assert_eq!(call.args["checklistId"], demo.checklist_id.as_str());
    assert_eq!(call.args["taskId"], "say-hello");
    assert_eq!(call.args["workspaceId"], h.mock.workspace_id().as_str());

    let rows = h.mock.checklist_progress(&demo.checklist_id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["visitorId"], session.visitor_id.as_str());
    assert_eq!(rows[0]["completedTaskIds"], json!(["say-hello"]));

    // A second completion is a no-op; the second task's re-read shows both.
    let again = client
        .checklists()
        .complete_task(checklist, "say-hello")
        .await
        .unwrap();
    assert_eq!(again.completed_task_ids, vec!["say-hello".to_owned()]);
    assert_eq!(
        client
            .checklists()
            .progress(&demo.checklist_id)
            .await
            .unwrap(),
        Some(again.clone())
    );
    let all = client.checklists().all_progress().await.unwrap();
    assert_eq!(all, vec![again]);

    let after = client
        .checklists()
        .uncomplete_task(checklist, "say-hello")
        .await
        .unwrap();
    assert!(after.completed_task_ids.is_empty());
    assert!(!after.is_task_completed("say-hello"));
    assert_eq!(
        h.mock.checklist_progress(&demo.checklist_id)[0]["completedTaskIds"],
        json!([])
    );
}

#[tokio::test]
async fn completing_every_task_completes_the_checklist_and_uncompleting_reopens_it() {
    let h = Harness::new().await;
    let id = h.mock.add_checklist(
        &h.mock.workspace_id(),
        json!({"name": "Two steps", "description": "Quick",
               "tasks": [{"id": "a", "title": "A", "completionType": "manual"},
                         {"id": "b", "title": "B", "completionType": "manual",
                          "action": {"type": "tour", "tourId": "tour-1"}}]}),
    );
    let client = h.client();
    let items = client.checklists().eligible(Some(10)).await.unwrap();
    let checklist = find(&items, &id).checklist.clone();
    assert_eq!(checklist.description.as_deref(), Some("Quick"));
    assert_eq!(
        checklist.tasks[1].action,
        Some(TaskAction::Tour {
            tour_id: Some("tour-1".into())
        })
    );
    assert_eq!(h.calls_to("checklists:getEligible")[0].args["limit"], 10);

    client
        .checklists()
        .complete_task(&checklist, "a")
        .await
        .unwrap();
    let done = client
        .checklists()
        .complete_task_by_id(&id, "b")
        .await
        .unwrap();
    assert!(done.completed_at.is_some(), "every task done");
    let items = client.checklists().eligible(None).await.unwrap();
    let item = find(&items, &id);
    assert!(item.is_complete());
    assert_eq!(item.fraction(), 1.0);
    assert!(h.mock.checklist_progress(&id)[0]
        .get("completedAt")
        .is_some());

    let reopened = client
        .checklists()
        .uncomplete_task_by_id(&id, "a")
        .await
        .unwrap();
    assert!(reopened.completed_at.is_none());
    assert_eq!(reopened.completed_task_ids, vec!["b".to_owned()]);
    assert!(h.mock.checklist_progress(&id)[0]
        .get("completedAt")
        .is_none());
}

#[tokio::test]
async fn an_auto_event_task_completed_by_track_shows_on_watch_eligible() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    client.start().await.unwrap();
    let mut stream = client.checklists().watch_eligible().unwrap();
    let first = next_snapshot(&mut stream).await;
    assert!(!first.from_cache);
    assert!(!find(&first.value, &demo.checklist_id).is_task_completed("complete-profile"));

    client
        .events()
        .track("profile_completed", Attributes::new())
        .await
        .unwrap();
    let snapshot = loop {
        let snapshot = next_snapshot(&mut stream).await;
        if find(&snapshot.value, &demo.checklist_id).is_task_completed("complete-profile") {
            break snapshot;
        }
    };
    assert_eq!(snapshot.via, Delivery::Socket, "a pushed update");
    let item = find(&snapshot.value, &demo.checklist_id);
    assert!(!item.is_task_completed("say-hello"));
    assert!((item.fraction() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        h.mock.checklist_progress(&demo.checklist_id)[0]["completedTaskIds"],
        json!(["complete-profile"])
    );
}

#[tokio::test]
async fn an_auto_attribute_task_completes_after_the_attribute_is_set_seen_by_polling() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h
        .builder()
        .realtime(RealtimeMode::Polling)
        .poll_interval(std::time::Duration::from_millis(50))
        .build()
        .unwrap();
    client.start().await.unwrap();
    let mut stream = client.checklists().watch_eligible().unwrap();
    let first = next_snapshot(&mut stream).await;
    assert_eq!(first.via, Delivery::Polling);
    assert!(find(&first.value, &demo.checklist_id).progress.is_none());

    client
        .visitor()
        .identify(User::new().attribute("plan", "pro"))
        .await
        .unwrap();
    // Opencom checks attribute conditions when the visitor tracks an event.
    client
        .events()
        .track("plan_viewed", Attributes::new())
        .await
        .unwrap();
    let snapshot = loop {
        let snapshot = next_snapshot(&mut stream).await;
        if find(&snapshot.value, &demo.checklist_id).is_task_completed("choose-plan") {
            break snapshot;
        }
    };
    assert_eq!(snapshot.via, Delivery::Polling);
    let item = find(&snapshot.value, &demo.checklist_id);
    assert!(!item.is_task_completed("complete-profile"));
    assert!(item.progress.as_ref().unwrap().completed_at.is_none());
}

#[tokio::test]
async fn bad_input_fails_before_any_call() {
    let h = Harness::new().await;
    let demo = h.mock.seed_engagement_demo(&h.mock.workspace_id());
    let client = h.client();
    let items = client.checklists().eligible(None).await.unwrap();
    let checklist = find(&items, &demo.checklist_id).checklist.clone();
    h.mock.clear_calls();

    let err = client
        .checklists()
        .complete_task(&checklist, "not-a-task")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "task_id"),
        "{err:?}"
    );
    let err = client
        .checklists()
        .uncomplete_task(&checklist, "not-a-task")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "task_id"));
    let err = client
        .checklists()
        .complete_task_by_id("has space", "a")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "checklist_id"));
    let err = client
        .checklists()
        .complete_task_by_id(&checklist.id, " ")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "task_id"));
    let err = client.checklists().eligible(Some(0)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "limit"));
    let err = client.checklists().progress("").await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "checklist_id"));
    assert!(h.mock.calls().is_empty(), "{:?}", h.mock.calls());
    assert!(h.mock.checklist_progress(&demo.checklist_id).is_empty());
}

#[tokio::test]
async fn server_refusals_map_to_typed_errors() {
    let h = Harness::new().await;
    let ws = h.mock.workspace_id();
    let id = h.mock.add_checklist(
        &ws,
        json!({"name": "C", "tasks": [{"id": "a", "title": "A", "completionType": "manual"}]}),
    );
    let client = h.client();
    client.start().await.unwrap();

    // "Task not found": the server checked the task id.
    let err = client
        .checklists()
        .complete_task_by_id(&id, "missing")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, reason } if field == "task_id" && reason.contains("Task not found")),
        "{err:?}"
    );
    assert_eq!(h.calls_to("checklists:completeTask").len(), 1);
    assert!(h.mock.checklist_progress(&id).is_empty());

    // "Checklist not found".
    assert!(h.mock.delete_engagement_item(&id));
    let err = client
        .checklists()
        .complete_task_by_id(&id, "a")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(client.checklists().progress(&id).await.unwrap(), None);
}

#[tokio::test]
async fn another_workspaces_checklist_is_neither_listed_nor_writable() {
    let h = Harness::new().await;
    let ws_b = h.mock.create_workspace("Tenant B");
    let b_checklist = h.mock.add_checklist(
        &ws_b,
        json!({"name": "B only", "tasks": [{"id": "a", "title": "A", "completionType": "manual"}]}),
    );
    let client_b = Opencom::builder(&h.mock.url(), &ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .clock(Arc::new(SharedClock(h.mock.clock())))
        .heartbeat_interval(None)
        .build()
        .unwrap();
    client_b
        .checklists()
        .complete_task_by_id(&b_checklist, "a")
        .await
        .unwrap();

    let client = h.client();
    client.start().await.unwrap();
    let items = client.checklists().eligible(None).await.unwrap();
    assert!(items.iter().all(|i| i.checklist.id != b_checklist));
    assert!(client.checklists().all_progress().await.unwrap().is_empty());

    let err = client
        .checklists()
        .complete_task_by_id(&b_checklist, "a")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    let err = client
        .checklists()
        .progress(&b_checklist)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotAuthorized { .. }), "{err:?}");
    let rows = h.mock.checklist_progress(&b_checklist);
    assert_eq!(rows.len(), 1, "only B's own visitor's progress");
    assert_eq!(
        rows[0]["visitorId"],
        client_b.session().visitor_id().unwrap().as_str()
    );
}
