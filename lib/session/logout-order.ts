import { sdkTransactionLifetimeSeconds } from "../sdk/cookies";
import { clockSkewSeconds } from "../time/clock";
import {
  beginSidLogout,
  beginUserLogout,
  endListedSession,
  finishUserLogout,
} from "./logout-commands";
import { changingSessions, idOfMember, type StoreContext } from "./store-context";

/**
 * How long a logout keeps refusing logins issued before it. Such a login is "in
 * flight" only between its ID token's issue and the end of the callback, a matter of
 * seconds; the SDK's transaction lifetime (an hour) is generous and still bounded.
 */
export const overtakenLoginWindowSeconds = sdkTransactionLifetimeSeconds;

/** What a verified logout token orders (OpenID Connect Back-Channel Logout 1.0, §2.4). */
export interface LogoutOrder {
  sub?: string;
  sid?: string;
  jti: string;
  /** When the provider issued the token, on its own clock. */
  iat: number;
  /** The last second (provider's clock) the token is accepted: its jti is kept that long. */
  acceptableUntil: number;
}

/** What a back-channel logout did. */
export type LogoutOutcome =
  | { replayed: false; sessionsEnded: number }
  /** The token's jti was already carried out: nothing was done. */
  | { replayed: true };

/**
 * Ends what a verified logout token names: with `sid`, the sessions of that sid (of
 * `sub`, when the token has one); with `sub` alone, every session of the user; and,
 * either way, every login still in flight whose ID token was issued at or before the
 * token. The steps, each in one hash slot: mark the user (or sid) ended, list, delete
 * what was listed, record the jti. All or nothing: the jti is recorded only once every
 * session is ended, so after any failure the provider's retry is carried out, and after
 * success a replay is refused. Costs O(sessions of that user), whatever else Redis holds.
 */
export async function endSessionsByLogout(
  ctx: StoreContext,
  order: LogoutOrder,
): Promise<LogoutOutcome> {
  // Remembered for as long as the token could be accepted, so it is never used twice.
  const jtiTtlSeconds = Math.max(1, order.acceptableUntil - ctx.now() + clockSkewSeconds);
  const sid = order.sid ?? "";
  let sub: string;
  if (order.sub) {
    sub = order.sub;
  } else if (sid) {
    const found = await beginSidLogout(ctx, sid, {
      jti: order.jti,
      issuedAt: order.iat,
      markerTtlSeconds: overtakenLoginWindowSeconds,
      jtiTtlSeconds,
    });
    if (found === "replayed") return { replayed: true };
    if (found === "unbound") return { replayed: false, sessionsEnded: 0 };
    sub = found.sub;
  } else {
    return { replayed: false, sessionsEnded: 0 };
  }
  const userTag = ctx.keys.userTag(sub);

  const listed = await beginUserLogout(ctx, userTag, {
    sid,
    jti: order.jti,
    issuedAt: order.iat,
    markerTtlSeconds: overtakenLoginWindowSeconds,
  });
  if (listed === "replayed") return { replayed: true };
  const results = await changingSessions(() =>
    Promise.all(
      listed.map((member) => endListedSession(ctx, ctx.keys.session(idOfMember(member)))),
    ),
  );
  // Unlist what is gone now: all of it, ended here or before.
  const recorded = await finishUserLogout(ctx, userTag, {
    jti: order.jti,
    jtiTtlSeconds,
    unlist: listed,
  });
  if (!recorded) return { replayed: true };
  return {
    replayed: false,
    sessionsEnded: results.filter((result) => result === "ended").length,
  };
}
