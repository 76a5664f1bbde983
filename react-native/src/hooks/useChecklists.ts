import * as React from 'react';
import { OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { ChecklistProgress, EligibleChecklist } from '../types';
import { emptyList, notStarted, useActionError, useLive } from './internal';

/**
 * The checklists the visitor is eligible for, with their progress, live; `completeTask` /
 * `uncompleteTask(checklistId, taskId)` resolve to the progress after it, and
 * `isTaskCompleted(checklistId, taskId)` reads the live progress.
 */
export function useChecklists() {
  const { clients, sessionKey } = useOpencomContext();
  const key = sessionKey && `checklists:${sessionKey}`;
  const live = useLive<EligibleChecklist[]>(key, (emit, fail) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.checklists.watchEligible({ onChecklists: (list, fromCache) => emit(list, fromCache), onError: fail });
  });
  const { error: actionError, run } = useActionError(key);

  const completeTask = React.useCallback(
    (checklistId: string, taskId: string): Promise<OpencomResult<ChecklistProgress>> =>
      clients ? run(() => clients.checklists.completeTask(checklistId, taskId)) : notStarted(),
    [clients, run],
  );
  const uncompleteTask = React.useCallback(
    (checklistId: string, taskId: string): Promise<OpencomResult<ChecklistProgress>> =>
      clients ? run(() => clients.checklists.uncompleteTask(checklistId, taskId)) : notStarted(),
    [clients, run],
  );

  const checklists = live.data ?? emptyList<EligibleChecklist>();
  const isTaskCompleted = React.useCallback(
    (checklistId: string, taskId: string): boolean =>
      checklists.find((c) => c.checklist.id === checklistId)?.progress?.completedTaskIds.includes(taskId) ?? false,
    [checklists],
  );
  const error = actionError ?? live.error;
  return React.useMemo(
    () => ({ checklists, loading: live.loading, error, fromCache: live.fromCache, completeTask, uncompleteTask, isTaskCompleted }),
    [checklists, live.loading, error, live.fromCache, completeTask, uncompleteTask, isTaskCompleted],
  );
}
