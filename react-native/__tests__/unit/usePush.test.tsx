import { act, renderHook, waitFor } from '@testing-library/react-native';
import { useOpencom, usePush } from '../../src/api';
import { setup } from './helpers';

describe('usePush', () => {
  it('registers an Expo token for the visitor, shows it, and unregisters', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => ({ o: useOpencom(), push: usePush() }), { wrapper });
    await waitFor(() => expect(result.current.push.loading).toBe(false));
    expect(result.current.push.token).toBeNull();
    await act(async () => {
      expect(await result.current.push.register('ExponentPushToken[abc]', { platform: 'android' })).toEqual({
        ok: true,
        value: 'created',
      });
    });
    await waitFor(() => expect(result.current.push.token).toBe('ExponentPushToken[abc]'));
    expect(fake.tokens()).toEqual([{ token: 'ExponentPushToken[abc]', visitorId: result.current.o.visitorId, enabled: true }]);
    await act(async () => {
      expect((await result.current.push.register('ExponentPushToken[abc]')).ok && 'again').toBe('again');
      expect(await result.current.push.setEnabled(false)).toEqual({ ok: true, value: undefined });
    });
    expect(fake.tokens()[0]!.enabled).toBe(false);
    await act(async () => {
      expect(await result.current.push.unregister()).toEqual({ ok: true, value: true });
    });
    await waitFor(() => expect(result.current.push.token).toBeNull());
    expect(fake.tokens()).toEqual([]);
  });

  it('refuses a raw APNs/FCM token with an InvalidInput error value', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => usePush(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    await act(async () => {
      const out = await result.current.register('f0a1b2c3d4');
      expect(out.ok === false && out.error.kind).toBe('InvalidInput');
      expect(out.ok === false && out.error.field).toBe('token');
    });
    expect(result.current.error?.kind).toBe('InvalidInput');
    expect(result.current.token).toBeNull();
  });

  it('routes notification payloads and deep links', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => usePush(), { wrapper });
    const push = result.current;
    expect(push.routeForNotification({ data: { type: 'new_message', conversationId: 'c1' } })).toEqual({
      screen: 'conversation',
      conversationId: 'c1',
      newMessage: true,
    });
    expect(
      push.routeForNotification({ request: { content: { data: { type: 'ticket_comment', ticketId: 't1' } } } }),
    ).toEqual({ screen: 'ticket', ticketId: 't1', update: 'comment' });
    expect(push.routeForNotification('{"type":"ticket_status_changed","ticketId":"t2"}')).toEqual({
      screen: 'ticket',
      ticketId: 't2',
      update: 'statusChanged',
    });
    expect(push.routeForNotification({ data: { type: 'promo' } })).toBeNull();
    expect(push.routeForNotification('not json')).toBeNull();
    expect(push.routeForLink('opencom://conversation/c9')).toEqual({
      screen: 'conversation',
      conversationId: 'c9',
      newMessage: false,
    });
    expect(push.routeForLink('https://opencom.app/help-center')).toEqual({ screen: 'helpCenter' });
    expect(push.routeForLink('opencom://tickets')).toEqual({ screen: 'tickets' });
    expect(push.routeForLink('https://evil.example/conversation/c1')).toBeNull();
    await waitFor(() => expect(result.current.loading).toBe(false));
  });
});
