//! Every Convex function the SDK calls, with its kind (which decides the endpoint) and whether it
//! is idempotent (which decides whether an ambiguous failure may be retried).
//!
//! | function | kind | retried after an ambiguous failure? |
//! |---|---|---|
//! | every query | query | yes (reads are idempotent) |
//! | `visitors:heartbeat` | mutation | yes (only bumps `lastSeenAt`) |
//! | `visitors:identify` | mutation | yes (patches the same fields to the same values) |
//! | `conversations:markAsRead` | mutation | yes (sets a counter to 0) |
//! | `visitorPushTokens:register` / `unregister` / `setNotificationsEnabled` | mutation | yes (upsert / delete / set by token) |
//! | `widgetSessions:revoke` | mutation | yes (deleting twice is a no-op) |
//! | `widgetSessions:boot` | mutation | no: only when the request provably never reached the server |
//! | `widgetSessions:refresh` | mutation | no: a lost answer means a rotated token we never saw |
//! | `auth:switchWorkspace`, `conversations:updateStatus` / `assign` | mutation | yes (set a field to a value) |
//! | `tickets:update`, `tags:update` / `addToConversation` / `removeFromConversation`, `snippets:update` | mutation | yes (set fields / link once / unlink) |
//! | `tickets:resolve` / `addComment` / `convertFromConversation`, `tags:create` / `remove`, `snippets:create` / `remove` | mutation | no (would duplicate, or fail the second time) |
//! | `events:*`, `messages:send`, `conversations:create*` | mutation | no (would duplicate) |
//! | `articles:update` / `publish` / `unpublish` / `archive` / `generateAssetUploadUrl`, `collections:update` / `reorder` | mutation | yes (set fields to values; a spare upload URL is harmless) |
//! | `articles:create` / `remove` / `saveAsset` / `deleteAsset`, `collections:create` / `remove` | mutation | no (would duplicate, or fail with "not found" after a success) |
//! | `surveys:submitResponse` | mutation | no (a partial response is upserted, but a completed one retried would be stored twice) |
//! | `surveys:recordImpression`, `carousels:recordImpression` (`shown`), `outboundMessages:trackImpression` | mutation | no (each call inserts an impression row; the SDK sends each once per session) |
//! | `checklists:completeTask` / `uncompleteTask` | mutation | yes (adds / removes a task id in a set) |
//! | `tourProgress:start` / `complete` / `dismiss` / `dismissPermanently` / `snooze` / `restart` | mutation | yes (upsert / set the status to a value) |
//! | `tourProgress:advance` / `skipStep` | mutation | no (moves one step further each time) |
//! | `aiAgent:submitFeedback` | mutation | yes (sets a field to a value) |
//! | `aiAgent:handoffToHuman` | mutation | no (inserts the handoff message each time) |
//! | `auth:signIn` (sign-in and refresh), `auth:signOut` | action | no (a refresh consumes its single-use token) |
//!
//! "Provably never reached the server" = the TCP connection could not be opened, or the
//! deployment answered 429 before running anything. Those are retried for every function.

// The agent-side functions are used by the `workspace` feature only.
#![cfg_attr(not(feature = "workspace"), allow(dead_code))]

use crate::transport::Function;

pub(crate) const BOOT: Function = Function::mutation("widgetSessions:boot");
pub(crate) const REFRESH: Function = Function::mutation("widgetSessions:refresh");
pub(crate) const REVOKE: Function = Function::idempotent_mutation("widgetSessions:revoke");
pub(crate) const VALIDATE_SESSION: Function =
    Function::query("widgetSessions:validateSessionToken");

pub(crate) const IDENTIFY: Function = Function::idempotent_mutation("visitors:identify");
pub(crate) const HEARTBEAT: Function = Function::idempotent_mutation("visitors:heartbeat");

pub(crate) const TRACK: Function = Function::mutation("events:track");
pub(crate) const TRACK_AUTO: Function = Function::mutation("events:trackAutoEvent");

pub(crate) const LIST_CONVERSATIONS: Function = Function::query("conversations:listByVisitor");
pub(crate) const GET_CONVERSATION: Function = Function::query("conversations:get");
pub(crate) const CREATE_CONVERSATION: Function =
    Function::mutation("conversations:createForVisitor");
pub(crate) const GET_OR_CREATE_CONVERSATION: Function =
    Function::mutation("conversations:getOrCreateForVisitor");
pub(crate) const TOTAL_UNREAD: Function = Function::query("conversations:getTotalUnreadForVisitor");
pub(crate) const MARK_READ: Function = Function::idempotent_mutation("conversations:markAsRead");
pub(crate) const LIST_MESSAGES: Function = Function::query("messages:list");
pub(crate) const SEND_MESSAGE: Function = Function::mutation("messages:send");
pub(crate) const CSAT_ELIGIBILITY: Function = Function::query("reporting:getCsatEligibility");
pub(crate) const SUBMIT_CSAT: Function = Function::mutation("reporting:submitCsatResponse");
pub(crate) const GENERATE_UPLOAD_URL: Function =
    Function::mutation("supportAttachments:generateUploadUrl");
pub(crate) const FINALIZE_UPLOAD: Function =
    Function::mutation("supportAttachments:finalizeUpload");
pub(crate) const AI_PUBLIC_SETTINGS: Function = Function::query("aiAgent:getPublicSettings");
pub(crate) const AI_GENERATE_RESPONSE: Function =
    Function::action("aiAgentActions:generateResponse");

pub(crate) const COLLECTIONS_FOR_VISITOR: Function =
    Function::query("collections:listHierarchyForVisitor");
pub(crate) const ARTICLES_FOR_VISITOR: Function = Function::query("articles:listForVisitor");
pub(crate) const SEARCH_ARTICLES: Function = Function::query("articles:searchForVisitor");
pub(crate) const ARTICLE_FOR_VISITOR: Function = Function::query("articles:getForVisitor");
pub(crate) const ARTICLE_PUBLIC: Function = Function::query("articles:get");
pub(crate) const ARTICLE_FEEDBACK: Function = Function::mutation("articles:submitFeedback");
pub(crate) const SUGGESTIONS: Function = Function::action("suggestions:searchForWidget");

pub(crate) const PUSH_REGISTER: Function =
    Function::idempotent_mutation("visitorPushTokens:register");
pub(crate) const PUSH_UNREGISTER: Function =
    Function::idempotent_mutation("visitorPushTokens:unregister");
pub(crate) const PUSH_SET_ENABLED: Function =
    Function::idempotent_mutation("visitorPushTokens:setNotificationsEnabled");

pub(crate) const CREATE_TICKET: Function = Function::mutation("tickets:create");
pub(crate) const LIST_TICKETS: Function = Function::query("tickets:listByVisitor");
pub(crate) const GET_TICKET: Function = Function::query("tickets:get");
pub(crate) const TICKET_COMMENTS: Function = Function::query("tickets:getComments");
pub(crate) const ADD_TICKET_COMMENT: Function = Function::mutation("tickets:addComment");
pub(crate) const DEFAULT_TICKET_FORM: Function =
    Function::query("ticketForms:getDefaultForVisitor");

pub(crate) const MESSENGER_SETTINGS: Function =
    Function::query("messengerSettings:getPublicSettings");
pub(crate) const HOME_CONFIG: Function = Function::query("messengerSettings:getPublicHomeConfig");
pub(crate) const OFFICE_HOURS_OPEN: Function = Function::query("officeHours:isCurrentlyOpen");
pub(crate) const EXPECTED_REPLY_TIME: Function =
    Function::query("officeHours:getExpectedReplyTime");
pub(crate) const AUTOMATION_SETTINGS: Function = Function::query("automationSettings:getOrCreate");
pub(crate) const COMMON_ISSUE_BUTTONS: Function = Function::query("commonIssueButtons:list");

pub(crate) const LIST_EVENTS: Function = Function::query("events:list");
pub(crate) const VISITOR_BY_SESSION: Function = Function::query("visitors:getBySession");

// Engagement: surveys, carousels, outbound messages (CONTRACT §13).
pub(crate) const ACTIVE_SURVEYS: Function = Function::query("surveys:getActiveSurveys");
pub(crate) const SURVEY_IMPRESSION: Function = Function::mutation("surveys:recordImpression");
pub(crate) const SUBMIT_SURVEY: Function = Function::mutation("surveys:submitResponse");
pub(crate) const ACTIVE_CAROUSELS: Function = Function::query("carousels:listActive");
pub(crate) const CAROUSEL_IMPRESSION: Function = Function::mutation("carousels:recordImpression");
pub(crate) const ELIGIBLE_OUTBOUND: Function = Function::query("outboundMessages:getEligible");
pub(crate) const OUTBOUND_IMPRESSION: Function =
    Function::mutation("outboundMessages:trackImpression");

pub(crate) const DISCOVERY_METADATA: Function = Function::query("discovery:getMetadata");

// Agent side (CONTRACT §15). `auth:signIn` is never retried after an ambiguous failure:
// a refresh that ran but whose answer was lost consumed the single-use refresh token.
pub(crate) const AUTH_SIGN_IN: Function = Function::action("auth:signIn");
pub(crate) const AUTH_SIGN_OUT: Function = Function::action("auth:signOut");
pub(crate) const AUTH_CURRENT_USER: Function = Function::query("auth:currentUser");
pub(crate) const AUTH_SWITCH_WORKSPACE: Function =
    Function::idempotent_mutation("auth:switchWorkspace");
pub(crate) const LIST_FOR_INBOX: Function = Function::query("conversations:listForInbox");
pub(crate) const UPDATE_CONVERSATION_STATUS: Function =
    Function::idempotent_mutation("conversations:updateStatus");
pub(crate) const ASSIGN_CONVERSATION: Function =
    Function::idempotent_mutation("conversations:assign");
pub(crate) const SEARCH_VISITORS: Function = Function::query("visitors:search");
pub(crate) const LIST_VISITORS: Function = Function::query("visitors:list");
pub(crate) const GET_VISITOR: Function = Function::query("visitors:get");

// Agent tickets, tags and snippets (CONTRACT §15.3).
pub(crate) const LIST_WORKSPACE_TICKETS: Function = Function::query("tickets:list");
pub(crate) const UPDATE_TICKET: Function = Function::idempotent_mutation("tickets:update");
pub(crate) const RESOLVE_TICKET: Function = Function::mutation("tickets:resolve");
pub(crate) const CONVERT_TO_TICKET: Function =
    Function::mutation("tickets:convertFromConversation");
pub(crate) const LIST_TAGS: Function = Function::query("tags:list");
pub(crate) const GET_TAG: Function = Function::query("tags:get");
pub(crate) const CREATE_TAG: Function = Function::mutation("tags:create");
pub(crate) const UPDATE_TAG: Function = Function::idempotent_mutation("tags:update");
pub(crate) const REMOVE_TAG: Function = Function::mutation("tags:remove");
pub(crate) const TAG_CONVERSATION: Function =
    Function::idempotent_mutation("tags:addToConversation");
pub(crate) const UNTAG_CONVERSATION: Function =
    Function::idempotent_mutation("tags:removeFromConversation");
pub(crate) const CONVERSATION_TAGS: Function = Function::query("tags:getConversationTags");
pub(crate) const LIST_SNIPPETS: Function = Function::query("snippets:list");
pub(crate) const GET_SNIPPET: Function = Function::query("snippets:get");
pub(crate) const SEARCH_SNIPPETS: Function = Function::query("snippets:search");
pub(crate) const SNIPPET_BY_SHORTCUT: Function = Function::query("snippets:getByShortcut");
pub(crate) const CREATE_SNIPPET: Function = Function::mutation("snippets:create");
pub(crate) const UPDATE_SNIPPET: Function = Function::idempotent_mutation("snippets:update");
pub(crate) const REMOVE_SNIPPET: Function = Function::mutation("snippets:remove");

// Help-center authoring (CONTRACT §15.3). `articles:get` is `ARTICLE_PUBLIC` above.
pub(crate) const CREATE_ARTICLE: Function = Function::mutation("articles:create");
pub(crate) const UPDATE_ARTICLE: Function = Function::idempotent_mutation("articles:update");
pub(crate) const PUBLISH_ARTICLE: Function = Function::idempotent_mutation("articles:publish");
pub(crate) const UNPUBLISH_ARTICLE: Function = Function::idempotent_mutation("articles:unpublish");
pub(crate) const ARCHIVE_ARTICLE: Function = Function::idempotent_mutation("articles:archive");
pub(crate) const REMOVE_ARTICLE: Function = Function::mutation("articles:remove");
pub(crate) const LIST_ARTICLES: Function = Function::query("articles:list");
pub(crate) const SEARCH_ARTICLES_ADMIN: Function = Function::query("articles:search");
pub(crate) const ASSET_UPLOAD_URL: Function =
    Function::idempotent_mutation("articles:generateAssetUploadUrl");
pub(crate) const SAVE_ASSET: Function = Function::mutation("articles:saveAsset");
pub(crate) const LIST_ASSETS: Function = Function::query("articles:listAssets");
pub(crate) const DELETE_ASSET: Function = Function::mutation("articles:deleteAsset");
pub(crate) const CREATE_COLLECTION: Function = Function::mutation("collections:create");
pub(crate) const UPDATE_COLLECTION: Function = Function::idempotent_mutation("collections:update");
pub(crate) const REMOVE_COLLECTION: Function = Function::mutation("collections:remove");
pub(crate) const REORDER_COLLECTION: Function =
    Function::idempotent_mutation("collections:reorder");
pub(crate) const LIST_COLLECTION_HIERARCHY: Function = Function::query("collections:listHierarchy");

pub(crate) const CHECKLISTS_ELIGIBLE: Function = Function::query("checklists:getEligible");
pub(crate) const CHECKLIST_PROGRESS: Function = Function::query("checklists:getProgress");
pub(crate) const CHECKLIST_ALL_PROGRESS: Function = Function::query("checklists:getAllProgress");
pub(crate) const CHECKLIST_COMPLETE_TASK: Function =
    Function::idempotent_mutation("checklists:completeTask");
pub(crate) const CHECKLIST_UNCOMPLETE_TASK: Function =
    Function::idempotent_mutation("checklists:uncompleteTask");

pub(crate) const TOURS_LIST_ALL: Function = Function::query("tours:listAll");
pub(crate) const TOUR_ACTIVE: Function = Function::query("tourProgress:getActive");
pub(crate) const TOUR_AVAILABLE: Function = Function::query("tourProgress:getAvailableTours");
pub(crate) const TOUR_START: Function = Function::idempotent_mutation("tourProgress:start");
pub(crate) const TOUR_ADVANCE: Function = Function::mutation("tourProgress:advance");
pub(crate) const TOUR_SKIP_STEP: Function = Function::mutation("tourProgress:skipStep");
pub(crate) const TOUR_COMPLETE: Function = Function::idempotent_mutation("tourProgress:complete");
pub(crate) const TOUR_DISMISS: Function = Function::idempotent_mutation("tourProgress:dismiss");
pub(crate) const TOUR_DISMISS_PERMANENTLY: Function =
    Function::idempotent_mutation("tourProgress:dismissPermanently");
pub(crate) const TOUR_SNOOZE: Function = Function::idempotent_mutation("tourProgress:snooze");
pub(crate) const TOUR_RESTART: Function = Function::idempotent_mutation("tourProgress:restart");

pub(crate) const AI_CONVERSATION_RESPONSES: Function =
    Function::query("aiAgent:getConversationResponses");
pub(crate) const AI_SUBMIT_FEEDBACK: Function =
    Function::idempotent_mutation("aiAgent:submitFeedback");
pub(crate) const AI_HANDOFF: Function = Function::mutation("aiAgent:handoffToHuman");
