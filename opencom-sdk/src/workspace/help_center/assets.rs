//! Image assets for articles: the upload checks, upload, list and delete.

use std::time::Duration;

use serde_json::Value;

use crate::conversations::check_id;
use crate::error::{Error, Result};
use crate::wire::agent::articles::{AssetUploadUrl, DeleteAsset, ListAssets, SaveAsset};
use crate::workspace::doc::{number, required, text};

use super::HelpCenterAdminClient;

/// The largest image asset Opencom accepts: 5 MiB.
///
/// ```
/// assert_eq!(opencom_sdk::MAX_ASSET_BYTES, 5 * 1024 * 1024);
/// ```
pub const MAX_ASSET_BYTES: u64 = 5 * 1024 * 1024;

/// The image types Opencom accepts as article assets.
///
/// ```
/// assert!(opencom_sdk::ASSET_MIME_TYPES.contains(&"image/webp"));
/// ```
pub const ASSET_MIME_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
];

/// How long an asset upload may take.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// An image to upload with [`HelpCenterAdminClient::upload_asset`].
///
/// The type comes from the file-name extension (`png`, `jpg`/`jpeg`, `gif`, `webp`, `avif`)
/// unless set with [`mime_type`](Self::mime_type). Size and type are checked before anything
/// is sent.
///
/// ```
/// let image = opencom_sdk::AssetUpload::new("login.png", vec![0x89, b'P', b'N', b'G'])
///     .article("k57article");
/// # let _ = image;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AssetUpload {
    file_name: String,
    bytes: Vec<u8>,
    mime_type: Option<String>,
    article_id: Option<String>,
}

/// Shows the name, type and size, not the bytes.
impl std::fmt::Debug for AssetUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssetUpload")
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .field("size", &self.bytes.len())
            .field("article_id", &self.article_id)
            .finish()
    }
}

impl AssetUpload {
    /// An image file's name and bytes.
    ///
    /// ```
    /// let image = opencom_sdk::AssetUpload::new("chart.webp", vec![1, 2, 3]);
    /// # let _ = image;
    /// ```
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            file_name: file_name.into(),
            bytes: bytes.into(),
            mime_type: None,
            article_id: None,
        }
    }

    /// The MIME type, when the name has no telling extension.
    ///
    /// ```
    /// let image = opencom_sdk::AssetUpload::new("chart", vec![1]).mime_type("image/png");
    /// # let _ = image;
    /// ```
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// Attaches it to an article (so [`HelpCenterAdminClient::list_assets`] can filter by it).
    ///
    /// ```
    /// let image = opencom_sdk::AssetUpload::new("a.png", vec![1]).article("k57article");
    /// # let _ = image;
    /// ```
    pub fn article(mut self, article_id: impl Into<String>) -> Self {
        self.article_id = Some(article_id.into());
        self
    }

    /// The MIME type that will be sent, after the checks.
    fn checked_mime(&self) -> Result<String> {
        if self.file_name.trim().is_empty() {
            return Err(Error::invalid("file_name", "must not be empty"));
        }
        if let Some(article) = &self.article_id {
            check_id("article_id", article)?;
        }
        if self.bytes.is_empty() {
            return Err(Error::invalid("bytes", "the image is empty"));
        }
        if self.bytes.len() as u64 > MAX_ASSET_BYTES {
            return Err(Error::invalid(
                "bytes",
                format!(
                    "{} bytes is more than the 5 MiB ({MAX_ASSET_BYTES} bytes) limit",
                    self.bytes.len()
                ),
            ));
        }
        let mime = match &self.mime_type {
            Some(mime) => mime.trim().to_ascii_lowercase(),
            None => image_mime_for(&self.file_name)
                .unwrap_or_default()
                .to_owned(),
        };
        if !ASSET_MIME_TYPES.contains(&mime.as_str()) {
            return Err(Error::invalid(
                "mime_type",
                "only PNG, JPEG, GIF, WEBP and AVIF images are accepted",
            ));
        }
        Ok(mime)
    }
}

/// The image type of a file name's extension.
fn image_mime_for(file_name: &str) -> Option<&'static str> {
    let (_, ext) = file_name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        _ => return None,
    })
}

/// An uploaded article image.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ArticleAsset {
    /// Asset id.
    pub id: String,
    /// What to write in article Markdown: `oc-asset://<id>`, e.g. `![alt](oc-asset://…)`.
    /// Readers get it replaced by [`url`](Self::url).
    pub reference: String,
    /// Where the image can be downloaded.
    pub url: Option<String>,
    /// The stored file name (sanitised by the server).
    pub file_name: String,
    /// The image type.
    pub mime_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The article it was uploaded for.
    pub article_id: Option<String>,
}

impl ArticleAsset {
    fn from_json(doc: &Value, id_key: &str) -> Result<Self> {
        let id = required(doc, id_key, "asset")?;
        Ok(Self {
            reference: text(doc, "reference").unwrap_or_else(|| format!("oc-asset://{id}")),
            id,
            url: text(doc, "url"),
            file_name: text(doc, "fileName").unwrap_or_default(),
            mime_type: text(doc, "mimeType").unwrap_or_default(),
            size: number(doc, "size").unwrap_or(0.0).max(0.0) as u64,
            article_id: text(doc, "articleId"),
        })
    }
}

impl HelpCenterAdminClient {
    /// Uploads an image for articles: checks it (at most [`MAX_ASSET_BYTES`], one of
    /// [`ASSET_MIME_TYPES`]: [`Error::InvalidInput`] before any request), asks for an upload
    /// URL, sends the bytes and saves the asset. Put [`ArticleAsset::reference`] in article
    /// Markdown. Needs `articles.create`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let bytes = std::fs::read("login.png").unwrap_or_default();
    /// let asset = client
    ///     .help_center()
    ///     .upload_asset("k57workspace", opencom_sdk::AssetUpload::new("login.png", bytes))
    ///     .await?;
    /// let markdown = format!("![The login screen]({})", asset.reference);
    /// # let _ = markdown; Ok(()) }
    /// ```
    pub async fn upload_asset(
        &self,
        workspace_id: &str,
        upload: AssetUpload,
    ) -> Result<ArticleAsset> {
        check_id("workspace_id", workspace_id)?;
        let mime = upload.checked_mime()?;
        let upload_url = self.ctx.request(&AssetUploadUrl { workspace_id }).await?;
        let (status, body) = self
            .ctx
            .transport
            .upload(&upload_url, &mime, upload.bytes, UPLOAD_TIMEOUT)
            .await?;
        let body: Value = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            message: format!("upload answer: {e}"),
        })?;
        if !(200..300).contains(&status) {
            return Err(Error::Server {
                message: format!("upload refused with HTTP {status}"),
            });
        }
        let storage_id = text(&body, "storageId").ok_or_else(|| Error::Decode {
            message: "upload answer without storageId".into(),
        })?;
        let saved = self
            .ctx
            .request(&SaveAsset {
                workspace_id,
                storage_id: &storage_id,
                file_name: &upload.file_name,
                article_id: upload.article_id.as_deref(),
            })
            .await?;
        let mut asset = ArticleAsset::from_json(&saved, "assetId")?;
        asset.article_id = upload.article_id;
        Ok(asset)
    }

    /// The workspace's images, newest first; only those uploaded for `article_id` when given
    /// (`articles:listAssets`). Needs `articles.read`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// let all = client.help_center().list_assets("k57workspace", None).await?;
    /// # let _ = all; Ok(()) }
    /// ```
    pub async fn list_assets(
        &self,
        workspace_id: &str,
        article_id: Option<&str>,
    ) -> Result<Vec<ArticleAsset>> {
        check_id("workspace_id", workspace_id)?;
        if let Some(article) = article_id {
            check_id("article_id", article)?;
        }
        let rows = self
            .ctx
            .request(&ListAssets {
                workspace_id,
                article_id,
            })
            .await?;
        rows.iter()
            .map(|doc| ArticleAsset::from_json(doc, "_id"))
            .collect()
    }

    /// Deletes an image. Refused while an article's content still references it
    /// ([`Error::InvalidInput`] on `asset_id`, naming the articles). Needs `articles.delete`.
    ///
    /// ```no_run
    /// # async fn run(client: opencom_sdk::WorkspaceClient) -> opencom_sdk::Result<()> {
    /// client.help_center().delete_asset("k57workspace", "k57asset").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_asset(&self, workspace_id: &str, asset_id: &str) -> Result<()> {
        check_id("workspace_id", workspace_id)?;
        check_id("asset_id", asset_id)?;
        self.ctx
            .request(&DeleteAsset {
                workspace_id,
                asset_id,
            })
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_checks_run_before_the_network() {
        let ok = AssetUpload::new("a.JPG", vec![1]).checked_mime();
        assert_eq!(ok.ok().as_deref(), Some("image/jpeg"));
        let explicit = AssetUpload::new("blob", vec![1])
            .mime_type("image/avif")
            .checked_mime();
        assert_eq!(explicit.ok().as_deref(), Some("image/avif"));
        let field = |upload: AssetUpload| match upload.checked_mime() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => format!("{other:?}"),
        };
        assert_eq!(field(AssetUpload::new("a.pdf", vec![1])), "mime_type");
        assert_eq!(field(AssetUpload::new("a.svg", vec![1])), "mime_type");
        assert_eq!(field(AssetUpload::new("a.png", Vec::new())), "bytes");
        let limit = MAX_ASSET_BYTES as usize;
        assert_eq!(
            field(AssetUpload::new("a.png", vec![0; limit + 1])),
            "bytes"
        );
        assert!(AssetUpload::new("a.png", vec![0; limit])
            .checked_mime()
            .is_ok());
        assert_eq!(field(AssetUpload::new(" ", vec![1])), "file_name");
        assert!(!format!("{:?}", AssetUpload::new("a.png", vec![7; 3])).contains("[7"));
    }
}
