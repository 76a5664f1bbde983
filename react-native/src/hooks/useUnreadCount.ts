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
  return { count: live.data ?? 0, loading: live.loading, error: live.error };
}
