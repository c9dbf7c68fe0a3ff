import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./free-port";

/** A Redis the tests may use, and how to let it go. */
export interface ProvidedRedis {
  url: string;
  source: "REDIS_URL" | "testcontainers" | "redis-server";
  stop(): Promise<void>;
}

const dockerProbeTimeoutMs = 5_000;
const startTimeoutMs = 10_000;

/**
 * Finds a real Redis for the tests: `REDIS_URL` when set; else a container where a
 * Docker engine answers; else a private `redis-server` on a free port. Never a mock.
 */
export async function provideRedis(): Promise<ProvidedRedis> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    await waitForPing(
      fromEnv,
      startTimeoutMs,
      `REDIS_URL (${fromEnv}) does not answer PING`,
    );
    return { url: fromEnv, source: "REDIS_URL", stop: async () => {} };
  }
  const container = await startContainerIfDockerAnswers();
  if (container) return container;
  if (spawnSync("redis-server", ["--version"]).status === 0) return startPrivateServer();
  throw new Error(
    "The tests need a real Redis and found none. Do one of: set REDIS_URL=redis://127.0.0.1:6379 " +
      "to use a running server; start a Docker engine (testcontainers starts redis:7); " +
      "or install redis-server (Debian/Ubuntu: apt-get install -y redis-server).",
  );
}

/** Arguments for a server that keeps nothing on disk: the tests' default. */
export const noPersistenceArgs: readonly string[] = ["--save", "", "--appendonly", "no"];

/**
 * Arguments that cap a server's memory at `maxmemory` (e.g. `4mb`) under `policy`
 * (`noeviction`, `allkeys-lru`, …): a Redis that fills up, or that evicts.
 */
export function memoryLimitArgs(maxmemory: string, policy: string): string[] {
  return ["--maxmemory", maxmemory, "--maxmemory-policy", policy];
}

/** Starts `redis-server` on a free port; `extraArgs` can turn persistence on. */
export async function startPrivateServer(
  extraArgs: readonly string[] = noPersistenceArgs,
  port?: number,
): Promise<ProvidedRedis> {
  const chosenPort = port ?? (await freePort());
  const child = spawn(
    "redis-server",
    ["--port", String(chosenPort), "--bind", "127.0.0.1", ...extraArgs],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${chosenPort}`;
  await waitForPing(
    url,
    startTimeoutMs,
    `redis-server on port ${chosenPort} did not start`,
  );
  return { url, source: "redis-server", stop: () => stopChild(child) };
}

async function startContainerIfDockerAnswers(): Promise<ProvidedRedis | null> {
  let testcontainers: typeof import("testcontainers");
  try {
    testcontainers = await import("testcontainers");
    await withTimeout(testcontainers.getContainerRuntimeClient(), dockerProbeTimeoutMs);
  } catch {
    return null;
  }
  const container = await new testcontainers.GenericContainer("redis:7-alpine")
    .withExposedPorts(6379)
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    source: "testcontainers",
    stop: async () => {
      await container.stop();
    },
  };
}

/** Polls `url` with PING until it answers, or throws `failure` after `timeoutMs`. */
export async function waitForPing(
  url: string,
  timeoutMs: number,
  failure: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingOnce(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(failure);
}

/** One PING over a plain socket: a probe that leaves no client or timer behind. */
function pingOnce(url: string): Promise<boolean> {
  const { hostname, port, password, username } = new URL(url);
  const auth = password
    ? `AUTH ${username || "default"} ${decodeURIComponent(password)}\r\n`
    : "";
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.on("error", () => finish(false));
    socket.on("connect", () => socket.write(`${auth}PING\r\n`));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("+PONG")) finish(true);
      else if (reply.includes("-")) finish(false);
    });
  });
}

/** Sends SIGTERM to `child` and resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("timed out")), ms).unref(),
    ),
  ]);
}
