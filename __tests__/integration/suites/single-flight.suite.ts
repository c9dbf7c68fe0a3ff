import { Redis, type Cluster } from "ioredis";
import {
  SessionStoreUnavailableError,
  SingleFlightTimeoutError,
} from "../../../lib/errors";
import { singleFlight } from "../../../lib/tokens/single-flight";
import {
  clearPrefix,
  connectTestBackend,
  type TestBackend,
} from "../../support/test-redis";
import { refreshLockKey } from "../../../lib/tokens/keys";

/** The cross-instance refresh lock, on a single Redis or a cluster. */
export function singleFlightSuite(backend: TestBackend): void {
  let redis: Redis | Cluster;
  let prefix: string;

  beforeAll(() => {
    ({ redis, prefix } = connectTestBackend(backend));
  });

  afterAll(async () => {
    await clearPrefix(redis, prefix);
    await redis.quit();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe(`singleFlight on a ${backend}`, () => {
    it("runs the work once for 50 concurrent callers on separate connections; the rest reuse it", async () => {
      // Narrowed first: ioredis 6's two generic duplicate() signatures make no union.
      const client = redis;
      const connections = Array.from({ length: 5 }, () =>
        client instanceof Redis ? client.duplicate() : client.duplicate(),
      );
      let done = false;
      let runs = 0;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          singleFlight({
            redis: connections[i % connections.length]!,
            lockKey: refreshLockKey(prefix, "a"),
            isDone: async () => done,
            work: async () => {
              runs++;
              await sleep(200);
              done = true;
              return "fresh";
            },
            reuse: async () => "reused",
          }),
        ),
      );
      expect(runs).toBe(1);
      expect(results.filter((r) => r === "fresh")).toHaveLength(1);
      expect(results.filter((r) => r === "reused")).toHaveLength(49);
      expect(await redis.exists(refreshLockKey(prefix, "a"))).toBe(0);
      await Promise.all(connections.map((c) => c.quit()));
    });

    it("lets the next caller take over when the holder fails", async () => {
      let done = false;
      let attempts = 0;
      const work = async () => {
        attempts++;
        if (attempts === 1) throw new Error("provider said no");
        done = true;
        return "second try";
      };
      const first = singleFlight({
        redis,
        lockKey: refreshLockKey(prefix, "b"),
        isDone: async () => done,
        work,
        reuse: async () => "reused",
      });
      await expect(first).rejects.toThrow("provider said no");
      await expect(
        singleFlight({
          redis,
          lockKey: refreshLockKey(prefix, "b"),
          isDone: async () => done,
          work,
          reuse: async () => "reused",
        }),
      ).resolves.toBe("second try");
    });

    it("takes over a lock whose holder died once it expires", async () => {
      await redis.set(refreshLockKey(prefix, "c"), "dead-holder", "PX", 300);
      const started = Date.now();
      const result = await singleFlight({
        redis,
        lockKey: refreshLockKey(prefix, "c"),
        isDone: async () => false,
        work: async () => "took over",
        reuse: async () => "reused",
        timings: { lockTtlMs: 1_000, maxWaitMs: 2_000, pollMs: 20 },
      });
      expect(result).toBe("took over");
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    });

    it("gives up after the bounded wait", async () => {
      await redis.set(refreshLockKey(prefix, "d"), "slow-holder", "PX", 5_000);
      await expect(
        singleFlight({
          redis,
          lockKey: refreshLockKey(prefix, "d"),
          isDone: async () => false,
          work: async () => "never",
          reuse: async () => "never",
          timings: { lockTtlMs: 1_000, maxWaitMs: 200, pollMs: 20 },
        }),
      ).rejects.toBeInstanceOf(SingleFlightTimeoutError);
    });

    it("turns a Redis that cannot take the lock into a store outage (503), not a bug", async () => {
      // A real client of a port nobody listens on (1, privileged): with no offline
      // queue, SET fails at once.
      const unreachable = new Redis(1, "127.0.0.1", {
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      unreachable.on("error", () => {});
      await expect(
        singleFlight({
          redis: unreachable,
          lockKey: refreshLockKey(prefix, "e"),
          isDone: async () => false,
          work: async () => "never",
          reuse: async () => "never",
        }),
      ).rejects.toEqual(expect.any(SessionStoreUnavailableError));
      unreachable.disconnect();
    });

    it("never releases a lock that expired and was taken by another", async () => {
      const key = refreshLockKey(prefix, "e");
      await singleFlight({
        redis,
        lockKey: key,
        isDone: async () => false,
        work: async () => {
          await sleep(150); // outlives its own 100 ms lock…
          await redis.set(key, "someone-else", "PX", 5_000); // …which another caller took
          return "done";
        },
        reuse: async () => "reused",
        timings: { lockTtlMs: 100, maxWaitMs: 1_000, pollMs: 20 },
      });
      expect(await redis.get(key)).toBe("someone-else");
    });
  });
}
