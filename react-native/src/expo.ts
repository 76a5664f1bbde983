/**
 * Reading what the Expo config plugin (`app.plugin.js`) wrote into the app config:
 *
 * ```tsx
 * import Constants from 'expo-constants';
 * const config = opencomConfigFromExpo(Constants.expoConfig, { storage });
 * <OpencomProvider config={config}>…
 * ```
 */
import type { OpencomConfig } from './config';

/** The part of an Expo config (`Constants.expoConfig`) the plugin writes. */
export interface ExpoConfigLike {
  extra?: { [key: string]: unknown } | null;
}

/** What the plugin stores under `extra.opencom`. */
export interface OpencomExpoExtra {
  deploymentUrl: string;
  workspaceId: string;
  origin?: string;
  /** The app's schemes (`myapp://`) and https prefixes, for push taps and deep links. */
  deepLinkPrefixes?: string[];
}

/**
 * The provider config from the app config's `extra.opencom`, merged with `overrides`. Throws
 * when the plugin did not run (no `extra.opencom.deploymentUrl`/`workspaceId`).
 */
export function opencomConfigFromExpo(
  expoConfig: ExpoConfigLike | null | undefined,
  overrides: Partial<OpencomConfig> = {},
): OpencomConfig {
  const extra = expoConfig?.extra?.opencom as Partial<OpencomExpoExtra> | undefined;
  const deploymentUrl = overrides.deploymentUrl ?? extra?.deploymentUrl;
  const workspaceId = overrides.workspaceId ?? extra?.workspaceId;
  if (typeof deploymentUrl !== 'string' || typeof workspaceId !== 'string') {
    throw new Error(
      'react-native-opencom: no extra.opencom in the app config: add ["react-native-opencom", ' +
        '{ "deploymentUrl": …, "workspaceId": … }] to the plugins of app.json',
    );
  }
  return {
    ...overrides,
    deploymentUrl,
    workspaceId,
    origin: overrides.origin ?? extra?.origin,
    ...(overrides.deepLinkPrefixes ?? extra?.deepLinkPrefixes
      ? { deepLinkPrefixes: overrides.deepLinkPrefixes ?? extra?.deepLinkPrefixes }
      : {}),
  };
}
