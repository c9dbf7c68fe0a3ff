import { createOnCallback } from "./login/callback";
import { getConfig } from "./config";
import {
  servedOverHttps,
  sessionCookieName,
  transactionCookiePrefix,
} from "./http/cookie-names";
import { log } from "./log";
import { processSingleton } from "./process-singleton";
import { sessionStore } from "./session";
import { RequestSessionClient } from "./session/request-session-client";

const config = getConfig();

/** The app's one Auth0 client. */
export const auth0 = processSingleton(
  "auth0",
  () =>
    new RequestSessionClient({
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
        // The SDK's rolling rewrites the session and its cookie on every request. Off:
        // the cookie lives for the absolute lifetime, and the store enforces inactivity
        // with Redis' TTL, moved forward as it reads the session (at most once a minute).
        rolling: false,
        absoluteDuration: config.session.absoluteDuration,
        cookie: { name: sessionCookieName, secure: servedOverHttps, sameSite: "lax" },
      },
      transactionCookie: {
        prefix: transactionCookiePrefix,
        secure: servedOverHttps,
        sameSite: "lax",
      },
      onCallback: createOnCallback(config.auth0.appBaseUrl, log),
      sessionStore,
      allowInsecureRequests: config.auth0.allowInsecureRequests,
      enableAccessTokenEndpoint: config.auth0.enableAccessTokenEndpoint,
    }),
);
