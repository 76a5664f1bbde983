/**
 * react-native-opencom: the Opencom messenger SDK (Rust, through a TurboModule) for React
 * Native, with a provider and hooks.
 *
 * Importing this module installs the native Rust crate into the JS runtime (New Architecture,
 * JSI) and makes it the bindings every `<OpencomProvider>` uses. In Jest, map the package to
 * `react-native-opencom/jest` instead (README.md, "Testing your screens").
 */
import * as native from './native';
import { setDefaultBindings } from './bindings';

setDefaultBindings(native);

export * from './api';
/** The generated API of the Rust SDK, for what the hooks do not cover. */
export { native as OpencomNative };
