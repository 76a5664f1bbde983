//! `collections.ts`: help-center collections (CONTRACT §8): the visitor tree
//! (`listHierarchyForVisitor`) and the public reads gated by the workspace's
//! `helpCenterAccessPolicy` (`get`, `list`, `listHierarchy`; signed-in members with
//! `articles.read` see every collection of their workspace unless `publicOnly`). The agent
//! writes live in [`authoring`].

use std::collections::HashSet;

use serde_json::{json, Value};

use super::articles::{
    help_center_reader, help_center_visitor, is_visible, matches_audience, Reader,
};
use crate::convex::FnResult;
use crate::db::{Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

pub(crate) mod authoring;

const NOT_AUTHORIZED_COLLECTIONS: &str = "Not authorized to list collections for this visitor";

pub(crate) fn register(r: &mut Registry) {
    authoring::register(r);
    r.query(
        "collections:listHierarchyForVisitor",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        list_hierarchy_for_visitor,
    );
    r.query(
        "collections:list",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("parentId", id("collections")),
            opt("publicOnly", boolean()),
        ]),
        list,
    );
    r.query(
        "collections:listHierarchy",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("publicOnly", boolean()),
        ]),
        list_hierarchy,
    );
    r.query(
        "collections:get",
        object(vec![
            opt("id", id("collections")),
            opt("slug", string()),
            opt("workspaceId", id("workspaces")),
        ]),
        get,
    );
}

fn order_of(collection: &Doc) -> f64 {
    collection.f64_field("order").unwrap_or(0.0)
}

/// Sorts by `order`, keeping creation order among equals (JavaScript's sort is stable).
fn sort_by_order(collections: &mut [Doc]) {
    collections.sort_by(|a, b| order_of(a).total_cmp(&order_of(b)));
}

/// The collection plus `articleCount` (all its articles) and `publishedArticleCount` (the
/// published public ones), as the public list functions return it.
fn with_counts(db: &Db, collection: Doc) -> Doc {
    let mut all = 0u32;
    let mut published = 0u32;
    for article in db
        .scan("articles")
        .filter(|a| a.str_field("collectionId") == Some(collection.id()))
    {
        all += 1;
        if is_visible(article) {
            published += 1;
        }
    }
    let mut out = collection;
    out.insert("articleCount".into(), json!(all));
    out.insert("publishedArticleCount".into(), json!(published));
    out
}

/// Public callers (and agents asking for `publicOnly`) only see collections with a published
/// article.
fn listing(db: &Db, collections: Vec<Doc>, all: bool) -> Value {
    let mut enriched: Vec<Doc> = collections
        .into_iter()
        .map(|c| with_counts(db, c))
        .filter(|c| all || c.f64_field("publishedArticleCount").unwrap_or(0.0) > 0.0)
        .collect();
    sort_by_order(&mut enriched);
    Value::Array(enriched.into_iter().map(Value::Object).collect())
}

/// `authUser && !args.publicOnly`.
fn sees_all(reader: Reader, args: &Doc) -> bool {
    reader == Reader::Agent && args.get("publicOnly").and_then(Value::as_bool) != Some(true)
}

fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let Some(reader) = help_center_reader(ctx, workspace_id)? else {
        return Ok(json!([]));
    };
    let parent = args.str_field("parentId");
    let children = ctx.db.filter("collections", |c| {
        c.str_field("workspaceId") == Some(workspace_id) && c.str_field("parentId") == parent
    });
    Ok(listing(ctx.db, children, sees_all(reader, args)))
}

fn list_hierarchy(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let Some(reader) = help_center_reader(ctx, workspace_id)? else {
        return Ok(json!([]));
    };
    let all = ctx.db.filter("collections", |c| {
        c.str_field("workspaceId") == Some(workspace_id)
    });
    Ok(listing(ctx.db, all, sees_all(reader, args)))
}

fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let by_id = args.str_field("id").and_then(|id| ctx.db.get(id));
    let Some(workspace_id) = by_id
        .and_then(|c| c.str_field("workspaceId"))
        .or_else(|| args.str_field("workspaceId"))
    else {
        return Ok(Value::Null);
    };
    if help_center_reader(ctx, workspace_id)?.is_none() {
        return Ok(Value::Null);
    }
    if let Some(collection) = by_id {
        return Ok(Value::Object(collection.clone()));
    }
    let Some(slug) = args.str_field("slug").filter(|s| !s.is_empty()) else {
        return Ok(Value::Null);
    };
    Ok(ctx
        .db
        .find("collections", |c| {
            c.str_field("workspaceId") == Some(workspace_id) && c.str_field("slug") == Some(slug)
        })
        .cloned()
        .map_or(Value::Null, Value::Object))
}

/// A flat list: the collections holding visible articles plus all their ancestors, with the
/// visible counts, sorted by `order`.
fn list_hierarchy_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor) = help_center_visitor(ctx, args, NOT_AUTHORIZED_COLLECTIONS)? else {
        return Ok(json!([]));
    };
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let collections = ctx.db.filter("collections", |c| {
        c.str_field("workspaceId") == Some(workspace_id)
    });
    let visible: Vec<Doc> = ctx.db.filter("articles", |a| {
        a.str_field("workspaceId") == Some(workspace_id)
            && is_visible(a)
            && matches_audience(a, &visitor)
    });
    let parent_of = |id: &str| {
        collections
            .iter()
            .find(|c| c.id() == id)
            .and_then(|c| c.str_field("parentId"))
    };
    let mut shown: HashSet<String> = HashSet::new();
    for direct in visible.iter().filter_map(|a| a.non_empty("collectionId")) {
        let mut cursor = Some(direct);
        while let Some(id) = cursor.filter(|id| !shown.contains(*id)) {
            shown.insert(id.to_owned());
            cursor = parent_of(id);
        }
    }
    let mut out: Vec<Doc> = collections
        .iter()
        .filter(|c| shown.contains(c.id()))
        .map(|c| {
            let count = visible
                .iter()
                .filter(|a| a.str_field("collectionId") == Some(c.id()))
                .count();
            let mut c = c.clone();
            c.insert("articleCount".into(), json!(count));
            c.insert("publishedArticleCount".into(), json!(count));
            c
        })
        .collect();
    sort_by_order(&mut out);
    Ok(Value::Array(out.into_iter().map(Value::Object).collect()))
}
