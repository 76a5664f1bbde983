import * as React from 'react';
import { OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { AiAnswer, AiFeedbackName, AiHandoff } from '../types';
import { emptyList, notStarted, useActionError, useLive } from './internal';

/**
 * The AI agent's answers in a conversation, live (oldest first), with
 * `submitFeedback(responseId, 'helpful' | 'notHelpful')` and `handoffToHuman(reason?)`, which
 * hands the conversation to a human agent and resolves to the bot message posted (a reason
 * must not be blank: `InvalidInput`).
 */
export function useAIAgent(conversationId: string | null | undefined) {
  const { clients, sessionKey, bindings } = useOpencomContext();
  const key = sessionKey && conversationId ? `ai:${sessionKey}:${conversationId}` : null;
  const live = useLive<AiAnswer[]>(key, (emit, fail) => {
    if (!clients || !conversationId) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.aiAgent.watchResponses(conversationId, {
      onAiAnswers: (list, fromCache) => emit(list, fromCache),
      onError: fail,
    });
  });
  const { error: actionError, run } = useActionError(key);

  const submitFeedback = React.useCallback(
    (responseId: string, feedback: AiFeedbackName): Promise<OpencomResult<void>> => {
      if (!clients) {
        return notStarted();
      }
      const F = bindings.AiFeedback;
      return run(() => clients.aiAgent.feedback(responseId, feedback === 'helpful' ? new F.Helpful() : new F.NotHelpful()));
    },
    [clients, bindings, run],
  );
  const handoffToHuman = React.useCallback(
    (reason?: string): Promise<OpencomResult<AiHandoff>> =>
      clients && conversationId ? run(() => clients.aiAgent.handoffToHuman(conversationId, reason)) : notStarted(),
    [clients, conversationId, run],
  );

  const answers = live.data ?? emptyList<AiAnswer>();
  const error = actionError ?? live.error;
  return React.useMemo(
    () => ({ answers, loading: live.loading, error, fromCache: live.fromCache, submitFeedback, handoffToHuman }),
    [answers, live.loading, error, live.fromCache, submitFeedback, handoffToHuman],
  );
}
