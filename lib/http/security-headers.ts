import type { IncomingMessage, ServerResponse } from "node:http";
import { onEveryRequest } from "./server-request-hook";

const oneYearInSeconds = 60 * 60 * 24 * 365;

/**
 * The headers every response carries. The Content-Security-Policy allows only this
 * origin's scripts and styles (Next's Pages Router emits no inline script in
 * production); `next dev` also needs `eval` for fast refresh, and only it gets it.
 */
export function securityHeaders(options: {
  https: boolean;
  development: boolean;
}): Record<string, string> {
  const scriptSrc = options.development
    ? "'self' 'unsafe-eval' 'unsafe-inline'"
    : "'self'";
  const styleSrc = options.development ? "'self' 'unsafe-inline'" : "'self'";
  const headers: Record<string, string> = {
    "Content-Security-Policy": [
      "default-src 'self'",
      `script-src ${scriptSrc}`,
      `style-src ${styleSrc}`,
      "img-src 'self' data: https:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (options.https) {
    headers["Strict-Transport-Security"] =
      `max-age=${oneYearInSeconds}; includeSubDomains`;
  }
  return headers;
}

/**
 * Gives every response this process serves the {@link securityHeaders}, and
 * `Cache-Control: no-store` under `/api/` and `/auth/` (a route may still set its own).
 * Set on the Node.js response before Next.js handles the request, so pages, API routes,
 * static files, error pages and the middleware's own answers all carry them, without
 * the middleware having to run for them. Called once at start-up (instrumentation).
 */
export function installResponseHeaders(options: {
  https: boolean;
  development: boolean;
}): void {
  const headers = Object.entries(securityHeaders(options));
  onEveryRequest("response-headers", (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    const url = req.url ?? "";
    if (url.startsWith("/api/") || url.startsWith("/auth/")) {
      res.setHeader("Cache-Control", "no-store");
    }
  });
}
