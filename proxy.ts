import type { NextRequest } from "next/server";
import { handleRequest } from "./lib/http/middleware";

export function middleware(request: NextRequest) {
  return handleRequest(request);
}

export const config = {
  // ioredis needs Node.js: the session store cannot run on the edge runtime.
  runtime: "nodejs",
  // Only the SDK's routes and back-channel logout. Everything else (pages, API routes,
  // static files) reads the session where a guard asks for it, or not at all: no Redis
  // call, no Set-Cookie, and not the cost of running the middleware, which nearly halves
  // the throughput of a public page. The headers every response gets are set by the server
  // itself (lib/http/security-headers.ts, installed at start-up).
  matcher: ["/auth/:path*"],
};
