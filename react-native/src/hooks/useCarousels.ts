import * as React from 'react';
import { OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { Carousel, CarouselAction } from '../types';
import { emptyList, notStarted, useActionError, useLive } from './internal';

/**
 * The carousels active for the visitor, live, with `record(carouselId, 'shown', screenIndex)`,
 * `record(carouselId, 'completed')` and `record(carouselId, 'dismissed')`.
 */
export function useCarousels() {
  const { clients, sessionKey, bindings } = useOpencomContext();
  const key = sessionKey && `carousels:${sessionKey}`;
  const live = useLive<Carousel[]>(key, (emit, fail) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.carousels.watchActive({ onCarousels: (list, fromCache) => emit(list, fromCache), onError: fail });
  });
  const { error: actionError, run } = useActionError(key);

  const record = React.useCallback(
    (carouselId: string, action: CarouselAction, screenIndex = 0): Promise<OpencomResult<void>> => {
      if (!clients) {
        return notStarted();
      }
      const I = bindings.CarouselImpression;
      const impression =
        action === 'shown' ? new I.Shown({ screenIndex }) : action === 'completed' ? new I.Completed() : new I.Dismissed();
      return run(() => clients.carousels.record(carouselId, impression));
    },
    [clients, bindings, run],
  );

  const carousels = live.data ?? emptyList<Carousel>();
  const error = actionError ?? live.error;
  return React.useMemo(
    () => ({ carousels, loading: live.loading, error, fromCache: live.fromCache, record }),
    [carousels, live.loading, error, live.fromCache, record],
  );
}
