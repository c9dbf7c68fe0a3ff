import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port";
import { stopChild, waitForPing } from "./redis-provider";

/** A Redis Cluster the tests may use, and how to let it go. */
export interface RedisCluster {
  /** One `redis://127.0.0.1:<port>` URL per master. */
  nodes: string[];
  stop(): Promise<void>;
}

export interface ProvidedRedisCluster extends RedisCluster {
  source: "REDIS_CLUSTER_NODES" | "redis-server";
}

const masters = 3;
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
 * Starts three cluster-enabled `redis-server`s on free ports (each with its own free
 * cluster bus port, so no port + 10000 arithmetic can land out of range), makes them one
 * cluster of three masters without replicas, and waits until every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "redis-cluster-"));
  const ports = await distinctFreePorts(masters * 2);
  const servers: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const clientPorts = ports.slice(0, masters);
    clientPorts.forEach((port, i) => {
      servers.push(startClusterNode(dir, port, ports[masters + i]!));
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
    await createCluster(clientPorts);
    await waitForClusterStateOk(nodes);
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function startClusterNode(dir: string, port: number, busPort: number): ChildProcess {
  return spawn(
    "redis-server",
    [
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

function createCluster(ports: readonly number[]): Promise<void> {
  const args = [
    "--cluster",
    "create",
    ...ports.map((port) => `127.0.0.1:${port}`),
    "--cluster-replicas",
    "0",
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

/** One `CLUSTER INFO` through a client that is gone when this returns. */
async function clusterInfo(url: string): Promise<string> {
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
    return String(await client.cluster("INFO"));
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
