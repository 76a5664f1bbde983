import * as React from 'react';
import type * as Ffi from '../generated/opencom_ffi';
import { OpencomSdkError, toOpencomError } from '../errors';
import { useOpencomContext } from '../provider';
import { emptyList } from './internal';

/** An article suggested for what the visitor is typing. */
export type ArticleSuggestion = Ffi.Suggestion;

/** Options of {@link useArticleSuggestions}. */
export interface ArticleSuggestionsOptions {
  /** Wait this long after the last keystroke (default 300 ms). */
  debounceMs?: number;
  /** How many suggestions (SDK default 3, at most 5). */
  limit?: number;
  /** Shorter texts (trimmed) suggest nothing, without a call (default 2). */
  minLength?: number;
}

/**
 * Help-center articles that may answer what the visitor is typing in the composer (the SDK's
 * `suggestions`): debounced, only the newest text's answer is shown.
 */
export function useArticleSuggestions(text: string, options: ArticleSuggestionsOptions = {}) {
  const { clients, sessionKey } = useOpencomContext();
  const debounceMs = options.debounceMs ?? 300;
  const minLength = Math.max(1, options.minLength ?? 2);
  const limit = options.limit;
  const trimmed = text.trim();
  const active = trimmed.length >= minLength && clients !== null && sessionKey !== null;
  const [state, setState] = React.useState<{
    query: string;
    suggestions: ArticleSuggestion[];
    loading: boolean;
    error: OpencomSdkError | null;
  }>({ query: '', suggestions: emptyList<ArticleSuggestion>(), loading: false, error: null });

  React.useEffect(() => {
    if (!active || !clients) {
      setState((s) =>
        s.suggestions.length === 0 && !s.loading && !s.error && s.query === trimmed
          ? s
          : { query: trimmed, suggestions: emptyList<ArticleSuggestion>(), loading: false, error: null },
      );
      return undefined;
    }
    const controller = new AbortController();
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    const timer = setTimeout(() => {
      clients.helpCenter.suggestions(trimmed, limit, { signal: controller.signal }).then(
        (suggestions) => {
          if (!controller.signal.aborted) {
            setState({ query: trimmed, suggestions, loading: false, error: null });
          }
        },
        (thrown: unknown) => {
          if (!controller.signal.aborted) {
            setState({
              query: trimmed,
              suggestions: emptyList<ArticleSuggestion>(),
              loading: false,
              error: toOpencomError(thrown),
            });
          }
        },
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [active, clients, sessionKey, trimmed, debounceMs, limit]);

  return React.useMemo(
    () => ({
      suggestions: state.suggestions,
      /** The text `suggestions` answer. */
      query: state.query,
      loading: state.loading,
      error: state.error,
    }),
    [state],
  );
}
