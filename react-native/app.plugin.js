/**
 * Expo config plugin of react-native-opencom. In app.json / app.config.js:
 *
 *   "plugins": [["react-native-opencom", {
 *     "deploymentUrl": "https://happy-otter-123.convex.cloud",
 *     "workspaceId": "…",
 *     "origin": "https://app.example.com",
 *     "scheme": "myapp",                              // or ["myapp", "myapp-dev"]
 *     "deepLinkPrefixes": ["https://example.com/help"],
 *     "push": { "iosMode": "production" }            // or true / false (default true)
 *   }]]
 *
 * What it writes (with @expo/config-plugins' mods, at `npx expo prebuild`):
 *   - `extra.opencom` = { deploymentUrl, workspaceId, origin?, deepLinkPrefixes } for
 *     `opencomConfigFromExpo(Constants.expoConfig)` (the schemes become `myapp://` prefixes);
 *   - iOS Info.plist: OpencomDeploymentUrl, OpencomWorkspaceId, a CFBundleURLTypes entry per
 *     scheme, and with push `remote-notification` in UIBackgroundModes plus the
 *     `aps-environment` entitlement;
 *   - Android manifest: <meta-data> com.opencom.DEPLOYMENT_URL / com.opencom.WORKSPACE_ID, a
 *     VIEW/BROWSABLE intent filter per scheme on the main activity, and with push the
 *     POST_NOTIFICATIONS permission (Android 13+).
 * It runs once per prebuild even when listed twice (createRunOncePlugin).
 *
 * @expo/config-plugins comes with the `expo` package of every Expo app; it is resolved when the
 * plugin runs, so bare React Native apps do not need it.
 */
'use strict';

const pkg = require('./package.json');

const PLUGIN = 'react-native-opencom';

function fail(message) {
  throw new Error(`${PLUGIN} config plugin: ${message}`);
}

function configPlugins() {
  for (const name of ['expo/config-plugins', '@expo/config-plugins']) {
    try {
      return require(name);
    } catch (e) {
      if (!e || e.code !== 'MODULE_NOT_FOUND') {
        throw e;
      }
    }
  }
  return fail('@expo/config-plugins was not found: the plugin runs inside an Expo project (npx expo prebuild)');
}

const SCHEME = /^[a-z][a-z0-9+.-]*$/;
const RESERVED = new Set(['http', 'https', 'file', 'data', 'javascript', 'content', 'opencom']);

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
  const schemes = props.scheme === undefined ? [] : Array.isArray(props.scheme) ? props.scheme : [props.scheme];
  for (const scheme of schemes) {
    if (typeof scheme !== 'string' || !SCHEME.test(scheme) || RESERVED.has(scheme)) {
      fail(`"scheme" must be your app's own URL scheme (lowercase, such as "myapp"), got ${JSON.stringify(scheme)}`);
    }
  }
  const links = props.deepLinkPrefixes === undefined ? [] : props.deepLinkPrefixes;
  if (!Array.isArray(links) || links.some((p) => typeof p !== 'string' || !/^https:\/\/[^/\s?#]+[^\s?#]*$/.test(p))) {
    fail('"deepLinkPrefixes" must be https URL prefixes such as ["https://example.com/help"]');
  }
  let push = props.push === undefined ? true : props.push;
  if (push === true) {
    push = {};
  }
  if (push !== false && (typeof push !== 'object' || push === null)) {
    fail('"push" must be true, false or { "iosMode": "development" | "production" }');
  }
  if (push && push.iosMode !== undefined && push.iosMode !== 'development' && push.iosMode !== 'production') {
    fail('"push.iosMode" must be "development" or "production"');
  }
  const extra = {
    deploymentUrl,
    workspaceId,
    ...(origin !== undefined ? { origin } : {}),
    ...(schemes.length + links.length > 0 ? { deepLinkPrefixes: [...schemes.map((s) => `${s}://`), ...links] } : {}),
  };
  return { extra, schemes, push: push ? { iosMode: push.iosMode || 'production' } : null };
}

function withSettings(config, settings) {
  const { withAndroidManifest, withInfoPlist, withEntitlementsPlist, AndroidConfig } = configPlugins();
  const { extra, schemes, push } = settings;
  config = { ...config, extra: { ...(config.extra || {}), opencom: extra } };

  config = withInfoPlist(config, (c) => {
    const plist = c.modResults;
    plist.OpencomDeploymentUrl = extra.deploymentUrl;
    plist.OpencomWorkspaceId = extra.workspaceId;
    if (schemes.length > 0) {
      const types = Array.isArray(plist.CFBundleURLTypes) ? plist.CFBundleURLTypes : [];
      const known = new Set(types.flatMap((t) => t.CFBundleURLSchemes || []));
      const missing = schemes.filter((s) => !known.has(s));
      if (missing.length > 0) {
        types.push({ CFBundleURLSchemes: missing });
      }
      plist.CFBundleURLTypes = types;
    }
    if (push) {
      const modes = Array.isArray(plist.UIBackgroundModes) ? plist.UIBackgroundModes : [];
      if (!modes.includes('remote-notification')) {
        modes.push('remote-notification');
      }
      plist.UIBackgroundModes = modes;
    }
    return c;
  });

  if (push) {
    config = withEntitlementsPlist(config, (c) => {
      if (!c.modResults['aps-environment']) {
        c.modResults['aps-environment'] = push.iosMode;
      }
      return c;
    });
  }

  config = withAndroidManifest(config, (c) => {
    const manifest = c.modResults;
    const application = AndroidConfig.Manifest.getMainApplicationOrThrow(manifest);
    AndroidConfig.Manifest.addMetaDataItemToMainApplication(application, 'com.opencom.DEPLOYMENT_URL', extra.deploymentUrl);
    AndroidConfig.Manifest.addMetaDataItemToMainApplication(application, 'com.opencom.WORKSPACE_ID', extra.workspaceId);
    if (schemes.length > 0) {
      const activity = AndroidConfig.Manifest.getMainActivityOrThrow(manifest);
      const filters = (activity['intent-filter'] = activity['intent-filter'] || []);
      const declared = new Set(
        filters.flatMap((f) => (f.data || []).map((d) => d.$ && d.$['android:scheme']).filter(Boolean)),
      );
      for (const scheme of schemes.filter((s) => !declared.has(s))) {
        filters.push({
          action: [{ $: { 'android:name': 'android.intent.action.VIEW' } }],
          category: [
            { $: { 'android:name': 'android.intent.category.DEFAULT' } },
            { $: { 'android:name': 'android.intent.category.BROWSABLE' } },
          ],
          data: [{ $: { 'android:scheme': scheme } }],
        });
      }
    }
    if (push) {
      AndroidConfig.Permissions.ensurePermissions(manifest, ['android.permission.POST_NOTIFICATIONS']);
    }
    return c;
  });
  return config;
}

function withOpencom(config, props) {
  // Without a `scheme` option, the app config's own `scheme` gives the deep-link prefixes.
  const inherited =
    props && typeof props === 'object' && props.scheme === undefined && config.scheme !== undefined
      ? { ...props, scheme: config.scheme }
      : props;
  return withSettings(config, validate(inherited));
}

const plugin = (() => {
  try {
    return configPlugins().createRunOncePlugin(withOpencom, PLUGIN, pkg.version);
  } catch {
    // Loaded outside an Expo project (e.g. a bundler scanning the package): fail when used.
    return withOpencom;
  }
})();

module.exports = plugin;
module.exports.withOpencom = withOpencom;
module.exports.validate = validate;
