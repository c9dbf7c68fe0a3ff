import { createOnCallback } from "./login/callback";
import { getConfig } from "./config";
import {
  servedOverHttps,
  sessionCookieName,
  transactionCookiePrefix,
} from "./http/cookie-names";
import { keepRolesInUser } from "./admin/user-roles";
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
      // The logout redirect goes through the browser, so whatever it carries lands in its
      // history and the provider's access log: not the ID token, then (the user's name,
      // email and roles). It carries `client_id` and `post_logout_redirect_uri` and, as
      // `logout_hint`, the provider's `sid` (the SDK has no switch for that one): with
      // it Auth0 ends that session without asking the user to confirm (README, Logout).
      includeIdTokenHintInOIDCLogoutUrl: false,
      onCallback: createOnCallback(config.auth0.appBaseUrl, log),
      // The user's roles (a display hint: the navigation's "Admin" link) beside the
      // profile claims the SDK keeps; every guard still reads the ID token itself.
      beforeSessionSaved: keepRolesInUser(config.sessions.rolesClaim),
      sessionStore,
      allowInsecureRequests: config.auth0.allowInsecureRequests,
      enableAccessTokenEndpoint: config.auth0.enableAccessTokenEndpoint,
    }),
);
