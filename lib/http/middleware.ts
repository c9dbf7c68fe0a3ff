import { NextRequest, NextResponse } from "next/server";
import { auth0 } from "../auth0";
import { isProviderUp } from "../provider";
import { backchannelLogout, isBackchannelLogout } from "../backchannel-logout/route";
import { isCrossSiteRequest } from "./cross-site";
import { getConfig } from "../config";
import { errorPageResponse, signInUnavailablePage } from "./error-page";
import { isSessionStoreUnavailable } from "../errors";
import { log } from "../log";
import { isRedisReady } from "../redis/client";
import { safeReturnTo } from "./return-to";
import { securityHeaders } from "./security-headers";

const config = getConfig();
const appBaseUrl = config.auth0.appBaseUrl;
const appOrigin = new URL(appBaseUrl).origin;
const headersForEveryResponse = securityHeaders({
  https: appBaseUrl.startsWith("https://"),
  development: process.env.NODE_ENV === "development",
});

/**
 * Everything the middleware does, in order: back-channel logout (ours), the guards in
 * front of the SDK's login and logout, the SDK itself, and the headers every response
 * gets. A session-store outage never becomes a 500 here: auth routes answer 503, and
 * other requests go on to their page or API route, which fail closed themselves.
 */
export async function handleRequest(request: NextRequest): Promise<Response> {
  const path = request.nextUrl.pathname;
  const response = await route(request, path);
  for (const [name, value] of Object.entries(headersForEveryResponse)) {
    response.headers.set(name, value);
  }
  if (path.startsWith("/auth/") || path.startsWith("/api/")) {
    response.headers.set("Cache-Control", "no-store");
  }
  return response;
}

async function route(request: NextRequest, path: string): Promise<Response> {
  if (isBackchannelLogout(request, path)) return backchannelLogout(request);

  let forSdk = request;
  if (path === "/auth/login") {
    // A login now could not be stored: say so before sending the user to the provider.
    if (!isRedisReady()) {
      log.error(
        { event: "session_store_unavailable", path },
        "session store unavailable",
      );
      return signInUnavailablePage(path);
    }
    if (!(await isProviderUp())) {
      log.error({ event: "provider_unavailable", path }, "provider unavailable");
      return signInUnavailablePage(path);
    }
    forSdk = withReturnTo(
      request,
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
    const returnPath = safeReturnTo(
      request.nextUrl.searchParams.get("returnTo"),
      appBaseUrl,
    );
    // The provider gets it as post_logout_redirect_uri, which must be absolute.
    forSdk = withReturnTo(
      request,
      returnPath === undefined ? undefined : new URL(returnPath, appBaseUrl).toString(),
    );
  }

  try {
    if (path === "/auth/logout") await logLogout(request);
    const response = await auth0.middleware(forSdk);
    // The SDK answers 500 with a bare message when the provider cannot be reached.
    if ((path === "/auth/login" || path === "/auth/logout") && response.status >= 500) {
      log.error(
        { event: "provider_unavailable", path, status: response.status },
        "provider unavailable",
      );
      return signInUnavailablePage(path);
    }
    return response;
  } catch (error) {
    if (!isSessionStoreUnavailable(error)) throw error;
    log.error({ event: "session_store_unavailable", path }, "session store unavailable");
    if (path === "/auth/profile") {
      return NextResponse.json(
        { error: "temporarily_unavailable" },
        { status: 503, headers: { "Retry-After": "5" } },
      );
    }
    if (path.startsWith("/auth/"))
      return signInUnavailablePage(path === "/auth/logout" ? path : "/auth/login");
    return NextResponse.next();
  }
}

async function logLogout(request: NextRequest): Promise<void> {
  const session = await auth0.getSession(request);
  log.info({ event: "logout", sub: session?.user.sub }, "logout");
}

function withReturnTo(request: NextRequest, value: string | undefined): NextRequest {
  const url = request.nextUrl.clone();
  if (value === undefined) url.searchParams.delete("returnTo");
  else url.searchParams.set("returnTo", value);
  return new NextRequest(url, request);
}
