import type Provider from "oidc-provider";
import type { AdapterPayload } from "oidc-provider";
import { type Delivery, type LogoutTarget, sendLogoutTokens } from "./logout-token.js";
import { destroySession, findSessionWhere, revokeGrant } from "./memory-adapter.js";
import type { SigningJwk } from "./signing-key.js";

/**
 * Auth0's back-channel logout initiator for a session ended through the Management API
 * (delete or revoke); its `selected_initiators` enum has no separate "session-deleted".
 */
export const SESSION_REVOKED_INITIATOR = "session-revoked";

/** One client's part of a provider session: its `sid` (in its ID tokens) and its grant. */
interface ClientAuthorization {
  clientId: string;
  sid: string | undefined;
  grantId: string | undefined;
}

/** A provider (single sign-on) session, found by the `sid` of one of its ID tokens. */
export interface ProviderSession {
  /** The `sid` it was looked up by: Auth0's session id. */
  id: string;
  /** oidc-provider's own id of the session (the key of its cookie), never shown. */
  storageId: string;
  userId: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds of the login. */
  authenticatedAt: number;
  clients: ClientAuthorization[];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * oidc-provider keeps `authorizations: { [clientId]: { sid, grantId } }` in a session and
 * puts that client's `sid` into the client's ID tokens: one session, a `sid` per client.
 */
function authorizationsOf(payload: AdapterPayload): ClientAuthorization[] {
  const authorizations = payload.authorizations;
  if (typeof authorizations !== "object" || authorizations === null) return [];
  return Object.entries(authorizations as Record<string, unknown>).map(
    ([clientId, value]) => {
      const authorization = (
        typeof value === "object" && value !== null ? value : {}
      ) as {
        sid?: unknown;
        grantId?: unknown;
      };
      return {
        clientId,
        sid: text(authorization.sid),
        grantId: text(authorization.grantId),
      };
    },
  );
}

/** The live provider session one of whose clients has the `sid`, if any. */
export function findSessionBySid(sid: string): ProviderSession | undefined {
  const found = findSessionWhere(
    (payload) =>
      typeof payload.accountId === "string" &&
      authorizationsOf(payload).some((client) => client.sid === sid),
  );
  if (!found) return undefined;
  const { id: storageId, payload } = found;
  const createdAt = typeof payload.iat === "number" ? payload.iat : 0;
  return {
    id: sid,
    storageId,
    userId: payload.accountId ?? "",
    createdAt,
    authenticatedAt: typeof payload.loginTs === "number" ? payload.loginTs : createdAt,
    clients: authorizationsOf(payload),
  };
}

async function logoutTargets(
  provider: Provider,
  session: ProviderSession,
): Promise<LogoutTarget[]> {
  const targets: LogoutTarget[] = [];
  for (const { clientId, sid } of session.clients) {
    const client = await provider.Client.find(clientId);
    if (client?.backchannelLogoutUri)
      targets.push({ clientId, backchannelLogoutUri: client.backchannelLogoutUri, sid });
  }
  return targets;
}

/**
 * Ends a provider session as Auth0's Management API does: the session goes first (so the
 * browser's next visit to /authorize meets a login page, not single sign-on), then every
 * client of the session with a back-channel logout URI receives a logout token with its
 * `sid` and the user's `sub`. `revokeRefreshTokens` (Auth0's revoke, as opposed to delete)
 * also revokes the grants of the session, with every refresh token issued under them.
 */
export async function endProviderSession(options: {
  provider: Provider;
  issuer: string;
  jwk: SigningJwk;
  session: ProviderSession;
  revokeRefreshTokens: boolean;
}): Promise<Delivery[]> {
  const { session, revokeRefreshTokens } = options;
  destroySession(session.storageId);
  if (revokeRefreshTokens) {
    for (const { grantId } of session.clients) if (grantId) revokeGrant(grantId);
  }
  const deliveries = await sendLogoutTokens({
    issuer: options.issuer,
    jwk: options.jwk,
    targets: await logoutTargets(options.provider, session),
    sub: session.userId,
  });
  console.log(
    `[idp] provider session ${session.id} of ${session.userId} ended via the Management API ` +
      `(${revokeRefreshTokens ? "revoke: refresh tokens revoked" : "delete: refresh tokens kept"}; ` +
      `initiator ${SESSION_REVOKED_INITIATOR})`,
  );
  return deliveries;
}
