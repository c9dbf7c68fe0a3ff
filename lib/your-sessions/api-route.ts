import type { NextApiHandler, NextApiRequest, NextApiResponse } from "next";
import type { SessionData } from "@auth0/nextjs-auth0/types";
import { hasRole } from "../admin/roles";
import { auth0 } from "../auth0";
import { getConfig } from "../config";
import { protectedApiRoute } from "../http/protected-api-route";
import { log } from "../log";
import { epochSeconds } from "../time/clock";
import type { EndedSessions } from "./sessions-of-user";
import { signedInRecently } from "./recent-sign-in";
import { sendUnavailable } from "../http/fail-closed";

const config = getConfig();

/** What a sessions API handler gets: the caller, already checked. */
export interface SessionsApiCall {
  req: NextApiRequest;
  res: NextApiResponse;
  session: SessionData;
  /** The store id of the caller's own session (see RequestSessionClient.getSessionId). */
  currentId: string | null;
}

/**
 * An API route of /api/sessions or /api/admin/sessions: a same-origin-only
 * {@link protectedApiRoute} (405, no-store, 403 cross-site, 401, 503), then `403` for a
 * non-administrator on an admin route and, for a call that ends sessions,
 * `401 {"error":"reauthentication_required"}` when the caller last authenticated more
 * than AUTH0_REAUTH_MAX_AGE seconds ago.
 */
export function sessionsApiRoute(
  options: { methods: readonly string[]; endsSessions: boolean; adminOnly: boolean },
  handler: (call: SessionsApiCall) => Promise<void>,
): NextApiHandler {
  return protectedApiRoute(
    { methods: options.methods, sameOriginOnly: true },
    async (req, res) => {
      const session = await auth0.getSession(req);
      if (!session) {
        res.status(401).json({ error: "not_authenticated" });
        return;
      }
      if (options.adminOnly && !hasRole(session, config.sessions.rolesClaim, "admin")) {
        log.warn(
          { event: "admin_refused", sub: session.user.sub, path: req.url },
          "not an administrator",
        );
        res.status(403).json({ error: "forbidden" });
        return;
      }
      if (
        options.endsSessions &&
        !signedInRecently(session, config.sessions.reauthMaxAge, epochSeconds())
      ) {
        res.status(401).json({ error: "reauthentication_required" });
        return;
      }
      await handler({ req, res, session, currentId: auth0.getSessionId(req) });
    },
  );
}

/**
 * Answers what an ending did: `404` when the one session asked for is not the caller's
 * (whether or not it exists); `503 {"error":"provider_unavailable","ended":N}` when the
 * app's sessions ended but the provider's could not be (never a silent success);
 * otherwise `204` for one session, `200 {"ended":N,"provider":…}` for several.
 */
export function answerEnded(
  res: NextApiResponse,
  outcome: EndedSessions,
  one: boolean,
): void {
  if (!outcome.found) {
    res.status(404).json({ error: "not_found" });
  } else if (outcome.provider === "unavailable") {
    sendUnavailable(res, { error: "provider_unavailable", ended: outcome.ended });
  } else if (one) {
    res.status(204).end();
  } else {
    res.status(200).json({ ended: outcome.ended, provider: outcome.provider });
  }
}

/** A route parameter or query value as one string ("" when absent or repeated). */
export function queryValue(value: string | string[] | undefined): string {
  return typeof value === "string" ? value : "";
}
