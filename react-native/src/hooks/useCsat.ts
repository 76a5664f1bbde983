import * as React from 'react';
import { attempt, OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import { useLoad } from './internal';

/**
 * Satisfaction rating (CSAT) of a conversation: whether the visitor may rate it now
 * (`eligible`, with the server's `reason` when not: e.g. `conversation_not_closed`) and
 * `rate(1…5, feedback?)`. After a successful rating the eligibility is loaded again.
 */
export function useCsat(conversationId: string | null | undefined) {
  const { clients, sessionKey } = useOpencomContext();
  const key = sessionKey && conversationId ? `csat:${sessionKey}:${conversationId}` : null;
  const loaded = useLoad(key, async (signal) => {
    if (!clients || !conversationId) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.conversations.csatEligibility(conversationId, { signal });
  });
  const [rating, setRating] = React.useState<{ key: string | null; busy: boolean; rated: number | null; error: OpencomSdkError | null }>({
    key,
    busy: false,
    rated: null,
    error: null,
  });
  const { refresh } = loaded;

  const rate = React.useCallback(
    async (value: number, feedback?: string): Promise<OpencomResult<void>> => {
      if (!clients || !conversationId) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      setRating((s) => ({ ...s, key, busy: true, error: null }));
      const result = await attempt(() => clients.conversations.rate(conversationId, value, feedback));
      setRating((s) =>
        s.key !== key ? s : { key, busy: false, rated: result.ok ? value : s.rated, error: result.ok ? null : result.error },
      );
      if (result.ok) {
        refresh();
      }
      return result;
    },
    [clients, conversationId, key, refresh],
  );

  const current = rating.key === key ? rating : { busy: false, rated: null, error: null };
  const data = loaded.data;
  return React.useMemo(
    () => ({
      /** Null until loaded. */
      eligible: data ? data.eligible : null,
      reason: data?.reason ?? null,
      /** The rating this screen sent, once the server took it. */
      rated: current.rated,
      rating: current.busy,
      loading: loaded.loading,
      error: current.error ?? loaded.error,
      rate,
      refresh,
    }),
    [data, current.rated, current.busy, current.error, loaded.loading, loaded.error, rate, refresh],
  );
}
