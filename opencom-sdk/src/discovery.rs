//! Discovery: what `GET {site}/.well-known/opencom.json` says about a deployment.

use serde::Deserialize;
use serde_json::Value;

use crate::context::Context;
use crate::error::{Error, Result};
use crate::transport::Function;
use crate::wire;

/// The well-known document, named in decode errors as if it were a function.
const WELL_KNOWN: Function = Function::query(".well-known/opencom.json");

/// The document as served: `version`, `name` and `convexUrl` are required (Opencom's own
/// validator requires them); `features` is listed by every Opencom version but is not
/// required by that validator, so an absent list means none.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct WellKnown {
    version: String,
    name: String,
    convex_url: String,
    #[serde(default)]
    features: Vec<String>,
}

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
    let doc: WellKnown = wire::decode(WELL_KNOWN, body)?;
    Ok(Discovery {
        version: doc.version,
        name: doc.name,
        convex_url: doc.convex_url,
        features: doc.features,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_document_decodes_or_names_the_missing_field() {
        let doc = json!({"version": "1.0", "name": "Opencom", "convexUrl": "https://x.convex.cloud",
                         "features": ["chat"]});
        let decoded: WellKnown = wire::decode(WELL_KNOWN, doc.clone()).unwrap();
        assert_eq!(decoded.features, vec!["chat".to_string()]);
        for field in ["version", "name", "convexUrl"] {
            let mut missing = doc.clone();
            missing.as_object_mut().unwrap().remove(field);
            match wire::decode::<WellKnown>(WELL_KNOWN, missing) {
                Err(Error::Decode { message }) => {
                    assert!(message.contains(".well-known/opencom.json"), "{message}");
                    assert!(message.contains(field), "{message}");
                }
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut wrong = doc;
        wrong["convexUrl"] = json!(3210);
        assert!(matches!(
            wire::decode::<WellKnown>(WELL_KNOWN, wrong),
            Err(Error::Decode { .. })
        ));
    }
}
