//! `tourProgress.ts` (CONTRACT §13): a visitor's progress through a tour. `start` (re-starts a
//! forced or expired-snoozed tour), `advance` (checks the step's route, advance mode, element
//! click and field fill, recording a diagnostic when blocked), `skipStep`, `checkpoint`,
//! `complete`, `dismiss`, `dismissPermanently`, `snooze` (24 h), `restart`, and the queries
//! `getActive` and `getAvailableTours` (display mode, page URL and audience).

use serde_json::{json, Value};

use super::audience::{matches_audience, resolve_visitor, Access};
use super::tours::{ordered_steps, priority_ascending};
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

const SNOOZE_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;
const REASONS: &[&str] = &[
    "mode_mismatch",
    "element_click_required",
    "field_fill_required",
    "field_fill_invalid",
    "route_mismatch",
    "checkpoint_invalid_route",
    "selector_missing",
];
const CHECKPOINT_FIELDS: &[&str] = &["checkpointStep", "checkpointRoute", "checkpointSelector"];
const BLOCKED_FIELDS: &[&str] = &["lastBlockedReason", "lastBlockedMode", "lastBlockedAt"];

fn base() -> Vec<crate::validator::Field> {
    vec![
        req("workspaceId", id("workspaces")),
        opt("visitorId", id("visitors")),
        opt("sessionToken", string()),
    ]
}

fn with(
    mut fields: Vec<crate::validator::Field>,
    more: Vec<crate::validator::Field>,
) -> crate::validator::Validator {
    fields.extend(more);
    object(fields)
}

pub(crate) fn register(r: &mut Registry) {
    r.query("tourProgress:getActive", object(base()), get_active);
    r.query(
        "tourProgress:getAvailableTours",
        with(base(), vec![opt("currentUrl", string())]),
        get_available_tours,
    );
    r.mutation(
        "tourProgress:start",
        with(
            base(),
            vec![
                req("tourId", id("tours")),
                opt("force", boolean()),
                opt("currentUrl", string()),
            ],
        ),
        start,
    );
    r.mutation(
        "tourProgress:advance",
        with(
            base(),
            vec![
                req("tourId", id("tours")),
                opt("mode", literals(&["click", "elementClick", "fieldFill"])),
                opt("targetMatched", boolean()),
                opt("fieldValue", string()),
                opt("selector", string()),
                opt("currentUrl", string()),
            ],
        ),
        advance,
    );
    r.mutation(
        "tourProgress:skipStep",
        with(
            base(),
            vec![
                req("tourId", id("tours")),
                req("reason", literals(REASONS)),
                opt("selector", string()),
                opt("currentUrl", string()),
            ],
        ),
        skip_step,
    );
    r.mutation(
        "tourProgress:checkpoint",
        with(
            base(),
            vec![
                req("tourId", id("tours")),
                opt("currentUrl", string()),
                opt("selector", string()),
                opt("blockedReason", literals(REASONS)),
                opt(
                    "mode",
                    literals(&["click", "elementClick", "fieldFill", "system"]),
                ),
            ],
        ),
        checkpoint,
    );
    let tour_only = || with(base(), vec![req("tourId", id("tours"))]);
    r.mutation("tourProgress:complete", tour_only(), complete);
    r.mutation("tourProgress:dismiss", tour_only(), dismiss);
    r.mutation(
        "tourProgress:dismissPermanently",
        tour_only(),
        dismiss_permanently,
    );
    r.mutation("tourProgress:snooze", tour_only(), snooze);
    r.mutation("tourProgress:restart", tour_only(), restart);
}

/// `resolveAuthorizedTourVisitor`: an agent (`tours.manage`) names a visitor of the workspace.
fn tour_visitor(ctx: &Ctx<'_>, args: &Doc, workspace_id: &str) -> Result<String, FnError> {
    let access = Access {
        permission: "tours.manage",
        what: "tour access",
        not_found: None,
    };
    resolve_visitor(ctx, args, workspace_id, &access)
}

/// The tour of the call, checked to be in the workspace, and the caller's visitor.
fn tour_and_visitor(ctx: &Ctx<'_>, args: &Doc) -> Result<(Doc, String), FnError> {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let tour_id = args.str_field("tourId").unwrap_or_default();
    let tour = ctx
        .db
        .get_cloned(tour_id)
        .ok_or_else(|| FnError::msg("Tour not found"))?;
    if tour.str_field("workspaceId") != Some(workspace_id) {
        return Err(FnError::msg("Tour does not belong to workspace"));
    }
    let visitor_id = tour_visitor(ctx, args, workspace_id)?;
    Ok((tour, visitor_id))
}

fn progress_of(ctx: &Ctx<'_>, visitor_id: &str, tour_id: &str) -> Option<Doc> {
    ctx.db
        .find("tourProgress", |p| {
            p.str_field("visitorId") == Some(visitor_id) && p.str_field("tourId") == Some(tour_id)
        })
        .cloned()
}

/// `loadProgressContext`: the tour, the visitor's progress (`"Tour progress not found"`) and
/// the ordered steps.
fn load(ctx: &Ctx<'_>, args: &Doc) -> Result<(Doc, Vec<Doc>), FnError> {
    let (tour, visitor_id) = tour_and_visitor(ctx, args)?;
    let progress = progress_of(ctx, &visitor_id, tour.id())
        .ok_or_else(|| FnError::msg("Tour progress not found"))?;
    Ok((progress, ordered_steps(ctx, tour.id())))
}

fn current_step(progress: &Doc) -> usize {
    progress.f64_field("currentStep").unwrap_or(0.0).max(0.0) as usize
}

/// `buildCheckpoint(step, stepDoc)`: the fields to set, and the ones to unset (undefined).
fn checkpoint_fields(index: usize, step: Option<&Doc>) -> (Doc, Vec<&'static str>) {
    let route = step
        .and_then(|s| s.str_field("routePath"))
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let selector = step.and_then(|s| s.get("elementSelector")).cloned();
    let fields = doc([
        ("checkpointStep", step.map(|_| json!(index))),
        ("checkpointRoute", route.map(|r| json!(r))),
        ("checkpointSelector", selector.clone()),
    ]);
    let mut unset = Vec::new();
    if step.is_none() {
        unset.push("checkpointStep");
    }
    if route.is_none() {
        unset.push("checkpointRoute");
    }
    if selector.is_none() {
        unset.push("checkpointSelector");
    }
    (fields, unset)
}

/// Patches `set`, then unsets `unset` (fields in `set` are never unset).
fn patch(ctx: &mut Ctx<'_>, id: &str, set: Doc, unset: &[&str]) {
    let unset: Vec<&str> = unset
        .iter()
        .copied()
        .filter(|k| !set.contains_key(*k))
        .collect();
    ctx.db.patch_unset(id, set, &unset);
}

fn start(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (tour, visitor_id) = tour_and_visitor(ctx, args)?;
    let steps = ordered_steps(ctx, tour.id());
    let now = ctx.now;
    let current_url = args.get("currentUrl").cloned();
    if let Some(existing) = progress_of(ctx, &visitor_id, tour.id()) {
        let snooze_over = existing.str_field("status") == Some("snoozed")
            && existing
                .f64_field("snoozedUntil")
                .is_some_and(|until| until < now);
        if args.bool_field("force") == Some(true) || snooze_over {
            let (mut set, mut unset) = checkpoint_fields(0, steps.first());
            set.extend(doc([
                ("status", Some(json!("in_progress"))),
                ("currentStep", Some(json!(0))),
                ("lastSeenUrl", current_url),
                ("updatedAt", Some(json!(now))),
            ]));
            unset.extend(["snoozedUntil", "completedAt", "lastSeenUrl"]);
            unset.extend(BLOCKED_FIELDS);
            patch(ctx, existing.id(), set, &unset);
            return Ok(json!(existing.id()));
        }
        if existing.str_field("status") == Some("in_progress") {
            let index = current_step(&existing);
            let (mut set, mut unset) = checkpoint_fields(index, steps.get(index));
            set.extend(doc([
                ("lastSeenUrl", current_url),
                ("updatedAt", Some(json!(now))),
            ]));
            unset.push("lastSeenUrl");
            patch(ctx, existing.id(), set, &unset);
        }
        return Ok(json!(existing.id()));
    }
    let (mut fields, _) = checkpoint_fields(0, steps.first());
    fields.extend(doc([
        ("visitorId", Some(json!(visitor_id))),
        ("tourId", Some(json!(tour.id()))),
        ("currentStep", Some(json!(0))),
        ("lastSeenUrl", current_url),
        ("status", Some(json!("in_progress"))),
        ("createdAt", Some(json!(now))),
        ("updatedAt", Some(json!(now))),
    ]));
    Ok(json!(ctx.db.insert("tourProgress", fields, now)))
}

fn require_in_progress(progress: &Doc) -> Result<(), FnError> {
    if progress.str_field("status") != Some("in_progress") {
        return Err(FnError::msg("Tour is not in progress"));
    }
    Ok(())
}

/// `recordDiagnostic`: a `tourProgressDiagnostics` row.
#[allow(clippy::too_many_arguments)]
fn record_diagnostic(
    ctx: &mut Ctx<'_>,
    progress: &Doc,
    step: &Doc,
    reason: &str,
    mode: &str,
    args: &Doc,
    metadata: Option<Value>,
) {
    let now = ctx.now;
    ctx.db.insert(
        "tourProgressDiagnostics",
        doc([
            ("progressId", Some(json!(progress.id()))),
            ("tourId", progress.get("tourId").cloned()),
            ("visitorId", progress.get("visitorId").cloned()),
            (
                "stepOrder",
                step.get("order")
                    .cloned()
                    .or_else(|| progress.get("currentStep").cloned()),
            ),
            ("reason", Some(json!(reason))),
            ("mode", Some(json!(mode))),
            ("currentUrl", args.get("currentUrl").cloned()),
            (
                "selector",
                args.get("selector")
                    .or_else(|| step.get("elementSelector"))
                    .cloned(),
            ),
            ("metadata", metadata),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
}

/// Moves the progress to step `next` (completing the tour past the last step) with `extra`
/// patched in; returns the new status.
fn move_to(
    ctx: &mut Ctx<'_>,
    progress: &Doc,
    steps: &[Doc],
    next: usize,
    mut extra: Doc,
    mut unset: Vec<&'static str>,
) -> &'static str {
    let now = ctx.now;
    extra.extend(doc([
        ("currentStep", Some(json!(next))),
        ("updatedAt", Some(json!(now))),
    ]));
    let status = match steps.get(next) {
        None => {
            extra.extend(doc([
                ("status", Some(json!("completed"))),
                ("completedAt", Some(json!(now))),
            ]));
            unset.extend(CHECKPOINT_FIELDS);
            "completed"
        }
        Some(step) => {
            let (set, more) = checkpoint_fields(next, Some(step));
            extra.extend(set);
            unset.extend(more);
            "in_progress"
        }
    };
    patch(ctx, progress.id(), extra, &unset);
    status
}

/// `evaluateRouteMatch(routePath, currentUrl)`: `(matches, invalidRoute)`.
fn route_match(route_path: Option<&str>, current_url: Option<&str>) -> (bool, bool) {
    let Some(route) = route_path.map(str::trim).filter(|r| !r.is_empty()) else {
        return (true, false);
    };
    let Some(current) = current_url.filter(|u| !u.is_empty()) else {
        return (true, false);
    };
    let Ok(parsed) = url::Url::parse(current) else {
        return (false, false);
    };
    let search = |u: &url::Url| u.query().map(|q| format!("?{q}")).unwrap_or_default();
    let origin = parsed.origin().ascii_serialization();
    let path = parsed.path().to_owned();
    let current_path = format!("{path}{}", search(&parsed));
    let current_absolute = format!("{origin}{current_path}");
    let lower = route.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let Ok(route_url) = url::Url::parse(route) else {
            return (false, true);
        };
        let route_absolute = format!(
            "{}{}{}",
            route_url.origin().ascii_serialization(),
            route_url.path(),
            search(&route_url)
        );
        if route_absolute.contains('*') {
            return (wildcard(&route_absolute, &current_absolute), false);
        }
        return (route_absolute == current_absolute, false);
    }
    if route.starts_with('/') {
        if route.contains('*') {
            return (wildcard(route, &current_path), false);
        }
        return (route == current_path || route == path, false);
    }
    if route.contains('*') {
        return (
            wildcard(route, &current_absolute) || wildcard(route, &current_path),
            false,
        );
    }
    (
        route == current_absolute || route == current_path || route == path,
        false,
    )
}

/// `wildcardMatch`: the whole `value` matches `pattern`, where `*` is any run of characters.
fn wildcard(pattern: &str, value: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match parts.split_first() {
        Some(split) => split,
        None => return value.is_empty(),
    };
    let Some(mut remaining) = value.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

fn advance(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, steps) = load(ctx, args)?;
    require_in_progress(&progress)?;
    let now = ctx.now;
    let index = current_step(&progress);
    let mode = args.str_field("mode").unwrap_or("click");
    let Some(step) = steps.get(index) else {
        let set = doc([
            ("status", Some(json!("completed"))),
            ("completedAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
        ]);
        patch(ctx, progress.id(), set, CHECKPOINT_FIELDS);
        return Ok(json!({"progressId": progress.id(), "advanced": true,
                         "status": "completed", "nextStep": index}));
    };
    let (matches, invalid) = route_match(step.str_field("routePath"), args.str_field("currentUrl"));
    let expected = step.str_field("advanceOn").unwrap_or("click");
    let blocked = if invalid {
        Some("checkpoint_invalid_route")
    } else if !matches {
        Some("route_mismatch")
    } else if mode != expected {
        Some("mode_mismatch")
    } else if expected == "elementClick" && args.bool_field("targetMatched") != Some(true) {
        Some("element_click_required")
    } else if expected == "fieldFill"
        && args
            .str_field("fieldValue")
            .map(str::trim)
            .unwrap_or_default()
            .is_empty()
    {
        Some("field_fill_required")
    } else {
        None
    };
    if let Some(reason) = blocked {
        let metadata = json!({"expectedMode": expected, "providedMode": mode,
                              "targetMatched": args.get("targetMatched").cloned().unwrap_or(Value::Null)});
        record_diagnostic(ctx, &progress, step, reason, mode, args, Some(metadata));
        let (mut set, mut unset) = checkpoint_fields(index, Some(step));
        set.extend(doc([
            ("lastSeenUrl", args.get("currentUrl").cloned()),
            ("lastBlockedReason", Some(json!(reason))),
            ("lastBlockedMode", Some(json!(mode))),
            ("lastBlockedAt", Some(json!(now))),
            ("updatedAt", Some(json!(now))),
        ]));
        unset.push("lastSeenUrl");
        patch(ctx, progress.id(), set, &unset);
        return Ok(json!({"progressId": progress.id(), "advanced": false,
                         "blockedReason": reason, "status": progress.get("status"),
                         "nextStep": index}));
    }
    let extra = doc([("lastSeenUrl", args.get("currentUrl").cloned())]);
    let mut unset = vec!["lastSeenUrl"];
    unset.extend(BLOCKED_FIELDS);
    let status = move_to(ctx, &progress, &steps, index + 1, extra, unset);
    Ok(
        json!({"progressId": progress.id(), "advanced": true, "blockedReason": null,
              "status": status, "nextStep": index + 1}),
    )
}

fn current_step_doc(progress: &Doc, steps: &[Doc]) -> Result<Doc, FnError> {
    steps
        .get(current_step(progress))
        .cloned()
        .ok_or_else(|| FnError::msg("Current step not found"))
}

fn skip_step(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, steps) = load(ctx, args)?;
    require_in_progress(&progress)?;
    let step = current_step_doc(&progress, &steps)?;
    let reason = args.str_field("reason").unwrap_or_default();
    record_diagnostic(ctx, &progress, &step, reason, "system", args, None);
    let now = ctx.now;
    let extra = doc([
        ("lastSeenUrl", args.get("currentUrl").cloned()),
        ("lastBlockedReason", Some(json!(reason))),
        ("lastBlockedMode", Some(json!("system"))),
        ("lastBlockedAt", Some(json!(now))),
    ]);
    let next = current_step(&progress) + 1;
    let status = move_to(ctx, &progress, &steps, next, extra, vec!["lastSeenUrl"]);
    Ok(
        json!({"progressId": progress.id(), "skipped": true, "reason": reason,
              "status": status, "nextStep": next}),
    )
}

fn checkpoint(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, steps) = load(ctx, args)?;
    require_in_progress(&progress)?;
    let step = current_step_doc(&progress, &steps)?;
    let now = ctx.now;
    let blocked = args.str_field("blockedReason");
    let mode = args.str_field("mode").unwrap_or("system");
    if let Some(reason) = blocked {
        record_diagnostic(ctx, &progress, &step, reason, mode, args, None);
    }
    let (mut set, mut unset) = checkpoint_fields(current_step(&progress), Some(&step));
    set.extend(doc([
        ("lastSeenUrl", args.get("currentUrl").cloned()),
        ("lastBlockedReason", blocked.map(|r| json!(r))),
        ("lastBlockedMode", blocked.map(|_| json!(mode))),
        ("lastBlockedAt", blocked.map(|_| json!(now))),
        ("updatedAt", Some(json!(now))),
    ]));
    unset.push("lastSeenUrl");
    unset.extend(BLOCKED_FIELDS);
    patch(ctx, progress.id(), set, &unset);
    Ok(json!({"progressId": progress.id()}))
}

fn complete(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, _) = load(ctx, args)?;
    let now = ctx.now;
    let set = doc([
        ("status", Some(json!("completed"))),
        ("completedAt", Some(json!(now))),
        ("updatedAt", Some(json!(now))),
    ]);
    patch(ctx, progress.id(), set, CHECKPOINT_FIELDS);
    Ok(json!(progress.id()))
}

fn dismiss(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, _) = load(ctx, args)?;
    let set = doc([
        ("status", Some(json!("dismissed"))),
        ("updatedAt", Some(json!(ctx.now))),
    ]);
    patch(ctx, progress.id(), set, CHECKPOINT_FIELDS);
    Ok(json!(progress.id()))
}

fn dismiss_permanently(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (tour, visitor_id) = tour_and_visitor(ctx, args)?;
    let now = ctx.now;
    if let Some(progress) = progress_of(ctx, &visitor_id, tour.id()) {
        let set = doc([
            ("status", Some(json!("dismissed"))),
            ("updatedAt", Some(json!(now))),
        ]);
        patch(ctx, progress.id(), set, CHECKPOINT_FIELDS);
        return Ok(json!(progress.id()));
    }
    let fields = doc([
        ("visitorId", Some(json!(visitor_id))),
        ("tourId", Some(json!(tour.id()))),
        ("currentStep", Some(json!(0))),
        ("status", Some(json!("dismissed"))),
        ("createdAt", Some(json!(now))),
        ("updatedAt", Some(json!(now))),
    ]);
    Ok(json!(ctx.db.insert("tourProgress", fields, now)))
}

fn snooze(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, _) = load(ctx, args)?;
    let now = ctx.now;
    let set = doc([
        ("status", Some(json!("snoozed"))),
        ("snoozedUntil", Some(json!(now + SNOOZE_MS))),
        ("updatedAt", Some(json!(now))),
    ]);
    patch(ctx, progress.id(), set, &[]);
    Ok(json!(progress.id()))
}

fn restart(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let (progress, steps) = load(ctx, args)?;
    let (mut set, mut unset) = checkpoint_fields(0, steps.first());
    set.extend(doc([
        ("currentStep", Some(json!(0))),
        ("status", Some(json!("in_progress"))),
        ("updatedAt", Some(json!(ctx.now))),
    ]));
    unset.extend(["completedAt", "snoozedUntil"]);
    unset.extend(BLOCKED_FIELDS);
    patch(ctx, progress.id(), set, &unset);
    Ok(json!(progress.id()))
}

/// The active tour of a progress row, if it is still active.
fn active_tour(ctx: &Ctx<'_>, tour_id: &str) -> Option<Doc> {
    ctx.db
        .get(tour_id)
        .filter(|t| t.str_field("status") == Some("active"))
        .cloned()
}

fn get_active(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = tour_visitor(ctx, args, workspace_id)?;
    let now = ctx.now;
    let rows = ctx.db.filter("tourProgress", |p| {
        p.str_field("visitorId") == Some(visitor_id.as_str())
    });
    let mut active = Vec::new();
    for progress in rows {
        let status = progress.str_field("status");
        let woke = status == Some("snoozed")
            && progress
                .f64_field("snoozedUntil")
                .is_some_and(|until| until != 0.0 && until < now);
        if status != Some("in_progress") && !woke {
            continue;
        }
        let tour_id = progress.str_field("tourId").unwrap_or_default().to_owned();
        if let Some(tour) = active_tour(ctx, &tour_id) {
            let mut item = progress;
            item.insert("tour".into(), Value::Object(tour));
            item.insert(
                "steps".into(),
                Value::Array(
                    ordered_steps(ctx, &tour_id)
                        .into_iter()
                        .map(Value::Object)
                        .collect(),
                ),
            );
            active.push(Value::Object(item));
        }
    }
    Ok(Value::Array(active))
}

fn get_available_tours(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let visitor_id = tour_visitor(ctx, args, workspace_id)?;
    let now = ctx.now;
    let current_url = args.non_empty("currentUrl");
    let visitor = ctx.db.get_cloned(&visitor_id);
    let mut tours = super::audience::active_in_workspace(ctx, "tours", workspace_id);
    tours.sort_by(|a, b| priority_ascending(a).total_cmp(&priority_ascending(b)));
    let mut available = Vec::new();
    for tour in tours {
        let progress = progress_of(ctx, &visitor_id, tour.id());
        let status = progress.as_ref().and_then(|p| p.str_field("status"));
        let in_progress = status == Some("in_progress");
        match tour.str_field("displayMode").unwrap_or("first_time_only") {
            "first_time_only" if progress.is_some() && !in_progress => continue,
            "until_dismissed" => {
                let snoozed = status == Some("snoozed")
                    && progress
                        .as_ref()
                        .and_then(|p| p.f64_field("snoozedUntil"))
                        .is_some_and(|until| until != 0.0 && until > now);
                if status == Some("dismissed") || snoozed {
                    continue;
                }
            }
            _ => {}
        }
        let page = tour
            .obj_field("targetingRules")
            .and_then(|t| t.non_empty("pageUrl"));
        if let (false, Some(page), Some(url)) = (in_progress, page, current_url) {
            if !route_match(Some(page), Some(url)).0 {
                continue;
            }
        }
        if tour.get("audienceRules").is_some_and(|r| !r.is_null()) {
            let Some(visitor) = &visitor else {
                continue;
            };
            let mut rules = Doc::new();
            rules.insert("audienceRules".into(), tour["audienceRules"].clone());
            if !matches_audience(&rules, visitor) {
                continue;
            }
        }
        let steps: Vec<Value> = ordered_steps(ctx, tour.id())
            .into_iter()
            .map(Value::Object)
            .collect();
        let mut item = json!({"tour": tour, "steps": steps});
        if let Some(progress) = progress {
            item["progress"] = Value::Object(progress);
        }
        available.push(item);
    }
    Ok(Value::Array(available))
}

#[cfg(test)]
mod tests {
    use super::{route_match, wildcard};

    #[test]
    fn wildcards_match_whole_values() {
        assert!(wildcard("/settings/*", "/settings/billing"));
        assert!(wildcard("*", ""));
        assert!(wildcard("/a*c*e", "/abcde"));
        assert!(!wildcard("/a*c", "/abcd"));
        assert!(!wildcard("/settings", "/settings/x"));
    }

    #[test]
    fn routes_match_paths_absolute_urls_and_wildcards() {
        let url = Some("https://app.example.com/settings/billing?tab=2");
        assert_eq!(route_match(None, url), (true, false));
        assert_eq!(route_match(Some("/settings/billing"), url), (true, false));
        assert_eq!(route_match(Some("/settings/*"), url), (true, false));
        assert_eq!(route_match(Some("/home"), url), (false, false));
        assert_eq!(
            route_match(Some("https://app.example.com/settings/billing?tab=2"), url),
            (true, false)
        );
        assert_eq!(route_match(Some("https://[bad"), url), (false, true));
        assert_eq!(
            route_match(Some("/home"), Some("not a url")),
            (false, false)
        );
        assert_eq!(route_match(Some("/home"), None), (true, false));
    }
}
