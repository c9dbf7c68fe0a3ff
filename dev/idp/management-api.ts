import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from "jose";
import type Provider from "oidc-provider";
import { type IdpConfig, managementAudience } from "./config.js";
import { sendEmpty, sendJson } from "./http.js";
import { MANAGEMENT_API_SCOPES } from "./provider.js";
import {
  endProviderSession,
  findSessionBySid,
  type ProviderSession,
} from "./sessions.js";
import { publicJwk, type SigningJwk } from "./signing-key.js";

const SESSION_PATH = /^\/api\/v2\/sessions\/([^/]+?)(\/revoke)?$/;
/** Auth0 refuses longer session ids. */
const MAX_SESSION_ID_LENGTH = 50;

type ManagementScope = (typeof MANAGEMENT_API_SCOPES)[number];

/** An answer in the Management API's error shape: `{statusCode, error, message, errorCode?}`. */
class ManagementApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

function unauthorized(description?: string): ManagementApiError {
  // RFC 6750: a request without credentials gets the bare challenge, without an error code.
  const challenge =
    description === undefined
      ? "Bearer"
      : `Bearer error="invalid_token", error_description="${description}"`;
  return new ManagementApiError(401, description ?? "Missing authentication", {
    "www-authenticate": challenge,
  });
}

function describeSession(session: ProviderSession) {
  const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();
  return {
    id: session.id,
    user_id: session.userId,
    created_at: iso(session.createdAt),
    authenticated_at: iso(session.authenticatedAt),
    clients: session.clients.map(({ clientId }) => ({ client_id: clientId })),
  };
}

function sessionIdOf(raw: string): string | undefined {
  try {
    const id = decodeURIComponent(raw);
    return id.length <= MAX_SESSION_ID_LENGTH ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Auth0's Management API, the part about sessions, at `/api/v2/`:
 * `GET /api/v2/sessions/{id}` (read:sessions), `DELETE /api/v2/sessions/{id}` and
 * `POST /api/v2/sessions/{id}/revoke` (delete:sessions). `{id}` is the `sid` of the
 * session's ID tokens. Callers authenticate with an RS256 access token for the audience
 * `<issuer>api/v2/`, issued to the Management API client by the client_credentials grant.
 */
export function createManagementApiRoutes(options: {
  provider: Provider;
  config: IdpConfig;
  jwk: SigningJwk;
}) {
  const { provider, config, jwk } = options;
  const keys = createLocalJWKSet({ keys: [publicJwk(jwk)] });
  const audience = managementAudience(config);

  async function requireScope(
    req: IncomingMessage,
    scope: ManagementScope,
  ): Promise<void> {
    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization === "") throw unauthorized();
    const token = /^Bearer +([\w.~+/-]+=*)$/i.exec(authorization)?.[1];
    if (token === undefined) throw unauthorized("Bad HTTP authentication header format");

    let granted: string[];
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience,
        algorithms: ["RS256"],
        typ: "at+jwt",
      });
      granted = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthorized("Expired token");
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud")
        throw unauthorized("Bad audience");
      throw unauthorized("Invalid token");
    }
    if (!granted.includes(scope)) {
      throw new ManagementApiError(
        403,
        `Insufficient scope, expected any of: ${scope}`,
        { "www-authenticate": `Bearer error="insufficient_scope", scope="${scope}"` },
        "insufficient_scope",
      );
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, pathname: string) {
    const match = SESSION_PATH.exec(pathname);
    if (!match?.[1]) throw new ManagementApiError(404, "Not Found");
    const revoke = match[2] !== undefined;
    const action = revoke
      ? req.method === "POST" && "revoke"
      : (req.method === "GET" && "read") || (req.method === "DELETE" && "delete");
    if (!action) {
      throw new ManagementApiError(405, "Method Not Allowed", {
        allow: revoke ? "POST" : "GET, DELETE",
      });
    }

    // Authentication before existence: an unknown caller learns nothing about sessions.
    await requireScope(req, action === "read" ? "read:sessions" : "delete:sessions");
    const id = sessionIdOf(match[1]);
    const session = id === undefined ? undefined : findSessionBySid(id);
    if (!session) throw new ManagementApiError(404, "The session does not exist");

    if (action === "read") {
      sendJson(res, 200, describeSession(session));
      return;
    }
    await endProviderSession({
      provider,
      issuer: config.issuer,
      jwk,
      session,
      revokeRefreshTokens: action === "revoke",
    });
    // Auth0 answers a revoke with 202 Accepted (it completes asynchronously there).
    sendEmpty(res, action === "revoke" ? 202 : 204);
  }

  return async function managementApiRoutes(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    if (!url.pathname.startsWith("/api/v2/")) return false;
    try {
      await route(req, res, url.pathname);
    } catch (error) {
      if (!(error instanceof ManagementApiError)) throw error;
      sendJson(
        res,
        error.status,
        {
          statusCode: error.status,
          error: STATUS_CODES[error.status] ?? "Error",
          message: error.message,
          ...(error.errorCode ? { errorCode: error.errorCode } : {}),
        },
        error.headers,
      );
    }
    return true;
  };
}
