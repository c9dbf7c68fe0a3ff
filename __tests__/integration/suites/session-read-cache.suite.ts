import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { SessionReadCache } from "../../../lib/session/read-cache";
import { sessionKeysFor } from "../../../lib/session/keys";
import { RedisSessionStore, touchIntervalSeconds } from "../../../lib/session/store";
import { makeSession } from "../../../dev/harness/session-fixtures";
import { eventually } from "../../support/eventually";
import {
  clearPrefix,
  connectTestBackend,
  mastersOf,
  type TestBackend,
} from "../../support/test-redis";

const issuer = "https://tenant.example.com/";
const lifetime = { rolling: true, absoluteDuration: 3 * 86400, inactivityDuration: 3600 };

/**
 * The process cache of session reads that Redis invalidates (client-side caching,
 * broadcast mode), run once on a single Redis and once on a cluster. "Another instance"
 * is a second store on its own connection, as another app process would be.
 */
export function sessionReadCacheSuite(backend: TestBackend): void {
  let redis: Redis | Cluster;
  let other: Redis | Cluster;
  let prefix: string;
  let now: number;
  let cache: SessionReadCache;
  let cached: RedisSessionStore;
  let instance2: RedisSessionStore;

  const newId = () => randomBytes(16).toString("hex");
  const keys = () => sessionKeysFor(prefix);
  const storeOn = (client: Redis | Cluster, readCache?: SessionReadCache) =>
    new RedisSessionStore({
      redis: client,
      keys: keys(),
      lifetime,
      issuer,
      now: () => now,
      ...(readCache ? { cache: readCache } : {}),
    });

  /** The read scripts every master has run so far. */
  async function readsRun(): Promise<number> {
    const nodes = redis.isCluster ? await mastersOf(redis as Cluster) : [redis as Redis];
    let total = 0;
    for (const node of nodes) {
      const info = await node.info("commandstats");
      const match = /^cmdstat_evalsha:calls=(\d+)/m.exec(info);
      total += match ? Number(match[1]) : 0;
    }
    return total;
  }

  beforeAll(async () => {
    ({ redis, prefix } = connectTestBackend(backend));
    ({ redis: other } = connectTestBackend(backend));
    await Promise.all([redis.ping(), other.ping()]);
  });

  beforeEach(async () => {
    await clearPrefix(redis, prefix);
    now = Math.floor(Date.now() / 1000);
    cache = SessionReadCache.start(redis, keys().sessionPrefix);
    cached = storeOn(redis, cache);
    instance2 = storeOn(other);
    await eventually(
      async () => cache.serving,
      (serving) => serving,
    );
  });

  afterEach(async () => {
    await cache.close();
  });

  afterAll(async () => {
    await clearPrefix(redis, prefix);
    await Promise.all([redis.quit(), other.quit()]);
  });

  describe(`SessionReadCache on a ${backend}`, () => {
    it("serves a session read again within its minute without asking Redis", async () => {
      const id = newId();
      const session = makeSession({ createdAt: now });
      await instance2.set(id, session);
      expect(await cached.get(id)).toEqual(session);
      const before = await readsRun();
      for (let i = 0; i < 20; i++) expect(await cached.get(id)).toEqual(session);
      expect(await readsRun()).toBe(before);
    });

    it("ends a session another instance logged out before its next read, every time", async () => {
      // The race the cache must never lose: another instance's logout, then at once a
      // request here. 50 rounds, each with the session cached first.
      for (let round = 0; round < 50; round++) {
        const id = newId();
        await instance2.set(
          id,
          makeSession({ createdAt: now, sid: `sid-${round}`, iat: now + round }),
        );
        expect(await cached.get(id)).not.toBeNull();
        expect(await cached.get(id)).not.toBeNull(); // from the cache
        if (round % 3 === 0) await instance2.delete(id);
        // The tightest case: one round trip, whose answer comes back beside the
        // invalidation (an admin's DEL, or an expiry).
        else if (round % 3 === 1) await other.del(keys().session(id));
        else
          await instance2.endSessionsByLogoutToken({
            iss: issuer,
            sub: "auth0|alice",
            jti: randomBytes(8).toString("hex"),
            iat: now + round,
            exp: now + 120,
          });
        expect(await cached.get(id)).toBeNull();
      }
    });

    it("sees another instance's refreshed tokens on its next read", async () => {
      const id = newId();
      const session = makeSession({ createdAt: now, accessToken: "first" });
      await instance2.set(id, session);
      expect((await cached.get(id))?.tokenSet.accessToken).toBe("first");
      await instance2.update(id, {
        ...session,
        tokenSet: { ...session.tokenSet, accessToken: "second", expiresAt: now + 7200 },
      });
      expect((await cached.get(id))?.tokenSet.accessToken).toBe("second");
    });

    it("drops a session whose key expired in Redis", async () => {
      const id = newId();
      await instance2.set(id, makeSession({ createdAt: now }));
      expect(await cached.get(id)).not.toBeNull();
      await other.pexpire(keys().session(id), 50);
      // Redis deletes the key on its own (active expiry) and says so.
      await eventually(
        () => cached.get(id),
        (session) => session === null,
        5_000,
      );
    });

    it("asks Redis again once the minute's touch is due, and the touch is recorded", async () => {
      const id = newId();
      await instance2.set(id, makeSession({ createdAt: now }));
      await cached.get(id);
      const before = await readsRun();
      await cached.get(id);
      expect(await readsRun()).toBe(before);
      now += touchIntervalSeconds;
      await cached.get(id);
      expect(await readsRun()).toBe(before + 1);
      expect(await redis.hget(keys().session(id), "activeAt")).toBe(String(now));
    });

    it("serves nothing while its tracking connection is lost, then tracks again", async () => {
      const id = newId();
      await instance2.set(id, makeSession({ createdAt: now }));
      await cached.get(id);
      const nodes = redis.isCluster
        ? await mastersOf(redis as Cluster)
        : [redis as Redis];
      // The subscriber connections that receive the invalidations.
      await Promise.all(nodes.map((node) => node.client("KILL", "TYPE", "pubsub")));
      await eventually(
        async () => cache.serving,
        (serving) => !serving,
        5_000,
      );
      // Meanwhile every read asks Redis: a logout elsewhere is seen at once.
      await instance2.delete(id);
      expect(await cached.get(id)).toBeNull();
      await eventually(
        async () => cache.serving,
        (serving) => serving,
        10_000,
      );
      const again = newId();
      await instance2.set(again, makeSession({ createdAt: now }));
      await cached.get(again);
      const before = await readsRun();
      await cached.get(again);
      expect(await readsRun()).toBe(before);
    });
  });
}
