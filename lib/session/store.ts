import type {
  LogoutToken,
  SessionData,
  SessionDataStore,
} from "@auth0/nextjs-auth0/types";
import type { SessionLifetime } from "../config";
import { SessionStoreUnavailableError } from "../errors";
import { epochSeconds, sessionSecondsLeft } from "./lifetime";
import { runLuaCommand, type LuaCommand, type RedisClient } from "../redis/lua-command";
import type { SessionKeys } from "./keys";
import {
  createSessionScript,
  deleteSessionScript,
  endSessionsBySidScript,
  endSessionsBySubScript,
  updateSessionScript,
} from "./commands";

export interface RedisSessionStoreOptions {
  redis: RedisClient;
  keys: SessionKeys;
  lifetime: SessionLifetime;
  /** The issuer this app's sessions come from, with its trailing slash (Auth0's form). */
  issuer: string;
  /** Injected so tests can move time; epoch seconds. @default the system clock */
  now?: () => number;
}

/** What a back-channel logout ended. */
export interface LogoutOutcome {
  sessionsEnded: number;
}

/**
 * The SDK's `SessionDataStore` on Redis, with the indexes that let a logout token end a
 * user's sessions by `sid` or `sub` without scanning, and with writes that can never
 * bring back a session a logout has ended.
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

  async get(id: string): Promise<SessionData | null> {
    const data = await this.reach(() => this.redis.hget(this.keys.session(id), "data"));
    if (data === null) return null;
    try {
      return JSON.parse(data) as SessionData;
    } catch {
      return null;
    }
  }

  /** Stores a new session (the SDK calls it with a fresh id after each login). */
  async set(id: string, session: SessionData): Promise<void> {
    const ttl = this.secondsLeft(session);
    if (ttl <= 0) return;
    const sub = session.user.sub;
    const sid = session.internal.sid;
    await this.runScript(
      createSessionScript,
      [
        this.keys.session(id),
        sid ? this.keys.sessionsBySid(this.issuer, sid) : "",
        this.keys.sessionsBySub(this.issuer, sub),
        sid ? this.keys.endedSid(this.issuer, sid) : "",
        this.keys.subEndedAt(this.issuer, sub),
      ],
      [JSON.stringify(session), ttl, sub, issuedAt(session), tokenExpiresAt(session)],
    );
  }

  /**
   * Rewrites an existing session (rolling expiry, refreshed tokens); never re-creates
   * one that was deleted meanwhile, and never puts back a token set older than the one
   * stored (then only the expiry is extended).
   * @returns whether the session still existed.
   */
  async update(id: string, session: SessionData): Promise<boolean> {
    const ttl = this.secondsLeft(session);
    if (ttl <= 0) {
      await this.delete(id);
      return false;
    }
    const written = await this.runScript(
      updateSessionScript,
      [this.keys.session(id)],
      [JSON.stringify(session), ttl, tokenExpiresAt(session)],
    );
    return written !== 0;
  }

  async delete(id: string): Promise<void> {
    await this.runScript(deleteSessionScript, [this.keys.session(id)], []);
  }

  /**
   * Ends the sessions a verified logout token names and says how many (OpenID Connect Back-Channel Logout
   * 1.0, §2.4 and §2.7): with `sid`, the sessions bound to it (and to `sub`, when the
   * token also has one); with `sub` alone, every session of that user. Only sessions of
   * this store's issuer are touched. Costs O(sessions of that user).
   */
  async endSessionsByLogoutToken(token: LogoutToken): Promise<LogoutOutcome> {
    const issuer = token.iss ?? this.issuer;
    if (issuer !== this.issuer) return { sessionsEnded: 0 };
    // An ended sid or sub must refuse in-flight logins for as long as any session
    // issued before it could still be alive.
    const markerTtl = this.lifetime.absoluteDuration;
    if (token.sid) {
      const ended = await this.runScript(
        endSessionsBySidScript,
        [
          this.keys.sessionsBySid(issuer, token.sid),
          this.keys.endedSid(issuer, token.sid),
        ],
        [token.sub ?? "", markerTtl],
      );
      return { sessionsEnded: Number(ended) };
    }
    if (token.sub) {
      const ended = await this.runScript(
        endSessionsBySubScript,
        [
          this.keys.sessionsBySub(issuer, token.sub),
          this.keys.subEndedAt(issuer, token.sub),
        ],
        [this.now(), markerTtl],
      );
      return { sessionsEnded: Number(ended) };
    }
    return { sessionsEnded: 0 };
  }

  /** The SDK's hook for its back-channel logout route; see `endSessionsByLogoutToken`. */
  async deleteByLogoutToken(token: LogoutToken): Promise<void> {
    await this.endSessionsByLogoutToken(token);
  }

  private runScript(
    script: LuaCommand,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    return this.reach(() => runLuaCommand(this.redis, script, keys, args));
  }

  /** Runs a Redis call; a failure of Redis itself becomes SessionStoreUnavailableError. */
  private async reach<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new SessionStoreUnavailableError(error);
    }
  }

  private secondsLeft(session: SessionData): number {
    return sessionSecondsLeft(session.internal.createdAt, this.now(), this.lifetime);
  }
}

/**
 * When the provider issued this login: the ID token's `iat`, else the session's
 * creation. A `sub` logout refuses sessions issued up to its own moment.
 */
function issuedAt(session: SessionData): number {
  const payload = session.tokenSet.idToken?.split(".")[1];
  if (payload) {
    try {
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
        iat?: unknown;
      };
      if (typeof claims.iat === "number") return claims.iat;
    } catch {
      // Not a JWT we can read: fall back to the session's own clock.
    }
  }
  return session.internal.createdAt;
}

/** When the session's access token expires (epoch seconds); 0 when it has none. */
function tokenExpiresAt(session: SessionData): number {
  return typeof session.tokenSet.expiresAt === "number" ? session.tokenSet.expiresAt : 0;
}
