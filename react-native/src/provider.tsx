/**
 * `<OpencomProvider>` owns one client of the Rust SDK: it builds it from `config`, starts the
 * visitor session, follows the live connection state, and releases everything on unmount.
 * `useOpencom()` reads its state and offers identify / logout / track.
 */
import * as React from 'react';
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
  /**
   * Changes whenever the visitor changes (start, identify with a merge, logout): hooks drop
   * their data and subscribe again when it does.
   */
  sessionKey: string | null;
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
  generation: 0,
};

export function OpencomProvider({ config, bindings, children }: OpencomProviderProps): React.JSX.Element {
  const resolvedBindings = React.useMemo(() => bindings ?? getDefaultBindings(), [bindings]);
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

  const clients = state.clients;

  const identify = React.useCallback(
    async (user: OpencomUser): Promise<OpencomResult<OpencomVisitor>> => {
      if (!clients) {
        return notReady();
      }
      const result = await attempt(async () => toVisitor(await clients.visitor.identify(toFfiUser(resolvedBindings, user))));
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
    },
    [clients, resolvedBindings],
  );

  const logout = React.useCallback(async (): Promise<OpencomResult<OpencomSession>> => {
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
  }, [clients]);

  const track = React.useCallback(
    async (name: string, properties?: Record<string, AttributeJson>): Promise<OpencomResult<string>> => {
      if (!clients) {
        return notReady();
      }
      return attempt(() => clients.events.track(name, toAttributeMap(resolvedBindings, properties)));
    },
    [clients, resolvedBindings],
  );

  const trackScreen = React.useCallback(
    async (screenName: string): Promise<OpencomResult<boolean>> => {
      if (!clients) {
        return notReady();
      }
      // `true` when recorded, `false` when the server dropped it (rate limit: not an error).
      return attempt(async () => ((await clients.events.trackScreen(screenName)).tag as string) === 'Recorded');
    },
    [clients],
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
      sessionKey:
        state.status === 'ready' && state.session ? `${state.generation}:${state.session.visitorId}` : null,
      identify,
      logout,
      track,
      trackScreen,
      restart,
    }),
    [resolvedBindings, state, identify, logout, track, trackScreen, restart],
  );

  return <OpencomContext.Provider value={value}>{children}</OpencomContext.Provider>;
}

function notReady<T>(): Promise<OpencomResult<T>> {
  return Promise.resolve({
    ok: false,
    error: new OpencomSdkError('NotStarted', { detail: 'the Opencom session has not started yet' }),
  });
}

/** The provider's context; throws outside `<OpencomProvider>`. */
export function useOpencomContext(): OpencomContextValue {
  const value = React.useContext(OpencomContext);
  if (!value) {
    throw new Error('react-native-opencom: wrap your app in <OpencomProvider config={…}>');
  }
  return value;
}

/** The session, the visitor, and identify / logout / track. */
export function useOpencom() {
  const ctx = useOpencomContext();
  return {
    status: ctx.status,
    ready: ctx.status === 'ready',
    session: ctx.session,
    visitorId: ctx.session?.visitorId ?? null,
    user: ctx.user,
    visitor: ctx.visitor,
    connectionState: ctx.connectionState,
    error: ctx.error,
    identify: ctx.identify,
    logout: ctx.logout,
    track: ctx.track,
    trackScreen: ctx.trackScreen,
    restart: ctx.restart,
    /** The SDK client itself, for what the hooks do not cover (null until ready). */
    client: ctx.clients?.client ?? null,
  };
}
