/**
 * Push notifications with `expo-notifications`, in one hook: permission, the Expo push token
 * (with the EAS `projectId`) registered for the visitor, taps routed (also the tap that
 * cold-started the app), no banner for the conversation on screen, the app badge following
 * the unread count, and registration again for the new anonymous visitor after `logout()`.
 *
 * expo-notifications stays an optional peer dependency: the app passes the module
 * (`notifications: Notifications`). The package never imports it itself, so apps without it
 * still bundle (Metro resolves every literal `require`, and refuses dynamic ones in packages);
 * without the option the hook reports a clear error.
 */
import * as React from 'react';
import { Platform } from 'react-native';
import type { OpencomBindings } from '../bindings';
import { attempt, OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import { toRoute, type OpencomRoute } from '../types';
import { useUnreadCount } from './useUnreadCount';

/** The part of a notification the hook reads (expo-notifications' `Notification`). */
export interface ExpoNotificationLike {
  request: { identifier: string; content: { data?: unknown } };
}

/** expo-notifications' `NotificationResponse`. */
export interface ExpoNotificationResponseLike {
  notification: ExpoNotificationLike;
  actionIdentifier?: string;
}

/** expo-notifications' `NotificationBehavior` (SDK 53+ names, and the older `shouldShowAlert`). */
export interface ExpoNotificationBehaviorLike {
  shouldShowAlert: boolean;
  shouldShowBanner: boolean;
  shouldShowList: boolean;
  shouldPlaySound: boolean;
  shouldSetBadge: boolean;
}

/** expo-notifications' permission answer. */
export interface ExpoPermissionLike {
  granted: boolean;
  canAskAgain?: boolean;
  status?: string;
}

/** The functions of `expo-notifications` the hook calls (its module satisfies this type). */
export interface ExpoNotificationsLike {
  getPermissionsAsync(): Promise<ExpoPermissionLike>;
  requestPermissionsAsync(): Promise<ExpoPermissionLike>;
  getExpoPushTokenAsync(options?: { projectId?: string }): Promise<{ data: string }>;
  getLastNotificationResponseAsync(): Promise<ExpoNotificationResponseLike | null>;
  addNotificationResponseReceivedListener(listener: (response: ExpoNotificationResponseLike) => void): {
    remove(): void;
  };
  setNotificationHandler(
    handler: { handleNotification(notification: ExpoNotificationLike): Promise<ExpoNotificationBehaviorLike> } | null,
  ): void;
  setBadgeCountAsync(count: number): Promise<boolean>;
  setNotificationChannelAsync?(id: string, channel: { name: string; importance: number }): Promise<unknown>;
  clearLastNotificationResponseAsync?(): Promise<void>;
  AndroidImportance?: { HIGH?: number; DEFAULT?: number };
}

/** Where a route came from. */
export type NotificationRouteSource = 'tap' | 'coldStart';

/** Options of {@link useOpencomNotifications}. */
export interface OpencomNotificationsOptions {
  /** The `expo-notifications` module: `import * as Notifications from 'expo-notifications'`. */
  notifications: ExpoNotificationsLike;
  /**
   * The EAS project id for `getExpoPushTokenAsync` (default: none given, and expo-notifications
   * reads `expoConfig.extra.eas.projectId` itself).
   */
  projectId?: string;
  /** Called with the screen an Opencom notification asks for, when the user taps it. */
  onRoute?(route: OpencomRoute, source: NotificationRouteSource): void;
  /** The conversation on screen: its new-message notifications show no banner, list or sound. */
  activeConversationId?: string | null;
  /** Ask for permission on first run when not yet decided (default true). */
  requestPermission?: boolean;
  /** Keep the app icon's badge at the unread count (default true). */
  badge?: boolean;
  /**
   * Install the foreground notification handler (default true). Set false when the app has its
   * own; call `opencomNotificationBehavior` from it.
   */
  handleForeground?: boolean;
  /** Android channel created before asking for permission (default `default` / "Messages"). */
  androidChannel?: { id: string; name: string } | false;
}

/** Where the registration is. */
export type NotificationsStatus = 'idle' | 'registering' | 'registered' | 'denied' | 'error';

/** The error when the app did not pass `notifications`. */
export function missingExpoNotifications(): Error {
  return new Error(
    'react-native-opencom: pass the expo-notifications module: ' +
      "import * as Notifications from 'expo-notifications'; useOpencomNotifications({ notifications: Notifications }) " +
      '(install it with `npx expo install expo-notifications`)',
  );
}

function routeOf(bindings: OpencomBindings, data: unknown): OpencomRoute | null {
  try {
    const route = bindings.parsePush(JSON.stringify(data ?? null));
    return route ? toRoute(route) : null;
  } catch {
    return null;
  }
}

/**
 * How a notification that arrives while the app is in the foreground is shown: not at all
 * (no banner, list or sound) for a new message in `activeConversationId`, normally otherwise.
 */
export function opencomNotificationBehavior(
  bindings: OpencomBindings,
  notification: ExpoNotificationLike,
  activeConversationId: string | null | undefined,
): ExpoNotificationBehaviorLike {
  const route = routeOf(bindings, notification.request.content.data);
  const onScreen = !!activeConversationId && route?.screen === 'conversation' && route.conversationId === activeConversationId;
  return {
    shouldShowAlert: !onScreen,
    shouldShowBanner: !onScreen,
    shouldShowList: !onScreen,
    shouldPlaySound: !onScreen,
    shouldSetBadge: true,
  };
}

/** See the module's documentation. */
export function useOpencomNotifications(options: OpencomNotificationsOptions) {
  const { clients, sessionKey, bindings } = useOpencomContext();
  const { count, loading: countLoading } = useUnreadCount();
  const moduleRef = React.useRef<ExpoNotificationsLike | null>(null);
  moduleRef.current = (options as Partial<OpencomNotificationsOptions> | undefined)?.notifications ?? null;
  const optionsRef = React.useRef(options);
  optionsRef.current = options;
  const [state, setState] = React.useState<{ status: NotificationsStatus; token: string | null; error: OpencomSdkError | null }>({
    status: 'idle',
    token: null,
    error: null,
  });
  const promptedRef = React.useRef(false);
  const handledRef = React.useRef(new Set<string>());

  const notifications = React.useCallback((): ExpoNotificationsLike => {
    if (!moduleRef.current) {
      throw missingExpoNotifications();
    }
    return moduleRef.current;
  }, []);

  /**
   * Permission (asked once, on the first run, when allowed), the Android channel, the Expo
   * token, and its registration for the current visitor. Resolves to the token, or null when
   * permission is not granted.
   */
  const register = React.useCallback(async (): Promise<OpencomResult<string | null>> => {
    if (!clients) {
      return { ok: false, error: new OpencomSdkError('NotStarted') };
    }
    setState((s) => ({ ...s, status: 'registering', error: null }));
    const result = await attempt(async () => {
      const N = notifications();
      const opts = optionsRef.current;
      const channel = opts.androidChannel === undefined ? { id: 'default', name: 'Messages' } : opts.androidChannel;
      if (Platform.OS === 'android' && channel && N.setNotificationChannelAsync) {
        await N.setNotificationChannelAsync(channel.id, {
          name: channel.name,
          importance: N.AndroidImportance?.HIGH ?? 4,
        });
      }
      let permission = await N.getPermissionsAsync();
      // Ask once per app run; after that (a new visitor after logout) only use a permission
      // the user already gave.
      if (!permission.granted && opts.requestPermission !== false && !promptedRef.current && permission.canAskAgain !== false) {
        promptedRef.current = true;
        permission = await N.requestPermissionsAsync();
      }
      if (!permission.granted) {
        return null;
      }
      const projectId = opts.projectId;
      const { data: token } = await N.getExpoPushTokenAsync(projectId ? { projectId } : undefined);
      await clients.push.register(token, Platform.OS === 'ios' ? bindings.PushPlatform.Ios : bindings.PushPlatform.Android, undefined);
      return token;
    });
    setState(
      result.ok
        ? { status: result.value ? 'registered' : 'denied', token: result.value, error: null }
        : { status: 'error', token: null, error: result.error },
    );
    return result;
  }, [clients, bindings, notifications]);

  // Each visitor (the first session, and the new anonymous one after logout) gets the token.
  React.useEffect(() => {
    if (sessionKey !== null && clients) {
      void register();
    }
  }, [sessionKey, clients, register]);

  // Taps: the one that cold-started the app, and those while it runs. Each response once.
  React.useEffect(() => {
    let alive = true;
    let N: ExpoNotificationsLike;
    try {
      N = notifications();
    } catch (thrown) {
      setState((s) => ({
        ...s,
        status: 'error',
        error: new OpencomSdkError('Config', { detail: (thrown as Error).message }, thrown),
      }));
      return undefined;
    }
    const handle = (response: ExpoNotificationResponseLike | null, source: NotificationRouteSource) => {
      if (!alive || !response) {
        return;
      }
      const id = response.notification.request.identifier;
      if (handledRef.current.has(id)) {
        return;
      }
      handledRef.current.add(id);
      const route = routeOf(bindings, response.notification.request.content.data);
      if (route) {
        optionsRef.current.onRoute?.(route, source);
      }
    };
    const subscription = N.addNotificationResponseReceivedListener((r) => handle(r, 'tap'));
    N.getLastNotificationResponseAsync().then(
      (r) => {
        handle(r, 'coldStart');
        if (r && N.clearLastNotificationResponseAsync) {
          void N.clearLastNotificationResponseAsync().catch(() => undefined);
        }
      },
      () => undefined,
    );
    return () => {
      alive = false;
      subscription.remove();
    };
  }, [bindings, notifications]);

  // Foreground: no banner for the conversation on screen.
  const handleForeground = options.handleForeground !== false;
  React.useEffect(() => {
    if (!handleForeground) {
      return undefined;
    }
    let N: ExpoNotificationsLike;
    try {
      N = notifications();
    } catch {
      return undefined;
    }
    N.setNotificationHandler({
      handleNotification: async (notification) =>
        opencomNotificationBehavior(bindings, notification, optionsRef.current.activeConversationId),
    });
    return () => N.setNotificationHandler(null);
  }, [handleForeground, bindings, notifications]);

  // The badge follows the unread count (once it is known).
  const badge = options.badge !== false;
  React.useEffect(() => {
    if (!badge || countLoading || sessionKey === null) {
      return;
    }
    try {
      void notifications()
        .setBadgeCountAsync(count)
        .catch(() => undefined);
    } catch {
      // No module: reported by the effects above.
    }
  }, [badge, count, countLoading, sessionKey, notifications]);

  return React.useMemo(
    () => ({ status: state.status, token: state.token, error: state.error, register }),
    [state, register],
  );
}
