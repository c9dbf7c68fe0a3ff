/**
 * What listing one user's sessions costs (/sessions, GET /api/sessions), and what ending
 * them all costs, at 10 and at 1,000 sessions of that user, while Redis also holds
 * 10,000 sessions of other users. Prints the median time of each, the Redis commands
 * each took (INFO commandstats, summed over every node; the commands a Lua script runs
 * count too), and the listing's cost per session.
 * Run: `npm run bench:list` (a private redis-server), or `BENCH_REDIS=cluster npm run
 * bench:list` (a real 3-master Redis Cluster).
 */
import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { fixtureStore } from "../dev/harness/fixture-store";
import { startRedisCluster } from "../dev/harness/redis-cluster";
import { startPrivateServer } from "../dev/harness/redis-provider";
import { makeSession, storeSessions } from "../dev/harness/session-fixtures";

const others = 10_000;
const sizes = [10, 1_000] as const;
const rounds = 30;
const alice = "auth0|alice";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Commands every node has run so far, INFO itself excluded. */
async function commandsRun(nodes: Redis[]): Promise<number> {
  let total = 0;
  for (const node of nodes) {
    const info = await node.info("commandstats");
    for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
      if (match[1] !== "info") total += Number(match[2]);
    }
  }
  return total;
}

async function main(): Promise<void> {
  const onCluster = process.env.BENCH_REDIS === "cluster";
  const server = onCluster ? await startRedisCluster() : await startPrivateServer();
  const urls = "nodes" in server ? server.nodes : [server.url];
  const redis = onCluster
    ? new Cluster(
        urls.map((url) => ({
          host: new URL(url).hostname,
          port: Number(new URL(url).port),
        })),
      )
    : new Redis(urls[0]!);
  const nodes = urls.map((url) => new Redis(url));
  const { store } = fixtureStore(redis, "bench");
  try {
    await storeSessions(store, others);
    console.log(
      `One user's sessions, with ${others.toLocaleString("en")} sessions of others in ${onCluster ? "a 3-master Redis Cluster" : "one Redis"} (median of ${rounds})`,
    );
    console.log(
      `${"sessions of the user".padEnd(22)}${"list".padStart(10)}${"commands".padStart(10)}${"per session".padStart(13)}${"end all".padStart(11)}${"commands".padStart(10)}`,
    );
    const perSession: number[] = [];
    for (const size of sizes) {
      const list: number[] = [];
      const endAll: number[] = [];
      let listCommands = 0;
      let endCommands = 0;
      for (let round = 0; round < rounds; round++) {
        await storeSessions(store, size, () =>
          makeSession({ sub: alice, sid: `sid-${randomBytes(6).toString("hex")}` }),
        );
        const before = await commandsRun(nodes);
        let start = process.hrtime.bigint();
        const listed = await store.listSessionsOfUser(alice);
        list.push(Number(process.hrtime.bigint() - start) / 1e6);
        const between = await commandsRun(nodes);
        if (listed.length !== size)
          throw new Error(`listed ${listed.length}, not ${size}`);
        start = process.hrtime.bigint();
        const ended = await store.endSessionsOfUser(alice, listed);
        endAll.push(Number(process.hrtime.bigint() - start) / 1e6);
        const after = await commandsRun(nodes);
        if (ended !== size) throw new Error(`ended ${ended}, not ${size}`);
        listCommands = between - before;
        endCommands = after - between;
      }
      const listMs = median(list);
      perSession.push(listMs / size);
      console.log(
        `${String(size).padEnd(22)}${`${listMs.toFixed(2)} ms`.padStart(10)}${String(listCommands).padStart(10)}${`${((listMs / size) * 1000).toFixed(1)} µs`.padStart(13)}${`${median(endAll).toFixed(2)} ms`.padStart(11)}${String(endCommands).padStart(10)}`,
      );
    }
    console.log(
      `listing cost per session, 1,000 vs 10: x${(perSession[1]! / perSession[0]!).toFixed(2)} (O(sessions of the user), never a scan)`,
    );
  } finally {
    await redis.quit();
    for (const node of nodes) node.disconnect();
    await server.stop();
  }
}

void main();
