//! `opencom articles import|export`: help-center articles as a directory of Markdown files.
//!
//! # File format
//!
//! ```text
//! ---
//! title: "Reset your password"
//! slug: "reset-your-password"
//! collection: "Getting Started/Accounts"
//! visibility: public
//! tags: ["account", "login"]
//! published: true
//! ---
//! The Markdown body is the article content, byte for byte.
//! ```
//!
//! * `title` is required. Values may be bare (`title: Reset your password`) or JSON-quoted.
//! * `collection` is a `/`-separated path of collection *names* (nested collections); without
//!   it, the file's sub-directory path under the import directory is used (a file at the top
//!   level goes in no collection). Missing collections are created. Names cannot contain `/`.
//! * `visibility` (`public`/`internal`), `tags` (`[a, b]`) and the status (`published:
//!   true|false`, or `status: draft|published|archived`) are optional: when absent, a new article
//!   gets the server's default (public, no tags, draft) and an existing one keeps its value.
//!
//! # Matching rule (idempotence)
//!
//! A file updates the article whose slug equals its front-matter `slug`; without a `slug` (or
//! when no article has it any more, e.g. after a rename), the article with the same title in
//! the same collection; otherwise a new article is created. Each server article is matched by
//! at most one file per run. A matched article is updated only when a field the file sets
//! differs (title, content, collection, visibility, tags, status), so re-running an import
//! changes nothing and creates nothing.
//!
//! `export` writes every article as `<collection slug path>/<slug>.md` (top-level articles in
//! the directory itself) with all of the front matter above, so importing an export back is a
//! no-op (`unchanged` == all).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use opencom_sdk::{
    AdminArticle, AdminCollection, ArticleDraft, ArticleFilter, ArticleStatus, ArticleVisibility,
    CollectionDraft, Error, WorkspaceClient,
};
use serde_json::json;

/// Why an import or export stopped as a whole (per-file problems are counted as `failed`).
///
/// Both variants carry the error they wrap as [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
pub enum ArticlesError {
    /// A request failed in a way no other file would escape (permissions, network, session).
    #[error("{0}")]
    Sdk(#[from] Error),
    /// The directory could not be read or written.
    #[error("cannot use {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> ArticlesError + '_ {
    move |source| ArticlesError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What an import did, per file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// New articles.
    pub created: u64,
    /// Existing articles that differed and were updated.
    pub updated: u64,
    /// Existing articles that already matched their file.
    pub unchanged: u64,
    /// Files that could not be imported (see `failures`).
    pub failed: u64,
    /// Collections created on the way.
    pub collections_created: u64,
    /// `(file, reason)` of each failed file.
    pub failures: Vec<(PathBuf, String)>,
}

impl ImportSummary {
    /// The `--json` form.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "collectionsCreated": self.collections_created,
            "failures": self.failures.iter().map(|(path, reason)| json!({
                "file": path.display().to_string(), "reason": reason,
            })).collect::<Vec<_>>(),
        })
    }
}

/// One parsed Markdown file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFile {
    /// Title (required).
    pub title: String,
    /// Front-matter `slug`.
    pub slug: Option<String>,
    /// Collection path (names), `None` for the top level.
    pub collection: Option<Vec<String>>,
    /// Visibility, when given.
    pub visibility: Option<ArticleVisibility>,
    /// Tags, when given.
    pub tags: Option<Vec<String>>,
    /// Wanted status, when given.
    pub status: Option<ArticleStatus>,
    /// The content.
    pub body: String,
}

/// A front-matter value: JSON-quoted strings are decoded, bare ones trimmed.
fn scalar(raw: &str) -> String {
    let raw = raw.trim();
    if raw.starts_with('"') {
        if let Ok(decoded) = serde_json::from_str::<String>(raw) {
            return decoded;
        }
    }
    if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        return raw[1..raw.len() - 1].to_owned();
    }
    raw.to_owned()
}

fn list(raw: &str) -> Result<Vec<String>, String> {
    let raw = raw.trim();
    if let Ok(items) = serde_json::from_str::<Vec<String>>(raw) {
        return Ok(items);
    }
    let inner = raw
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(|| format!("tags must look like [a, b], not `{raw}`"))?;
    Ok(inner
        .split(',')
        .map(scalar)
        .filter(|t| !t.is_empty())
        .collect())
}

fn collection_path(raw: &str) -> Option<Vec<String>> {
    let parts: Vec<String> = raw
        .split('/')
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then_some(parts)
}

/// Parses a file. `dir_collection` is the sub-directory path, used without a `collection` key.
pub fn parse_file(text: &str, dir_collection: Option<Vec<String>>) -> Result<ArticleFile, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err("no front matter: the file must start with a `---` line".into());
    }
    let mut offset = first.len();
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut closed = false;
    for line in lines {
        offset += line.len();
        let trimmed = line.trim_end();
        if trimmed == "---" {
            closed = true;
            break;
        }
        let content = trimmed.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let (key, value) = content
            .split_once(':')
            .ok_or_else(|| format!("front matter line without `key: value`: `{content}`"))?;
        fields.insert(key.trim().to_ascii_lowercase(), value.to_owned());
    }
    if !closed {
        return Err("the front matter is not closed by a `---` line".into());
    }
    let title = fields
        .get("title")
        .map(|v| scalar(v))
        .filter(|t| !t.trim().is_empty())
        .ok_or("the front matter has no `title`")?;
    let visibility = match fields.get("visibility").map(|v| scalar(v)) {
        None => None,
        Some(v) => Some(
            ArticleVisibility::parse(&v)
                .ok_or_else(|| format!("visibility must be public or internal, not `{v}`"))?,
        ),
    };
    let mut status = match fields.get("published").map(|v| scalar(v)).as_deref() {
        None => None,
        Some("true") => Some(ArticleStatus::Published),
        Some("false") => Some(ArticleStatus::Draft),
        Some(other) => return Err(format!("published must be true or false, not `{other}`")),
    };
    if let Some(raw) = fields.get("status").map(|v| scalar(v)) {
        let parsed = ArticleStatus::parse(&raw);
        if matches!(parsed, ArticleStatus::Other(_)) {
            return Err(format!(
                "status must be draft, published or archived, not `{raw}`"
            ));
        }
        status = Some(parsed);
    }
    Ok(ArticleFile {
        title,
        slug: fields
            .get("slug")
            .map(|v| scalar(v))
            .filter(|s| !s.is_empty()),
        collection: match fields.get("collection") {
            Some(raw) => collection_path(&scalar(raw)),
            None => dir_collection,
        },
        visibility,
        tags: fields.get("tags").map(|v| list(v)).transpose()?,
        status,
        body: text[offset..].to_owned(),
    })
}

/// Renders an article as a file that [`parse_file`] reads back to the same values.
pub fn render_file(article: &AdminArticle, collection: Option<&[String]>) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""));
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", quote(&article.title)));
    out.push_str(&format!("slug: {}\n", quote(&article.slug)));
    if let Some(path) = collection {
        out.push_str(&format!("collection: {}\n", quote(&path.join("/"))));
    }
    out.push_str(&format!("visibility: {}\n", article.visibility.as_str()));
    out.push_str(&format!(
        "tags: {}\n",
        serde_json::to_string(&article.tags).unwrap_or_else(|_| "[]".into())
    ));
    match article.status {
        ArticleStatus::Published => out.push_str("published: true\n"),
        ArticleStatus::Archived => out.push_str("status: archived\n"),
        _ => out.push_str("published: false\n"),
    }
    out.push_str("---\n");
    out.push_str(&article.content);
    out
}

/// Every `*.md` file under `dir`, sorted, with its sub-directory path.
fn markdown_files(dir: &Path) -> Result<Vec<(PathBuf, Vec<String>)>, ArticlesError> {
    let mut out = Vec::new();
    let mut pending = vec![(dir.to_owned(), Vec::<String>::new())];
    while let Some((current, rel)) = pending.pop() {
        let fail = io_error(&current);
        let mut entries: Vec<_> = std::fs::read_dir(&current)
            .map_err(&fail)?
            .collect::<Result<_, _>>()
            .map_err(&fail)?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(io_error(&path))?;
            if kind.is_dir() {
                let mut sub = rel.clone();
                sub.push(name);
                pending.push((path, sub));
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
            {
                out.push((path, rel.clone()));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Failures that would hit every other file too: stop the run.
fn fatal(err: &Error) -> bool {
    !matches!(err, Error::InvalidInput { .. } | Error::NotFound { .. })
}

/// The collections of a workspace by (parent, name), creating missing ones on demand.
struct Collections {
    by_key: HashMap<(Option<String>, String), String>,
    created: u64,
}

impl Collections {
    fn new(existing: &[AdminCollection]) -> Self {
        let mut by_key = HashMap::new();
        // Oldest first wins on duplicate names (the list is sorted by order).
        for c in existing {
            by_key
                .entry((c.parent_id.clone(), c.name.clone()))
                .or_insert_with(|| c.id.clone());
        }
        Self { by_key, created: 0 }
    }

    async fn resolve(
        &mut self,
        client: &WorkspaceClient,
        workspace_id: &str,
        path: &[String],
    ) -> Result<String, Error> {
        let mut parent: Option<String> = None;
        for name in path {
            let key = (parent.clone(), name.clone());
            let id = match self.by_key.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let mut draft = CollectionDraft::new(name);
                    if let Some(p) = &parent {
                        draft = draft.parent(p);
                    }
                    let id = client
                        .help_center()
                        .create_collection(workspace_id, draft)
                        .await?;
                    self.created += 1;
                    self.by_key.insert(key, id.clone());
                    id
                }
            };
            parent = Some(id);
        }
        parent.ok_or_else(|| Error::InvalidInput {
            field: "collection".into(),
            reason: "empty collection path".into(),
        })
    }
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

fn progress_bar(show: bool, len: u64) -> ProgressBar {
    let bar = if show && std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Imports every `*.md` file under `dir` into `workspace_id` (see the module docs for the
/// format and the matching rule). `progress` shows a bar on a terminal.
pub async fn import(
    client: &WorkspaceClient,
    workspace_id: &str,
    dir: &Path,
    progress: bool,
) -> Result<ImportSummary, ArticlesError> {
    let files = markdown_files(dir)?;
    let help = client.help_center();
    let mut articles = help
        .list_articles(workspace_id, ArticleFilter::new())
        .await?;
    // Oldest first, so the same file keeps matching the same article.
    articles.sort_by(|a, b| a.created_at.total_cmp(&b.created_at));
    let mut collections = Collections::new(&help.list_collections(workspace_id).await?);
    let mut summary = ImportSummary::default();
    let mut claimed: HashSet<String> = HashSet::new();
    let bar = progress_bar(progress, files.len() as u64);
    for (path, rel) in files {
        bar.set_message(path.display().to_string());
        let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
        let parsed = parse_file(&text, (!rel.is_empty()).then_some(rel));
        let result = match parsed {
            Err(reason) => Err(reason),
            Ok(file) => {
                match import_one(
                    client,
                    workspace_id,
                    &file,
                    &articles,
                    &claimed,
                    &mut collections,
                )
                .await
                {
                    Ok((outcome, id)) => {
                        claimed.insert(id);
                        Ok(outcome)
                    }
                    Err(err) if fatal(&err) => {
                        bar.finish_and_clear();
                        return Err(err.into());
                    }
                    Err(err) => Err(err.to_string()),
                }
            }
        };
        match result {
            Ok(Outcome::Created) => summary.created += 1,
            Ok(Outcome::Updated) => summary.updated += 1,
            Ok(Outcome::Unchanged) => summary.unchanged += 1,
            Err(reason) => {
                summary.failed += 1;
                summary.failures.push((path, reason));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    summary.collections_created = collections.created;
    Ok(summary)
}

async fn import_one(
    client: &WorkspaceClient,
    workspace_id: &str,
    file: &ArticleFile,
    articles: &[AdminArticle],
    claimed: &HashSet<String>,
    collections: &mut Collections,
) -> Result<(Outcome, String), Error> {
    let help = client.help_center();
    let collection_id = match &file.collection {
        Some(path) => Some(collections.resolve(client, workspace_id, path).await?),
        None => None,
    };
    let free = |a: &&AdminArticle| !claimed.contains(&a.id);
    let existing = file
        .slug
        .as_ref()
        .and_then(|slug| articles.iter().filter(free).find(|a| &a.slug == slug))
        .or_else(|| {
            articles
                .iter()
                .filter(free)
                .find(|a| a.title == file.title && a.collection_id == collection_id)
        });
    let mut draft = ArticleDraft::new(&file.title, &file.body);
    if let Some(id) = &collection_id {
        draft = draft.collection(id);
    }
    if let Some(visibility) = file.visibility {
        draft = draft.visibility(visibility);
    }
    if let Some(tags) = &file.tags {
        draft = draft.tags(tags.clone());
    }
    let Some(article) = existing else {
        let id = help.create_article(workspace_id, draft).await?;
        set_status(client, &id, &ArticleStatus::Draft, file.status.as_ref()).await?;
        return Ok((Outcome::Created, id));
    };
    if collection_id.is_none() && article.collection_id.is_some() {
        return Err(Error::InvalidInput {
            field: "collection".into(),
            reason: format!(
                "article `{}` is in a collection; the API cannot move it to the top level",
                article.slug
            ),
        });
    }
    let fields_differ = article.title != file.title
        || article.content != file.body
        || article.collection_id != collection_id
        || file.visibility.is_some_and(|v| v != article.visibility)
        || file.tags.as_ref().is_some_and(|t| *t != article.tags);
    if fields_differ {
        help.update_article(&article.id, draft).await?;
    }
    let status_changed =
        set_status(client, &article.id, &article.status, file.status.as_ref()).await?;
    let outcome = if fields_differ || status_changed {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    };
    Ok((outcome, article.id.clone()))
}

/// Moves an article from `current` to `wanted`; true when it had to change.
async fn set_status(
    client: &WorkspaceClient,
    id: &str,
    current: &ArticleStatus,
    wanted: Option<&ArticleStatus>,
) -> Result<bool, Error> {
    let help = client.help_center();
    match wanted {
        Some(wanted) if wanted != current => {
            match wanted {
                ArticleStatus::Published => help.publish_article(id).await?,
                ArticleStatus::Archived => help.archive_article(id).await?,
                _ => help.unpublish_article(id).await?,
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Writes every article of `workspace_id` under `dir` (created if needed); returns how many.
pub async fn export(
    client: &WorkspaceClient,
    workspace_id: &str,
    dir: &Path,
    progress: bool,
) -> Result<u64, ArticlesError> {
    let help = client.help_center();
    let collections = help.list_collections(workspace_id).await?;
    let articles = help
        .list_articles(workspace_id, ArticleFilter::new())
        .await?;
    let by_id: HashMap<&str, &AdminCollection> =
        collections.iter().map(|c| (c.id.as_str(), c)).collect();
    // (slug path, name path) of a collection, root first; a parent cycle stops the walk.
    let paths = |id: &str| {
        let mut slugs = Vec::new();
        let mut names = Vec::new();
        let mut seen = HashSet::new();
        let mut cursor = Some(id.to_owned());
        while let Some(current) = cursor.filter(|c| seen.insert(c.clone())) {
            let Some(c) = by_id.get(current.as_str()) else {
                break;
            };
            slugs.push(if c.slug.is_empty() {
                c.id.clone()
            } else {
                c.slug.clone()
            });
            names.push(c.name.clone());
            cursor = c.parent_id.clone();
        }
        slugs.reverse();
        names.reverse();
        (slugs, names)
    };
    let bar = progress_bar(progress, articles.len() as u64);
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let mut written = 0u64;
    for article in &articles {
        let (slugs, names) = match &article.collection_id {
            Some(id) => paths(id),
            None => (Vec::new(), Vec::new()),
        };
        let mut target = dir.to_owned();
        for slug in &slugs {
            target.push(slug);
        }
        std::fs::create_dir_all(&target).map_err(io_error(&target))?;
        let stem = if article.slug.is_empty() {
            &article.id
        } else {
            &article.slug
        };
        target.push(format!("{stem}.md"));
        let collection = (!names.is_empty()).then_some(names.as_slice());
        std::fs::write(&target, render_file(article, collection)).map_err(io_error(&target))?;
        written += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(written)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_what_they_wrap_as_source() {
        use std::error::Error as _;
        let sdk = ArticlesError::from(Error::Timeout);
        assert_eq!(sdk.to_string(), "the request timed out");
        let source = sdk.source().unwrap();
        assert_eq!(source.downcast_ref::<Error>(), Some(&Error::Timeout));
        let io = io_error(Path::new("/tmp/articles"))(std::io::Error::other("disk full"));
        assert_eq!(io.to_string(), "cannot use /tmp/articles: disk full");
        assert_eq!(io.source().unwrap().to_string(), "disk full");
    }

    #[test]
    fn front_matter_is_parsed() {
        let text = "---\ntitle: Reset: your password\nslug: reset\ntags: [a, \"b c\"]\n\
                    visibility: internal\npublished: true\n# a comment\n---\nBody\n---\nmore";
        let file = parse_file(text, Some(vec!["Dir".into()])).unwrap();
        assert_eq!(file.title, "Reset: your password");
        assert_eq!(file.slug.as_deref(), Some("reset"));
        assert_eq!(file.tags, Some(vec!["a".into(), "b c".into()]));
        assert_eq!(file.visibility, Some(ArticleVisibility::Internal));
        assert_eq!(file.status, Some(ArticleStatus::Published));
        assert_eq!(file.collection, Some(vec!["Dir".into()]));
        assert_eq!(file.body, "Body\n---\nmore");
        let crlf =
            parse_file("---\r\ntitle: T\r\ncollection: A / B\r\n---\r\nx\r\n", None).unwrap();
        assert_eq!(crlf.body, "x\r\n");
        assert_eq!(crlf.collection, Some(vec!["A".into(), "B".into()]));
        assert!(parse_file("no front matter", None).is_err());
        assert!(parse_file("---\ntitle: T\n", None).is_err());
        assert!(parse_file("---\nslug: s\n---\n", None).is_err());
        assert!(parse_file("---\ntitle: T\npublished: yes\n---\n", None).is_err());
        assert!(parse_file("---\ntitle: T\nvisibility: secret\n---\n", None).is_err());
    }
}
