// Fast tier (`npm test`): every test/**/*.test.ts except the slow *.e2e.test.ts files, which
// `npm run test:e2e` runs (jest.e2e.config.js). TypeScript is transformed by SWC (no type check:
// `npm test` runs tsc first).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "\\.e2e\\.test\\.ts$"],
  // @kubernetes/client-node 1.x and the OIDC libraries it loads ship ES modules only: transform them too.
  transformIgnorePatterns: ["/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose)/)"],
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // The real synth, CLIs and tools run inside some tests; none should take longer.
  testTimeout: 120_000,
  // One temporary folder per test file, deleted after it (test/support/temp-dir.ts).
  setupFilesAfterEnv: ["<rootDir>/test/support/temp-dir.ts"],
  // A missing snapshot fails under CI (jest's `ci` option follows the CI variable); `npx jest -u` writes them.
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  reporters: [["default", { summaryThreshold: 0 }], "<rootDir>/test/support/skip-reporter.js"],
};
