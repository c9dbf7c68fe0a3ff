import { defineConfig } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "coverage/**",
      ".test-artifacts/**",
      ".ci/.node/**",
      ".next-dev/**",
      "next-env.d.ts",
    ],
  },
  ...nextVitals,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { attributes: false } },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@next/next/no-html-link-for-pages": "off",
      // The app's `location.assign` targets are `/auth/*`: the proxy's (proxy.ts), not
      // pages, and a full load is what they need (the SDK redirects to the provider). The
      // rule takes any relative path for a page.
      "@next/next/no-location-assign-relative-destination": "off",
      // Adapters and hooks implement async interfaces whether or not they await.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // The product never reaches into the development tools or the tests.
    files: ["lib/**", "pages/**", "components/**", "proxy.ts", "instrumentation.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/dev/**", "**/bench/**", "**/__tests__/**"],
              message: "The product must not import development tools or tests.",
            },
          ],
        },
      ],
    },
  },
  {
    // The development tools reach the product only through lib/shared.ts.
    files: ["dev/**", "bench/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/lib/*", "!**/lib/shared", "!**/lib/shared.js"],
              message: "Development tools import the product only from lib/shared.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
