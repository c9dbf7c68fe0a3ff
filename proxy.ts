import type { NextRequest } from "next/server";
import { handleRequest } from "./lib/http/middleware";

// Next 16 runs `proxy.ts` on Node.js, which ioredis (the session store) needs; it
// refuses a `runtime` here. `middleware.ts`, its deprecated name, defaults to the edge.
export function proxy(request: NextRequest) {
  return handleRequest(request);
}

export const config = {
  // Only the SDK's routes and back-channel logout. Everything else (pages, API routes,
  // static files) reads the session where a guard asks for it, or not at all: no Redis
  // call, no Set-Cookie, and not the cost of running the proxy, which nearly halves
  // the throughput of a public page. The headers every response gets are set by the server
  // itself (lib/http/security-headers.ts, installed at start-up).
  matcher: ["/auth/:path*"],
};
