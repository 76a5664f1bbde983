import { act, renderHook, waitFor } from '@testing-library/react-native';
import { useOpencom, useTickets } from '../../src/api';
import { setup } from './helpers';

describe('useTickets', () => {
  it('loads the form and the list, creates a ticket, reads it and comments', async () => {
    const { fake, wrapper } = setup();
    fake.setTicketForm({ name: 'Support request', fields: [{ id: 'area', label: 'Area', required: true, options: ['app', 'web'] }] });
    const { result } = renderHook(() => ({ o: useOpencom(), t: useTickets() }), { wrapper });
    await waitFor(() => expect(result.current.t.loading).toBe(false));
    expect(result.current.t.tickets).toEqual([]);
    expect(result.current.t.form?.fields).toEqual([
      { id: 'area', kind: 'select', label: 'Area', placeholder: undefined, required: true, options: ['app', 'web'] },
    ]);

    let ticketId = '';
    await act(async () => {
      const missing = await result.current.t.create({ subject: 'Crash' });
      expect(missing.ok === false && missing.error.field).toBe('formData.area');
      const out = await result.current.t.create({ subject: 'Crash', priority: 'high', formData: { area: 'app' } });
      ticketId = out.ok ? out.value : '';
    });
    expect(ticketId).toMatch(/^tkt_/);
    await waitFor(() => expect(result.current.t.tickets.map((t) => t.id)).toEqual([ticketId]));
    expect(result.current.t.tickets[0]).toMatchObject({ subject: 'Crash', status: 'submitted', priority: 'high' });

    fake.addTicketComment(ticketId, 'We are on it');
    await act(async () => {
      expect((await result.current.t.addComment(ticketId, 'Thanks')).ok).toBe(true);
      const detail = await result.current.t.get(ticketId);
      expect(detail.ok && detail.value.comments.map((c) => [c.authorType, c.content])).toEqual([
        ['agent', 'We are on it'],
        ['visitor', 'Thanks'],
      ]);
      const unknown = await result.current.t.get('tkt_missing');
      expect(unknown.ok === false && unknown.error.kind).toBe('NotFound');
    });
  });

  it('reports a failed load as error', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('tickets.list', 'NotAuthorized', 'origin not allowed');
    const { result } = renderHook(() => useTickets(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('NotAuthorized'));
    expect(result.current.error?.detail).toBe('origin not allowed');
    expect(result.current.tickets).toEqual([]);
  });

  it('starts empty again after logout', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => ({ o: useOpencom(), t: useTickets() }), { wrapper });
    await waitFor(() => expect(result.current.t.loading).toBe(false));
    await act(async () => {
      await result.current.t.create({ subject: 'Before logout' });
    });
    await waitFor(() => expect(result.current.t.tickets).toHaveLength(1));
    await act(async () => {
      await result.current.o.logout();
    });
    expect(result.current.t.tickets).toEqual([]);
    await waitFor(() => expect(result.current.t.loading).toBe(false));
    expect(result.current.t.tickets).toEqual([]);
  });
});
