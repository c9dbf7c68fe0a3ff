import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextApiRequest } from "next";
import { auth0 } from "../auth0";
import { getConfig } from "../config";
import { forgetSessionReads } from "../session/read-scope";
import { refreshLockKey } from "./keys";
import { AccessTokenErrorCode } from "@auth0/nextjs-auth0/errors";
import { isSessionStoreUnavailable, SingleFlightTimeoutError } from "../errors";
import { findSdkError } from "../sdk/errors";
import { log } from "../log";
import { countTokenRefresh, type TokenRefreshOutcome } from "../metrics/registry";
import { redis } from "../redis/client";
import { epochSeconds } from "../time/clock";
import { singleFlight } from "./single-flight";

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
  let refreshing = false;
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
    // Waiting for another instance to refresh: each look must ask Redis again.
    const isFresh = async () => {
      forgetSessionReads();
      return isUsable((await auth0.getSession(req))?.tokenSet.expiresAt);
    };
    refreshing = true;
    return await singleFlight({
      redis,
      lockKey: refreshLockKey(getConfig().redis.keyPrefix, fingerprint(refreshToken)),
      isDone: isFresh,
      work: async () => counted(await fromSdk(req, res, sub, true), "refreshed"),
      reuse: async () => counted(await fromSdk(req, res, sub), "waited"),
    });
  } catch (error) {
    // Thrown before work or reuse returned (they count their own result).
    if (refreshing) countTokenRefresh("failed");
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

/** Counts a refresh by its result: `outcome` when it gave a token, else failed. */
function counted(
  result: AccessTokenResult,
  outcome: TokenRefreshOutcome,
): AccessTokenResult {
  countTokenRefresh(result.ok ? outcome : "failed");
  return result;
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

/** The SDK's access-token codes that mean "only a new login helps". */
const loginRequiredCodes: ReadonlySet<string> = new Set([
  AccessTokenErrorCode.MISSING_SESSION,
  AccessTokenErrorCode.MISSING_REFRESH_TOKEN,
  AccessTokenErrorCode.SESSION_EXPIRED,
]);

/**
 * Sorts a failed `getAccessToken` by the SDK's error classes and codes: a refresh the
 * provider refused (`invalid_grant`, an OAuth2Error under the SDK's error) or a session
 * that can no longer refresh means a new login; anything else is the provider being
 * unreachable, and the caller may retry.
 */
function classifyTokenError(error: unknown, sub: string): AccessTokenResult {
  if (isSessionStoreUnavailable(error)) throw error;
  const tokenError = findSdkError(error, "AccessTokenError");
  const providerError = findSdkError(error, "OAuth2Error");
  const code = tokenError?.code;
  const cause = providerError?.code;
  if ((code && loginRequiredCodes.has(code)) || cause === "invalid_grant") {
    log.warn(
      { event: "refresh_failed", sub, code, cause },
      "refresh failed: login required",
    );
    return { ok: false, reason: "login_required" };
  }
  log.error(
    { event: "refresh_failed", sub, code, cause },
    "refresh failed: provider unavailable",
  );
  return { ok: false, reason: "unavailable" };
}

/** A short, non-reversible name for a refresh token: the lock key, never the token. */
function fingerprint(refreshToken: string): string {
  return createHash("sha256").update(refreshToken).digest("base64url").slice(0, 32);
}
