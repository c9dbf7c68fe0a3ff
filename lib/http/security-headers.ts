import { beforeEveryResponseHead } from "./response-head-hook";

const oneYearInSeconds = 60 * 60 * 24 * 365;

/**
 * The headers every response carries. The Content-Security-Policy allows only this
 * origin's scripts and styles: a production build of Next's Pages Router emits no
 * inline script when webpack bundles it (`next build --webpack`, package.json);
 * Turbopack, Next 16's default, inlines each page's chunk list, which this policy
 * refuses (hardening.e2e). `next dev` also needs `eval` for fast refresh, and only it
 * gets it.
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
 * `Cache-Control: no-store` under `/api/` and `/auth/`, unless the route set its own.
 * Set by the Node.js server as the response's head is written, so pages, API routes,
 * static files, error pages and the proxy's own answers all carry them, without
 * the proxy having to run for them. Called once at start-up (instrumentation).
 */
export function installResponseHeaders(options: {
  https: boolean;
  development: boolean;
}): void {
  const headers = Object.entries(securityHeaders(options));
  beforeEveryResponseHead((res, req) => {
    for (const [name, value] of headers) {
      if (!res.hasHeader(name)) res.setHeader(name, value);
    }
    if (!res.hasHeader("Cache-Control") && isApiOrAuthPath(req.url ?? "/")) {
      res.setHeader("Cache-Control", "no-store");
    }
  });
}

/**
 * Whether Next would route `url` under `/api/` or `/auth/`. Next matches the decoded
 * path, and takes an absolute-form request target (`GET http://host/api/me`) by its
 * path, so both are read that way here; the common case costs two string checks.
 */
function isApiOrAuthPath(url: string): boolean {
  let path = url;
  if (!url.startsWith("/") || url.startsWith("//") || url.includes("%")) {
    try {
      path = decodeURIComponent(new URL(url, "http://host.invalid").pathname);
    } catch {
      // Not a path Next can route either; answered 400 or 404.
      return false;
    }
  }
  return path.startsWith("/api/") || path.startsWith("/auth/");
}
