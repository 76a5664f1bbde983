import * as React from 'react';
import { attempt, OpencomSdkError, toOpencomError, type OpencomResult } from '../errors';
import { release, useOpencomContext } from '../provider';
import { toChatMessage, type ChatMessage } from '../types';
import { useLive, useMounted } from './internal';

/** A message this hook shows before the SDK's own local echo (or instead of it, on failure). */
interface Pending {
  message: ChatMessage;
  /** The server id, once `sent()` resolved. */
  messageId?: string;
}

let pendingCounter = 0;

/**
 * One conversation, live: its messages (oldest first) with this device's outgoing ones as local
 * echoes carrying a send state (`sending` → `sent`, or `failed`), `send`, and `markAsRead`.
 * `conversationId` may be null/undefined while the screen does not know it yet.
 */
export function useConversation(conversationId: string | null | undefined) {
  const { clients, sessionKey } = useOpencomContext();
  const key = sessionKey && conversationId ? `messages:${sessionKey}:${conversationId}` : null;
  const live = useLive<ChatMessage[]>(key, (emit, fail) => {
    if (!clients || !conversationId) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.conversations.watchMessages(conversationId, {
      onMessages: (list, fromCache) => emit(list.map(toChatMessage), fromCache),
      onError: fail,
    });
  });
  const [pending, setPending] = React.useState<Pending[]>([]);
  const [sendError, setSendError] = React.useState<OpencomSdkError | null>(null);
  const mounted = useMounted();
  const keyRef = React.useRef(key);
  keyRef.current = key;

  React.useEffect(() => {
    setPending([]);
    setSendError(null);
  }, [key]);

  const serverMessages = React.useMemo(() => live.data ?? [], [live.data]);
  const shownByServer = React.useCallback(
    (p: Pending) =>
      serverMessages.some(
        (m) => (p.message.localId !== undefined && m.localId === p.message.localId) || (p.messageId !== undefined && m.id === p.messageId),
      ),
    [serverMessages],
  );

  // Forget the echoes the live list now shows.
  React.useEffect(() => {
    setPending((list) => (list.some(shownByServer) ? list.filter((p) => !shownByServer(p)) : list));
  }, [shownByServer]);

  const messages = React.useMemo(
    () => [...serverMessages, ...pending.filter((p) => !shownByServer(p)).map((p) => p.message)],
    [serverMessages, pending, shownByServer],
  );

  const update = React.useCallback((id: string, change: (p: Pending) => Pending) => {
    setPending((list) => list.map((p) => (p.message.id === id ? change(p) : p)));
  }, []);

  const send = React.useCallback(
    async (text: string, options: { attachmentIds?: string[] } = {}): Promise<OpencomResult<{ localId: string }>> => {
      if (!clients || !conversationId) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      const sentFor = keyRef.current;
      const id = `pending:${++pendingCounter}`;
      setSendError(null);
      setPending((list) => [
        ...list,
        {
          message: {
            id,
            conversationId,
            senderId: '',
            sender: 'visitor',
            content: text,
            createdAt: Date.now(),
            attachments: [],
            status: 'sending',
          },
        },
      ]);
      const queued = await attempt(() =>
        clients.conversations.send(conversationId, { text, attachmentIds: options.attachmentIds ?? [] }),
      );
      const current = () => mounted.current && keyRef.current === sentFor;
      if (!queued.ok) {
        if (current()) {
          update(id, (p) => ({ ...p, message: { ...p.message, status: 'failed', failure: queued.error.message } }));
          setSendError(queued.error);
        }
        return queued;
      }
      const handle = queued.value;
      const localId = handle.localId();
      if (current()) {
        update(id, (p) => ({ ...p, message: { ...p.message, localId } }));
      }
      // Delivery goes on in the SDK's outbox; its outcome shows in the live list. A paused
      // outbox (repeated failures) is also reported as the hook's error.
      handle.sent().then(
        (messageId) => {
          if (current()) {
            update(id, (p) => ({ ...p, messageId }));
          }
        },
        (thrown: unknown) => {
          if (current()) {
            setSendError(toOpencomError(thrown));
          }
        },
      ).finally(() => release(handle));
      return { ok: true, value: { localId } };
    },
    [clients, conversationId, mounted, update],
  );

  const markAsRead = React.useCallback(async (): Promise<OpencomResult<void>> => {
    if (!clients || !conversationId) {
      return { ok: false, error: new OpencomSdkError('NotStarted') };
    }
    return attempt(() => clients.conversations.markRead(conversationId));
  }, [clients, conversationId]);

  const resumeOutbox = React.useCallback(async (): Promise<OpencomResult<void>> => {
    if (!clients) {
      return { ok: false, error: new OpencomSdkError('NotStarted') };
    }
    setSendError(null);
    return attempt(() => clients.conversations.resumeOutbox());
  }, [clients]);

  /** Removes a failed echo (one that never reached the outbox). */
  const dismiss = React.useCallback((messageId: string) => {
    setPending((list) => list.filter((p) => p.message.id !== messageId));
  }, []);

  const error = live.error ?? sendError;
  const sending = messages.some((m) => m.status === 'sending' || m.status === 'queued');
  return React.useMemo(
    () => ({
      messages,
      loading: live.loading,
      error,
      fromCache: live.fromCache,
      /** True while one of this device's messages is not yet stored by the server. */
      sending,
      send,
      markAsRead,
      resumeOutbox,
      dismiss,
    }),
    [messages, live.loading, error, live.fromCache, sending, send, markAsRead, resumeOutbox, dismiss],
  );
}
