import { Cluster } from "ioredis";
import {
  startRedisCluster,
  type StartedRedisCluster,
} from "../../dev/harness/redis-cluster";
import { scanKeysUnder } from "../../dev/harness/scan-keys";
import {
  logOutAtProvider,
  probe,
  signInOverHttp,
  sleep,
  summarize,
  type Probe,
} from "../support/faults";
import { testUsers } from "../support/login";
import { startStack, type Stack } from "../support/stack";

jest.setTimeout(180_000);

const prefix = "failover:";
/** How long the surviving nodes wait before they fail a silent master over. */
const nodeTimeoutMs = 1_000;
const recoveryTimeoutMs = 30_000;

let cluster: StartedRedisCluster;
let client: Cluster;
let stack: Stack;
/** The provider sends its logout tokens here. */
let appB: string;
/** Serves the sessions; a logout never reaches it directly. */
let appA: string;

beforeAll(async () => {
  // A cluster of its own: this file kills one of its masters.
  cluster = await startRedisCluster({ replicasPerMaster: 1, nodeTimeoutMs });
  client = new Cluster(cluster.nodes);
  stack = await startStack({
    instances: 2,
    keyPrefix: prefix,
    appEnv: { REDIS_URL: "", REDIS_CLUSTER_NODES: cluster.nodes.join(",") },
  });
  [appB, appA] = stack.appUrls as [string, string];
});

afterAll(async () => {
  await stack?.stop();
  client?.disconnect();
  await cluster?.stop();
});

/** The master that holds the most sessions now, by its URL, and how many it holds. */
async function busiestMaster(): Promise<{ url: string; sessions: number }> {
  await client.ping();
  const counts = await Promise.all(
    client.nodes("master").map(async (node) => ({
      url: `redis://127.0.0.1:${node.options.port}`,
      sessions: (await scanKeysUnder(node, `${prefix}session:`)).length,
    })),
  );
  return counts.sort((a, b) => b.sessions - a.sessions)[0]!;
}

describe("a logout after a Redis Cluster master fails over to its replica", () => {
  it("serves every session again from the promoted replica, then ends the user's sessions on every instance", async () => {
    const alice: string[] = [];
    const bob: string[] = [];
    for (let i = 0; i < 6; i++) alice.push(await signInOverHttp(appB, testUsers.alice));
    for (let i = 0; i < 4; i++) bob.push(await signInOverHttp(appB, testUsers.bob));
    const everyone = [...alice, ...bob];
    for (const cookie of everyone) expect((await probe(appA, cookie)).status).toBe(200);

    const victim = await busiestMaster();
    expect(victim.sessions).toBeGreaterThanOrEqual(3);
    const killedAt = Date.now();
    await cluster.kill(victim.url);

    // Until the replica is promoted, a session on the dead master cannot be read: 503,
    // never a 401 (the session is not lost) and never a stale 200 from anywhere.
    const during: Probe[] = [];
    let allBack = false;
    while (!allBack) {
      expect(Date.now() - killedAt).toBeLessThan(recoveryTimeoutMs);
      const round = await Promise.all(everyone.map((cookie) => probe(appA, cookie)));
      during.push(...round);
      allBack = round.every((p) => p.status === 200);
      if (!allBack) await sleep(100);
    }
    const recoveredMs = Date.now() - killedAt;
    console.log(
      `failover: killed ${victim.url} holding ${victim.sessions} of ${everyone.length} sessions; ` +
        `all served again after ${recoveredMs} ms; meanwhile ${summarize(during)}`,
    );
    expect(during.every((p) => p.status === 200 || p.status === 503)).toBe(true);
    expect(during.some((p) => p.status === 503)).toBe(true);
    const promoted = await busiestMaster();
    expect(promoted.url).not.toBe(victim.url);

    // The provider's logout reaches B only. B has not spoken to the cluster since the
    // failover: until its client has the new slot map the logout is a 503, which the
    // provider retries (as it would after Retry-After), never a 200 that ended nothing.
    const attempts: Array<number | undefined> = [];
    const loggedOutFrom = Date.now();
    for (;;) {
      const logout = await logOutAtProvider(stack.idpUrl, testUsers.alice.sub);
      attempts.push(logout.status);
      if (logout.status !== 503 || Date.now() - loggedOutFrom > recoveryTimeoutMs) break;
      await sleep(500);
    }
    console.log(`failover: the logout answered ${attempts.join(", ")}`);
    expect(attempts.at(-1)).toBe(200);
    expect(attempts.slice(0, -1).every((status) => status === 503)).toBe(true);
    // A must now refuse every one of alice's sessions, including those the promoted
    // replica holds.
    const afterLogout = await Promise.all(alice.map((cookie) => probe(appA, cookie)));
    expect(afterLogout.map((p) => p.status)).toEqual(alice.map(() => 401));
    const bobStill = await Promise.all(bob.map((cookie) => probe(appA, cookie)));
    expect(bobStill.map((p) => p.status)).toEqual(bob.map(() => 200));
  });
});
