//! `discovery.ts`: instance metadata, also served at `GET /.well-known/opencom.json`.

use serde_json::{json, Value};

use crate::convex::FnResult;
use crate::db::{Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) fn register(r: &mut Registry) {
    r.query("discovery:getMetadata", object(vec![]), get_metadata);
}

/// The oldest workspace (by `createdAt`, then creation order).
pub(crate) fn oldest_workspace(db: &Db) -> Option<&Doc> {
    db.scan("workspaces").min_by(|a, b| {
        let created = |d: &Doc| d.f64_field("createdAt").unwrap_or(0.0);
        created(a).total_cmp(&created(b))
    })
}

/// `{version, name, features}`; `signupMode`/`authMethods` only for agents, of which this
/// phase has none.
pub(crate) fn metadata(db: &Db) -> Value {
    let name = oldest_workspace(db)
        .and_then(|w| w.str_field("name"))
        .unwrap_or("Opencom");
    json!({
        "version": "1.0",
        "name": name,
        "features": ["chat", "knowledge-base"],
    })
}

fn get_metadata(ctx: &mut Ctx<'_>, _args: &Doc) -> FnResult {
    Ok(metadata(ctx.db))
}
