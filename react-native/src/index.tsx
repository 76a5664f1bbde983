/**
 * react-native-opencom: the Opencom messenger SDK (Rust, through a TurboModule) for React
 * Native, with a provider and hooks.
 *
 * Importing this module does not touch the native module: it is loaded on first use (the first
 * `<OpencomProvider>` without `bindings`, or the first member of `OpencomNative` read). Where
 * it is absent (Expo Go, the web, Jest without the mock) that first use throws an
 * `OpencomNativeUnavailableError` that names the cause and the fix; importing never throws.
 * In Jest, map the package to `react-native-opencom/jest` (README.md, "Testing your screens").
 */
import type * as NativeModule from './native';
import { OpencomNativeUnavailableError, setBindingsLoader } from './bindings';

type Native = typeof NativeModule;

let native: Native | undefined;

/** Loads the generated entry point (installs the Rust crate into the JS runtime) once. */
function loadNative(): Native {
  if (!native) {
    // A require inside a function: Metro still bundles ./native, but evaluates it (and the
    // TurboModule lookup in it) only here, where a failure can be reported as a typed error.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    native = require('./native') as Native;
  }
  return native;
}

setBindingsLoader(loadNative);

export * from './api';

/**
 * The generated API of the Rust SDK, for what the hooks do not cover. Reading any member loads
 * the native module (and throws `OpencomNativeUnavailableError` where it is absent).
 */
export const OpencomNative: Native = new Proxy({} as Native, {
  get(_target, prop) {
    // Inspection (String(), console.log, JSON, Symbol.toStringTag) and promise resolution
    // (`then`) must not load native code: the generated API has none of these names.
    if (typeof prop === 'symbol' || prop in Object.prototype) {
      return Reflect.get(_target, prop);
    }
    if (prop === 'then' || prop === 'toJSON' || prop === '$$typeof') {
      return undefined;
    }
    let loaded: Native;
    try {
      loaded = loadNative();
    } catch (e) {
      throw new OpencomNativeUnavailableError('NativeModuleMissing', e);
    }
    return (loaded as unknown as Record<string, unknown>)[prop];
  },
});
