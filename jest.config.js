/**
 * Three projects, one `jest` run: node (core, server, X3, reliability, security, the bench's analysis), dom (the pane under jsdom) and e2e (real
 * servers on loopback, the built pane in Debian's Chromium). Type checking is `npm run typecheck`;
 * ts-jest only transpiles (tsconfig's isolatedModules), which keeps the suite fast.
 */
const transform = { "^.+\\.tsx?$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: "node",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/test/{core,server,x3,manifest,reliability,security,bench}/**/*.test.ts"],
    },
    {
      displayName: "dom",
      testEnvironment: "jsdom",
      transform,
      testMatch: ["<rootDir>/test/{taskpane,office}/**/*.test.{ts,tsx}"],
      setupFilesAfterEnv: ["<rootDir>/test/taskpane/setup.ts"],
    },
    {
      displayName: "e2e",
      testEnvironment: "node",
      transform,
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
    },
  ],
  coverageDirectory: "test-output/coverage",
  collectCoverageFrom: ["src/**/*.{ts,tsx}"],
};
