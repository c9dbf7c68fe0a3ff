import calculateSlot from "cluster-key-slot";
import { Redis } from "ioredis";
import { commandBatcherOf } from "../../lib/redis/command-batch";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import {
  clearPrefix,
  connectTestRedis,
  connectTestRedisCluster,
  mastersOf,
} from "../support/test-redis";

// The store's reads leave in batches (lib/redis/command-batch.ts): one write per node
// for all the reads of one turn of the event loop, each caller with its own answer, and
// a batch that hangs holding up nobody else's.

const count = 50;

/** Counts the writes `redis` makes on its socket (each a system call, a TCP send). */
function countWrites(redis: Redis): { readonly writes: number } {
  const socket = redis.stream;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let writes = 0;
  socket.write = (...args: unknown[]) => {
    writes++;
    return write(...args);
  };
  return {
    get writes() {
      return writes;
    },
  };
}

describe("command batches on a single Redis", () => {
  const { redis: direct, prefix } = connectTestRedis();
  let proxy: TcpProxy;
  let redis: Redis;
  let socket: { readonly writes: number };

  beforeAll(async () => {
    const { port } = new URL(process.env.REDIS_URL!);
    proxy = await startTcpProxy(Number(port));
    redis = new Redis({ host: "127.0.0.1", port: proxy.port });
    await redis.ping();
    socket = countWrites(redis);
    for (let i = 0; i < count; i++) await direct.set(`${prefix}k${i}`, `v${i}`);
  });

  afterAll(async () => {
    await clearPrefix(direct, prefix);
    redis.disconnect();
    direct.disconnect();
    await proxy.close();
  });

  it("sends the commands of one turn in one write, each caller getting its own reply", async () => {
    const batched = commandBatcherOf(redis);
    const before = socket.writes;
    const replies = await Promise.all(
      Array.from({ length: count }, (_, i) => batched("get", `${prefix}k${i}`, [])),
    );
    expect(replies).toEqual(Array.from({ length: count }, (_, i) => `v${i}`));
    expect(socket.writes - before).toBe(1);

    // The same commands sent one by one: a write each (what the batch saves).
    const unbatchedBefore = socket.writes;
    await Promise.all(
      Array.from({ length: count }, (_, i) => redis.get(`${prefix}k${i}`)),
    );
    expect(socket.writes - unbatchedBefore).toBe(count);
  });

  it("gives an error to its own caller only", async () => {
    await direct.hset(`${prefix}hash`, "field", "value");
    const batched = commandBatcherOf(redis);
    const results = await Promise.allSettled([
      batched("get", `${prefix}k1`, []),
      batched("get", `${prefix}hash`, []),
      batched("get", `${prefix}k2`, []),
      batched("get", `${prefix}absent`, []),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "error"))).toEqual([
      "v1",
      "error",
      "v2",
      null,
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toHaveProperty(
      "message",
      expect.stringMatching(/^WRONGTYPE/),
    );
  });

  it("sends a batch while an earlier one still waits for its replies (unlike ioredis' auto-pipelining)", async () => {
    const batched = commandBatcherOf(redis);
    const autoPipelined = new Redis({
      host: "127.0.0.1",
      port: proxy.port,
      enableAutoPipelining: true,
    });
    await autoPipelined.ping();
    const autoSocket = countWrites(autoPipelined);
    const sendTwoBatches = async (
      counted: { readonly writes: number },
      send: (i: number) => Promise<unknown>,
    ) => {
      const before = counted.writes;
      const first = Promise.all([send(1), send(2)]);
      // Two turns of the event loop later: the first batch has left.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = Promise.all([send(3), send(4)]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { writes: counted.writes - before, replies: Promise.all([first, second]) };
    };
    try {
      // Replies held back: the first batch still waits when the second is asked for.
      proxy.freeze();
      const ours = await sendTwoBatches(socket, (i) =>
        batched("get", `${prefix}k${i}`, []),
      );
      const theirs = await sendTwoBatches(autoSocket, (i) =>
        autoPipelined.get(`${prefix}k${i}`),
      );
      // Ours: both batches are on the wire. Auto-pipelining holds the second back until
      // the first has its replies (so a first that never gets them holds it for good).
      expect(ours.writes).toBe(2);
      expect(theirs.writes).toBe(1);
      proxy.thaw();
      const both = [
        ["v1", "v2"],
        ["v3", "v4"],
      ];
      await expect(ours.replies).resolves.toEqual(both);
      await expect(theirs.replies).resolves.toEqual(both);
      expect(autoSocket.writes).toBe(2);
    } finally {
      proxy.thaw();
      autoPipelined.disconnect();
    }
  });
});

describe("command batches on a Redis Cluster", () => {
  const { redis, prefix } = connectTestRedisCluster();

  afterAll(async () => {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  });

  it("answers each of many keys across every master, one pipeline per node", async () => {
    const keys = Array.from({ length: count }, (_, i) => `${prefix}{${i}}:k`);
    for (const [i, key] of keys.entries()) await redis.set(key, `v${i}`);
    // The keys sit on every master: the batch is split by node.
    const nodes = new Set(keys.map((key) => redis.slots[calculateSlot(key)]![0]));
    expect(nodes.size).toBe((await mastersOf(redis)).length);
    const batched = commandBatcherOf(redis);
    const replies = await Promise.all(keys.map((key) => batched("get", key, [])));
    expect(replies).toEqual(keys.map((_, i) => `v${i}`));
  });
});
