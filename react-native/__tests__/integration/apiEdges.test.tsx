/**
 * The new hooks and the provider's lifecycle against the REAL Rust client (N-API flavour of
 * the generated API) and the server-mock binary: messenger settings and office hours set
 * through the mock's control API, CSAT on a conversation the mock closes, uploads of bytes
 * read from React Native URIs, a ticket the mock's agent comments on, article suggestions,
 * pause/resume observed as the mock's `events:trackAutoEvent` calls, calls queued before the
 * session started, deep links under the app's prefixes. Every wait has a deadline.
 */
import * as React from 'react';
import { AppState, type AppStateStatus } from 'react-native';
import { act, renderHook, waitFor } from '@testing-library/react-native';
import * as napi from '../../build/napi';
import {
  OpencomProvider,
  useArticleSuggestions,
  useAttachmentUpload,
  useConversations,
  useCsat,
  useMessengerSettings,
  useOfficeHours,
  useOpencom,
  usePush,
  useOpencomNotifications,
  useTicket,
  useTickets,
  type ExpoNotificationsLike,
  type OpencomBindings,
  type OpencomConfig,
} from '../../src/api';
import { ServerMock } from './serverMock';

const bindings: OpencomBindings = napi;
const WAIT = { timeout: 20_000, interval: 25 };
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

let mock: ServerMock;

beforeAll(async () => {
  mock = await ServerMock.start();
});

afterAll(async () => {
  await mock?.stop();
});

function wrapperFor(config: Partial<OpencomConfig> = {}) {
  const full: OpencomConfig = {
    deploymentUrl: mock.url,
    workspaceId: mock.workspaceId,
    origin: 'https://app.example.com',
    device: { platform: 'ios', os: 'iOS 18.1', deviceType: 'mobile' },
    realtime: 'polling',
    heartbeatIntervalMs: null,
    pollIntervalMs: 200,
    maxAttempts: 1,
    ...config,
  };
  return ({ children }: { children: React.ReactNode }) => (
    <OpencomProvider config={full} bindings={bindings}>
      {children}
    </OpencomProvider>
  );
}

interface Call {
  path: string;
  args: Record<string, unknown> | null;
}

async function calls(path: string): Promise<Call[]> {
  return (await mock.control<Call[]>('GET', '/_mock/calls')).filter((c) => c.path === path);
}

describe('messenger settings and office hours (real client)', () => {
  it('reads the branding and whether the team is in', async () => {
    await mock.control('POST', `/_mock/workspaces/${mock.workspaceId}/messenger-settings`, {
      primaryColor: '#112233',
      themeMode: 'dark',
    });
    await mock.control('POST', `/_mock/workspaces/${mock.workspaceId}/office-hours`, {
      timezone: 'UTC',
      schedule: DAYS.map((day) => ({ day, enabled: false, startTime: '09:00', endTime: '17:00' })),
      offlineMessage: 'We are away',
      expectedReplyTimeMinutes: 30,
    });
    const { result } = renderHook(() => ({ m: useMessengerSettings(), h: useOfficeHours() }), { wrapper: wrapperFor() });
    await waitFor(() => expect(result.current.m.loading || result.current.h.loading).toBe(false), WAIT);
    expect(result.current.m.error).toBeNull();
    expect(result.current.m.branding).toMatchObject({ primaryColor: '#112233', themeMode: 'dark' });
    expect(result.current.h.error).toBeNull();
    expect(result.current.h.isOpen).toBe(false);
    expect(result.current.h.offlineMessage).toBe('We are away');
  });
});

describe('CSAT, uploads, tickets, suggestions (real client)', () => {
  it('rates a conversation once the mock closed it', async () => {
    await mock.control('POST', `/_mock/workspaces/${mock.workspaceId}/csat`, { enabled: true });
    const { result } = renderHook(
      () => {
        const list = useConversations();
        const id = list.conversations[0]?.id;
        return { list, id, csat: useCsat(id) };
      },
      { wrapper: wrapperFor() },
    );
    await waitFor(() => expect(result.current.list.loading).toBe(false), WAIT);
    let id = '';
    await act(async () => {
      const r = await result.current.list.getOrCreate();
      if (r.ok) {
        id = r.value.id;
      }
    });
    await waitFor(() => expect(result.current.csat.eligible).toBe(false), WAIT);
    await mock.control('POST', `/_mock/conversations/${id}/close`, {});
    act(() => result.current.csat.refresh());
    await waitFor(() => expect(result.current.csat.eligible).toBe(true), WAIT);
    await act(async () => {
      const bad = await result.current.csat.rate(0);
      expect(bad.ok === false && bad.error.kind).toBe('InvalidInput');
      expect(await result.current.csat.rate(4, 'Quick and kind')).toEqual({ ok: true, value: undefined });
    });
    expect(result.current.csat.rated).toBe(4);
    const submitted = await calls('reporting:submitCsatResponse');
    expect(submitted.map((c) => c.args?.rating)).toEqual([4]);
    // Rated: no longer eligible.
    await waitFor(() => expect(result.current.csat.eligible).toBe(false), WAIT);
  });

  it('uploads the bytes behind file:// and content:// URIs', async () => {
    const realFetch = global.fetch;
    const asked: string[] = [];
    // React Native's fetch reads content:// URIs; Node's cannot: answer those, pass the rest.
    const fetchSpy = jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
      if (!String(input).startsWith('content://')) {
        return realFetch(input, init);
      }
      asked.push(String(input));
      return { ok: true, status: 200, arrayBuffer: async () => PNG.slice().buffer } as unknown as Response;
    });
    try {
      const readFile = jest.fn(async (_uri: string) => PNG);
      const { result } = renderHook(
        () => ({ o: useOpencom(), viaReader: useAttachmentUpload({ readUri: readFile }), viaFetch: useAttachmentUpload() }),
        { wrapper: wrapperFor() },
      );
      await waitFor(() => expect(result.current.o.ready).toBe(true), WAIT);
      let first: Awaited<ReturnType<typeof result.current.viaReader.upload>> | undefined;
      let second: typeof first;
      await act(async () => {
        first = await result.current.viaReader.upload({ uri: 'file:///data/cache/photo.png', mimeType: 'image/png' });
        second = await result.current.viaFetch.upload({ uri: 'content://media/external/images/media/7', name: 'scan.png' });
      });
      expect(first).toMatchObject({ ok: true, value: { fileName: 'photo.png', size: PNG.length } });
      expect(second).toMatchObject({ ok: true, value: { fileName: 'scan.png', size: PNG.length } });
      expect(readFile).toHaveBeenCalledWith('file:///data/cache/photo.png');
      expect(asked).toEqual(['content://media/external/images/media/7']);
      const uploads = await calls('_storage:upload');
      expect(uploads.map((u) => u.args?.size)).toEqual([PNG.length, PNG.length]);
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('follows a ticket as the agent comments, and comments back', async () => {
    const { result } = renderHook(
      () => {
        const tickets = useTickets();
        const id = tickets.tickets[0]?.id;
        return { tickets, id, ticket: useTicket(id, { pollIntervalMs: 200 }) };
      },
      { wrapper: wrapperFor() },
    );
    await waitFor(() => expect(result.current.tickets.loading).toBe(false), WAIT);
    await act(async () => {
      expect((await result.current.tickets.create({ subject: 'Login fails', description: 'Since 2.3' })).ok).toBe(true);
    });
    await waitFor(() => expect(result.current.ticket.ticket?.subject).toBe('Login fails'), WAIT);
    const id = result.current.id!;
    await mock.control('POST', `/_mock/tickets/${id}/comments`, { text: 'Which phone?' });
    await waitFor(() => expect(result.current.ticket.comments.map((c) => c.content)).toContain('Which phone?'), WAIT);
    await act(async () => {
      expect((await result.current.ticket.addComment('A Pixel 8')).ok).toBe(true);
    });
    await waitFor(
      () => expect(result.current.ticket.comments.map((c) => c.content)).toEqual(['Which phone?', 'A Pixel 8']),
      WAIT,
    );
  });

  it('suggests articles for what the visitor types', async () => {
    const marker = `zx${Date.now()}`;
    await mock.control('POST', `/_mock/workspaces/${mock.workspaceId}/suggestions`, { enabled: true });
    await mock.addArticle(`Change your ${marker} password`, 'Open settings, then security.');
    const { result, rerender } = renderHook(({ text }: { text: string }) => useArticleSuggestions(text, { debounceMs: 20 }), {
      wrapper: wrapperFor(),
      initialProps: { text: '' },
    });
    rerender({ text: `${marker} password` });
    await waitFor(() => expect(result.current.suggestions.map((s) => s.title)).toContain(`Change your ${marker} password`), WAIT);
    expect(result.current.error).toBeNull();
  });
});

describe('provider lifecycle and edges (real client)', () => {
  it('pauses on background (session_end) and resumes on active (session_start)', async () => {
    const listeners = new Set<(s: AppStateStatus) => void>();
    const spy = jest.spyOn(AppState, 'addEventListener').mockImplementation((_t, l) => {
      listeners.add(l as (s: AppStateStatus) => void);
      return { remove: () => listeners.delete(l as (s: AppStateStatus) => void) } as ReturnType<typeof AppState.addEventListener>;
    });
    try {
      const { result } = renderHook(() => useOpencom(), { wrapper: wrapperFor() });
      await waitFor(() => expect(listeners.size).toBe(1), WAIT);
      const client = result.current.client!;
      const autoEvents = async () => (await calls('events:trackAutoEvent')).map((c) => c.args?.eventType);
      act(() => listeners.forEach((l) => l('background')));
      await waitFor(() => expect(client.isPaused()).toBe(true), WAIT);
      await waitFor(async () => expect(await autoEvents()).toContain('session_end'), WAIT);
      act(() => listeners.forEach((l) => l('active')));
      await waitFor(() => expect(client.isPaused()).toBe(false), WAIT);
      await waitFor(async () => expect(await autoEvents()).toContain('session_start'), WAIT);
      const events = await autoEvents();
      expect(events.indexOf('session_end')).toBeLessThan(events.lastIndexOf('session_start'));
      expect(result.current.paused).toBe(false);
    } finally {
      spy.mockImplementation(() => ({ remove: () => undefined }) as ReturnType<typeof AppState.addEventListener>);
    }
  });

  it('runs identify and track made before the session started, in order, for the identified visitor', async () => {
    const { result } = renderHook(() => useOpencom(), { wrapper: wrapperFor() });
    expect(result.current.ready).toBe(false);
    const email = `early${Date.now()}@example.com`;
    let identified: ReturnType<typeof result.current.identify> | undefined;
    let tracked: ReturnType<typeof result.current.track> | undefined;
    act(() => {
      identified = result.current.identify({ email });
      tracked = result.current.track('early_event', { n: 1 });
    });
    await waitFor(() => expect(result.current.user?.email).toBe(email), WAIT);
    const [who, what] = await Promise.all([identified!, tracked!]);
    expect(who.ok).toBe(true);
    expect(what.ok).toBe(true);
    const all = await mock.control<Call[]>('GET', '/_mock/calls');
    const identifyAt = all.findIndex((c) => c.path === 'visitors:identify' && c.args?.email === email);
    const trackAt = all.findIndex((c) => c.path === 'events:track' && c.args?.name === 'early_event');
    expect(identifyAt).toBeGreaterThanOrEqual(0);
    expect(trackAt).toBeGreaterThan(identifyAt);
  });

  it('useOpencomNotifications registers the Expo token for the visitor, and for the new one after logout', async () => {
    const token = `ExponentPushToken[rn-${Date.now()}]`;
    let badge = -1;
    const notifications: ExpoNotificationsLike = {
      getPermissionsAsync: async () => ({ granted: true }),
      requestPermissionsAsync: async () => ({ granted: true }),
      getExpoPushTokenAsync: async () => ({ data: token }),
      getLastNotificationResponseAsync: async () => null,
      addNotificationResponseReceivedListener: () => ({ remove: () => undefined }),
      setNotificationHandler: () => undefined,
      setBadgeCountAsync: async (n) => {
        badge = n;
        return true;
      },
    };
    const { result } = renderHook(() => ({ o: useOpencom(), n: useOpencomNotifications({ notifications }) }), {
      wrapper: wrapperFor(),
    });
    await waitFor(() => expect(result.current.n.status).toBe('registered'), WAIT);
    const first = result.current.o.visitorId!;
    const tokensOf = async (visitorId: string) =>
      (await mock.control<{ token: string }[]>('GET', `/_mock/visitors/${visitorId}/push-tokens`)).map((t) => t.token);
    expect(await tokensOf(first)).toEqual([token]);
    await waitFor(() => expect(badge).toBe(0), WAIT);

    await act(async () => {
      expect((await result.current.o.logout()).ok).toBe(true);
    });
    const second = result.current.o.visitorId!;
    expect(second).not.toBe(first);
    await waitFor(async () => expect(await tokensOf(second)).toEqual([token]), WAIT);
    expect(await tokensOf(first)).toEqual([]);
  });

  it("routes deep links under the app's prefixes with the Rust parser", async () => {
    const { result } = renderHook(() => usePush(), {
      wrapper: wrapperFor({ deepLinkPrefixes: ['myapp://', 'https://example.com/help'] }),
    });
    expect(result.current.routeForLink('myapp://conversation/c1')).toEqual({
      screen: 'conversation',
      conversationId: 'c1',
      newMessage: false,
    });
    expect(result.current.routeForLink('https://example.com/help/help-center')).toEqual({ screen: 'helpCenter' });
    expect(result.current.routeForLink('https://example.com/help-center')).toBeNull();
  });

  it('fails the start with Config for a bad root certificate', async () => {
    const { result } = renderHook(() => useOpencom(), { wrapper: wrapperFor({ rootCertificatesPem: ['not a pem'] }) });
    await waitFor(() => expect(result.current.status).toBe('error'), WAIT);
    expect(result.current.error?.kind).toBe('Config');
    expect(result.current.error?.detail).toMatch(/certificate #0/);
  });
});
