import { act, render, renderHook, waitFor } from '@testing-library/react-native';
import { useConversations, useOpencom } from '../../src/api';
import { mountHookInProvider, setup } from './helpers';

describe('useConversations', () => {
  it('loads, then re-renders when a conversation is created', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => ({ o: useOpencom(), c: useConversations() }), { wrapper });
    expect(result.current.c.loading).toBe(true);
    expect(result.current.c.conversations).toEqual([]);
    await waitFor(() => expect(result.current.c.loading).toBe(false));
    expect(result.current.c.conversations).toEqual([]);

    let created = '';
    await act(async () => {
      const out = await result.current.c.create();
      if (!out.ok) {
        throw out.error;
      }
      created = out.value.id;
    });
    await waitFor(() => expect(result.current.c.conversations.map((c) => c.id)).toEqual([created]));
    const [summary] = result.current.c.conversations;
    expect(summary!.status).toBe('open');
    expect(summary!.lastMessage?.sender).toBe('bot');
    expect(summary!.lastMessage?.content).toBe('Hi! How can we help you today?');

    fake.agentReply(created, 'We are here');
    await waitFor(() => expect(result.current.c.conversations[0]!.unreadCount).toBe(1));
    expect(result.current.c.conversations[0]!.lastMessage?.content).toBe('We are here');
    fake.closeConversation(created);
    await waitFor(() => expect(result.current.c.conversations[0]!.status).toBe('closed'));
  });

  it('getOrCreate returns the open conversation', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => useConversations(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    let first = '';
    let second = '';
    await act(async () => {
      const a = await result.current.getOrCreate();
      const b = await result.current.getOrCreate();
      first = a.ok ? a.value.id : 'failed';
      second = b.ok ? b.value.id : 'failed';
    });
    expect(first).toBe(second);
    await waitFor(() => expect(result.current.conversations).toHaveLength(1));
  });

  it('reports a subscription failure as error, and a failed action as a value', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('conversations.watchConversations', 'SessionExpired');
    const { result } = renderHook(() => useConversations(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('SessionExpired'));
    expect(result.current.loading).toBe(false);

    fake.failNext('conversations.create', 'RateLimited');
    let out: Awaited<ReturnType<typeof result.current.create>> | undefined;
    await act(async () => {
      out = await result.current.create();
    });
    expect(out?.ok).toBe(false);
    expect(out?.ok === false && out.error.retryAfterMs).toBe(1000);
  });

  it('actions before the session started fail with NotStarted', async () => {
    const { fake, wrapper } = setup();
    const release = fake.hold();
    const { result } = renderHook(() => useConversations(), { wrapper });
    let out: Awaited<ReturnType<typeof result.current.create>> | undefined;
    await act(async () => {
      out = await result.current.create();
    });
    expect(out?.ok === false && out.error.kind).toBe('NotStarted');
    release();
    await waitFor(() => expect(result.current.loading).toBe(false));
  });

  it('cancels its subscription when the screen unmounts (the provider stays)', async () => {
    const { fake, wrapper } = setup();
    let loading = true;
    const unmountScreen = mountHookInProvider(wrapper, () => {
      loading = useConversations().loading;
    }, render);
    await waitFor(() => expect(loading).toBe(false));
    // One for the list, one for the provider's connection state.
    expect(fake.activeSubscriptions).toBe(2);
    unmountScreen();
    expect(fake.activeSubscriptions).toBe(1);
  });
});
