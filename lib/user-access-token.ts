import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextApiRequest } from "next";
import { auth0, sessionKeys } from "./auth0";
import { isSessionStoreUnavailable } from "./errors";
import { log } from "./log";
import { redis } from "./redis";
import { epochSeconds } from "./session-lifetime";
import { singleFlight, SingleFlightTimeoutError } from "./single-flight";

/** A token this close to expiry is refreshed rather than sent to the API. */
const expiryMarginSeconds = 5;

type PagesRequest = IncomingMessage & { cookies: NextApiRequest["cookies"] };

export type AccessTokenResult =
  | { ok: true; accessToken: string; expiresAt: number }
  /** No session, no refresh token, or the provider refused the refresh token. */
  | { ok: false; reason: "login_required" }
  /** The provider or Redis could not be reached: try again later. */
  | { ok: false; reason: "unavailable" };

/**
 * The user's access token for the API, refreshed when it is about to expire, with one
 * refresh grant per session at a time across every app instance: concurrent requests
 * wait for the one that refreshes and use its result (refresh tokens rotate; a second
 * refresh with the same token would fail with invalid_grant and end the session).
 */
export async function getUserAccessToken(
  req: PagesRequest,
  res: ServerResponse,
): Promise<AccessTokenResult> {
  try {
    const session = await auth0.getSession(req);
    const refreshToken = session?.tokenSet.refreshToken;
    if (!session) return { ok: false, reason: "login_required" };
    const sub = session.user.sub;
    const isUsable = (expiresAt: number | undefined) =>
      (expiresAt ?? 0) > epochSeconds() + expiryMarginSeconds;
    // The common case reads the session once here, not again under the lock's logic.
    if (!refreshToken || isUsable(session.tokenSet.expiresAt))
      return fromSdk(req, res, sub);
    const isFresh = async () =>
      isUsable((await auth0.getSession(req))?.tokenSet.expiresAt);
    return await singleFlight({
      redis,
      lockKey: sessionKeys.refreshLock(fingerprint(refreshToken)),
      isDone: isFresh,
      work: () => fromSdk(req, res, sub, true),
      reuse: () => fromSdk(req, res, sub),
    });
  } catch (error) {
    if (error instanceof SingleFlightTimeoutError || isSessionStoreUnavailable(error)) {
      log.error(
        { event: "token_unavailable", reason: (error as Error).name },
        "access token unavailable",
      );
      return { ok: false, reason: "unavailable" };
    }
    throw error;
  }
}

async function fromSdk(
  req: PagesRequest,
  res: ServerResponse,
  sub: string,
  refresh = false,
): Promise<AccessTokenResult> {
  try {
    const { token, expiresAt } = await auth0.getAccessToken(req, res, { refresh });
    return { ok: true, accessToken: token, expiresAt };
  } catch (error) {
    return classifyTokenError(error, sub);
  }
}

/** Codes of the SDK and the provider that mean "only a new login helps". */
const loginRequiredCodes = new Set([
  "missing_session",
  "missing_refresh_token",
  "session_expired",
  "invalid_grant",
]);

function classifyTokenError(error: unknown, sub: string): AccessTokenResult {
  if (isSessionStoreUnavailable(error)) throw error;
  const code = (error as { code?: unknown }).code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  if (loginRequiredCodes.has(String(code)) || loginRequiredCodes.has(String(causeCode))) {
    log.warn(
      { event: "refresh_failed", sub, code, cause: causeCode },
      "refresh failed: login required",
    );
    return { ok: false, reason: "login_required" };
  }
  log.error(
    { event: "refresh_failed", sub, code, cause: causeCode },
    "refresh failed: provider unavailable",
  );
  return { ok: false, reason: "unavailable" };
}

/** A short, non-reversible name for a refresh token: the lock key, never the token. */
function fingerprint(refreshToken: string): string {
  return createHash("sha256").update(refreshToken).digest("base64url").slice(0, 32);
}
