// Two Jest projects (README.md, "Tests"). Jest fails a test that leaves a promise rejection
// unhandled, which is how "errors are values, never unhandled rejections" is enforced.
//  - unit: the provider and every hook against the in-memory fake (react-native-opencom/jest);
//  - integration: the same hooks against the real Rust client over N-API (build/napi, made by
//    `npm run ubrn:generate`) talking to the server-mock binary.
const common = {
  preset: 'react-native',
  rootDir: __dirname,
  moduleNameMapper: {
    '^react-native-opencom/jest$': '<rootDir>/src/jest/index.ts',
    '^react-native-opencom$': '<rootDir>/src/jest/index.ts',
  },
  // lib/ is the build output; fixtures/app is an app with its own node_modules and Jest config.
  modulePathIgnorePatterns: ['<rootDir>/lib/', '<rootDir>/fixtures/'],
  // A deadline, not a delay: on a cold transform cache and a loaded 2-core CI machine the first
  // render of a suite (React Native's modules transformed on first use) exceeded Jest's 5 s.
  testTimeout: 30_000,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts?(x)'],
      setupFilesAfterEnv: ['<rootDir>/__tests__/unit/setup.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts?(x)'],
      // Each wait inside a test has its own (shorter) deadline; the setup bounds a whole test.
      setupFilesAfterEnv: ['<rootDir>/__tests__/integration/setup.ts'],
    },
  ],
};
