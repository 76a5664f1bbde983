/**
 * `react-native-opencom/jest`: the package's API over an in-memory fake of Opencom, for testing
 * an app's screens in Jest without the native module.
 *
 * ```js
 * // jest.setup.js
 * jest.mock('react-native-opencom', () => require('react-native-opencom/jest'));
 *
 * // a test
 * import { resetOpencomFake } from 'react-native-opencom/jest';
 * const fake = resetOpencomFake();          // a fresh workspace for this test
 * render(<OpencomProvider config={{ deploymentUrl: 'https://x.convex.cloud', workspaceId: 'w' }}>…);
 * fake.agentReply(fake.conversationIds(visitorId)[0], 'Hello!');   // the screen re-renders
 * ```
 */
import * as Ffi from '../generated/opencom_ffi';
import { setDefaultBindings } from '../bindings';
import { OpencomFake } from '../fake/OpencomFake';

export * from '../api';
export { OpencomFake, fakeError, type FakeCall, type FakeMethod, type FakeQuestionInput } from '../fake/OpencomFake';

let current = new OpencomFake();
setDefaultBindings(current.bindings);

/**
 * The generated API, as `import { OpencomNative } from 'react-native-opencom'` gives it, over
 * the current fake: `new OpencomNative.ClientBuilder(url, workspaceId)` builds a fake client,
 * `parsePush`/`parseDeepLink*` follow the SDK's rules; records, enums and errors are the
 * generated classes.
 */
export const OpencomNative: typeof Ffi = new Proxy(Ffi, {
  get(target, property, receiver) {
    const bindings = current.bindings as unknown as Record<PropertyKey, unknown>;
    if (property in bindings) {
      return bindings[property];
    }
    return Reflect.get(target, property, receiver) as unknown;
  },
});

/** The fake every `<OpencomProvider>` without `bindings` uses. */
export function opencomFake(): OpencomFake {
  return current;
}

/** Replaces the fake with an empty one (call it in `beforeEach`) and returns it. */
export function resetOpencomFake(): OpencomFake {
  current = new OpencomFake();
  setDefaultBindings(current.bindings);
  return current;
}
