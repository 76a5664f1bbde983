/**
 * Where the SDK keeps the visitor session, its offline caches and the message outbox. The app
 * passes an adapter: nothing is forced on it. Two shapes are supported as they are:
 *
 * - AsyncStorage-shaped (`@react-native-async-storage/async-storage`, MMKV wrappers…):
 *   `getItem`/`setItem`/`removeItem`/`getAllKeys` → {@link fromAsyncStorage}.
 * - SecureStore-shaped (`expo-secure-store`: Keychain / Keystore):
 *   `getItemAsync`/`setItemAsync`/`deleteItemAsync` → {@link fromSecureStore}. SecureStore
 *   cannot list keys and only accepts `[A-Za-z0-9._-]` in them, so the adapter escapes keys and
 *   keeps an index of its own.
 *
 * {@link splitStorage} puts the session (the token) in one and the rest (caches, outbox) in the
 * other. Without any, the SDK keeps everything in memory: the visitor is new on every launch.
 */
import type * as Ffi from './generated/opencom_ffi';

/** The SDK's own storage contract: `/`-separated keys, string (JSON) values. */
export interface OpencomStorage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Keys starting with `prefix`, sorted. */
  keys(prefix: string): Promise<string[]>;
}

/** The AsyncStorage shape. */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
  getAllKeys(): Promise<readonly string[]>;
}

/** The expo-secure-store shape. */
export interface SecureStoreLike {
  getItemAsync(key: string, options?: object): Promise<string | null>;
  setItemAsync(key: string, value: string, options?: object): Promise<void>;
  deleteItemAsync(key: string, options?: object): Promise<void>;
}

/** Adapts AsyncStorage. Keys are prefixed with `namespace` (default `opencom:`). */
export function fromAsyncStorage(
  storage: AsyncStorageLike,
  options: { namespace?: string } = {},
): OpencomStorage {
  const ns = options.namespace ?? 'opencom:';
  return {
    async get(key) {
      return (await storage.getItem(ns + key)) ?? undefined;
    },
    set: (key, value) => storage.setItem(ns + key, value),
    remove: (key) => storage.removeItem(ns + key),
    async keys(prefix) {
      const all = await storage.getAllKeys();
      return all
        .filter((k) => k.startsWith(ns + prefix))
        .map((k) => k.slice(ns.length))
        .sort();
    },
  };
}

/** SecureStore keys may only hold `[A-Za-z0-9._-]`: anything else (and `_`) becomes `_XX`. */
export function escapeSecureStoreKey(key: string): string {
  return key.replace(/[^A-Za-z0-9.-]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 256 ? `_${code.toString(16).padStart(2, '0')}` : `_u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Adapts expo-secure-store (the Keychain on iOS, the Keystore on Android). Keys are escaped and
 * prefixed with `namespace` (default `opencom.`); an index of the SDK's keys is kept under
 * `<namespace>index` because SecureStore cannot list them. Writes are serialised so the index
 * never loses a key.
 */
export function fromSecureStore(
  store: SecureStoreLike,
  options: { namespace?: string; storeOptions?: object } = {},
): OpencomStorage {
  const ns = options.namespace ?? 'opencom.';
  const opts = options.storeOptions;
  const indexKey = `${ns}index`;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const readIndex = async (): Promise<string[]> => {
    const raw = await store.getItemAsync(indexKey, opts);
    if (!raw) {
      return [];
    }
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  };
  const writeIndex = (keys: string[]) => store.setItemAsync(indexKey, JSON.stringify(keys), opts);
  return {
    async get(key) {
      return (await store.getItemAsync(ns + escapeSecureStoreKey(key), opts)) ?? undefined;
    },
    set: (key, value) =>
      serial(async () => {
        await store.setItemAsync(ns + escapeSecureStoreKey(key), value, opts);
        const index = await readIndex();
        if (!index.includes(key)) {
          await writeIndex([...index, key].sort());
        }
      }),
    remove: (key) =>
      serial(async () => {
        await store.deleteItemAsync(ns + escapeSecureStoreKey(key), opts);
        const index = await readIndex();
        if (index.includes(key)) {
          await writeIndex(index.filter((k) => k !== key));
        }
      }),
    keys: (prefix) => serial(async () => (await readIndex()).filter((k) => k.startsWith(prefix)).sort()),
  };
}

/**
 * Keeps the keys `isSecret` selects (by default the session, which holds the token) in
 * `secret`, everything else in `plain`. Typical: SecureStore for the session, AsyncStorage for
 * caches and the outbox (SecureStore values should stay small).
 */
export function splitStorage(
  secret: OpencomStorage,
  plain: OpencomStorage,
  isSecret: (key: string) => boolean = (key) => key.endsWith('/session'),
): OpencomStorage {
  const pick = (key: string) => (isSecret(key) ? secret : plain);
  return {
    get: (key) => pick(key).get(key),
    set: (key, value) => pick(key).set(key, value),
    remove: (key) => pick(key).remove(key),
    async keys(prefix) {
      const [a, b] = await Promise.all([secret.keys(prefix), plain.keys(prefix)]);
      return [...a.filter(isSecret), ...b.filter((k) => !isSecret(k))].sort();
    },
  };
}

/** A storage in memory (what the SDK does without one), e.g. for tests. */
export function memoryStorage(initial: Record<string, string> = {}): OpencomStorage & {
  readonly values: Map<string, string>;
} {
  const values = new Map(Object.entries(initial));
  return {
    values,
    get: async (key) => values.get(key),
    set: async (key, value) => {
      values.set(key, value);
    },
    remove: async (key) => {
      values.delete(key);
    },
    keys: async (prefix) => [...values.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
}

/**
 * The adapter as the generated `Storage` foreign trait. A failure reaches the SDK as
 * `StorageError.Unexpected` with the thrown message; the SDK then reports `Storage` (or starts
 * a fresh session when a stored value is unreadable).
 */
export function toFfiStorage(storage: OpencomStorage): Ffi.Storage {
  return {
    get: (key) => storage.get(key),
    set: (key, value) => storage.set(key, value),
    remove: (key) => storage.remove(key),
    keys: (prefix) => storage.keys(prefix),
  };
}
