import type { Cluster } from "ioredis";
import {
  clearPrefix,
  connectTestRedisCluster,
  keysUnder,
  mastersOf,
} from "../support/test-redis";

// These prove the harness: tests that use connectTestRedisCluster() really run on a
// cluster that shards keys and refuses multi-key commands across hash slots.

const slotsInACluster = 16384;

type SlotRange = [start: number, end: number, master: [host: string, port: number]];

let cluster: Cluster;
let prefix: string;

beforeAll(() => {
  ({ redis: cluster, prefix } = connectTestRedisCluster());
});

afterAll(async () => {
  await clearPrefix(cluster, prefix);
  await cluster.quit();
});

async function slotRanges(): Promise<SlotRange[]> {
  return (await cluster.cluster("SLOTS")) as unknown as SlotRange[];
}

async function slotOf(key: string): Promise<number> {
  return Number(await cluster.cluster("KEYSLOT", key));
}

/** `host:port` of the master that owns `key`'s hash slot. */
async function ownerOf(key: string, ranges: readonly SlotRange[]): Promise<string> {
  const slot = await slotOf(key);
  const range = ranges.find(([start, end]) => start <= slot && slot <= end);
  if (!range) throw new Error(`no master owns slot ${slot}`);
  return `${range[2][0]}:${range[2][1]}`;
}

describe("the test Redis Cluster", () => {
  it("has three masters that together cover all 16384 slots, each slot once", async () => {
    expect(await mastersOf(cluster)).toHaveLength(3);
    const ranges = await slotRanges();
    const owners = new Set(ranges.map(([, , [host, port]]) => `${host}:${port}`));
    expect(owners.size).toBe(3);
    const covered = new Array<number>(slotsInACluster).fill(0);
    for (const [start, end] of ranges) {
      for (let slot = start; slot <= end; slot++) covered[slot]! += 1;
    }
    expect(covered.every((times) => times === 1)).toBe(true);
  });

  it("stores keys with different hash tags on different masters", async () => {
    const ranges = await slotRanges();
    // One hash tag per master, so the keys must spread over all three.
    const keyByOwner = new Map<string, string>();
    for (let tag = 0; keyByOwner.size < 3 && tag < 1000; tag++) {
      const key = `${prefix}{tag-${tag}}:value`;
      const owner = await ownerOf(key, ranges);
      if (!keyByOwner.has(owner)) keyByOwner.set(owner, key);
    }
    expect(keyByOwner.size).toBe(3);
    for (const key of keyByOwner.values()) await cluster.set(key, "1");

    const holders = await Promise.all(
      (await mastersOf(cluster)).map(async (master) => ({
        node: `${master.options.host}:${master.options.port}`,
        keys: await keysUnder(master, prefix),
      })),
    );
    for (const { node, keys } of holders) expect(keys).toEqual([keyByOwner.get(node)]);
  });

  it("refuses a multi-key command across slots with CROSSSLOT, and runs it when the keys share the hash tag {x}", async () => {
    const [a, b] = [`${prefix}cross-a`, `${prefix}cross-b`];
    expect(await slotOf(a)).not.toBe(await slotOf(b));
    await expect(cluster.mset(a, "1", b, "2")).rejects.toThrow(/CROSSSLOT/);

    const [taggedA, taggedB] = [`${prefix}{x}a`, `${prefix}{x}b`];
    expect(await slotOf(taggedA)).toBe(await slotOf(taggedB));
    await expect(cluster.mset(taggedA, "1", taggedB, "2")).resolves.toBe("OK");
    await expect(cluster.mget(taggedA, taggedB)).resolves.toEqual(["1", "2"]);
  });
});
