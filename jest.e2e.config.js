// Slow tier (`npm run test:e2e`): real containers, image builds, nats-server, a browser.
const base = require("./jest.config.js");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ["**/*.e2e.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 30 * 60_000,
  // Container and browser tests compete for the same 2 cores and the same runtimes.
  maxWorkers: 1,
};
