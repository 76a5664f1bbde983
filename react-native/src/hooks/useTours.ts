import * as React from 'react';
import type * as Ffi from '../generated/opencom_ffi';
import { OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type {
  AvailableTour,
  ListedTour,
  TourAdvanceInput,
  TourAdvanceOutcome,
  TourSkipReason,
  TourStepOutcome,
} from '../types';
import { emptyList, notStarted, useActionError, useLoad } from './internal';

const MODES = { click: 'Click', elementClick: 'ElementClick', fieldFill: 'FieldFill' } as const;
const SKIPS: Record<TourSkipReason, keyof typeof Ffi.SkipReason> = {
  modeMismatch: 'ModeMismatch',
  elementClickRequired: 'ElementClickRequired',
  fieldFillRequired: 'FieldFillRequired',
  fieldFillInvalid: 'FieldFillInvalid',
  routeMismatch: 'RouteMismatch',
  checkpointInvalidRoute: 'CheckpointInvalidRoute',
  selectorMissing: 'SelectorMissing',
};

/**
 * Product tours: every tour with the visitor's status (`tours`) and those offered on
 * `currentUrl` (all pages when omitted) with progress (`available`), loaded again after each
 * action (and on `refresh()`). `start(tourId, { force })` resolves to the progress id;
 * `advance(tourId, input?)` to `Advanced` or `Blocked` (a refusal, not an error); `skipStep`,
 * `complete`, `dismiss`, `snooze`.
 */
export function useTours(currentUrl?: string) {
  const { clients, sessionKey, bindings } = useOpencomContext();
  const key = sessionKey && `tours:${sessionKey}:${currentUrl ?? ''}`;
  const loaded = useLoad(key, async (signal) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    const [tours, available] = await Promise.all([
      clients.tours.list({ signal }),
      clients.tours.available(currentUrl, { signal }),
    ]);
    return { tours, available };
  });
  const { error: actionError, run } = useActionError(key);
  const { refresh } = loaded;

  const act = React.useCallback(
    <T,>(work: (tours: Ffi.ToursClientLike) => Promise<T>): Promise<OpencomResult<T>> => {
      if (!clients) {
        return notStarted();
      }
      return run(() => work(clients.tours)).then((result) => {
        if (result.ok) {
          refresh();
        }
        return result;
      });
    },
    [clients, run, refresh],
  );

  const start = React.useCallback(
    (tourId: string, options: { force?: boolean } = {}) => act((t) => t.start(tourId, options.force ?? false)),
    [act],
  );
  const advance = React.useCallback(
    (tourId: string, input: TourAdvanceInput = {}): Promise<OpencomResult<TourAdvanceOutcome>> =>
      act((t) =>
        t.advance(tourId, {
          mode: new bindings.AdvanceMode[MODES[input.mode ?? 'click']](),
          targetMatched: input.targetMatched,
          fieldValue: input.fieldValue,
          selector: input.selector,
          currentUrl: input.currentUrl ?? currentUrl,
        }),
      ),
    [act, bindings, currentUrl],
  );
  const skipStep = React.useCallback(
    (tourId: string, reason: TourSkipReason = 'selectorMissing'): Promise<OpencomResult<TourStepOutcome>> =>
      act((t) => t.skipStep(tourId, bindings.SkipReason[SKIPS[reason]] as Ffi.SkipReason)),
    [act, bindings],
  );
  const complete = React.useCallback((tourId: string) => act((t) => t.complete(tourId)), [act]);
  const dismiss = React.useCallback((tourId: string) => act((t) => t.dismiss(tourId)), [act]);
  const snooze = React.useCallback((tourId: string) => act((t) => t.snooze(tourId)), [act]);

  const data = loaded.data;
  const tours = data?.tours ?? emptyList<ListedTour>();
  const available = data?.available ?? emptyList<AvailableTour>();
  const error = actionError ?? loaded.error;
  return React.useMemo(
    () => ({ tours, available, loading: loaded.loading, error, refresh, start, advance, skipStep, complete, dismiss, snooze }),
    [tours, available, loaded.loading, error, refresh, start, advance, skipStep, complete, dismiss, snooze],
  );
}
