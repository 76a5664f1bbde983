/**
 * Where the native module is absent (Expo Go, web, Jest without the mock), rendering the
 * provider is not a crash: it reports `status: 'error'` with an error naming the cause.
 */
import * as React from 'react';
import { Text } from 'react-native';
import { render, screen, waitFor } from '@testing-library/react-native';

import { OpencomProvider, useOpencom } from '../../src/provider';
import { setBindingsLoader, setDefaultBindings } from '../../src/bindings';

afterEach(() => {
  setDefaultBindings(undefined);
  setBindingsLoader(undefined);
});

function Status(): React.JSX.Element {
  const { status, error } = useOpencom();
  return <Text testID="status">{`${status}|${error?.message ?? ''}`}</Text>;
}

it('renders and reports the missing native module as an error state', async () => {
  setDefaultBindings(undefined);
  setBindingsLoader(() => {
    throw new Error("TurboModuleRegistry.getEnforcing(...): 'Opencom' could not be found.");
  });
  render(
    <OpencomProvider config={{ deploymentUrl: 'https://x.convex.cloud', workspaceId: 'w1' }}>
      <Status />
    </OpencomProvider>,
  );
  await waitFor(() => expect(screen.getByTestId('status').props.children).toMatch(/^error\|/));
  const text = String(screen.getByTestId('status').props.children);
  expect(text).toMatch(/native module "Opencom" is not available/);
  expect(text).toMatch(/Expo Go/);
});

it('without any bindings at all, the error says how to get them', async () => {
  setDefaultBindings(undefined);
  setBindingsLoader(undefined);
  render(
    <OpencomProvider config={{ deploymentUrl: 'https://x.convex.cloud', workspaceId: 'w1' }}>
      <Status />
    </OpencomProvider>,
  );
  await waitFor(() => expect(screen.getByTestId('status').props.children).toMatch(/^error\|/));
  expect(String(screen.getByTestId('status').props.children)).toMatch(/no bindings/);
});
