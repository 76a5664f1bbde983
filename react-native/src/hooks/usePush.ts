import * as React from 'react';
import { Platform } from 'react-native';
import { attempt, OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import { toRoute, type OpencomRoute } from '../types';
import { useLoad } from './internal';

/** What `register` reported. */
export type PushRegistrationOutcome = 'created' | 'updated' | 'reassigned';

const OUTCOMES: PushRegistrationOutcome[] = ['created', 'updated', 'reassigned'];

/**
 * Push notifications: register this device's **Expo** push token (`ExponentPushToken[…]`, from
 * `expo-notifications`' `getExpoPushTokenAsync`) for the visitor, and turn a notification
 * payload or a deep link into a screen to open.
 */
export function usePush() {
  const { clients, sessionKey, bindings, deepLinkPrefixes } = useOpencomContext();
  const registered = useLoad(sessionKey && `push:${sessionKey}`, async () => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return (await clients.push.registeredToken()) ?? null;
  });
  const [actionError, setActionError] = React.useState<OpencomSdkError | null>(null);
  const { refresh } = registered;

  const run = React.useCallback(
    async <T,>(work: () => Promise<T>): Promise<OpencomResult<T>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      const result = await attempt(work);
      setActionError(result.ok ? null : result.error);
      if (result.ok) {
        refresh();
      }
      return result;
    },
    [clients, refresh],
  );

  const register = React.useCallback(
    (token: string, options: { platform?: 'ios' | 'android'; deviceId?: string } = {}) =>
      run(async () => {
        const platform = options.platform ?? (Platform.OS === 'ios' ? 'ios' : 'android');
        const outcome = await clients!.push.register(
          token,
          platform === 'ios' ? bindings.PushPlatform.Ios : bindings.PushPlatform.Android,
          options.deviceId,
        );
        return OUTCOMES[outcome as unknown as number] ?? 'created';
      }),
    [run, clients, bindings],
  );

  const unregister = React.useCallback(() => run(() => clients!.push.unregister()), [run, clients]);
  const setEnabled = React.useCallback((enabled: boolean) => run(() => clients!.push.setEnabled(enabled)), [run, clients]);

  /**
   * The screen a notification asks for: pass the notification's `data` (or the whole
   * notification, or its JSON text). Null for anything that is not an Opencom notification.
   */
  const routeForNotification = React.useCallback(
    (payload: unknown): OpencomRoute | null => {
      try {
        const json = typeof payload === 'string' ? payload : JSON.stringify(payload ?? null);
        const route = bindings.parsePush(json);
        return route ? toRoute(route) : null;
      } catch {
        return null;
      }
    },
    [bindings],
  );

  /**
   * The screen a link asks for: `opencom://…`, `https://opencom.app/…`, or one under the app's
   * own `config.deepLinkPrefixes` (`myapp://conversation/…`). Null for anything else.
   */
  const routeForLink = React.useCallback(
    (url: string): OpencomRoute | null => {
      try {
        const route =
          deepLinkPrefixes.length > 0
            ? bindings.parseDeepLinkWithPrefixes(url, [...deepLinkPrefixes])
            : bindings.parseDeepLink(url);
        return route ? toRoute(route) : null;
      } catch {
        // A bad prefix in the config: no link is ours.
        return null;
      }
    },
    [bindings, deepLinkPrefixes],
  );

  const token = registered.data ?? null;
  const error = actionError ?? registered.error;
  return React.useMemo(
    () => ({
      /** The token registered on this device, if any. */
      token,
      loading: registered.loading,
      error,
      register,
      unregister,
      setEnabled,
      routeForNotification,
      routeForLink,
    }),
    [token, registered.loading, error, register, unregister, setEnabled, routeForNotification, routeForLink],
  );
}
