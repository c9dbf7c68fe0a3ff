/**
 * What a back-channel logout costs as Redis fills up.
 *
 * Ends the 10 sessions of one user (by `sub`, and by one `sid`) while Redis holds
 * 1,000 and then 100,000 sessions of other users, and prints the median time of each
 * and their ratio. Beside it, for scale, a keyspace SCAN of the same Redis: what a store
 * without indexes would have to do. Run: `npm run bench` (REDIS_URL, or a private
 * redis-server is started).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { RedisSessionStore } from "../lib/shared";
import { fixtureIssuer, fixtureStore } from "../dev/harness/fixture-store";
import { provideRedis } from "../dev/harness/redis-provider";
import { makeSession, storeSessions } from "../dev/harness/session-fixtures";

const userSessions = 10;
const rounds = 30;

let login = 0;
/** The provider's clock: each login and each logout token is issued after the last. */
let providerClock = 2_000_000_000;

/** A verified logout token's claims, issued now on the provider's clock. */
function logoutToken(claims: { sub?: string; sid?: string }) {
  const exp = Math.floor(Date.now() / 1000) + 120;
  return {
    iss: fixtureIssuer,
    jti: randomBytes(8).toString("hex"),
    iat: ++providerClock,
    exp,
    acceptableUntil: exp,
    ...claims,
  };
}

/** Alice signs in on 10 devices; each login has a sid never used before. */
async function loginAlice(store: RedisSessionStore): Promise<string[]> {
  const sids: string[] = [];
  for (let i = 0; i < userSessions; i++) {
    const sid = `alice-sid-${login++}`;
    sids.push(sid);
    await store.set(
      randomBytes(16).toString("hex"),
      makeSession({ sub: "auth0|alice", sid, iat: ++providerClock }),
    );
  }
  return sids;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(store: RedisSessionStore, redis: Redis, prefix: string) {
  const bySub: number[] = [];
  const bySid: number[] = [];
  const scan: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alice logs in again after each sign-out-everywhere (issued after it: kept).
    await loginAlice(store);
    let start = process.hrtime.bigint();
    const ended = await store.endSessionsByLogoutToken(
      logoutToken({ sub: "auth0|alice" }),
    );
    bySub.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (ended.replayed || ended.sessionsEnded !== userSessions)
      throw new Error(`ended ${JSON.stringify(ended)}, expected ${userSessions}`);

    const sids = await loginAlice(store);
    start = process.hrtime.bigint();
    await store.endSessionsByLogoutToken(
      logoutToken({ sid: sids[3], sub: "auth0|alice" }),
    );
    bySid.push(Number(process.hrtime.bigint() - start) / 1e6);
    await store.endSessionsByLogoutToken(logoutToken({ sub: "auth0|alice" }));

    if (round < 3) {
      start = process.hrtime.bigint();
      let cursor = "0";
      do {
        [cursor] = await redis.scan(cursor, "MATCH", `${prefix}session:*`, "COUNT", 1000);
      } while (cursor !== "0");
      scan.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return { bySub: median(bySub), bySid: median(bySid), scan: median(scan) };
}

async function main(): Promise<void> {
  const provided = await provideRedis();
  const redis = new Redis(provided.url);
  const { store, prefix } = fixtureStore(redis, "bench");
  try {
    await storeSessions(store, 1_000);
    const small = await measure(store, redis, prefix);
    await storeSessions(store, 99_000);
    const large = await measure(store, redis, prefix);
    const row = (name: string, a: number, b: number) =>
      console.log(
        `${name.padEnd(34)} ${a.toFixed(3).padStart(9)} ms ${b.toFixed(3).padStart(9)} ms   x${(b / a).toFixed(2)}`,
      );
    console.log(
      `Ending ${userSessions} sessions of one user (median of ${rounds}), Redis from ${provided.source}`,
    );
    console.log(
      `${"".padEnd(34)} ${"1k others".padStart(12)} ${"100k others".padStart(12)}   ratio`,
    );
    row("deleteByLogoutToken (sub)", small.bySub, large.bySub);
    row("deleteByLogoutToken (sid + sub)", small.bySid, large.bySid);
    row("for scale: one SCAN of the keyspace", small.scan, large.scan);
  } finally {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 5000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
    await provided.stop();
  }
}

void main();
