// Three layers, told apart by suffix: `*.test.ts` (unit, no I/O), `*.int.test.ts`
// (a real Redis), `*.e2e.test.ts` (the built app, the local provider and Chromium).
/** @type {import('ts-jest').TsJestTransformerOptions} */
const tsJestOptions = {
  tsconfig: {
    module: "commonjs",
    moduleResolution: "node10",
    jsx: "react-jsx",
    allowJs: true,
    isolatedModules: true,
  },
  diagnostics: false,
};

const shared = {
  testEnvironment: "node",
  transform: { "^.+\\.[cm]?[jt]sx?$": ["ts-jest", tsJestOptions] },
  // jose and the SDK ship ESM only; let ts-jest turn them into CommonJS for the tests.
  transformIgnorePatterns: [
    "/node_modules/(?!(jose|@auth0/nextjs-auth0|@panva/hkdf|@edge-runtime/cookies|oauth4webapi|openid-client)/)",
  ],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/fail-on-console-error.ts"],
  modulePathIgnorePatterns: [
    "<rootDir>/.next/",
    "<rootDir>/.next-dev/",
    "<rootDir>/.ci/.node/",
  ],
};

/** @type {import('jest').Config} */
module.exports = {
  ...shared,
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  projects: [
    {
      ...shared,
      displayName: "unit",
      testMatch: ["<rootDir>/__tests__/unit/**/*.test.ts"],
    },
    {
      ...shared,
      displayName: "integration",
      testMatch: ["<rootDir>/__tests__/integration/**/*.int.test.ts"],
    },
    {
      ...shared,
      displayName: "e2e",
      testMatch: ["<rootDir>/__tests__/e2e/**/*.e2e.test.ts"],
    },
  ],
};
