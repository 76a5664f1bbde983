import * as React from 'react';
import { attempt, OpencomSdkError, toOpencomError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { Article, CollectionNode } from '../types';
import { emptyList, useLoad } from './internal';

/** The help center: collections (as a tree) and articles, plus reading one and feedback. */
export function useHelpCenter() {
  const { clients, sessionKey } = useOpencomContext();
  const loaded = useLoad(sessionKey && `help:${sessionKey}`, async (signal) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    const [collections, articles] = await Promise.all([
      clients.helpCenter.collections({ signal }),
      clients.helpCenter.articles(undefined, { signal }),
    ]);
    return { collections, articles };
  });

  const getArticle = React.useCallback(
    async (articleId: string): Promise<OpencomResult<Article | null>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      return attempt(async () => (await clients.helpCenter.article(articleId)) ?? null);
    },
    [clients],
  );

  const getArticleBySlug = React.useCallback(
    async (slug: string): Promise<OpencomResult<Article | null>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      return attempt(async () => (await clients.helpCenter.articleBySlug(slug)) ?? null);
    },
    [clients],
  );

  const submitFeedback = React.useCallback(
    async (articleId: string, helpful: boolean): Promise<OpencomResult<void>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      return attempt(() => clients.helpCenter.submitFeedback(articleId, helpful));
    },
    [clients],
  );

  const collections = loaded.data?.collections ?? emptyList<CollectionNode>();
  const articles = loaded.data?.articles ?? emptyList<Article>();
  return React.useMemo(
    () => ({
      collections,
      articles,
      loading: loaded.loading,
      error: loaded.error,
      refresh: loaded.refresh,
      getArticle,
      getArticleBySlug,
      submitFeedback,
    }),
    [collections, articles, loaded.loading, loaded.error, loaded.refresh, getArticle, getArticleBySlug, submitFeedback],
  );
}

/** Options of {@link useArticleSearch}. */
export interface ArticleSearchOptions {
  /** Wait this long after the last keystroke before searching (default 300 ms). */
  debounceMs?: number;
  /** Queries shorter than this (trimmed) return nothing without a call (default 1). */
  minLength?: number;
}

/**
 * Searches the help center as the visitor types: debounced, and only the newest query's
 * answer is shown (an outdated call is cancelled).
 */
export function useArticleSearch(query: string, options: ArticleSearchOptions = {}) {
  const { clients, sessionKey } = useOpencomContext();
  const debounceMs = options.debounceMs ?? 300;
  const minLength = Math.max(1, options.minLength ?? 1);
  const trimmed = query.trim();
  const active = trimmed.length >= minLength && clients !== null && sessionKey !== null;
  const [state, setState] = React.useState<{
    query: string;
    results: Article[];
    loading: boolean;
    error: OpencomSdkError | null;
  }>({ query: '', results: emptyList<Article>(), loading: false, error: null });

  React.useEffect(() => {
    if (!active || !clients) {
      setState((s) =>
        s.query === trimmed && s.results.length === 0 && !s.loading && !s.error
          ? s
          : { query: trimmed, results: emptyList<Article>(), loading: false, error: null },
      );
      return undefined;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      clients.helpCenter.search(trimmed, { signal: controller.signal }).then(
        (results) => {
          if (!controller.signal.aborted) {
            setState({ query: trimmed, results, loading: false, error: null });
          }
        },
        (thrown: unknown) => {
          if (!controller.signal.aborted) {
            setState({ query: trimmed, results: emptyList<Article>(), loading: false, error: toOpencomError(thrown) });
          }
        },
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [active, clients, sessionKey, trimmed, debounceMs]);

  return {
    results: state.results,
    /** The query `results` answer. */
    query: state.query,
    loading: state.loading,
    error: state.error,
  };
}
