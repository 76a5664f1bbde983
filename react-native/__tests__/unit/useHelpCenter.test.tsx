import { act, renderHook, waitFor } from '@testing-library/react-native';
import { useArticleSearch, useHelpCenter } from '../../src/api';
import { setup } from './helpers';

function seeded() {
  const env = setup();
  const billing = env.fake.addCollection('Billing');
  const plans = env.fake.addCollection('Plans', { parentId: billing });
  const refunds = env.fake.addArticle({ title: 'Refunds', content: 'How to get your money back.', collectionId: billing });
  const upgrade = env.fake.addArticle({ title: 'Upgrading', content: 'Move to the pro plan.', collectionId: plans });
  env.fake.addArticle({ title: 'Secret draft', content: 'refunds soon', published: false });
  return { ...env, billing, plans, refunds, upgrade };
}

describe('useHelpCenter', () => {
  it('loads the collection tree and the published articles', async () => {
    const { wrapper, billing, plans, refunds, upgrade } = seeded();
    const { result } = renderHook(() => useHelpCenter(), { wrapper });
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.error).toBeNull();
    expect(result.current.collections.map((n) => [n.collection.id, n.children.map((c) => c.collection.id)])).toEqual([
      [billing, [plans]],
    ]);
    expect(result.current.collections[0]!.collection.articleCount).toBe(1);
    expect(result.current.articles.map((a) => a.id)).toEqual([refunds, upgrade]);
  });

  it('reads one article, by id and by slug, and sends feedback', async () => {
    const { fake, wrapper, refunds } = seeded();
    const { result } = renderHook(() => useHelpCenter(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    await act(async () => {
      const byId = await result.current.getArticle(refunds);
      expect(byId.ok && byId.value?.title).toBe('Refunds');
      const bySlug = await result.current.getArticleBySlug('upgrading');
      expect(bySlug.ok && bySlug.value?.title).toBe('Upgrading');
      const missing = await result.current.getArticle('art_missing');
      expect(missing).toEqual({ ok: true, value: null });
      expect((await result.current.submitFeedback(refunds, true)).ok).toBe(true);
    });
    expect(fake.feedback).toEqual([{ articleId: refunds, helpful: true }]);
  });

  it('reports a failure as error and loads again on refresh', async () => {
    const { fake, wrapper } = seeded();
    fake.failNext('helpCenter.collections', 'Server', 'boom');
    const { result } = renderHook(() => useHelpCenter(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Server'));
    expect(result.current.loading).toBe(false);
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.error).toBeNull());
    expect(result.current.articles).toHaveLength(2);
  });
});

describe('useArticleSearch', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('debounces keystrokes into one search and shows the newest answer', async () => {
    const { fake, wrapper, refunds } = seeded();
    const { result, rerender } = renderHook(({ q }: { q: string }) => useArticleSearch(q, { debounceMs: 300 }), {
      wrapper,
      initialProps: { q: '' },
    });
    // Wait for the session with real timers, then type with fake ones.
    await waitFor(() => expect(fake.callsOf('start')).toHaveLength(1));
    await act(async () => {
      await Promise.resolve();
    });
    jest.useFakeTimers();
    for (const q of ['r', 're', 'ref', 'refu', 'refund']) {
      rerender({ q });
      act(() => {
        jest.advanceTimersByTime(100);
      });
    }
    expect(fake.callsOf('helpCenter.search')).toHaveLength(0);
    expect(result.current.loading).toBe(true);
    await act(async () => {
      jest.advanceTimersByTime(300);
    });
    jest.useRealTimers();
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(fake.callsOf('helpCenter.search').map((c) => c.args[0])).toEqual(['refund']);
    expect(result.current.query).toBe('refund');
    expect(result.current.results.map((a) => a.id)).toEqual([refunds]);
  });

  it('makes no call for an empty query and clears the results', async () => {
    const { fake, wrapper } = seeded();
    const { result, rerender } = renderHook(({ q }: { q: string }) => useArticleSearch(q, { debounceMs: 10 }), {
      wrapper,
      initialProps: { q: 'money' },
    });
    await waitFor(() => expect(result.current.results).toHaveLength(1));
    rerender({ q: '   ' });
    expect(result.current.results).toEqual([]);
    expect(result.current.loading).toBe(false);
    expect(fake.callsOf('helpCenter.search')).toHaveLength(1);
  });

  it('reports a failed search as error', async () => {
    const { fake, wrapper } = seeded();
    fake.failNext('helpCenter.search', 'Timeout');
    const { result } = renderHook(() => useArticleSearch('money', { debounceMs: 10 }), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Timeout'));
    expect(result.current.results).toEqual([]);
  });
});
