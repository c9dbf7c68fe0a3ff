import type { IncomingMessage } from "node:http";
import type { User } from "@auth0/nextjs-auth0/types";
import type { NextApiRequest } from "next";
import { auth0 } from "../auth0";
import { getConfig } from "../config";
import { sessionExpiresAt } from "../session/lifetime";

/** What the dashboard shows of a session: never a token. */
export interface SessionSummary {
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601: the absolute or inactivity limit, whichever comes first. */
  endsAt: string;
  hasRefreshToken: boolean;
  /** When the summary was read, epoch milliseconds: the "now" its times are told from. */
  readAt: number;
}

export type DashboardResult =
  { ok: true; user: User; session: SessionSummary } | { ok: false; reason: "no_session" };

/** Reads the request's session for the dashboard, or says there is none. */
export async function loadDashboard(
  req: IncomingMessage & { cookies: NextApiRequest["cookies"] },
): Promise<DashboardResult> {
  const session = await auth0.getSession(req);
  if (!session) return { ok: false, reason: "no_session" };
  const { createdAt } = session.internal;
  const readAt = Date.now();
  const now = Math.floor(readAt / 1000);
  return {
    ok: true,
    user: session.user,
    session: {
      startedAt: new Date(createdAt * 1000).toISOString(),
      endsAt: new Date(
        sessionExpiresAt(createdAt, now, getConfig().session) * 1000,
      ).toISOString(),
      hasRefreshToken: Boolean(session.tokenSet.refreshToken),
      readAt,
    },
  };
}
