import { endListedSession } from "./logout-commands";
import type { SignInDevice } from "./sign-in-device";
import {
  changingSessions,
  idOfMember,
  memberOf,
  reachRedis,
  type StoreContext,
} from "./store-context";

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

/** The fields of a session's hash that its listing shows, in this order. */
const listedFields = [
  "user",
  "sid",
  "createdAt",
  "activeAt",
  "deadline",
  "device",
  "browser",
  "os",
  "ip",
] as const;

/**
 * The live sessions of user `sub` (of this app's provider), in the order they were
 * listed. Costs one lookup in the user's index and one read per listed session,
 * whatever else Redis holds; on a cluster the reads go to each session's own node.
 * Entries whose session is gone are pruned on the way.
 */
export async function listSessionsOfUser(
  ctx: StoreContext,
  sub: string,
): Promise<ListedSession[]> {
  const { redis, keys } = ctx;
  const userTag = keys.userTag(ctx.issuer, sub);
  const index = keys.userSessions(userTag);
  const now = ctx.now();
  const members = await reachRedis(() => redis.zrangebyscore(index, `(${now}`, "+inf"));
  const rows = await reachRedis(() =>
    Promise.all(
      members.map((member) =>
        redis.hmget(keys.session(idOfMember(member)), ...listedFields),
      ),
    ),
  );
  const sessions: ListedSession[] = [];
  const gone: string[] = [];
  members.forEach((member, i) => {
    const [user, sid, createdAt, activeAt, deadline, device, browser, os, ip] = rows[i]!;
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
  if (gone.length > 0) await redis.zrem(index, ...gone).catch(() => {});
  return sessions;
}

/**
 * Ends the given sessions of user `sub` (from {@link listSessionsOfUser}); a session
 * that is gone meanwhile, or not the user's, is left alone.
 * @returns how many this call ended.
 */
export async function endSessionsOfUser(
  ctx: StoreContext,
  sub: string,
  sessions: ReadonlyArray<Pick<ListedSession, "id" | "sid">>,
): Promise<number> {
  if (sessions.length === 0) return 0;
  const { redis, keys } = ctx;
  const userTag = keys.userTag(ctx.issuer, sub);
  const results = await changingSessions(() =>
    Promise.all(
      sessions.map((session) =>
        endListedSession(ctx, keys.session(session.id), { userTag, sid: "" }),
      ),
    ),
  );
  const unlist = sessions
    .filter((_, i) => results[i] !== "not_theirs")
    .map((session) => memberOf(session.id, session.sid));
  if (unlist.length > 0) {
    // A failure here leaves entries whose session is gone; listing prunes those.
    await reachRedis(() => redis.zrem(keys.userSessions(userTag), ...unlist));
  }
  return results.filter((result) => result === "ended").length;
}

/**
 * Ends the user's least recently active sessions beyond `max`, never `keepId`.
 * @returns how many it ended, or null when the user was within `max`.
 */
export async function endLeastRecentlyActive(
  ctx: StoreContext,
  sub: string,
  keepId: string,
  max: number,
): Promise<number | null> {
  const others = (await listSessionsOfUser(ctx, sub))
    .filter((session) => session.id !== keepId)
    .sort((a, b) => a.activeAt - b.activeAt || a.createdAt - b.createdAt);
  const excess = others.length + 1 - max;
  if (excess <= 0) return null;
  return endSessionsOfUser(ctx, sub, others.slice(0, excess));
}

/**
 * The sub of the user who last signed in here with `email` (any case) verified by the
 * provider (`email_verified: true`), or null.
 */
export function findUserByEmail(
  ctx: StoreContext,
  email: string,
): Promise<string | null> {
  return reachRedis(() => ctx.redis.get(ctx.keys.userByEmail(ctx.issuer, email.trim())));
}
