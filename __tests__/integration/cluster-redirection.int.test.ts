import { Cluster, type ClusterOptions } from "ioredis";
import { luaCommand } from "../../lib/redis/lua-command";
import { runCommand } from "../../lib/session/store-context";
import { mastersOf } from "../support/test-redis";

const echoKey = luaCommand("testEchoKey", 1, "return KEYS[1]");

/** The hash slot of `key`, as the cluster itself computes it. */
async function slotOf(cluster: Cluster, key: string): Promise<number> {
  return Number(await cluster.cluster("KEYSLOT", key));
}

function slotMapOf(cluster: Cluster): string[][] {
  return (cluster as unknown as { slots: string[][] }).slots;
}

/**
 * Two keys in different slots owned by the same master (one auto-pipeline carries both),
 * and a function that points both slots at another master in `cluster`'s map, as a map
 * from before a failover would: that node answers MOVED.
 */
async function keysOnOneMaster(
  cluster: Cluster,
): Promise<{ keys: string[]; makeStale: () => Promise<void> }> {
  const masters = await mastersOf(cluster);
  const owner = masters[0]!;
  const ownerKey = `${owner.options.host}:${owner.options.port}`;
  const keys: string[] = [];
  for (let i = 0; keys.length < 2 && i < 10_000; i++) {
    const key = `test:redirect:{${i}}`;
    if (slotMapOf(cluster)[await slotOf(cluster, key)]?.[0] === ownerKey) keys.push(key);
  }
  expect(keys).toHaveLength(2);
  const wrong = masters[1]!;
  const makeStale = async () => {
    for (const key of keys) {
      slotMapOf(cluster)[await slotOf(cluster, key)] = [
        `${wrong.options.host}:${wrong.options.port}`,
      ];
    }
  };
  return { keys, makeStale };
}

describe("a Lua command on a cluster whose slot map went stale", () => {
  const clusters: Cluster[] = [];
  const connect = (options: ClusterOptions) => {
    const cluster = new Cluster(process.env.TEST_REDIS_CLUSTER_NODES!.split(","), {
      ...options,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    clusters.push(cluster);
    return cluster;
  };

  afterAll(() => clusters.forEach((cluster) => cluster.disconnect()));

  it("is redirected by ioredis itself, even inside an auto-pipeline of several slots", async () => {
    // ioredis 5 gave up on these (a pipeline whose commands were moved to different
    // slots), which made an idle instance answer 503 for good after a failover.
    const cluster = connect({ enableAutoPipelining: true });
    const { keys, makeStale } = await keysOnOneMaster(cluster);
    await makeStale();
    const answers = await Promise.all(
      keys.map((key) => cluster.eval("return KEYS[1]", 1, key)),
    );
    expect(answers).toEqual(keys);
  });

  it("that ioredis hands back is sent once more after the store reloads the slot map", async () => {
    // ioredis hands a redirection back past its redirection limit, here at the first
    // one; there is no periodic refresh: only the store's own reload can repair the map.
    const cluster = connect({ maxRedirections: 0 });
    const { keys, makeStale } = await keysOnOneMaster(cluster);
    await makeStale();
    const plain = await Promise.allSettled(
      keys.map((key) => cluster.eval("return KEYS[1]", 1, key)),
    );
    // Without the store's reload, the same stale map fails both.
    expect(plain.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(String((plain[0] as PromiseRejectedResult).reason)).toMatch(/MOVED/);
    await makeStale();
    const answers = await Promise.all(
      keys.map((key) => runCommand(cluster, echoKey, [key], [])),
    );
    expect(answers).toEqual(keys);
  });
});
