/**
 * useOpencomNotifications over a fake expo-notifications module: permission + projectId +
 * registration in one call, cold-start and running taps routed once, no foreground banner for
 * the conversation on screen, the badge at the unread count, registration again after logout.
 */
import { act, renderHook, waitFor } from '@testing-library/react-native';
import {
  useOpencom,
  useOpencomNotifications,
  type ExpoNotificationLike,
  type ExpoNotificationResponseLike,
  type ExpoNotificationsLike,
  type OpencomNotificationsOptions,
} from '../../src/api';
import { setup } from './helpers';

type Handler = Parameters<ExpoNotificationsLike['setNotificationHandler']>[0];

/** expo-notifications, in memory: `tap()` plays the user, `permission` the OS. */
function fakeNotifications(options: { granted?: boolean; grantOnRequest?: boolean; coldStart?: ExpoNotificationResponseLike } = {}) {
  const listeners = new Set<(r: ExpoNotificationResponseLike) => void>();
  const state = {
    granted: options.granted ?? false,
    requests: 0,
    checks: 0,
    tokenCalls: [] as ({ projectId?: string } | undefined)[],
    badge: [] as number[],
    handler: null as Handler,
    channels: [] as string[],
    lastResponse: options.coldStart ?? null,
  };
  const module: ExpoNotificationsLike = {
    getPermissionsAsync: async () => {
      state.checks += 1;
      return { granted: state.granted, canAskAgain: true };
    },
    requestPermissionsAsync: async () => {
      state.requests += 1;
      state.granted = options.grantOnRequest ?? true;
      return { granted: state.granted, canAskAgain: true };
    },
    getExpoPushTokenAsync: async (o) => {
      state.tokenCalls.push(o);
      return { data: 'ExponentPushToken[device-1]' };
    },
    getLastNotificationResponseAsync: async () => state.lastResponse,
    clearLastNotificationResponseAsync: async () => {
      state.lastResponse = null;
    },
    addNotificationResponseReceivedListener: (l) => {
      listeners.add(l);
      return { remove: () => listeners.delete(l) };
    },
    setNotificationHandler: (h) => {
      state.handler = h;
    },
    setBadgeCountAsync: async (n) => {
      state.badge.push(n);
      return true;
    },
    setNotificationChannelAsync: async (id) => {
      state.channels.push(id);
    },
    AndroidImportance: { HIGH: 4 },
  };
  const tap = (data: unknown, identifier = `n-${Math.random()}`) => {
    for (const l of [...listeners]) {
      l(response(data, identifier));
    }
  };
  return { module, state, listeners, tap };
}

function notification(data: unknown, identifier = 'n-1'): ExpoNotificationLike {
  return { request: { identifier, content: { data } } };
}

function response(data: unknown, identifier = 'n-1'): ExpoNotificationResponseLike {
  return { notification: notification(data, identifier), actionIdentifier: 'expo.modules.notifications.actions.DEFAULT' };
}

function render(n: ReturnType<typeof fakeNotifications>, options: Partial<OpencomNotificationsOptions> = {}) {
  const { fake, wrapper } = setup();
  const routes: unknown[] = [];
  const hook = renderHook(
    (props: { active?: string | null }) => ({
      o: useOpencom(),
      n: useOpencomNotifications({
        notifications: n.module,
        projectId: 'eas-project-1',
        onRoute: (route, source) => routes.push({ route, source }),
        activeConversationId: props.active ?? null,
        ...options,
      }),
    }),
    { wrapper, initialProps: { active: null as string | null } },
  );
  return { fake, routes, ...hook };
}

describe('useOpencomNotifications', () => {
  it('asks for permission, gets the token with the projectId and registers it, in one go', async () => {
    const n = fakeNotifications({ granted: false });
    const { fake, result } = render(n);
    await waitFor(() => expect(result.current.n.status).toBe('registered'));
    expect(n.state.requests).toBe(1);
    expect(n.state.tokenCalls).toEqual([{ projectId: 'eas-project-1' }]);
    expect(result.current.n.token).toBe('ExponentPushToken[device-1]');
    expect(fake.tokens()).toEqual([{ token: 'ExponentPushToken[device-1]', visitorId: result.current.o.visitorId, enabled: true }]);
  });

  it('does nothing more when permission is denied', async () => {
    const n = fakeNotifications({ granted: false, grantOnRequest: false });
    const { fake, result } = render(n);
    await waitFor(() => expect(result.current.n.status).toBe('denied'));
    expect(n.state.tokenCalls).toEqual([]);
    expect(fake.tokens()).toEqual([]);
  });

  it('registers the token for the new anonymous visitor after logout, without asking again', async () => {
    const n = fakeNotifications({ granted: true });
    const { fake, result } = render(n);
    await waitFor(() => expect(result.current.n.status).toBe('registered'));
    const first = result.current.o.visitorId;
    await act(async () => {
      await result.current.o.logout();
    });
    await waitFor(() => expect(fake.tokens()).toEqual([{ token: 'ExponentPushToken[device-1]', visitorId: result.current.o.visitorId, enabled: true }]));
    expect(result.current.o.visitorId).not.toBe(first);
    expect(n.state.requests).toBe(0);
    expect(fake.callsOf('push.register')).toHaveLength(2);
  });

  it('after logout, does not prompt: a permission the user never gave stays ungiven', async () => {
    const n = fakeNotifications({ granted: false, grantOnRequest: false });
    const { fake, result } = render(n);
    await waitFor(() => expect(result.current.n.status).toBe('denied'));
    await act(async () => {
      await result.current.o.logout();
    });
    await waitFor(() => expect(fake.callsOf('logout')).toHaveLength(1));
    // It looked again for the new visitor, and did not ask.
    await waitFor(() => expect(n.state.checks).toBe(2));
    await waitFor(() => expect(result.current.n.status).toBe('denied'));
    expect(n.state.requests).toBe(1);
  });

  it('routes the tap that cold-started the app, once, and taps while running', async () => {
    const n = fakeNotifications({ granted: true, coldStart: response({ type: 'new_message', conversationId: 'c1' }, 'cold') });
    const { routes, result } = render(n);
    await waitFor(() => expect(routes).toHaveLength(1));
    expect(routes[0]).toEqual({ route: { screen: 'conversation', conversationId: 'c1', newMessage: true }, source: 'coldStart' });
    await waitFor(() => expect(result.current.n.status).toBe('registered'));
    act(() => n.tap({ type: 'ticket_comment', ticketId: 't9' }, 'running'));
    // The same response delivered again (listener and cold start both) routes once.
    act(() => n.tap({ type: 'ticket_comment', ticketId: 't9' }, 'running'));
    // Not an Opencom notification: not routed.
    act(() => n.tap({ type: 'promo' }, 'other'));
    expect(routes).toEqual([
      { route: { screen: 'conversation', conversationId: 'c1', newMessage: true }, source: 'coldStart' },
      { route: { screen: 'ticket', ticketId: 't9', update: 'comment' }, source: 'tap' },
    ]);
  });

  it('shows no banner for a message in the conversation on screen, and others normally', async () => {
    const n = fakeNotifications({ granted: true });
    const { rerender } = render(n);
    await waitFor(() => expect(n.state.handler).not.toBeNull());
    const handle = (data: unknown) => n.state.handler!.handleNotification(notification(data));
    rerender({ active: 'c1' });
    expect(await handle({ type: 'new_message', conversationId: 'c1' })).toMatchObject({
      shouldShowBanner: false,
      shouldShowList: false,
      shouldPlaySound: false,
    });
    expect(await handle({ type: 'new_message', conversationId: 'c2' })).toMatchObject({ shouldShowBanner: true, shouldShowList: true });
    expect(await handle({ type: 'promo' })).toMatchObject({ shouldShowBanner: true });
    rerender({ active: null });
    expect(await handle({ type: 'new_message', conversationId: 'c1' })).toMatchObject({ shouldShowBanner: true });
  });

  it('keeps the badge at the unread count', async () => {
    const n = fakeNotifications({ granted: true });
    const { fake, result } = render(n);
    await waitFor(() => expect(result.current.o.ready).toBe(true));
    await waitFor(() => expect(n.state.badge.at(-1)).toBe(0));
    const id = fake.startConversation();
    fake.agentReply(id, 'Hello');
    fake.agentReply(id, 'Are you there?');
    await waitFor(() => expect(n.state.badge.at(-1)).toBe(2));
  });

  it('leaves the foreground handler and the badge to the app when asked, and removes its listener on unmount', async () => {
    const n = fakeNotifications({ granted: true });
    const { result, unmount } = render(n, { handleForeground: false, badge: false });
    await waitFor(() => expect(result.current.n.status).toBe('registered'));
    expect(n.state.handler).toBeNull();
    expect(n.state.badge).toEqual([]);
    expect(n.listeners.size).toBe(1);
    unmount();
    expect(n.listeners.size).toBe(0);
  });

  it('says clearly when the expo-notifications module was not passed', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(
      () => useOpencomNotifications({ notifications: undefined as unknown as ExpoNotificationsLike }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error?.kind).toBe('Config');
    expect(result.current.error?.detail).toMatch(/pass the expo-notifications module/);
  });

  it('leaves the projectId to expo-notifications when none is given', async () => {
    const n = fakeNotifications({ granted: true });
    const { result } = render(n, { projectId: undefined });
    await waitFor(() => expect(result.current.n.status).toBe('registered'));
    expect(n.state.tokenCalls).toEqual([undefined]);
  });
});
