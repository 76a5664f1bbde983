import * as React from 'react';
import { attempt, OpencomSdkError, toOpencomError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import { toTicketDetail, type OpencomTicket, type OpencomTicketComment } from '../types';
import { emptyList } from './internal';

/** Options of {@link useTicket}. */
export interface TicketOptions {
  /** How often the ticket and its comments are read again while shown (default 15000 ms; 0: never). */
  pollIntervalMs?: number;
}

interface TicketState {
  key: string | null;
  ticket: OpencomTicket | null;
  comments: OpencomTicketComment[];
  loading: boolean;
  error: OpencomSdkError | null;
}

/**
 * One ticket with its public comments, kept current: read on mount, again every
 * `pollIntervalMs` while the app is in the foreground, and at once after `addComment`. Data
 * stays on screen while it is read again (`loading` is only true before the first answer).
 */
export function useTicket(ticketId: string | null | undefined, options: TicketOptions = {}) {
  const { clients, sessionKey, paused } = useOpencomContext();
  const pollIntervalMs = options.pollIntervalMs ?? 15000;
  const key = sessionKey && ticketId ? `ticket:${sessionKey}:${ticketId}` : null;
  const [state, setState] = React.useState<TicketState>({
    key,
    ticket: null,
    comments: emptyList<OpencomTicketComment>(),
    loading: true,
    error: null,
  });
  const [round, setRound] = React.useState(0);
  const refresh = React.useCallback(() => setRound((n) => n + 1), []);

  React.useEffect(() => {
    if (key === null || !clients || !ticketId) {
      return undefined;
    }
    const controller = new AbortController();
    clients.tickets.get(ticketId, { signal: controller.signal }).then(
      (detail) => {
        if (controller.signal.aborted) {
          return;
        }
        const next = toTicketDetail(detail);
        setState((s) => {
          const same = s.key === key && JSON.stringify([s.ticket, s.comments]) === JSON.stringify([next.ticket, next.comments]);
          // Unchanged data keeps its identity (no re-render of the list for nothing).
          return same && !s.loading && !s.error
            ? s
            : { key, ticket: same ? s.ticket : next.ticket, comments: same ? s.comments : next.comments, loading: false, error: null };
        });
      },
      (thrown: unknown) => {
        if (!controller.signal.aborted) {
          setState((s) => ({ ...(s.key === key ? s : { ticket: null, comments: emptyList() }), key, loading: false, error: toOpencomError(thrown) }));
        }
      },
    );
    return () => controller.abort();
  }, [key, clients, ticketId, round]);

  React.useEffect(() => {
    if (key === null || pollIntervalMs <= 0 || paused) {
      return undefined;
    }
    const timer = setInterval(refresh, pollIntervalMs);
    return () => clearInterval(timer);
  }, [key, pollIntervalMs, paused, refresh]);

  const addComment = React.useCallback(
    async (text: string, attachmentIds: string[] = []): Promise<OpencomResult<string>> => {
      if (!clients || !ticketId) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      const result = await attempt(() => clients.tickets.addComment(ticketId, text, attachmentIds));
      if (result.ok) {
        refresh();
      } else {
        setState((s) => (s.key === key ? { ...s, error: result.error } : s));
      }
      return result;
    },
    [clients, ticketId, key, refresh],
  );

  const current =
    state.key === key
      ? state
      : { ticket: null, comments: emptyList<OpencomTicketComment>(), loading: key !== null, error: null };
  return React.useMemo(
    () => ({
      ticket: current.ticket,
      comments: current.comments,
      loading: current.loading,
      error: current.error,
      refresh,
      addComment,
    }),
    [current.ticket, current.comments, current.loading, current.error, refresh, addComment],
  );
}
