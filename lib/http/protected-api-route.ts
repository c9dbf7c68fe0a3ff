import type { NextApiHandler } from "next";
import { auth0 } from "../auth0";
import { getConfig } from "../config";
import { log } from "../log";
import { allowMethods } from "./allow-methods";
import { isCrossSiteApiRequest } from "./cross-site";
import { failClosedApi } from "./fail-closed";

const appOrigin = new URL(getConfig().auth0.appBaseUrl).origin;

/**
 * An API route for signed-in users. In order: `405` + `Allow` for another method;
 * `Cache-Control: no-store` on every answer (set first, so that a 401 is not cached
 * either); with `sameOriginOnly`, `403 {"error":"cross_site_request"}` unless
 * `Sec-Fetch-Site`, when sent, is `same-origin` and `Origin`, when sent, is the app's;
 * `401` JSON without a session (the SDK's `withApiAuthRequired`); `503` JSON while
 * sessions cannot be read.
 */
export function protectedApiRoute(
  options: { methods: readonly string[]; sameOriginOnly?: boolean },
  handler: NextApiHandler,
): NextApiHandler {
  const handlerIfLoggedIn = auth0.withApiAuthRequired(handler);
  return allowMethods(
    options.methods,
    failClosedApi((req, res) => {
      res.setHeader("Cache-Control", "no-store");
      if (options.sameOriginOnly && isCrossSiteApiRequest(req.headers, appOrigin)) {
        log.warn({ event: "api_refused_cross_site", path: req.url }, "cross-site call");
        res.status(403).json({ error: "cross_site_request" });
        return;
      }
      return handlerIfLoggedIn(req, res);
    }),
  );
}

/** A GET-only {@link protectedApiRoute}. */
export function protectedGetRoute(handler: NextApiHandler): NextApiHandler {
  return protectedApiRoute({ methods: ["GET"] }, handler);
}
