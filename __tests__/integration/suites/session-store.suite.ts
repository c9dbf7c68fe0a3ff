import { randomBytes } from "node:crypto";
import type { Cluster, Command, Redis } from "ioredis";
import { LoginOvertakenError } from "../../../lib/errors";
import * as commandBatch from "../../../lib/redis/command-batch";
import { sessionKeysFor } from "../../../lib/session/keys";
import {
  decodeSessionRecord,
  encodeSessionRecord,
} from "../../../lib/session/session-record";
import { memberOf } from "../../../lib/session/store-context";
import { withSharedSessionReads } from "../../../lib/session/read-scope";
import { describeDevice, withSignInDevice } from "../../../lib/session/sign-in-device";
import { RedisSessionStore, touchIntervalSeconds } from "../../../lib/session/store";
import { makeSession } from "../../../dev/harness/session-fixtures";
import {
  clearPrefix,
  connectTestBackend,
  keysUnder,
  type TestBackend,
} from "../../support/test-redis";

const issuer = "https://tenant.example.com/";
const lifetime = { rolling: true, absoluteDuration: 3 * 86400, inactivityDuration: 3600 };
const alice = "auth0|alice";
const bob = "auth0|bob";
const chromeOnWindows =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

/** The session store's behaviour, run once on a single Redis and once on a cluster. */
export function sessionStoreSuite(backend: TestBackend): void {
  let redis: Redis | Cluster;
  let prefix: string;
  let now: number;
  let store: RedisSessionStore;

  const newId = () => randomBytes(16).toString("hex");
  const keys = () => sessionKeysFor(prefix);
  const sessionKey = (id: string) => keys().session(id);
  const aliceSessions = () => keys().userSessions(keys().userTag(alice));
  /** The session's record as stored: its head (activity, owner, device) and data. */
  const storedRecord = async (id: string) =>
    decodeSessionRecord((await redis.get(sessionKey(id)))!)!;
  const storeWith = (overrides: Partial<typeof lifetime> = {}) =>
    new RedisSessionStore({
      redis,
      keys: keys(),
      lifetime: { ...lifetime, ...overrides },
      now: () => now,
    });
  /** A verified logout token's claims, issued at `iat` on the provider's clock. */
  const logoutClaims = (claims: { sub?: string; sid?: string; iat: number }) => ({
    iss: issuer,
    jti: randomBytes(8).toString("hex"),
    exp: now + 120,
    acceptableUntil: now + 120,
    ...claims,
  });

  beforeAll(() => {
    ({ redis, prefix } = connectTestBackend(backend));
  });

  beforeEach(async () => {
    await clearPrefix(redis, prefix);
    now = 1_900_000_000;
    store = storeWith();
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await clearPrefix(redis, prefix);
    await redis.quit();
  });

  describe(`RedisSessionStore on a ${backend}`, () => {
    it("returns what was set, and null for an unknown id", async () => {
      const id = newId();
      const session = makeSession({ createdAt: now });
      await store.set(id, session);
      expect(await store.get(id)).toEqual(session);
      expect(await store.get(newId())).toBeNull();
    });

    it("keeps a session in its own slot, lists it in its user's slot, and its verified email in its own", async () => {
      const id = newId();
      const session = makeSession({ createdAt: now, sid: "sid-a" });
      session.user.email_verified = true;
      await store.set(id, session);
      expect(await keysUnder(redis, prefix)).toEqual(
        [
          `${prefix}session:${id}`,
          `${prefix}sid:{sid-a}:sub`,
          `${prefix}user:{auth0%7Calice}:sessions`,
          `${prefix}email:{alice%40example.com}`,
        ].sort(),
      );
      expect(await redis.zrange(aliceSessions(), 0, -1)).toEqual([memberOf(id, "sid-a")]);
      expect(await redis.get(keys().sidSub("sid-a"))).toBe(alice);
    });

    it("keeps a sign-in compact: the session one string with its record, the user's index a listpack", async () => {
      const id = newId();
      // A sid as long as a real one: `<id>:<sid>` would overrun a listpack's 64 bytes.
      const sid = "W-cxNd87z0DyF3CCilJfihsr1Gn7ajZiepn_vHlEQ1J";
      const session = makeSession({ createdAt: now, sid });
      await withSignInDevice(describeDevice(chromeOnWindows, "198.51.100.7"), () =>
        store.set(id, session),
      );
      expect(await redis.type(sessionKey(id))).toBe("string");
      expect(await storedRecord(id)).toEqual({
        head: {
          deadline: now + 3 * 86400,
          activeAt: now,
          tokenExpiresAt: now + 3600,
          device: {
            device: "computer",
            browser: "Chrome 124",
            os: "Windows 10",
            ip: "198.51.100.7",
          },
        },
        data: JSON.stringify(session),
      });
      expect(await redis.object("ENCODING", aliceSessions())).toBe("listpack");
    });

    it("signs in in two round trips: the session beside its sid's binding, then its listing beside its email", async () => {
      await store.set(newId(), makeSession({ createdAt: now, sid: "warm-up" }));
      const trips: string[][] = [];
      let inFlight = 0;
      const send = redis.sendCommand.bind(redis) as (...args: unknown[]) => unknown;
      jest.spyOn(redis, "sendCommand").mockImplementation(((
        command: Command,
        ...rest: unknown[]
      ) => {
        if (inFlight++ === 0) trips.push([]);
        trips[trips.length - 1]!.push(command.name);
        const settle = () => {
          inFlight -= 1;
        };
        command.promise.then(settle, settle);
        return send(command, ...rest);
      }) as never);
      await store.set(newId(), makeSession({ createdAt: now, sid: "sid-a" }));
      expect(trips).toEqual([
        ["set", "evalsha"],
        ["evalsha", "evalsha"],
      ]);
    });

    it("gives a new rolling session the inactivity duration as its TTL", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      expect(await redis.expiretime(sessionKey(id))).toBe(now + 3600);
    });

    it("caps the TTL at the absolute deadline, and uses it alone when rolling is off", async () => {
      const late = newId();
      await store.set(late, makeSession({ createdAt: now - (3 * 86400 - 120) }));
      expect(await redis.expiretime(sessionKey(late))).toBe(now + 120);
      const fixed = newId();
      await storeWith({ rolling: false }).set(
        fixed,
        makeSession({ createdAt: now - 100 }),
      );
      expect(await redis.expiretime(sessionKey(fixed))).toBe(now - 100 + 3 * 86400);
    });

    it("moves a rolling session's expiry on a read at most once a minute", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      const createdAt = now;
      now += touchIntervalSeconds - 1;
      expect(await store.get(id)).not.toBeNull();
      expect(await redis.expiretime(sessionKey(id))).toBe(createdAt + 3600);
      expect((await storedRecord(id)).head.activeAt).toBe(createdAt);
      now += 1;
      expect(await store.get(id)).not.toBeNull();
      expect(await redis.expiretime(sessionKey(id))).toBe(now + 3600);
      expect((await storedRecord(id)).head.activeAt).toBe(now);
    });

    it("never rolls past the absolute deadline, and ends the session there", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      for (let hour = 1; hour <= 3 * 24; hour++) {
        now += 3000;
        expect(await store.get(id)).not.toBeNull();
        expect(await redis.expiretime(sessionKey(id))).toBeLessThanOrEqual(
          1_900_000_000 + 3 * 86400,
        );
        if (now + 3000 >= 1_900_000_000 + 3 * 86400) break;
      }
      now = 1_900_000_000 + 3 * 86400;
      expect(await store.get(id)).toBeNull();
      // Redis itself removes it then (this test's clock is not Redis' own).
      expect(await redis.expiretime(sessionKey(id))).toBeLessThanOrEqual(now);
    });

    it("reads a session once per request however many readers ask", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      const run = jest.spyOn(commandBatch, "commandBatcherOf");
      const read = await withSharedSessionReads(async () => {
        const [a, b] = await Promise.all([store.get(id), store.get(id)]);
        const c = await store.get(id);
        return [a, b, c];
      });
      expect(read.every((session) => session?.user.sub === alice)).toBe(true);
      expect(run).toHaveBeenCalledTimes(1);
      // Outside a request every read asks Redis.
      await store.get(id);
      expect(run).toHaveBeenCalledTimes(2);
    });

    it("update rewrites an existing session, counts as activity, and never creates one", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      now += 1800;
      expect(
        await store.update(
          id,
          makeSession({ createdAt: now - 1800, accessToken: "new" }),
        ),
      ).toBe(true);
      expect(await redis.expiretime(sessionKey(id))).toBe(now + 3600);
      expect((await store.get(id))?.tokenSet.accessToken).toBe("new");
      const unknown = newId();
      expect(await store.update(unknown, makeSession({ createdAt: now }))).toBe(false);
      expect(await redis.exists(sessionKey(unknown))).toBe(0);
    });

    it("never lets a write with a stale token set replace a newer one", async () => {
      const id = newId();
      const original = makeSession({ createdAt: now, accessToken: "token-1" });
      await store.set(id, original);
      const refreshed = structuredClone(original);
      refreshed.tokenSet = {
        ...refreshed.tokenSet,
        accessToken: "token-2",
        refreshToken: "rt-2",
        expiresAt: now + 7200,
      };
      expect(await store.update(id, refreshed)).toBe(true);
      now += 60;
      expect(await store.update(id, original)).toBe(true);
      const stored = await store.get(id);
      expect(stored?.tokenSet.accessToken).toBe("token-2");
      expect(stored?.tokenSet.refreshToken).toBe("rt-2");
      expect(await redis.expiretime(sessionKey(id))).toBe(now + 3600);
    });

    it("delete removes the session and unlists it, leaving the user's others", async () => {
      const id = newId();
      const other = newId();
      await store.set(id, makeSession({ createdAt: now, sid: "sid-a" }));
      await store.set(other, makeSession({ createdAt: now, sid: "sid-b" }));
      await store.delete(id);
      expect(await store.get(id)).toBeNull();
      expect(await store.get(other)).not.toBeNull();
      expect(await redis.zrange(aliceSessions(), 0, -1)).toEqual([
        memberOf(other, "sid-b"),
      ]);
    });

    it("keeps a user's index as small as their live sessions, pruning as logins come", async () => {
      for (let i = 0; i < 20; i++) {
        await store.set(
          newId(),
          makeSession({ createdAt: now - 3 * 86400 + 10, sid: `old-${i}` }),
        );
      }
      expect(await redis.zcard(aliceSessions())).toBe(20);
      now += 11;
      const fresh = newId();
      await store.set(fresh, makeSession({ createdAt: now, sid: "new" }));
      expect(await redis.zrange(aliceSessions(), 0, -1)).toEqual([
        memberOf(fresh, "new"),
      ]);
    });

    it("returns null for a session whose stored data is not JSON", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now }));
      const { head } = await storedRecord(id);
      await redis.set(sessionKey(id), encodeSessionRecord(head, "{not json"), "KEEPTTL");
      expect(await store.get(id)).toBeNull();
    });

    it("treats a value that is not a session record as no session", async () => {
      const id = newId();
      await redis.set(sessionKey(id), JSON.stringify(makeSession({ createdAt: now })));
      expect(await store.get(id)).toBeNull();
      expect(await store.update(id, makeSession({ createdAt: now }))).toBe(false);
    });

    describe("logins a logout has overtaken (provider clock only)", () => {
      it("refuses a login issued at or before a logout of its user, and keeps one issued after", async () => {
        const logoutAt = now + 500; // the provider's clock, not the app's
        await store.endSessionsByLogoutToken(logoutClaims({ sub: alice, iat: logoutAt }));
        for (const iat of [logoutAt - 30, logoutAt]) {
          const id = newId();
          await expect(
            store.set(id, makeSession({ createdAt: now, iat, sid: "sid-x" })),
          ).rejects.toEqual(expect.any(LoginOvertakenError));
          expect(await redis.exists(sessionKey(id))).toBe(0);
        }
        const kept = newId();
        await store.set(
          kept,
          makeSession({ createdAt: now, iat: logoutAt + 1, sid: "sid-x" }),
        );
        expect(await store.get(kept)).not.toBeNull();
      });

      it("refuses a login of an ended sid issued up to the logout, never bans the sid after", async () => {
        await store.endSessionsByLogoutToken(
          logoutClaims({ sub: alice, sid: "sid-1", iat: now }),
        );
        await expect(
          store.set(newId(), makeSession({ createdAt: now, iat: now, sid: "sid-1" })),
        ).rejects.toMatchObject({
          code: "login_overtaken_by_logout",
          reason: "sid_logout",
        });
        const other = newId();
        await store.set(other, makeSession({ createdAt: now, iat: now, sid: "sid-2" }));
        const later = newId();
        await store.set(
          later,
          makeSession({ createdAt: now, iat: now + 1, sid: "sid-1" }),
        );
        expect(await store.get(other)).not.toBeNull();
        expect(await store.get(later)).not.toBeNull();
      });

      it("refuses a login of a sid that a sid-only logout ended before any login bound it", async () => {
        await store.endSessionsByLogoutToken(
          logoutClaims({ sid: "sid-early", iat: now }),
        );
        await expect(
          store.set(newId(), makeSession({ createdAt: now, iat: now, sid: "sid-early" })),
        ).rejects.toMatchObject({ reason: "sid_logout" });
        const later = newId();
        await store.set(
          later,
          makeSession({ createdAt: now, iat: now + 1, sid: "sid-early" }),
        );
        expect(await store.get(later)).not.toBeNull();
      });
    });

    it("a logout is all or nothing: after a failure mid-way its retry is carried out, then a replay is refused", async () => {
      const ids = [newId(), newId()];
      for (const [i, id] of ids.entries())
        await store.set(id, makeSession({ createdAt: now, sid: `sid-${i}` }));
      const claims = logoutClaims({ sub: alice, iat: now });
      // Another instance whose connection drops (for real) just as it starts deleting.
      const failing = (redis as Redis).duplicate({ enableOfflineQueue: false });
      failing.on("error", () => {});
      const failingStore = new RedisSessionStore({
        redis: failing,
        keys: keys(),
        lifetime,
        now: () => now,
      });
      const realDel = failing.del.bind(failing) as (...args: unknown[]) => unknown;
      jest.spyOn(failing, "del").mockImplementation(((...args: unknown[]) => {
        failing.disconnect();
        return realDel(...args);
      }) as never);
      await expect(failingStore.endSessionsByLogoutToken(claims)).rejects.toMatchObject({
        code: "session_store_unavailable",
      });
      jest.restoreAllMocks();
      failing.disconnect();
      expect(await store.get(ids[0]!)).not.toBeNull();
      // The provider retries the same token: it is not "already used".
      expect(await store.endSessionsByLogoutToken(claims)).toEqual({
        replayed: false,
        sessionsEnded: 2,
      });
      for (const id of ids) expect(await store.get(id)).toBeNull();
      expect(await store.endSessionsByLogoutToken(claims)).toEqual({ replayed: true });
    });

    describe("races that really race", () => {
      it("logins racing a sub logout either end before it and are ended, or are refused", async () => {
        const logoutIat = now; // every login below was issued in the logout's second
        const outcomes: Array<"kept" | "refused"> = [];
        const ids: string[] = [];
        let logoutDone = false;
        let afterLogout = 0;
        const logins = (async () => {
          while (!logoutDone || afterLogout++ < 3) {
            const id = newId();
            ids.push(id);
            try {
              await store.set(
                id,
                makeSession({ createdAt: now, iat: logoutIat, sid: `s-${ids.length}` }),
              );
              outcomes.push("kept");
            } catch (error) {
              if (!(error instanceof LoginOvertakenError)) throw error;
              outcomes.push("refused");
            }
          }
        })();
        while (outcomes.length === 0)
          await new Promise((resolve) => setImmediate(resolve));
        const other = storeWith(); // another app instance on the same Redis
        const outcome = await other.endSessionsByLogoutToken(
          logoutClaims({ sub: alice, iat: logoutIat }),
        );
        logoutDone = true;
        await logins;
        // The race happened: logins completed before the logout's mark, and after it.
        expect(outcomes).toContain("kept");
        expect(outcomes).toContain("refused");
        expect(outcome).toMatchObject({ replayed: false });
        // And nothing survived it.
        for (const id of ids) expect(await redis.exists(sessionKey(id))).toBe(0);
      });

      it("token refreshes racing a logout land before it or find the session gone, never revive it", async () => {
        for (let round = 0; round < 3; round++) {
          const id = newId();
          const session = makeSession({ createdAt: now, sid: `sid-${round}` });
          await store.set(id, session);
          const other = storeWith(); // the logout arrives at another instance
          const results: boolean[] = [];
          let logoutDone = false;
          let afterLogout = 0;
          const refreshes = (async () => {
            while (!logoutDone || afterLogout++ < 3) {
              const refreshed = structuredClone(session);
              refreshed.tokenSet.expiresAt = now + 3600 + results.length;
              results.push(await store.update(id, refreshed));
            }
          })();
          while (results.length === 0)
            await new Promise((resolve) => setImmediate(resolve));
          await other.endSessionsByLogoutToken(
            logoutClaims({ sub: alice, sid: `sid-${round}`, iat: now }),
          );
          logoutDone = true;
          await refreshes;
          // Writes landed before the logout ended the session, and after it.
          expect(results).toContain(true);
          expect(results).toContain(false);
          expect(results.lastIndexOf(true)).toBeLessThan(results.indexOf(false));
          expect(await redis.exists(sessionKey(id))).toBe(0);
        }
      });
    });
  });
  describe(`a user's sessions on a ${backend} (your sessions)`, () => {
    /** A sign-in of `sub` (with that user's own email) at `now`. */
    const signIn = async (
      sub: string,
      sid: string,
      options: { store?: RedisSessionStore; userAgent?: string } = {},
    ) => {
      const id = newId();
      const session = makeSession({ createdAt: now, sub, sid });
      session.user.email = `${sub.split("|")[1]}@example.com`;
      session.user.email_verified = true;
      const into = options.store ?? store;
      await withSignInDevice(
        describeDevice(options.userAgent ?? null, "198.51.100.7"),
        () => into.set(id, session),
      );
      return id;
    };
    const bobSessions = () => keys().userSessions(keys().userTag(bob));

    it("records the sign-in's device and lists each live session of the user only", async () => {
      const first = await signIn(alice, "sid-a", { userAgent: chromeOnWindows });
      now += 5;
      const second = await signIn(alice, "sid-b");
      await signIn(bob, "sid-bob", { userAgent: chromeOnWindows });
      const listed = await store.listSessionsOfUser(alice);
      expect(listed).toHaveLength(2);
      expect(listed).toEqual(
        expect.arrayContaining([
          {
            id: first,
            sid: "sid-a",
            createdAt: now - 5,
            activeAt: now - 5,
            device: "computer",
            browser: "Chrome 124",
            os: "Windows 10",
            ip: "198.51.100.7",
          },
          {
            id: second,
            sid: "sid-b",
            createdAt: now,
            activeAt: now,
            device: "",
            browser: "",
            os: "",
            ip: "198.51.100.7",
          },
        ]),
      );
      expect(await store.listSessionsOfUser(bob)).toEqual([
        expect.objectContaining({ sid: "sid-bob", browser: "Chrome 124" }),
      ]);
      expect(await store.listSessionsOfUser("auth0|nobody")).toEqual([]);
    });

    it("records an unknown device for a session set outside a sign-in", async () => {
      const id = newId();
      await store.set(id, makeSession({ createdAt: now, sid: "sid-a" }));
      expect(await store.listSessionsOfUser(alice)).toEqual([
        {
          id,
          sid: "sid-a",
          createdAt: now,
          activeAt: now,
          device: "",
          browser: "",
          os: "",
          ip: "",
        },
      ]);
    });

    it("moves activeAt when the session is read a minute or more later", async () => {
      const id = await signIn(alice, "sid-a");
      const createdAt = now;
      now += touchIntervalSeconds - 1;
      await store.get(id);
      expect((await store.listSessionsOfUser(alice))[0]?.activeAt).toBe(createdAt);
      now += 1;
      await store.get(id);
      expect(await store.listSessionsOfUser(alice)).toEqual([
        expect.objectContaining({ id, createdAt, activeAt: now }),
      ]);
    });

    it("leaves out, and prunes from the index, an entry whose session is gone", async () => {
      const gone = await signIn(alice, "sid-a");
      const kept = await signIn(alice, "sid-b");
      await redis.del(sessionKey(gone));
      expect((await store.listSessionsOfUser(alice)).map((s) => s.id)).toEqual([kept]);
      expect(await redis.zrange(aliceSessions(), 0, -1)).toEqual([
        memberOf(kept, "sid-b"),
      ]);
    });

    it("ends exactly the sessions given, unlists them, and leaves the others", async () => {
      const a = await signIn(alice, "sid-a");
      const b = await signIn(alice, "sid-b");
      const c = await signIn(alice, "sid-c");
      const listed = await store.listSessionsOfUser(alice);
      const toEnd = listed.filter((s) => s.id !== c);
      expect(await store.endSessionsOfUser(alice, toEnd)).toBe(2);
      for (const id of [a, b]) expect(await redis.exists(sessionKey(id))).toBe(0);
      expect(await store.get(c)).not.toBeNull();
      expect(await redis.zrange(aliceSessions(), 0, -1)).toEqual([memberOf(c, "sid-c")]);
      expect((await store.listSessionsOfUser(alice)).map((s) => s.id)).toEqual([c]);
      // Already gone: nothing more to end.
      expect(await store.endSessionsOfUser(alice, toEnd)).toBe(0);
      expect(await store.endSessionsOfUser(alice, [])).toBe(0);
    });

    it("counts 0 for a listed session deleted meanwhile, and unlists it", async () => {
      const id = await signIn(alice, "sid-a");
      await redis.del(sessionKey(id));
      expect(await store.endSessionsOfUser(alice, [{ id, sid: "sid-a" }])).toBe(0);
      expect(await redis.zcard(aliceSessions())).toBe(0);
    });

    it("ends nothing of another user's named under this user", async () => {
      const bobs = await signIn(bob, "sid-bob");
      await signIn(alice, "sid-a");
      expect(await store.endSessionsOfUser(alice, [{ id: bobs, sid: "sid-bob" }])).toBe(
        0,
      );
      expect(await store.get(bobs)).not.toBeNull();
      expect(await redis.zrange(bobSessions(), 0, -1)).toEqual([
        memberOf(bobs, "sid-bob"),
      ]);
      expect(await store.listSessionsOfUser(bob)).toHaveLength(1);
      expect(await store.listSessionsOfUser(alice)).toHaveLength(1);
    });

    it("finds a user by the email they signed in with, in any case", async () => {
      await signIn(alice, "sid-a");
      await signIn(bob, "sid-bob");
      expect(await store.findUserByEmail("ALICE@example.com")).toBe(alice);
      expect(await store.findUserByEmail("alice@example.com")).toBe(alice);
      expect(await store.findUserByEmail(" bob@Example.COM ")).toBe(bob);
      expect(await store.findUserByEmail("carol@example.com")).toBeNull();
    });

    it("with maxSessionsPerUser, a sign-in beyond it ends the least recently active", async () => {
      const onSessionLimit = jest.fn();
      const limited = new RedisSessionStore({
        redis,
        keys: keys(),
        lifetime,
        maxSessionsPerUser: 2,
        onSessionLimit,
        now: () => now,
      });
      const first = await signIn(alice, "sid-1", { store: limited });
      now += 10;
      const second = await signIn(alice, "sid-2", { store: limited });
      await signIn(bob, "sid-bob", { store: limited });
      now += touchIntervalSeconds;
      expect(await limited.get(first)).not.toBeNull(); // first is now the more recent
      expect(onSessionLimit).not.toHaveBeenCalled();
      const third = await signIn(alice, "sid-3", { store: limited });
      expect(await redis.exists(sessionKey(second))).toBe(0);
      expect(await limited.get(first)).not.toBeNull();
      expect(await limited.get(third)).not.toBeNull();
      expect(onSessionLimit).toHaveBeenCalledTimes(1);
      expect(onSessionLimit).toHaveBeenCalledWith(alice, 1);
      expect((await limited.listSessionsOfUser(alice)).map((s) => s.id).sort()).toEqual(
        [first, third].sort(),
      );
      expect(await redis.zcard(aliceSessions())).toBe(2);
      // Another user's sessions do not count against alice's limit.
      expect(await limited.listSessionsOfUser(bob)).toHaveLength(1);
    });

    it("without maxSessionsPerUser, keeps every sign-in", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await signIn(alice, `sid-${i}`));
      expect((await store.listSessionsOfUser(alice)).map((s) => s.id).sort()).toEqual(
        [...ids].sort(),
      );
    });

    it("lists all of 1,000 sessions of one user", async () => {
      const ids: string[] = [];
      for (let batch = 0; batch < 20; batch++) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: 50 }, (_, i) => signIn(alice, `sid-${batch}-${i}`)),
          )),
        );
      }
      await signIn(bob, "sid-bob");
      const listed = await store.listSessionsOfUser(alice);
      expect(listed).toHaveLength(1000);
      expect(new Set(listed.map((s) => s.id))).toEqual(new Set(ids));
    }, 60_000);
  });
}
