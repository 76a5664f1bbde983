// Babel for Jest (Metro uses the app's own config). The N-API bindings generated for the
// integration tests use `import.meta.url` to find the library: only those files get the
// import.meta transform.
module.exports = {
  presets: ['module:@react-native/babel-preset'],
  overrides: [
    {
      test: /[\\/]build[\\/]napi[\\/]/,
      plugins: ['babel-plugin-transform-import-meta'],
    },
  ],
};
