import type {
  LogoutToken,
  SessionData,
  SessionDataStore,
} from "@auth0/nextjs-auth0/types";
import { clockSkewSeconds, type LogoutClaims } from "../backchannel-logout/logout-token";
import type { SessionLifetime } from "../config";
import { LoginOvertakenError, SessionStoreUnavailableError } from "../errors";
import { runLuaCommand, type LuaCommand, type RedisClient } from "../redis/lua-command";
import {
  beginSidLogout,
  beginUserLogout,
  bindSid,
  deleteSession,
  endListedSession,
  finishUserLogout,
  listSession,
  readSession,
  updateSession,
  writeNewSession,
} from "./commands";
import type { SessionKeys } from "./keys";
import { epochSeconds } from "./lifetime";
import { forgetSessionReads, sharedSessionRead } from "./read-scope";

/** A session's expiry and activity move at most this often (one write a minute). */
export const touchIntervalSeconds = 60;

/**
 * How long a logout keeps refusing logins issued before it. Such a login is "in
 * flight" only between its ID token's issue and the end of the callback, a matter of
 * seconds; an hour (the SDK's transaction lifetime) is generous and still bounded.
 */
export const overtakenLoginWindowSeconds = 3600;

export interface RedisSessionStoreOptions {
  redis: RedisClient;
  keys: SessionKeys;
  lifetime: SessionLifetime;
  /** The issuer this app's sessions come from, with its trailing slash (Auth0's form). */
  issuer: string;
  /** Injected so tests can move time; epoch seconds. @default the system clock */
  now?: () => number;
}

/** What a back-channel logout did. */
export type LogoutOutcome =
  | { replayed: false; sessionsEnded: number }
  /** The token's jti was already carried out: nothing was done. */
  | { replayed: true };

/**
 * The SDK's `SessionDataStore` on Redis or Redis Cluster. A request reads its session
 * in one round trip (and writes it at most once a minute); a back-channel logout finds
 * a user's sessions through an index, never a scan; and the steps of a login and of a
 * logout, which touch different hash slots, are ordered so that no interleaving brings
 * an ended session back or hides one from a logout:
 *
 * - a login writes its session, then binds its sid, then lists it under its user, and
 *   the listing (one atomic step in the user's slot) refuses a login whose ID token
 *   was issued at or before a logout of that user or sid;
 * - a logout marks the user (or sid) ended, then lists, then deletes what it listed,
 *   then records its jti.
 * A login listed before the mark is found and deleted (it was written before it was
 * listed); a login listed after the mark is refused. Writes other than a login only
 * ever change a session that still exists.
 */
export class RedisSessionStore implements SessionDataStore {
  private readonly redis: RedisClient;
  private readonly keys: SessionKeys;
  private readonly lifetime: SessionLifetime;
  private readonly issuer: string;
  private readonly now: () => number;

  constructor(options: RedisSessionStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.lifetime = options.lifetime;
    this.issuer = options.issuer;
    this.now = options.now ?? epochSeconds;
  }

  /** One round trip, shared by every reader of the same request (see read-scope.ts). */
  async get(id: string): Promise<SessionData | null> {
    const key = this.keys.session(id);
    const data = await sharedSessionRead(
      key,
      async () =>
        (await this.run(
          readSession,
          [key],
          [
            this.now(),
            this.lifetime.inactivityDuration,
            touchIntervalSeconds,
            this.lifetime.rolling ? 1 : 0,
          ],
        )) as string | null,
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
   */
  async set(id: string, session: SessionData): Promise<void> {
    const now = this.now();
    const deadline = session.internal.createdAt + this.lifetime.absoluteDuration;
    if (deadline <= now) return;
    const key = this.keys.session(id);
    forgetSessionReads();
    const sub = session.user.sub;
    const sid = session.internal.sid ?? "";
    const userTag = this.keys.userTag(this.issuer, sub);
    const issuedAt = issuedAtOf(session);
    await this.run(
      writeNewSession,
      [key],
      [
        JSON.stringify(session),
        userTag,
        sid,
        session.internal.createdAt,
        deadline,
        now,
        this.expiresAt(now, deadline),
        tokenExpiresAt(session),
      ],
    );
    let refusedBy: "user_logout" | "sid_logout" | undefined;
    if (sid) {
      const bound = await this.run(
        bindSid,
        [this.keys.sidUser(this.issuer, sid), this.keys.sidEnded(this.issuer, sid)],
        [userTag, issuedAt, deadline],
      );
      if (bound === 0) refusedBy = "sid_logout";
    }
    if (!refusedBy) {
      const listed = await this.run(
        listSession,
        [
          this.keys.userSessions(userTag),
          this.keys.userEnded(userTag),
          this.keys.userEndedSids(userTag),
        ],
        [`${id}:${sid}`, deadline, issuedAt, sid, now, overtakenLoginWindowSeconds],
      );
      if (listed === 0) refusedBy = "user_logout";
      else if (listed === -1) refusedBy = "sid_logout";
    }
    if (refusedBy) {
      // Unreachable anyway (its id was never sent to a browser); delete it to be tidy.
      await this.redis.del(key).catch(() => {});
      throw new LoginOvertakenError(sub, refusedBy);
    }
  }

  /**
   * Rewrites an existing session (refreshed tokens); never re-creates one that was
   * deleted meanwhile, and never puts back a token set older than the one stored.
   * @returns whether the session still existed.
   */
  async update(id: string, session: SessionData): Promise<boolean> {
    const key = this.keys.session(id);
    forgetSessionReads();
    const written = await this.run(
      updateSession,
      [key],
      [
        JSON.stringify(session),
        this.now(),
        this.lifetime.inactivityDuration,
        this.lifetime.rolling ? 1 : 0,
        tokenExpiresAt(session),
      ],
    );
    return written !== 0;
  }

  /** Deletes a session (the app's own logout), then unlists it from its user's index. */
  async delete(id: string): Promise<void> {
    const key = this.keys.session(id);
    forgetSessionReads();
    const owner = (await this.run(deleteSession, [key], [])) as [string, string] | null;
    if (!owner) return;
    const [userTag, sid] = owner;
    // A failure here leaves an entry whose session is gone; listing prunes those.
    await this.reach(() =>
      this.redis.zrem(this.keys.userSessions(userTag), `${id}:${sid}`),
    );
  }

  /**
   * Ends what a verified logout token names (OpenID Connect Back-Channel Logout 1.0,
   * §2.4–2.7): with `sid`, the sessions of that sid (of `sub`, when the token has one);
   * with `sub` alone, every session of the user; and, either way, every login still in
   * flight whose ID token was issued at or before the token. All or nothing: the jti is
   * recorded only once every session is ended, so after any failure the provider's
   * retry is carried out, and after success a replay is refused. Costs O(sessions of
   * that user), whatever else Redis holds.
   */
  async endSessionsByLogoutToken(claims: LogoutClaims): Promise<LogoutOutcome> {
    if (claims.iss !== this.issuer) return { replayed: false, sessionsEnded: 0 };
    const jtiTtl = Math.max(1, claims.exp - this.now() + clockSkewSeconds);
    const sid = claims.sid ?? "";
    let userTag: string;
    if (claims.sub) {
      userTag = this.keys.userTag(claims.iss, claims.sub);
    } else if (sid) {
      const found = await this.run(
        beginSidLogout,
        [
          this.keys.sidUser(claims.iss, sid),
          this.keys.sidEnded(claims.iss, sid),
          this.keys.sidLogoutJti(claims.iss, sid, claims.jti),
        ],
        [claims.iat, overtakenLoginWindowSeconds, jtiTtl],
      );
      if (found === -1) return { replayed: true };
      if (found === 0) return { replayed: false, sessionsEnded: 0 };
      userTag = String(found);
    } else {
      return { replayed: false, sessionsEnded: 0 };
    }

    const jtiKey = this.keys.userLogoutJti(userTag, claims.jti);
    const listed = await this.run(
      beginUserLogout,
      [
        this.keys.userSessions(userTag),
        this.keys.userEnded(userTag),
        this.keys.userEndedSids(userTag),
        jtiKey,
      ],
      [sid, claims.iat, overtakenLoginWindowSeconds],
    );
    if (listed === -1) return { replayed: true };
    const members = listed as string[];
    forgetSessionReads();
    const results = await Promise.all(
      members.map((member) => {
        const id = member.slice(0, member.indexOf(":"));
        return this.run(endListedSession, [this.keys.session(id)], [userTag, sid]);
      }),
    );
    // Unlist what is gone now (ended here or before); keep what is someone else's.
    const unlist = members.filter((_, i) => results[i] !== 2);
    const recorded = await this.run(
      finishUserLogout,
      [this.keys.userSessions(userTag), jtiKey],
      [jtiTtl, ...unlist],
    );
    if (recorded === 0) return { replayed: true };
    return {
      replayed: false,
      sessionsEnded: results.filter((result) => result === 1).length,
    };
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

  private expiresAt(now: number, deadline: number): number {
    return this.lifetime.rolling
      ? Math.min(deadline, now + this.lifetime.inactivityDuration)
      : deadline;
  }

  private run(
    command: LuaCommand,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    return this.reach(() => runLuaCommand(this.redis, command, keys, args));
  }

  /** Runs a Redis call; a failure of Redis itself becomes SessionStoreUnavailableError. */
  private async reach<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new SessionStoreUnavailableError(error);
    }
  }
}

/**
 * When the provider issued this login: the ID token's `iat`, on the provider's clock,
 * the same clock as a logout token's `iat`. The SDK always keeps the ID token; a session
 * without one falls back to its creation time.
 */
function issuedAtOf(session: SessionData): number {
  const payload = session.tokenSet.idToken?.split(".")[1];
  if (payload) {
    try {
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
        iat?: unknown;
      };
      if (typeof claims.iat === "number") return claims.iat;
    } catch {
      // Not a JWT we can read: fall back below.
    }
  }
  return session.internal.createdAt;
}

/** When the session's access token expires (epoch seconds); 0 when it has none. */
function tokenExpiresAt(session: SessionData): number {
  return typeof session.tokenSet.expiresAt === "number" ? session.tokenSet.expiresAt : 0;
}
