import { Auth0Client } from "@auth0/nextjs-auth0/server";
import { createOnCallback } from "./auth-callback";
import { getConfig } from "./env";
import { log } from "./log";
import { providerHealth } from "./provider-health";
import { issuerForDomain } from "./issuer";
import { processSingleton } from "./process-singleton";
import { redis } from "./redis";
import { sessionKeysFor } from "./session-keys";
import { RedisSessionStore } from "./session-store";

const config = getConfig();
const https = config.auth0.appBaseUrl.startsWith("https://");

/** The issuer of this app's tokens, in Auth0's form with a trailing slash. */
export const issuer = issuerForDomain(config.auth0.domain);

/** Whether the provider answers now (cached briefly). */
export const isProviderUp = processSingleton("providerHealth", () =>
  providerHealth(new URL(".well-known/openid-configuration", issuer).toString()),
);

/** The builders of every Redis key the app writes. */
export const sessionKeys = sessionKeysFor(config.redis.keyPrefix);

/** The sessions of this app, in Redis. */
export const sessionStore = processSingleton(
  "sessionStore",
  () =>
    new RedisSessionStore({
      redis,
      keys: sessionKeys,
      lifetime: config.session,
      issuer,
    }),
);

/** The app's one Auth0 client. */
export const auth0 = processSingleton(
  "auth0",
  () =>
    new Auth0Client({
      domain: config.auth0.domain,
      clientId: config.auth0.clientId,
      clientSecret: config.auth0.clientSecret,
      secret: config.auth0.secret,
      appBaseUrl: config.auth0.appBaseUrl,
      authorizationParameters: {
        scope: config.auth0.scope,
        ...(config.auth0.audience ? { audience: config.auth0.audience } : {}),
      },
      session: {
        rolling: config.session.rolling,
        absoluteDuration: config.session.absoluteDuration,
        inactivityDuration: config.session.inactivityDuration,
        // Under https the __Host- prefix pins the cookie to this host, path / and Secure.
        cookie: {
          name: https ? "__Host-session" : "__session",
          secure: https,
          sameSite: "lax",
        },
      },
      transactionCookie: {
        prefix: https ? "__Host-txn_" : "__txn_",
        secure: https,
        sameSite: "lax",
      },
      onCallback: createOnCallback(config.auth0.appBaseUrl, log),
      sessionStore,
      allowInsecureRequests: config.auth0.allowInsecureRequests,
      enableAccessTokenEndpoint: config.auth0.enableAccessTokenEndpoint,
    }),
);
