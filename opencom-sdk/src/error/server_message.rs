//! The one place where Opencom's plain-text error messages are turned into meaning.
//!
//! Convex wraps a thrown message as `"[Request ID: …] Server Error\nUncaught Error: <text>"` on dev
//! and self-hosted deployments, and sends only `"[Request ID: …] Server Error"` in production.

use super::Error;

/// What a function failure means, as far as its text tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServerFailure {
    /// The session token is missing, unknown, revoked, expired or from another workspace.
    Session(String),
    /// Convex rejected the arguments.
    Validation { field: String, reason: String },
    /// Origin, identity verification, ownership or permission refusals.
    NotAuthorized(String),
    /// Something named does not exist.
    NotFound(String),
    /// A client-checkable value was out of range (server-side check).
    InvalidValue { field: String, reason: String },
    /// Redacted or unknown: nothing can be concluded from the text.
    Unexplained(String),
}

impl ServerFailure {
    /// True for failures that may hide a dead session (the text says so, or says nothing).
    pub(crate) fn may_be_session_problem(&self) -> bool {
        matches!(
            self,
            ServerFailure::Session(_) | ServerFailure::Unexplained(_)
        )
    }

    /// `"Session token does not match workspace"` / `"… visitor"`: either this client's token
    /// is not for its own workspace/visitor (a dead session), or — when the token is valid —
    /// the call named another tenant's data (a conversation, ticket or push token of another
    /// workspace or visitor). Only `validateSessionToken` can tell the two apart.
    pub(crate) fn is_mismatch(&self) -> bool {
        matches!(self, ServerFailure::Session(m) if m.starts_with("Session token does not match"))
    }

    /// The error for a failure seen with a token known to be valid: a mismatch is then a
    /// refusal of someone else's data ([`Error::NotAuthorized`]), anything else maps as usual.
    pub(crate) fn with_valid_token(self) -> Error {
        match self {
            ServerFailure::Session(message)
                if message.starts_with("Session token does not match") =>
            {
                Error::NotAuthorized { message }
            }
            other => other.into(),
        }
    }
}

impl From<ServerFailure> for Error {
    fn from(failure: ServerFailure) -> Self {
        match failure {
            ServerFailure::Session(_) => Error::SessionExpired,
            ServerFailure::Validation { field, reason }
            | ServerFailure::InvalidValue { field, reason } => {
                Error::InvalidInput { field, reason }
            }
            ServerFailure::NotAuthorized(message) => Error::NotAuthorized { message },
            ServerFailure::NotFound(message) => Error::NotFound { message },
            ServerFailure::Unexplained(message) => Error::Server { message },
        }
    }
}

/// Strips Convex's wrapper (`[Request ID: …] Server Error\nUncaught Error: `) from a message.
pub(crate) fn strip_wrapper(raw: &str) -> &str {
    let mut text = raw.trim();
    if text.starts_with("[Request ID:") {
        if let Some(end) = text.find(']') {
            text = text[end + 1..].trim_start();
        }
    }
    if let Some(rest) = text.strip_prefix("Server Error") {
        text = rest.trim_start_matches(['\n', '\r', ' ']);
    }
    for prefix in ["Uncaught Error: ", "Uncaught ConvexError: ", "Error: "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest;
            break;
        }
    }
    // A JS stack trace may follow on the next lines ("    at handler (…)").
    match text.find("\n    at ") {
        Some(pos) => text[..pos].trim_end(),
        None => text.trim_end(),
    }
}

/// Classifies a (scrubbed) function error message.
pub(crate) fn classify(raw: &str) -> ServerFailure {
    let text = strip_wrapper(raw);
    let message = text.to_owned();

    if let Some(rest) = text.strip_prefix("ArgumentValidationError:") {
        let rest = rest.trim();
        return ServerFailure::Validation {
            field: validation_field(rest).unwrap_or_else(|| "args".to_owned()),
            reason: rest.to_owned(),
        };
    }

    const SESSION: [&str; 5] = [
        "Session token required",
        "Invalid session token",
        "Session token does not match workspace",
        "Session expired",
        "Session token does not match visitor",
    ];
    if SESSION.iter().any(|s| text.starts_with(s)) {
        return ServerFailure::Session(message);
    }

    if text.starts_with("Rating must be between") {
        return ServerFailure::InvalidValue {
            field: "rating".into(),
            reason: message,
        };
    }
    if text.starts_with("Query exceeds max length") {
        return ServerFailure::InvalidValue {
            field: "query".into(),
            reason: message,
        };
    }
    // Attachment binding refusals (contract §7): the attachment ids must change.
    if text.starts_with("Attachment ") || text.starts_with("Not authorized to use this attachment")
    {
        return ServerFailure::InvalidValue {
            field: "attachmentIds".into(),
            reason: message,
        };
    }
    if text.starts_with("You can attach up to") {
        return ServerFailure::InvalidValue {
            field: "attachmentIds".into(),
            reason: message,
        };
    }

    // Help-center authoring refusals (CONTRACT §15.3): the arguments must change.
    const HELP_CENTER: [(&str, &str); 5] = [
        ("Collection cannot be", "parent_id"),
        ("Cannot delete collection with", "collection_id"),
        ("Unsupported image type", "mime_type"),
        ("Image exceeds", "bytes"),
        ("Asset is still referenced", "asset_id"),
    ];
    if let Some((_, field)) = HELP_CENTER.iter().find(|(s, _)| text.starts_with(s)) {
        return ServerFailure::InvalidValue {
            field: (*field).into(),
            reason: message,
        };
    }

    // Agent writes refused because of a value (CONTRACT §15.3): one ticket per conversation,
    // unique tag names and snippet shortcuts, tags from another workspace.
    const CONFLICTS: [(&str, &str); 4] = [
        (
            "A ticket already exists for this conversation",
            "conversationId",
        ),
        ("Shortcut already exists", "shortcut"),
        (
            "Tag and conversation belong to different workspaces",
            "tagId",
        ),
        ("Tag \"", "name"),
    ];
    for (prefix, field) in CONFLICTS {
        if text.starts_with(prefix) && (field != "name" || text.ends_with("\" already exists")) {
            return ServerFailure::InvalidValue {
                field: field.into(),
                reason: message,
            };
        }
    }
    // The auth wrappers' answer for an id whose document is gone (snippets, tickets).
    if text == "Auth wrapper misconfigured: missing workspace resolver" {
        return ServerFailure::NotFound(message);
    }

    // Convex Auth sign-in refusals (CONTRACT §15.2): wrong email, password or code.
    const CREDENTIALS: [&str; 5] = [
        "InvalidAccountId",
        "InvalidSecret",
        "Invalid credentials",
        "TooManyFailedAttempts",
        "Could not verify code",
    ];
    if CREDENTIALS.iter().any(|s| text.starts_with(s)) {
        return ServerFailure::NotAuthorized(message);
    }

    const REFUSED: [&str; 10] = [
        // Another workspace's conversation (aiAgentActions:generateResponse).
        "Conversation does not belong to workspace",
        "Origin validation failed",
        "Origin must be",
        "Identity verification failed",
        "Not authorized",
        "Not authenticated",
        "Not a member of this workspace",
        "Permission denied",
        "Authentication required",
        "Visitor/token mismatch",
    ];
    if REFUSED.iter().any(|s| text.starts_with(s)) {
        return ServerFailure::NotAuthorized(message);
    }

    if text.ends_with("not found")
        || text.ends_with("was not found")
        || text.starts_with("Could not find public function")
        || text == "Visitor ID required"
        || text == "Visitor not found in workspace"
    {
        return ServerFailure::NotFound(message);
    }

    if message.is_empty() {
        return ServerFailure::Unexplained(redacted_message(raw));
    }
    ServerFailure::Unexplained(message)
}

/// What a production deployment's redacted error (`[Request ID: …] Server Error`, nothing else)
/// becomes: never an empty message; the request id, when there is one, so the deployment's
/// logs can be searched for it.
fn redacted_message(raw: &str) -> String {
    const TEXT: &str = "Server Error (message redacted by the deployment)";
    let request_id = raw
        .trim()
        .strip_prefix("[Request ID:")
        .and_then(|rest| rest.split_once(']'))
        .map(|(id, _)| id.trim())
        .filter(|id| !id.is_empty());
    match request_id {
        Some(id) => format!("{TEXT} [Request ID: {id}]"),
        None => TEXT.to_owned(),
    }
}

/// Finds the argument a Convex validation error is about: ``Missing required field `x` ``,
/// ``extra field `x` ``, or `Path: .x`.
fn validation_field(text: &str) -> Option<String> {
    if let Some(pos) = text.find("Path: ") {
        let path = text[pos + 6..].lines().next().unwrap_or("").trim();
        let path = path.trim_start_matches('.');
        if !path.is_empty() {
            return Some(path.to_owned());
        }
    }
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(text[start..start + len].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str) -> String {
        format!("[Request ID: 13e9a21ff5ae500c] Server Error\nUncaught Error: {text}")
    }

    #[test]
    fn wrapper_is_stripped() {
        assert_eq!(
            strip_wrapper(&wrapped("Invalid session token")),
            "Invalid session token"
        );
        assert_eq!(strip_wrapper("[Request ID: 1] Server Error"), "");
        assert_eq!(
            strip_wrapper("Uncaught Error: Boom\n    at handler (x.js:1:1)"),
            "Boom"
        );
    }

    #[test]
    fn session_texts_are_session_failures() {
        for text in [
            "Session token required",
            "Invalid session token",
            "Session token does not match workspace",
            "Session expired",
            "Session expired: please re-boot",
        ] {
            let failure = classify(&wrapped(text));
            assert_eq!(failure, ServerFailure::Session(text.to_owned()), "{text}");
            assert_eq!(Error::from(failure), Error::SessionExpired);
        }
    }

    #[test]
    fn sign_in_refusals_are_not_authorized() {
        for text in [
            "InvalidAccountId",
            "InvalidSecret",
            "Invalid credentials",
            "TooManyFailedAttempts",
            "Could not verify code",
        ] {
            let failure = classify(&wrapped(text));
            assert_eq!(
                failure,
                ServerFailure::NotAuthorized(text.to_owned()),
                "{text}"
            );
            assert!(!failure.may_be_session_problem());
        }
    }

    #[test]
    fn a_mismatch_with_a_valid_token_is_a_refusal() {
        for text in [
            "Session token does not match workspace",
            "Session token does not match visitor",
        ] {
            let failure = classify(&wrapped(text));
            assert!(failure.is_mismatch(), "{text}");
            assert_eq!(
                failure.with_valid_token(),
                Error::NotAuthorized {
                    message: text.to_owned()
                }
            );
        }
        let expired = classify(&wrapped("Session expired"));
        assert!(!expired.is_mismatch());
        assert_eq!(expired.with_valid_token(), Error::SessionExpired);
    }

    #[test]
    fn cross_workspace_refusals_are_not_server_errors() {
        let other = Error::from(classify(&wrapped(
            "Conversation does not belong to workspace",
        )));
        assert!(matches!(other, Error::NotAuthorized { .. }), "{other:?}");
        let missing = Error::from(classify(&wrapped("Visitor not found in workspace")));
        assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
    }

    #[test]
    fn permission_refusals_name_the_permission() {
        let failure = classify(&wrapped("Permission denied: conversations.reply"));
        let error = Error::from(failure);
        assert_eq!(error.denied_permission(), Some("conversations.reply"));
        let member = Error::from(classify(&wrapped("Not a member of this workspace")));
        assert!(matches!(member, Error::NotAuthorized { .. }));
        assert_eq!(member.denied_permission(), None);
    }

    #[test]
    fn help_center_refusals_name_the_argument() {
        for (text, expected) in [
            ("Collection cannot be its own parent", "parent_id"),
            (
                "Collection cannot be moved into its own descendant",
                "parent_id",
            ),
            (
                "Cannot delete collection with child collections",
                "collection_id",
            ),
            ("Cannot delete collection with articles", "collection_id"),
            (
                "Unsupported image type. Allowed: PNG, JPEG, GIF, WEBP, AVIF.",
                "mime_type",
            ),
            ("Image exceeds 5MB maximum size.", "bytes"),
            ("Asset is still referenced by 1 article(s): A", "asset_id"),
        ] {
            match Error::from(classify(&wrapped(text))) {
                Error::InvalidInput { field, reason } => {
                    assert_eq!(field, expected);
                    assert_eq!(reason, text);
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        for text in [
            "Article not found",
            "Parent collection not found",
            "Asset not found",
        ] {
            assert!(matches!(
                Error::from(classify(&wrapped(text))),
                Error::NotFound { .. }
            ));
        }
    }

    #[test]
    fn agent_conflicts_name_the_field() {
        for (text, expected) in [
            (
                "A ticket already exists for this conversation",
                "conversationId",
            ),
            ("Shortcut already exists", "shortcut"),
            ("Tag \"VIP\" already exists", "name"),
            (
                "Tag and conversation belong to different workspaces",
                "tagId",
            ),
        ] {
            match Error::from(classify(&wrapped(text))) {
                Error::InvalidInput { field, reason } => {
                    assert_eq!(field, expected);
                    assert_eq!(reason, text);
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert_eq!(
            classify(&wrapped("Tag \"VIP\" is odd")),
            ServerFailure::Unexplained("Tag \"VIP\" is odd".into())
        );
        let gone = Error::from(classify(&wrapped(
            "Auth wrapper misconfigured: missing workspace resolver",
        )));
        assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
    }

    #[test]
    fn validation_errors_name_the_field() {
        let missing = "[Request ID: dd9be0cc25841927] Server Error\nArgumentValidationError: Validator error: Missing required field `sessionId` in object";
        match Error::from(classify(missing)) {
            Error::InvalidInput { field, .. } => assert_eq!(field, "sessionId"),
            other => panic!("{other:?}"),
        }
        let extra = "[Request ID: x] Server Error\nArgumentValidationError: Object contains extra field `appVersion` that is not in the validator.";
        match Error::from(classify(extra)) {
            Error::InvalidInput { field, .. } => assert_eq!(field, "appVersion"),
            other => panic!("{other:?}"),
        }
        let wrong = "[Request ID: x] Server Error\nArgumentValidationError: Value does not match validator.\nPath: .device.os\nValue: 5\nValidator: v.string()";
        match Error::from(classify(wrong)) {
            Error::InvalidInput { field, .. } => assert_eq!(field, "device.os"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn refusals_are_not_authorized() {
        for text in [
            "Origin validation failed: Origin not in allowed list",
            "Origin validation failed: Origin header is required when allowed origins are configured",
            "Identity verification failed: invalid userHash",
            "Identity verification failed: userHash is required",
            "Identity verification failed",
            "Not authorized to send messages to this conversation",
            "Not authorized: visitor does not belong to this workspace",
            "Not authenticated",
            "Not a member of this workspace",
            "Permission denied: conversations.reply",
            "Authentication required",
        ] {
            assert!(
                matches!(Error::from(classify(&wrapped(text))), Error::NotAuthorized { .. }),
                "{text}"
            );
        }
    }

    #[test]
    fn not_found_texts() {
        for text in [
            "Visitor not found",
            "Conversation not found",
            "Workspace not found",
            "Ticket not found",
            "Visitor ID required",
        ] {
            assert!(
                matches!(
                    Error::from(classify(&wrapped(text))),
                    Error::NotFound { .. }
                ),
                "{text}"
            );
        }
        let unknown = "[Request ID: 1] Server Error\nCould not find public function for 'nope:missing'. Did you forget to run `npx convex dev` or `npx convex deploy`?";
        assert!(matches!(
            Error::from(classify(unknown)),
            Error::NotFound { .. }
        ));
    }

    #[test]
    fn attachment_binding_errors_are_invalid_input() {
        for text in [
            "Attachment k57x was not found",
            "Attachment has already been used",
            "Attachment upload expired. Please upload again.",
            "Attachment has already been attached",
            "Not authorized to use this attachment",
            "You can attach up to 5 files at a time.",
        ] {
            match Error::from(classify(&wrapped(text))) {
                Error::InvalidInput { field, .. } => assert_eq!(field, "attachmentIds", "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn range_checks_are_invalid_input() {
        match Error::from(classify(&wrapped("Rating must be between 1 and 5"))) {
            Error::InvalidInput { field, .. } => assert_eq!(field, "rating"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn redacted_production_errors_are_unexplained() {
        let failure = classify("[Request ID: 26ff32c976c6cc8c] Server Error");
        assert!(failure.may_be_session_problem());
        assert_eq!(
            Error::from(failure),
            Error::Server {
                message:
                    "Server Error (message redacted by the deployment) [Request ID: 26ff32c976c6cc8c]"
                        .into()
            }
        );
        // Without a request id (or with nothing at all) the message is still not empty.
        for raw in ["Server Error", "", "  \n"] {
            assert_eq!(
                classify(raw),
                ServerFailure::Unexplained(
                    "Server Error (message redacted by the deployment)".into()
                )
            );
        }
        let other = classify(&wrapped("Something odd"));
        assert_eq!(other, ServerFailure::Unexplained("Something odd".into()));
    }
}
