// Metro for the React Native test and the example app, in a project whose node_modules holds
// only `phone-auth` (the packed tarball): the tooling (Metro, the RN preset and polyfills,
// react-native) comes from PHONE_AUTH_RN_TOOLS (tests/rn/node_modules). No device, no
// react-native CLI: `metro build <entry> --platform android`.
const path = require('node:path');

const tools = process.env.PHONE_AUTH_RN_TOOLS;
if (!tools) throw new Error('PHONE_AUTH_RN_TOOLS: the node_modules with Metro and react-native');
const { getDefaultConfig, mergeConfig } = require(require.resolve('@react-native/metro-config', { paths: [tools] }));

module.exports = mergeConfig(getDefaultConfig(__dirname), {
  watchFolders: [tools],
  resolver: {
    nodeModulesPaths: [path.join(__dirname, 'node_modules'), tools],
    // Package exports with the `react-native` condition (Metro's default since 0.82).
    unstable_enablePackageExports: true,
  },
  // The test bundle runs in the bare Hermes CLI: no React Native InitializeCore before it.
  serializer: process.env.PHONE_AUTH_RN_BARE ? { getModulesRunBeforeMainModule: () => [] } : {},
});
