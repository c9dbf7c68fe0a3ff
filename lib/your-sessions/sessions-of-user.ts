import { getConfig } from "../config";
import { findCause, ProviderManagementUnavailableError } from "../errors";
import { log } from "../log";
import { countSessionsEnded } from "../metrics/registry";
import {
  endProviderSession,
  isProviderManagementConfigured,
} from "../provider/management";
import { sessionStore } from "../session";
import type { ListedSession } from "../session/store";
import { sessionHandles } from "./session-handle";

/** One session as `/api/sessions` gives it to the browser. */
export interface SessionView {
  /** An opaque handle (see session-handle.ts), never the store's id. */
  id: string;
  /** The session of the request that asked. */
  current: boolean;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, to within a minute. */
  lastActiveAt: string;
  /** "computer", "phone", "tablet", …; "" when unknown. */
  device: string;
  browser: string;
  os: string;
  ip: string;
}

/** Which of a user's sessions to end. */
export type SessionsToEnd = { one: string } | "others" | "all";

/** What ending sessions did, here and at the provider. */
export interface EndedSessions {
  /** False only for `{ one }` whose handle is not one of the user's sessions. */
  found: boolean;
  /** How many app sessions this ended. */
  ended: number;
  /**
   * The provider sessions behind them: `"ended"` (single sign-on can no longer sign those
   * devices back in), `"not_configured"` (no Management API credentials: only the app's
   * sessions ended), `"unavailable"` (the Management API failed: only the app's ended),
   * `"none"` (nothing to end there).
   */
  provider: "ended" | "not_configured" | "unavailable" | "none";
}

const handleOf = sessionHandles(getConfig().auth0.secret);

const toView = (session: ListedSession, currentId: string | null): SessionView => ({
  id: handleOf(session.id),
  current: session.id === currentId,
  createdAt: new Date(session.createdAt * 1000).toISOString(),
  lastActiveAt: new Date(session.activeAt * 1000).toISOString(),
  device: session.device,
  browser: session.browser,
  os: session.os,
  ip: session.ip,
});

/**
 * The live sessions of user `sub`: `currentId`'s first (marked current), then by last
 * activity, most recent first. O(that user's sessions), on a single Redis or a cluster.
 */
export async function listSessions(
  sub: string,
  currentId: string | null,
): Promise<SessionView[]> {
  const sessions = await sessionStore.listSessionsOfUser(sub);
  return sessions
    .map((session) => toView(session, currentId))
    .sort(
      (a, b) =>
        Number(b.current) - Number(a.current) ||
        b.lastActiveAt.localeCompare(a.lastActiveAt) ||
        b.createdAt.localeCompare(a.createdAt),
    );
}

/**
 * Ends sessions of user `target` on behalf of `actor` (the user, or an administrator):
 * first the app's sessions, at once, then, with Management API credentials, the
 * provider sessions behind them, so single sign-on cannot quietly sign those devices
 * back in (the provider then sends back-channel logouts, which find them gone). A
 * provider session that a kept session shares is left alone: ending it would end that
 * one too. Every ending is logged with both subs and the count.
 */
export async function endSessions(options: {
  actor: string;
  target: string;
  which: SessionsToEnd;
  currentId: string | null;
}): Promise<EndedSessions> {
  const { actor, target, which, currentId } = options;
  const sessions = await sessionStore.listSessionsOfUser(target);
  const chosen = sessions.filter((session) =>
    which === "all"
      ? true
      : which === "others"
        ? session.id !== currentId
        : handleOf(session.id) === which.one,
  );
  if (typeof which === "object" && chosen.length === 0) {
    return { found: false, ended: 0, provider: "none" };
  }
  const ended = await sessionStore.endSessionsOfUser(target, chosen);
  countSessionsEnded(actor === target ? "user" : "admin", ended);
  const provider = await endAtProvider(chosen, sessions);
  log.info(
    {
      event: "sessions_ended",
      reason: typeof which === "object" ? "one" : which,
      actor,
      target,
      count: ended,
      provider,
    },
    actor === target
      ? "a user ended sessions"
      : "an administrator ended a user's sessions",
  );
  return { found: true, ended, provider };
}

async function endAtProvider(
  chosen: readonly ListedSession[],
  all: readonly ListedSession[],
): Promise<EndedSessions["provider"]> {
  const kept = new Set(all.filter((s) => !chosen.includes(s)).map((s) => s.sid));
  const sids = [...new Set(chosen.map((s) => s.sid))].filter(
    (sid) => sid !== "" && !kept.has(sid),
  );
  if (sids.length === 0) return "none";
  if (!isProviderManagementConfigured()) return "not_configured";
  const results = await Promise.allSettled(sids.map((sid) => endProviderSession(sid)));
  const failures = results.flatMap((result) =>
    result.status === "rejected" ? [result.reason as unknown] : [],
  );
  if (failures.length > 0) {
    // An outage, or a refusal (wrong credentials, a missing `delete:sessions` scope):
    // either way the provider's sessions were not ended, and the caller is told so.
    const error = failures[0];
    log.error(
      {
        event: "provider_unavailable",
        sids: sids.length,
        failed: failures.length,
        reason: findCause(error, ProviderManagementUnavailableError)
          ? "unavailable"
          : error instanceof Error
            ? `${error.name}: ${error.message}`
            : String(error),
      },
      "the provider's Management API failed: only the app's sessions were ended",
    );
    return "unavailable";
  }
  return "ended";
}
