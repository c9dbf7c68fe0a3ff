import type { Redis } from "ioredis";
import { SingleFlightTimeoutError } from "../../lib/errors";
import { singleFlight } from "../../lib/tokens/single-flight";
import { clearPrefix, connectTestRedis } from "../support/test-redis";

let redis: Redis;
let prefix: string;

beforeAll(() => {
  ({ redis, prefix } = connectTestRedis());
});

afterAll(async () => {
  await clearPrefix(redis, prefix);
  await redis.quit();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("singleFlight", () => {
  it("runs the work once for 50 concurrent callers on separate connections; the rest reuse it", async () => {
    const connections = Array.from({ length: 5 }, () => redis.duplicate());
    let done = false;
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        singleFlight({
          redis: connections[i % connections.length]!,
          lockKey: `${prefix}lock:a`,
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
    expect(await redis.exists(`${prefix}lock:a`)).toBe(0);
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
      lockKey: `${prefix}lock:b`,
      isDone: async () => done,
      work,
      reuse: async () => "reused",
    });
    await expect(first).rejects.toThrow("provider said no");
    await expect(
      singleFlight({
        redis,
        lockKey: `${prefix}lock:b`,
        isDone: async () => done,
        work,
        reuse: async () => "reused",
      }),
    ).resolves.toBe("second try");
  });

  it("takes over a lock whose holder died once it expires", async () => {
    await redis.set(`${prefix}lock:c`, "dead-holder", "PX", 300);
    const started = Date.now();
    const result = await singleFlight({
      redis,
      lockKey: `${prefix}lock:c`,
      isDone: async () => false,
      work: async () => "took over",
      reuse: async () => "reused",
      timings: { lockTtlMs: 1_000, maxWaitMs: 2_000, pollMs: 20 },
    });
    expect(result).toBe("took over");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("gives up after the bounded wait", async () => {
    await redis.set(`${prefix}lock:d`, "slow-holder", "PX", 5_000);
    await expect(
      singleFlight({
        redis,
        lockKey: `${prefix}lock:d`,
        isDone: async () => false,
        work: async () => "never",
        reuse: async () => "never",
        timings: { lockTtlMs: 1_000, maxWaitMs: 200, pollMs: 20 },
      }),
    ).rejects.toBeInstanceOf(SingleFlightTimeoutError);
  });

  it("never releases a lock that expired and was taken by another", async () => {
    const key = `${prefix}lock:e`;
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
