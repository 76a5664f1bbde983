import {
  escapeSecureStoreKey,
  fromAsyncStorage,
  fromSecureStore,
  memoryStorage,
  splitStorage,
  type AsyncStorageLike,
  type SecureStoreLike,
} from '../../src/api';
import { toFfiStorage } from '../../src/storage';

function asyncStorage(): AsyncStorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: async (k) => data.get(k) ?? null,
    setItem: async (k, v) => {
      data.set(k, v);
    },
    removeItem: async (k) => {
      data.delete(k);
    },
    getAllKeys: async () => [...data.keys()],
  };
}

function secureStore(): SecureStoreLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  const check = (k: string) => {
    if (!/^[\w.-]+$/.test(k)) {
      throw new Error(`Invalid key provided to SecureStore: ${k}`);
    }
  };
  return {
    data,
    getItemAsync: async (k) => {
      check(k);
      return data.get(k) ?? null;
    },
    setItemAsync: async (k, v) => {
      check(k);
      await Promise.resolve();
      data.set(k, v);
    },
    deleteItemAsync: async (k) => {
      check(k);
      data.delete(k);
    },
  };
}

describe('storage adapters', () => {
  it('fromAsyncStorage namespaces keys and lists by prefix, sorted', async () => {
    const backing = asyncStorage();
    backing.data.set('someone-else', 'x');
    const storage = fromAsyncStorage(backing);
    await storage.set('opencom/ws/session', '{"token":1}');
    await storage.set('opencom/ws/outbox/item/2', 'b');
    await storage.set('opencom/ws/outbox/item/1', 'a');
    expect(await storage.get('opencom/ws/session')).toBe('{"token":1}');
    expect(await storage.get('missing')).toBeUndefined();
    expect(await storage.keys('opencom/ws/outbox/')).toEqual(['opencom/ws/outbox/item/1', 'opencom/ws/outbox/item/2']);
    expect(backing.data.has('opencom:opencom/ws/session')).toBe(true);
    await storage.remove('opencom/ws/session');
    expect(await storage.keys('opencom/')).toEqual(['opencom/ws/outbox/item/1', 'opencom/ws/outbox/item/2']);
  });

  it('escapes keys for SecureStore reversibly-enough (no collisions)', () => {
    expect(escapeSecureStoreKey('opencom/ws_1/session')).toBe('opencom_2fws_5f1_2fsession');
    expect(escapeSecureStoreKey('a/b')).not.toBe(escapeSecureStoreKey('a_b'));
    expect(escapeSecureStoreKey('é')).toBe('_e9');
    expect(escapeSecureStoreKey('€')).toBe('_u20ac');
  });

  it('fromSecureStore keeps an index so keys can be listed, even with concurrent writes', async () => {
    const backing = secureStore();
    const storage = fromSecureStore(backing);
    await Promise.all([
      storage.set('opencom/ws/session', 's'),
      storage.set('opencom/ws/outbox/item/1', 'a'),
      storage.set('opencom/ws/outbox/item/2', 'b'),
    ]);
    expect(await storage.keys('opencom/ws/')).toEqual([
      'opencom/ws/outbox/item/1',
      'opencom/ws/outbox/item/2',
      'opencom/ws/session',
    ]);
    expect(await storage.get('opencom/ws/session')).toBe('s');
    await storage.remove('opencom/ws/outbox/item/1');
    expect(await storage.keys('opencom/ws/outbox/')).toEqual(['opencom/ws/outbox/item/2']);
    expect(await storage.get('opencom/ws/outbox/item/1')).toBeUndefined();
    // Every key handed to SecureStore was valid (the fake store throws otherwise).
    expect([...backing.data.keys()].every((k) => /^[\w.-]+$/.test(k))).toBe(true);
  });

  it('splitStorage puts the session in the secret store and the rest in the plain one', async () => {
    const secret = memoryStorage();
    const plain = memoryStorage();
    const storage = splitStorage(secret, plain);
    await storage.set('opencom/ws/session', 'token');
    await storage.set('opencom/ws/cache/conversations', '[]');
    expect([...secret.values.keys()]).toEqual(['opencom/ws/session']);
    expect([...plain.values.keys()]).toEqual(['opencom/ws/cache/conversations']);
    expect(await storage.keys('opencom/ws/')).toEqual(['opencom/ws/cache/conversations', 'opencom/ws/session']);
    expect(await storage.get('opencom/ws/session')).toBe('token');
  });

  it('toFfiStorage hands failures to the SDK as rejections', async () => {
    const broken = memoryStorage();
    broken.set = async () => {
      throw new Error('disk full');
    };
    const ffi = toFfiStorage(broken);
    await expect(ffi.set('k', 'v')).rejects.toThrow('disk full');
    await expect(ffi.get('k')).resolves.toBeUndefined();
  });
});
