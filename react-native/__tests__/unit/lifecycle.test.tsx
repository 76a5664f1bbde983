/**
 * The provider's edges: pause/resume with the app state, calls made before the session is
 * ready (queued, in order), stable references across renders, root certificates and the
 * app's deep-link prefixes.
 */
import { AppState, type AppStateStatus } from 'react-native';
import { act, renderHook, waitFor } from '@testing-library/react-native';
import {
  useConversation,
  useConversations,
  useHelpCenter,
  useOpencom,
  usePush,
  useTickets,
  useUnreadCount,
} from '../../src/api';
import { setup } from './helpers';

type Listener = (state: AppStateStatus) => void;

/** A controllable AppState: `emit('background')` plays the OS. */
function mockAppState() {
  const listeners = new Set<Listener>();
  const spy = jest.spyOn(AppState, 'addEventListener').mockImplementation((_type, listener) => {
    listeners.add(listener as Listener);
    return { remove: () => listeners.delete(listener as Listener) } as ReturnType<typeof AppState.addEventListener>;
  });
  return {
    listeners,
    emit(state: AppStateStatus) {
      for (const l of [...listeners]) {
        l(state);
      }
    },
    // (`addEventListener` is react-native's own jest.fn: put its default answer back.)
    restore: () => spy.mockImplementation(() => ({ remove: () => undefined }) as ReturnType<typeof AppState.addEventListener>),
  };
}

describe('OpencomProvider: app lifecycle', () => {
  let appState: ReturnType<typeof mockAppState>;
  beforeEach(() => {
    appState = mockAppState();
  });
  afterEach(() => appState.restore());

  it('pauses in the background and resumes when active, in order', async () => {
    const { fake, wrapper } = setup();
    const { result, unmount } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.ready).toBe(true));
    await waitFor(() => expect(appState.listeners.size).toBe(1));
    const client = result.current.client!;
    expect(client.isPaused()).toBe(false);

    act(() => appState.emit('background'));
    await waitFor(() => expect(client.isPaused()).toBe(true));
    expect(result.current.paused).toBe(true);
    // iOS goes through `inactive`: not a pause or resume of its own.
    act(() => appState.emit('inactive'));
    act(() => appState.emit('background'));
    act(() => appState.emit('active'));
    await waitFor(() => expect(client.isPaused()).toBe(false));
    await waitFor(() => expect(result.current.paused).toBe(false));
    expect(fake.lifecycle).toEqual(['pause', 'resume']);

    // A quick round trip keeps its order.
    act(() => {
      appState.emit('background');
      appState.emit('active');
    });
    await waitFor(() => expect(fake.lifecycle).toEqual(['pause', 'resume', 'pause', 'resume']));
    expect(client.isPaused()).toBe(false);

    unmount();
    expect(appState.listeners.size).toBe(0);
  });

  it('reports a failed resume as the provider error, and can be turned off', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(appState.listeners.size).toBe(1));
    act(() => appState.emit('background'));
    await waitFor(() => expect(fake.lifecycle).toEqual(['pause']));
    fake.failNext('resume', 'Network', 'offline');
    act(() => appState.emit('active'));
    await waitFor(() => expect(result.current.error?.kind).toBe('Network'));
    expect(result.current.status).toBe('ready');

    const off = setup({ pauseInBackground: false });
    const other = renderHook(() => useOpencom(), { wrapper: off.wrapper });
    await waitFor(() => expect(other.result.current.ready).toBe(true));
    act(() => appState.emit('background'));
    act(() => appState.emit('active'));
    expect(off.fake.callsOf('pause')).toHaveLength(0);
  });
});

describe('OpencomProvider: calls before ready', () => {
  it('queues identify and track made while starting and runs them in order once ready', async () => {
    const { fake, wrapper } = setup();
    const release = fake.hold();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    expect(result.current.status).toBe('starting');
    let identified: Promise<unknown> | undefined;
    let tracked: Promise<unknown> | undefined;
    let screenTracked: Promise<unknown> | undefined;
    act(() => {
      identified = result.current.identify({ email: 'jane@example.com' });
      tracked = result.current.track('opened_app', { from: 'push' });
      screenTracked = result.current.trackScreen('Home');
    });
    expect(fake.callsOf('visitor.identify')).toHaveLength(0);
    act(() => release());
    // (Awaiting inside one act() would hold back the effect that runs the queue.)
    await waitFor(() => expect(fake.callsOf('events.trackScreen')).toHaveLength(1));
    await act(async () => {
      expect(await identified).toMatchObject({ ok: true, value: { email: 'jane@example.com' } });
      expect(await tracked).toMatchObject({ ok: true });
      expect(await screenTracked).toMatchObject({ ok: true });
    });
    const order = fake.calls.map((c) => c.method).filter((m) => ['start', 'visitor.identify', 'events.track', 'events.trackScreen'].includes(m));
    expect(order).toEqual(['start', 'visitor.identify', 'events.track', 'events.trackScreen']);
    expect(fake.events.map((e) => e.name)).toContain('opened_app');
    // The event belongs to the identified visitor.
    expect(fake.events[0]!.visitorId).toBe(result.current.visitorId);
    expect(result.current.user?.email).toBe('jane@example.com');
  });

  it('resolves queued calls with the start error when the start fails', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('start', 'Network', 'offline');
    const release = fake.hold();
    const { result } = renderHook(() => useOpencom(), { wrapper });
    let tracked: Promise<unknown> | undefined;
    act(() => {
      tracked = result.current.track('x');
    });
    act(() => release());
    await waitFor(() => expect(result.current.status).toBe('error'));
    await act(async () => {
      expect(await tracked).toMatchObject({ ok: false, error: { kind: 'Network' } });
    });
    expect(fake.callsOf('events.track')).toHaveLength(0);
  });

  it('resolves queued calls with NotStarted when the provider unmounts first', async () => {
    const { fake, wrapper } = setup();
    fake.hold();
    const { result, unmount } = renderHook(() => useOpencom(), { wrapper });
    let tracked: Promise<unknown> | undefined;
    act(() => {
      tracked = result.current.track('x');
    });
    unmount();
    await expect(tracked).resolves.toMatchObject({ ok: false, error: { kind: 'NotStarted' } });
  });
});

describe('stable references', () => {
  it('keeps functions, empty lists and the returned objects across rerenders', async () => {
    const { wrapper } = setup();
    const { result, rerender } = renderHook(
      () => ({
        o: useOpencom(),
        c: useConversations(),
        h: useHelpCenter(),
        t: useTickets(),
        p: usePush(),
        u: useUnreadCount(),
        m: useConversation(null),
      }),
      { wrapper },
    );
    const starting = result.current;
    rerender({});
    // While loading: the same empty arrays, not a fresh [] per render.
    expect(result.current.c.conversations).toBe(starting.c.conversations);
    expect(result.current.h.articles).toBe(starting.h.articles);
    expect(result.current.t.tickets).toBe(starting.t.tickets);
    expect(result.current.o.identify).toBe(starting.o.identify);
    expect(result.current.o).toBe(starting.o);

    await waitFor(() => expect(result.current.c.loading || result.current.h.loading || result.current.t.loading || result.current.p.loading).toBe(false));
    const ready = result.current;
    rerender({});
    expect(result.current.c).toBe(ready.c);
    expect(result.current.h).toBe(ready.h);
    expect(result.current.t).toBe(ready.t);
    expect(result.current.p).toBe(ready.p);
    expect(result.current.o).toBe(ready.o);
    expect(result.current.u).toBe(ready.u);
    expect(result.current.m).toBe(ready.m);
    // identify/track keep one identity for the provider's life (also across ready).
    expect(ready.o.identify).toBe(starting.o.identify);
    expect(ready.o.track).toBe(starting.o.track);
    expect(ready.o.trackScreen).toBe(starting.o.trackScreen);
  });
});

describe('config: root certificates and deep-link prefixes', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('passes rootCertificatesPem to the builder', async () => {
    const { fake, wrapper } = setup({ rootCertificatesPem: [PEM] });
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.ready).toBe(true));
    expect(fake.builds.at(-1)?.rootCertificatesPem).toEqual([PEM]);
  });

  it('fails the start with Config for a bad PEM', async () => {
    const { wrapper } = setup({ rootCertificatesPem: [PEM, 'not a pem'] });
    const { result } = renderHook(() => useOpencom(), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error?.kind).toBe('Config');
    expect(result.current.error?.detail).toMatch(/#1/);
  });

  it("routes links under the app's own prefixes", async () => {
    const { wrapper } = setup({ deepLinkPrefixes: ['myapp://', 'https://example.com/help'] });
    const { result } = renderHook(() => usePush(), { wrapper });
    expect(result.current.routeForLink('myapp://conversation/c1')).toEqual({
      screen: 'conversation',
      conversationId: 'c1',
      newMessage: false,
    });
    expect(result.current.routeForLink('https://example.com/help/article/a1')).toEqual({ screen: 'article', articleId: 'a1' });
    expect(result.current.routeForLink('https://example.com/article/a1')).toBeNull();
    expect(result.current.routeForLink('opencom://tickets')).toEqual({ screen: 'tickets' });

    const plain = setup();
    const other = renderHook(() => usePush(), { wrapper: plain.wrapper });
    expect(other.result.current.routeForLink('myapp://conversation/c1')).toBeNull();
    // A bad prefix makes no link ours (no throw).
    const bad = setup({ deepLinkPrefixes: ['http://example.com'] });
    const third = renderHook(() => usePush(), { wrapper: bad.wrapper });
    expect(third.result.current.routeForLink('http://example.com/tickets')).toBeNull();
  });
});
