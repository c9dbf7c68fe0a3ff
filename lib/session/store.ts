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
  setKeptUntil,
  updateSession,
  writeNewSession,
} from "./commands";
import type { SessionKeys } from "./keys";
import { idTokenTime } from "./id-token-claims";
import { assertSessionOfOneUser } from "./session-consistency";
import { epochSeconds } from "./lifetime";
import { forgetSessionReads, sharedSessionRead } from "./read-scope";
import { currentSignInDevice, type SignInDevice } from "./sign-in-device";

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

/** One session of a user, as the user's list of sessions shows it. */
export interface ListedSession extends SignInDevice {
  /** The store's id: server-side only (a Redis key name is made of it). */
  id: string;
  /** The provider's session id. */
  sid: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds; recorded at most once a minute (see touchIntervalSeconds). */
  activeAt: number;
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
  private readonly maxSessionsPerUser: number | undefined;
  private readonly onSessionLimit:
    ((sub: string, sessionsEnded: number) => void) | undefined;

  constructor(options: RedisSessionStoreOptions) {
    this.maxSessionsPerUser = options.maxSessionsPerUser;
    this.onSessionLimit = options.onSessionLimit;
    this.redis = options.redis;
    this.keys = options.keys;
    this.lifetime = options.lifetime;
    this.issuer = options.issuer;
    this.now = options.now ?? epochSeconds;
  }

  /**
   * One round trip, shared by every reader of the same request (see read-scope.ts).
   * Every request asks Redis: nothing in this process answers for a session, so a logout
   * anywhere holds from the moment Redis has carried it out (docs/decisions/0005).
   */
  async get(id: string): Promise<SessionData | null> {
    const key = this.keys.session(id);
    const data = await sharedSessionRead(key, () => this.read(key));
    if (data === null) return null;
    try {
      return JSON.parse(data) as SessionData;
    } catch {
      return null;
    }
  }

  private async read(key: string): Promise<string | null> {
    return (await this.run(
      readSession,
      [key],
      [
        this.now(),
        this.lifetime.inactivityDuration,
        touchIntervalSeconds,
        this.lifetime.rolling ? 1 : 0,
      ],
    )) as string | null;
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
    const now = this.now();
    const deadline = session.internal.createdAt + this.lifetime.absoluteDuration;
    if (deadline <= now) return;
    const key = this.keys.session(id);
    const sub = session.user.sub;
    const sid = session.internal.sid ?? "";
    const userTag = this.keys.userTag(this.issuer, sub);
    const issuedAt = issuedAtOf(session);
    const device = currentSignInDevice();
    await this.changing(() =>
      this.run(
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
          device.device,
          device.browser,
          device.os,
          device.ip,
        ],
      ),
    );
    let refusedBy: "user_logout" | "sid_logout" | undefined;
    let listedCount = 0;
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
      else listedCount = Number(listed);
    }
    if (refusedBy) {
      // Unreachable anyway (its id was never sent to a browser); delete it to be tidy.
      await this.redis.del(key).catch(() => {});
      throw new LoginOvertakenError(sub, refusedBy);
    }
    const email = session.user.email;
    // Only an address the provider verified: anyone can sign up with someone else's
    // unverified one, and an administrator's search by email would then find them.
    if (
      typeof email === "string" &&
      email !== "" &&
      session.user.email_verified === true
    ) {
      await this.run(
        setKeptUntil,
        [this.keys.userByEmail(this.issuer, email)],
        [sub, deadline],
      );
    }
    if (this.maxSessionsPerUser !== undefined && listedCount > this.maxSessionsPerUser) {
      await this.endLeastRecentlyActive(sub, id, this.maxSessionsPerUser);
    }
  }

  /**
   * The live sessions of user `sub` (of this app's issuer), in the order they were
   * listed. Costs one lookup in the user's index and one read per listed session,
   * whatever else Redis holds; on a cluster the reads go to each session's own node.
   * Entries whose session is gone are pruned on the way.
   */
  async listSessionsOfUser(sub: string): Promise<ListedSession[]> {
    const userTag = this.keys.userTag(this.issuer, sub);
    const index = this.keys.userSessions(userTag);
    const now = this.now();
    const members = await this.reach(() =>
      this.redis.zrangebyscore(index, `(${now}`, "+inf"),
    );
    const rows = await this.reach(() =>
      Promise.all(
        members.map((member) =>
          this.redis.hmget(
            this.keys.session(idOfMember(member)),
            "user",
            "sid",
            "createdAt",
            "activeAt",
            "deadline",
            "device",
            "browser",
            "os",
            "ip",
          ),
        ),
      ),
    );
    const sessions: ListedSession[] = [];
    const gone: string[] = [];
    members.forEach((member, i) => {
      const [user, sid, createdAt, activeAt, deadline, device, browser, os, ip] =
        rows[i]!;
      if (user === null) gone.push(member);
      if (user !== userTag || Number(deadline) <= now) return;
      sessions.push({
        id: idOfMember(member),
        sid: sid ?? "",
        createdAt: Number(createdAt),
        activeAt: Number(activeAt),
        device: device ?? "",
        browser: browser ?? "",
        os: os ?? "",
        ip: ip ?? "",
      });
    });
    // Tidying only: a later listing prunes what this one could not.
    if (gone.length > 0) await this.redis.zrem(index, ...gone).catch(() => {});
    return sessions;
  }

  /**
   * Ends the given sessions of user `sub` (from {@link listSessionsOfUser}); a session
   * that is gone meanwhile, or not the user's, is left alone.
   * @returns how many this call ended.
   */
  async endSessionsOfUser(
    sub: string,
    sessions: ReadonlyArray<Pick<ListedSession, "id" | "sid">>,
  ): Promise<number> {
    if (sessions.length === 0) return 0;
    const userTag = this.keys.userTag(this.issuer, sub);
    const sessionKeys = sessions.map((session) => this.keys.session(session.id));
    const results = await this.changing(() =>
      Promise.all(
        sessionKeys.map((key) => this.run(endListedSession, [key], [userTag, ""])),
      ),
    );
    const unlist = sessions
      .filter((_, i) => results[i] !== 2)
      .map((session) => `${session.id}:${session.sid}`);
    if (unlist.length > 0) {
      // A failure here leaves entries whose session is gone; listing prunes those.
      await this.reach(() => this.redis.zrem(this.keys.userSessions(userTag), ...unlist));
    }
    return results.filter((result) => result === 1).length;
  }

  /**
   * The sub of the user who last signed in here with `email` (any case) verified by the
   * provider (`email_verified: true`), or null.
   */
  async findUserByEmail(email: string): Promise<string | null> {
    return this.reach(() =>
      this.redis.get(this.keys.userByEmail(this.issuer, email.trim())),
    );
  }

  /** Ends the user's least recently active sessions beyond `max`, never `keepId`. */
  private async endLeastRecentlyActive(sub: string, keepId: string, max: number) {
    const others = (await this.listSessionsOfUser(sub))
      .filter((session) => session.id !== keepId)
      .sort((a, b) => a.activeAt - b.activeAt || a.createdAt - b.createdAt);
    const excess = others.length + 1 - max;
    if (excess <= 0) return;
    const ended = await this.endSessionsOfUser(sub, others.slice(0, excess));
    this.onSessionLimit?.(sub, ended);
  }

  /**
   * Rewrites an existing session (refreshed tokens); never re-creates one that was
   * deleted meanwhile, and never puts back a token set older than the one stored.
   * @returns whether the session still existed.
   */
  async update(id: string, session: SessionData): Promise<boolean> {
    const key = this.keys.session(id);
    const written = await this.changing(() =>
      this.run(
        updateSession,
        [key],
        [
          JSON.stringify(session),
          this.now(),
          this.lifetime.inactivityDuration,
          this.lifetime.rolling ? 1 : 0,
          tokenExpiresAt(session),
        ],
      ),
    );
    return written !== 0;
  }

  /** Deletes a session (the app's own logout), then unlists it from its user's index. */
  async delete(id: string): Promise<void> {
    const key = this.keys.session(id);
    const owner = (await this.changing(() => this.run(deleteSession, [key], []))) as
      [string, string] | null;
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
    // The verifier has checked `iss` against the provider's discovered issuer, which may
    // be written differently from this store's namespace (no trailing slash, say).
    const issuer = this.issuer;
    // Remembered for as long as the token could be accepted, so it is never used twice.
    const jtiTtl = Math.max(1, claims.acceptableUntil - this.now() + clockSkewSeconds);
    const sid = claims.sid ?? "";
    let userTag: string;
    if (claims.sub) {
      userTag = this.keys.userTag(issuer, claims.sub);
    } else if (sid) {
      const found = await this.run(
        beginSidLogout,
        [
          this.keys.sidUser(issuer, sid),
          this.keys.sidEnded(issuer, sid),
          this.keys.sidLogoutJti(issuer, sid, claims.jti),
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
    const sessionKeys = members.map((member) => this.keys.session(idOfMember(member)));
    const results = await this.changing(() =>
      Promise.all(
        sessionKeys.map((key) => this.run(endListedSession, [key], [userTag, sid])),
      ),
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

  /**
   * Runs a write of sessions: what this request read of them is forgotten before it
   * starts and again once it is done (a read in between would hold the old value).
   */
  private async changing<T>(write: () => Promise<T>): Promise<T> {
    forgetSessionReads();
    try {
      return await write();
    } finally {
      forgetSessionReads();
    }
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
  return idTokenTime(session, "iat") ?? session.internal.createdAt;
}

/** The store id in a user index member (`<id>:<sid>`). */
function idOfMember(member: string): string {
  return member.slice(0, member.indexOf(":"));
}

/** When the session's access token expires (epoch seconds); 0 when it has none. */
function tokenExpiresAt(session: SessionData): number {
  return typeof session.tokenSet.expiresAt === "number" ? session.tokenSet.expiresAt : 0;
}
