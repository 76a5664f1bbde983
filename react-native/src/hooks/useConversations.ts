import * as React from 'react';
import { attempt, type OpencomResult, OpencomSdkError } from '../errors';
import { useOpencomContext } from '../provider';
import { toConversation, type ConversationSummary } from '../types';
import { emptyList, useLive } from './internal';

/** The visitor's conversations, live (newest activity first), and starting new ones. */
export function useConversations() {
  const { clients, sessionKey } = useOpencomContext();
  const live = useLive<ConversationSummary[]>(sessionKey && `conversations:${sessionKey}`, (emit, fail) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.conversations.watchConversations({
      onConversations: (list, fromCache) => emit(list.map(toConversation), fromCache),
      onError: fail,
    });
  });

  const create = React.useCallback(async (): Promise<OpencomResult<ConversationSummary>> => {
    if (!clients) {
      return { ok: false, error: new OpencomSdkError('NotStarted') };
    }
    return attempt(async () => toConversation(await clients.conversations.create()));
  }, [clients]);

  const getOrCreate = React.useCallback(async (): Promise<OpencomResult<ConversationSummary>> => {
    if (!clients) {
      return { ok: false, error: new OpencomSdkError('NotStarted') };
    }
    return attempt(async () => toConversation(await clients.conversations.getOrCreate()));
  }, [clients]);

  const conversations = live.data ?? emptyList<ConversationSummary>();
  return React.useMemo(
    () => ({
      conversations,
      loading: live.loading,
      error: live.error,
      fromCache: live.fromCache,
      /** Starts a new conversation (it shows in `conversations` once the server has it). */
      create,
      /** The visitor's open conversation, or a new one. */
      getOrCreate,
    }),
    [conversations, live.loading, live.error, live.fromCache, create, getOrCreate],
  );
}
