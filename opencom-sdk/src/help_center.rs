//! The help center: collections as a tree, articles, search, feedback and instant suggestions.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde_json::Value;

use crate::context::Context;
use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::wire::functions as fns;
use crate::wire::visitor::articles::{
    self, ArticleDoc, GetForVisitor, ListForVisitor, SearchForVisitor, SubmitFeedback,
};
use crate::wire::visitor::collections::{CollectionDoc, ListHierarchyForVisitor};
use crate::wire::visitor::suggestions::SearchForWidget;
use crate::wire::{self, Call, Ignored};

/// A help-center article as a visitor sees it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Article {
    /// Opaque article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// URL slug (changes when the title changes).
    pub slug: String,
    /// Markdown source.
    pub content: String,
    /// Markdown with `oc-asset://` references replaced by URLs: render this one.
    pub rendered_content: String,
    /// The collection it belongs to.
    pub collection_id: Option<String>,
    /// Position within its collection.
    pub order: f64,
    /// Last update, epoch ms.
    pub updated_at: f64,
}

impl From<ArticleDoc> for Article {
    fn from(doc: ArticleDoc) -> Self {
        Self {
            id: doc.id,
            title: doc.title,
            slug: doc.slug,
            content: doc.content,
            rendered_content: doc.rendered_content,
            collection_id: doc.collection_id,
            order: doc.order,
            updated_at: doc.updated_at,
        }
    }
}

/// A help-center collection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Collection {
    /// Opaque collection id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Icon name or URL.
    pub icon: Option<String>,
    /// Parent collection.
    pub parent_id: Option<String>,
    /// Position among its siblings.
    pub order: f64,
    /// Articles visible to this visitor.
    pub article_count: u32,
}

impl Collection {
    /// Decodes one collection document of `collections:listHierarchy` (the team's tree).
    #[cfg_attr(not(feature = "workspace"), allow(dead_code))]
    pub(crate) fn from_json(doc: &Value) -> Result<Self> {
        wire::decode::<CollectionDoc>(fns::LIST_COLLECTION_HIERARCHY, doc.clone()).map(Self::from)
    }
}

impl From<CollectionDoc> for Collection {
    fn from(doc: CollectionDoc) -> Self {
        let count = doc.published_article_count.unwrap_or(doc.article_count);
        Self {
            id: doc.id,
            name: doc.name,
            description: doc.description,
            icon: doc.icon,
            parent_id: doc.parent_id,
            order: doc.order,
            article_count: count.max(0.0) as u32,
        }
    }
}

/// A collection with its sub-collections, in display order.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionNode {
    /// The collection.
    pub collection: Collection,
    /// Its children, sorted by `order` (then name, then id, so the order is stable).
    pub children: Vec<CollectionNode>,
}

/// Builds the tree from Opencom's flat list (`parentId` links). A collection whose parent is
/// not in the list becomes a root; a cycle cannot loop forever.
pub(crate) fn build_tree(collections: Vec<Collection>) -> Vec<CollectionNode> {
    let ids: HashSet<String> = collections.iter().map(|c| c.id.clone()).collect();
    let mut by_parent: BTreeMap<Option<String>, Vec<Collection>> = BTreeMap::new();
    for c in collections {
        let parent = c
            .parent_id
            .clone()
            .filter(|p| ids.contains(p) && *p != c.id);
        by_parent.entry(parent).or_default().push(c);
    }
    fn sort(list: &mut [Collection]) {
        list.sort_by(|a, b| {
            a.order
                .total_cmp(&b.order)
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
    }
    fn grow(
        parent: Option<String>,
        by_parent: &mut BTreeMap<Option<String>, Vec<Collection>>,
        seen: &mut HashSet<String>,
    ) -> Vec<CollectionNode> {
        let mut level = by_parent.remove(&parent).unwrap_or_default();
        sort(&mut level);
        let mut nodes = Vec::with_capacity(level.len());
        for c in level {
            if !seen.insert(c.id.clone()) {
                continue;
            }
            let children = grow(Some(c.id.clone()), by_parent, seen);
            nodes.push(CollectionNode {
                collection: c,
                children,
            });
        }
        nodes
    }
    let mut seen = HashSet::new();
    let mut roots = grow(None, &mut by_parent, &mut seen);
    // Whatever is left hangs off a cycle: show it at the root rather than lose it.
    let leftovers: Vec<Option<String>> = by_parent.keys().cloned().collect();
    for parent in leftovers {
        let mut orphans = grow(parent, &mut by_parent, &mut seen);
        roots.append(&mut orphans);
    }
    roots
}

/// An instant answer from `suggestions:searchForWidget`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Suggestion {
    /// The article id.
    pub id: String,
    /// Title.
    pub title: String,
    /// A short excerpt.
    pub snippet: String,
    /// Relevance score.
    pub score: f64,
}

/// Help center: `client.help_center()`.
#[derive(Clone, Copy)]
pub struct HelpCenterClient<'a> {
    pub(crate) ctx: &'a Arc<Context>,
}

impl HelpCenterClient<'_> {
    /// The collections this visitor can see, as a tree
    /// (`collections:listHierarchyForVisitor`).
    pub async fn collections(&self) -> Result<Vec<CollectionNode>> {
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| ListHierarchyForVisitor {
                auth: c.workspace(workspace_id),
            })
            .await?;
        Ok(build_tree(docs.into_iter().map(Collection::from).collect()))
    }

    /// Visible articles, of one collection or all (`articles:listForVisitor`).
    pub async fn articles(&self, collection_id: Option<&str>) -> Result<Vec<Article>> {
        if let Some(id) = collection_id {
            check_id("collection_id", id)?;
        }
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| ListForVisitor {
                auth: c.workspace(workspace_id),
                collection_id,
            })
            .await?;
        Ok(docs.into_iter().map(Article::from).collect())
    }

    /// Searches titles and content (`articles:searchForVisitor`, at most 20). The query is
    /// trimmed and must not be empty.
    pub async fn search(&self, query: &str) -> Result<Vec<Article>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(Error::invalid("query", "must not be empty"));
        }
        let workspace_id = &self.ctx.config.workspace_id;
        let docs = self
            .ctx
            .session
            .request(|c| SearchForVisitor {
                auth: c.workspace(workspace_id),
                query,
            })
            .await?;
        Ok(docs.into_iter().map(Article::from).collect())
    }

    /// One article by id, or `None` when it is not visible (`articles:getForVisitor`).
    pub async fn article(&self, article_id: &str) -> Result<Option<Article>> {
        check_id("article_id", article_id)?;
        let workspace_id = &self.ctx.config.workspace_id;
        let doc = self
            .ctx
            .session
            .request(|c| GetForVisitor {
                id: article_id,
                auth: c.workspace(workspace_id),
            })
            .await?;
        Ok(doc.map(Article::from))
    }

    /// One published public article by slug (`articles:get` with `slug` + `workspaceId`).
    pub async fn article_by_slug(&self, slug: &str) -> Result<Option<Article>> {
        let slug = slug.trim();
        if slug.is_empty() {
            return Err(Error::invalid("slug", "must not be empty"));
        }
        let args = articles::Get {
            id: None,
            slug: Some(slug),
            workspace_id: Some(&self.ctx.config.workspace_id),
        };
        let value = self
            .ctx
            .transport
            .call(articles::Get::FUNCTION, &args)
            .await?;
        let doc: Option<ArticleDoc> = wire::decode(articles::Get::FUNCTION, value)?;
        Ok(doc.map(Article::from))
    }

    /// Says whether an article helped (`articles:submitFeedback`).
    pub async fn submit_feedback(&self, article_id: &str, helpful: bool) -> Result<()> {
        check_id("article_id", article_id)?;
        let creds = self.ctx.session.credentials().await?;
        let args = SubmitFeedback {
            article_id,
            helpful,
            visitor_id: Some(creds.visitor_id),
        };
        let value = self
            .ctx
            .transport
            .call(SubmitFeedback::FUNCTION, &args)
            .await?;
        wire::decode::<Ignored>(SubmitFeedback::FUNCTION, value).map(|_| ())
    }

    /// Instant article suggestions while the visitor types (`suggestions:searchForWidget`).
    /// Queries shorter than 2 characters return nothing without a call; `limit` is clamped to
    /// 1–5 (default 3).
    pub async fn suggestions(&self, query: &str, limit: Option<u8>) -> Result<Vec<Suggestion>> {
        let query = query.trim();
        if query.chars().count() < 2 {
            return Ok(Vec::new());
        }
        if query.chars().count() > 200 {
            return Err(Error::invalid("query", "at most 200 characters"));
        }
        let limit = limit.unwrap_or(3).clamp(1, 5);
        let workspace_id = &self.ctx.config.workspace_id;
        let origin = self.ctx.config.origin.as_deref();
        let found = self
            .ctx
            .session
            .request(|c| SearchForWidget {
                auth: c.workspace(workspace_id),
                origin,
                query,
                limit: Some(limit),
            })
            .await?;
        Ok(found
            .into_iter()
            .map(|s| Suggestion {
                id: s.id,
                title: s.title,
                snippet: s.snippet,
                score: s.score,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, parent: Option<&str>, order: f64) -> Collection {
        Collection {
            id: id.into(),
            name: id.to_uppercase(),
            description: None,
            icon: None,
            parent_id: parent.map(Into::into),
            order,
            article_count: 0,
        }
    }

    fn shape(nodes: &[CollectionNode]) -> String {
        nodes
            .iter()
            .map(|n| {
                if n.children.is_empty() {
                    n.collection.id.clone()
                } else {
                    format!("{}({})", n.collection.id, shape(&n.children))
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn the_team_tree_counts_every_article_and_requires_the_contract_fields() {
        let doc = serde_json::json!({"_id": "c1", "name": "Start", "slug": "start", "order": 2,
            "createdAt": 1, "updatedAt": 1, "articleCount": 4, "publishedArticleCount": 1});
        assert_eq!(Collection::from_json(&doc).unwrap().article_count, 1);
        let mut all = doc.clone();
        all.as_object_mut().unwrap().remove("publishedArticleCount");
        assert_eq!(Collection::from_json(&all).unwrap().article_count, 4);
        let mut nameless = doc;
        nameless.as_object_mut().unwrap().remove("name");
        match Collection::from_json(&nameless) {
            Err(Error::Decode { message }) => {
                assert!(message.contains("collections:listHierarchy"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nested_collections_become_a_sorted_tree() {
        let flat = vec![
            c("b2", Some("b"), 2.0),
            c("a", None, 1.0),
            c("b", None, 0.0),
            c("b1", Some("b"), 1.0),
            c("b1x", Some("b1"), 0.0),
            c("orphan", Some("missing"), 5.0),
        ];
        assert_eq!(shape(&build_tree(flat)), "b(b1(b1x),b2),a,orphan");
    }

    #[test]
    fn equal_orders_are_stable_and_cycles_do_not_hang() {
        let flat = vec![c("y", None, 1.0), c("x", None, 1.0)];
        assert_eq!(shape(&build_tree(flat)), "x,y");
        let cycle = vec![
            c("p", Some("q"), 0.0),
            c("q", Some("p"), 0.0),
            c("r", None, 0.0),
        ];
        let tree = build_tree(cycle);
        let all = shape(&tree);
        assert!(
            all.contains('p') && all.contains('q') && all.contains('r'),
            "{all}"
        );
        let selfish = vec![c("s", Some("s"), 0.0)];
        assert_eq!(shape(&build_tree(selfish)), "s");
    }
}
