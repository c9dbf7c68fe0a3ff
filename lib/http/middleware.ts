import { NextRequest, NextResponse } from "next/server";
import { auth0 } from "../auth0";
import { isProviderUp } from "../provider";
import { backchannelLogout, isBackchannelLogout } from "../backchannel-logout/route";
import { isCrossSiteRequest } from "./cross-site";
import { getConfig } from "../config";
import { errorPageResponse, signedOutLocallyPage } from "./error-page";
import {
  findCause,
  isSessionStoreUnavailable,
  LoginOvertakenError,
  SessionMismatchError,
} from "../errors";
import { log } from "../log";
import { countLogin, countSessionsEnded } from "../metrics/registry";
import { isSdkProviderFailure } from "../sdk/provider";
import {
  logUnavailable,
  signInUnavailable,
  unavailableJsonResponse,
} from "./fail-closed";
import { withSharedSessionReads } from "../session/read-scope";
import { redisReadyForRequest } from "../redis/client";
import { logoutUrlForSdk, safeReturnTo } from "./return-to";
import {
  servedOverHttps,
  sessionCookieName,
  transactionCookiePrefix,
} from "./cookie-names";
import { withCookieHeader, type SessionCookies } from "./session-cookies";
import { clientAddress } from "./client-address";
import { describeDevice, withSignInDevice } from "../session/sign-in-device";
import { clearTransactionCookie, limitTransactionCookies } from "./transaction-cookies";
import { loginUrlForSdk } from "./login-parameters";

const config = getConfig();
const appBaseUrl = config.auth0.appBaseUrl;
const appOrigin = new URL(appBaseUrl).origin;

/**
 * Everything the proxy (proxy.ts) does for `/auth/*` (the only paths it runs for), in order:
 * back-channel logout (ours), the guards in front of the SDK's login and logout, and
 * the SDK itself. A session-store outage never becomes a 500 here: it answers 503. The
 * security headers are the server's (installed at start-up, security-headers.ts).
 */
export async function handleRequest(request: NextRequest): Promise<Response> {
  const path = request.nextUrl.pathname;
  // Every reader below, the SDK's own included, sees the one session cookie the app
  // accepts or none: never `appSession`, never one of two copies (session-cookies.ts).
  const sessionCookies = auth0.sessionCookiesOf(request);
  const accepted =
    sessionCookies.header === null
      ? request
      : withCookieHeader(request, sessionCookies.header);
  // The SDK's handlers and ours may each read the session: one Redis round trip.
  let response = await withSharedSessionReads(() => route(accepted, path));
  if (path === "/auth/logout" && sessionCookies.refusedNames.length > 0) {
    response = await endRefusedSessions(request, sessionCookies, response);
  }
  // Whatever the SDK set: no answer of an auth route is ever cached.
  response.headers.set("Cache-Control", "no-store");
  return response;
}

/**
 * What a logout adds for the session cookies no reader accepted (`appSession`, or the
 * copies of a duplicated session cookie): it ends every session they name that this
 * app's secret authenticates, since this browser holds each, and it clears each name
 * (host-only, path `/`: a copy set by another subdomain for its parent domain can only
 * be cleared by that subdomain, but it names no live session any more). Not for a
 * logout refused as cross-site, which ends nothing.
 */
async function endRefusedSessions(
  request: NextRequest,
  cookies: SessionCookies,
  response: Response,
): Promise<Response> {
  if (isCrossSiteRequest(request.headers, appOrigin)) return response;
  try {
    const ended = await auth0.endSessionsOfCookies(cookies.refused);
    log.warn(
      { event: "logout_refused_cookies", names: cookies.refusedNames, ended },
      "logout: ended the sessions of session cookies no reader accepts",
    );
  } catch (error) {
    if (!isSessionStoreUnavailable(error)) throw error;
    return signInUnavailable("session_store", "/auth/logout");
  }
  for (const name of cookies.refusedNames) {
    // The SDK's logout has already cleared the configured name.
    if (name === sessionCookieName) continue;
    const secure = servedOverHttps ? "; Secure" : "";
    response.headers.append(
      "Set-Cookie",
      `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`,
    );
  }
  return response;
}

async function route(received: NextRequest, path: string): Promise<Response> {
  if (isBackchannelLogout(received, path)) return backchannelLogout(received);
  // The matcher (proxy.ts) sends only `/auth/*` here; anything else passes as is.
  if (!path.startsWith("/auth/")) return NextResponse.next();
  // Everything below, the SDK included, costs O(request size) only with this bound.
  const bounded = limitTransactionCookies(received);
  if (bounded.dropped > 0) {
    log.warn(
      { event: "transaction_cookies_dropped", path, dropped: bounded.dropped },
      "more login transaction cookies than any browser keeps: the extra ones ignored",
    );
  }
  const request = bounded.request;

  let forSdk = request;
  if (path === "/auth/login") {
    // A login now could not be stored: say so before sending the user to the provider.
    // (Right after start-up, wait briefly for the first connection instead.)
    if (!(await redisReadyForRequest())) return signInUnavailable("session_store", path);
    if (!(await isProviderUp())) return signInUnavailable("provider", path);
    // Only the allow-listed parameters reach the SDK and the provider (challengeMode,
    // audience, scope… never do), then returnTo only as a path on this site.
    forSdk = withReturnTo(
      new NextRequest(loginUrlForSdk(request.nextUrl), request),
      safeReturnTo(request.nextUrl.searchParams.get("returnTo"), appBaseUrl),
    );
  } else if (path === "/auth/logout") {
    if (isCrossSiteRequest(request.headers, appOrigin)) {
      log.warn({ event: "logout_refused_cross_site" }, "cross-site logout refused");
      return errorPageResponse({
        status: 403,
        title: "Log out from this site",
        message:
          "Another site tried to log you out. If you meant to log out, use the button below.",
        retryHref: "/auth/logout",
        retryLabel: "Log out",
      });
    }
    // Always the one registered post_logout_redirect_uri, whatever returnTo was asked.
    return logout(
      new NextRequest(logoutUrlForSdk(request.nextUrl.href, appBaseUrl), request),
    );
  }

  try {
    const response =
      path === "/auth/callback"
        ? // The session this login stores records the device that signed in.
          await withSignInDevice(
            describeDevice(
              request.headers.get("user-agent"),
              clientAddress(request.headers, config.trustProxy),
            ),
            () => auth0.middleware(forSdk),
          )
        : await auth0.middleware(forSdk);
    // onCallback (login/callback.ts) redirects only a login whose session the SDK then
    // stored; its refusals are error pages.
    if (path === "/auth/callback") countLogin(response.status < 400 ? "ok" : "failed");
    // The SDK answers 500 with a bare message when the provider cannot be reached.
    if (path === "/auth/login" && isSdkProviderFailure(response)) {
      return signInUnavailable("provider", path, path, { status: response.status });
    }
    return response;
  } catch (error) {
    const overtaken = findCause(error, LoginOvertakenError);
    if (path === "/auth/callback") countLogin(overtaken ? "overtaken" : "failed");
    if (overtaken) return loginOvertakenPage(request, overtaken);
    const mismatch = findCause(error, SessionMismatchError);
    if (mismatch) return sessionMismatchPage(request, mismatch);
    if (!isSessionStoreUnavailable(error)) throw error;
    if (path === "/auth/profile") {
      logUnavailable("session_store", path);
      return unavailableJsonResponse();
    }
    return signInUnavailable("session_store", path, "/auth/login");
  }
}

/**
 * The callback of a login that a back-channel logout overtook (its ID token was issued
 * at or before the logout): no session was kept, so no session cookie is set; the user
 * is told so, with a way to sign in again, and the login transaction cookies are
 * cleared. Never silent: a warning names the user and the reason.
 */
function loginOvertakenPage(request: NextRequest, error: LoginOvertakenError): Response {
  log.warn(
    { event: "login_refused", sub: error.sub, reason: error.reason },
    "login refused: a logout overtook it",
  );
  const page = errorPageResponse({
    status: 409,
    title: "This sign-in was ended",
    message:
      "You were signed out while this sign-in was completing, so it was not kept. Please sign in again.",
    retryHref: "/auth/login",
    retryLabel: "Sign in again",
  });
  for (const cookie of request.cookies.getAll()) {
    if (cookie.name.startsWith(transactionCookiePrefix)) {
      page.cookies.set(cookie.name, "", {
        path: "/",
        maxAge: 0,
        secure: servedOverHttps,
      });
    }
  }
  return page;
}

/**
 * The callback of a sign-in whose session would mix two users or sign-ins (see
 * assertSessionOfOneUser): the store kept nothing, and the SDK had already ended the
 * session this browser had, so the user is signed out and told to sign in again. The
 * warning names the users involved, never a token.
 */
function sessionMismatchPage(
  request: NextRequest,
  error: SessionMismatchError,
): Response {
  log.warn(
    { event: "session_mismatch", mismatch: error.mismatch, subs: error.subs },
    "sign-in refused: its session would mix two users or sign-ins",
  );
  const page = errorPageResponse({
    status: 400,
    title: "This sign-in was not kept",
    message:
      "This sign-in came back mixed with another one, so it was not kept and you are signed out. Please sign in again.",
    retryHref: "/auth/login",
    retryLabel: "Sign in again",
  });
  const state = request.nextUrl.searchParams.get("state");
  if (state) clearTransactionCookie(page, state);
  return page;
}

/**
 * Logout through the SDK, which deletes the session from the store and clears the
 * cookie, then sends the browser to the provider's logout page. While the provider
 * cannot be reached that page is dead, so the answer is our own page saying the user is
 * signed out of this app only, carrying the SDK's Set-Cookie headers all the same.
 */
async function logout(request: NextRequest): Promise<Response> {
  const path = request.nextUrl.pathname;
  try {
    const signedIn = await logLogout(request);
    // Asked before the SDK, which redirects from its cached metadata even when the
    // provider is gone.
    const providerUp = await isProviderUp();
    const response = await auth0.middleware(request);
    // The SDK's logout has deleted the session just read (whatever it answers).
    if (signedIn) countSessionsEnded("logout", 1);
    if (providerUp && !isSdkProviderFailure(response)) return response;
    // Signed out of this app only: the provider's own logout page is out of reach.
    logUnavailable("provider", path, { status: response.status });
    const page = signedOutLocallyPage();
    for (const cookie of response.headers.getSetCookie()) {
      page.headers.append("Set-Cookie", cookie);
    }
    return page;
  } catch (error) {
    const overtaken = findCause(error, LoginOvertakenError);
    if (overtaken) return loginOvertakenPage(request, overtaken);
    if (!isSessionStoreUnavailable(error)) throw error;
    return signInUnavailable("session_store", path);
  }
}

/** Logs the logout; says whether the request had a session to end. */
async function logLogout(request: NextRequest): Promise<boolean> {
  const session = await auth0.getSession(request);
  log.info({ event: "logout", sub: session?.user.sub }, "logout");
  return session !== null;
}

function withReturnTo(request: NextRequest, value: string | undefined): NextRequest {
  const url = request.nextUrl.clone();
  if (value === undefined) url.searchParams.delete("returnTo");
  else url.searchParams.set("returnTo", value);
  return new NextRequest(url, request);
}
