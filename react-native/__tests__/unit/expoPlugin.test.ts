/**
 * The Expo config plugin, evaluated as `npx expo prebuild` / `npx expo config --type introspect`
 * evaluate it: `withPlugins` applies it to an ExpoConfig and `compileModsAsync` (introspection:
 * the base mods read Expo's templates and nothing is written) runs its mods on the iOS
 * Info.plist, the entitlements and the Android manifest.
 */
import * as os from 'os';
import * as path from 'path';
import { AndroidConfig, compileModsAsync, withPlugins, type ExportedConfig } from '@expo/config-plugins';
import { opencomConfigFromExpo } from '../../src/api';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require('../../app.plugin.js') as (config: any, props: unknown) => any;

const PROPS = {
  deploymentUrl: 'https://happy-otter-123.convex.cloud',
  workspaceId: 'ws_123',
  origin: 'https://app.example.com',
};

// A project root with no ios/ or android/ folder: introspection uses the templates.
const projectRoot = path.join(os.tmpdir(), 'opencom-plugin-introspect');

interface Compiled {
  config: any;
  infoPlist: Record<string, any>;
  entitlements: Record<string, any>;
  manifest: AndroidConfig.Manifest.AndroidManifest;
}

async function compile(props: unknown, base: Record<string, unknown> = {}): Promise<Compiled> {
  const config = withPlugins(
    {
      name: 'demo',
      slug: 'demo',
      ios: { bundleIdentifier: 'com.demo' },
      android: { package: 'com.demo' },
      _internal: { projectRoot },
      ...base,
    },
    [[plugin, props]],
  ) as ExportedConfig;
  const compiled: any = await compileModsAsync(config, {
    projectRoot,
    introspect: true,
    platforms: ['ios', 'android'],
    assertMissingModProviders: false,
  });
  const results = compiled._internal.modResults;
  return {
    config: compiled,
    infoPlist: results.ios.infoPlist,
    entitlements: results.ios.entitlements,
    manifest: results.android.manifest,
  };
}

function metaData(manifest: AndroidConfig.Manifest.AndroidManifest): Record<string, string | undefined> {
  const app = AndroidConfig.Manifest.getMainApplicationOrThrow(manifest);
  return Object.fromEntries((app['meta-data'] ?? []).map((m) => [m.$['android:name'], m.$['android:value']]));
}

function schemesOf(manifest: AndroidConfig.Manifest.AndroidManifest): string[] {
  const activity = AndroidConfig.Manifest.getMainActivityOrThrow(manifest);
  return (activity['intent-filter'] ?? []).flatMap((f) =>
    (f.data ?? []).map((d) => d.$['android:scheme']).filter((s): s is string => typeof s === 'string'),
  );
}

describe('app.plugin.js (Expo config plugin, through the mod compiler)', () => {
  it('writes extra.opencom, the Info.plist keys and the Android meta-data', async () => {
    const { config, infoPlist, manifest } = await compile(PROPS, { extra: { other: 1 } });
    expect(config.extra).toEqual({ other: 1, opencom: PROPS });
    expect(infoPlist.OpencomDeploymentUrl).toBe(PROPS.deploymentUrl);
    expect(infoPlist.OpencomWorkspaceId).toBe(PROPS.workspaceId);
    expect(metaData(manifest)).toMatchObject({
      'com.opencom.DEPLOYMENT_URL': PROPS.deploymentUrl,
      'com.opencom.WORKSPACE_ID': PROPS.workspaceId,
    });
    expect(config.ios.bundleIdentifier).toBe('com.demo');
  });

  it("adds the app's schemes (iOS URL types, Android intent filters) and the deep-link prefixes", async () => {
    const { config, infoPlist, manifest } = await compile({
      ...PROPS,
      scheme: ['myapp', 'myapp-dev'],
      deepLinkPrefixes: ['https://example.com/help'],
    });
    const iosSchemes = (infoPlist.CFBundleURLTypes as { CFBundleURLSchemes: string[] }[]).flatMap(
      (t) => t.CFBundleURLSchemes,
    );
    expect(iosSchemes).toEqual(expect.arrayContaining(['myapp', 'myapp-dev']));
    expect(schemesOf(manifest)).toEqual(expect.arrayContaining(['myapp', 'myapp-dev']));
    const activity = AndroidConfig.Manifest.getMainActivityOrThrow(manifest);
    const filter = (activity['intent-filter'] ?? []).find((f) => f.data?.some((d) => d.$['android:scheme'] === 'myapp'));
    expect(filter?.category?.map((c) => c.$['android:name'])).toEqual([
      'android.intent.category.DEFAULT',
      'android.intent.category.BROWSABLE',
    ]);
    expect(config.extra.opencom.deepLinkPrefixes).toEqual(['myapp://', 'myapp-dev://', 'https://example.com/help']);
    // The provider config reads them back.
    expect(opencomConfigFromExpo(config).deepLinkPrefixes).toEqual([
      'myapp://',
      'myapp-dev://',
      'https://example.com/help',
    ]);
  });

  it('adds the push settings: remote-notification, aps-environment, POST_NOTIFICATIONS', async () => {
    const { infoPlist, entitlements, manifest } = await compile({ ...PROPS, push: { iosMode: 'development' } });
    expect(infoPlist.UIBackgroundModes).toContain('remote-notification');
    expect(entitlements['aps-environment']).toBe('development');
    expect(AndroidConfig.Permissions.getPermissions(manifest)).toContain('android.permission.POST_NOTIFICATIONS');

    const off = await compile({ ...PROPS, push: false });
    expect(off.infoPlist.UIBackgroundModes ?? []).not.toContain('remote-notification');
    expect(off.entitlements['aps-environment']).toBeUndefined();
    expect(AndroidConfig.Permissions.getPermissions(off.manifest)).not.toContain('android.permission.POST_NOTIFICATIONS');
  });

  it("takes the app config's own scheme when the option has none", async () => {
    const { config, infoPlist } = await compile(PROPS, { scheme: 'fromapp' });
    expect(config.extra.opencom.deepLinkPrefixes).toEqual(['fromapp://']);
    const iosSchemes = (infoPlist.CFBundleURLTypes as { CFBundleURLSchemes: string[] }[]).flatMap((t) => t.CFBundleURLSchemes);
    expect(iosSchemes).toContain('fromapp');
  });

  it('runs once even when listed twice, and keeps existing schemes once', async () => {
    const config = withPlugins({ name: 'demo', slug: 'demo', scheme: 'myapp', _internal: { projectRoot } }, [
      [plugin, { ...PROPS, scheme: 'myapp' }],
      [plugin, { ...PROPS, scheme: 'myapp' }],
    ]) as ExportedConfig;
    const compiled: any = await compileModsAsync(config, {
      projectRoot,
      introspect: true,
      platforms: ['ios', 'android'],
      assertMissingModProviders: false,
    });
    const results = compiled._internal.modResults;
    const iosSchemes = (results.ios.infoPlist.CFBundleURLTypes as { CFBundleURLSchemes: string[] }[]).flatMap(
      (t) => t.CFBundleURLSchemes,
    );
    expect(iosSchemes.filter((s) => s === 'myapp')).toHaveLength(1);
    expect(schemesOf(results.android.manifest).filter((s) => s === 'myapp')).toHaveLength(1);
    expect(compiled._internal.pluginHistory['react-native-opencom']).toBeDefined();
  });

  it('refuses bad options with a clear message', () => {
    const apply = (props: unknown) =>
      withPlugins({ name: 'demo', slug: 'demo', _internal: { projectRoot } }, [[plugin, props]]);
    expect(() => apply(undefined)).toThrow(/options are required/);
    expect(() => apply({ ...PROPS, deploymentUrl: 'ftp://x' })).toThrow(/deploymentUrl/);
    expect(() => apply({ ...PROPS, deploymentUrl: 'http://prod.example.com' })).toThrow(/https/);
    expect(() => apply({ ...PROPS, workspaceId: ' ' })).toThrow(/workspaceId/);
    expect(() => apply({ ...PROPS, origin: 'app.example.com' })).toThrow(/origin/);
    expect(() => apply({ ...PROPS, scheme: 'My App' })).toThrow(/scheme/);
    expect(() => apply({ ...PROPS, scheme: 'https' })).toThrow(/scheme/);
    expect(() => apply({ ...PROPS, deepLinkPrefixes: ['http://example.com'] })).toThrow(/deepLinkPrefixes/);
    expect(() => apply({ ...PROPS, push: { iosMode: 'sandbox' } })).toThrow(/iosMode/);
    // Plain http is fine on localhost (server-mock, a local backend).
    expect(apply({ ...PROPS, deploymentUrl: 'http://127.0.0.1:3210' }).extra?.opencom.deploymentUrl).toBe(
      'http://127.0.0.1:3210',
    );
  });

  it('round-trips into the provider config with opencomConfigFromExpo', async () => {
    const { config } = await compile(PROPS);
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
