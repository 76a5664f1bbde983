/**
 * `<OpencomProvider>` owns one client of the Rust SDK: it builds it from `config`, starts the
 * visitor session, follows the live connection state, and releases everything on unmount.
 * `useOpencom()` reads its state and offers identify / logout / track.
 */
import * as React from 'react';
import { AppState, type AppStateStatus } from 'react-native';
import type * as Ffi from './generated/opencom_ffi';
import { getDefaultBindings, type OpencomBindings } from './bindings';
import { buildClient, configKey, type OpencomConfig } from './config';
import { attempt, OpencomSdkError, toOpencomError, type OpencomResult } from './errors';
import {
  toConnectionState,
  toUser,
  toVisitor,
  type AttributeJson,
  type ConnectionStateName,
  type OpencomSession,
  type OpencomUser,
  type OpencomVisitor,
} from './types';

/** Where the provider is. */
export type OpencomStatus = 'starting' | 'ready' | 'error';

/** The sub-clients of the running client (one of each per client). */
export interface OpencomClients {
  client: Ffi.OpencomClientLike;
  conversations: Ffi.ConversationsClientLike;
  helpCenter: Ffi.HelpCenterClientLike;
  push: Ffi.PushClientLike;
  tickets: Ffi.TicketsClientLike;
  visitor: Ffi.VisitorClientLike;
  events: Ffi.EventsClientLike;
  messenger: Ffi.MessengerClientLike;
  surveys: Ffi.SurveysClientLike;
  carousels: Ffi.CarouselsClientLike;
  outbound: Ffi.OutboundClientLike;
  checklists: Ffi.ChecklistsClientLike;
  tours: Ffi.ToursClientLike;
  aiAgent: Ffi.AiAgentClientLike;
}

/** What the provider shares with the hooks. */
export interface OpencomContextValue {
  bindings: OpencomBindings;
  status: OpencomStatus;
  /** Set once the session started (null while starting, or after a failed start). */
  clients: OpencomClients | null;
  session: OpencomSession | null;
  user: OpencomUser | null;
  visitor: OpencomVisitor | null;
  connectionState: ConnectionStateName | null;
  error: OpencomSdkError | null;
  /** True while the app is in the background and the client paused. */
  paused: boolean;
  /** The app's deep-link prefixes (`config.deepLinkPrefixes`), the same array while unchanged. */
  deepLinkPrefixes: readonly string[];
  /**
   * Changes whenever the visitor changes (start, identify with a merge, logout): hooks drop
   * their data and subscribe again when it does.
   */
  sessionKey: string | null;
  /** Before the session started, the call waits and runs (in call order) once it has. */
  identify(user: OpencomUser): Promise<OpencomResult<OpencomVisitor>>;
  logout(): Promise<OpencomResult<OpencomSession>>;
  track(name: string, properties?: Record<string, AttributeJson>): Promise<OpencomResult<string>>;
  trackScreen(screenName: string): Promise<OpencomResult<boolean>>;
  /** After a failed start: build and start again. */
  restart(): void;
}

const OpencomContext = React.createContext<OpencomContextValue | null>(null);

export interface OpencomProviderProps {
  config: OpencomConfig;
  /** The binding to use (default: the native module; the fake under `react-native-opencom/jest`). */
  bindings?: OpencomBindings;
  children?: React.ReactNode;
}

/** Calls `uniffiDestroy()` on a generated object (frees its Rust peer now, not at GC). */
export function release(object: unknown): void {
  const destroy = (object as { uniffiDestroy?: unknown } | null)?.uniffiDestroy;
  if (typeof destroy === 'function') {
    try {
      destroy.call(object);
    } catch {
      // Already destroyed.
    }
  }
}

/** A plain value → the generated AttributeValue tree. */
export function toAttributeValue(bindings: OpencomBindings, value: AttributeJson): Ffi.AttributeValue {
  const A = bindings.AttributeValue;
  if (value === null) {
    return new A.Null();
  }
  if (typeof value === 'boolean') {
    return new A.Bool({ value });
  }
  if (typeof value === 'number') {
    return new A.Number({ value });
  }
  if (typeof value === 'string') {
    return new A.Text({ value });
  }
  if (Array.isArray(value)) {
    return new A.Array({ items: value.map((item) => toAttributeValue(bindings, item)) });
  }
  return new A.Object({ entries: toAttributeMap(bindings, value) });
}

export function toAttributeMap(
  bindings: OpencomBindings,
  values: Record<string, AttributeJson> | undefined,
): Map<string, Ffi.AttributeValue> {
  return new Map(Object.entries(values ?? {}).map(([k, v]) => [k, toAttributeValue(bindings, v)]));
}

function toFfiUser(bindings: OpencomBindings, user: OpencomUser): Ffi.User {
  return {
    email: user.email,
    name: user.name,
    userId: user.userId,
    userHash: user.userHash,
    company: user.company,
    customAttributes: toAttributeMap(bindings, user.customAttributes),
  };
}

interface State {
  status: OpencomStatus;
  clients: OpencomClients | null;
  session: OpencomSession | null;
  user: OpencomUser | null;
  visitor: OpencomVisitor | null;
  connectionState: ConnectionStateName | null;
  error: OpencomSdkError | null;
  paused: boolean;
  generation: number;
}

const STARTING: State = {
  status: 'starting',
  clients: null,
  session: null,
  user: null,
  visitor: null,
  connectionState: null,
  error: null,
  paused: false,
  generation: 0,
};

/** A call made before the session started: runs with the clients, or fails with the error. */
type Pending = (clients: OpencomClients | null, error: OpencomSdkError | null) => Promise<void>;

const NO_PREFIXES: readonly string[] = Object.freeze([]);

/**
 * The default bindings, or — when they cannot be loaded — a stand-in whose every use throws the
 * loader's `OpencomNativeUnavailableError`: the client build in the provider's effect then fails
 * into `status: 'error'`, and hooks' actions resolve to `{ ok: false }`, instead of a crash.
 */
function bindingsOrUnavailable(): OpencomBindings {
  try {
    return getDefaultBindings();
  } catch (unavailable) {
    return new Proxy({} as OpencomBindings, {
      get(_target, prop) {
        // Not a thenable, and inert to inspection (React DevTools, pretty-format).
        if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') {
          return undefined;
        }
        throw unavailable;
      },
    });
  }
}

export function OpencomProvider({ config, bindings, children }: OpencomProviderProps): React.JSX.Element {
  // Where the native module is absent (Expo Go, web), rendering must not throw: the provider
  // reports `status: 'error'` with the loader's error instead, and the app keeps running.
  const resolvedBindings = React.useMemo(() => bindings ?? bindingsOrUnavailable(), [bindings]);
  const key = configKey(config);
  // The config is read when the client is built; a new object with the same settings is no change.
  const configRef = React.useRef(config);
  configRef.current = config;
  const [state, setState] = React.useState<State>(STARTING);
  const [attemptNo, setAttemptNo] = React.useState(0);

  React.useEffect(() => {
    let alive = true;
    let clients: OpencomClients | null = null;
    let connection: Ffi.SubscriptionLike | null = null;
    setState((s) => ({ ...STARTING, generation: s.generation + 1 }));
    (async () => {
      const client = await buildClient(resolvedBindings, configRef.current);
      clients = {
        client,
        conversations: client.conversations(),
        helpCenter: client.helpCenter(),
        push: client.push(),
        tickets: client.tickets(),
        visitor: client.visitor(),
        events: client.events(),
        messenger: client.messenger(),
        surveys: client.surveys(),
        carousels: client.carousels(),
        outbound: client.outbound(),
        checklists: client.checklists(),
        tours: client.tours(),
        aiAgent: client.aiAgent(),
      };
      if (!alive) {
        // Unmounted (or reconfigured) while building: the cleanup has run already.
        for (const part of Object.values(clients)) {
          release(part);
        }
        return;
      }
      const session = await client.start();
      const current = await clients.visitor.currentUser();
      if (!alive) {
        return;
      }
      try {
        connection = client.watchConnectionState({
          onState: (s) => {
            if (alive) {
              setState((prev) => ({ ...prev, connectionState: toConnectionState(s) }));
            }
          },
        });
      } catch {
        // The connection indicator is optional: the data hooks report their own errors.
      }
      const ready = clients;
      setState((s) => ({
        ...s,
        status: 'ready',
        clients: ready,
        session,
        user: current ? toUser(current) : null,
        error: null,
      }));
    })().catch((thrown: unknown) => {
      if (alive) {
        setState((s) => ({ ...s, status: 'error', error: toOpencomError(thrown) }));
      }
    });
    return () => {
      alive = false;
      connection?.cancel();
      release(connection);
      if (clients) {
        for (const part of Object.values(clients)) {
          release(part);
        }
      }
    };
  }, [resolvedBindings, key, attemptNo]);

  // The callbacks below are stable (one identity for the provider's life): they read the
  // current clients from a ref, so screens can list them in effect dependencies.
  const clientsRef = React.useRef<OpencomClients | null>(null);
  clientsRef.current = state.status === 'ready' ? state.clients : null;
  const pendingRef = React.useRef<Pending[]>([]);
  const drainingRef = React.useRef(false);

  /**
   * Runs `work` now when the session is ready and nothing queued is still waiting; otherwise
   * queues it: queued calls run one after the other, in call order, once the session started.
   */
  const whenReady = React.useCallback(
    <T,>(work: (clients: OpencomClients) => Promise<OpencomResult<T>>): Promise<OpencomResult<T>> => {
      const ready = clientsRef.current;
      if (ready && pendingRef.current.length === 0 && !drainingRef.current) {
        return work(ready);
      }
      return new Promise((resolve) => {
        pendingRef.current.push(async (clients, error) => {
          resolve(clients ? await work(clients) : { ok: false, error: error ?? notStartedError() });
        });
      });
    },
    [],
  );

  React.useEffect(() => {
    const ready = state.status === 'ready' ? state.clients : null;
    if (ready === null && state.status !== 'error') {
      return;
    }
    if (drainingRef.current) {
      return;
    }
    drainingRef.current = true;
    void (async () => {
      // Calls queued while draining are taken by the same loop, after the earlier ones.
      for (let next = pendingRef.current.shift(); next; next = pendingRef.current.shift()) {
        await next(ready, ready ? null : state.error);
      }
      drainingRef.current = false;
    })();
  }, [state.status, state.clients, state.error]);

  React.useEffect(
    () => () => {
      // Unmounted: nothing queued will ever run.
      for (const next of pendingRef.current.splice(0)) {
        void next(null, notStartedError());
      }
    },
    [],
  );

  const identify = React.useCallback(
    (user: OpencomUser): Promise<OpencomResult<OpencomVisitor>> =>
      whenReady(async (clients) => {
        const result = await attempt(async () =>
          toVisitor(await clients.visitor.identify(toFfiUser(resolvedBindings, user))),
        );
        setState((s) => {
          if (s.clients !== clients) {
            return s;
          }
          if (!result.ok) {
            return { ...s, error: result.error };
          }
          const merged = s.session && s.session.visitorId !== result.value.id;
          return {
            ...s,
            user,
            visitor: result.value,
            error: null,
            session: s.session && merged ? { ...s.session, visitorId: result.value.id } : s.session,
            generation: merged ? s.generation + 1 : s.generation,
          };
        });
        return result;
      }),
    [whenReady, resolvedBindings],
  );

  const logout = React.useCallback(async (): Promise<OpencomResult<OpencomSession>> => {
    const clients = clientsRef.current;
    if (!clients) {
      return notReady();
    }
    const result = await attempt(() => clients.client.logout());
    setState((s) => {
      if (s.clients !== clients) {
        return s;
      }
      if (!result.ok) {
        return { ...s, error: result.error };
      }
      return {
        ...s,
        session: result.value,
        user: null,
        visitor: null,
        error: null,
        generation: s.generation + 1,
      };
    });
    return result;
  }, []);

  const track = React.useCallback(
    (name: string, properties?: Record<string, AttributeJson>): Promise<OpencomResult<string>> =>
      whenReady((clients) =>
        attempt(() => clients.events.track(name, toAttributeMap(resolvedBindings, properties))),
      ),
    [whenReady, resolvedBindings],
  );

  const trackScreen = React.useCallback(
    (screenName: string): Promise<OpencomResult<boolean>> =>
      // `true` when recorded, `false` when the server dropped it (rate limit: not an error).
      whenReady((clients) =>
        attempt(async () => ((await clients.events.trackScreen(screenName)).tag as string) === 'Recorded'),
      ),
    [whenReady],
  );

  // Background → pause (heartbeat and live connection stop, `session_end`); active → resume.
  // Both go through one chain, so a quick background/foreground round trip stays in order.
  const pauseInBackground = config.pauseInBackground !== false;
  React.useEffect(() => {
    const clients = state.status === 'ready' ? state.clients : null;
    if (!clients || !pauseInBackground) {
      return undefined;
    }
    let alive = true;
    let paused = false;
    let chain: Promise<unknown> = Promise.resolve();
    const onChange = (next: AppStateStatus) => {
      if (next === 'background' && !paused) {
        paused = true;
        setState((s) => (s.clients === clients ? { ...s, paused: true } : s));
        chain = chain.then(() => attempt(() => clients.client.pause()));
      } else if (next === 'active' && paused) {
        paused = false;
        chain = chain.then(async () => {
          const result = await attempt(() => clients.client.resume());
          if (alive) {
            setState((s) =>
              s.clients === clients ? { ...s, paused: false, error: result.ok ? s.error : result.error } : s,
            );
          }
        });
      }
    };
    if (AppState.currentState === 'background') {
      onChange('background');
    }
    const subscription = AppState.addEventListener('change', onChange);
    return () => {
      alive = false;
      subscription?.remove();
    };
  }, [state.status, state.clients, pauseInBackground]);

  const prefixesKey = JSON.stringify(config.deepLinkPrefixes ?? []);
  const deepLinkPrefixes = React.useMemo<readonly string[]>(
    () => (config.deepLinkPrefixes?.length ? Object.freeze([...config.deepLinkPrefixes]) : NO_PREFIXES),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [prefixesKey],
  );

  const restart = React.useCallback(() => setAttemptNo((n) => n + 1), []);

  const value = React.useMemo<OpencomContextValue>(
    () => ({
      bindings: resolvedBindings,
      status: state.status,
      clients: state.clients,
      session: state.session,
      user: state.user,
      visitor: state.visitor,
      connectionState: state.connectionState,
      error: state.error,
      paused: state.paused,
      deepLinkPrefixes,
      sessionKey:
        state.status === 'ready' && state.session ? `${state.generation}:${state.session.visitorId}` : null,
      identify,
      logout,
      track,
      trackScreen,
      restart,
    }),
    [resolvedBindings, state, deepLinkPrefixes, identify, logout, track, trackScreen, restart],
  );

  return <OpencomContext.Provider value={value}>{children}</OpencomContext.Provider>;
}

function notStartedError(): OpencomSdkError {
  return new OpencomSdkError('NotStarted', { detail: 'the Opencom session has not started yet' });
}

function notReady<T>(): Promise<OpencomResult<T>> {
  return Promise.resolve({ ok: false, error: notStartedError() });
}

/** The provider's context; throws outside `<OpencomProvider>`. */
export function useOpencomContext(): OpencomContextValue {
  const value = React.useContext(OpencomContext);
  if (!value) {
    throw new Error('react-native-opencom: wrap your app in <OpencomProvider config={…}>');
  }
  return value;
}

/** The session, the visitor, and identify / logout / track (stable functions). */
export function useOpencom() {
  const ctx = useOpencomContext();
  const client = ctx.clients?.client ?? null;
  return React.useMemo(
    () => ({
      status: ctx.status,
      ready: ctx.status === 'ready',
      session: ctx.session,
      visitorId: ctx.session?.visitorId ?? null,
      user: ctx.user,
      visitor: ctx.visitor,
      connectionState: ctx.connectionState,
      error: ctx.error,
      /** True while the app is in the background (the client is paused). */
      paused: ctx.paused,
      identify: ctx.identify,
      logout: ctx.logout,
      track: ctx.track,
      trackScreen: ctx.trackScreen,
      restart: ctx.restart,
      /** The SDK client itself, for what the hooks do not cover (null until ready). */
      client,
    }),
    [ctx, client],
  );
}
