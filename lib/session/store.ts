import type {
  LogoutToken,
  SessionData,
  SessionDataStore,
} from "@auth0/nextjs-auth0/types";
import type { SessionLifetime } from "../config";
import { LoginOvertakenError } from "../errors";
import type { RedisClient } from "../redis/lua-command";
import { epochSeconds } from "../time/clock";
import { idTokenTime } from "./id-token-claims";
import type { SessionKeys } from "./keys";
import { sessionExpiresAt } from "./lifetime";
import { bindSid, listSession } from "./login-commands";
import {
  endSessionsByLogout,
  overtakenLoginWindowSeconds,
  type LogoutOrder,
  type LogoutOutcome,
} from "./logout-order";
import { sharedSessionRead } from "./read-scope";
import {
  deleteSessionData,
  readSessionData,
  setKeptUntil,
  updateSessionData,
  writeNewSession,
} from "./session-commands";
import { assertSessionOfOneUser } from "./session-consistency";
import { currentSignInDevice } from "./sign-in-device";
import {
  changingSessions,
  memberOf,
  reachRedis,
  type StoreContext,
} from "./store-context";
import {
  endLeastRecentlyActive,
  endSessionsOfUser,
  findUserByEmail,
  listSessionsOfUser,
  type ListedSession,
} from "./user-sessions";

export type { ListedSession, LogoutOrder, LogoutOutcome };

/** A session's expiry and activity move at most this often (one write a minute). */
export const touchIntervalSeconds = 60;

export interface RedisSessionStoreOptions {
  redis: RedisClient;
  keys: SessionKeys;
  lifetime: SessionLifetime;
  /**
   * At most this many sessions per user: a sign-in beyond it ends the user's least
   * recently active sessions. @default undefined (unlimited)
   */
  maxSessionsPerUser?: number;
  /** Told when a sign-in ended older sessions to stay within `maxSessionsPerUser`. */
  onSessionLimit?: (sub: string, sessionsEnded: number) => void;
  /** Injected so tests can move time; epoch seconds. @default the system clock */
  now?: () => number;
}

/**
 * The SDK's `SessionDataStore` on Redis or Redis Cluster. A request reads its session
 * in one round trip (and writes it at most once a minute); a back-channel logout finds
 * a user's sessions through an index, never a scan; and the steps of a login and of a
 * logout, which touch different hash slots, are ordered so that no interleaving brings
 * an ended session back or hides one from a logout:
 *
 * - a login writes its session and binds its sid (side by side: no logout touches a
 *   session before listing it), then lists it under its user, and the listing (one
 *   atomic step in the user's slot) refuses a login whose ID token was issued at or
 *   before a logout of that user or sid: two round trips;
 * - a logout marks the user (or sid) ended, then lists, then deletes what it listed,
 *   then records its jti (logout-order.ts).
 * A login listed before the mark is found and deleted (it was written before it was
 * listed); a login listed after the mark is refused. Writes other than a login only
 * ever change a session that still exists. A user's sessions (list, end, cap, find by
 * email) are user-sessions.ts's; this class hands them on.
 */
export class RedisSessionStore implements SessionDataStore {
  private readonly ctx: StoreContext;
  private readonly maxSessionsPerUser: number | undefined;
  private readonly onSessionLimit:
    ((sub: string, sessionsEnded: number) => void) | undefined;

  constructor(options: RedisSessionStoreOptions) {
    this.ctx = {
      redis: options.redis,
      keys: options.keys,
      lifetime: options.lifetime,
      now: options.now ?? epochSeconds,
    };
    this.maxSessionsPerUser = options.maxSessionsPerUser;
    this.onSessionLimit = options.onSessionLimit;
  }

  /**
   * One round trip, shared by every reader of the same request (see read-scope.ts).
   * Every request asks Redis: nothing in this process answers for a session, so a logout
   * anywhere holds from the moment Redis has carried it out (docs/decisions/0005).
   */
  async get(id: string): Promise<SessionData | null> {
    const key = this.ctx.keys.session(id);
    const data = await sharedSessionRead(key, () =>
      readSessionData(this.ctx, key, touchIntervalSeconds),
    );
    if (data === null) return null;
    try {
      return JSON.parse(data) as SessionData;
    } catch {
      return null;
    }
  }

  /**
   * Stores the session of a new login (the SDK calls it with a fresh id after each
   * login).
   * @throws {LoginOvertakenError} when a logout issued at or after this login's ID token
   * has ended the user or the sid: the session is not kept.
   * @throws {SessionMismatchError} when its sid or a token belongs to another user or
   * sign-in than its ID token (see assertSessionOfOneUser): nothing is written.
   */
  async set(id: string, session: SessionData): Promise<void> {
    // Before any write: its index entries would file one user's tokens under another.
    assertSessionOfOneUser(session);
    const { ctx } = this;
    const now = ctx.now();
    const deadline = session.internal.createdAt + ctx.lifetime.absoluteDuration;
    if (deadline <= now) return;
    const key = ctx.keys.session(id);
    const sub = session.user.sub;
    const sid = session.internal.sid ?? "";
    const issuedAt = issuedAtOf(session);
    // Round trip 1: the session and its sid's binding, each in its own slot.
    const [, bound] = await Promise.all([
      changingSessions(() =>
        writeNewSession(ctx, key, {
          data: JSON.stringify(session),
          deadline,
          now,
          expireAt: sessionExpiresAt(session.internal.createdAt, now, ctx.lifetime),
          tokenExpiresAt: tokenExpiresAt(session),
          device: currentSignInDevice(),
        }),
      ),
      sid === "" || bindSid(ctx, sid, { sub, issuedAt, keepUntil: deadline }),
    ]);
    // Round trip 2, once both are done: the listing, and the verified email beside it.
    const email = verifiedEmailOf(session);
    const [listing] = bound
      ? await Promise.all([
          listSession(ctx, ctx.keys.userTag(sub), {
            member: memberOf(id, sid),
            sid,
            deadline,
            issuedAt,
            now,
            inFlightWindowSeconds: overtakenLoginWindowSeconds,
          }),
          email !== null && setKeptUntil(ctx, ctx.keys.userByEmail(email), sub, deadline),
        ])
      : [{ refusedBy: "sid_logout" } as const];
    if ("refusedBy" in listing) {
      // Unreachable anyway (its id was never sent to a browser); delete it to be tidy.
      await ctx.redis.del(key).catch(() => {});
      throw new LoginOvertakenError(sub, listing.refusedBy);
    }
    const max = this.maxSessionsPerUser;
    if (max !== undefined && listing.listed > max) {
      const ended = await endLeastRecentlyActive(ctx, sub, id, max);
      if (ended !== null) this.onSessionLimit?.(sub, ended);
    }
  }

  /**
   * Rewrites an existing session (refreshed tokens); never re-creates one that was
   * deleted meanwhile, and never puts back a token set older than the one stored.
   * @returns whether the session still existed.
   */
  async update(id: string, session: SessionData): Promise<boolean> {
    const written = await changingSessions(() =>
      updateSessionData(
        this.ctx,
        this.ctx.keys.session(id),
        JSON.stringify(session),
        tokenExpiresAt(session),
      ),
    );
    return written !== "gone";
  }

  /** Deletes a session (the app's own logout), then unlists it from its user's index. */
  async delete(id: string): Promise<void> {
    const { ctx } = this;
    const owner = await changingSessions(() =>
      deleteSessionData(ctx, ctx.keys.session(id)),
    );
    if (!owner) return;
    // A failure here leaves an entry whose session is gone; listing prunes those.
    await reachRedis(
      () =>
        ctx.redis.zrem(
          ctx.keys.userSessions(ctx.keys.userTag(owner.sub)),
          memberOf(id, owner.sid),
        ),
      "zrem",
    );
  }

  /**
   * Ends what a verified logout token names (see logout-order.ts). The caller has
   * checked the token, `iss` included, against the provider's own issuer.
   */
  endSessionsByLogoutToken(order: LogoutOrder): Promise<LogoutOutcome> {
    return endSessionsByLogout(this.ctx, order);
  }

  /**
   * The SDK's hook for its own back-channel logout route. This app answers that route
   * itself (lib/backchannel-logout/) with the full claims; this is kept for the
   * interface and never records a jti.
   */
  async deleteByLogoutToken(_token: LogoutToken): Promise<void> {
    throw new Error(
      "back-channel logout is handled by lib/backchannel-logout, not the SDK's route",
    );
  }

  /** The live sessions of user `sub` (see user-sessions.ts). */
  listSessionsOfUser(sub: string): Promise<ListedSession[]> {
    return listSessionsOfUser(this.ctx, sub);
  }

  /** Ends the given sessions of user `sub` (see user-sessions.ts). */
  endSessionsOfUser(
    sub: string,
    sessions: ReadonlyArray<Pick<ListedSession, "id" | "sid">>,
  ): Promise<number> {
    return endSessionsOfUser(this.ctx, sub, sessions);
  }

  /** The user who last signed in with `email`, verified (see user-sessions.ts). */
  findUserByEmail(email: string): Promise<string | null> {
    return findUserByEmail(this.ctx, email);
  }
}

/**
 * When the provider issued this login: the ID token's `iat`, on the provider's clock,
 * the same clock as a logout token's `iat`. The SDK always keeps the ID token; a session
 * without one falls back to its creation time.
 */
function issuedAtOf(session: SessionData): number {
  return idTokenTime(session, "iat") ?? session.internal.createdAt;
}

/**
 * The session's email if the provider verified it, else null: anyone can sign up with
 * someone else's unverified address, and an administrator's search by email would then
 * find them.
 */
function verifiedEmailOf(session: SessionData): string | null {
  const email = session.user.email;
  return typeof email === "string" && email !== "" && session.user.email_verified === true
    ? email
    : null;
}

/** When the session's access token expires (epoch seconds); 0 when it has none. */
function tokenExpiresAt(session: SessionData): number {
  return typeof session.tokenSet.expiresAt === "number" ? session.tokenSet.expiresAt : 0;
}
