import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { SignJWT, createLocalJWKSet, type CryptoKey, type JSONWebKeySet } from "jose";
import {
  backchannelLogoutDeps,
  handleBackchannelLogout,
  type BackchannelLogoutDeps,
} from "../../lib/backchannel-logout/handler";
import { backchannelLogoutEvent } from "../../lib/backchannel-logout/logout-token";
import { SessionStoreUnavailableError } from "../../lib/errors";
import { checkReadiness } from "../../lib/health/readiness";
import {
  checkEvictionPolicy,
  checkEvictionPolicyWhenReady,
  createThrottledEvictionPolicyCheck,
  evictionPolicyLogIntervalMs,
} from "../../lib/redis/eviction-policy";
import { sessionKeysFor } from "../../lib/session/keys";
import { recordTimes } from "../../lib/session/session-record";
import { RedisSessionStore, touchIntervalSeconds } from "../../lib/session/store";
import {
  memoryLimitArgs,
  noPersistenceArgs,
  startPrivateServer,
  type ProvidedRedis,
} from "../../dev/harness/redis-provider";
import { makeSession } from "../../dev/harness/session-fixtures";
import { eventually } from "../support/eventually";
import { createTestSigningKeys } from "../support/test-signing-keys";
import { connectTestRedisCluster, mastersOf } from "../support/test-redis";

const issuer = "https://tenant.example.com/";
const clientId = "app-client";
const kid = "test-key";
const lifetime = { rolling: true, absoluteDuration: 86400, inactivityDuration: 3600 };
/** Small enough to fill in a moment, above what an empty Redis 7 uses (about 1 MB). */
const maxmemory = "4mb";

interface LogLine {
  level: string;
  fields: object;
  message: string;
}

function collectingLog() {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: object, message: string) =>
    void lines.push({ level, fields, message });
  return { lines, log: { info: at("info"), warn: at("warn"), error: at("error") } };
}

const providerUp = async () => true;

describe("the eviction policy check on an evicting Redis (allkeys-lru, 4 MB) without CONFIG", () => {
  let server: ProvidedRedis;
  let redis: Redis;

  beforeAll(async () => {
    // As on many managed services, CONFIG is not available: the check reads INFO.
    server = await startPrivateServer([
      ...noPersistenceArgs,
      ...memoryLimitArgs(maxmemory, "allkeys-lru"),
      "--rename-command",
      "CONFIG",
      "",
    ]);
    redis = new Redis(server.url);
  });

  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it("reports allkeys-lru, and readiness answers not ready with the policy", async () => {
    await expect(redis.config("GET", "maxmemory-policy")).rejects.toThrow(
      /unknown command/i,
    );
    const check = await checkEvictionPolicy(redis, { acceptEviction: false });
    expect(check).toEqual({
      verdict: "refused",
      policy: "allkeys-lru",
      servers: [{ server: `127.0.0.1:${redis.options.port}`, policy: "allkeys-lru" }],
    });
    const readiness = await checkReadiness({
      redisServes: async () => (await redis.ping()) === "PONG",
      redisEvictionPolicy: async () => check,
      providerUp,
    });
    expect(readiness).toEqual({
      ready: false,
      checks: { redis: "down", provider: "up", evictionPolicy: "allkeys-lru" },
    });
  });

  it("stays ready when REDIS_ACCEPT_EVICTION accepts the risk, and still shows the policy", async () => {
    const check = await checkEvictionPolicy(redis, { acceptEviction: true });
    expect(check).toMatchObject({ verdict: "accepted", policy: "allkeys-lru" });
    const readiness = await checkReadiness({
      redisServes: async () => (await redis.ping()) === "PONG",
      redisEvictionPolicy: async () => check,
      providerUp,
    });
    expect(readiness).toEqual({
      ready: true,
      checks: { redis: "up", provider: "up", evictionPolicy: "allkeys-lru" },
    });
  });

  it("logs a refused policy from /api/ready at most once per interval per policy", async () => {
    const { lines, log } = collectingLog();
    let now = 1_000_000;
    const check = createThrottledEvictionPolicyCheck({
      redis,
      acceptEviction: false,
      log,
      now: () => now,
    });
    for (let poll = 0; poll < 5; poll++) {
      expect(await check()).toMatchObject({ verdict: "refused" });
      now += 5_000;
    }
    expect(lines.map((line) => [line.level, line.fields])).toEqual([
      ["error", expect.objectContaining({ event: "redis_eviction_policy" })],
    ]);
    now = 1_000_000 + evictionPolicyLogIntervalMs;
    await check();
    expect(lines).toHaveLength(2);
  });

  it("logs nothing from /api/ready when the risk is accepted", async () => {
    const { lines, log } = collectingLog();
    const check = createThrottledEvictionPolicyCheck({
      redis,
      acceptEviction: true,
      log,
    });
    expect(await check()).toMatchObject({ verdict: "accepted" });
    expect(lines).toEqual([]);
  });

  it("logs at start-up, on the first connection, an error naming maxmemory-policy and the fix", async () => {
    const { lines, log } = collectingLog();
    const notYetConnected = new Redis(server.url, { lazyConnect: true });
    try {
      await checkEvictionPolicyWhenReady(notYetConnected, { acceptEviction: false, log });
      expect(lines).toEqual([]);
      await notYetConnected.connect();
      const [line] = await eventually(
        async () => lines,
        (found) => found.length > 0,
      );
      expect(line?.level).toBe("error");
      expect(line?.message).toMatch(
        /maxmemory-policy is allkeys-lru.*still answers 200.*maxmemory-policy noeviction/,
      );
    } finally {
      await notYetConnected.quit();
    }
  });

  it("warns at start-up, naming REDIS_ACCEPT_EVICTION and the risk, when the risk is accepted", async () => {
    const { lines, log } = collectingLog();
    await checkEvictionPolicyWhenReady(redis, { acceptEviction: true, log });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "warn",
        message: expect.stringMatching(
          /REDIS_ACCEPT_EVICTION=true: .*still answers 200/,
        ) as unknown,
      }),
    ]);
  });
});

describe("the eviction policy check on the test Redis Cluster", () => {
  it("reads noeviction on every master, and is satisfied", async () => {
    const { redis: cluster } = connectTestRedisCluster();
    try {
      const masters = await mastersOf(cluster);
      const check = await checkEvictionPolicy(cluster, { acceptEviction: false });
      expect(check.verdict).toBe("safe");
      expect(check.servers.map((server) => server.server).sort()).toEqual(
        masters.map((master) => `${master.options.host}:${master.options.port}`).sort(),
      );
      expect(check.servers.map((server) => server.policy)).toEqual(
        masters.map(() => "noeviction"),
      );
    } finally {
      await cluster.quit();
    }
  });
});

describe("a full Redis under noeviction (4 MB): a clear 503, never a wrong answer", () => {
  let server: ProvidedRedis;
  let redis: Redis;
  let privateKey: CryptoKey;
  let jwks: JSONWebKeySet;
  let store: RedisSessionStore;
  /** The store's clock, epoch seconds: a test moves it to make a touch due. */
  let clock: number;
  let filler: string[];
  const keys = sessionKeysFor("test:eviction:");

  beforeAll(async () => {
    server = await startPrivateServer([
      ...noPersistenceArgs,
      ...memoryLimitArgs(maxmemory, "noeviction"),
    ]);
    redis = new Redis(server.url);
    ({ privateKey, jwks } = await createTestSigningKeys(kid));
  });

  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  beforeEach(async () => {
    await redis.flushall();
    clock = Math.floor(Date.now() / 1000);
    store = new RedisSessionStore({
      redis,
      keys,
      lifetime,
      now: () => clock,
    });
    expect(await checkEvictionPolicy(redis, { acceptEviction: false })).toMatchObject({
      verdict: "safe",
    });
  });

  async function login(sub: string, sid: string): Promise<string> {
    const id = randomBytes(16).toString("hex");
    await store.set(id, makeSession({ sub, sid, iat: clock - 10, createdAt: clock }));
    return id;
  }

  /**
   * Writes 32 KB values until Redis refuses one with OOM. A full Redis hovers at its
   * limit (a small write still fits now and then), so half a megabyte more, written by
   * a script allowed past the limit, keeps it over for the whole test: every command
   * that may grow memory is refused, as on a Redis that stays full.
   */
  async function fillRedis(): Promise<void> {
    const value = "x".repeat(32 * 1024);
    filler = [];
    for (;;) {
      const key = `filler:${filler.length}`;
      const refused = await redis.set(key, value).then(
        () => undefined,
        (error: Error) => error,
      );
      if (refused) {
        expect(refused.message).toMatch(/^OOM command not allowed/);
        break;
      }
      filler.push(key);
      if (filler.length > 1_000) throw new Error(`${maxmemory} never filled up`);
    }
    await redis.eval(
      "#!lua flags=allow-oom\nredis.call('SET', KEYS[1], string.rep('x', tonumber(ARGV[1])))\nreturn 1",
      1,
      "ballast",
      512 * 1024,
    );
    filler.push("ballast");
    const info = await redis.info("memory");
    const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
    const limit = Number(/^maxmemory:(\d+)/m.exec(info)?.[1]);
    expect(used).toBeGreaterThan(limit);
    await expect(redis.set("probe", "1")).rejects.toThrow(/^OOM/);
  }

  /** What an operator does about a full Redis: memory is freed. */
  async function freeMemory(): Promise<void> {
    await redis.del(...filler);
  }

  function logoutToken(claims: { sub?: string; sid?: string }): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: issuer,
      aud: clientId,
      iat,
      exp: iat + 120,
      jti: randomUUID(),
      events: { [backchannelLogoutEvent]: {} },
      ...claims,
    })
      .setProtectedHeader({ alg: "RS256", kid, typ: "logout+jwt" })
      .sign(privateKey);
  }

  /**
   * Posts `token` to the handler, wired as the app wires it; `failure` is what ending
   * the sessions threw, if anything (the handler logs only that the store failed).
   */
  async function backchannelLogout(token: string) {
    const { log, lines } = collectingLog();
    const wired = backchannelLogoutDeps({
      store,
      provider: { issuer: async () => issuer, signingKeys: createLocalJWKSet(jwks) },
      clientId,
      log,
    });
    let failure: unknown;
    const deps: BackchannelLogoutDeps = {
      ...wired,
      endSessions: (claims) =>
        wired.endSessions(claims).catch((error: unknown) => {
          failure = error;
          throw error;
        }),
    };
    const response = await handleBackchannelLogout(
      new Request("http://app.test/auth/backchannel-logout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `logout_token=${encodeURIComponent(token)}`,
      }),
      deps,
    );
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: await response.text(),
      logged: lines.map((line) => line.fields),
      failure,
    };
  }

  /** A logout that Redis refused as out of memory: what the handler logs, and why. */
  const refusedByRedis = {
    logged: [expect.objectContaining({ event: "backchannel_logout_failed" }) as unknown],
    failure: expect.objectContaining({
      code: SessionStoreUnavailableError.code,
      cause: expect.objectContaining({
        message: expect.stringMatching(/^OOM command not allowed/) as unknown,
      }) as unknown,
    }) as unknown,
  };

  async function expectStoreUnavailable(call: Promise<unknown>): Promise<void> {
    const error: unknown = await call.then(
      () => new Error("expected SessionStoreUnavailableError, got a success"),
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SessionStoreUnavailableError);
    expect(((error as Error).cause as Error).message).toMatch(/^OOM command not allowed/);
  }

  it("refuses a new sign-in with SessionStoreUnavailableError, and lists nothing for it", async () => {
    await fillRedis();
    const id = randomBytes(16).toString("hex");
    // A full Redis refuses the session's SET and its sid's binding alike (the first
    // round trip of a sign-in): nothing is listed, no id reaches a browser, and the
    // sign-in is a 503.
    await expectStoreUnavailable(
      store.set(
        id,
        makeSession({ sub: "auth0|carol", sid: "sid-carol", createdAt: clock }),
      ),
    );
    expect(await store.listSessionsOfUser("auth0|carol")).toEqual([]);
  });

  it("serves a live session on a full Redis (never null, never 503), and still records its activity", async () => {
    const id = await login("auth0|alice", "sid-laptop");
    const activeAt = async () =>
      recordTimes((await redis.get(keys.session(id)))!)!.activeAt;
    await fillRedis();
    // A read is a GET: it serves the session whatever the memory.
    expect(await store.get(id)).toMatchObject({ user: { sub: "auth0|alice" } });
    // The touch that comes due rewrites ten bytes in place (allow-oom): a full Redis
    // takes it, so an active user is not signed out at the inactivity deadline.
    clock += touchIntervalSeconds;
    expect(await store.get(id)).toMatchObject({ user: { sub: "auth0|alice" } });
    await eventually(activeAt, (at) => at === clock);
    // The same Redis still refuses a write that takes memory: it is full.
    await expect(redis.set(`${keys.session(id)}:probe`, "x")).rejects.toThrow(/OOM/);
  });

  it("refuses a token refresh (update) with SessionStoreUnavailableError", async () => {
    const id = await login("auth0|alice", "sid-laptop");
    await fillRedis();
    await expectStoreUnavailable(
      store.update(id, makeSession({ sub: "auth0|alice", sid: "sid-laptop" })),
    );
  });

  it("answers a sub logout 503 with Retry-After, ends nothing, and carries out the retry once memory is freed", async () => {
    const laptop = await login("auth0|alice", "sid-laptop");
    const phone = await login("auth0|alice", "sid-phone");
    await fillRedis();
    // The logout's first step marks the user ended (a SET) before it lists anything:
    // Redis refuses it, nothing is deleted, and the jti is not recorded.
    const token = await logoutToken({ sub: "auth0|alice" });
    expect(await backchannelLogout(token)).toEqual({
      status: 503,
      retryAfter: "5",
      body: "temporarily_unavailable: try again later\n",
      ...refusedByRedis,
    });
    expect(await store.get(laptop)).not.toBeNull();
    expect(await store.get(phone)).not.toBeNull();
    await freeMemory();
    expect(await backchannelLogout(token)).toMatchObject({
      status: 200,
      retryAfter: null,
      body: "",
      logged: [{ event: "backchannel_logout", sessionsEnded: 2 }],
    });
    expect(await store.get(laptop)).toBeNull();
    expect(await store.get(phone)).toBeNull();
  });

  it("answers a sid-only logout 503 with Retry-After as well, and carries out the retry", async () => {
    const laptop = await login("auth0|alice", "sid-laptop");
    await fillRedis();
    // Finding the sid's user is a read and goes through; marking the sid ended (ZADD)
    // is refused.
    const token = await logoutToken({ sid: "sid-laptop" });
    expect(await backchannelLogout(token)).toMatchObject({
      status: 503,
      retryAfter: "5",
      ...refusedByRedis,
    });
    expect(await store.get(laptop)).not.toBeNull();
    await freeMemory();
    expect(await backchannelLogout(token)).toMatchObject({
      status: 200,
      logged: [{ event: "backchannel_logout", sessionsEnded: 1 }],
    });
    expect(await store.get(laptop)).toBeNull();
  });

  it("lets a user's own logout end the session on a full Redis: deleting is never refused", async () => {
    const laptop = await login("auth0|alice", "sid-laptop");
    const phone = await login("auth0|alice", "sid-phone");
    await fillRedis();
    await store.delete(laptop);
    expect(await store.get(laptop)).toBeNull();
    expect((await store.listSessionsOfUser("auth0|alice")).map((s) => s.id)).toEqual([
      phone,
    ]);
  });
});
