import { timeRedisCommand } from "../metrics/registry";
import { endListedSession } from "./logout-commands";
import { decodeSessionRecord, signInOf } from "./session-record";
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
  const userTag = keys.userTag(sub);
  const index = keys.userSessions(userTag);
  const now = ctx.now();
  const members = await reachRedis(
    () => redis.zrangebyscore(index, `(${now}`, "+inf"),
    "zrangebyscore",
  );
  const records = await reachRedis(() =>
    Promise.all(
      members.map((member) =>
        timeRedisCommand("get", () => redis.get(keys.session(idOfMember(member)))),
      ),
    ),
  );
  const sessions: ListedSession[] = [];
  const gone: string[] = [];
  members.forEach((member, i) => {
    const record = records[i] ?? null;
    if (record === null) gone.push(member);
    const decoded = record === null ? null : decodeSessionRecord(record);
    const signIn = decoded && signInOf(decoded.data);
    if (!decoded || !signIn || decoded.head.deadline <= now) return;
    const { head } = decoded;
    sessions.push({
      id: idOfMember(member),
      sid: signIn.sid,
      createdAt: signIn.createdAt,
      activeAt: head.activeAt,
      ...head.device,
    });
  });
  // Tidying only: a later listing prunes what this one could not.
  if (gone.length > 0) await redis.zrem(index, ...gone).catch(() => {});
  return sessions;
}

/**
 * Ends the given sessions of user `sub` (from {@link listSessionsOfUser}); a session
 * that is gone meanwhile is unlisted, and one the user's index does not list (another
 * user's, or named with another sid) is left alone.
 * @returns how many this call ended.
 */
export async function endSessionsOfUser(
  ctx: StoreContext,
  sub: string,
  sessions: ReadonlyArray<Pick<ListedSession, "id" | "sid">>,
): Promise<number> {
  if (sessions.length === 0) return 0;
  const { redis, keys } = ctx;
  const index = keys.userSessions(keys.userTag(sub));
  const members = sessions.map((session) => memberOf(session.id, session.sid));
  // The index is the word on whose a session is: only the user's sign-ins list there.
  const listed = await reachRedis(() => redis.zmscore(index, ...members), "zmscore");
  const theirs = sessions.filter((_, i) => listed[i] !== null);
  if (theirs.length === 0) return 0;
  const results = await changingSessions(() =>
    Promise.all(theirs.map((session) => endListedSession(ctx, keys.session(session.id)))),
  );
  // A failure here leaves entries whose session is gone; listing prunes those.
  await reachRedis(
    () =>
      redis.zrem(index, ...theirs.map((session) => memberOf(session.id, session.sid))),
    "zrem",
  );
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
  return reachRedis(() => ctx.redis.get(ctx.keys.userByEmail(email.trim())), "get");
}
