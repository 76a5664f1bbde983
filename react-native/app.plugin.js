/**
 * Expo config plugin of react-native-opencom. In app.json / app.config.js:
 *
 *   "plugins": [["react-native-opencom", {
 *     "deploymentUrl": "https://happy-otter-123.convex.cloud",
 *     "workspaceId": "…",
 *     "origin": "https://app.example.com"
 *   }]]
 *
 * It writes the settings into the app config, where the app reads them at run time with
 * `opencomConfigFromExpo(Constants.expoConfig)`:
 *   - `extra.opencom` = { deploymentUrl, workspaceId, origin? }
 *   - iOS `Info.plist`: OpencomDeploymentUrl, OpencomWorkspaceId (for native code)
 *   - Android: <meta-data> com.opencom.DEPLOYMENT_URL / com.opencom.WORKSPACE_ID in the
 *     application of AndroidManifest.xml (for native code)
 * It has no dependency: the Android entries are written through the `mods.android.manifest`
 * hook that Expo's prebuild runs (the same one `withAndroidManifest` from
 * @expo/config-plugins registers).
 */
'use strict';

const PLUGIN = 'react-native-opencom';

function fail(message) {
  throw new Error(`${PLUGIN} config plugin: ${message}`);
}

function validate(props) {
  if (!props || typeof props !== 'object') {
    fail('options are required: ["react-native-opencom", { "deploymentUrl": …, "workspaceId": … }]');
  }
  const { deploymentUrl, workspaceId, origin } = props;
  if (typeof deploymentUrl !== 'string' || !/^https?:\/\/[^/\s]+/.test(deploymentUrl)) {
    fail(`"deploymentUrl" must be an http(s) URL, got ${JSON.stringify(deploymentUrl)}`);
  }
  if (/^http:/.test(deploymentUrl) && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(deploymentUrl)) {
    fail('"deploymentUrl" must use https (plain http only on localhost)');
  }
  if (typeof workspaceId !== 'string' || workspaceId.trim() === '') {
    fail('"workspaceId" must be a non-empty string');
  }
  if (origin !== undefined && (typeof origin !== 'string' || !/^https?:\/\//.test(origin))) {
    fail('"origin" must be an http(s) origin such as "https://app.example.com"');
  }
  return { deploymentUrl, workspaceId, ...(origin !== undefined ? { origin } : {}) };
}

function setMetaData(application, name, value) {
  const list = (application['meta-data'] = application['meta-data'] || []);
  const existing = list.find((item) => item.$ && item.$['android:name'] === name);
  if (existing) {
    existing.$['android:value'] = value;
  } else {
    list.push({ $: { 'android:name': name, 'android:value': value } });
  }
}

function withOpencom(config, props) {
  const settings = validate(props);
  const next = { ...config };
  next.extra = { ...(config.extra || {}), opencom: settings };
  next.ios = {
    ...(config.ios || {}),
    infoPlist: {
      ...((config.ios && config.ios.infoPlist) || {}),
      OpencomDeploymentUrl: settings.deploymentUrl,
      OpencomWorkspaceId: settings.workspaceId,
    },
  };
  const mods = { ...(config.mods || {}) };
  const android = { ...(mods.android || {}) };
  const previous = android.manifest;
  android.manifest = async (modConfig) => {
    const result = previous ? await previous(modConfig) : modConfig;
    const manifest = result.modResults && result.modResults.manifest;
    const application = manifest && manifest.application && manifest.application[0];
    if (application) {
      setMetaData(application, 'com.opencom.DEPLOYMENT_URL', settings.deploymentUrl);
      setMetaData(application, 'com.opencom.WORKSPACE_ID', settings.workspaceId);
    }
    return result;
  };
  mods.android = android;
  next.mods = mods;
  return next;
}

module.exports = withOpencom;
module.exports.withOpencom = withOpencom;
