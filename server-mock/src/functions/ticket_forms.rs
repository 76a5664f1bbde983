//! `ticketForms.ts`, the visitor side: `getDefaultForVisitor` (CONTRACT §11). Forms are made
//! with the control API ([`ServerMock::set_default_ticket_form`](crate::ServerMock::set_default_ticket_form)).

use serde_json::Value;

use crate::convex::FnResult;
use crate::db::{Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;
use crate::validator::Validator;

pub(crate) fn register(r: &mut Registry) {
    r.query(
        "ticketForms:getDefaultForVisitor",
        object(vec![req("workspaceId", id("workspaces"))]),
        get_default_for_visitor,
    );
}

/// The validator of a form's `fields`.
pub(crate) fn fields_validator() -> Validator {
    array(object(vec![
        req("id", string()),
        req(
            "type",
            literals(&[
                "text",
                "textarea",
                "select",
                "multi-select",
                "number",
                "date",
            ]),
        ),
        req("label", string()),
        opt("placeholder", string()),
        req("required", boolean()),
        opt("options", array(string())),
    ]))
}

/// Public, no checks: the workspace's default form, else its first form, else `null`.
fn get_default_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let in_workspace = |f: &Doc| f.str_field("workspaceId") == Some(workspace_id);
    let form = ctx
        .db
        .find("ticketForms", |f| {
            in_workspace(f) && f.bool_field("isDefault") == Some(true)
        })
        .or_else(|| ctx.db.find("ticketForms", in_workspace));
    Ok(form.cloned().map_or(Value::Null, Value::Object))
}
