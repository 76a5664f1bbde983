import { act, render, renderHook, waitFor } from '@testing-library/react-native';
import { useConversations, useUnreadCount } from '../../src/api';
import { mountHookInProvider, setup } from './helpers';

describe('useUnreadCount', () => {
  it('counts agent replies across conversations, live', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => ({ list: useConversations(), unread: useUnreadCount() }), { wrapper });
    expect(result.current.unread.loading).toBe(true);
    await waitFor(() => expect(result.current.unread.loading).toBe(false));
    expect(result.current.unread.count).toBe(0);
    const ids: string[] = [];
    await act(async () => {
      for (let i = 0; i < 2; i++) {
        const out = await result.current.list.create();
        ids.push(out.ok ? out.value.id : '');
      }
    });
    fake.agentReply(ids[0]!, 'one');
    fake.agentReply(ids[1]!, 'two');
    fake.agentReply(ids[1]!, 'three');
    await waitFor(() => expect(result.current.unread.count).toBe(3));
  });

  it('reports a failure as error', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('conversations.watchUnreadCount', 'Network', 'down');
    const { result } = renderHook(() => useUnreadCount(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Network'));
    expect(result.current.count).toBe(0);
  });

  it('unsubscribes when the badge unmounts (the provider stays)', async () => {
    const { fake, wrapper } = setup();
    const counts: number[] = [];
    const unmountBadge = mountHookInProvider(wrapper, () => {
      counts.push(useUnreadCount().count);
    }, render);
    await waitFor(() => expect(fake.activeSubscriptions).toBe(2));
    unmountBadge();
    // Only the provider's connection-state listener is left.
    expect(fake.activeSubscriptions).toBe(1);
  });
});
