//! `automationSettings.ts`: `getOrCreate` (public: the stored row or the defaults) and the
//! agent-only `get` (`null` for everyone here, as for a visitor in Opencom) (CONTRACT §12).

use serde_json::{json, Value};

use crate::convex::FnResult;
use crate::db::{Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "automationSettings:getOrCreate",
        object(vec![req("workspaceId", id("workspaces"))]),
        get_or_create,
    );
    r.query(
        "automationSettings:get",
        object(vec![req("workspaceId", id("workspaces"))]),
        get,
    );
}

/// The settings a new row starts with (`automationSettings:upsert`).
pub(crate) fn defaults() -> Doc {
    let mut out = Doc::new();
    out.insert("suggestArticlesEnabled".into(), json!(false));
    out.insert("showReplyTimeEnabled".into(), json!(false));
    out.insert("collectEmailEnabled".into(), json!(true));
    out.insert("askForRatingEnabled".into(), json!(false));
    out
}

/// Despite its name a query: nothing is stored; the defaults carry the current time.
fn get_or_create(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    if let Some(existing) = ctx.db.find("automationSettings", |s| {
        s.str_field("workspaceId") == Some(workspace_id)
    }) {
        return Ok(Value::Object(existing.clone()));
    }
    let mut out = Doc::new();
    out.insert("workspaceId".into(), json!(workspace_id));
    out.extend(defaults());
    out.insert("createdAt".into(), json!(ctx.now));
    out.insert("updatedAt".into(), json!(ctx.now));
    Ok(Value::Object(out))
}

/// Needs the `settings.workspace` permission of an agent; the mock has no agents.
fn get(_ctx: &mut Ctx<'_>, _args: &Doc) -> FnResult {
    Ok(Value::Null)
}
