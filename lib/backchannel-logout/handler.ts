import {
  verifyLogoutToken,
  type LogoutClaims,
  type LogoutTokenResult,
} from "./logout-token";
import {
  readBoundedBody,
  type BodyLimits,
  type BodyReadFailure,
} from "../http/bounded-body";
import { unavailableHeaders } from "../http/unavailable";
import { countBackchannelLogout, countSessionsEnded } from "../metrics/registry";
import type { ProviderMetadata } from "../provider/metadata";
import { epochSeconds } from "../time/clock";
import type { LogoutOutcome, RedisSessionStore } from "../session/store";

/** What the handler needs; each piece is the real thing in the app and in tests. */
export interface BackchannelLogoutDeps {
  verify(token: string): Promise<LogoutTokenResult>;
  /** Ends the sessions and records the jti, all or nothing (see the store). */
  endSessions(claims: LogoutClaims): Promise<LogoutOutcome>;
  log: {
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
  };
}

/** Wires the handler to the session store and the provider (its issuer and keys). */
export function backchannelLogoutDeps(options: {
  store: RedisSessionStore;
  /** The provider as its discovery document describes it: `iss` is checked against it. */
  provider: ProviderMetadata;
  clientId: string;
  log: BackchannelLogoutDeps["log"];
  /** epoch seconds @default the system clock */
  now?: () => number;
}): BackchannelLogoutDeps {
  const { store, provider, clientId, log } = options;
  const now = options.now ?? epochSeconds;
  return {
    verify: async (token) => {
      let issuer: string;
      try {
        issuer = await provider.issuer();
      } catch (error) {
        return {
          ok: false,
          code: "keys_unavailable",
          reason: "the provider's discovery document could not be loaded",
          detail: (error as Error).message,
        };
      }
      return verifyLogoutToken(token, {
        issuer,
        clientId,
        keys: provider.signingKeys,
        now,
      });
    },
    endSessions: (claims) => store.endSessionsByLogoutToken(claims),
    log,
  };
}

/** A logout token is a few hundred bytes; anything far larger is not one. */
export const maxBodyBytes = 16 * 1024;

/**
 * How long the body may go without a byte. A provider sends a logout token in one
 * piece, right behind its headers; waiting longer only holds the request open for
 * someone trickling bytes.
 */
export const bodyIdleTimeoutMs = 5_000;

/** How long the whole body may take: a byte every few seconds must not hold it longer. */
export const bodyTotalTimeoutMs = 10_000;

/** The limits a back-channel logout's body is read within (see readBoundedBody). */
export const backchannelBodyLimits: BodyLimits = {
  maxBytes: maxBodyBytes,
  idleTimeoutMs: bodyIdleTimeoutMs,
  totalTimeoutMs: bodyTotalTimeoutMs,
};

/** What each way of failing to read the body is called in the 400's body and the log. */
const bodyFailureReasons: Record<BodyReadFailure, string> = {
  body_too_large: "the body is too large",
  body_idle_timeout: "the body stopped arriving",
  body_total_timeout: "the body took too long to arrive",
  body_unreadable: "the body could not be read",
};

/**
 * `POST /auth/backchannel-logout`, answering as OpenID Connect Back-Channel Logout 1.0
 * §2.8 asks: 200 when the sessions are ended, 400 with a short body for any invalid
 * request or token, `Cache-Control: no-store` always. A 503 only when this app cannot
 * judge the token or end the sessions right now (its keys or Redis are unavailable, or
 * the token's key may be one the provider has just started using), so that the
 * provider may retry; `Retry-After` says when.
 *
 * A body over 16 KB, or one that stalls for 5 s or takes 10 s in all, is a 400 too
 * (§2.8: an invalid request), decided as soon as that is known: reading stops there
 * (Next sends the answer once the client has ended the body: decision 0007).
 * In front of this, Next copies at most `experimental.proxyClientMaxBodySize` of a
 * body for the proxy and cuts the copy short beyond it (next.config.ts says why that
 * limit still lets this see that a larger body is over 16 KB).
 */
export async function handleBackchannelLogout(
  request: Request,
  deps: BackchannelLogoutDeps,
  bodyLimits: BodyLimits = backchannelBodyLimits,
): Promise<Response> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
    return reject(deps, "the body must be application/x-www-form-urlencoded");
  }
  // Refused before a byte of it is read when it says so; a chunked body (no length)
  // is counted as it arrives instead, and a slow one timed out.
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > bodyLimits.maxBytes) {
    return reject(deps, bodyFailureReasons.body_too_large);
  }
  const read = await readBoundedBody(request.body, bodyLimits);
  if (!read.ok) return reject(deps, bodyFailureReasons[read.code]);
  // Invalid UTF-8 becomes U+FFFD, which no valid token holds: its check refuses it.
  const body = new TextDecoder().decode(read.bytes);

  const tokens = new URLSearchParams(body).getAll("logout_token");
  if (tokens.length !== 1 || !tokens[0]) {
    return reject(deps, "the body must hold exactly one logout_token");
  }

  const result = await deps.verify(tokens[0]);
  if (!result.ok) {
    if (result.code === "keys_unavailable") {
      countBackchannelLogout("keys_unavailable");
      deps.log.error(
        { event: "backchannel_logout_unavailable", detail: result.detail },
        result.reason,
      );
      return answer(
        503,
        "temporarily_unavailable: try again later\n",
        unavailableHeaders(),
      );
    }
    if (result.code === "keys_unknown_yet") {
      // Not an outage: the provider may have rotated its keys a moment ago. Counted as
      // keys_unavailable all the same: this app could not judge the token yet.
      countBackchannelLogout("keys_unavailable");
      deps.log.warn(
        {
          event: "backchannel_logout_key_unknown_yet",
          retryAfterSeconds: result.retryAfterSeconds,
        },
        result.reason,
      );
      return answer(
        503,
        "temporarily_unavailable: the token's signing key is not known yet; try again\n",
        unavailableHeaders(result.retryAfterSeconds),
      );
    }
    return reject(deps, result.reason);
  }

  const { claims } = result;
  let outcome: LogoutOutcome;
  try {
    outcome = await deps.endSessions(claims);
  } catch (error) {
    return unavailable(deps, error, claims);
  }
  if (outcome.replayed) {
    return reject(deps, "this logout token was already used", "replayed");
  }
  countBackchannelLogout("ended");
  countSessionsEnded("backchannel", outcome.sessionsEnded);
  deps.log.info(
    {
      event: "backchannel_logout",
      sub: claims.sub,
      bySid: claims.sid !== undefined,
      sessionsEnded: outcome.sessionsEnded,
    },
    "back-channel logout",
  );
  return answer(200, "");
}

/** A 400: an invalid request or token (or, `replayed`, a token already carried out). */
function reject(
  deps: BackchannelLogoutDeps,
  reason: string,
  outcome: "invalid_token" | "replayed" = "invalid_token",
): Response {
  countBackchannelLogout(outcome);
  deps.log.warn(
    { event: "backchannel_logout_rejected", reason },
    "back-channel logout rejected",
  );
  return answer(400, `invalid_request: ${reason}\n`);
}

function unavailable(
  deps: BackchannelLogoutDeps,
  error: unknown,
  claims: LogoutClaims,
): Response {
  countBackchannelLogout("store_unavailable");
  deps.log.error(
    {
      event: "backchannel_logout_failed",
      sub: claims.sub,
      err: { message: (error as Error).message },
    },
    "back-channel logout could not end sessions",
  );
  return answer(503, "temporarily_unavailable: try again later\n", unavailableHeaders());
}

function answer(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(body === "" ? null : body, {
    status,
    headers: {
      "Cache-Control": "no-store",
      ...(body === "" ? {} : { "Content-Type": "text/plain; charset=utf-8" }),
      ...headers,
    },
  });
}
