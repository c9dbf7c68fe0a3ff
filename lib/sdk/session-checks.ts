import type { Auth0Client } from "@auth0/nextjs-auth0/server";
import type { SessionData } from "@auth0/nextjs-auth0/types";

/**
 * The method of the client that the SDK's guards call for the request's session:
 * `withApiAuthRequired` and `withPageAuthRequired` (Pages Router) both call
 * `client.getSession(req)` on the client they were taken from. The app overrides it
 * (lib/session/request-session-client.ts) so that a guard and the handler after it
 * share one cookie decryption and one Redis round trip; a guard that read the session
 * another way would still be correct, only slower.
 */
export const sdkGuardSessionMethod = "getSession" satisfies keyof Auth0Client;

/**
 * Whether the SDK's own `getSession` must judge `session`, read from the store, rather
 * than the app's fast path returning it as it is. After reading a stateful session the
 * SDK (`getSessionWithDomainCheck`, `normalizeStatefulSession`) does more than return it:
 *
 * - `internal.sessionExpiresAt`: a ceiling the identity provider asserted; once past,
 *   the SDK answers "no session" and deletes it;
 * - `internal.mcd`: the custom domain the session was made for; on another domain the
 *   SDK throws `SessionDomainMismatchError`;
 * - `header.iat`: a v3 session, which the SDK converts to the v4 shape.
 *
 * None of these occur in a session this app writes (one domain, no IdP ceiling, v4
 * only), so the fast path serves every session it wrote; anything else is handed to the
 * SDK, which then decides as it would without the override. A check the SDK adds later
 * is caught by the contract test, which fingerprints those SDK functions.
 */
export function needsSdkSessionChecks(session: SessionData): boolean {
  // A v3 session has no `internal` at all: whatever the types say, nothing is assumed.
  const internal = session.internal as
    { mcd?: unknown; sessionExpiresAt?: unknown } | undefined;
  const legacy = (session as { header?: { iat?: unknown } }).header;
  return (
    internal?.mcd !== undefined ||
    internal?.sessionExpiresAt !== undefined ||
    legacy?.iat !== undefined
  );
}
