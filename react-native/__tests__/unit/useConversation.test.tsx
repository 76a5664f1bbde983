import { act, renderHook, waitFor } from '@testing-library/react-native';
import { useConversation, useConversations, useOpencom, useUnreadCount } from '../../src/api';
import { setup } from './helpers';

/** A provider with one started conversation. */
async function withConversation() {
  const env = setup();
  const { result, rerender, unmount } = renderHook(
    ({ id }: { id: string | null }) => ({ o: useOpencom(), list: useConversations(), thread: useConversation(id), unread: useUnreadCount() }),
    { wrapper: env.wrapper, initialProps: { id: null as string | null } },
  );
  await waitFor(() => expect(result.current.o.ready).toBe(true));
  let id = '';
  await act(async () => {
    const out = await result.current.list.create();
    id = out.ok ? out.value.id : '';
  });
  rerender({ id });
  await waitFor(() => expect(result.current.thread.loading).toBe(false));
  return { ...env, result, rerender, unmount, id };
}

describe('useConversation', () => {
  it('is idle without an id, then loads the messages', async () => {
    const { result, id } = await withConversation();
    expect(id).not.toBe('');
    expect(result.current.thread.messages.map((m) => [m.sender, m.content])).toEqual([
      ['bot', 'Hi! How can we help you today?'],
    ]);
    expect(result.current.thread.error).toBeNull();
  });

  it('shows a local echo at once, then the sent message exactly once', async () => {
    const { fake, result, id } = await withConversation();
    const release = fake.hold();
    let sending: Promise<unknown> | undefined;
    act(() => {
      sending = result.current.thread.send('Hello!');
    });
    // Before the SDK even queued it: an optimistic echo with the send state.
    const echo = result.current.thread.messages.find((m) => m.content === 'Hello!');
    expect(echo?.status).toBe('sending');
    expect(echo?.sender).toBe('visitor');
    expect(result.current.thread.sending).toBe(true);
    release();
    await act(async () => {
      expect(await sending).toEqual({ ok: true, value: { localId: expect.any(String) } });
    });
    await waitFor(() => {
      const mine = result.current.thread.messages.filter((m) => m.content === 'Hello!');
      expect(mine).toHaveLength(1);
      expect(mine[0]!.status).toBe('sent');
      expect(mine[0]!.id).toMatch(/^msg_/);
    });
    expect(result.current.thread.sending).toBe(false);
    expect(fake.messagesOf(id).map((m) => m.content)).toEqual(['Hi! How can we help you today?', 'Hello!']);
  });

  it('re-renders with the agent reply and counts it unread until markAsRead', async () => {
    const { fake, result, id } = await withConversation();
    const replyId = fake.agentReply(id, 'Alex here');
    await waitFor(() => expect(result.current.thread.messages.map((m) => m.id)).toContain(replyId));
    const reply = result.current.thread.messages.find((m) => m.id === replyId)!;
    expect(reply.sender).toBe('agent');
    expect(reply.senderName).toBe('Alex from Support');
    await waitFor(() => expect(result.current.unread.count).toBe(1));
    await act(async () => {
      expect(await result.current.thread.markAsRead()).toEqual({ ok: true, value: undefined });
    });
    await waitFor(() => expect(result.current.unread.count).toBe(0));
  });

  it('shows a failed delivery and recovers with resumeOutbox', async () => {
    const { fake, result } = await withConversation();
    fake.failDelivery('offline');
    await act(async () => {
      expect((await result.current.thread.send('Are you there?')).ok).toBe(true);
    });
    await waitFor(() => {
      const mine = result.current.thread.messages.filter((m) => m.content === 'Are you there?');
      expect(mine).toHaveLength(1);
      expect(mine[0]!.status).toBe('failed');
      expect(mine[0]!.failure).toBe('offline');
    });
    await waitFor(() => expect(result.current.thread.error?.kind).toBe('Network'));

    fake.failDelivery(null);
    await act(async () => {
      expect((await result.current.thread.resumeOutbox()).ok).toBe(true);
    });
    await waitFor(() => {
      const mine = result.current.thread.messages.filter((m) => m.content === 'Are you there?');
      expect(mine.map((m) => m.status)).toEqual(['sent']);
    });
    expect(result.current.thread.error).toBeNull();
  });

  it('keeps a refused message as a failed echo, returns the error, and can dismiss it', async () => {
    const { result } = await withConversation();
    let out: Awaited<ReturnType<typeof result.current.thread.send>> | undefined;
    await act(async () => {
      out = await result.current.thread.send('   ');
    });
    expect(out?.ok === false && out.error.kind).toBe('InvalidInput');
    expect(result.current.thread.error?.kind).toBe('InvalidInput');
    const failed = result.current.thread.messages.find((m) => m.status === 'failed');
    expect(failed?.id).toMatch(/^pending:/);
    act(() => result.current.thread.dismiss(failed!.id));
    expect(result.current.thread.messages.some((m) => m.status === 'failed')).toBe(false);
  });

  it('drops the previous conversation when the id changes, and unsubscribes on unmount', async () => {
    const { fake, result, rerender, unmount, id } = await withConversation();
    let other = '';
    await act(async () => {
      const out = await result.current.list.create();
      other = out.ok ? out.value.id : '';
    });
    fake.agentReply(id, 'only in the first');
    rerender({ id: other });
    expect(result.current.thread.messages).toEqual([]);
    await waitFor(() => expect(result.current.thread.loading).toBe(false));
    expect(result.current.thread.messages.map((m) => m.content)).not.toContain('only in the first');
    expect(result.current.thread.messages.every((m) => m.conversationId === other)).toBe(true);
    // Provider (connection state) + list + thread + badge: the first thread's listener is gone.
    expect(fake.activeSubscriptions).toBe(4);
    unmount();
    expect(fake.activeSubscriptions).toBe(0);
  });

  it('reports an unknown conversation as NotFound', async () => {
    const { result, rerender } = await withConversation();
    rerender({ id: 'conv_unknown' });
    await waitFor(() => expect(result.current.thread.error?.kind).toBe('NotFound'));
    expect(result.current.thread.loading).toBe(false);
  });
});
