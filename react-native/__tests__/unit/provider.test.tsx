import * as React from 'react';
import { Text } from 'react-native';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react-native';
import {
  OpencomProvider,
  memoryStorage,
  useConversations,
  useOpencom,
  useUnreadCount,
} from '../../src/api';
import { OpencomFake } from '../../src/fake/OpencomFake';
import { CONFIG, setup } from './helpers';

describe('OpencomProvider / useOpencom', () => {
  it('goes from starting to ready with a session', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    expect(result.current.status).toBe('starting');
    expect(result.current.ready).toBe(false);
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.visitorId).toBe(fake.visitorList()[0]!.id);
    expect(result.current.session?.restored).toBe(false);
    expect(result.current.error).toBeNull();
    expect(result.current.client).not.toBeNull();
    expect(fake.callsOf('start')).toHaveLength(1);
  });

  it('reports a configuration error as a value (no rejection) and can restart', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('start', 'Network', 'offline');
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error?.kind).toBe('Network');
    expect(result.current.error?.detail).toBe('offline');
    expect(result.current.error?.transient).toBe(true);
    act(() => result.current.restart());
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.error).toBeNull();
  });

  it('surfaces a bad deployment URL as a Config error', async () => {
    const { wrapper } = setup({ deploymentUrl: 'not a url' });
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error?.kind).toBe('Config');
  });

  it('identifies the visitor, and returns invalid input as an error value', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.ready).toBe(true));

    let outcome: Awaited<ReturnType<typeof result.current.identify>> | undefined;
    await act(async () => {
      outcome = await result.current.identify({
        email: 'jane@example.com',
        name: 'Jane',
        customAttributes: { plan: 'pro', seats: 3, beta: true, tags: ['a', 'b'] },
      });
    });
    expect(outcome?.ok).toBe(true);
    expect(result.current.user?.email).toBe('jane@example.com');
    expect(result.current.visitor?.customAttributes).toEqual({ plan: 'pro', seats: 3, beta: true, tags: ['a', 'b'] });
    expect(fake.visitorList()[0]!.email).toBe('jane@example.com');

    await act(async () => {
      outcome = await result.current.identify({ email: 'jane@example.com', customAttributes: { $bad: 1 } });
    });
    expect(outcome?.ok).toBe(false);
    expect(outcome?.ok === false && outcome.error.kind).toBe('InvalidInput');
    expect(outcome?.ok === false && outcome.error.field).toBe('customAttributes.$bad');
    expect(result.current.error?.kind).toBe('InvalidInput');
  });

  it('tracks events', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.ready).toBe(true));
    let tracked: Awaited<ReturnType<typeof result.current.track>> | undefined;
    await act(async () => {
      tracked = await result.current.track('checkout', { total: 42, currency: 'EUR' });
    });
    expect(tracked?.ok).toBe(true);
    expect(fake.events).toEqual([
      { visitorId: result.current.visitorId, name: 'checkout', properties: { total: 42, currency: 'EUR' } },
    ]);
    await act(async () => {
      tracked = await result.current.track('');
    });
    expect(tracked?.ok).toBe(false);
  });

  it('logout clears the visitor and the hooks data, then shows the new visitor', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(
      () => ({ opencom: useOpencom(), list: useConversations(), unread: useUnreadCount() }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.opencom.ready).toBe(true));
    await act(async () => {
      await result.current.opencom.identify({ email: 'jane@example.com' });
      await result.current.list.create();
    });
    const conversationId = fake.conversationIds(result.current.opencom.visitorId!)[0]!;
    fake.agentReply(conversationId, 'Hello Jane');
    await waitFor(() => expect(result.current.unread.count).toBe(1));
    await waitFor(() => expect(result.current.list.conversations).toHaveLength(1));
    const before = result.current.opencom.visitorId;

    await act(async () => {
      const out = await result.current.opencom.logout();
      expect(out.ok).toBe(true);
    });
    expect(result.current.opencom.user).toBeNull();
    expect(result.current.opencom.visitor).toBeNull();
    expect(result.current.opencom.visitorId).not.toBe(before);
    // The old visitor's data is gone at once; the new visitor has none.
    expect(result.current.list.conversations).toEqual([]);
    expect(result.current.unread.count).toBe(0);
    await waitFor(() => expect(result.current.list.loading).toBe(false));
    expect(result.current.list.conversations).toEqual([]);
    expect(result.current.unread.count).toBe(0);
  });

  it('keeps the session in the storage adapter and restores it on the next launch', async () => {
    const storage = memoryStorage();
    const fake = new OpencomFake();
    const wrapper = ({ children }: { children: React.ReactNode }) => (
      <OpencomProvider config={{ ...CONFIG, storage }} bindings={fake.bindings}>
        {children}
      </OpencomProvider>
    );
    const first = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(first.result.current.ready).toBe(true));
    const visitorId = first.result.current.visitorId;
    expect([...storage.values.keys()].some((k) => k.endsWith('/session'))).toBe(true);
    first.unmount();

    const second = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(second.result.current.ready).toBe(true));
    expect(second.result.current.visitorId).toBe(visitorId);
    expect(second.result.current.session?.restored).toBe(true);
  });

  it('follows the connection state', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.connectionState).toBe('connected'));
    act(() => fake.setConnectionState('disconnected'));
    await waitFor(() => expect(result.current.connectionState).toBe('disconnected'));
  });

  it('releases the client and every listener on unmount', async () => {
    const { fake, wrapper } = setup();
    const { result, unmount } = renderHook(() => ({ o: useOpencom(), u: useUnreadCount() }), { wrapper });
    await waitFor(() => expect(result.current.u.loading).toBe(false));
    expect(fake.activeSubscriptions).toBeGreaterThan(0);
    expect(fake.clients.size).toBe(1);
    unmount();
    expect(fake.activeSubscriptions).toBe(0);
    expect(fake.clients.size).toBe(0);
  });

  it('releases a client that finished building after the provider unmounted', async () => {
    const { fake, wrapper } = setup();
    const release = fake.hold();
    const { unmount } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(fake.callsOf('build')).toHaveLength(1));
    unmount();
    await act(async () => {
      release();
      await new Promise<void>((resolve) => setImmediate(resolve));
    });
    expect(fake.callsOf('start')).toHaveLength(0);
    expect(fake.clients.size).toBe(0);
  });

  it('does not rebuild the client for a new config object with the same settings', async () => {
    const fake = new OpencomFake();
    function App({ n }: { n: number }) {
      return (
        <OpencomProvider config={{ ...CONFIG }} bindings={fake.bindings}>
          <Status n={n} />
        </OpencomProvider>
      );
    }
    function Status({ n }: { n: number }) {
      const { status } = useOpencom();
      return <Text>{`${status} ${n}`}</Text>;
    }
    const view = render(<App n={1} />);
    await waitFor(() => expect(screen.getByText('ready 1')).toBeTruthy());
    view.rerender(<App n={2} />);
    await waitFor(() => expect(screen.getByText('ready 2')).toBeTruthy());
    expect(fake.callsOf('build')).toHaveLength(1);
  });

  it('throws a clear error outside the provider', () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => renderHook(() => useOpencom())).toThrow(/OpencomProvider/);
    } finally {
      spy.mockRestore();
    }
  });
});
