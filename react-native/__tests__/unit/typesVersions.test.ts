/**
 * `react-native-opencom/jest` has types for apps still on `moduleResolution: "node"` (which
 * ignores `exports`): package.json's `typesVersions` maps the subpath to lib/typescript. The
 * package is resolved as an app's node_modules holds it, with TypeScript's own resolver, for
 * both the old and the new resolution. (lib/ is built by test.sh before the unit tests.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ts from 'typescript';

const pkgDir = path.resolve(__dirname, '../..');

function resolveFromApp(specifier: string, options: ts.CompilerOptions): string | undefined {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), 'opencom-types-'));
  fs.mkdirSync(path.join(app, 'node_modules'));
  fs.symlinkSync(pkgDir, path.join(app, 'node_modules', 'react-native-opencom'), 'dir');
  try {
    const result = ts.resolveModuleName(specifier, path.join(app, 'App.tsx'), options, ts.sys);
    return result.resolvedModule?.resolvedFileName;
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
}

describe('types of react-native-opencom/jest', () => {
  it('lib/ is built', () => {
    expect(fs.existsSync(path.join(pkgDir, 'lib/typescript/jest/index.d.ts'))).toBe(true);
  });

  it.each([
    ['node (node10)', { moduleResolution: ts.ModuleResolutionKind.Node10 }],
    ['node16', { moduleResolution: ts.ModuleResolutionKind.Node16, module: ts.ModuleKind.Node16 }],
    ['bundler', { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext }],
  ])('resolve under moduleResolution %s', (_name, options) => {
    const jest = resolveFromApp('react-native-opencom/jest', options);
    expect(jest && fs.realpathSync(jest)).toBe(path.join(pkgDir, 'lib/typescript/jest/index.d.ts'));
    const main = resolveFromApp('react-native-opencom', options);
    expect(main && fs.realpathSync(main)).toBe(path.join(pkgDir, 'lib/typescript/index.d.ts'));
  });
});
