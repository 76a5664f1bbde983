import * as React from 'react';
import { OpencomSdkError } from '../errors';
import { useOpencomContext } from '../provider';
import { useLive } from './internal';

/** Unread messages across the visitor's conversations, live (for a badge). */
export function useUnreadCount() {
  const { clients, sessionKey } = useOpencomContext();
  const live = useLive<number>(sessionKey && `unread:${sessionKey}`, (emit, fail) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.conversations.watchUnreadCount({ onUnreadCount: emit, onError: fail });
  });
  const count = live.data ?? 0;
  return React.useMemo(() => ({ count, loading: live.loading, error: live.error }), [count, live.loading, live.error]);
}
