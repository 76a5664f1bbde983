//! Tenant isolation: a visitor of workspace A, holding A's session token, names the data of a
//! visitor of workspace B (visitor id, conversation id, ticket id, article id, push token,
//! workspaceId) in every visitor function the SDK calls, and is refused the way Opencom refuses
//! (CONTRACT.md §2.1, §6, §8, §10, §11): a thrown error with Opencom's text, or `null` / `[]` /
//! a silent no-op where the real function returns that instead of throwing. Public functions
//! (CONTRACT.md: "public", no credentials) answer for any workspace by design; their rows say so.
//!
//! Most cross-tenant ids cannot be expressed through the SDK's public API (it always sends its
//! own visitor id, token and workspace), so each row is driven over the raw Convex HTTP endpoint
//! with the exact argument shapes; for every refusal the same error body is also decoded by the
//! SDK's transport (`opencom_sdk::fuzzing::decode_response`, the path every call takes) to check
//! the public [`Error`] the SDK would surface. Where the public API can name a foreign id (a
//! conversation, ticket or article id) a second test drives it through `Opencom`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use crate::common;

use common::{Harness, SharedClock};
use opencom_sdk::{Error, MemoryStorage, NewTicket, Opencom, OutgoingMessage, PushPlatform};
use serde_json::{json, Value};
use server_mock::NewArticle;

/// What Opencom answers to one cross-tenant call.
enum Expect {
    /// Throws; the message contains this text; the SDK surfaces this error kind.
    Throws(&'static str, Kind),
    /// Returns exactly this value (`null`, `[]`, `0`…): the contract's "no access" answer.
    Returns(Value),
    /// A public function: answers for any workspace by design (CONTRACT.md "public").
    Public,
    /// Succeeds, and the value passes this check (`Some(problem)` when it does not).
    Satisfies(Check),
}

/// A check of a successful answer: `Some(problem)` when it fails.
type Check = Box<dyn Fn(&Value) -> Option<String>>;

/// The public `Error` variant expected for a refusal.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `Error::NotAuthorized`.
    NotAuthorized,
    /// `Error::NotFound`.
    NotFound,
    /// The session texts (`Session token does not match workspace` / `… visitor`): decoded
    /// alone they are a session failure (`Error::SessionExpired`; the transport cannot tell
    /// whose fault it is). The session layer then asks `validateSessionToken` and, A's token
    /// being valid for A, surfaces `Error::NotAuthorized` without re-booting (checked through
    /// the public API by the second test).
    Session,
}

fn kind_of(err: &Error) -> Option<Kind> {
    match err {
        Error::NotAuthorized { .. } => Some(Kind::NotAuthorized),
        Error::NotFound { .. } => Some(Kind::NotFound),
        Error::SessionExpired => Some(Kind::Session),
        _ => None,
    }
}

/// One Convex call over HTTP; `(http status, raw body, parsed body)`.
async fn raw(url: &str, kind: &str, path: &str, args: Value) -> (u16, Vec<u8>, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("{url}/api/{kind}"))
        .header("content-type", "application/json")
        .body(json!({"path": path, "args": args, "format": "json"}).to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap().to_vec();
    let parsed = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, body, parsed)
}

/// Workspace A's visitor (the caller) and workspace B's data (the target).
struct World {
    h: Harness,
    url: String,
    ws_a: String,
    ws_b: String,
    visitor_a: String,
    conversation_a: String,
    token_a: String,
    /// A second session of A's visitor, for the refresh row (refresh rotates the token).
    token_a2: String,
    visitor_b: String,
    session_id_b: String,
    conversation_b: String,
    ticket_b: String,
    article_b: String,
    push_token_b: String,
    push_token_a: String,
    storage_id_b: String,
    client_a: Opencom,
    client_b: Opencom,
}

async fn world() -> World {
    let h = Harness::new().await;
    let url = h.mock.url();
    let ws_a = h.mock.workspace_id();
    let ws_b = h.mock.create_workspace("Tenant B");
    h.mock.set_csat_enabled(&ws_b, true);
    h.mock.set_ai_enabled(&ws_b, true);
    h.mock.set_suggestions_enabled(&ws_b, true);
    let collection_b = h.mock.add_collection(&ws_b, "B's help", None, 1.0);
    let article_b = h.mock.add_article(
        &ws_b,
        NewArticle::published("B's refund policy", "Only for tenant B").collection(&collection_b),
    );
    h.mock.set_default_ticket_form(
        &ws_b,
        json!([{"id": "order", "type": "text", "label": "Order", "required": false}]),
    );

    // Workspace B: a visitor with a conversation (closed, so CSAT is possible), a ticket, a
    // push token and a staged upload.
    let client_b = Opencom::builder(&url, &ws_b)
        .storage(Arc::new(MemoryStorage::new()))
        .clock(Arc::new(SharedClock(h.mock.clock())))
        .heartbeat_interval(None)
        .ai_replies(false)
        .build()
        .unwrap();
    let session_b = client_b.start().await.unwrap();
    let conversation_b = client_b.conversations().create().await.unwrap().id;
    client_b
        .conversations()
        .send(&conversation_b, OutgoingMessage::text("B's secret"))
        .await
        .unwrap()
        .sent()
        .await
        .unwrap();
    h.mock.agent_reply(&conversation_b, "Hello B");
    h.mock.close_conversation(&conversation_b);
    let ticket_b = client_b
        .tickets()
        .create(NewTicket::new("B's ticket"))
        .await
        .unwrap();
    h.mock
        .add_ticket_comment(&ticket_b, "public reply for B", false);
    let push_token_b = "ExponentPushToken[tenant-b-device]".to_owned();
    client_b
        .push()
        .register(&push_token_b, PushPlatform::Android, None)
        .await
        .unwrap();
    let upload_b = client_b
        .conversations()
        .upload(
            opencom_sdk::AttachmentSource::Bytes(b"b".to_vec()),
            "b.txt",
            None,
        )
        .await
        .unwrap();
    let storage_id_b = h
        .mock
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.path == "supportAttachments:finalizeUpload")
        .map(|c| c.args["storageId"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(!upload_b.id.is_empty());

    // Workspace A: the caller.
    let client_a = h.builder().ai_replies(false).build().unwrap();
    let session_a = client_a.start().await.unwrap();
    let conversation_a = client_a.conversations().create().await.unwrap().id;
    let token_a = h.stored_token().await;
    let (_, _, second) = raw(
        &url,
        "mutation",
        "widgetSessions:boot",
        json!({"workspaceId": ws_a, "sessionId": "tenant-a-second-device"}),
    )
    .await;
    let token_a2 = second["value"]["sessionToken"].as_str().unwrap().to_owned();
    let push_token_a = "ExponentPushToken[tenant-a-device]".to_owned();
    client_a
        .push()
        .register(&push_token_a, PushPlatform::Ios, None)
        .await
        .unwrap();

    World {
        url,
        ws_a,
        ws_b,
        visitor_a: session_a.visitor_id,
        conversation_a,
        token_a,
        token_a2,
        visitor_b: session_b.visitor_id,
        session_id_b: session_b.session_id,
        conversation_b,
        ticket_b,
        article_b,
        push_token_b,
        push_token_a,
        storage_id_b,
        client_a,
        client_b,
        h,
    }
}

/// One row: a function, its kind, the cross-tenant args, what Opencom answers.
struct Row {
    path: &'static str,
    kind: &'static str,
    args: Value,
    expect: Expect,
}

fn row(path: &'static str, kind: &'static str, args: Value, expect: Expect) -> Row {
    Row {
        path,
        kind,
        args,
        expect,
    }
}

/// Every visitor function in `opencom-sdk/src/transport/functions.rs` (the agent functions of
/// CONTRACT.md §15 are checked by the workspace tests), with A's token and B's data.
fn table(w: &World) -> Vec<Row> {
    use Expect::{Public, Returns, Satisfies, Throws};
    use Kind::{NotAuthorized, NotFound, Session};
    const WS: &str = "Session token does not match workspace";
    let (t, a, b) = (&w.token_a, &w.visitor_a, &w.visitor_b);
    let ws_b = &w.ws_b;
    let (visitor_b, ws_a) = (w.visitor_b.clone(), w.ws_a.clone());
    let not_b = move |v: &Value| {
        let visitor = &v["visitor"];
        if visitor["_id"] == visitor_b.as_str() {
            Some("boot in A bound B's visitor".to_owned())
        } else if visitor["workspaceId"] != ws_a.as_str() {
            Some(format!(
                "boot in A gave a visitor of {}",
                visitor["workspaceId"]
            ))
        } else {
            None
        }
    };
    vec![
        // Sessions. boot in A naming B's visitor (existingVisitorId, or B's sessionId) must not
        // bind it: Opencom uses either only when it belongs to the booted workspace, and
        // otherwise creates a new visitor in A (CONTRACT §3.2).
        row(
            "widgetSessions:boot",
            "mutation",
            json!({"workspaceId": w.ws_a, "sessionId": "tenant-a-third-device",
                   "existingVisitorId": b}),
            Satisfies(Box::new(not_b.clone())),
        ),
        row(
            "widgetSessions:boot",
            "mutation",
            json!({"workspaceId": w.ws_a, "sessionId": w.session_id_b}),
            Satisfies(Box::new(not_b)),
        ),
        // refresh and revoke take nothing but a token: no foreign id can be named. A's
        // refreshed token stays A's (checked after the table); revoking needs the token
        // itself, and an unknown one is `{success: true}` (B's session is checked intact).
        row(
            "widgetSessions:refresh",
            "mutation",
            json!({"sessionToken": w.token_a2}),
            Satisfies(Box::new(|v: &Value| {
                (!v["sessionToken"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("wst_")))
                .then(|| format!("no rotated token in {v}"))
            })),
        ),
        row(
            "widgetSessions:revoke",
            "mutation",
            json!({"sessionToken": format!("wst_{}", "0".repeat(64))}),
            Returns(json!({"success": true})),
        ),
        // validateSessionToken is public and says A's token is not B's.
        row(
            "widgetSessions:validateSessionToken",
            "query",
            json!({"workspaceId": ws_b, "sessionToken": t}),
            Returns(json!({"valid": false, "reason": WS})),
        ),
        // Visitors. identify takes the workspace from the visitorId and the visitor from the
        // token: B's visitorId with A's token is a workspace mismatch.
        row(
            "visitors:identify",
            "mutation",
            json!({"visitorId": b, "sessionToken": t, "name": "Mallory"}),
            Throws(WS, Session),
        ),
        // heartbeat returns null silently on a token that does not resolve (CONTRACT §4); the
        // test also checks that B's lastSeenAt did not move.
        row(
            "visitors:heartbeat",
            "mutation",
            json!({"visitorId": b, "sessionToken": t}),
            Returns(Value::Null),
        ),
        // getBySession is public with no check (CONTRACT §2.3): whoever knows B's
        // client-generated sessionId gets B's visitor. The SDK only ever sends its own.
        row(
            "visitors:getBySession",
            "query",
            json!({"sessionId": w.session_id_b}),
            Public,
        ),
        // Events.
        row(
            "events:track",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t, "name": "x"}),
            Throws(WS, Session),
        ),
        row(
            "events:trackAutoEvent",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t,
                   "eventType": "screen_view", "properties": {"screenName": "x"}}),
            Throws(WS, Session),
        ),
        // events:list answers [] on any denial (CONTRACT §5).
        row(
            "events:list",
            "query",
            json!({"visitorId": b, "sessionToken": t, "workspaceId": ws_b}),
            Returns(json!([])),
        ),
        // Conversations.
        row(
            "conversations:listByVisitor",
            "query",
            json!({"visitorId": b, "sessionToken": t, "workspaceId": ws_b}),
            Throws(WS, Session),
        ),
        row(
            "conversations:getTotalUnreadForVisitor",
            "query",
            json!({"visitorId": b, "sessionToken": t, "workspaceId": ws_b}),
            Throws(WS, Session),
        ),
        row(
            "conversations:createForVisitor",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "conversations:getOrCreateForVisitor",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        // conversations:get has no sessionToken argument; it returns null when the visitorId
        // does not own the conversation (CONTRACT §6.2).
        row(
            "conversations:get",
            "query",
            json!({"id": w.conversation_b, "visitorId": a}),
            Returns(Value::Null),
        ),
        row(
            "conversations:markAsRead",
            "mutation",
            json!({"id": w.conversation_b, "readerType": "visitor", "visitorId": a,
                   "sessionToken": t}),
            Throws(WS, Session),
        ),
        // messages:list answers [] when unauthorized (CONTRACT §6.2).
        row(
            "messages:list",
            "query",
            json!({"conversationId": w.conversation_b, "visitorId": a, "sessionToken": t}),
            Returns(json!([])),
        ),
        row(
            "messages:send",
            "mutation",
            json!({"conversationId": w.conversation_b, "senderId": a, "senderType": "visitor",
                   "content": "hi from A", "visitorId": a, "sessionToken": t}),
            Throws(WS, Session),
        ),
        // CSAT: `requireCsatAccess` checks that the visitorId owns the conversation before it
        // looks at the token.
        row(
            "reporting:getCsatEligibility",
            "query",
            json!({"conversationId": w.conversation_b, "visitorId": a, "sessionToken": t}),
            Throws("Not authorized to submit CSAT response", NotAuthorized),
        ),
        row(
            "reporting:submitCsatResponse",
            "mutation",
            json!({"conversationId": w.conversation_b, "rating": 1, "visitorId": a,
                   "sessionToken": t}),
            Throws("Not authorized to submit CSAT response", NotAuthorized),
        ),
        // Naming B's visitor as the owner does not help: the token is A's (resolved against
        // B's workspace).
        row(
            "reporting:submitCsatResponse",
            "mutation",
            json!({"conversationId": w.conversation_b, "rating": 1, "visitorId": b,
                   "sessionToken": t}),
            Throws(WS, Session),
        ),
        // Attachments.
        row(
            "supportAttachments:generateUploadUrl",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "supportAttachments:finalizeUpload",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t,
                   "storageId": w.storage_id_b, "fileName": "b.txt"}),
            Throws(WS, Session),
        ),
        // finalizing B's upload in A's own workspace: the file is not A's.
        row(
            "supportAttachments:finalizeUpload",
            "mutation",
            json!({"workspaceId": w.ws_a, "sessionToken": t, "storageId": w.storage_id_b,
                   "fileName": "b.txt"}),
            Throws("Uploaded file not found", NotFound),
        ),
        // AI agent. getPublicSettings is public by design.
        row(
            "aiAgent:getPublicSettings",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "aiAgentActions:generateResponse",
            "action",
            json!({"workspaceId": ws_b, "conversationId": w.conversation_b, "visitorId": a,
                   "sessionToken": t, "query": "refund?"}),
            Throws(WS, Session),
        ),
        // A's own workspace, B's conversation: `authorizeConversationAccess` resolves the
        // token against the conversation's workspace first.
        row(
            "aiAgentActions:generateResponse",
            "action",
            json!({"workspaceId": w.ws_a, "conversationId": w.conversation_b, "visitorId": a,
                   "sessionToken": t, "query": "refund?"}),
            Throws(WS, Session),
        ),
        // A's own conversation run against B's workspace (its AI settings and knowledge).
        row(
            "aiAgentActions:generateResponse",
            "action",
            json!({"workspaceId": ws_b, "conversationId": w.conversation_a, "visitorId": a,
                   "sessionToken": t, "query": "refund?"}),
            Throws("Conversation does not belong to workspace", NotAuthorized),
        ),
        // Help center.
        row(
            "collections:listHierarchyForVisitor",
            "query",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "articles:listForVisitor",
            "query",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "articles:searchForVisitor",
            "query",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t, "query": "refund"}),
            Throws(WS, Session),
        ),
        row(
            "articles:getForVisitor",
            "query",
            json!({"id": w.article_b, "workspaceId": ws_b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        // B's article asked for in A's workspace: not visible there → null.
        row(
            "articles:getForVisitor",
            "query",
            json!({"id": w.article_b, "workspaceId": w.ws_a, "sessionToken": t}),
            Returns(Value::Null),
        ),
        // articles:get is public while B's help center is public (the default); the test
        // makes B's private below and expects null.
        row("articles:get", "query", json!({"id": w.article_b}), Public),
        // The other public help-center reads (the SDK's workspace side calls them too).
        row(
            "articles:list",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "articles:search",
            "query",
            json!({"workspaceId": ws_b, "query": "refund"}),
            Public,
        ),
        row(
            "collections:listHierarchy",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        // submitFeedback takes no credentials at all (CONTRACT §2.3): public by design.
        row(
            "articles:submitFeedback",
            "mutation",
            json!({"articleId": w.article_b, "helpful": false}),
            Public,
        ),
        row(
            "suggestions:searchForWidget",
            "action",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t, "query": "refund"}),
            Throws(WS, Session),
        ),
        // Push tokens.
        row(
            "visitorPushTokens:register",
            "mutation",
            json!({"visitorId": b, "token": "ExponentPushToken[mallory]", "platform": "ios",
                   "sessionToken": t, "workspaceId": ws_b}),
            Throws(WS, Session),
        ),
        // B's visitor named with A's workspaceId: the visitor's workspace is checked first.
        row(
            "visitorPushTokens:register",
            "mutation",
            json!({"visitorId": b, "token": "ExponentPushToken[mallory]", "platform": "ios",
                   "sessionToken": t, "workspaceId": w.ws_a}),
            Throws(WS, Session),
        ),
        // B's device token, unregistered / disabled by A (the token's workspace is B's).
        row(
            "visitorPushTokens:unregister",
            "mutation",
            json!({"token": w.push_token_b, "visitorId": a, "sessionToken": t,
                   "workspaceId": w.ws_a}),
            Throws(WS, Session),
        ),
        row(
            "visitorPushTokens:setNotificationsEnabled",
            "mutation",
            json!({"token": w.push_token_b, "enabled": false, "visitorId": a,
                   "sessionToken": t, "workspaceId": w.ws_a}),
            Throws(WS, Session),
        ),
        // A's own device token claimed for B's visitor.
        row(
            "visitorPushTokens:unregister",
            "mutation",
            json!({"token": w.push_token_a, "visitorId": b, "sessionToken": t,
                   "workspaceId": w.ws_a}),
            Throws("Visitor/token mismatch", NotAuthorized),
        ),
        row(
            "visitorPushTokens:setNotificationsEnabled",
            "mutation",
            json!({"token": w.push_token_a, "enabled": false, "visitorId": b,
                   "sessionToken": t, "workspaceId": w.ws_a}),
            Throws("Visitor/token mismatch", NotAuthorized),
        ),
        // Tickets.
        row(
            "tickets:create",
            "mutation",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t, "subject": "x"}),
            Throws(WS, Session),
        ),
        row(
            "tickets:listByVisitor",
            "query",
            json!({"workspaceId": ws_b, "visitorId": b, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "tickets:get",
            "query",
            json!({"id": w.ticket_b, "visitorId": a, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "tickets:getComments",
            "query",
            json!({"ticketId": w.ticket_b, "visitorId": a, "sessionToken": t}),
            Throws(WS, Session),
        ),
        row(
            "tickets:addComment",
            "mutation",
            json!({"ticketId": w.ticket_b, "visitorId": a, "sessionToken": t,
                   "content": "from A"}),
            Throws(WS, Session),
        ),
        // Public configuration reads (CONTRACT §11, §12): any workspace by design.
        row(
            "ticketForms:getDefaultForVisitor",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "messengerSettings:getPublicSettings",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "messengerSettings:getPublicHomeConfig",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "officeHours:isCurrentlyOpen",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "officeHours:getExpectedReplyTime",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "automationSettings:getOrCreate",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row(
            "commonIssueButtons:list",
            "query",
            json!({"workspaceId": ws_b}),
            Public,
        ),
        row("discovery:getMetadata", "query", json!({}), Public),
    ]
}

#[tokio::test]
async fn every_visitor_function_refuses_another_workspaces_data() {
    let w = world().await;
    let before_b = w.h.mock.visitor(&w.visitor_b).unwrap();
    let messages_b = w.h.mock.messages(&w.conversation_b).len();
    let comments_b = w.h.mock.ticket_comments(&w.ticket_b).len();
    let tokens_b = w.h.mock.push_tokens(&w.visitor_b);
    assert_eq!(tokens_b.len(), 1);

    let mut failures = Vec::new();
    for r in table(&w) {
        let (status, body, parsed) = raw(&w.url, r.kind, r.path, r.args.clone()).await;
        let ok = parsed["status"] == "success";
        let problem = match &r.expect {
            Expect::Throws(text, kind) => {
                let message = parsed["errorMessage"].as_str().unwrap_or_default();
                if ok {
                    Some(format!(
                        "expected a refusal {text:?}, got {}",
                        parsed["value"]
                    ))
                } else if !message.contains(text) {
                    Some(format!("expected {text:?}, got {message:?}"))
                } else {
                    // The SDK's transport decodes this very body into its public error.
                    let decoded = opencom_sdk::fuzzing::decode_response(status, &body, None);
                    match decoded {
                        Ok(v) => Some(format!("the SDK decoded the refusal as success: {v}")),
                        Err(failure) if kind_of(&failure.error) == Some(*kind) => None,
                        Err(failure) => Some(format!(
                            "the SDK surfaces {:?}, expected {kind:?}",
                            failure.error
                        )),
                    }
                }
            }
            Expect::Returns(value) => {
                if !ok {
                    Some(format!(
                        "expected {value}, got error {}",
                        parsed["errorMessage"]
                    ))
                } else if &parsed["value"] != value {
                    Some(format!("expected {value}, got {}", parsed["value"]))
                } else {
                    None
                }
            }
            Expect::Public => (!ok).then(|| {
                format!(
                    "a public function must answer, got {}",
                    parsed["errorMessage"]
                )
            }),
            Expect::Satisfies(check) => {
                if ok {
                    check(&parsed["value"])
                } else {
                    Some(format!("expected success, got {}", parsed["errorMessage"]))
                }
            }
        };
        if let Some(problem) = problem {
            // Never print the session token, even a test's.
            let args = r
                .args
                .to_string()
                .replace(w.token_a.as_str(), "<A's token>");
            failures.push(format!("{} {args}: {problem}", r.path));
        }
    }
    assert!(
        failures.is_empty(),
        "cross-tenant calls not refused as Opencom does:\n{}",
        failures.join("\n")
    );

    // Nothing of B changed: profile, lastSeenAt (the silent heartbeat), messages, comments,
    // push tokens.
    let after_b = w.h.mock.visitor(&w.visitor_b).unwrap();
    assert_eq!(after_b["name"], before_b["name"], "identify wrote to B");
    assert_eq!(
        after_b["lastSeenAt"], before_b["lastSeenAt"],
        "heartbeat touched B"
    );
    assert_eq!(w.h.mock.messages(&w.conversation_b).len(), messages_b);
    assert_eq!(w.h.mock.ticket_comments(&w.ticket_b).len(), comments_b);
    assert_eq!(
        w.h.mock.push_tokens(&w.visitor_b),
        tokens_b,
        "B's push token was changed"
    );
    assert!(
        w.h.mock.events(&w.visitor_b).is_empty(),
        "events recorded for B"
    );
    assert_eq!(w.h.mock.push_tokens(&w.visitor_a).len(), 1);

    // Every session in A (the refreshed one and the boots of the table included) is valid for
    // its A visitor and refused for B; B's own session survived everything.
    let sessions_a: Vec<Value> =
        w.h.mock
            .visitors(&w.ws_a)
            .iter()
            .flat_map(|v| w.h.mock.sessions(v["_id"].as_str().unwrap()))
            .collect();
    assert!(sessions_a.len() >= 4, "{} sessions", sessions_a.len());
    for session in sessions_a {
        let token = session["token"].as_str().unwrap();
        let (_, _, for_b) = raw(
            &w.url,
            "query",
            "widgetSessions:validateSessionToken",
            json!({"workspaceId": w.ws_b, "sessionToken": token}),
        )
        .await;
        assert_eq!(for_b["value"]["valid"], false, "A's session valid for B");
        let (_, _, for_a) = raw(
            &w.url,
            "query",
            "widgetSessions:validateSessionToken",
            json!({"workspaceId": w.ws_a, "sessionToken": token}),
        )
        .await;
        assert_eq!(for_a["value"]["valid"], true, "{for_a}");
        assert_eq!(for_a["value"]["visitorId"], session["visitorId"]);
    }
    assert_eq!(w.client_b.conversations().list().await.unwrap().len(), 1);

    // The public help-center reads are public only while B's help center is: once private,
    // a caller without B's membership gets null / [] (CONTRACT §8), not an error.
    w.h.mock.set_help_center_public(&w.ws_b, false);
    for (path, args, none) in [
        ("articles:get", json!({"id": w.article_b}), Value::Null),
        ("articles:list", json!({"workspaceId": w.ws_b}), json!([])),
        (
            "articles:search",
            json!({"workspaceId": w.ws_b, "query": "refund"}),
            json!([]),
        ),
        (
            "collections:listHierarchy",
            json!({"workspaceId": w.ws_b}),
            json!([]),
        ),
    ] {
        let (_, _, parsed) = raw(&w.url, "query", path, args).await;
        assert_eq!(parsed["status"], "success", "{path}: {parsed}");
        assert_eq!(parsed["value"], none, "{path} on a private help center");
    }
    // …while B's lists were not empty when public (so [] above means refused).
    w.h.mock.set_help_center_public(&w.ws_b, true);
    for path in ["articles:list", "collections:listHierarchy"] {
        let (_, _, parsed) = raw(&w.url, "query", path, json!({"workspaceId": w.ws_b})).await;
        assert_eq!(
            parsed["value"].as_array().map(Vec::len),
            Some(1),
            "{path}: {parsed}"
        );
    }
}

#[tokio::test]
async fn the_public_api_with_another_workspaces_ids_surfaces_refusals() {
    let w = world().await;
    let c = w.client_a.conversations();

    // conversations:get → null → None; messages:list → [] (CONTRACT §6.2: no error).
    assert_eq!(
        c.get(&w.conversation_b).await.unwrap(),
        None,
        "conversations:get"
    );
    assert!(
        c.messages(&w.conversation_b).await.unwrap().is_empty(),
        "messages:list"
    );
    // The others throw. For "Session token does not match workspace" the SDK's session layer
    // asks validateSessionToken, finds A's token valid for A, and reports NotAuthorized: the
    // refusal is about B's data, so A's session is not thrown away (no re-boot).
    const WS: &str = "Session token does not match workspace";
    const CSAT: &str = "Not authorized to submit CSAT response";
    let boots = w.h.calls_to("widgetSessions:boot").len();
    let refused = |what: &str, err: Error, text: &str| {
        assert!(
            matches!(&err, Error::NotAuthorized { message } if message == text),
            "{what}: {err:?}"
        );
    };
    refused(
        "conversations:markAsRead",
        c.mark_read(&w.conversation_b).await.unwrap_err(),
        WS,
    );
    refused(
        "reporting:getCsatEligibility",
        c.csat_eligibility(&w.conversation_b).await.unwrap_err(),
        CSAT,
    );
    refused(
        "reporting:submitCsatResponse",
        c.rate(&w.conversation_b, 1, None).await.unwrap_err(),
        CSAT,
    );
    let t = w.client_a.tickets();
    refused("tickets:get", t.get(&w.ticket_b).await.unwrap_err(), WS);
    refused(
        "tickets:getComments",
        t.comments(&w.ticket_b).await.unwrap_err(),
        WS,
    );
    refused(
        "tickets:addComment",
        t.add_comment(&w.ticket_b, "from A", &[]).await.unwrap_err(),
        WS,
    );
    // articles:getForVisitor in A's workspace: B's article is not there → None.
    assert!(
        w.client_a
            .help_center()
            .article(&w.article_b)
            .await
            .unwrap()
            .is_none(),
        "articles:getForVisitor"
    );
    // messages:send through the outbox: refused at once (a refusal pauses the queue instead
    // of being retried), with the server's text, and nothing reached B's conversation.
    let before = w.h.mock.messages(&w.conversation_b).len();
    let sends = w.h.calls_to("messages:send").len();
    let sent = c
        .send(&w.conversation_b, OutgoingMessage::text("from A"))
        .await
        .unwrap()
        .sent()
        .await;
    match &sent {
        Err(Error::Server { message }) => assert!(message.contains(WS), "{message}"),
        other => panic!("messages:send into B's conversation: {other:?}"),
    }
    assert_eq!(
        w.h.calls_to("messages:send").len(),
        sends + 1,
        "the refusal was retried"
    );
    assert_eq!(w.h.mock.messages(&w.conversation_b).len(), before);
    assert_eq!(
        w.h.calls_to("widgetSessions:boot").len(),
        boots,
        "a refusal of B's data re-booted A's session"
    );
    // A's own data is still A's: the session survived all of it.
    assert!(c.get(&w.conversation_a).await.unwrap().is_some());
    assert_eq!(
        w.client_a.session().visitor_id().as_deref(),
        Some(w.visitor_a.as_str())
    );
}
