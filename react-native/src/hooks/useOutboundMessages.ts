import * as React from 'react';
import { OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { OutboundMessage } from '../types';
import { emptyList, notStarted, useActionError, useLive } from './internal';

/**
 * The outbound messages (chats, posts, banners) eligible on `currentUrl` (your screen's route,
 * e.g. `/settings`), live (again when it changes), with `markShown(messageId)`,
 * `trackClick(messageId, buttonIndex?)` and `trackDismiss(messageId)`.
 */
export function useOutboundMessages(currentUrl: string) {
  const { clients, sessionKey } = useOpencomContext();
  const key = sessionKey && `outbound:${sessionKey}:${currentUrl}`;
  const live = useLive<OutboundMessage[]>(key, (emit, fail) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.outbound.watchEligible(currentUrl, {
      onOutboundMessages: (list, fromCache) => emit(list, fromCache),
      onError: fail,
    });
  });
  const { error: actionError, run } = useActionError(key);

  const markShown = React.useCallback(
    (messageId: string): Promise<OpencomResult<void>> =>
      clients ? run(() => clients.outbound.shown(messageId)) : notStarted(),
    [clients, run],
  );
  const trackClick = React.useCallback(
    (messageId: string, buttonIndex?: number): Promise<OpencomResult<void>> =>
      clients ? run(() => clients.outbound.clicked(messageId, buttonIndex)) : notStarted(),
    [clients, run],
  );
  const trackDismiss = React.useCallback(
    (messageId: string): Promise<OpencomResult<void>> =>
      clients ? run(() => clients.outbound.dismissed(messageId)) : notStarted(),
    [clients, run],
  );

  const messages = live.data ?? emptyList<OutboundMessage>();
  const error = actionError ?? live.error;
  return React.useMemo(
    () => ({ messages, loading: live.loading, error, fromCache: live.fromCache, markShown, trackClick, trackDismiss }),
    [messages, live.loading, error, live.fromCache, markShown, trackClick, trackDismiss],
  );
}
