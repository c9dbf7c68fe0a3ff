import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port";
import { stopChild, waitForPing } from "./redis-provider";

/** A Redis Cluster the tests may use, and how to let it go. */
export interface RedisCluster {
  /** One `redis://127.0.0.1:<port>` URL per node (with replicas, any may be a master). */
  nodes: string[];
  stop(): Promise<void>;
}

/** A cluster this process started: a test may kill one of its nodes for real. */
export interface StartedRedisCluster extends RedisCluster {
  /** Kills the node at `url` with SIGKILL, as a crash would, and waits until it is gone. */
  kill(url: string): Promise<void>;
}

export interface ClusterShape {
  /** @default 3 */
  masters?: number;
  /** Replicas of each master. @default 0 */
  replicasPerMaster?: number;
  /** How long a node may be silent before the others fail it over. @default 15000 (Redis') */
  nodeTimeoutMs?: number;
}

export interface ProvidedRedisCluster extends RedisCluster {
  source: "REDIS_CLUSTER_NODES" | "redis-server";
}

const defaultMasters = 3;
const startTimeoutMs = 10_000;
const createTimeoutMs = 30_000;
const stateOkTimeoutMs = 20_000;
const probeTimeoutMs = 1_000;

/**
 * Finds a real Redis Cluster for the tests: `REDIS_CLUSTER_NODES` (comma-separated
 * `redis://` URLs) when set; else three private `redis-server`s joined by
 * `redis-cli --cluster create`. Never a mock.
 */
export async function provideRedisCluster(): Promise<ProvidedRedisCluster> {
  const fromEnv = process.env.REDIS_CLUSTER_NODES;
  if (fromEnv) {
    const nodes = fromEnv
      .split(",")
      .map((node) => node.trim())
      .filter(Boolean);
    for (const node of nodes) {
      await waitForPing(
        node,
        startTimeoutMs,
        `REDIS_CLUSTER_NODES: ${node} does not answer PING`,
      );
    }
    await waitForClusterStateOk(nodes);
    return { nodes, source: "REDIS_CLUSTER_NODES", stop: async () => {} };
  }
  const missing = ["redis-server", "redis-cli"].filter(
    (tool) => spawnSync(tool, ["--version"]).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `The tests need a real Redis Cluster and ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not on the PATH. ` +
        "Do one of: set REDIS_CLUSTER_NODES=redis://127.0.0.1:7000,redis://127.0.0.1:7001,redis://127.0.0.1:7002 " +
        "to use a running cluster; or install redis-server and redis-cli " +
        "(Debian/Ubuntu: apt-get install -y redis-server).",
    );
  }
  return { ...(await startRedisCluster()), source: "redis-server" };
}

/**
 * Starts cluster-enabled `redis-server`s on free ports (each with its own free cluster
 * bus port, so no port + 10000 arithmetic can land out of range), makes them one cluster
 * (by default three masters without replicas), and waits until every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(
  shape: ClusterShape = {},
): Promise<StartedRedisCluster> {
  const masters = shape.masters ?? defaultMasters;
  const replicas = shape.replicasPerMaster ?? 0;
  const count = masters * (1 + replicas);
  const dir = mkdtempSync(path.join(tmpdir(), "redis-cluster-"));
  const ports = await distinctFreePorts(count * 2);
  const servers = new Map<number, ChildProcess>();
  const stop = async () => {
    await Promise.all([...servers.values()].map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const clientPorts = ports.slice(0, count);
    clientPorts.forEach((port, i) => {
      servers.set(
        port,
        startClusterNode(dir, port, ports[count + i]!, shape.nodeTimeoutMs),
      );
    });
    const nodes = clientPorts.map((port) => `redis://127.0.0.1:${port}`);
    for (const [i, node] of nodes.entries()) {
      const port = clientPorts[i]!;
      await waitForPing(
        node,
        startTimeoutMs,
        `redis-server (cluster node) on port ${port} did not start`,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; its log:\n${readLog(dir, port)}`);
      });
    }
    await createCluster(clientPorts, replicas);
    await waitForClusterStateOk(nodes);
    // A replica that never finished its first sync refuses to take over ("disconnected
    // from master for longer than allowed"): only a synced cluster can fail over.
    if (replicas > 0) await waitForReplicasInSync(nodes, masters * replicas);
    const kill = async (url: string) => {
      const server = servers.get(Number(new URL(url).port));
      if (!server) throw new Error(`${url} is not a node of this cluster`);
      const gone = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGKILL");
      await gone;
    };
    return { nodes, stop, kill };
  } catch (error) {
    await stop();
    throw error;
  }
}

function startClusterNode(
  dir: string,
  port: number,
  busPort: number,
  nodeTimeoutMs: number | undefined,
): ChildProcess {
  return spawn(
    "redis-server",
    [
      ...(nodeTimeoutMs === undefined
        ? []
        : ["--cluster-node-timeout", String(nodeTimeoutMs)]),
      // Replicas sync at once instead of waiting 5 s for others to share a transfer.
      "--repl-diskless-sync-delay",
      "0",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      path.join(dir, `nodes-${port}.conf`),
      "--port",
      String(port),
      "--cluster-port",
      String(busPort),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--logfile",
      logFileFor(dir, port),
    ],
    { stdio: "ignore" },
  );
}

function createCluster(ports: readonly number[], replicas: number): Promise<void> {
  const args = [
    "--cluster",
    "create",
    ...ports.map((port) => `127.0.0.1:${port}`),
    "--cluster-replicas",
    String(replicas),
    "--cluster-yes",
  ];
  return new Promise((resolve, reject) => {
    execFile("redis-cli", args, { timeout: createTimeoutMs }, (error, stdout, stderr) => {
      if (!error) return resolve();
      reject(
        new Error(
          `redis-cli ${args.join(" ")} failed (${error.message.split("\n")[0]}):\n${stdout}${stderr}`,
        ),
      );
    });
  });
}

/** Polls `CLUSTER INFO` on every node until each says `cluster_state:ok`. */
async function waitForClusterStateOk(nodes: readonly string[]): Promise<void> {
  const deadline = Date.now() + stateOkTimeoutMs;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await Promise.all(nodes.map(clusterInfo));
    if (last.every((info) => /^cluster_state:ok\r?$/m.test(info))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `the Redis Cluster did not reach cluster_state:ok within ${stateOkTimeoutMs} ms; last CLUSTER INFO of each node:\n` +
      nodes.map((node, i) => `--- ${node}\n${last[i] ?? ""}`).join("\n"),
  );
}

/** Polls `INFO replication` until `expected` nodes are replicas whose link is up. */
async function waitForReplicasInSync(
  nodes: readonly string[],
  expected: number,
): Promise<void> {
  const deadline = Date.now() + stateOkTimeoutMs;
  let synced = 0;
  while (Date.now() < deadline) {
    const infos = await Promise.all(
      nodes.map((node) => ask(node, "INFO", "replication")),
    );
    synced = infos.filter(
      (info) => /^role:slave\r?$/m.test(info) && /^master_link_status:up\r?$/m.test(info),
    ).length;
    if (synced >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `only ${synced} of ${expected} replicas finished their sync within ${stateOkTimeoutMs} ms`,
  );
}

/** One `CLUSTER INFO` through a client that is gone when this returns. */
function clusterInfo(url: string): Promise<string> {
  return ask(url, "CLUSTER", "INFO");
}

/** One command through a client that is gone when this returns; its error as text. */
async function ask(url: string, command: string, ...args: string[]): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: probeTimeoutMs,
    commandTimeout: probeTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return String(await client.call(command, ...args));
  } catch (error) {
    return `(no answer: ${(error as Error).message})`;
  } finally {
    client.disconnect();
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function logFileFor(dir: string, port: number): string {
  return path.join(dir, `redis-${port}.log`);
}

function readLog(dir: string, port: number): string {
  try {
    return readFileSync(logFileFor(dir, port), "utf8").slice(-4_000);
  } catch {
    return "(no log)";
  }
}
