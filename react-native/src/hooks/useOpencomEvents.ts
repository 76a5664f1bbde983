import * as React from 'react';
import type * as Ffi from '../generated/opencom_ffi';
import { OpencomSdkError, toOpencomError } from '../errors';
import { useOpencomContext } from '../provider';
import { toConnectionState, type ConnectionStateName } from '../types';
import { useLatest, useLive } from './internal';

/** Something that happened in the client (`useOpencomEvents`), as plain values. */
export type OpencomEvent =
  | { type: 'VisitorCreated'; visitorId: string }
  | { type: 'VisitorIdentified'; visitorId: string }
  | { type: 'ConversationCreated'; conversationId: string }
  | { type: 'MessageSent'; conversationId: string; localId: string; messageId: string }
  | { type: 'MessageFailed'; conversationId: string; localId: string; error: OpencomSdkError }
  | { type: 'MessageReceived'; conversationId: string; messageId: string }
  | { type: 'UnreadChanged'; total: number }
  | { type: 'ConnectionChanged'; state: ConnectionStateName }
  | { type: 'SessionExpired' }
  | { type: 'EventTracked'; name: string }
  | { type: 'SurveyShown'; surveyId: string }
  | { type: 'OutboundMessageShown'; messageId: string }
  | { type: 'Other'; description: string };

/** The generated `ClientEvent` → an {@link OpencomEvent}. */
export function toOpencomEvent(event: Ffi.ClientEvent): OpencomEvent {
  const tagged = event as unknown as { tag: string; inner?: Record<string, unknown> };
  const inner = { ...(tagged.inner ?? {}) };
  if (tagged.tag === 'MessageFailed') {
    inner.error = toOpencomError(inner.error);
  }
  if (tagged.tag === 'ConnectionChanged') {
    inner.state = toConnectionState(inner.state as Ffi.ConnectionState);
  }
  return { type: tagged.tag, ...inner } as OpencomEvent;
}

/**
 * Calls `handler(event)` for each of the client's events while mounted (and the session is
 * ready): the current unread total and connection state first, then visitor, conversation,
 * message, tracking, survey and outbound events as they happen. The newest `handler` is used.
 */
export function useOpencomEvents(handler: (event: OpencomEvent) => void) {
  const { clients, sessionKey } = useOpencomContext();
  const latest = useLatest(handler);
  const live = useLive<null>(sessionKey && `events:${sessionKey}`, (emit) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    const subscription = clients.client.watchEvents({ onEvent: (event) => latest.current(toOpencomEvent(event)) });
    emit(null, false);
    return subscription;
  });
  return React.useMemo(() => ({ listening: !live.loading && live.error === null, error: live.error }), [live.loading, live.error]);
}
