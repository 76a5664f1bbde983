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
/// `ticket/{id}`, `tickets`, `messenger`, `help-center`. Anything else is `None`.
pub fn parse_deep_link(link: &str) -> Option<Route> {
    let url = Url::parse(link.trim()).ok()?;
    let segments: Vec<String> = match url.scheme() {
        // opencom://conversation/c1: the host is the first segment.
        "opencom" => std::iter::once(url.host_str().unwrap_or("").to_owned())
            .chain(url.path_segments().into_iter().flatten().map(str::to_owned))
            .filter(|s| !s.is_empty())
            .collect(),
        "https" if url.host_str() == Some("opencom.app") => url
            .path_segments()
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => return None,
    };
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
}
