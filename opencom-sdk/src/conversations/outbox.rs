//! The durable outbox: nothing accepted is lost, nothing is sent twice.
//!
//! `send` persists the message under `<namespace>outbox/item/<local id>` before anything else and
//! returns. One background task per conversation sends its items in order. A failure whose outcome
//! is unknown (timeout, cut connection, 5xx) marks the item `attempted`; before such an item is
//! sent again, the conversation's messages are listed and the item is matched against them
//! (visitor sender, same content and attachments, after the last message this device is known to
//! have sent there) — `messages:send` has no idempotency key, so this is the only safe way.
//! After [`MAX_FAILURES`] consecutive failures the conversation's queue pauses with the error
//! visible on the local echo until `resume_outbox` is called. Items left at a crash are loaded
//! and sent on the next start.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::ai::AiSettingsCache;
use super::attachments::check_count;
use super::model::{DeliveryState, Message, SenderType};
use crate::client_events::ClientEvent;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::task::TaskGuard;
use crate::wire::visitor::messages::{List, SendMessage};

/// Consecutive failures after which a conversation's queue pauses.
pub const MAX_FAILURES: u32 = 8;
/// Tolerated clock difference between this device and the server when reconciling.
const RECONCILE_SKEW_MS: f64 = 10.0 * 60.0 * 1000.0;

/// A message to send.
///
/// ```
/// use opencom_sdk::OutgoingMessage;
/// let message = OutgoingMessage::text("Here is the invoice").attachment("attachment-id");
/// assert_eq!(message.attachment_ids.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// The text (may be empty when there are attachments).
    pub text: String,
    /// Ids of uploaded attachments (at most 5).
    pub attachment_ids: Vec<String>,
}

impl OutgoingMessage {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            attachment_ids: Vec::new(),
        }
    }

    /// Adds an uploaded attachment.
    pub fn attachment(mut self, id: impl Into<String>) -> Self {
        self.attachment_ids.push(id.into());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OutboxItem {
    pub(crate) local_id: String,
    pub(crate) conversation_id: String,
    pub(crate) content: String,
    pub(crate) attachment_ids: Vec<String>,
    pub(crate) enqueued_at: f64,
    /// A send was started: the server may have the message already.
    pub(crate) attempted: bool,
    /// The server's id once the send succeeded: written (atomically, with the item) before the
    /// cursor moves and the item is removed, so a crash between those steps cannot make the
    /// next run send the message again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sent_message_id: Option<String>,
}

#[derive(Debug, Clone)]
struct Entry {
    item: OutboxItem,
    delivery: DeliveryState,
    message_id: Option<String>,
    failures: u32,
    /// The server id once sent, shared with the item's [`SendHandle`]s: they keep it after
    /// the entry is pruned from memory.
    sent_id: Arc<OnceLock<String>>,
}

#[derive(Debug, Default)]
struct State {
    loaded: bool,
    next_seq: u64,
    entries: BTreeMap<String, Entry>,
    workers: HashMap<String, TaskGuard>,
    /// Per conversation: the last server message id this device sent there.
    cursors: HashMap<String, String>,
}

/// The outbox of one client.
#[derive(Debug)]
pub(crate) struct Outbox {
    state: Mutex<State>,
    version: watch::Sender<u64>,
    /// Whether an AI reply follows a sent message (the workspace's AI settings, cached).
    ai: AiSettingsCache,
}

/// A queued message: await [`sent`](Self::sent) for its server id.
#[derive(Debug, Clone)]
pub struct SendHandle {
    local_id: String,
    outbox: Weak<Outbox>,
    sent_id: Arc<OnceLock<String>>,
}

impl SendHandle {
    /// The outbox id; local echoes carry it in [`Message::local_id`].
    pub fn local_id(&self) -> &str {
        &self.local_id
    }

    /// Waits until the server stored the message and returns its id, or until sending paused
    /// on repeated failures (the error is returned; the message stays queued).
    pub async fn sent(&self) -> Result<String> {
        let Some(outbox) = self.outbox.upgrade() else {
            return Err(Error::ClientDropped);
        };
        let mut changes = outbox.version.subscribe();
        loop {
            if let Some(id) = self.sent_id.get() {
                return Ok(id.clone());
            }
            match outbox.delivery_of(&self.local_id) {
                Some((DeliveryState::Sent, Some(id))) => return Ok(id),
                Some((DeliveryState::Failed { error }, _)) => {
                    return Err(Error::Server { message: error })
                }
                None => return Err(Error::config("the message left the outbox (logout)")),
                _ => {}
            }
            if changes.changed().await.is_err() {
                return Err(Error::ClientDropped);
            }
        }
    }
}

enum Attempt {
    Sent(String),
    Retry(Error),
    Permanent(Error),
}

impl Outbox {
    pub(crate) fn new() -> Arc<Self> {
        let (version, _) = watch::channel(0);
        Arc::new(Self {
            state: Mutex::new(State::default()),
            version,
            ai: AiSettingsCache::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn notify(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    /// A receiver that changes whenever any item changes state.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    fn delivery_of(&self, local_id: &str) -> Option<(DeliveryState, Option<String>)> {
        self.lock()
            .entries
            .get(local_id)
            .map(|e| (e.delivery.clone(), e.message_id.clone()))
    }

    fn item_key(ctx: &Context, local_id: &str) -> String {
        format!("{}outbox/item/{local_id}", ctx.config.storage_namespace())
    }

    fn cursor_key(ctx: &Context, conversation_id: &str) -> String {
        format!(
            "{}outbox/cursor/{conversation_id}",
            ctx.config.storage_namespace()
        )
    }

    /// Loads items left by a previous run and starts their senders.
    pub(crate) async fn load(self: &Arc<Self>, ctx: &Arc<Context>) -> Result<()> {
        if self.lock().loaded {
            return Ok(());
        }
        let storage = &ctx.services.storage;
        let prefix = format!("{}outbox/", ctx.config.storage_namespace());
        let mut items = Vec::new();
        let mut sent = Vec::new();
        let mut cursors = HashMap::new();
        for key in storage.keys(&prefix).await? {
            let Some(raw) = storage.get(&key).await.ok().flatten() else {
                continue;
            };
            if let Some(conversation) = key.strip_prefix(&format!("{prefix}cursor/")) {
                cursors.insert(conversation.to_owned(), raw);
            } else if let Ok(item) = serde_json::from_str::<OutboxItem>(&raw) {
                match &item.sent_message_id {
                    // Sent before the last run ended mid-bookkeeping: finish it, never resend.
                    Some(id) => sent.push((key, item.conversation_id.clone(), id.clone())),
                    None => items.push(item),
                }
            } else {
                tracing::warn!(key, "unreadable outbox item left in place");
            }
        }
        // A conversation sends one item at a time, so a leftover sent item is its newest
        // message: the cursor moves to it.
        for (key, conversation_id, message_id) in sent {
            let cursor_key = Self::cursor_key(ctx, &conversation_id);
            storage.set(&cursor_key, &message_id).await?;
            storage.remove(&key).await?;
            cursors.insert(conversation_id, message_id);
        }
        let conversations: Vec<String> = {
            let mut st = self.lock();
            if st.loaded {
                return Ok(());
            }
            st.loaded = true;
            for item in items {
                let seq = item
                    .local_id
                    .split('-')
                    .next()
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0);
                st.next_seq = st.next_seq.max(seq + 1);
                st.entries.insert(
                    item.local_id.clone(),
                    Entry {
                        item,
                        delivery: DeliveryState::Queued,
                        message_id: None,
                        failures: 0,
                        sent_id: Arc::new(OnceLock::new()),
                    },
                );
            }
            st.cursors.extend(cursors);
            let mut convs: Vec<String> = st
                .entries
                .values()
                .map(|e| e.item.conversation_id.clone())
                .collect();
            convs.dedup();
            convs
        };
        if !conversations.is_empty() {
            tracing::info!(count = conversations.len(), "resuming unsent messages");
        }
        for conversation in conversations {
            self.spawn_worker(ctx, &conversation);
        }
        self.notify();
        Ok(())
    }

    pub(crate) async fn enqueue(
        self: &Arc<Self>,
        ctx: &Arc<Context>,
        conversation_id: &str,
        message: OutgoingMessage,
    ) -> Result<SendHandle> {
        if message.text.trim().is_empty() && message.attachment_ids.is_empty() {
            return Err(Error::invalid(
                "text",
                "a message needs text or an attachment",
            ));
        }
        check_count(&message.attachment_ids)?;
        if message.attachment_ids.iter().any(|id| id.trim().is_empty()) {
            return Err(Error::invalid("attachment_ids", "ids must not be empty"));
        }
        self.load(ctx).await?;
        let local_id = {
            let mut st = self.lock();
            let seq = st.next_seq;
            st.next_seq += 1;
            format!("{seq:012}-{:08x}", rand::random::<u32>())
        };
        let item = OutboxItem {
            local_id: local_id.clone(),
            conversation_id: conversation_id.to_owned(),
            content: message.text,
            attachment_ids: message.attachment_ids,
            enqueued_at: ctx.services.clock.now_ms(),
            attempted: false,
            sent_message_id: None,
        };
        // Durable first: if this fails, nothing was accepted.
        let json = serde_json::to_string(&item).map_err(|e| Error::Storage {
            message: e.to_string(),
            source: Some(crate::error_source::ErrorSource::new(e)),
        })?;
        ctx.services
            .storage
            .set(&Self::item_key(ctx, &local_id), &json)
            .await?;
        let sent_id = Arc::new(OnceLock::new());
        self.lock().entries.insert(
            local_id.clone(),
            Entry {
                item,
                delivery: DeliveryState::Queued,
                message_id: None,
                failures: 0,
                sent_id: Arc::clone(&sent_id),
            },
        );
        self.notify();
        self.spawn_worker(ctx, conversation_id);
        Ok(SendHandle {
            local_id,
            outbox: Arc::downgrade(self),
            sent_id,
        })
    }

    /// Clears paused queues and starts their senders again; also restarts the sender of any
    /// conversation with unsent items whose sender is gone.
    pub(crate) async fn resume(self: &Arc<Self>, ctx: &Arc<Context>) {
        let conversations: Vec<String> = {
            let mut st = self.lock();
            let mut convs = Vec::new();
            for entry in st.entries.values_mut() {
                if matches!(entry.delivery, DeliveryState::Failed { .. }) {
                    entry.delivery = DeliveryState::Queued;
                    entry.failures = 0;
                }
                if entry.delivery != DeliveryState::Sent
                    && !convs.contains(&entry.item.conversation_id)
                {
                    convs.push(entry.item.conversation_id.clone());
                }
            }
            convs
        };
        self.notify();
        for conversation in conversations {
            self.spawn_worker(ctx, &conversation);
        }
    }

    /// Forgets everything (logout). Storage is wiped by the session.
    pub(crate) fn reset(&self) {
        let mut st = self.lock();
        st.workers.clear(); // aborts the senders
        st.entries.clear();
        st.cursors.clear();
        st.loaded = false;
        drop(st);
        self.notify();
    }

    /// Starts the conversation's sender unless one is running. A sender that died (its task
    /// panicked, was aborted, or its runtime shut down) is replaced: its items are still queued.
    fn spawn_worker(self: &Arc<Self>, ctx: &Arc<Context>, conversation_id: &str) {
        let mut st = self.lock();
        if st
            .workers
            .get(conversation_id)
            .is_some_and(|worker| !worker.is_finished())
        {
            return;
        }
        if st.workers.remove(conversation_id).is_some() {
            tracing::warn!("an outbox sender had stopped; restarting it");
        }
        let ctx = Arc::downgrade(ctx);
        let outbox = Arc::downgrade(self);
        let conversation = conversation_id.to_owned();
        let task = tokio::spawn(async move { run_conversation(ctx, outbox, conversation).await });
        st.workers
            .insert(conversation_id.to_owned(), TaskGuard::new(task));
    }

    /// The first unsent item of a conversation, unless its queue is paused. When there is none,
    /// the calling sender retires under the same lock, so a concurrent `enqueue` starts a new one.
    fn next_pending(&self, conversation_id: &str) -> Option<OutboxItem> {
        let mut st = self.lock();
        let next = st
            .entries
            .values()
            .find(|e| {
                e.item.conversation_id == conversation_id && e.delivery != DeliveryState::Sent
            })
            .filter(|e| !matches!(e.delivery, DeliveryState::Failed { .. }))
            .map(|e| e.item.clone());
        if next.is_none() {
            retire(&mut st, conversation_id);
        }
        next
    }

    fn set_delivery(&self, local_id: &str, delivery: DeliveryState) {
        if let Some(entry) = self.lock().entries.get_mut(local_id) {
            entry.delivery = delivery;
        }
        self.notify();
    }

    /// Records a failure; returns true when the queue must pause.
    fn record_failure(&self, local_id: &str, error: &Error, permanent: bool) -> bool {
        let mut st = self.lock();
        let Some(entry) = st.entries.get_mut(local_id) else {
            return true;
        };
        entry.failures += 1;
        let pause = permanent || entry.failures >= MAX_FAILURES;
        entry.delivery = if pause {
            DeliveryState::Failed {
                error: error.to_string(),
            }
        } else {
            DeliveryState::Queued
        };
        if pause {
            let conversation_id = entry.item.conversation_id.clone();
            retire(&mut st, &conversation_id);
        }
        drop(st);
        self.notify();
        pause
    }

    fn failures(&self, local_id: &str) -> u32 {
        self.lock().entries.get(local_id).map_or(0, |e| e.failures)
    }

    async fn mark_sent(&self, ctx: &Context, item: &OutboxItem, message_id: &str) {
        {
            let mut st = self.lock();
            if let Some(entry) = st.entries.get_mut(&item.local_id) {
                entry.delivery = DeliveryState::Sent;
                entry.message_id = Some(message_id.to_owned());
                let _ = entry.sent_id.set(message_id.to_owned());
            }
            st.cursors
                .insert(item.conversation_id.clone(), message_id.to_owned());
            prune_sent(&mut st);
        }
        let storage = &ctx.services.storage;
        // 1. The item records its server id (one atomic write), 2. the cursor moves, 3. the
        // item goes. A crash after 1 leaves a sent item that `load` settles without re-sending.
        let mut sent = item.clone();
        sent.sent_message_id = Some(message_id.to_owned());
        match serde_json::to_string(&sent) {
            Ok(json) => {
                if let Err(e) = storage
                    .set(&Self::item_key(ctx, &item.local_id), &json)
                    .await
                {
                    tracing::warn!(error = %e, "could not record a sent outbox item");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not encode a sent outbox item"),
        }
        if let Err(e) = storage
            .set(&Self::cursor_key(ctx, &item.conversation_id), message_id)
            .await
        {
            tracing::warn!(error = %e, "could not persist the outbox cursor");
        }
        if let Err(e) = storage.remove(&Self::item_key(ctx, &item.local_id)).await {
            tracing::warn!(error = %e, "could not remove a sent outbox item");
        }
        self.notify();
    }

    async fn mark_attempted(&self, ctx: &Context, item: &OutboxItem) {
        let mut updated = item.clone();
        updated.attempted = true;
        if let Some(entry) = self.lock().entries.get_mut(&item.local_id) {
            entry.item.attempted = true;
        }
        if let Ok(json) = serde_json::to_string(&updated) {
            if let Err(e) = ctx
                .services
                .storage
                .set(&Self::item_key(ctx, &item.local_id), &json)
                .await
            {
                tracing::warn!(error = %e, "could not persist an outbox item's attempt");
            }
        }
    }

    /// Finds `item` among the server's messages after this device's cursor.
    async fn reconcile(&self, ctx: &Context, item: &OutboxItem) -> Result<Option<String>> {
        let docs = ctx
            .session
            .request(|c| List {
                auth: c.visitor(),
                conversation_id: &item.conversation_id,
            })
            .await?;
        let messages = Message::list(docs);
        let (cursor, claimed): (Option<String>, Vec<String>) = {
            let st = self.lock();
            (
                st.cursors.get(&item.conversation_id).cloned(),
                st.entries
                    .values()
                    .filter_map(|e| e.message_id.clone())
                    .collect(),
            )
        };
        let start = cursor
            .and_then(|c| messages.iter().position(|m| m.id == c).map(|p| p + 1))
            .unwrap_or(0);
        let mut wanted = item.attachment_ids.clone();
        wanted.sort();
        wanted.dedup();
        let found = messages[start..].iter().find(|m| {
            let mut ids: Vec<String> = m.attachments.iter().map(|a| a.id.clone()).collect();
            ids.sort();
            m.sender_type == SenderType::Visitor
                && m.content == item.content
                && ids == wanted
                && m.created_at >= item.enqueued_at - RECONCILE_SKEW_MS
                && !claimed.contains(&m.id)
        });
        Ok(found.map(|m| m.id.clone()))
    }

    async fn attempt(&self, ctx: &Context, item: &OutboxItem) -> Attempt {
        if item.attempted {
            match self.reconcile(ctx, item).await {
                Ok(Some(id)) => {
                    tracing::info!(
                        local_id = item.local_id,
                        "an ambiguous send had reached the server"
                    );
                    return Attempt::Sent(id);
                }
                Ok(None) => {}
                Err(e) => return Attempt::Retry(e),
            }
        }
        self.set_delivery(&item.local_id, DeliveryState::Sending);
        self.mark_attempted(ctx, item).await;
        let attachment_ids = (!item.attachment_ids.is_empty()).then_some(&item.attachment_ids[..]);
        let result = ctx
            .session
            .request(|c| SendMessage {
                auth: c.visitor(),
                conversation_id: &item.conversation_id,
                sender_id: c.visitor_id.clone(),
                sender_type: "visitor",
                content: &item.content,
                attachment_ids,
            })
            .await;
        // A malformed answer (`Error::Decode`) falls to the last arm and is retried, as before:
        // the item is marked attempted, so it is reconciled against the server's messages first.
        match result {
            Ok(id) => Attempt::Sent(id),
            Err(
                e @ (Error::InvalidInput { .. }
                | Error::NotAuthorized { .. }
                | Error::NotFound { .. }),
            ) => Attempt::Permanent(e),
            Err(e) => Attempt::Retry(e),
        }
    }

    /// Local echoes of a conversation's unsent (or just sent) items, and the server ids of the
    /// ones already sent, by local id.
    pub(crate) fn echoes(
        &self,
        conversation_id: &str,
        visitor_id: &str,
    ) -> (Vec<Message>, HashMap<String, String>) {
        let st = self.lock();
        let mut echoes = Vec::new();
        let mut sent = HashMap::new();
        for entry in st.entries.values() {
            if entry.item.conversation_id != conversation_id {
                continue;
            }
            if let Some(id) = &entry.message_id {
                sent.insert(id.clone(), entry.item.local_id.clone());
            }
            echoes.push(Message {
                id: format!("local:{}", entry.item.local_id),
                conversation_id: conversation_id.to_owned(),
                sender_id: visitor_id.to_owned(),
                sender_type: SenderType::Visitor,
                sender_name: None,
                content: entry.item.content.clone(),
                created_at: entry.item.enqueued_at,
                attachments: Vec::new(),
                delivery: entry.delivery.clone(),
                local_id: Some(entry.item.local_id.clone()),
            });
        }
        (echoes, sent)
    }

    /// Merges server messages with the outbox's local echoes: server messages this device sent
    /// get their `local_id`; echoes not yet on the server follow, in send order.
    ///
    /// The socket can deliver a message before the HTTP answer to its `messages:send` arrives:
    /// an echo whose send is in flight (`Sending`) then takes the first unclaimed visitor message
    /// with its content and attachment count after the last message this device knows it sent
    /// (the rule the ambiguous-send reconciliation uses), so it never shows twice.
    pub(crate) fn merge(
        &self,
        conversation_id: &str,
        visitor_id: &str,
        server: Vec<Message>,
    ) -> Vec<Message> {
        let (echoes, sent) = self.echoes(conversation_id, visitor_id);
        let attachments: HashMap<String, usize> = {
            let st = self.lock();
            st.entries
                .values()
                .map(|e| (e.item.local_id.clone(), e.item.attachment_ids.len()))
                .collect()
        };
        let mut merged: Vec<Message> = server
            .into_iter()
            .map(|mut m| {
                m.local_id = sent.get(&m.id).cloned();
                m
            })
            .collect();
        // Where this device's known sends end: in-flight copies can only be after it.
        let mut search_from = merged
            .iter()
            .rposition(|m| m.local_id.is_some())
            .map_or(0, |i| i + 1);
        let mut on_server: std::collections::HashSet<String> =
            merged.iter().filter_map(|m| m.local_id.clone()).collect();
        for echo in &echoes {
            let Some(local_id) = &echo.local_id else {
                continue;
            };
            if on_server.contains(local_id) || echo.delivery != DeliveryState::Sending {
                continue;
            }
            let wanted_attachments = attachments.get(local_id).copied().unwrap_or(0);
            let found = merged[search_from..].iter().position(|m| {
                m.local_id.is_none()
                    && m.sender_type == SenderType::Visitor
                    && m.sender_id == visitor_id
                    && m.content == echo.content
                    && m.attachments.len() == wanted_attachments
            });
            if let Some(offset) = found {
                let index = search_from + offset;
                merged[index].local_id = Some(local_id.clone());
                on_server.insert(local_id.clone());
                search_from = index + 1;
            }
        }
        merged.extend(
            echoes
                .into_iter()
                .filter(|e| e.local_id.as_ref().is_some_and(|l| !on_server.contains(l))),
        );
        merged
    }
}

/// Removes a conversation's sender from the table without aborting it (it is the caller).
fn retire(st: &mut State, conversation_id: &str) {
    if let Some(guard) = st.workers.remove(conversation_id) {
        guard.detach();
    }
}

/// Keeps memory bounded: forget the oldest sent entries beyond 1,000.
fn prune_sent(st: &mut State) {
    let sent: Vec<String> = st
        .entries
        .iter()
        .filter(|(_, e)| e.delivery == DeliveryState::Sent)
        .map(|(k, _)| k.clone())
        .collect();
    if sent.len() > 1000 {
        for key in &sent[..sent.len() - 1000] {
            st.entries.remove(key);
        }
    }
}

/// `MessageFailed` for an item whose queue paused on `error`.
fn publish_failure(ctx: &Context, item: &OutboxItem, error: Error) {
    ctx.bus.publish(ClientEvent::MessageFailed {
        conversation_id: item.conversation_id.clone(),
        local_id: item.local_id.clone(),
        error,
    });
}

/// Sends one conversation's items in order until none is left or the queue pauses.
async fn run_conversation(ctx: Weak<Context>, outbox: Weak<Outbox>, conversation_id: String) {
    loop {
        let (Some(ctx), Some(outbox)) = (ctx.upgrade(), outbox.upgrade()) else {
            return;
        };
        let Some(item) = outbox.next_pending(&conversation_id) else {
            return;
        };
        // Decided before sending (cached for minutes), so a later settings change does not
        // reach back to this message.
        let wants_ai = super::ai::ai_enabled(&ctx, &outbox.ai).await;
        match outbox.attempt(&ctx, &item).await {
            Attempt::Sent(message_id) => {
                outbox.mark_sent(&ctx, &item, &message_id).await;
                ctx.bus.publish(ClientEvent::MessageSent {
                    conversation_id: item.conversation_id.clone(),
                    local_id: item.local_id.clone(),
                    message_id: message_id.clone(),
                });
                super::ai::after_visitor_message(&ctx, &item, wants_ai);
            }
            Attempt::Permanent(error) => {
                tracing::warn!(error = %error, "message refused; pausing this conversation's queue");
                outbox.record_failure(&item.local_id, &error, true);
                publish_failure(&ctx, &item, error);
                return;
            }
            Attempt::Retry(error) => {
                if outbox.record_failure(&item.local_id, &error, false) {
                    tracing::warn!(error = %error, "sending keeps failing; pausing this conversation's queue");
                    publish_failure(&ctx, &item, error);
                    return;
                }
                let wait = crate::backoff::outbox_delay(outbox.failures(&item.local_id));
                drop(ctx);
                tokio::time::sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
mod handle_tests {
    use super::*;

    #[tokio::test]
    async fn a_handle_outliving_its_client_says_so() {
        let handle = SendHandle {
            local_id: "l1".into(),
            outbox: Weak::new(),
            sent_id: Arc::new(OnceLock::new()),
        };
        let err = handle.sent().await.err();
        assert_eq!(err, Some(Error::ClientDropped));
        let err = Error::ClientDropped;
        assert!(!err.is_transient());
        assert_eq!(err.to_string(), "the client was dropped");
    }
}

#[cfg(test)]
mod merge_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entry(local_id: &str, content: &str, delivery: DeliveryState, sent: Option<&str>) -> Entry {
        Entry {
            item: OutboxItem {
                local_id: local_id.into(),
                conversation_id: "c1".into(),
                content: content.into(),
                attachment_ids: Vec::new(),
                enqueued_at: 0.0,
                attempted: true,
                sent_message_id: sent.map(str::to_owned),
            },
            delivery,
            message_id: sent.map(str::to_owned),
            failures: 0,
            sent_id: Arc::new(OnceLock::new()),
        }
    }

    fn server(id: &str, content: &str, sender: SenderType, sender_id: &str) -> Message {
        Message {
            id: id.into(),
            conversation_id: "c1".into(),
            sender_id: sender_id.into(),
            sender_type: sender,
            sender_name: None,
            content: content.into(),
            created_at: 0.0,
            attachments: Vec::new(),
            delivery: DeliveryState::Sent,
            local_id: None,
        }
    }

    fn outbox(entries: Vec<Entry>) -> Arc<Outbox> {
        let outbox = Outbox::new();
        {
            let mut st = outbox.lock();
            for e in entries {
                st.entries.insert(e.item.local_id.clone(), e);
            }
        }
        outbox
    }

    fn contents(messages: &[Message]) -> Vec<(&str, Option<&str>)> {
        messages
            .iter()
            .map(|m| (m.content.as_str(), m.local_id.as_deref()))
            .collect()
    }

    /// Found by the FFI suites on the WebSocket: the socket delivered the sent message before
    /// the HTTP answer to `messages:send`, and the thread showed it twice.
    #[test]
    fn an_in_flight_echo_takes_its_copy_delivered_before_the_send_answered() {
        let outbox = outbox(vec![
            entry("a", "earlier", DeliveryState::Sent, Some("m1")),
            entry("b", "hello", DeliveryState::Sending, None),
        ]);
        let merged = outbox.merge(
            "c1",
            "v1",
            vec![
                server("m1", "earlier", SenderType::Visitor, "v1"),
                server("m2", "hi", SenderType::Agent, "agent"),
                server("m3", "hello", SenderType::Visitor, "v1"),
            ],
        );
        assert_eq!(
            contents(&merged),
            vec![("earlier", Some("a")), ("hi", None), ("hello", Some("b")),]
        );
    }

    #[test]
    fn only_copies_after_the_last_known_send_and_from_this_visitor_are_taken() {
        // An identical text from before this device's last send, and one from an agent, are
        // not the in-flight message: the echo stays.
        let outbox = outbox(vec![
            entry("a", "sent", DeliveryState::Sent, Some("m2")),
            entry("b", "same", DeliveryState::Sending, None),
            entry("q", "queued", DeliveryState::Queued, None),
        ]);
        let merged = outbox.merge(
            "c1",
            "v1",
            vec![
                server("m1", "same", SenderType::Visitor, "v1"),
                server("m2", "sent", SenderType::Visitor, "v1"),
                server("m3", "same", SenderType::Agent, "agent"),
                server("m4", "queued", SenderType::Visitor, "v1"),
            ],
        );
        assert_eq!(
            contents(&merged),
            vec![
                ("same", None),
                ("sent", Some("a")),
                ("same", None),
                ("queued", None),
                ("same", Some("b")),
                ("queued", Some("q")),
            ],
            "a queued echo is never matched (it was not sent)"
        );
    }

    #[test]
    fn two_identical_in_flight_sends_take_two_copies_in_order() {
        let outbox = outbox(vec![
            entry("b1", "ok", DeliveryState::Sending, None),
            entry("b2", "ok", DeliveryState::Sending, None),
        ]);
        let merged = outbox.merge(
            "c1",
            "v1",
            vec![server("m1", "ok", SenderType::Visitor, "v1")],
        );
        assert_eq!(
            contents(&merged),
            vec![("ok", Some("b1")), ("ok", Some("b2"))]
        );
        assert!(
            merged[1].id.starts_with("local:"),
            "the second is still an echo"
        );
    }
}
