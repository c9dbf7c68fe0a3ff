import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { sessionKeysFor } from "../../lib/session/keys";
import { RedisSessionStore } from "../../lib/session/store";
import { makeSession } from "../../dev/harness/session-fixtures";
import { clearPrefix, connectTestRedis, keysUnder } from "../support/test-redis";

const issuer = "https://tenant.example.com/";
const lifetime = { rolling: true, absoluteDuration: 3 * 86400, inactivityDuration: 3600 };

let redis: Redis;
let prefix: string;
let now: number;
let store: RedisSessionStore;

const newId = () => randomBytes(16).toString("hex");

beforeAll(() => {
  ({ redis, prefix } = connectTestRedis());
});

beforeEach(async () => {
  await clearPrefix(redis, prefix);
  now = 1_900_000_000;
  store = new RedisSessionStore({
    redis,
    keys: sessionKeysFor(prefix),
    lifetime,
    issuer,
    now: () => now,
  });
});

afterAll(async () => {
  await clearPrefix(redis, prefix);
  await redis.quit();
});

describe("RedisSessionStore", () => {
  it("returns what was set, and null for an unknown id", async () => {
    const id = newId();
    const session = makeSession({ createdAt: now });
    await store.set(id, session);
    expect(await store.get(id)).toEqual(session);
    expect(await store.get(newId())).toBeNull();
  });

  it("builds every key under its prefix", async () => {
    const id = newId();
    await store.set(id, makeSession({ createdAt: now, sid: "sid-a" }));
    const keys = await keysUnder(redis, prefix);
    expect(keys).toEqual(
      [
        `${prefix}session:${id}`,
        `${prefix}sid:${encodeURIComponent(issuer)}:sid-a`,
        `${prefix}sub:${encodeURIComponent(issuer)}:${encodeURIComponent("auth0|alice")}`,
      ].sort(),
    );
  });

  it("gives a new rolling session the inactivity duration as its TTL", async () => {
    const id = newId();
    await store.set(id, makeSession({ createdAt: now }));
    expect(await redis.ttl(`${prefix}session:${id}`)).toBe(3600);
  });

  it("refreshes the TTL on update to now + inactivity", async () => {
    const id = newId();
    await store.set(id, makeSession({ createdAt: now }));
    await redis.expire(`${prefix}session:${id}`, 10);
    now += 1800;
    expect(
      await store.update(
        id,
        makeSession({ createdAt: now - 1800, accessToken: "rolled" }),
      ),
    ).toBe(true);
    expect(await redis.ttl(`${prefix}session:${id}`)).toBe(3600);
    expect((await store.get(id))?.tokenSet.accessToken).toBe("rolled");
  });

  it("caps the TTL at the absolute deadline", async () => {
    const id = newId();
    const createdAt = now - (3 * 86400 - 120);
    await store.set(id, makeSession({ createdAt }));
    expect(await redis.ttl(`${prefix}session:${id}`)).toBe(120);
  });

  it("uses the absolute deadline alone when rolling is off", async () => {
    const fixed = new RedisSessionStore({
      redis,
      keys: sessionKeysFor(prefix),
      lifetime: { ...lifetime, rolling: false },
      issuer,
      now: () => now,
    });
    const id = newId();
    await fixed.set(id, makeSession({ createdAt: now - 100 }));
    expect(await redis.ttl(`${prefix}session:${id}`)).toBe(3 * 86400 - 100);
  });

  it("does not write a session whose lifetime is over, and update deletes it", async () => {
    const expired = makeSession({ createdAt: now - 3 * 86400 });
    const id = newId();
    await store.set(id, expired);
    expect(await store.get(id)).toBeNull();

    const live = newId();
    await store.set(live, makeSession({ createdAt: now - 3 * 86400 + 60 }));
    now += 61;
    expect(
      await store.update(live, makeSession({ createdAt: now - 3 * 86400 - 1 })),
    ).toBe(false);
    expect(await keysUnder(redis, `${prefix}session:`)).toEqual([]);
  });

  it("keeps each index's TTL at least as long as the sessions it lists", async () => {
    const first = newId();
    await store.set(first, makeSession({ createdAt: now, sid: "sid-a" }));
    now += 600;
    await store.update(first, makeSession({ createdAt: now - 600, sid: "sid-a" }));
    const subIndex = `${prefix}sub:${encodeURIComponent(issuer)}:${encodeURIComponent("auth0|alice")}`;
    const sidIndex = `${prefix}sid:${encodeURIComponent(issuer)}:sid-a`;
    expect(await redis.ttl(subIndex)).toBe(3600);
    expect(await redis.ttl(sidIndex)).toBe(3600);
  });

  it("update returns false and writes nothing for a session that does not exist", async () => {
    const id = newId();
    expect(await store.update(id, makeSession({ createdAt: now }))).toBe(false);
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });

  it("delete removes the session and its index entries", async () => {
    const id = newId();
    const other = newId();
    await store.set(id, makeSession({ createdAt: now, sid: "sid-a" }));
    await store.set(other, makeSession({ createdAt: now, sid: "sid-b" }));
    await store.delete(id);
    expect(await store.get(id)).toBeNull();
    expect(await store.get(other)).not.toBeNull();
    const subIndex = `${prefix}sub:${encodeURIComponent(issuer)}:${encodeURIComponent("auth0|alice")}`;
    expect(await redis.smembers(subIndex)).toEqual([`${prefix}session:${other}`]);
    expect(await redis.exists(`${prefix}sid:${encodeURIComponent(issuer)}:sid-a`)).toBe(
      0,
    );
  });

  it("never re-creates a deleted session when 200 updates race one delete", async () => {
    for (let round = 0; round < 5; round++) {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      const updates = Array.from({ length: 200 }, (_, i) =>
        store.update(id, makeSession({ createdAt: now, accessToken: `update-${i}` })),
      );
      const deletion = store.delete(id);
      const results = await Promise.all([
        ...updates.slice(0, 100),
        deletion,
        ...updates.slice(100),
      ]);
      expect(await store.get(id)).toBeNull();
      expect(await redis.exists(`${prefix}session:${id}`)).toBe(0);
      // Some updates ran before the delete and some after: the race really happened.
      const written = results.slice(0, 200).filter((r) => r === true).length;
      expect(written).toBeGreaterThan(0);
      expect(await store.update(id, makeSession({ createdAt: now }))).toBe(false);
    }
  });

  it("never lets a rolling write with a stale token set replace a newer one", async () => {
    const id = newId();
    const original = makeSession({ createdAt: now, accessToken: "token-1" });
    await store.set(id, original);
    // Request A read the session, then request B refreshed the tokens…
    const refreshed = structuredClone(original);
    refreshed.tokenSet = {
      ...refreshed.tokenSet,
      accessToken: "token-2",
      refreshToken: "rt-2",
      expiresAt: now + 7200,
    };
    expect(await store.update(id, refreshed)).toBe(true);
    // …and now A's rolling write arrives with what it read.
    now += 60;
    expect(await store.update(id, original)).toBe(true);
    const stored = await store.get(id);
    expect(stored?.tokenSet.accessToken).toBe("token-2");
    expect(stored?.tokenSet.refreshToken).toBe("rt-2");
    // The stale write still counted as activity: the session's life was extended.
    expect(await redis.ttl(`${prefix}session:${id}`)).toBe(3600);
  });

  it("returns null for a session whose stored data is not JSON", async () => {
    const id = newId();
    await redis.hset(`${prefix}session:${id}`, "data", "{not json");
    expect(await store.get(id)).toBeNull();
  });
});
