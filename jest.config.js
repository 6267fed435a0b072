const { availableParallelism } = require("node:os");

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
  moduleNameMapper: { "^@kubernetes/client-node$": "<rootDir>/node_modules/.cache/clusterkit-jest/kubernetes-client-node.cjs" },
  transformIgnorePatterns: ["/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose)/)"],
  transform: {
    "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // jest's default (one worker fewer than cores) runs the files one at a time on 2 cores; the files
  // wait on child processes and files often enough that two workers finish much sooner.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // The real synth, CLIs and tools run inside some tests; none should take longer.
  testTimeout: 120_000,
  // Once per run: every environment synthesized, read by the test files that need the default output
  // (test/support/synthesized.ts) instead of each synthesizing it again; @kubernetes/client-node
  // bundled into one file, which the mapping below loads (test/support/bundled-client-node.ts).
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/synthesized-teardown.ts",
  // One temporary folder per test file, deleted after it (test/support/temp-dir.ts).
  setupFilesAfterEnv: ["<rootDir>/test/support/temp-dir.ts", "<rootDir>/test/support/cdktf-matchers.ts"],
  // A missing snapshot fails under CI (jest's `ci` option follows the CI variable); `npx jest -u` writes them.
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  reporters: [["default", { summaryThreshold: 0 }], "<rootDir>/test/support/skip-reporter.js"],
};
