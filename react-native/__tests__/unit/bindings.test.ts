/**
 * The native loader seam (src/bindings.ts): what an app gets where the TurboModule is absent.
 * The app entry registers a loader; the first use runs it, and a failure is a typed error.
 */
import {
  getDefaultBindings,
  OpencomNativeUnavailableError,
  setBindingsLoader,
  setDefaultBindings,
  type OpencomBindings,
} from '../../src/bindings';

const fakeBindings = { sdkVersion: () => 'test' } as unknown as OpencomBindings;

afterEach(() => {
  setDefaultBindings(undefined);
  setBindingsLoader(undefined);
});

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

it('without bindings or a loader: NoBindings, naming the three ways to get bindings', () => {
  const e = thrownBy(getDefaultBindings);
  expect(e).toBeInstanceOf(OpencomNativeUnavailableError);
  const error = e as OpencomNativeUnavailableError;
  expect(error.reason).toBe('NoBindings');
  expect(error.code).toBe('OPENCOM_NATIVE_UNAVAILABLE');
  expect(error.name).toBe('OpencomNativeUnavailableError');
  expect(error.message).toMatch(/bindings.*OpencomProvider.*react-native-opencom\/jest/s);
});

it('a loader that throws: NativeModuleMissing with the cause, asked again next time', () => {
  const cause = new Error("TurboModuleRegistry.getEnforcing(...): 'Opencom' could not be found.");
  let calls = 0;
  setBindingsLoader(() => {
    calls += 1;
    throw cause;
  });
  const error = thrownBy(getDefaultBindings) as OpencomNativeUnavailableError;
  expect(error).toBeInstanceOf(OpencomNativeUnavailableError);
  expect(error.reason).toBe('NativeModuleMissing');
  expect(error.cause).toBe(cause);
  expect(error.message).toContain("'Opencom' could not be found");
  expect(error.message).toMatch(/Expo Go.*development build/s);
  expect(error.message).toMatch(/pod install/);
  expect(error.message).toMatch(/jest\.mock\('react-native-opencom'/);
  expect(() => getDefaultBindings()).toThrow(OpencomNativeUnavailableError);
  expect(calls).toBe(2);
});

it('a loader that works is run once; set bindings win over it', () => {
  let calls = 0;
  setBindingsLoader(() => {
    calls += 1;
    return fakeBindings;
  });
  expect(getDefaultBindings()).toBe(fakeBindings);
  expect(getDefaultBindings()).toBe(fakeBindings);
  expect(calls).toBe(1);

  const other = { sdkVersion: () => 'other' } as unknown as OpencomBindings;
  setDefaultBindings(other);
  expect(getDefaultBindings()).toBe(other);
});
