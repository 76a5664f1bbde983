//! Discovery: what `GET {site}/.well-known/opencom.json` says about a deployment.

use serde_json::Value;

use crate::context::Context;
use crate::error::{Error, Result};

/// What `/.well-known/opencom.json` says about a deployment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Discovery {
    /// Protocol version (`"1.0"`).
    pub version: String,
    /// The instance name.
    pub name: String,
    /// The deployment URL the instance advertises.
    pub convex_url: String,
    /// Features such as `chat`, `knowledge-base`.
    pub features: Vec<String>,
}

/// Reads `GET {site}/.well-known/opencom.json` (no `Origin` header, as a native client).
pub(crate) async fn discover(ctx: &Context) -> Result<Discovery> {
    let url = ctx
        .config
        .site_url
        .join(".well-known/opencom.json")
        .map_err(|e| Error::config(e.to_string()))?;
    let request = ctx
        .transport
        .http()
        .get(url)
        .timeout(ctx.config.request_timeout);
    let (status, body) = ctx.transport.send_raw(request, false).await?;
    let body: Value = serde_json::from_slice(&body).map_err(|e| Error::Decode {
        message: e.to_string(),
    })?;
    if status != 200 {
        return Err(Error::Server {
            message: format!("discovery answered HTTP {status}"),
        });
    }
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(Discovery {
        version: text("version").unwrap_or_default(),
        name: text("name").unwrap_or_default(),
        convex_url: text("convexUrl").unwrap_or_default(),
        features: body
            .get("features")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}
