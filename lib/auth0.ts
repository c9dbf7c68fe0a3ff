import { Auth0Client } from "@auth0/nextjs-auth0/server";
import { createOnCallback } from "./login/callback";
import { getConfig } from "./config";
import { log } from "./log";
import { processSingleton } from "./process-singleton";
import { sessionStore } from "./session";

const config = getConfig();
const https = config.auth0.appBaseUrl.startsWith("https://");

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
