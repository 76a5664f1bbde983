/** Building blocks shared by the hooks. */
import * as React from 'react';
import type * as Ffi from '../generated/opencom_ffi';
import { attempt, OpencomSdkError, toOpencomError, type OpencomResult } from '../errors';
import { release, useOpencomContext } from '../provider';

/** What a live hook knows. */
export interface LiveState<T> {
  data: T | undefined;
  loading: boolean;
  error: OpencomSdkError | null;
  /** True while `data` is the SDK's offline snapshot, before the server answered. */
  fromCache: boolean;
}

const INITIAL = { data: undefined, loading: true, error: null, fromCache: false };

/**
 * Subscribes while `key` is not null (it changes with the visitor, and with e.g. the
 * conversation id), and cancels on change and on unmount: late callbacks are ignored.
 * `subscribe` registers a listener that calls `emit`/`fail`; the newest one is always used.
 */
export function useLive<T>(
  key: string | null,
  subscribe: (emit: (value: T, fromCache: boolean) => void, fail: (error: unknown) => void) => Ffi.SubscriptionLike,
): LiveState<T> {
  const ctx = useOpencomContext();
  const [state, setState] = React.useState<LiveState<T> & { key: string | null }>({ ...INITIAL, key });
  const subscribeRef = React.useRef(subscribe);
  subscribeRef.current = subscribe;

  React.useEffect(() => {
    setState({ ...INITIAL, key });
    if (key === null) {
      return undefined;
    }
    let alive = true;
    let subscription: Ffi.SubscriptionLike | null = null;
    try {
      subscription = subscribeRef.current(
        (value, fromCache) => {
          if (alive) {
            setState({ data: value, loading: false, error: null, fromCache, key });
          }
        },
        (thrown) => {
          if (alive) {
            setState((s) => ({ ...s, loading: false, error: toOpencomError(thrown) }));
          }
        },
      );
    } catch (thrown) {
      setState((s) => ({ ...s, loading: false, error: toOpencomError(thrown) }));
    }
    return () => {
      alive = false;
      subscription?.cancel();
      release(subscription);
    };
  }, [key]);

  if (ctx.status === 'error') {
    return { data: undefined, loading: false, error: ctx.error, fromCache: false };
  }
  // Between a key change and its effect, the previous key's data must not show.
  return state.key === key ? state : { ...INITIAL };
}

/** What a one-shot loading hook knows. */
export interface LoadState<T> {
  data: T | undefined;
  loading: boolean;
  error: OpencomSdkError | null;
  /** Loads again. */
  refresh(): void;
}

/**
 * Loads `load()` while `key` is not null, again when it changes or on `refresh()`. Results of
 * an outdated load (older key, unmounted) are dropped; its signal is aborted, which cancels the
 * Rust call.
 */
export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): LoadState<T> {
  const ctx = useOpencomContext();
  const [round, setRound] = React.useState(0);
  const [state, setState] = React.useState<{
    data: T | undefined;
    loading: boolean;
    error: OpencomSdkError | null;
    key: string | null;
  }>({ data: undefined, loading: true, error: null, key });
  const loadRef = React.useRef(load);
  loadRef.current = load;

  React.useEffect(() => {
    if (key === null) {
      setState({ data: undefined, loading: true, error: null, key });
      return undefined;
    }
    const controller = new AbortController();
    setState((s) => (s.key === key ? { ...s, loading: true } : { data: undefined, loading: true, error: null, key }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) {
          setState({ data, loading: false, error: null, key });
        }
      },
      (thrown: unknown) => {
        if (!controller.signal.aborted) {
          setState((s) => ({ ...s, loading: false, error: toOpencomError(thrown) }));
        }
      },
    );
    return () => controller.abort();
  }, [key, round]);

  const refresh = React.useCallback(() => setRound((n) => n + 1), []);
  if (ctx.status === 'error') {
    return { data: undefined, loading: false, error: ctx.error, refresh };
  }
  const current = state.key === key ? state : { data: undefined, loading: true, error: null };
  return { data: current.data, loading: current.loading, error: current.error, refresh };
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * The one empty list every hook returns while it has no data: the same (frozen) array on
 * every render, so `useEffect(…, [list])` in a screen does not re-run for nothing.
 */
export function emptyList<T>(): T[] {
  return EMPTY as T[];
}

/** A setState that does nothing once the component unmounted. */
export function useMounted(): React.RefObject<boolean> {
  const mounted = React.useRef(true);
  React.useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  return mounted;
}

/**
 * The error of a hook's last action, for the hook's `error` (cleared by the next success;
 * dropped when `key` changes), and `run`, which runs an action as a value
 * (`{ ok, value } | { ok: false, error }`), never rejecting.
 */
export function useActionError(key: string | null): {
  error: OpencomSdkError | null;
  run<T>(work: () => Promise<T>): Promise<OpencomResult<T>>;
} {
  const mounted = useMounted();
  const [state, setState] = React.useState<{ key: string | null; error: OpencomSdkError | null }>({ key, error: null });
  const run = React.useCallback(
    async <T,>(work: () => Promise<T>): Promise<OpencomResult<T>> => {
      const result = await attempt(work);
      if (mounted.current) {
        const error = result.ok ? null : result.error;
        setState((s) => (s.key === key && s.error === error ? s : { key, error }));
      }
      return result;
    },
    [key, mounted],
  );
  return { error: state.key === key ? state.error : null, run };
}

/** What an action called before the session started resolves to. */
export function notStarted<T>(): Promise<OpencomResult<T>> {
  return Promise.resolve({ ok: false, error: new OpencomSdkError('NotStarted') });
}

/** The newest value of `value`, in a ref (for callbacks handed to listeners). */
export function useLatest<T>(value: T): React.RefObject<T> {
  const ref = React.useRef(value);
  ref.current = value;
  return ref;
}
