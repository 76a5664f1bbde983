import { opencomConfigFromExpo } from '../../src/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const withOpencom = require('../../app.plugin.js') as (config: Record<string, any>, props: unknown) => Record<string, any>;

const PROPS = {
  deploymentUrl: 'https://happy-otter-123.convex.cloud',
  workspaceId: 'ws_123',
  origin: 'https://app.example.com',
};

describe('app.plugin.js (Expo config plugin)', () => {
  it('writes the settings into extra and the iOS Info.plist, keeping what was there', () => {
    const config = withOpencom(
      { name: 'demo', slug: 'demo', extra: { other: 1 }, ios: { bundleIdentifier: 'com.demo', infoPlist: { A: 'b' } } },
      PROPS,
    );
    expect(config.extra).toEqual({ other: 1, opencom: PROPS });
    expect(config.ios.bundleIdentifier).toBe('com.demo');
    expect(config.ios.infoPlist).toEqual({
      A: 'b',
      OpencomDeploymentUrl: PROPS.deploymentUrl,
      OpencomWorkspaceId: PROPS.workspaceId,
    });
    expect(config.name).toBe('demo');
  });

  it('adds Android meta-data through the manifest mod, chaining a previous one', async () => {
    const seen: string[] = [];
    const config = withOpencom(
      {
        name: 'demo',
        mods: {
          android: {
            manifest: async (c: any) => {
              seen.push('previous');
              return c;
            },
          },
        },
      },
      PROPS,
    );
    const manifest = {
      manifest: {
        application: [
          { $: {}, 'meta-data': [{ $: { 'android:name': 'com.opencom.WORKSPACE_ID', 'android:value': 'old' } }] },
        ],
      },
    };
    const out = await config.mods.android.manifest({ modResults: manifest });
    expect(seen).toEqual(['previous']);
    expect(out.modResults.manifest.application[0]['meta-data']).toEqual([
      { $: { 'android:name': 'com.opencom.WORKSPACE_ID', 'android:value': 'ws_123' } },
      { $: { 'android:name': 'com.opencom.DEPLOYMENT_URL', 'android:value': PROPS.deploymentUrl } },
    ]);
  });

  it('refuses bad options with a clear message', () => {
    expect(() => withOpencom({}, undefined)).toThrow(/options are required/);
    expect(() => withOpencom({}, { ...PROPS, deploymentUrl: 'ftp://x' })).toThrow(/deploymentUrl/);
    expect(() => withOpencom({}, { ...PROPS, deploymentUrl: 'http://prod.example.com' })).toThrow(/https/);
    expect(() => withOpencom({}, { ...PROPS, workspaceId: ' ' })).toThrow(/workspaceId/);
    expect(() => withOpencom({}, { ...PROPS, origin: 'app.example.com' })).toThrow(/origin/);
    // Plain http is fine on localhost (server-mock, a local backend).
    expect(withOpencom({}, { ...PROPS, deploymentUrl: 'http://127.0.0.1:3210' }).extra.opencom.deploymentUrl).toBe(
      'http://127.0.0.1:3210',
    );
  });

  it('round-trips into the provider config with opencomConfigFromExpo', () => {
    const config = withOpencom({ name: 'demo' }, PROPS);
    expect(opencomConfigFromExpo(config, { realtime: 'polling' })).toEqual({
      deploymentUrl: PROPS.deploymentUrl,
      workspaceId: PROPS.workspaceId,
      origin: PROPS.origin,
      realtime: 'polling',
    });
    expect(() => opencomConfigFromExpo({ extra: {} })).toThrow(/plugins/);
    expect(() => opencomConfigFromExpo(null)).toThrow(/extra.opencom/);
  });
});
