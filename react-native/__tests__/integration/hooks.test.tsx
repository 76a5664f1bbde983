/**
 * The hooks against the REAL Rust client: the N-API flavour of the generated API (build/napi,
 * `@ubjs/node` loading target/debug/libopencom_ffi.so) talking to the server-mock binary over
 * HTTP and WebSocket on 127.0.0.1. Every wait has a deadline; nothing sleeps.
 */
import * as React from 'react';
import { act, renderHook, waitFor } from '@testing-library/react-native';
import * as napi from '../../build/napi';
import {
  OpencomProvider,
  memoryStorage,
  useArticleSearch,
  useConversation,
  useConversations,
  useHelpCenter,
  useOpencom,
  usePush,
  useTickets,
  useUnreadCount,
  type OpencomBindings,
  type OpencomConfig,
  type OpencomStorage,
} from '../../src/api';
import { ServerMock } from './serverMock';

// The N-API module has the generated API's shape: this line is checked by tsc.
const bindings: OpencomBindings = napi;

const WAIT = { timeout: 20_000, interval: 25 };

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

/** Everything a messenger screen uses, for one conversation id (a prop). */
function useMessenger({ conversationId, query }: { conversationId: string | null; query: string }) {
  return {
    opencom: useOpencom(),
    list: useConversations(),
    thread: useConversation(conversationId),
    unread: useUnreadCount(),
    help: useHelpCenter(),
    search: useArticleSearch(query, { debounceMs: 50 }),
    push: usePush(),
    tickets: useTickets(),
  };
}

describe.each([
  ['WebSocket', 'websocket' as const],
  ['HTTP polling', 'polling' as const],
])('the hooks over the real client (%s)', (_name, realtime) => {
  it('identify → conversation → send → live agent reply → unread → help center → push → tickets → logout', async () => {
    const marker = `zq${realtime}${Date.now()}`;
    const billing = await mock.addCollection(`Billing ${marker}`);
    const refunds = await mock.addArticle(`Refunds ${marker}`, 'How to get your money back.', billing);
    await mock.addArticle(`Shipping ${marker}`, 'Parcels leave within two days.');

    const storage: OpencomStorage & { values: Map<string, string> } = memoryStorage();
    const { result, rerender, unmount } = renderHook(useMessenger, {
      wrapper: wrapperFor({ realtime, storage }),
      initialProps: { conversationId: null as string | null, query: '' },
    });
    await waitFor(() => expect(result.current.opencom.status).toBe('ready'), WAIT);
    expect(result.current.opencom.error).toBeNull();
    // The session went through the app's storage adapter.
    expect([...storage.values.keys()].some((k) => k.endsWith('/session'))).toBe(true);

    // Identify.
    await act(async () => {
      const out = await result.current.opencom.identify({
        email: `jane.${realtime}@example.com`,
        name: 'Jane',
        customAttributes: { plan: 'pro', seats: 3 },
      });
      expect(out.ok).toBe(true);
    });
    expect(result.current.opencom.visitor?.email).toBe(`jane.${realtime}@example.com`);
    expect(result.current.opencom.visitor?.customAttributes).toMatchObject({ plan: 'pro', seats: 3 });
    const visitorId = result.current.opencom.visitorId!;

    // Start a conversation: it shows in the live list.
    let conversationId = '';
    await act(async () => {
      const out = await result.current.list.getOrCreate();
      if (!out.ok) {
        throw out.error;
      }
      conversationId = out.value.id;
    });
    await waitFor(() => expect(result.current.list.conversations.map((c) => c.id)).toContain(conversationId), WAIT);
    rerender({ conversationId, query: '' });
    // The greeting comes first.
    await waitFor(() => expect(result.current.thread.loading).toBe(false), WAIT);
    await waitFor(() => expect(result.current.thread.messages.map((m) => m.sender)).toContain('bot'), WAIT);

    // Send: the echo shows at once, then the stored message, exactly once.
    const text = `Hello from React Native (${realtime})`;
    await act(async () => {
      const out = await result.current.thread.send(text);
      expect(out.ok).toBe(true);
    });
    expect(result.current.thread.messages.some((m) => m.content === text)).toBe(true);
    await waitFor(() => {
      const mine = result.current.thread.messages.filter((m) => m.content === text);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.status).toBe('sent');
      expect(mine[0]!.id.startsWith('pending:') || mine[0]!.id.startsWith('local:')).toBe(false);
    }, WAIT);
    expect(result.current.thread.sending).toBe(false);
    const stored = await mock.control<{ content: string; senderType: string }[]>(
      'GET',
      `/_mock/conversations/${conversationId}/messages`,
    );
    expect(stored.filter((m) => m.content === text)).toHaveLength(1);

    // The agent replies: the thread and the unread badge update live.
    await act(async () => {
      await result.current.thread.markAsRead();
    });
    await waitFor(() => expect(result.current.unread.count).toBe(0), WAIT);
    const reply = `Hi Jane, Alex here (${realtime})`;
    const replyId = await mock.agentReply(conversationId, reply);
    await waitFor(() => {
      const got = result.current.thread.messages.find((m) => m.id === replyId);
      expect(got?.content).toBe(reply);
      expect(got?.sender).toBe('agent');
    }, WAIT);
    const ids = result.current.thread.messages.map((m) => m.id);
    expect(ids.indexOf(replyId)).toBe(ids.length - 1);
    await waitFor(() => expect(result.current.unread.count).toBe(1), WAIT);
    await mock.agentReply(conversationId, 'Anything else?');
    await waitFor(() => expect(result.current.unread.count).toBe(2), WAIT);
    await waitFor(
      () => expect(result.current.list.conversations.find((c) => c.id === conversationId)?.unreadCount).toBe(2),
      WAIT,
    );
    await act(async () => {
      expect((await result.current.thread.markAsRead()).ok).toBe(true);
    });
    await waitFor(() => expect(result.current.unread.count).toBe(0), WAIT);

    // Help center: the seeded collection and articles, and a debounced search.
    await waitFor(() => expect(result.current.help.loading).toBe(false), WAIT);
    expect(result.current.help.error).toBeNull();
    expect(result.current.help.collections.map((n) => n.collection.name)).toContain(`Billing ${marker}`);
    expect(result.current.help.articles.map((a) => a.id)).toContain(refunds);
    rerender({ conversationId, query: `refunds ${marker}`.slice(0, 8) });
    rerender({ conversationId, query: `Refunds ${marker}` });
    await waitFor(() => {
      expect(result.current.search.query).toBe(`Refunds ${marker}`);
      expect(result.current.search.results.map((a) => a.id)).toEqual([refunds]);
    }, WAIT);
    expect(result.current.search.error).toBeNull();

    // Push: an Expo token is registered for this visitor; a payload routes to the thread.
    const token = `ExponentPushToken[rn-${realtime}-${Date.now()}]`;
    await act(async () => {
      const out = await result.current.push.register(token, { platform: 'ios' });
      expect(out).toEqual({ ok: true, value: 'created' });
    });
    await waitFor(() => expect(result.current.push.token).toBe(token), WAIT);
    const tokens = await mock.control<{ token: string }[]>('GET', `/_mock/visitors/${visitorId}/push-tokens`);
    expect(tokens.map((t) => t.token)).toContain(token);
    expect(
      result.current.push.routeForNotification({ data: { type: 'new_message', conversationId } }),
    ).toEqual({ screen: 'conversation', conversationId, newMessage: true });
    expect(result.current.push.routeForLink(`opencom://article/${refunds}`)).toEqual({
      screen: 'article',
      articleId: refunds,
    });
    await act(async () => {
      const out = await result.current.push.register('not-an-expo-token');
      expect(out.ok === false && out.error.kind).toBe('InvalidInput');
    });
    expect(result.current.push.error?.kind).toBe('InvalidInput');

    // Tickets.
    await waitFor(() => expect(result.current.tickets.loading).toBe(false), WAIT);
    await act(async () => {
      const out = await result.current.tickets.create({ subject: `Broken ${realtime}`, description: 'It broke.' });
      expect(out.ok).toBe(true);
    });
    await waitFor(() => expect(result.current.tickets.tickets.map((t) => t.subject)).toContain(`Broken ${realtime}`), WAIT);

    // Logout: a new anonymous visitor with nothing.
    await act(async () => {
      expect((await result.current.opencom.logout()).ok).toBe(true);
    });
    expect(result.current.opencom.visitorId).not.toBe(visitorId);
    expect(result.current.opencom.user).toBeNull();
    expect(result.current.thread.messages).toEqual([]);
    await waitFor(() => expect(result.current.list.loading).toBe(false), WAIT);
    expect(result.current.list.conversations).toEqual([]);
    expect(result.current.unread.count).toBe(0);
    await waitFor(() => expect(result.current.tickets.loading).toBe(false), WAIT);
    expect(result.current.tickets.tickets).toEqual([]);

    unmount();
  });
});

describe('errors from the real client are values', () => {
  it('invalid input from Rust reaches identify as InvalidInput', async () => {
    const { result, unmount } = renderHook(() => useOpencom(), { wrapper: wrapperFor() });
    await waitFor(() => expect(result.current.ready).toBe(true), WAIT);
    await act(async () => {
      const out = await result.current.identify({ email: 'x@example.com', customAttributes: { $plan: 'pro' } });
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.error.kind).toBe('InvalidInput');
        expect(out.error.field).toContain('$plan');
      }
    });
    expect(result.current.error?.kind).toBe('InvalidInput');
    unmount();
  });

  it('an unreachable deployment is a Network error on the provider', async () => {
    const closed = await ServerMock.start();
    const url = closed.url;
    await closed.stop();
    const { result, unmount } = renderHook(() => useOpencom(), {
      wrapper: wrapperFor({ deploymentUrl: url, requestTimeoutMs: 5_000 }),
    });
    await waitFor(() => expect(result.current.status).toBe('error'), WAIT);
    expect(result.current.error?.kind).toBe('Network');
    expect(result.current.error?.transient).toBe(true);
    unmount();
  });
});
