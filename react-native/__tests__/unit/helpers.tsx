import * as React from 'react';
import { OpencomProvider, type OpencomConfig } from '../../src/api';
import { OpencomFake } from '../../src/fake/OpencomFake';

export const CONFIG: OpencomConfig = {
  deploymentUrl: 'https://happy-otter-123.convex.cloud',
  workspaceId: 'ws_test',
  origin: 'https://app.example.com',
};

/** A fresh fake and a wrapper that provides it. */
export function setup(config: Partial<OpencomConfig> = {}) {
  const fake = new OpencomFake();
  const wrapper = ({ children }: { children: React.ReactNode }) => (
    <OpencomProvider config={{ ...CONFIG, ...config }} bindings={fake.bindings}>
      {children}
    </OpencomProvider>
  );
  return { fake, wrapper };
}

/**
 * Renders `use()` in a component inside a provider that stays mounted, and returns a function
 * that unmounts only that component (to see what the hook itself cleans up).
 */
export function mountHookInProvider(
  wrapper: (props: { children: React.ReactNode }) => React.JSX.Element,
  use: () => unknown,
  render: (ui: React.ReactElement) => { rerender(ui: React.ReactElement): void },
) {
  const Wrapper = wrapper;
  function Probe() {
    use();
    return null;
  }
  const view = render(
    <Wrapper>
      <Probe />
    </Wrapper>,
  );
  return () =>
    view.rerender(
      <Wrapper>
        <></>
      </Wrapper>,
    );
}
