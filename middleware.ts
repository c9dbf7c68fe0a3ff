import type { NextRequest } from "next/server";
import { handleRequest } from "./lib/http/middleware";

export function middleware(request: NextRequest) {
  return handleRequest(request);
}

export const config = {
  // ioredis needs Node.js: the session store cannot run on the edge runtime.
  runtime: "nodejs",
  matcher: ["/((?!_next/static|_next/image|favicon.ico|sitemap.xml|robots.txt).*)"],
};
