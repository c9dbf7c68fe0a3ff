import { Cluster } from "ioredis";
import { luaCommand } from "../../lib/redis/lua-command";
import { runCommand } from "../../lib/session/store-context";
import { mastersOf } from "../support/test-redis";

const echoKey = luaCommand("testEchoKey", 1, "return KEYS[1]");

/** The hash slot of `key`, as the cluster itself computes it. */
async function slotOf(cluster: Cluster, key: string): Promise<number> {
  return Number(await cluster.cluster("KEYSLOT", key));
}

describe("a Lua command on a cluster whose slot map went stale", () => {
  let cluster: Cluster;

  beforeAll(() => {
    // Auto-pipelining makes ioredis give up on a redirection (a pipeline of several
    // slots), and no periodic refresh: only the store's own reload can repair the map.
    cluster = new Cluster(process.env.TEST_REDIS_CLUSTER_NODES!.split(","), {
      enableAutoPipelining: true,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
  });

  afterAll(() => cluster.disconnect());

  it("is redirected: the slot map is reloaded and the command sent once more, even when ioredis' own pipeline gives up", async () => {
    const masters = await mastersOf(cluster);
    // Two keys in different slots owned by the same master: one auto-pipeline carries both.
    const owner = masters[0]!;
    const ownerKey = `${owner.options.host}:${owner.options.port}`;
    const keys: string[] = [];
    for (let i = 0; keys.length < 2 && i < 10_000; i++) {
      const key = `test:redirect:{${i}}`;
      const slot = await slotOf(cluster, key);
      const slots = (cluster as unknown as { slots: string[][] }).slots;
      if (slots[slot]?.[0] === ownerKey) keys.push(key);
    }
    expect(keys).toHaveLength(2);
    // Point both slots at another master, as a map from before a failover would: that
    // node answers MOVED with two different slots, which ioredis does not redirect.
    const wrong = masters[1]!;
    const slots = (cluster as unknown as { slots: string[][] }).slots;
    for (const key of keys) {
      slots[await slotOf(cluster, key)] = [`${wrong.options.host}:${wrong.options.port}`];
    }
    const plain = await Promise.allSettled(
      keys.map((key) => cluster.eval("return KEYS[1]", 1, key)),
    );
    // Without the store's reload, the same stale map fails both (what made an idle
    // instance answer 503 for good after a failover).
    expect(plain.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(String((plain[0] as PromiseRejectedResult).reason)).toMatch(/MOVED/);
    for (const key of keys) {
      slots[await slotOf(cluster, key)] = [`${wrong.options.host}:${wrong.options.port}`];
    }
    const answers = await Promise.all(
      keys.map((key) => runCommand(cluster, echoKey, [key], [])),
    );
    expect(answers).toEqual(keys);
  });
});
