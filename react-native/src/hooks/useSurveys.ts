import * as React from 'react';
import type * as Ffi from '../generated/opencom_ffi';
import type { OpencomBindings } from '../bindings';
import { OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { Survey, SurveyAction, SurveyAnswers } from '../types';
import { emptyList, notStarted, useActionError, useLatest, useLive } from './internal';

/** A survey by id among `known`, else a stand-in the SDK looks up among the active ones. */
function surveyFor(known: readonly Survey[], surveyId: string): Ffi.Survey {
  return (
    known.find((s) => s.id === surveyId) ?? {
      id: surveyId,
      name: '',
      description: undefined,
      format: { tag: 'Small' } as unknown as Ffi.SurveyFormat,
      frequency: undefined,
      questions: [],
      intro: undefined,
      thankYou: undefined,
      trigger: undefined,
    }
  );
}

/** `{ questionId: value }` → the generated answers (a string is a choice for choice questions). */
export function toSurveyAnswers(bindings: OpencomBindings, survey: Ffi.Survey, answers: SurveyAnswers): Ffi.SurveyAnswer[] {
  const A = bindings.AnswerValue;
  return Object.entries(answers).map(([questionId, value]) => {
    const kind = survey.questions.find((q) => q.id === questionId)?.kind.tag as string | undefined;
    const choice = kind === 'Dropdown' || kind === 'MultipleChoice';
    let answer: Ffi.AnswerValue;
    if (typeof value === 'number') {
      answer = new A.Number({ value: BigInt(Math.trunc(value)) });
    } else if (Array.isArray(value)) {
      answer = new A.Choices({ values: value });
    } else {
      answer = choice ? new A.Choice({ value }) : new A.Text({ value });
    }
    return { questionId, value: answer };
  });
}

const IMPRESSION: Record<SurveyAction, keyof typeof Ffi.SurveyImpression> = {
  shown: 'Shown',
  started: 'Started',
  completed: 'Completed',
  dismissed: 'Dismissed',
};

/**
 * The surveys active for the visitor, live, with `record(surveyId, 'shown' | 'started' |
 * 'completed' | 'dismissed')` (each at most once per survey and session) and
 * `submit(surveyId, answers, complete)`, which resolves to the response id. Answers are checked
 * against the survey first: a bad one fails with `InvalidInput` (`field: 'answers.<question id>'`).
 */
export function useSurveys() {
  const { clients, sessionKey, bindings } = useOpencomContext();
  const key = sessionKey && `surveys:${sessionKey}`;
  const live = useLive<Survey[]>(key, (emit, fail) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.surveys.watchActive({ onSurveys: (list, fromCache) => emit(list, fromCache), onError: fail });
  });
  const { error: actionError, run } = useActionError(key);
  const surveys = live.data ?? emptyList<Survey>();
  const surveysRef = useLatest(surveys);

  const record = React.useCallback(
    (surveyId: string, action: SurveyAction): Promise<OpencomResult<void>> => {
      if (!clients) {
        return notStarted();
      }
      const impression = bindings.SurveyImpression[IMPRESSION[action]] as Ffi.SurveyImpression;
      return run(() => clients.surveys.record(surveyId, impression));
    },
    [clients, bindings, run],
  );

  const submit = React.useCallback(
    (surveyId: string, answers: SurveyAnswers, complete = true): Promise<OpencomResult<string>> => {
      if (!clients) {
        return notStarted();
      }
      const survey = surveyFor(surveysRef.current, surveyId);
      return run(() => clients.surveys.submit(survey, toSurveyAnswers(bindings, survey, answers), complete));
    },
    [clients, bindings, run, surveysRef],
  );

  const error = actionError ?? live.error;
  return React.useMemo(
    () => ({ surveys, loading: live.loading, error, fromCache: live.fromCache, record, submit }),
    [surveys, live.loading, error, live.fromCache, record, submit],
  );
}

/**
 * Calls `onSurvey(survey)` when an event the visitor tracks (`useOpencom().track`) triggers an
 * active survey (an `Event` trigger naming it), while mounted. Show it, then `record` and
 * `submit` it with `useSurveys()`.
 */
export function useSurveyTriggers(onSurvey: (survey: Survey) => void) {
  const { clients, sessionKey } = useOpencomContext();
  const handler = useLatest(onSurvey);
  const live = useLive<null>(sessionKey && `survey-triggers:${sessionKey}`, (emit) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    const subscription = clients.surveys.watchTriggers({
      onSurveyTriggered: (survey) => handler.current(survey),
    });
    emit(null, false);
    return subscription;
  });
  return React.useMemo(() => ({ listening: !live.loading && live.error === null, error: live.error }), [live.loading, live.error]);
}
