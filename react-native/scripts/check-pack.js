#!/usr/bin/env node
// Checks the file list of a packed react-native-opencom (the JSON `npm pack --json` or
// `npm pack --dry-run --json` prints) against what an app needs:
//  - exactly the expected files outside src/ and lib/ (platform glue, podspec, vendored
//    headers, Expo plugin, ...), nothing else: no build folders, tests, scripts or configs;
//  - every source file of src/ (the generated TypeScript included), and for each of them its
//    CommonJS file and declaration in lib/ (the `./jest` entry included), and nothing more;
//  - every file package.json's entry points, android/build.gradle, android/CMakeLists.txt and
//    Opencom.podspec point at is in the tarball;
//  - with --require-native: the jniLibs of every ABI and the xcframework too (a release).
//  - with --same-as <other.json>: the same files as that list (npm pack --dry-run vs npm pack).
// Usage: node scripts/check-pack.js <pack.json> [--require-native] [--same-as <other.json>]
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const [jsonFile, ...flags] = process.argv.slice(2);
const requireNative = flags.includes('--require-native');
const sameAs = flags.includes('--same-as') ? flags[flags.indexOf('--same-as') + 1] : undefined;
const problems = [];

const packed = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
if (!Array.isArray(packed) || packed.length !== 1) {
  throw new Error(`${jsonFile}: expected the JSON of one package`);
}
const files = new Set(packed[0].files.map((f) => f.path));
const pkg = require(path.join(root, 'package.json'));

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(rel));
    else out.push(rel);
  }
  return out;
}

// --- the exact set outside src/ and lib/ ------------------------------------------------------
const javaDir = `android/src/main/java/${pkg.codegenConfig.android.javaPackageName.replace(/\./g, '/')}`;
const ubrnIncludes = fs
  .readdirSync(path.join(root, 'node_modules/uniffi-bindgen-react-native/cpp/includes'))
  .map((f) => `cpp/uniffi-bindgen-react-native/includes/${f}`);
const expectedOther = new Set([
  'package.json',
  'README.md',
  'app.plugin.js',
  'ubrn.config.yaml',
  'Opencom.podspec',
  'android/build.gradle',
  'android/CMakeLists.txt',
  'android/cpp-adapter.cpp',
  'android/gradle.properties',
  'android/proguard-rules.pro',
  'android/src/main/AndroidManifest.xml',
  'android/src/main/AndroidManifestNew.xml',
  `${javaDir}/OpencomModule.kt`,
  `${javaDir}/OpencomPackage.kt`,
  'ios/Opencom.h',
  'ios/Opencom.mm',
  'cpp/react-native-opencom.cpp',
  'cpp/react-native-opencom.h',
  'cpp/generated/opencom_ffi.cpp',
  'cpp/generated/opencom_ffi.hpp',
  'cpp/uniffi-bindgen-react-native/LICENSE',
  'cpp/uniffi-bindgen-react-native/README',
  ...ubrnIncludes,
]);
const nativeFile = (f) =>
  /^android\/src\/main\/jniLibs\/[^/]+\/libopencom_ffi\.a$/.test(f) ||
  f.startsWith('OpencomFfiFramework.xcframework/');

for (const f of expectedOther) {
  if (!files.has(f)) problems.push(`missing: ${f}`);
}
for (const f of files) {
  if (f.startsWith('src/') || f.startsWith('lib/') || expectedOther.has(f) || nativeFile(f)) continue;
  problems.push(`unexpected: ${f}`);
}

// --- src/ and lib/ ------------------------------------------------------------------------------
const sources = walk('src').filter((f) => /\.tsx?$/.test(f) && !f.includes('/__tests__/'));
for (const required of ['src/generated/opencom_ffi.ts', 'src/native/index.tsx', 'src/native/NativeOpencom.ts', 'src/jest/index.ts']) {
  if (!sources.includes(required)) problems.push(`not generated/written: ${required}`);
}
const expectedLib = new Set();
for (const src of sources) {
  if (!files.has(src)) problems.push(`missing: ${src}`);
  const stem = src.replace(/^src\//, '').replace(/\.tsx?$/, '');
  expectedLib.add(`lib/commonjs/${stem}.js`);
  expectedLib.add(`lib/typescript/${stem}.d.ts`);
}
for (const f of expectedLib) {
  if (!files.has(f)) problems.push(`missing: ${f}`);
}
for (const f of files) {
  if (f.startsWith('src/') && !sources.includes(f)) problems.push(`unexpected: ${f}`);
  if (f.startsWith('lib/') && !expectedLib.has(f)) problems.push(`unexpected: ${f}`);
}

// --- what package.json, build.gradle, CMakeLists.txt and the podspec point at ------------------
const norm = (p) => path.posix.normalize(p.replace(/^\.\//, ''));
const entryPoints = [pkg.main, pkg.types];
for (const entry of Object.values(pkg.exports)) {
  entryPoints.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
}
for (const p of entryPoints) {
  if (!files.has(norm(p))) problems.push(`package.json points at ${p}, not in the tarball`);
}

const read = (f) => fs.readFileSync(path.join(root, f), 'utf8');
const hasDir = (dir) => [...files].some((f) => f.startsWith(`${norm(dir)}/`));

const gradle = read('android/build.gradle');
const gradleRefs = [
  ...[...gradle.matchAll(/manifest\.srcFile\s+["']([^"']+)["']/g)].map((m) => m[1]),
  ...[...gradle.matchAll(/consumerProguardFiles\s+["']([^"']+)["']/g)].map((m) => m[1]),
  ...[...gradle.matchAll(/cmake\s*\{\s*path\s+["']([^"']+)["']/g)].map((m) => m[1]),
];
if (gradleRefs.length < 3) problems.push(`android/build.gradle: expected manifest, proguard and CMake paths, found ${gradleRefs}`);
for (const ref of gradleRefs) {
  if (!files.has(norm(`android/${ref}`))) problems.push(`android/build.gradle points at ${ref}, not in the tarball`);
}
for (const m of gradle.matchAll(/jsRootDir\s*=\s*file\(["']([^"']+)["']\)/g)) {
  if (!hasDir(`android/${m[1]}`.replace(/\/$/, ''))) problems.push(`android/build.gradle jsRootDir ${m[1]} is empty`);
}

const cmake = read('android/CMakeLists.txt');
if (/execute_process|COMMAND\s+node/.test(cmake)) problems.push('android/CMakeLists.txt runs node');
const vars = { CMAKE_SOURCE_DIR: 'android' };
for (const m of cmake.matchAll(/set\s*\(\s*(\w+)\s+"([^"]+)"\s*\)/g)) vars[m[1]] = m[2];
const expand = (s) => s.replace(/\$\{(\w+)\}/g, (_, v) => (v in vars ? expand(vars[v]) : `\${${v}}`));
const cmakeBlock = (fn) => {
  const m = cmake.match(new RegExp(`${fn}\\s*\\(([^)]*)\\)`));
  return m ? m[1].split(/\s+/).filter(Boolean) : [];
};
const includeDirs = cmakeBlock('include_directories').map((d) => norm(path.posix.join('android', expand(d).replace(/^android\//, ''))));
if (includeDirs.length === 0) problems.push('android/CMakeLists.txt: no include_directories');
for (const dir of includeDirs) {
  if (!hasDir(dir)) problems.push(`android/CMakeLists.txt includes ${dir}, empty in the tarball`);
}
const sourcesCmake = cmakeBlock('add_library').slice(2); // name, SHARED, files…
if (sourcesCmake.length === 0) problems.push('android/CMakeLists.txt: no sources');
for (const s of sourcesCmake) {
  const f = norm(path.posix.join('android', s));
  if (!files.has(f)) problems.push(`android/CMakeLists.txt compiles ${f}, not in the tarball`);
}
const rustLib = cmake.match(/\$\{CMAKE_SOURCE_DIR\}\/(\S+)\/\$\{ANDROID_ABI\}\/(\S+)/);
if (!rustLib) problems.push('android/CMakeLists.txt: no jniLibs/${ANDROID_ABI} library');

const podspec = read('Opencom.podspec');
if (/dependency\s+["']uniffi-bindgen-react-native["']/.test(podspec)) problems.push('Opencom.podspec depends on the uniffi-bindgen-react-native pod');
for (const field of ['homepage', 'author']) {
  if (!pkg[field]) problems.push(`package.json has no ${field} (Opencom.podspec reads it)`);
}
const podSources = podspec.match(/s\.source_files\s*=\s*(.+)/);
// React Native codegen writes its output into the app's build at `pod install`: that glob may
// match nothing in the tarball; every other one must.
const codegenIos = norm((pkg.codegenConfig.outputDir && pkg.codegenConfig.outputDir.ios) || 'ios/generated');
for (const glob of podSources ? [...podSources[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : []) {
  const dir = glob.split('/**')[0];
  if (dir !== codegenIos && !hasDir(dir)) problems.push(`Opencom.podspec source_files ${glob} matches nothing`);
}
const framework = podspec.match(/s\.vendored_frameworks\s*=\s*"([^"]+)"/);
if (!framework) problems.push('Opencom.podspec vendors no framework');

// --- native libraries ---------------------------------------------------------------------------
const nativeMissing = [];
const abis = read('ubrn.config.yaml').match(/^android:\n(?:(?:  .*)?\n)*?  targets:\n((?:    - .*\n)+)/m);
for (const abi of abis ? abis[1].split('\n').filter(Boolean).map((l) => l.replace(/^\s*-\s*/, '')) : []) {
  const lib = `android/${rustLib ? rustLib[1] : 'src/main/jniLibs'}/${abi}/${rustLib ? rustLib[2] : 'libopencom_ffi.a'}`;
  if (!files.has(norm(lib))) nativeMissing.push(norm(lib));
}
if (framework && !hasDir(framework[1])) nativeMissing.push(framework[1]);
if (requireNative) {
  problems.push(...nativeMissing.map((f) => `missing native library: ${f}`));
} else if (nativeMissing.length) {
  console.log(`check-pack: no native libraries (not built on this machine): ${nativeMissing.join(', ')}`);
}

if (sameAs) {
  const other = new Set(JSON.parse(fs.readFileSync(sameAs, 'utf8'))[0].files.map((f) => f.path));
  for (const f of files) if (!other.has(f)) problems.push(`only in ${jsonFile}: ${f}`);
  for (const f of other) if (!files.has(f)) problems.push(`only in ${sameAs}: ${f}`);
}

if (problems.length) {
  console.error(`check-pack: ${problems.length} problem(s) in ${packed[0].filename}:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-pack: ${packed[0].filename}: ${files.size} files as expected (${packed[0].entryCount} entries, ${(packed[0].size / 1e6).toFixed(2)} MB packed)`);
