import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { findUser, TEST_USERS } from "./accounts.js";
import { backchannelLogoutUri, type IdpConfig } from "./config.js";
import { HttpError, readForm, readJson, sendHtml, sendJson } from "./http.js";
import { type Delivery, sendLogoutTokens } from "./logout-token.js";
import { endSessionsOf } from "./memory-adapter.js";
import type { SigningJwk } from "./signing-key.js";
import type { GrantStats } from "./stats.js";
import { adminPage, adminResultPage, errorPage } from "./views.js";

export interface SignOutResult {
  sub: string;
  deliveries: Delivery[];
  endedSessions: number;
}

function sameToken(a: string, b: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * GET /admin, POST /admin/logout (the page's buttons), POST /admin/api/logout (the CLI),
 * GET /admin/api/stats. Unauthenticated, as befits a local dev tool, but not CSRF-able:
 * the page's forms carry a per-process token another site cannot read, and the JSON API
 * takes only application/json, which a browser will not send cross-site without CORS.
 */
export function createAdminRoutes(options: {
  config: IdpConfig;
  jwk: SigningJwk;
  stats: () => GrantStats;
}) {
  const { config, jwk, stats } = options;
  const formToken = randomBytes(32).toString("base64url");
  const targets = [
    { clientId: config.clientId, backchannelLogoutUri: backchannelLogoutUri(config) },
  ];
  const issuerOrigin = new URL(config.issuer).origin;

  async function signOutEverywhere(usernameOrSub: string): Promise<SignOutResult> {
    const user = findUser(usernameOrSub);
    if (!user) throw new HttpError(404, `unknown user ${usernameOrSub}`);
    // First, so that the app's next redirect to /authorize meets a login page, not SSO.
    const endedSessions = endSessionsOf(user.sub);
    const deliveries = await sendLogoutTokens({
      issuer: config.issuer,
      jwk,
      targets,
      sub: user.sub,
    });
    console.log(
      `[idp] signed ${user.sub} out everywhere (${endedSessions} provider session(s) ended)`,
    );
    return { sub: user.sub, deliveries, endedSessions };
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<void> {
    switch (`${req.method} ${pathname}`) {
      case "GET /admin":
        sendHtml(res, 200, adminPage(TEST_USERS, formToken));
        return;
      case "POST /admin/logout": {
        const form = await readForm(req);
        if (!sameToken(form.get("token") ?? "", formToken)) {
          throw new HttpError(403, "invalid form token; reload the admin page");
        }
        const result = await signOutEverywhere(form.get("sub") ?? "");
        sendHtml(
          res,
          200,
          adminResultPage(result.sub, result.deliveries, result.endedSessions),
        );
        return;
      }
      case "POST /admin/api/logout": {
        const origin = req.headers.origin;
        if (origin !== undefined && origin !== issuerOrigin)
          throw new HttpError(403, "cross-origin request refused");
        const body = await readJson(req);
        const sub =
          typeof body === "object" && body !== null
            ? (body as Record<string, unknown>).sub
            : undefined;
        if (typeof sub !== "string" || sub === "")
          throw new HttpError(400, 'expected {"sub": "<username or sub>"}');
        sendJson(res, 200, await signOutEverywhere(sub));
        return;
      }
      case "GET /admin/api/stats":
        sendJson(res, 200, stats());
        return;
      default:
        throw new HttpError(404, "not found");
    }
  }

  return async function adminRoutes(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    if (url.pathname !== "/admin" && !url.pathname.startsWith("/admin/")) return false;
    try {
      await route(req, res, url.pathname);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (url.pathname.startsWith("/admin/api/")) {
        sendJson(res, error.status, { error: error.message });
      } else {
        sendHtml(res, error.status, errorPage({ error: error.message }));
      }
    }
    return true;
  };
}
