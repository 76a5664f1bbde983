//! `checklists.ts`, the visitor side (CONTRACT §13): `getEligible`, `getProgress`,
//! `getAllProgress`, `completeTask` and `uncompleteTask` (both return the progress record as it
//! was before their patch, like Opencom), plus `checkAutoCompletion`, which `events:track` runs
//! for `auto_event` tasks. Checklists are created through the control API
//! ([`ServerMock::add_checklist`](crate::ServerMock::add_checklist)).

use serde_json::{json, Value};

use super::audience::{
    active_in_workspace, clamp_limit, matches_audience, resolve_visitor, values, Access,
    VISITOR_NOT_IN_WORKSPACE,
};
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "checklists:getEligible",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("limit", number()),
        ]),
        get_eligible,
    );
    r.query(
        "checklists:getProgress",
        object(vec![
            opt("visitorId", id("visitors")),
            req("checklistId", id("checklists")),
            opt("sessionToken", string()),
            req("workspaceId", id("workspaces")),
        ]),
        get_progress,
    );
    r.query(
        "checklists:getAllProgress",
        object(vec![
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("workspaceId", id("workspaces")),
            opt("limit", number()),
        ]),
        get_all_progress,
    );
    let task_args = || {
        object(vec![
            opt("visitorId", id("visitors")),
            req("checklistId", id("checklists")),
            req("taskId", string()),
            opt("sessionToken", string()),
            req("workspaceId", id("workspaces")),
        ])
    };
    r.mutation("checklists:completeTask", task_args(), complete_task);
    r.mutation("checklists:uncompleteTask", task_args(), uncomplete_task);
}

/// `resolveChecklistVisitor`: an agent (`checklists.manage`) names a visitor of the
/// workspace; a visitor is the session's.
const ACCESS: Access = Access {
    permission: "checklists.manage",
    what: "checklist access",
    not_found: None,
};

fn checklist_visitor(ctx: &Ctx<'_>, args: &Doc, workspace_id: &str) -> Result<String, FnError> {
    resolve_visitor(ctx, args, workspace_id, &ACCESS)
}

fn progress_of(ctx: &Ctx<'_>, visitor_id: &str, checklist_id: &str) -> Option<Doc> {
    ctx.db
        .find("checklistProgress", |p| {
            p.str_field("visitorId") == Some(visitor_id)
                && p.str_field("checklistId") == Some(checklist_id)
        })
        .cloned()
}

fn task_ids(checklist: &Doc) -> Vec<String> {
    checklist
        .get("tasks")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn completed_ids(progress: &Doc) -> Vec<String> {
    progress
        .get("completedTaskIds")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect()
}

fn get_eligible(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = resolve_visitor(
        ctx,
        args,
        workspace_id,
        &Access {
            not_found: Some(VISITOR_NOT_IN_WORKSPACE),
            ..ACCESS
        },
    )?;
    let visitor = ctx.db.get_cloned(&visitor_id).unwrap_or_default();
    let limit = clamp_limit(args.f64_field("limit"), 100, 500);
    let mut checklists = active_in_workspace(ctx, "checklists", workspace_id);
    checklists.reverse();
    checklists.truncate(limit);
    let eligible: Vec<Value> = checklists
        .into_iter()
        .filter(|c| matches_audience(c, &visitor))
        .map(|checklist| {
            let progress = progress_of(ctx, &visitor_id, checklist.id()).map(|p| {
                Value::Object(doc([
                    ("completedTaskIds", p.get("completedTaskIds").cloned()),
                    ("startedAt", p.get("startedAt").cloned()),
                    ("completedAt", p.get("completedAt").cloned()),
                ]))
            });
            json!({"checklist": checklist, "progress": progress})
        })
        .collect();
    Ok(Value::Array(eligible))
}

fn get_progress(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let checklist_id = args.str_field("checklistId").unwrap_or_default();
    let Some(checklist) = ctx.db.get(checklist_id) else {
        return Ok(Value::Null);
    };
    if checklist.str_field("workspaceId") != Some(workspace_id) {
        return Err(FnError::msg("Checklist does not belong to workspace"));
    }
    let visitor_id = checklist_visitor(ctx, args, workspace_id)?;
    Ok(progress_of(ctx, &visitor_id, checklist_id).map_or(Value::Null, Value::Object))
}

fn get_all_progress(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = checklist_visitor(ctx, args, workspace_id)?;
    let limit = clamp_limit(args.f64_field("limit"), 200, 1000);
    let mut rows = ctx.db.filter("checklistProgress", |p| {
        p.str_field("visitorId") == Some(visitor_id.as_str())
    });
    rows.reverse();
    rows.truncate(limit);
    Ok(values(rows))
}

/// The checklist of a task call, checked to be in the workspace, and the caller's visitor.
fn task_context(ctx: &Ctx<'_>, args: &Doc) -> Result<(Doc, String), FnError> {
    let checklist_id = args.str_field("checklistId").unwrap_or_default();
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let checklist = ctx
        .db
        .get_cloned(checklist_id)
        .ok_or_else(|| FnError::msg("Checklist not found"))?;
    if checklist.str_field("workspaceId") != Some(workspace_id) {
        return Err(FnError::msg("Checklist does not belong to workspace"));
    }
    let visitor_id = checklist_visitor(ctx, args, workspace_id)?;
    Ok((checklist, visitor_id))
}

fn complete_task(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (checklist, visitor_id) = task_context(ctx, args)?;
    let task_id = args.str_field("taskId").unwrap_or_default();
    let tasks = task_ids(&checklist);
    if !tasks.iter().any(|t| t == task_id) {
        return Err(FnError::msg("Task not found"));
    }
    let now = ctx.now;
    match progress_of(ctx, &visitor_id, checklist.id()) {
        None => {
            let id = ctx.db.insert(
                "checklistProgress",
                doc([
                    ("visitorId", Some(json!(visitor_id))),
                    ("checklistId", Some(json!(checklist.id()))),
                    ("completedTaskIds", Some(json!([task_id]))),
                    ("startedAt", Some(json!(now))),
                ]),
                now,
            );
            Ok(ctx.db.get_cloned(&id).map_or(Value::Null, Value::Object))
        }
        Some(progress) => {
            let mut completed = completed_ids(&progress);
            if !completed.iter().any(|t| t == task_id) {
                completed.push(task_id.to_owned());
                set_completed(ctx, &progress, &tasks, completed, now);
            }
            Ok(Value::Object(progress))
        }
    }
}

/// Patches `completedTaskIds`, and `completedAt` to now when every task is done (else unset).
fn set_completed(ctx: &mut Ctx<'_>, progress: &Doc, tasks: &[String], done: Vec<String>, now: f64) {
    let all = tasks.iter().all(|t| done.contains(t));
    let unset: &[&str] = if all { &[] } else { &["completedAt"] };
    ctx.db.patch_unset(
        progress.id(),
        doc([
            ("completedTaskIds", Some(json!(done))),
            ("completedAt", all.then(|| json!(now))),
        ]),
        unset,
    );
}

fn uncomplete_task(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (checklist, visitor_id) = task_context(ctx, args)?;
    let task_id = args.str_field("taskId").unwrap_or_default();
    let Some(progress) = progress_of(ctx, &visitor_id, checklist.id()) else {
        return Ok(Value::Null);
    };
    let remaining: Vec<String> = completed_ids(&progress)
        .into_iter()
        .filter(|t| t != task_id)
        .collect();
    ctx.db.patch_unset(
        progress.id(),
        doc([("completedTaskIds", Some(json!(remaining)))]),
        &["completedAt"],
    );
    Ok(Value::Object(progress))
}

/// `checkAutoCompletion` after an event: completes the `auto_event` tasks whose
/// `completionEvent` is `event_name` (and `auto_attribute` tasks whose attribute condition now
/// holds) in every active, audience-matched checklist of the workspace.
pub(crate) fn check_auto_completion(
    ctx: &mut Ctx<'_>,
    workspace_id: &str,
    visitor_id: &str,
    event_name: Option<&str>,
) {
    let Some(visitor) = ctx.db.get_cloned(visitor_id) else {
        return;
    };
    let now = ctx.now;
    for checklist in active_in_workspace(ctx, "checklists", workspace_id) {
        if !matches_audience(&checklist, &visitor) {
            continue;
        }
        let progress = progress_of(ctx, visitor_id, checklist.id());
        let mut done = progress.as_ref().map(completed_ids).unwrap_or_default();
        let before = done.len();
        let tasks = checklist
            .get("tasks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for task in &tasks {
            let Some(id) = task.get("id").and_then(Value::as_str) else {
                continue;
            };
            if done.iter().any(|d| d == id) {
                continue;
            }
            let field = |k: &str| task.get(k).and_then(Value::as_str);
            let complete = match field("completionType") {
                Some("auto_event") => {
                    event_name.is_some() && field("completionEvent") == event_name
                }
                Some("auto_attribute") => task
                    .get("completionAttribute")
                    .is_some_and(|a| attribute_holds(a, &visitor)),
                _ => false,
            };
            if complete {
                done.push(id.to_owned());
            }
        }
        if done.len() == before {
            continue;
        }
        let ids = task_ids(&checklist);
        match progress {
            Some(progress) => set_completed(ctx, &progress, &ids, done, now),
            None => {
                let all = ids.iter().all(|t| done.contains(t));
                ctx.db.insert(
                    "checklistProgress",
                    doc([
                        ("visitorId", Some(json!(visitor_id))),
                        ("checklistId", Some(json!(checklist.id()))),
                        ("completedTaskIds", Some(json!(done))),
                        ("startedAt", Some(json!(now))),
                        ("completedAt", all.then(|| json!(now))),
                    ]),
                    now,
                );
            }
        }
    }
}

/// `completionAttribute: {key, operator: "equals"|"is_set"|"greater_than"|"less_than", value?}`
/// on the visitor's custom attributes.
fn attribute_holds(condition: &Value, visitor: &Doc) -> bool {
    let key = condition
        .get("key")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let actual = visitor
        .obj_field("customAttributes")
        .and_then(|a| a.get(key))
        .filter(|v| !v.is_null());
    let expected = condition.get("value");
    let numbers = || Some((actual?.as_f64()?, expected?.as_f64()?));
    match condition.get("operator").and_then(Value::as_str) {
        Some("equals") => actual.is_some() && actual == expected,
        Some("is_set") => actual.is_some(),
        Some("greater_than") => numbers().is_some_and(|(a, e)| a > e),
        Some("less_than") => numbers().is_some_and(|(a, e)| a < e),
        _ => false,
    }
}
