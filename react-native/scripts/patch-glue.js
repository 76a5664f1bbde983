#!/usr/bin/env node
// Called by scripts/generate.sh after `ubrn generate jsi turbo-module`: makes ubrn 0.31.0-5's
// platform glue installable in an app, and fails loudly if ubrn's output no longer has the
// shape these edits expect (a new ubrn version must be looked at, not patched blindly).
//
//  - Opencom.podspec: no `uniffi-bindgen-react-native` pod dependency (autolinking only finds
//    pods of the app's own dependencies, so `pod install` fails); the vendored headers
//    (cpp/uniffi-bindgen-react-native/includes) are on the pod's header search path instead.
//  - android/CMakeLists.txt: no `execute_process(COMMAND node …)` (Android Studio's Gradle has no
//    node on PATH); the vendored headers are found relative to the CMake file.
//  - android/build.gradle: the Kotlin version fallback names this package's property, not ubrn's
//    template project's (`DummyLibForAndroid_kotlinVersion`);
//  - android/: the files build.gradle points at and ubrn does not write: the namespace-style
//    manifest (AGP >= 7.3 reads src/main/AndroidManifestNew.xml), proguard-rules.pro
//    (consumerProguardFiles), and gradle.properties (defaults for an app whose root project
//    defines no `ext` versions).
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const VENDORED = 'cpp/uniffi-bindgen-react-native/includes';

function fail(msg) {
  console.error(`patch-glue.js: ${msg}`);
  process.exit(1);
}

/** Replaces exactly one occurrence of `from` in `file`. */
function replaceOnce(file, from, to) {
  const p = path.join(root, file);
  const text = fs.readFileSync(p, 'utf8');
  const count = text.split(from).length - 1;
  if (count !== 1) {
    fail(`${file}: expected exactly one ${JSON.stringify(from)}, found ${count}`);
  }
  fs.writeFileSync(p, text.replace(from, to));
}

function write(file, text) {
  const p = path.join(root, file);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

function mustNotContain(file, pattern, why) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  if (pattern.test(text)) {
    fail(`${file} still matches ${pattern}: ${why}`);
  }
}

const pkg = require(path.join(root, 'package.json'));
const ubrnVersion = require(path.join(root, 'node_modules/uniffi-bindgen-react-native/package.json')).version;

// --- iOS -------------------------------------------------------------------------------------
replaceOnce(
  'Opencom.podspec',
  `s.dependency    "uniffi-bindgen-react-native", "${ubrnVersion}"`,
  [
    `# ubrn ${ubrnVersion}'s C++ runtime headers are vendored in ${VENDORED} (there is no`,
    '  # `uniffi-bindgen-react-native` pod an app could resolve). install_modules_dependencies',
    '  # below appends React Native\'s header paths to this one.',
    `  s.pod_target_xcconfig = { "HEADER_SEARCH_PATHS" => "\\"$(PODS_TARGET_SRCROOT)/${VENDORED}\\"" }`,
  ].join('\n'),
);
mustNotContain('Opencom.podspec', /dependency\s+"uniffi-bindgen-react-native"/, 'the pod cannot be resolved');
for (const field of ['homepage', 'author', 'license', 'description', 'version']) {
  if (!pkg[field]) {
    fail(`package.json has no "${field}": Opencom.podspec reads it`);
  }
}

// --- Android ---------------------------------------------------------------------------------
replaceOnce(
  'android/CMakeLists.txt',
  [
    '# Resolve the path to the uniffi-bindgen-react-native package',
    'execute_process(',
    '    COMMAND node -p "require.resolve(\'uniffi-bindgen-react-native/package.json\')"',
    '    OUTPUT_VARIABLE UNIFFI_BINDGEN_PATH',
    '    OUTPUT_STRIP_TRAILING_WHITESPACE',
    ')',
    '# Get the directory; get_filename_component and cmake_path will normalize',
    '# paths with Windows path separators.',
    'get_filename_component(UNIFFI_BINDGEN_PATH "${UNIFFI_BINDGEN_PATH}" DIRECTORY)',
  ].join('\n'),
  [
    `# ubrn ${ubrnVersion}'s C++ runtime headers, vendored into this package (no \`node\` at build`,
    '# time: Android Studio does not have it on PATH).',
    `set(UBRN_INCLUDES "\${CMAKE_SOURCE_DIR}/../${VENDORED}")`,
  ].join('\n'),
);
replaceOnce('android/CMakeLists.txt', '${UNIFFI_BINDGEN_PATH}/cpp/includes', '${UBRN_INCLUDES}');
mustNotContain('android/CMakeLists.txt', /execute_process|COMMAND\s+node/, 'Gradle builds have no node');

// ubrn's buildscript falls back to the property of its own template project's name, which no
// app sets: an app without rootProject.ext.kotlinVersion would get kotlin-gradle-plugin:null.
replaceOnce(
  'android/build.gradle',
  'project.properties["DummyLibForAndroid_kotlinVersion"]',
  'project.properties["Opencom_kotlinVersion"]',
);
const gradle = fs.readFileSync(path.join(root, 'android/build.gradle'), 'utf8');
if (gradle.includes('src/main/AndroidManifestNew.xml')) {
  // AGP >= 7.3 takes the namespace from build.gradle and rejects a `package` attribute.
  write(
    'android/src/main/AndroidManifestNew.xml',
    '<manifest xmlns:android="http://schemas.android.com/apk/res/android">\n</manifest>\n',
  );
}
if (/consumerProguardFiles\s+'proguard-rules.pro'/.test(gradle) && !fs.existsSync(path.join(root, 'android/proguard-rules.pro'))) {
  write(
    'android/proguard-rules.pro',
    '# react-native-opencom: the TurboModule is reached through JNI and React Native codegen.\n' +
      '-keep class com.opencom.reactnative.** { *; }\n',
  );
}
// build.gradle reads rootProject.ext.<name>, else the project property `Opencom_<name>`.
// React Native's app template defines the ext values; these are the fallbacks (RN 0.81's).
write(
  'android/gradle.properties',
  [
    '# Fallbacks for apps whose root build.gradle has no ext { … } versions (React Native 0.81).',
    'Opencom_kotlinVersion=2.1.20',
    'Opencom_minSdkVersion=24',
    'Opencom_targetSdkVersion=36',
    'Opencom_compileSdkVersion=36',
    'Opencom_ndkVersion=27.1.12297006',
    '',
  ].join('\n'),
);
console.log('patch-glue.js: podspec, CMakeLists.txt and android/ files patched');
