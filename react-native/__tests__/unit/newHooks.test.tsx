/**
 * The hooks over what the core already offers: messenger settings and branding, office hours
 * and the expected reply time, CSAT, attachment upload from React Native URIs, a live ticket
 * with its comments, article suggestions.
 */
import { act, renderHook, waitFor } from '@testing-library/react-native';
import {
  useArticleSuggestions,
  useAttachmentUpload,
  useConversations,
  useCsat,
  useMessengerSettings,
  useOfficeHours,
  useTicket,
  useTickets,
} from '../../src/api';
import { setup } from './helpers';

describe('useMessengerSettings', () => {
  it('loads the settings and the branding, and keeps them stable across renders', async () => {
    const { fake, wrapper } = setup();
    fake.setMessengerSettings({ primaryColor: '#ff0000', themeMode: 'dark', logo: 'https://cdn.example.com/logo.png' });
    const { result, rerender } = renderHook(() => useMessengerSettings(), { wrapper });
    expect(result.current.loading).toBe(true);
    expect(result.current.settings).toBeNull();
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.settings).toMatchObject({ primaryColor: '#ff0000', themeMode: 'dark', welcomeMessage: 'Hi there! How can we help?' });
    expect(result.current.branding).toEqual({
      primaryColor: '#ff0000',
      backgroundColor: '#ffffff',
      themeMode: 'dark',
      logo: 'https://cdn.example.com/logo.png',
      launcherPosition: 'right',
      showLauncher: true,
    });
    const before = result.current;
    rerender({});
    expect(result.current).toBe(before);
    expect(result.current.branding).toBe(before.branding);
  });

  it('reports a failure as an error value', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('messenger.settings', 'Server', 'boom');
    const { result } = renderHook(() => useMessengerSettings(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Server'));
    expect(result.current.settings).toBeNull();
  });
});

describe('useOfficeHours', () => {
  it('reads whether the team is in and the expected reply time', async () => {
    const { fake, wrapper } = setup();
    fake.setOfficeHours({ isOpen: false, offlineMessage: 'Back at 9', expectedReplyTimeMinutes: 120, expectedReplyTime: '2 hours' });
    const { result } = renderHook(() => useOfficeHours(), { wrapper });
    expect(result.current.isOpen).toBeNull();
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current).toMatchObject({
      isOpen: false,
      offlineMessage: 'Back at 9',
      expectedReplyTimeMinutes: 120,
      expectedReplyTime: '2 hours',
      error: null,
    });
    fake.setOfficeHours({ isOpen: true });
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.isOpen).toBe(true));
    expect(result.current.expectedReplyTime).toBeNull();
  });
});

describe('useCsat', () => {
  it('is not eligible while open, is once closed, and rates 1 to 5', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(
      () => {
        const { conversations, getOrCreate, loading } = useConversations();
        const id = conversations[0]?.id;
        return { id, getOrCreate, loading, csat: useCsat(id) };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.loading).toBe(false));
    // No conversation yet: nothing to load.
    expect(result.current.csat.eligible).toBeNull();
    await act(async () => {
      await result.current.getOrCreate();
    });
    await waitFor(() => expect(result.current.csat.eligible).toBe(false));
    expect(result.current.csat.reason).toBe('conversation_not_closed');
    const id = result.current.id!;

    fake.closeConversation(id);
    act(() => result.current.csat.refresh());
    await waitFor(() => expect(result.current.csat.eligible).toBe(true));

    await act(async () => {
      const bad = await result.current.csat.rate(9);
      expect(bad.ok === false && bad.error.kind).toBe('InvalidInput');
    });
    expect(result.current.csat.error?.field).toBe('rating');
    await act(async () => {
      expect(await result.current.csat.rate(5, 'Great help')).toEqual({ ok: true, value: undefined });
    });
    expect(result.current.csat.rated).toBe(5);
    expect(result.current.csat.error).toBeNull();
    expect(fake.ratings).toEqual([{ conversationId: id, rating: 5, feedback: 'Great help' }]);
    // The eligibility is read again after rating.
    await waitFor(() => expect(fake.callsOf('conversations.csatEligibility').length).toBeGreaterThanOrEqual(3));
  });
});

describe('useAttachmentUpload', () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    fetchSpy = jest.spyOn(global, 'fetch').mockImplementation(async (input) => {
      const uri = String(input);
      if (!uri.startsWith('file://') && !uri.startsWith('content://')) {
        throw new TypeError(`unexpected ${uri}`);
      }
      return { ok: true, status: 200, arrayBuffer: async () => bytes.slice().buffer } as unknown as Response;
    });
  });
  afterEach(() => fetchSpy.mockRestore());

  it('reads a file:// URI with fetch and uploads its bytes', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useAttachmentUpload(), { wrapper });
    await waitFor(() => expect(fake.callsOf('start')).toHaveLength(1));
    await waitFor(async () => {
      const out = await result.current.upload({ uri: 'file:///data/user/0/app/cache/Photo%201.png', mimeType: 'image/png' });
      expect(out).toEqual({
        ok: true,
        value: { id: expect.any(String), fileName: 'Photo 1.png', mimeType: 'image/png', size: bytes.length },
      });
    });
    expect(fetchSpy).toHaveBeenCalledWith('file:///data/user/0/app/cache/Photo%201.png');
    expect(fake.uploads).toHaveLength(1);
    expect([...fake.uploads[0]!.bytes]).toEqual([...bytes]);
    expect(result.current.uploading).toBe(false);
  });

  it('reads a content:// URI (with its name given) and refuses one without a name', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useAttachmentUpload(), { wrapper });
    await waitFor(() => expect(fake.callsOf('start')).toHaveLength(1));
    await waitFor(async () => {
      const out = await result.current.upload({ uri: 'content://media/external/images/media/42', name: 'receipt.pdf' });
      expect(out.ok && out.value.fileName).toBe('receipt.pdf');
    });
    expect(fetchSpy).toHaveBeenCalledWith('content://media/external/images/media/42');
    expect([...fake.uploads.at(-1)!.bytes]).toEqual([...bytes]);

    let missing: Awaited<ReturnType<typeof result.current.upload>> | undefined;
    await act(async () => {
      missing = await result.current.upload({ uri: 'content://media/external/images/media/43' });
    });
    expect(missing?.ok === false && missing.error.kind).toBe('InvalidInput');
    expect(missing?.ok === false && missing.error.field).toBe('name');
    expect(fake.uploads).toHaveLength(1);
  });

  it('uses an injected reader, and reports a read failure as Storage', async () => {
    const { fake, wrapper } = setup();
    const reader = jest.fn(async (uri: string) => {
      if (uri.endsWith('missing.txt')) {
        throw new Error('ENOENT');
      }
      return new Uint8Array([7, 8, 9]).subarray(1);
    });
    const { result } = renderHook(() => useAttachmentUpload({ readUri: reader }), { wrapper });
    await waitFor(() => expect(fake.callsOf('start')).toHaveLength(1));
    await waitFor(async () => {
      const out = await result.current.upload({ uri: 'content://com.android.providers/doc/1', name: 'notes.txt' });
      expect(out.ok && out.value.size).toBe(2);
    });
    expect([...fake.uploads[0]!.bytes]).toEqual([8, 9]);
    expect(fetchSpy).not.toHaveBeenCalled();
    let failed: Awaited<ReturnType<typeof result.current.upload>> | undefined;
    await act(async () => {
      failed = await result.current.upload({ uri: 'file:///tmp/missing.txt' });
    });
    expect(failed?.ok === false && failed.error.kind).toBe('Storage');
    expect(result.current.error?.kind).toBe('Storage');
  });
});

describe('useTicket', () => {
  it('shows a ticket with its comments, follows new comments, and adds one', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(
      () => {
        const tickets = useTickets();
        const id = tickets.tickets[0]?.id;
        return { tickets, id, ticket: useTicket(id, { pollIntervalMs: 50 }) };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.tickets.loading).toBe(false));
    await act(async () => {
      await result.current.tickets.create({ subject: 'App crashes', description: 'On launch' });
    });
    await waitFor(() => expect(result.current.ticket.ticket?.subject).toBe('App crashes'));
    expect(result.current.ticket.comments).toEqual([]);
    const id = result.current.id!;

    // An agent comments: the poll brings it.
    fake.addTicketComment(id, 'Which version?');
    await waitFor(() => expect(result.current.ticket.comments.map((c) => c.content)).toEqual(['Which version?']));
    const comments = result.current.ticket.comments;
    // Polls that bring nothing new keep the same array.
    const polls = fake.callsOf('tickets.get').length;
    await waitFor(() => expect(fake.callsOf('tickets.get').length).toBeGreaterThan(polls + 1));
    expect(result.current.ticket.comments).toBe(comments);

    await act(async () => {
      expect((await result.current.ticket.addComment('2.3.1')).ok).toBe(true);
    });
    await waitFor(() => expect(result.current.ticket.comments.map((c) => c.content)).toEqual(['Which version?', '2.3.1']));
  });

  it('reports an unknown ticket as NotFound', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => useTicket('tkt_nope', { pollIntervalMs: 0 }), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('NotFound'));
    expect(result.current.ticket).toBeNull();
    expect(result.current.loading).toBe(false);
  });
});

describe('useArticleSuggestions', () => {
  it('suggests articles for the text, debounced, newest text wins', async () => {
    const { fake, wrapper } = setup();
    fake.addArticle({ title: 'Reset your password', content: 'Go to settings and tap reset.' });
    fake.addArticle({ title: 'Billing', content: 'Invoices are monthly.' });
    const { result, rerender } = renderHook(({ text }: { text: string }) => useArticleSuggestions(text, { debounceMs: 20 }), {
      wrapper,
      initialProps: { text: 'p' },
    });
    const empty = result.current.suggestions;
    expect(empty).toEqual([]);
    rerender({ text: 'b' });
    expect(result.current.suggestions).toBe(empty);
    await waitFor(() => expect(fake.callsOf('start')).toHaveLength(1));
    // Too short: no call.
    expect(fake.callsOf('helpCenter.suggestions')).toHaveLength(0);
    rerender({ text: 'passw' });
    rerender({ text: 'password' });
    await waitFor(() => expect(result.current.query).toBe('password'));
    expect(result.current.suggestions.map((s) => s.title)).toEqual(['Reset your password']);
    expect(fake.callsOf('helpCenter.suggestions').map((c) => c.args[0])).toEqual(['password']);
    rerender({ text: 'invoices' });
    await waitFor(() => expect(result.current.suggestions.map((s) => s.title)).toEqual(['Billing']));
  });
});
