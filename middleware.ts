import type { NextRequest } from "next/server";
import { auth0 } from "./lib/auth0";
import { backchannelLogout, isBackchannelLogout } from "./lib/backchannel-route";

export async function middleware(request: NextRequest) {
  // Answered here, in front of the SDK, exactly as the Back-Channel Logout spec asks.
  if (isBackchannelLogout(request, request.nextUrl.pathname))
    return backchannelLogout(request);
  return auth0.middleware(request);
}

export const config = {
  // ioredis needs Node.js: the session store cannot run on the edge runtime.
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image|favicon.ico|sitemap.xml|robots.txt).*)"],
};
