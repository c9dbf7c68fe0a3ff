import { getConfig } from "../config";

/** Whether the app is served over https: then its cookies are `__Host-` and Secure. */
export const servedOverHttps = getConfig().auth0.appBaseUrl.startsWith("https://");

/**
 * The session cookie; under https the __Host- prefix pins it to this host, path / and
 * Secure. The only name any reader takes a session from, and only when it comes once
 * (lib/http/session-cookies.ts): never the SDK's legacy `appSession`.
 */
export const sessionCookieName = servedOverHttps ? "__Host-session" : "__session";

/** The prefix of the SDK's login transaction cookies (one per login in progress). */
export const transactionCookiePrefix = servedOverHttps ? "__Host-txn_" : "__txn_";
