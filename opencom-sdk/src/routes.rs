//! Where a push notification or a deep link should take the user.

use serde_json::Value;
use url::Url;

/// What changed on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketUpdateKind {
    /// Its status changed.
    StatusChanged,
    /// Someone commented.
    Comment,
}

/// A destination in the messenger, from a push payload or a deep link.
///
/// ```
/// use opencom_sdk::{parse_deep_link, parse_push, Route};
/// let push = serde_json::json!({"data": {"type": "new_message", "conversationId": "c1"}});
/// assert_eq!(parse_push(&push), Some(Route::NewMessage { conversation_id: "c1".into() }));
/// assert_eq!(
///     parse_deep_link("opencom://article/a9"),
///     Some(Route::Article { article_id: "a9".into() })
/// );
/// assert_eq!(parse_push(&serde_json::json!({"data": {"type": "promo"}})), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route {
    /// A new message in a conversation (push).
    NewMessage {
        /// The conversation to open.
        conversation_id: String,
    },
    /// A conversation (deep link).
    Conversation {
        /// The conversation to open.
        conversation_id: String,
    },
    /// A ticket changed (push).
    TicketUpdate {
        /// The ticket to open.
        ticket_id: String,
        /// What changed.
        kind: TicketUpdateKind,
    },
    /// A ticket (deep link).
    Ticket {
        /// The ticket to open.
        ticket_id: String,
    },
    /// The ticket list.
    Tickets,
    /// An article.
    Article {
        /// The article to open.
        article_id: String,
    },
    /// The messenger home.
    Messenger,
    /// The help center.
    HelpCenter,
}

fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b';'))
}

/// Reads a visitor push payload (Expo's `data`, or a notification object holding it). Returns
/// `None` for anything that is not an Opencom visitor notification.
pub fn parse_push(payload: &Value) -> Option<Route> {
    let data = payload
        .pointer("/request/content/data")
        .or_else(|| payload.get("data"))
        .unwrap_or(payload);
    let text = |k: &str| {
        data.get(k)
            .and_then(Value::as_str)
            .filter(|s| id_ok(s))
            .map(str::to_owned)
    };
    match data.get("type")?.as_str()? {
        "new_message" => Some(Route::NewMessage {
            conversation_id: text("conversationId")?,
        }),
        "ticket_status_changed" => Some(Route::TicketUpdate {
            ticket_id: text("ticketId")?,
            kind: TicketUpdateKind::StatusChanged,
        }),
        "ticket_comment" => Some(Route::TicketUpdate {
            ticket_id: text("ticketId")?,
            kind: TicketUpdateKind::Comment,
        }),
        _ => None,
    }
}

/// Reads `opencom://…` and `https://opencom.app/…` links: `conversation/{id}`, `article/{id}`,
/// `ticket/{id}`, `tickets`, `messenger`, `help-center`. Anything else is `None`. For the app's
/// own schemes and domains, see [`DeepLinks`].
pub fn parse_deep_link(link: &str) -> Option<Route> {
    DeepLinks::default().parse(link)
}

/// A prefix given to [`DeepLinks::new`] that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid deep-link prefix {prefix:?}: {reason}")]
pub struct InvalidDeepLinkPrefix {
    /// The prefix as given.
    pub prefix: String,
    /// Why it was refused.
    pub reason: String,
}

/// One accepted prefix: a scheme (any host and path after it) or an `https` host with a path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Prefix {
    scheme: String,
    /// `Some` for `https` prefixes: the host the link must have.
    host: Option<String>,
    /// The leading segments the link must have (after the host for `https`).
    segments: Vec<String>,
}

/// The schemes and web prefixes whose links are the messenger's, as React Navigation's
/// `linking.prefixes`: `opencom://` and `https://opencom.app/` always, plus the app's own
/// (`myapp://`, `myapp://support/`, `https://example.com/help/`). After the prefix, the path
/// reads as in [`parse_deep_link`].
///
/// ```
/// use opencom_sdk::{DeepLinks, Route};
/// let links = DeepLinks::new(["myapp://", "https://example.com/help"]).unwrap();
/// assert_eq!(
///     links.parse("myapp://conversation/c1"),
///     Some(Route::Conversation { conversation_id: "c1".into() })
/// );
/// assert_eq!(links.parse("https://example.com/help/tickets"), Some(Route::Tickets));
/// assert_eq!(links.parse("opencom://messenger"), Some(Route::Messenger));
/// assert_eq!(links.parse("https://example.com/tickets"), None); // outside /help
/// assert!(DeepLinks::new(["http://example.com"]).is_err()); // https only
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeepLinks {
    prefixes: Vec<Prefix>,
}

impl Default for DeepLinks {
    /// `opencom://` and `https://opencom.app/`.
    fn default() -> Self {
        Self {
            prefixes: vec![
                Prefix {
                    scheme: "opencom".into(),
                    host: None,
                    segments: Vec::new(),
                },
                Prefix {
                    scheme: "https".into(),
                    host: Some("opencom.app".into()),
                    segments: Vec::new(),
                },
            ],
        }
    }
}

/// The scheme, the host (for `https`) and the non-empty path segments of a link.
fn split(url: &Url) -> (Option<String>, Vec<String>) {
    let path = url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if url.scheme() == "https" {
        (url.host_str().map(str::to_owned), path.collect())
    } else {
        // myapp://conversation/c1: the host is the first segment.
        let host = url.host_str().filter(|h| !h.is_empty()).map(str::to_owned);
        (None, host.into_iter().chain(path).collect())
    }
}

impl DeepLinks {
    /// The default prefixes plus `prefixes`: a custom scheme (`myapp://`, `myapp:` or
    /// `myapp`, optionally with leading segments such as `myapp://support`) or an `https` URL
    /// (`https://example.com/help`). Plain `http`, queries, fragments, credentials and ports
    /// are refused.
    pub fn new<I, S>(prefixes: I) -> std::result::Result<Self, InvalidDeepLinkPrefix>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut links = Self::default();
        for prefix in prefixes {
            let parsed = parse_prefix(prefix.as_ref())?;
            if !links.prefixes.contains(&parsed) {
                links.prefixes.push(parsed);
            }
        }
        Ok(links)
    }

    /// Reads a link under one of the prefixes: `conversation/{id}`, `article/{id}`,
    /// `ticket/{id}`, `tickets`, `messenger`, `help-center`. Anything else is `None`.
    pub fn parse(&self, link: &str) -> Option<Route> {
        let url = Url::parse(link.trim()).ok()?;
        let (host, segments) = split(&url);
        let rest = self.prefixes.iter().find_map(|p| {
            (p.scheme == url.scheme()
                && p.host == host
                && url.port().is_none()
                && segments.starts_with(&p.segments))
            .then(|| &segments[p.segments.len()..])
        })?;
        route_of(rest)
    }
}

fn parse_prefix(prefix: &str) -> std::result::Result<Prefix, InvalidDeepLinkPrefix> {
    let refuse = |reason: &str| InvalidDeepLinkPrefix {
        prefix: prefix.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = prefix.trim();
    // `myapp` and `myapp:` mean `myapp://`.
    let text = if trimmed.contains(':') {
        if trimmed.ends_with(':') {
            format!("{trimmed}//")
        } else {
            trimmed.to_owned()
        }
    } else {
        format!("{trimmed}://")
    };
    let url = Url::parse(&text).map_err(|e| refuse(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
        return Err(refuse("credentials and ports are not allowed"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("a prefix has no query or fragment"));
    }
    match url.scheme() {
        "http" => return Err(refuse("use https (plain http links are not accepted)")),
        "https" if url.host_str().is_none_or(str::is_empty) => {
            return Err(refuse("an https prefix needs a host"))
        }
        "https" => {}
        "file" | "data" | "javascript" | "ftp" | "ws" | "wss" | "blob" => {
            return Err(refuse("not an app scheme"))
        }
        _ => {}
    }
    let (host, segments) = split(&url);
    Ok(Prefix {
        scheme: url.scheme().to_owned(),
        host,
        segments,
    })
}

/// The route of the path after a prefix.
fn route_of(segments: &[String]) -> Option<Route> {
    let id = |i: usize| segments.get(i).filter(|s| id_ok(s)).cloned();
    match (segments.first()?.as_str(), segments.len()) {
        ("conversation", 2) => Some(Route::Conversation {
            conversation_id: id(1)?,
        }),
        ("article", 2) => Some(Route::Article { article_id: id(1)? }),
        ("ticket", 2) => Some(Route::Ticket { ticket_id: id(1)? }),
        ("tickets", 1) => Some(Route::Tickets),
        ("messenger", 1) => Some(Route::Messenger),
        ("help-center", 1) => Some(Route::HelpCenter),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn push_payloads() {
        assert_eq!(
            parse_push(&json!({"type": "ticket_comment", "ticketId": "t1"})),
            Some(Route::TicketUpdate {
                ticket_id: "t1".into(),
                kind: TicketUpdateKind::Comment
            })
        );
        assert_eq!(
            parse_push(
                &json!({"request": {"content": {"data": {"type": "ticket_status_changed", "ticketId": "t2"}}}})
            ),
            Some(Route::TicketUpdate {
                ticket_id: "t2".into(),
                kind: TicketUpdateKind::StatusChanged
            })
        );
        for not_ours in [
            json!({}),
            json!({"type": "new_message"}),
            json!({"type": "new_message", "conversationId": "../../etc"}),
            json!({"type": "assignment", "conversationId": "c"}),
            json!("string"),
        ] {
            assert_eq!(parse_push(&not_ours), None, "{not_ours}");
        }
    }

    #[test]
    fn deep_links() {
        let cases = [
            (
                "opencom://conversation/c1",
                Some(Route::Conversation {
                    conversation_id: "c1".into(),
                }),
            ),
            (
                "https://opencom.app/ticket/t1",
                Some(Route::Ticket {
                    ticket_id: "t1".into(),
                }),
            ),
            ("opencom://tickets", Some(Route::Tickets)),
            ("opencom://messenger/", Some(Route::Messenger)),
            ("https://opencom.app/help-center", Some(Route::HelpCenter)),
            ("https://evil.example/conversation/c1", None),
            ("opencom://conversation", None),
            ("opencom://conversation/a/b", None),
            ("opencom://unknown/x", None),
            ("not a url", None),
        ];
        for (link, expected) in cases {
            assert_eq!(parse_deep_link(link), expected, "{link}");
        }
    }

    #[test]
    fn app_prefixes() {
        let links = DeepLinks::new([
            "myapp://",
            "second:",
            "third",
            "deep://support/inbox",
            "https://Example.com/help/",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let cases = [
            (
                "myapp://conversation/c1",
                Some(Route::Conversation {
                    conversation_id: "c1".into(),
                }),
            ),
            ("second://tickets", Some(Route::Tickets)),
            ("THIRD://messenger", Some(Route::Messenger)),
            (
                "deep://support/inbox/ticket/t9",
                Some(Route::Ticket {
                    ticket_id: "t9".into(),
                }),
            ),
            ("deep://support/ticket/t9", None),
            ("deep://ticket/t9", None),
            (
                "https://example.com/help/article/a1?utm=x#top",
                Some(Route::Article {
                    article_id: "a1".into(),
                }),
            ),
            ("https://example.com/help", None),
            ("https://example.com/article/a1", None),
            ("https://example.com.evil.net/help/article/a1", None),
            ("https://example.com:8443/help/article/a1", None),
            ("http://example.com/help/article/a1", None),
            ("other://conversation/c1", None),
            ("myapp://conversation/a%2Fb", None),
            // The defaults stay.
            ("opencom://help-center", Some(Route::HelpCenter)),
            ("https://opencom.app/tickets", Some(Route::Tickets)),
        ];
        for (link, expected) in cases {
            assert_eq!(links.parse(link), expected, "{link}");
        }
        // Without app prefixes, app links are not ours.
        assert_eq!(parse_deep_link("myapp://conversation/c1"), None);
    }

    #[test]
    fn bad_prefixes_are_refused() {
        for bad in [
            "http://example.com",
            "https://",
            "https://user:pw@example.com",
            "https://example.com:444/x",
            "https://example.com/help?x=1",
            "javascript:",
            "file:///tmp",
            "",
            "not a scheme",
        ] {
            let err = DeepLinks::new([bad]).err();
            assert!(err.is_some(), "accepted {bad:?}");
            assert_eq!(err.map(|e| e.prefix), Some(bad.to_owned()));
        }
        // Duplicates (of each other or of a default) are kept once.
        let links =
            DeepLinks::new(["opencom://", "myapp", "myapp://"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(links.prefixes.len(), 3);
    }
}
