/**
 * What a session costs a request (issue 9), measured side by side in one run on one
 * server and printed as ratios against each route's unguarded twin, with Redis round
 * trips and session writes per request and Redis memory per session.
 *
 * It benchmarks a build of its own: the working tree's tracked and untracked-but-not-
 * ignored files (or, with BENCH_REF=<commit>, that commit) copied to a temporary
 * directory, plus pages/bench-unguarded.tsx, a page rendered by getServerSideProps with
 * no guard, which the product does not have. It starts a private redis-server, the local
 * provider and the build's standalone server, logs alice in over HTTP, and loads each
 * route with autocannon.
 *
 * Run: `npm run bench:throughput` (needs redis-server). The build alone takes minutes of
 * CPU: on a shared machine run it when nothing else heavy runs. It stops everything it
 * started, also on failure, on Ctrl-C and at its own time limit.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { HttpAgent, logInOverHttp } from "../dev/harness/http-agent";
import { startBareNext } from "./bare-next";
import { startLocalStack } from "../dev/harness/local-stack";
import { baseEnv, startProcess } from "../dev/harness/processes";
import { startRedisCluster } from "../dev/harness/redis-cluster";
import { startPrivateServer } from "../dev/harness/redis-provider";
import { scanKeysUnder } from "../dev/harness/scan-keys";
import type { SessionMemory } from "../dev/harness/session-memory";
import { TEST_USERS } from "../dev/idp/accounts";

/**
 * The targets of issue 9. A ratio is the guarded route's requests per second divided
 * by its unguarded twin's; round trips and writes are per request.
 */
const targets = {
  /** Session writes (client commands that write a session key) per session per minute. */
  writesPerSessionPerMinute: 1,
  bytesPerSession: 4096,
} as const;

const connections = 10;
const warmUpSeconds = 2;
/** Alternating rounds per comparison, each route `measureSeconds` per round. */
const rounds = 8;
const measureSeconds = 2;
const sequentialRequests = 200;
const warmUpRequests = 20;
const sessionsForMemory = 2_000;
/** Long enough for Redis commands a response did not wait for to show up. */
const settleMs = 300;
const buildTimeoutMs = 15 * 60_000;
const runTimeoutMs = 25 * 60_000;
const maxErrorChars = 8_000;

const projectRoot = path.resolve(__dirname, "..");
const tsxCli = require.resolve("tsx/cli");
const keyPrefix = "bench:";
const sessionCookieName = "__session";
/** The dev harness files the bench runs inside its copy (a commit may predate them). */
const harnessFilesRunInCopy = [
  "dev/harness/fixture-store.ts",
  "dev/harness/session-memory.ts",
  "dev/harness/scan-keys.ts",
  "dev/harness/session-fixtures.ts",
];

const unguardedPagePath = "pages/bench-unguarded.tsx";
const unguardedPage = `// Added by bench/throughput.ts to its own build: /profile's twin without a guard.
// The same markup and the same props (alice's profile claims, handed to the layout as
// /profile hands them), so the ratio measures the guard and nothing else.
import type { GetServerSideProps } from "next";
import type { User } from "@auth0/nextjs-auth0/types";
import { UserCard } from "../components/UserCard";

interface Props {
  user: User;
}

export default function BenchUnguarded({ user }: Props) {
  return (
    <>
      <h1>Profile</h1>
      <p className="muted">
        Rendered on the server, guarded by the SDK&apos;s withPageAuthRequired.
      </p>
      <UserCard user={user} />
    </>
  );
}

export const getServerSideProps = (async () => ({
  props: {
    user: {
      sub: "auth0|alice",
      name: "Alice Example",
      nickname: "alice",
      email: "alice@example.com",
      email_verified: true,
    },
  },
})) satisfies GetServerSideProps<Props>;
`;

interface Route {
  label: string;
  path: string;
  withCookie: boolean;
  /** Served by the bare Next.js app (bare-next.ts), not the app. */
  bare?: boolean;
  /** At most this many Redis round trips per request. */
  roundTrips?: number;
}

const route = (pathname: string, withCookie: boolean, roundTrips?: number): Route => ({
  label: `GET ${pathname}${withCookie ? " (cookie)" : ""}`,
  path: pathname,
  withCookie,
  ...(roundTrips === undefined ? {} : { roundTrips }),
});

const routes = {
  health: route("/api/health", false),
  me: route("/api/me", true, 1),
  unguarded: route("/bench-unguarded", false),
  profile: route("/profile", true, 1),
  home: route("/", false),
  homeWithCookie: route("/", true, 0),
  healthWithCookie: route("/api/health", true, 0),
  bareHealth: {
    ...route("/api/health", false),
    label: "bare Next.js /api/health",
    bare: true,
  },
};

/** Guarded route, its unguarded twin, and the least ratio of their requests per second. */
const comparisons: ReadonlyArray<[guarded: Route, twin: Route, atLeast: number]> = [
  [routes.me, routes.health, 0.8],
  [routes.profile, routes.unguarded, 0.9],
  [routes.homeWithCookie, routes.home, 0.95],
  // What the app adds to every request (hooks, instrumentation, middleware matching).
  [routes.health, routes.bareHealth, 0.95],
];

/** Where each server listens: the app's address, and the bare Next.js app's. */
interface Servers {
  app: string;
  bare: string;
}

/** Routes whose Redis traffic is counted. */
const countedRoutes: readonly Route[] = [
  routes.me,
  routes.profile,
  routes.homeWithCookie,
  routes.healthWithCookie,
];

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`bench: cleanup failed: ${(error as Error).message}`);
    }
  }
}

/** Copies the app's source (the working tree, or BENCH_REF) and adds the unguarded page. */
function prepareCopy(dir: string): string {
  const ref = process.env.BENCH_REF;
  if (ref) {
    const archive = spawnSync("git", ["archive", "--format=tar", ref], {
      cwd: projectRoot,
      maxBuffer: 1 << 30,
    });
    if (archive.status !== 0)
      throw new Error(`git archive ${ref} failed: ${archive.stderr.toString("utf8")}`);
    execFileSync("tar", ["-x", "-C", dir], { input: archive.stdout });
    for (const file of harnessFilesRunInCopy) {
      if (!existsSync(path.join(dir, file)))
        cpSync(path.join(projectRoot, file), path.join(dir, file));
    }
  } else {
    const files = execFileSync(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      { cwd: projectRoot, maxBuffer: 1 << 28 },
    )
      .toString("utf8")
      .split("\0")
      .filter(Boolean);
    for (const file of files) {
      const from = path.join(projectRoot, file);
      // Deleted in the working tree but not yet in the index.
      if (!existsSync(from)) continue;
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      cpSync(from, path.join(dir, file));
    }
  }
  symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
  writeFileSync(path.join(dir, unguardedPagePath), unguardedPage);
  return ref ? `commit ${ref}` : "the working tree";
}

async function buildCopy(dir: string): Promise<void> {
  const build = startProcess(
    "next-build",
    "npm",
    ["run", "build"],
    { ...baseEnv(), NEXT_TELEMETRY_DISABLED: "1" },
    { cwd: dir, processGroup: true },
  );
  cleanups.push(() => build.stop());
  const timer = setTimeout(() => void build.stop(), buildTimeoutMs);
  const code = await build.exited;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(`the bench's build failed (exit ${code}):\n${build.output()}`);
}

interface RunningStack {
  /** The app's own URL (APP_BASE_URL), where logins start and end. */
  appBaseUrl: string;
  /** The same server by its address, for measured requests. */
  appUrl: string;
}

async function startStack(
  dir: string,
  redis: { url: string } | { nodes: readonly string[] },
): Promise<RunningStack> {
  // BENCH_CPU_PROFILE_DIR=<dir>: the app writes a V8 CPU profile there when it stops.
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const stack = await startLocalStack({
    root: dir,
    redis,
    appEnv: { REDIS_KEY_PREFIX: keyPrefix },
    providerKeyFile: path.join(dir, ".bench-idp-signing-key.json"),
    readyPath: "/api/health",
    appNodeOptions: profileDir
      ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`]
      : [],
  });
  cleanups.push(() => stack.stop());
  const appBaseUrl = stack.appUrls[0]!;
  // Load goes to the address itself, so no request waits on a name lookup.
  return { appBaseUrl, appUrl: `http://127.0.0.1:${new URL(appBaseUrl).port}` };
}

async function logInAlice(appUrl: string): Promise<string> {
  const alice = TEST_USERS.find((user) => user.username === "alice");
  if (!alice) throw new Error("the local provider has no user alice");
  const agent = new HttpAgent();
  await logInOverHttp(agent, appUrl, alice);
  const session = agent.cookies().get(sessionCookieName);
  if (!session) throw new Error(`the login left no ${sessionCookieName} cookie`);
  return `${sessionCookieName}=${session}`;
}

function headersFor(target: Route, cookie: string): Record<string, string> {
  return target.withCookie ? { cookie } : {};
}

/** Refuses to measure a route that does not answer 200: it would measure the wrong thing. */
async function assertAnswers200(servers: Servers, cookie: string): Promise<void> {
  for (const target of Object.values(routes))
    await requestOnce(target.bare ? servers.bare : servers.app, target, cookie);
}

async function requestsPerSecond(
  servers: Servers,
  target: Route,
  cookie: string,
  seconds: number,
): Promise<number> {
  const result = await autocannon({
    url: `${target.bare ? servers.bare : servers.app}${target.path}`,
    connections,
    duration: seconds,
    headers: headersFor(target, cookie),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(
      `${target.label} under load: ${result.non2xx} non-2xx answers, ${result.errors} errors`,
    );
  return result.requests.total / result.duration;
}

/** What one comparison measured: each route's mean, and the ratio of each round. */
interface Throughput {
  perSecond: Map<Route, number>;
  ratios: Map<Route, number[]>;
}

/**
 * Each route warmed up, then measured in rounds that alternate each guarded route with
 * its twin (A B, then B A). Each round gives one ratio of the pair measured seconds
 * apart; their median is the figure, so that a burst of other work on a shared machine
 * during one round does not decide it. A route's requests per second is its mean.
 */
async function measureThroughput(servers: Servers, cookie: string): Promise<Throughput> {
  const measured = [
    ...new Set(comparisons.flatMap(([guarded, twin]) => [guarded, twin])),
  ];
  for (const target of measured)
    await requestsPerSecond(servers, target, cookie, warmUpSeconds);
  const totals = new Map<Route, number>();
  const measurements = new Map<Route, number>();
  const ratios = new Map<Route, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [guarded, twin] of comparisons) {
      const order = round % 2 === 0 ? [guarded, twin] : [twin, guarded];
      const rps = new Map<Route, number>();
      for (const target of order) {
        rps.set(target, await requestsPerSecond(servers, target, cookie, measureSeconds));
        totals.set(target, (totals.get(target) ?? 0) + rps.get(target)!);
        measurements.set(target, (measurements.get(target) ?? 0) + 1);
      }
      ratios.set(guarded, [
        ...(ratios.get(guarded) ?? []),
        rps.get(guarded)! / rps.get(twin)!,
      ]);
    }
  }
  return {
    perSecond: new Map(
      [...totals].map(([target, total]) => [target, total / measurements.get(target)!]),
    ),
    ratios,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface RedisCost {
  roundTrips: number;
  /** Client commands (a script call, or a plain command) that wrote a session key. */
  sessionWrites: number;
}

interface MonitoredCommand {
  name: string;
  key: string | undefined;
  /** Run by a Lua script, not sent by a client. */
  fromScript: boolean;
}

const writeCommands = new Set([
  "SET",
  "SETEX",
  "PSETEX",
  "SETNX",
  "GETSET",
  "GETDEL",
  "HSET",
  "HMSET",
  "HSETNX",
  "HDEL",
  "HINCRBY",
  "EXPIRE",
  "PEXPIRE",
  "EXPIREAT",
  "PEXPIREAT",
  "PERSIST",
  "SADD",
  "SREM",
  "ZADD",
  "ZREM",
  "DEL",
  "UNLINK",
  "INCR",
  "INCRBY",
  "RENAME",
]);

/** How many client commands wrote a session key, themselves or through their script. */
function countWritingRoundTrips(commands: readonly MonitoredCommand[]): number {
  let writes = 0;
  let current = false;
  for (const command of commands) {
    if (!command.fromScript) {
      if (current) writes++;
      current = false;
    }
    if (isSessionWrite(command)) current = true;
  }
  return current ? writes + 1 : writes;
}

function isSessionWrite(command: MonitoredCommand): boolean {
  return (
    (writeCommands.has(command.name) || command.name === "GETEX") &&
    command.key?.startsWith(keyPrefix) === true
  );
}

/**
 * Counts, on a MONITOR connection, what N sequential requests of each route make the app
 * send to Redis (commands not run by a Lua script: round trips, as long as the app does
 * not pipeline) and how many of all commands, scripts' included, write the session
 * store's keys. Marks sent between the routes tell their commands apart.
 */
async function measureRedisCost(
  nodeUrls: readonly string[],
  appUrl: string,
  cookie: string,
): Promise<Map<Route, RedisCost>> {
  // One MONITOR per node (a cluster's commands spread over its masters); monitor()
  // opens a connection of its own beside the client it is called on. The app is the
  // only client, and the phases are separated by quiet time, so what each MONITOR saw
  // between two phases is that route's.
  const clients = nodeUrls.map((url) => new Redis(url, { lazyConnect: true }));
  const monitors = await Promise.all(clients.map((client) => client.monitor()));
  const seen: MonitoredCommand[] = [];
  for (const monitor of monitors)
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      const name = (args[0] ?? "").toUpperCase();
      // A cluster client's own upkeep (slot map refreshes) is not the request's.
      if (clusterUpkeep.has(name)) return;
      seen.push({ name, key: args[1], fromScript: source === "lua" });
    });
  try {
    const costs = new Map<Route, RedisCost>();
    for (const target of countedRoutes) {
      const send = () => requestOnce(appUrl, target, cookie);
      for (let i = 0; i < warmUpRequests; i++) await send();
      await sleep(settleMs);
      const start = seen.length;
      for (let i = 0; i < sequentialRequests; i++) await send();
      await sleep(settleMs);
      const commands = seen.slice(start);
      costs.set(target, {
        roundTrips: commands.filter((c) => !c.fromScript).length / sequentialRequests,
        sessionWrites: countWritingRoundTrips(commands),
      });
    }
    return costs;
  } finally {
    for (const monitor of monitors) monitor.disconnect();
    for (const client of clients) client.disconnect();
  }
}

/**
 * Commands a Redis Cluster client sends on its own, not for a request: among them the
 * slot map refresh every 2 s (CLIENT SETNAME and CLUSTER SLOTS on a connection of its own).
 */
const clusterUpkeep = new Set(["CLUSTER", "INFO", "COMMAND", "READONLY", "CLIENT"]);

async function requestOnce(appUrl: string, target: Route, cookie: string): Promise<void> {
  const response = await fetch(`${appUrl}${target.path}`, {
    headers: headersFor(target, cookie),
    redirect: "manual",
  });
  await response.arrayBuffer();
  if (response.status !== 200)
    throw new Error(`${target.label} answered ${response.status}, not 200`);
}

/** Runs dev/harness/session-memory.ts inside the copy: the store of the code benchmarked. */
async function measureSessionMemory(
  dir: string,
  redisUrl: string,
): Promise<SessionMemory> {
  const run = startProcess(
    "session-memory",
    process.execPath,
    [tsxCli, "dev/harness/session-memory.ts", redisUrl, String(sessionsForMemory)],
    baseEnv(),
    { cwd: dir },
  );
  cleanups.push(() => run.stop());
  const code = await run.exited;
  const line = run.output().trim().split("\n").pop() ?? "";
  if (code !== 0 || !line.startsWith("{"))
    throw new Error(
      `measuring memory per session failed (exit ${code}):\n${run.output()}`,
    );
  return JSON.parse(line) as SessionMemory;
}

/** MEMORY USAGE of the real login's session hash (the bench may scan; the app never does). */
async function realSessionBytes(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await scanKeysUnder(redis, `${keyPrefix}session:`);
    let bytes = 0;
    for (const key of keys)
      bytes += Number(await redis.memory("USAGE", key, "SAMPLES", 0));
    return bytes;
  } finally {
    await redis.quit();
  }
}

interface Row {
  measure: string;
  value: string;
  target: string;
  met: boolean | undefined;
}

function printTable(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((row) => row.measure.length));
  const line = (measure: string, value: string, target: string, met: string) =>
    console.log(
      `${measure.padEnd(width)}  ${value.padStart(10)}  ${target.padStart(8)}  ${met}`,
    );
  line("measure", "value", "target", "met");
  for (const row of rows)
    line(
      row.measure,
      row.value,
      row.target,
      row.met === undefined ? "" : row.met ? "met" : "not met",
    );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-throughput-"));
  cleanups.push(() => {
    // Unlink the node_modules link first: nothing may ever reach through it.
    if (existsSync(path.join(dir, "node_modules")))
      unlinkSync(path.join(dir, "node_modules"));
    rmSync(dir, { recursive: true, force: true });
  });
  const source = prepareCopy(dir);
  console.log(`bench: building ${source} with ${unguardedPagePath} in ${dir}`);
  await buildCopy(dir);

  // BENCH_REDIS=cluster: the app on a real 3-master Redis Cluster instead of one server.
  const onCluster = process.env.BENCH_REDIS === "cluster";
  const redis = onCluster ? await startRedisCluster() : await startPrivateServer();
  cleanups.push(() => redis.stop());
  const nodeUrls = "nodes" in redis ? redis.nodes : [redis.url];
  const { appBaseUrl, appUrl } = await startStack(
    dir,
    onCluster ? { nodes: nodeUrls } : { url: nodeUrls[0]! },
  );
  const bare = await startBareNext(projectRoot);
  cleanups.push(() => bare.stop());
  const servers: Servers = { app: appUrl, bare: bare.url };
  const cookie = await logInAlice(appBaseUrl);
  await assertAnswers200(servers, cookie);

  console.log(
    `bench: load, ${connections} connections, ${rounds} alternating rounds of ${measureSeconds} s per route after ${warmUpSeconds} s of warm-up`,
  );
  const { perSecond, ratios } = await measureThroughput(servers, cookie);
  for (const [target, rps] of perSecond)
    console.log(`  ${target.label.padEnd(28)} ${rps.toFixed(0).padStart(7)} req/s`);
  const costStarted = Date.now();
  const costs = await measureRedisCost(nodeUrls, appUrl, cookie);
  const costSeconds = (Date.now() - costStarted) / 1000;
  // Memory per session is the store's layout, the same on a cluster: measured on one server.
  const memory = onCluster ? undefined : await measureSessionMemory(dir, nodeUrls[0]!);
  const realBytes = onCluster ? undefined : await realSessionBytes(nodeUrls[0]!);

  const rows: Row[] = [];
  for (const [guarded, twin, atLeast] of comparisons) {
    const perRound = ratios.get(guarded)!;
    const ratio = median(perRound);
    rows.push({
      measure: `${guarded.label} ÷ ${twin.label} (median of ${perRound.length}, ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)})`,
      value: `${ratio.toFixed(2)}×`,
      target: `≥ ${atLeast.toFixed(2)}×`,
      met: ratio >= atLeast,
    });
  }
  for (const [target, cost] of costs)
    rows.push({
      measure: `Redis round trips per ${target.label}`,
      value: cost.roundTrips.toFixed(2),
      target: `≤ ${target.roundTrips}`,
      met: cost.roundTrips <= (target.roundTrips ?? Infinity),
    });
  // All counted requests are one session's, within a minute or two: its writes in that
  // time, per started minute.
  const writes = [...costs.values()].reduce((sum, cost) => sum + cost.sessionWrites, 0);
  const minutes = Math.max(1, Math.ceil(costSeconds / 60));
  rows.push({
    measure: `session writes per session per minute (${writes} in ${costSeconds.toFixed(0)} s, ${costs.size * sequentialRequests} requests)`,
    value: (writes / minutes).toFixed(2),
    target: `≤ ${targets.writesPerSessionPerMinute}`,
    met: writes / minutes <= targets.writesPerSessionPerMinute,
  });
  if (memory && realBytes !== undefined)
    rows.push(
      {
        measure: `memory per session (used_memory Δ, ${memory.sessions} sessions)`,
        value: `${memory.usedMemoryPerSession.toFixed(0)} B`,
        target: `≤ ${targets.bytesPerSession} B`,
        met: memory.usedMemoryPerSession <= targets.bytesPerSession,
      },
      {
        measure: `memory per session (MEMORY USAGE sum, ${memory.keysPerSession.toFixed(1)} keys each)`,
        value: `${memory.memoryUsagePerSession.toFixed(0)} B`,
        target: `≤ ${targets.bytesPerSession} B`,
        met: memory.memoryUsagePerSession <= targets.bytesPerSession,
      },
      {
        measure: "for scale: MEMORY USAGE of alice's real session hash",
        value: `${realBytes} B`,
        target: "",
        met: undefined,
      },
    );

  console.log(
    `\nbench: ${source} on ${onCluster ? "a 3-master Redis Cluster" : "one Redis"}; round trips and writes over ${sequentialRequests} sequential requests of one session`,
  );
  printTable(rows);
}

setTimeout(() => {
  console.error(`bench: gave up after ${runTimeoutMs / 60_000} minutes`);
  void cleanUp().finally(() => process.exit(1));
}, runTimeoutMs);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(cleanUp)
  // Whatever a library still holds open (keep-alive sockets), the run is over.
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // A child's whole output can be long: its end says what went wrong.
    console.error(`bench: ${message.slice(-maxErrorChars)}`);
    await cleanUp();
    process.exit(1);
  });
