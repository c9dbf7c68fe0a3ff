/**
 * Everything the app assumes about the internals of its dependencies' auth code, in one
 * place: the Auth0 SDK (`@auth0/nextjs-auth0` v4.30), its cookie parser
 * (`@edge-runtime/cookies`) and `auth0`'s `ManagementClient` (v7). Each export is one
 * such assumption, written down once; the product imports it from here and holds no copy.
 * What the SDK offers publicly (options, exported helpers, error classes) is used
 * directly and is not listed.
 *
 * Product files import each seam from its own file here (`lib/sdk/errors`, …), not from
 * this index: lib/errors.ts and lib/config.ts are reached by the development tools and
 * must load without the SDK, which `defaultSessionUser` (session-hook.ts) imports.
 *
 * Every assumption has a contract test against the installed packages
 * (__tests__/unit/sdk-contract.test.ts, __tests__/integration/sdk-contract.int.test.ts)
 * whose failure message starts with `SDK seam "<export>" changed:`. After an upgrade, a
 * failure names the export to revisit; fix it here, and the product follows.
 *
 * | Seam                                | Used by                                    |
 * | ----------------------------------- | ------------------------------------------ |
 * | sessionCookieEncryption,            | lib/session/session-cookie.ts (the fast    |
 * | sessionCookieClockToleranceSeconds, | cookie reader)                             |
 * | statefulSessionCookieOf             |                                            |
 * | needsSdkSessionChecks,              | lib/session/request-session-client.ts (the |
 * | sdkGuardSessionMethod               | `getSession` override)                     |
 * | findSdkError, isSdkError,           | lib/errors.ts → lib/tokens/                |
 * | sdkErrorNames                       | user-access-token.ts                       |
 * | isSdkProviderFailure                | lib/http/middleware.ts (login, logout)     |
 * | sdkDomainProblem                    | lib/config.ts (AUTH0_DOMAIN)               |
 * | sdkLogoutRedirectParameters         | lib/auth0.ts (the logout redirect)         |
 * | legacySessionCookieName(s),         | lib/http/session-cookies.ts,               |
 * | splitCookieHeader, decodeCookieValue| lib/http/transaction-cookies.ts            |
 * | transactionCookieName,              | lib/http/transaction-cookies.ts            |
 * | transactionCookieCreatedAt,         |                                            |
 * | sdkTransactionCookieBudgetBytes,    |                                            |
 * | sdkTransactionLifetimeSeconds       |                                            |
 * | defaultSessionUser                  | lib/admin/user-roles.ts (the roles hook)   |
 * | managementFetch                     | lib/provider/management.ts                 |
 */
export {
  legacySessionCookieName,
  legacySessionCookieNames,
  splitCookieHeader,
  decodeCookieValue,
  transactionCookieName,
  transactionCookieCreatedAt,
  sdkTransactionCookieBudgetBytes,
  sdkTransactionLifetimeSeconds,
} from "./cookies";
export { findSdkError, isSdkError, sdkErrorNames } from "./errors";
export type { SdkError, SdkErrorName } from "./errors";
export { managementFetch } from "./management";
export {
  isSdkProviderFailure,
  sdkDomainProblem,
  sdkLogoutRedirectParameters,
} from "./provider";
export { needsSdkSessionChecks, sdkGuardSessionMethod } from "./session-checks";
export {
  sessionCookieClockToleranceSeconds,
  sessionCookieEncryption,
  statefulSessionCookieOf,
} from "./session-cookie";
export type { StatefulSessionCookie } from "./session-cookie";
export { defaultSessionUser } from "./session-hook";
