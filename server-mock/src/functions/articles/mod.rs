//! `articles.ts`: the help-center articles (CONTRACT §8): the visitor reads (`listForVisitor`,
//! `searchForVisitor`, `getForVisitor`), the public reads gated by the workspace's
//! `helpCenterAccessPolicy` (`get`, `list`, `search`; signed-in members with `articles.read`
//! see every article of their workspace, any status) and `submitFeedback`. The agent writes
//! live in [`authoring`] and [`assets`].
//!
//! A visitor-visible article is published and not `internal` (a missing `visibility` counts as
//! public). Audience rules are not evaluated: the control API cannot set them, so every
//! article matches every visitor (an absent rule matches all in Opencom too).

use serde_json::{json, Value};

use super::auth::{require_permission, require_user};
use super::widget_sessions::resolve_visitor_from_session;
use crate::convex::{FnError, FnResult};
use crate::db::{doc, Db, Doc, DocExt};
use crate::registry::{Ctx, Registry};
use crate::validator::v::*;

mod assets;
mod authoring;

/// At most this many results from the search functions.
const SEARCH_LIMIT: usize = 20;
/// The prefix of an article-asset reference in markdown.
const ASSET_PREFIX: &str = "oc-asset://";

pub(crate) fn register(r: &mut Registry) {
    authoring::register(r);
    assets::register(r);
    r.query(
        "articles:listForVisitor",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            opt("collectionId", id("collections")),
        ]),
        list_for_visitor,
    );
    r.query(
        "articles:searchForVisitor",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
            req("query", string()),
        ]),
        search_for_visitor,
    );
    r.query(
        "articles:getForVisitor",
        object(vec![
            req("id", id("articles")),
            req("workspaceId", id("workspaces")),
            opt("visitorId", id("visitors")),
            opt("sessionToken", string()),
        ]),
        get_for_visitor,
    );
    r.query(
        "articles:get",
        object(vec![
            opt("id", union(vec![id("articles"), id("internalArticles")])),
            opt("slug", string()),
            opt("workspaceId", id("workspaces")),
            opt("visibility", literals(&["public", "internal"])),
        ]),
        get,
    );
    r.query(
        "articles:list",
        object(vec![
            req("workspaceId", id("workspaces")),
            opt("status", literals(&["draft", "published", "archived"])),
            opt("collectionId", id("collections")),
            opt("visibility", literals(&["public", "internal"])),
        ]),
        list,
    );
    r.query(
        "articles:search",
        object(vec![
            req("workspaceId", id("workspaces")),
            req("query", string()),
            opt("publishedOnly", boolean()),
            opt("visibility", literals(&["public", "internal"])),
        ]),
        search,
    );
    r.mutation(
        "articles:submitFeedback",
        object(vec![
            req("articleId", id("articles")),
            req("helpful", boolean()),
            opt("visitorId", id("visitors")),
        ]),
        submit_feedback,
    );
}

/// `getArticleVisibility`: `"public"` unless the article says `"internal"`.
pub(crate) fn visibility(article: &Doc) -> &str {
    article.str_field("visibility").unwrap_or("public")
}

/// `articleIsReadableOnVisitorSurface`: public and published.
pub(crate) fn is_visible(article: &Doc) -> bool {
    visibility(article) == "public" && article.str_field("status") == Some("published")
}

/// Audience rules are never set in the mock (no control for them): everything matches, as an
/// absent rule does in Opencom.
pub(crate) fn matches_audience(_article: &Doc, _visitor: &Doc) -> bool {
    true
}

/// `helpCenterAccessPolicy` of a workspace is `"public"` (the default); false for an unknown
/// workspace.
pub(crate) fn help_center_is_public(db: &Db, workspace_id: &str) -> bool {
    db.get(workspace_id)
        .filter(|_| db.table_of(workspace_id) == Some("workspaces"))
        .is_some_and(|w| w.str_field("helpCenterAccessPolicy").unwrap_or("public") == "public")
}

/// Who reads the help center through the `get`/`list`/`search` functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    /// A signed-in member with `articles.read`: every article, any status.
    Agent,
    /// An anonymous caller of a public help center: published public articles only.
    Public,
}

/// `canReadHelpCenterArticles`: a signed-in caller needs `articles.read` in the workspace (the
/// permission errors are thrown); anyone else needs a public help center (`None` otherwise).
pub(crate) fn help_center_reader(
    ctx: &Ctx<'_>,
    workspace_id: &str,
) -> Result<Option<Reader>, FnError> {
    if require_user(ctx).is_ok() {
        require_permission(ctx, workspace_id, "articles.read")?;
        return Ok(Some(Reader::Agent));
    }
    Ok(help_center_is_public(ctx.db, workspace_id).then_some(Reader::Public))
}

/// `generateSlug`: lowercase, every run of characters outside `[a-z0-9]` becomes one `-`, and
/// one leading and one trailing `-` are dropped.
///
/// Titles are lowercased first, so non-ASCII letters turn into dashes as in JavaScript.
pub(crate) fn generate_slug(title: &str) -> String {
    let mut slug = String::new();
    let mut in_gap = false;
    for c in title.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
            in_gap = false;
        } else if !in_gap {
            slug.push('-');
            in_gap = true;
        }
    }
    let slug = slug.strip_prefix('-').unwrap_or(&slug);
    slug.strip_suffix('-').unwrap_or(slug).to_owned()
}

/// `ensureUniqueSlug`: `base`, then `base-1`, `base-2`, … until no row of `table` in the
/// workspace has it.
pub(crate) fn unique_slug(db: &Db, table: &str, workspace_id: &str, base: &str) -> String {
    let taken = |slug: &str| {
        db.find(table, |d| {
            d.str_field("workspaceId") == Some(workspace_id) && d.str_field("slug") == Some(slug)
        })
        .is_some()
    };
    let mut slug = base.to_owned();
    let mut counter = 1u32;
    while taken(&slug) {
        slug = format!("{base}-{counter}");
        counter += 1;
    }
    slug
}

/// `resolveAssetReferencesInContent`: `oc-asset://<id>` → the storage URL of that
/// `articleAssets` row of the workspace; unknown references stay as they are.
fn render_content(db: &Db, url: &str, workspace_id: &str, content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find(ASSET_PREFIX) {
        out.push_str(&rest[..at]);
        let after = &rest[at + ASSET_PREFIX.len()..];
        let id_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        let asset_id = &after[..id_len];
        let storage = db
            .get(asset_id)
            .filter(|_| !asset_id.is_empty() && db.table_of(asset_id) == Some("articleAssets"))
            .filter(|a| a.str_field("workspaceId") == Some(workspace_id))
            .and_then(|a| a.str_field("storageId"))
            .filter(|storage_id| db.get(storage_id).is_some());
        match storage {
            Some(storage_id) => out.push_str(&format!("{url}/api/storage/{storage_id}")),
            None => {
                out.push_str(ASSET_PREFIX);
                out.push_str(asset_id);
            }
        }
        rest = &after[id_len..];
    }
    out.push_str(rest);
    out
}

/// `withRenderedContent`: the article plus `renderedContent`.
pub(crate) fn with_rendered_content(db: &Db, url: &str, article: &Doc) -> Value {
    let mut out = article.clone();
    let rendered = render_content(
        db,
        url,
        article.str_field("workspaceId").unwrap_or_default(),
        article.str_field("content").unwrap_or_default(),
    );
    out.insert("renderedContent".into(), json!(rendered));
    Value::Object(out)
}

/// `resolveWidgetHelpCenterVisitor` for visitors (there are no agents): the session's visitor
/// in the workspace, `None` when it is gone or elsewhere. `mismatch` is the error for a
/// `visitorId` that is not the session's.
pub(crate) fn help_center_visitor(
    ctx: &Ctx<'_>,
    args: &Doc,
    mismatch: &str,
) -> Result<Option<Doc>, FnError> {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let resolved = resolve_visitor_from_session(ctx, args.str_field("sessionToken"), workspace_id)?;
    if args
        .str_field("visitorId")
        .is_some_and(|claimed| claimed != resolved.visitor_id)
    {
        return Err(FnError::msg(mismatch));
    }
    Ok(ctx
        .db
        .get(&resolved.visitor_id)
        .filter(|v| v.str_field("workspaceId") == Some(workspace_id))
        .cloned())
}

const NOT_AUTHORIZED_ARTICLES: &str = "Not authorized to read articles for this visitor";

fn search_term_matches(article: &Doc, term: &str) -> bool {
    let has = |key: &str| {
        article
            .str_field(key)
            .is_some_and(|text| text.to_lowercase().contains(term))
    };
    has("title") || has("content")
}

fn order_of(article: &Doc) -> f64 {
    article.f64_field("order").unwrap_or(0.0)
}

/// Published articles of a workspace, in index order (creation order).
fn published_in_workspace(db: &Db, workspace_id: &str) -> Vec<Doc> {
    db.filter("articles", |a| {
        a.str_field("workspaceId") == Some(workspace_id)
            && a.str_field("status") == Some("published")
    })
}

fn list_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor) = help_center_visitor(ctx, args, NOT_AUTHORIZED_ARTICLES)? else {
        return Ok(json!([]));
    };
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let mut articles = match args.str_field("collectionId") {
        // The `by_collection` index: Opencom does not check the collection's workspace here.
        Some(collection_id) => ctx.db.filter("articles", |a| {
            a.str_field("collectionId") == Some(collection_id)
        }),
        None => published_in_workspace(ctx.db, workspace_id),
    };
    articles.retain(|a| is_visible(a) && matches_audience(a, &visitor));
    articles.sort_by(|a, b| order_of(a).total_cmp(&order_of(b)));
    Ok(Value::Array(
        articles
            .iter()
            .map(|a| with_rendered_content(ctx.db, ctx.url, a))
            .collect(),
    ))
}

fn search_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor) = help_center_visitor(ctx, args, NOT_AUTHORIZED_ARTICLES)? else {
        return Ok(json!([]));
    };
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let term = args.str_field("query").unwrap_or_default().to_lowercase();
    let found: Vec<Value> = published_in_workspace(ctx.db, workspace_id)
        .iter()
        .filter(|a| is_visible(a) && search_term_matches(a, &term))
        .filter(|a| matches_audience(a, &visitor))
        .take(SEARCH_LIMIT)
        .map(|a| with_rendered_content(ctx.db, ctx.url, a))
        .collect();
    Ok(Value::Array(found))
}

fn get_for_visitor(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let Some(visitor) = help_center_visitor(ctx, args, NOT_AUTHORIZED_ARTICLES)? else {
        return Ok(Value::Null);
    };
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let id = args.str_field("id").unwrap_or_default();
    Ok(ctx
        .db
        .get(id)
        .filter(|a| a.str_field("workspaceId") == Some(workspace_id))
        .filter(|a| is_visible(a) && matches_audience(a, &visitor))
        .map_or(Value::Null, |a| with_rendered_content(ctx.db, ctx.url, a)))
}

fn visibility_matches(article: &Doc, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|wanted| visibility(article) == wanted)
}

/// Public callers see published public articles only, and only when the workspace's help
/// center is public; members with `articles.read` see every article of their workspace.
fn get(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let record = args
        .str_field("id")
        .and_then(|id| ctx.db.get(id))
        .filter(|a| a.str_field("workspaceId").is_some());
    let Some(workspace_id) = record
        .and_then(|a| a.str_field("workspaceId"))
        .or_else(|| args.str_field("workspaceId"))
    else {
        return Ok(Value::Null);
    };
    let Some(reader) = help_center_reader(ctx, workspace_id)? else {
        return Ok(Value::Null);
    };
    let readable = |a: &Doc| reader == Reader::Agent || is_visible(a);
    let wanted = args.str_field("visibility");
    if let Some(article) = record {
        if !visibility_matches(article, wanted) || !readable(article) {
            return Ok(Value::Null);
        }
        return Ok(with_rendered_content(ctx.db, ctx.url, article));
    }
    let Some(slug) = args.str_field("slug").filter(|s| !s.is_empty()) else {
        return Ok(Value::Null);
    };
    let found = ctx.db.find("articles", |a| {
        a.str_field("workspaceId") == Some(workspace_id) && a.str_field("slug") == Some(slug)
    });
    Ok(found
        .filter(|a| visibility_matches(a, wanted) && readable(a))
        .map_or(Value::Null, |a| with_rendered_content(ctx.db, ctx.url, a)))
}

/// `sortArticleRecordsForAdmin`: newest `updatedAt` first, then by title.
fn sort_for_admin(articles: &mut [Doc]) {
    let updated = |a: &Doc| a.f64_field("updatedAt").unwrap_or(0.0);
    articles.sort_by(|a, b| {
        updated(b).total_cmp(&updated(a)).then_with(|| {
            a.str_field("title")
                .unwrap_or_default()
                .cmp(b.str_field("title").unwrap_or_default())
        })
    });
}

fn list(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let Some(reader) = help_center_reader(ctx, workspace_id)? else {
        return Ok(json!([]));
    };
    let collection = args.str_field("collectionId");
    let status = args.str_field("status");
    let wanted = args.str_field("visibility");
    let mut articles = ctx.db.filter("articles", |a| {
        a.str_field("workspaceId") == Some(workspace_id)
            && collection.is_none_or(|c| a.str_field("collectionId") == Some(c))
            && status.is_none_or(|s| a.str_field("status") == Some(s))
            && visibility_matches(a, wanted)
            && (reader == Reader::Agent || is_visible(a))
    });
    if reader == Reader::Agent {
        sort_for_admin(&mut articles);
    } else {
        articles.sort_by(|a, b| order_of(a).total_cmp(&order_of(b)));
    }
    Ok(Value::Array(
        articles.into_iter().map(Value::Object).collect(),
    ))
}

fn search(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let workspace_id = args.str_field("workspaceId").unwrap_or_default();
    let Some(reader) = help_center_reader(ctx, workspace_id)? else {
        return Ok(json!([]));
    };
    let term = args.str_field("query").unwrap_or_default().to_lowercase();
    let wanted = args.str_field("visibility");
    let published_only = args.get("publishedOnly").and_then(Value::as_bool) == Some(true);
    let mut articles = ctx.db.filter("articles", |a| {
        a.str_field("workspaceId") == Some(workspace_id)
            && visibility_matches(a, wanted)
            && match reader {
                Reader::Agent => !published_only || a.str_field("status") == Some("published"),
                Reader::Public => is_visible(a),
            }
            && search_term_matches(a, &term)
    });
    let updated = |a: &Doc| a.f64_field("updatedAt").unwrap_or(0.0);
    articles.sort_by(|a, b| updated(b).total_cmp(&updated(a)));
    articles.truncate(SEARCH_LIMIT);
    Ok(Value::Array(
        articles.into_iter().map(Value::Object).collect(),
    ))
}

/// No checks at all, as in Opencom: anyone can rate any article.
fn submit_feedback(ctx: &mut Ctx<'_>, args: &Doc) -> FnResult {
    let now = ctx.now;
    let id = ctx.db.insert(
        "articleFeedback",
        doc([
            ("articleId", args.get("articleId").cloned()),
            ("helpful", args.get("helpful").cloned()),
            ("visitorId", args.get("visitorId").cloned()),
            ("createdAt", Some(json!(now))),
        ]),
        now,
    );
    Ok(json!(id))
}

/// `"Article not found"`.
pub(super) const ARTICLE_NOT_FOUND: &str = "Article not found";

/// An article id: a public or an internal article.
pub(super) fn article_id() -> crate::validator::Validator {
    union(vec![id("articles"), id("internalArticles")])
}

/// `ensureUniqueSlug` with an excluded row (the one being renamed keeps its own slug free).
pub(crate) fn unique_slug_except(
    db: &Db,
    table: &str,
    workspace_id: &str,
    base: &str,
    except: Option<&str>,
) -> String {
    let taken = |slug: &str| {
        db.find(table, |d| {
            d.str_field("workspaceId") == Some(workspace_id)
                && d.str_field("slug") == Some(slug)
                && Some(d.id()) != except
        })
        .is_some()
    };
    let mut slug = base.to_owned();
    let mut counter = 1u32;
    while taken(&slug) {
        slug = format!("{base}-{counter}");
        counter += 1;
    }
    slug
}

/// A row of `table` by id, if it is one.
pub(crate) fn row<'a>(db: &'a Db, table: &str, id: &str) -> Option<&'a Doc> {
    db.get(id).filter(|_| db.table_of(id) == Some(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_generate_slug() {
        assert_eq!(
            generate_slug("How to reset your password"),
            "how-to-reset-your-password"
        );
        assert_eq!(generate_slug("  Hello, World!  "), "hello-world");
        assert_eq!(generate_slug("Café & crème"), "caf-cr-me");
        assert_eq!(generate_slug("--x--"), "x");
        assert_eq!(generate_slug("!!!"), "");
    }

    #[test]
    fn slugs_are_unique_per_workspace() {
        let mut db = Db::default();
        let ws = db.insert("workspaces", Doc::new(), 1.0);
        let other = db.insert("workspaces", Doc::new(), 1.0);
        let article = |ws: &str, slug: &str| {
            doc([
                ("workspaceId", Some(json!(ws))),
                ("slug", Some(json!(slug))),
            ])
        };
        db.insert("articles", article(&ws, "faq"), 1.0);
        db.insert("articles", article(&ws, "faq-1"), 1.0);
        db.insert("articles", article(&other, "billing"), 1.0);
        assert_eq!(unique_slug(&db, "articles", &ws, "faq"), "faq-2");
        assert_eq!(unique_slug(&db, "articles", &ws, "billing"), "billing");
        assert_eq!(unique_slug(&db, "articles", &other, "faq"), "faq");
    }

    #[test]
    fn asset_references_are_rendered_when_known() {
        let mut db = Db::default();
        let ws = db.insert("workspaces", Doc::new(), 1.0);
        let file = db.insert("_storage", Doc::new(), 1.0);
        let asset = db.insert(
            "articleAssets",
            doc([
                ("workspaceId", Some(json!(ws))),
                ("storageId", Some(json!(file))),
            ]),
            1.0,
        );
        let content = format!("![a](oc-asset://{asset}) and ![b](oc-asset://unknown).");
        assert_eq!(
            render_content(&db, "http://m", &ws, &content),
            format!("![a](http://m/api/storage/{file}) and ![b](oc-asset://unknown).")
        );
        assert_eq!(render_content(&db, "http://m", &ws, "plain"), "plain");
    }
}
