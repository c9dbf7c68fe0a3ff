import Provider, { errors } from "oidc-provider";
import type {
  Client,
  ClientMetadata,
  KoaContextWithOIDC,
  ResourceServerInfo,
} from "oidc-provider";
import { findUserBySub, userClaims } from "./accounts.js";
import { backchannelLogoutUri, type IdpConfig, managementAudience } from "./config.js";
import { MemoryAdapter } from "./memory-adapter.js";
import { createProviderFetch } from "./outgoing-fetch.js";
import { deriveCookieKeys, type SigningJwk } from "./signing-key.js";
import { errorPage, logoutPage, signedOutPage } from "./views.js";

/** Auth0's paths, so the app's discovery-driven SDK sees the same shape as a real tenant. */
const AUTH0_ROUTES = {
  authorization: "/authorize",
  token: "/oauth/token",
  userinfo: "/userinfo",
  jwks: "/.well-known/jwks.json",
  end_session: "/oidc/logout",
  revocation: "/oauth/revoke",
};

/** Auth0's default ID token lifetime. */
const ID_TOKEN_TTL = 36_000;

/** The Management API's scopes this provider implements (Auth0 has many more). */
export const MANAGEMENT_API_SCOPES = ["read:sessions", "delete:sessions"] as const;

function appClient(config: IdpConfig): ClientMetadata {
  return {
    client_id: config.clientId,
    client_secret: config.clientSecret,
    client_name: "Local app",
    redirect_uris: config.appOrigins.map((origin) => `${origin}/auth/callback`),
    // The SDK sends the app's base URL, with or without the trailing slash.
    post_logout_redirect_uris: config.appOrigins.flatMap((origin) => [
      origin,
      `${origin}/`,
    ]),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    // oidc-provider accepts client_secret_basic as well for any client_secret_* client.
    token_endpoint_auth_method: "client_secret_post",
    id_token_signed_response_alg: "RS256",
    backchannel_logout_uri: backchannelLogoutUri(config),
    backchannel_logout_session_required: true,
    // Every ID token says when the user last authenticated (the app's /sessions asks
    // for a recent sign-in before ending sessions); a refreshed one keeps that time.
    require_auth_time: true,
  };
}

/** The machine-to-machine client of the Management API, as an Auth0 M2M application. */
function managementClient(config: IdpConfig): ClientMetadata {
  return {
    client_id: config.managementClientId,
    client_secret: config.managementClientSecret,
    client_name: "Local Management API client",
    redirect_uris: [],
    response_types: [],
    grant_types: ["client_credentials"],
    token_endpoint_auth_method: "client_secret_post",
  };
}

/** An API and the one client granted access to it (Auth0's "client grant"). */
interface Api {
  clientId: string;
  info: ResourceServerInfo;
}

function apisOf(config: IdpConfig): Map<string, Api> {
  const jwtAccessToken = {
    accessTokenFormat: "jwt",
    accessTokenTTL: config.accessTokenTtl,
    jwt: { sign: { alg: "RS256" } },
  } as const;
  return new Map([
    [
      config.audience,
      {
        clientId: config.clientId,
        info: {
          ...jwtAccessToken,
          scope: config.apiScopes.join(" "),
          audience: config.audience,
        },
      },
    ],
    [
      managementAudience(config),
      {
        clientId: config.managementClientId,
        info: {
          ...jwtAccessToken,
          scope: MANAGEMENT_API_SCOPES.join(" "),
          audience: managementAudience(config),
        },
      },
    ],
  ]);
}

/**
 * Auth0 gives a client_credentials token every scope the client was granted for the API
 * when the request names none (the Management API SDKs name none); oidc-provider gives only
 * requested scopes. `defaultResource` is the first hook that grant calls, with the request's
 * parameters parsed, so the scope is filled in there.
 */
function defaultClientCredentialsScope(
  ctx: KoaContextWithOIDC,
  client: Client,
  api: Api | undefined,
): void {
  const params = ctx.oidc.params;
  if (params?.grant_type !== "client_credentials" || params.scope) return;
  if (api?.clientId === client.clientId) params.scope = api.info.scope;
}

function requestedAudience(ctx: KoaContextWithOIDC): string | undefined {
  // At /authorize `audience` is a registered extra parameter; the token endpoint only
  // knows its grant's parameters, so there it is read from the raw form body.
  const value = ctx.oidc.params?.audience ?? ctx.oidc.body?.audience;
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function createProvider(config: IdpConfig, jwk: SigningJwk): Provider {
  const apis = apisOf(config);

  const provider = new Provider(config.issuer, {
    adapter: MemoryAdapter,
    clients: [appClient(config), managementClient(config)],
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    jwks: { keys: [jwk] },
    cookies: { keys: deriveCookieKeys(jwk) },
    routes: AUTH0_ROUTES,
    scopes: ["openid", "profile", "email", "offline_access"],
    claims: {
      // The roles claim rides on `openid`, like an Action's claim on every ID token.
      openid: ["sub", config.rolesClaim],
      profile: ["name", "nickname", "picture"],
      email: ["email", "email_verified"],
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
    },
    // Auth0 puts the profile claims of the granted scopes into the ID token itself.
    conformIdTokenClaims: false,
    extraParams: ["audience"],
    async findAccount(_ctx, sub) {
      const user = findUserBySub(sub);
      return (
        user && {
          accountId: user.sub,
          claims: async (use) => userClaims(user, use, config.rolesClaim),
        }
      );
    },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: config.accessTokenTtl,
      ClientCredentials: config.accessTokenTtl,
      RefreshToken: config.refreshTokenTtl,
      Session: config.sessionTtl,
      // A grant outliving its refresh tokens keeps refreshes working for their whole TTL.
      Grant: Math.max(config.refreshTokenTtl, config.sessionTtl),
      IdToken: ID_TOKEN_TTL,
      Interaction: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      introspection: { enabled: false },
      revocation: {
        enabled: true,
        // The SDK revokes its refresh token on logout; only the token's own client may.
        async allowedPolicy(_ctx, client, token) {
          return token.clientId === client.clientId;
        },
      },
      userinfo: { enabled: true },
      // The Management API's machine-to-machine tokens.
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = "html";
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = "html";
          ctx.body = signedOutPage(ctx.oidc.client?.clientName);
        },
      },
      resourceIndicators: {
        enabled: true,
        // Auth0's `audience` is RFC 8707's `resource` under another name.
        async defaultResource(ctx, client, oneOf) {
          const resource = oneOf ?? requestedAudience(ctx);
          if (typeof resource === "string")
            defaultClientCredentialsScope(ctx, client, apis.get(resource));
          return resource;
        },
        // Like Auth0, code exchange and refresh issue tokens for the audience of the login.
        async useGrantedResource(ctx, model) {
          const audience = requestedAudience(ctx);
          if (audience !== undefined && audience !== model.resource) {
            throw new errors.InvalidTarget(
              `the grant does not cover audience ${audience}`,
            );
          }
          return true;
        },
        // Like Auth0, a client reaches only the APIs it was granted.
        async getResourceServerInfo(_ctx, resourceIndicator, client) {
          const api = apis.get(resourceIndicator);
          if (api?.clientId === client.clientId) return api.info;
          throw new errors.InvalidTarget(`Service not found: ${resourceIndicator}`);
        },
      },
    },
    clientBasedCORS: () => false,
    fetch: createProviderFetch(config.appOrigins),
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = errorPage(out);
    },
  });

  // Nothing sits in front of it; X-Forwarded-* must not be believed.
  provider.proxy = false;

  provider.on("server_error", (_ctx, error) => {
    console.error("[idp] server error:", error);
  });
  provider.on("end_session.success", (ctx) => {
    console.log(
      `[idp] provider session ended via RP-initiated logout (client ${ctx.oidc.client?.clientId ?? "unknown"})`,
    );
  });

  return provider;
}
